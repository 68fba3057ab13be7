"""Answering a theme: the form built from the checklist, saving, errors, progress, links."""

from __future__ import annotations

from flask import Flask

from assessor import store
from assessor.answers import MAX_EVIDENCE_CHARS, Answer
from assessor.levels import LEVELS


def saved_answers(app: Flask, path: str) -> dict[str, Answer]:
    token = path.strip("/").split("/")[1]
    with app.app_context():
        assessment = store.get_by_token(token)
        assert assessment is not None
        return store.load_answers(assessment)


def test_theme_page_is_built_from_the_checklist(pages, started) -> None:
    page = pages.get(started + "theme/provision")
    assert page.h1 == "Provision"
    assert "Theme 1 of 2" in page.text
    section = page.one("section", class_="recommendation")
    # The recommendation and its criteria carry the codes the results page and the PDF use.
    assert section.one("h2").text == "Recommendation 1.1"
    # The recommendation's text stands above its criteria.
    assert (
        section.find("blockquote").text == "Offer a free, nutritious meal to every pupil in need."
    )
    html = page.html
    assert html.index("Offer a free, nutritious meal") < html.index("Eligibility rules for free")
    for criterion_id, code, text in [
        ("free-meals-eligibility", "1.1.a", "Eligibility rules for free meals are published."),
        ("free-meals-nutrition", "1.1.b", "Meals meet written nutrition standards."),
    ]:
        fieldset = page.one("fieldset", id=criterion_id)
        assert fieldset.one("legend").text == f"{code} {text}"
        assert fieldset.one("legend").one("span", class_="code").text == code
        radios = fieldset.find_all("input", type="radio")
        assert [r["value"] for r in radios] == [level.key for level in LEVELS]
        labels = [page.one("label", for_=r["id"]).text for r in radios]
        assert labels == [level.label for level in LEVELS]
        textarea = page.one("textarea", name=f"{criterion_id}-evidence")
        label = page.one("label", for_=textarea["id"])
        assert label.text == f"Evidence for: {text}"
        assert "maxlength" not in textarea.attrs  # browsers would cut pasted text silently
    # Guidance is a hint tied to its radio group.
    fieldset = page.one("fieldset", id="free-meals-eligibility")
    hint = page.one("p", id="free-meals-eligibility-level-hint")
    assert hint.text == "A link to the published rules."
    assert fieldset["aria-describedby"] == "free-meals-eligibility-level-hint"
    # The save buttons (the first, hidden from view, is the one Enter presses), then one
    # "Add comment" button beside each criterion (tests/web/test_comments_pages.py).
    buttons = [(b["value"], b.text) for b in page.find_all("button") if b.get("name") == "action"]
    assert buttons == [
        ("continue", "Save and continue"),
        ("continue", "Save and continue"),
        ("later", "Save and come back later"),
    ]


def test_theme_progress_and_navigation(pages, started) -> None:
    page = pages.get(started + "theme/provision")
    data = page.form_data() | {"free-meals-eligibility-level": "planned", "action": "continue"}
    pages.post(started + "theme/provision", data)
    page = pages.get(started + "theme/provision")
    texts = [p.text for p in page.find_all("p", class_="progress-text")]
    assert texts[:2] == ["This theme: 1 of 2 answered", "All themes: 1 of 4 answered"]
    nav = page.one("nav", class_="themes-nav")
    current = nav.one("a", aria_current="page")
    assert current.text == "1. Provision"
    overview = pages.get(started)
    items = overview.find_all("li", class_="theme-list-item")
    assert [i.one("p", class_="progress-text").text for i in items] == [
        "1 of 2 answered",
        "0 of 2 answered",
    ]


def test_saved_answers_are_shown_again(app, pages, started) -> None:
    page = pages.get(started + "theme/oversight")
    data = page.form_data() | {
        "monitoring-uptake-level": "not_in_place",
        "monitoring-uptake-evidence": "  Line one\r\nLine two  ",
        "action": "later",
    }
    pages.post(started + "theme/oversight", data)
    assert saved_answers(app, started)["monitoring-uptake"] == Answer(
        "not_in_place", "Line one\nLine two"
    )
    shown = pages.get(started + "theme/oversight").form_data()
    assert shown["monitoring-uptake-level"] == "not_in_place"
    assert shown["monitoring-uptake-evidence"] == "Line one\nLine two"


