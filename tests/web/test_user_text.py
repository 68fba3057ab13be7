"""Typed text through the web forms: what no one types is dropped, invisible text is empty,
limits on lines and words are explained with the text kept, and pages isolate user text."""

from __future__ import annotations

from flask import Flask

from assessor import store, tokens
from assessor.answers import Answer
from assessor.text import MAX_LINES, MAX_UNBROKEN_CHARS


def _assessment(app: Flask, path: str):
    token = path.strip("/").split("/")[1]
    assert tokens.is_token(token)
    with app.app_context():
        assessment = store.get_by_token(token)
        assert assessment is not None
        return assessment, store.load_answers(assessment)


def test_a_title_of_only_zero_width_spaces_is_required_and_the_rest_is_kept(
    app, pages, start_data
) -> None:
    data = start_data | {"title": "\u200b\u200b\u200b", "organisation": "Ministry \u200d"}
    page = pages.post("/", data, expected_status=422)
    assert page.error_summary() == [("#title", "Enter a title for this assessment")]
    assert page.one("input", id="title")["aria-invalid"] == "true"
    kept = page.form_data()
    assert kept["organisation"] == "Ministry \u200d"
    assert kept["country"] == start_data["country"]
    assert kept["respondent"] == start_data["respondent"]
    with app.app_context():
        assert store.count_assessments() == 0


def test_bidi_overrides_and_controls_are_dropped_and_pages_isolate_the_names(
    app, pages, start_data
) -> None:
    data = start_data | {
        "title": "Review\u202e 2026\u2066",
        "organisation": "\u05de\u05e9\u05e8\u05d3 \u05d4\u05d7\u05d9\u05e0\u05d5\u05da\x85\u202e",
    }
    location = pages.post("/", data)
    assessment, _ = _assessment(app, location)
    assert assessment.title == "Review 2026"
    assert (
        assessment.organisation == "\u05de\u05e9\u05e8\u05d3 \u05d4\u05d7\u05d9\u05e0\u05d5\u05da"
    )
    overview = pages.get(location)
    assert overview.one("h1").one("bdi").text == "Review 2026"
    assert f"<dd><bdi>{assessment.organisation}</bdi></dd>" in overview.html
    results = pages.get(location + "results")
    assert results.one("nav", class_="breadcrumbs").one("bdi").text == "Review 2026"
    assert f"as answered by <bdi>{assessment.organisation}</bdi>." in results.html
    theme = pages.get(location + "theme/provision")
    assert theme.one("textarea", id="free-meals-nutrition-evidence")["dir"] == "auto"


def test_evidence_is_cleaned_and_blank_lines_shortened(app, pages, started) -> None:
    page = pages.get(started + "theme/provision")
    data = page.form_data() | {
        "free-meals-eligibility-level": "full",
        "free-meals-eligibility-evidence": "Law\u202e 12\x9b/2015\r\n\r\n\r\n\r\n\r\n\r\nArt. 4",
        "free-meals-nutrition-level": "partial",
        "free-meals-nutrition-evidence": "\u200b\n\u200b",
    }
    pages.post(started + "theme/provision", data)
    _, answers = _assessment(app, started)
    assert answers["free-meals-eligibility"] == Answer("full", "Law 12/2015\n\n\nArt. 4")
    assert answers["free-meals-nutrition"] == Answer("partial", "")


def test_evidence_over_the_line_and_word_limits_is_refused_and_kept(app, pages, started) -> None:
    page = pages.get(started + "theme/provision")
    many_lines = "\n".join(f"Law {n}/2015" for n in range(MAX_LINES + 1))
    long_word = "See https://example.org/" + "a" * MAX_UNBROKEN_CHARS
    data = page.form_data() | {
        "free-meals-eligibility-level": "full",
        "free-meals-eligibility-evidence": many_lines,
        "free-meals-nutrition-level": "partial",
        "free-meals-nutrition-evidence": long_word,
    }
    page = pages.post(started + "theme/provision", data, expected_status=422)
    messages = dict(page.error_summary())
    assert messages["#free-meals-eligibility-evidence"].endswith(
        f"The evidence has {MAX_LINES + 1} lines; the limit is {MAX_LINES}. "
        "Shorten it (your text is kept below)."
    )
    assert messages["#free-meals-nutrition-evidence"].endswith(
        f"The evidence has {MAX_UNBROKEN_CHARS + 20:,} characters without a space "
        f"(“https://example.org/…”); the limit is {MAX_UNBROKEN_CHARS:,}. "
        "Shorten it (your text is kept below)."
    )
    kept = page.form_data()
    assert kept["free-meals-eligibility-evidence"] == many_lines
    assert kept["free-meals-nutrition-evidence"] == long_word
    _, answers = _assessment(app, started)
    assert answers == {}
    # At the limits, both are saved.
    data["free-meals-eligibility-evidence"] = many_lines.rsplit("\n", 1)[0]
    data["free-meals-nutrition-evidence"] = long_word[:-20]
    pages.post(started + "theme/provision", data)
    _, answers = _assessment(app, started)
    assert answers["free-meals-nutrition"].evidence == long_word[:-20]