def test_evidence_over_the_limit_is_refused_and_kept(app, pages, started) -> None:
    page = pages.get(started + "theme/provision")
    too_long = "x" * (MAX_EVIDENCE_CHARS + 1)
    data = page.form_data() | {
        "free-meals-eligibility-level": "full",
        "free-meals-eligibility-evidence": "Published in the gazette.",
        "free-meals-nutrition-level": "partial",
        "free-meals-nutrition-evidence": too_long,
        "action": "continue",
    }
    page = pages.post(started + "theme/provision", data, expected_status=422)
    assert page.title.startswith("Error: ")
    summary = page.error_summary()
    assert len(summary) == 1
    href, text = summary[0]
    assert href == "#free-meals-nutrition-evidence"
    assert f"{MAX_EVIDENCE_CHARS + 1:,} characters" in text
    assert f"{MAX_EVIDENCE_CHARS:,} characters or fewer" in text
    # The page says what was saved and what was not; the summary comes before the form; the
    # message is also next to the field.
    notice = page.one("div", class_="notice-warning").text
    assert "Saved: 1.1.a." in notice
    assert "Not saved, because of an error (marked below): 1.1.b." in notice
    html = page.html
    assert html.index('class="error-summary"') < html.index("<form")
    textarea = page.one("textarea", id="free-meals-nutrition-evidence")
    assert textarea["aria-invalid"] == "true"
    assert "free-meals-nutrition-evidence-error" in textarea["aria-describedby"]
    assert page.one("p", id="free-meals-nutrition-evidence-error").text.startswith("Error:")
    # Everything typed is kept, on this field and the others.
    kept = page.form_data()
    for name in (
        "free-meals-eligibility-level",
        "free-meals-eligibility-evidence",
        "free-meals-nutrition-level",
        "free-meals-nutrition-evidence",
    ):
        assert kept[name] == data[name]
    # The valid criterion was saved; the invalid one was not.
    assert saved_answers(app, started) == {
        "free-meals-eligibility": Answer("full", "Published in the gazette.")
    }
    # Evidence at exactly the limit is fine.
    at_limit = ("x" * 99 + " ") * (MAX_EVIDENCE_CHARS // 100 - 1) + "x" * 100
    assert len(at_limit) == MAX_EVIDENCE_CHARS
    data["free-meals-nutrition-evidence"] = at_limit
    pages.post(started + "theme/provision", data)
    assert saved_answers(app, started)["free-meals-nutrition"].evidence == at_limit


def test_an_invalid_level_is_refused(app, pages, started) -> None:
    page = pages.get(started + "theme/provision")
    data = page.form_data() | {
        "free-meals-eligibility-level": "excellent",
        "free-meals-eligibility-evidence": "Kept",
        "action": "continue",
    }
    page = pages.post(started + "theme/provision", data, expected_status=422)
    ((href, text),) = page.error_summary()
    assert href == "#free-meals-eligibility-level-0"
    assert page.find("input", id="free-meals-eligibility-level-0") is not None
    assert "Choose one of the levels listed" in text
    assert page.form_data()["free-meals-eligibility-evidence"] == "Kept"
    assert saved_answers(app, started) == {}


def test_unknown_theme_and_links_give_404_pages(pages, started) -> None:
    page = pages.get(started + "theme/no-such-theme", expected_status=404)
    assert page.h1 == "Page not found"
    token = started.strip("/").split("/")[1]
    unknown = token[:-1] + ("A" if token[-1] != "A" else "B")
    for path in (
        f"/a/{unknown}/",
        f"/a/{unknown}/theme/provision",
        f"/a/{unknown}/review",
        f"/a/{unknown}/answers.json",
        "/a/short/",
        f"/a/{token}x/",
        f"/a/{token[:-1]}%2F/",
        "/a/../etc/passwd",
        "/a/" + "%00" * 43 + "/",
        "/a/1/",
        "/nowhere",
    ):
        page = pages.get(path, expected_status=404)
        assert page.h1 == "Page not found", path
    pages.post(f"/a/{unknown}/theme/provision", {"action": "continue"}, expected_status=404)


def test_save_and_come_back_later_shows_the_private_link(pages, started) -> None:
    page = pages.get(started + "theme/provision")
    location = pages.post(started + "theme/provision", page.form_data() | {"action": "later"})
    assert location == started
    overview = pages.get(started)
    assert overview.one("section", id="PrivateLink")
    assert "are saved" in overview.one("div", class_="notice").text


def test_colleagues_saving_the_same_theme_do_not_overwrite_each_other(app, started, pages_for):
    alice, bob = pages_for(app), pages_for(app)
    path = started + "theme/provision"
    alice_page, bob_page = alice.get(path), bob.get(path)
    # Alice answers the first criterion; Bob, on his older page, the second one only.
    alice.post(
        path,
        alice_page.form_data()
        | {
            "free-meals-eligibility-level": "full",
            "free-meals-eligibility-evidence": "Alice's evidence",
            "action": "continue",
        },
    )
    bob.post(
        path,
        bob_page.form_data()
        | {
            "free-meals-nutrition-level": "planned",
            "action": "continue",
        },
    )
    assert saved_answers(app, started) == {
        "free-meals-eligibility": Answer("full", "Alice's evidence"),
        "free-meals-nutrition": Answer("planned", ""),
    }
    # Bob, still on his old page, now changes the first criterion too: he is told, and
    # Alice's answer stays until he saves again.
    conflict = bob.post(
        path,
        bob_page.form_data()
        | {
            "free-meals-eligibility-level": "not_in_place",
            "free-meals-eligibility-evidence": "Bob's view",
            "free-meals-nutrition-level": "planned",
            "action": "continue",
        },
        expected_status=409,
    )
    ((href, text),) = conflict.error_summary()
    assert href == "#free-meals-eligibility-level-0"
    assert "someone else saved “Fully in place” with the evidence “Alice's evidence”" in text
    assert saved_answers(app, started)["free-meals-eligibility"] == Answer(
        "full", "Alice's evidence"
    )
    kept = conflict.form_data()
    assert kept["free-meals-eligibility-level"] == "not_in_place"
    assert kept["free-meals-eligibility-evidence"] == "Bob's view"
    # Saving again keeps Bob's answer.
    bob.post(path, kept | {"action": "continue"})
    assert saved_answers(app, started)["free-meals-eligibility"] == Answer(
        "not_in_place", "Bob's view"
    )
