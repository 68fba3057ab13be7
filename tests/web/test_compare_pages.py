"""Follow-ups and comparisons in the app: the flow, the comparison page, and bad uploads.

Run on SQLite and PostgreSQL (the ``app`` fixture). Uploads are answers files, PDFs the app
made itself, and hostile files; none of those is stored unless the user asks to keep it.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from assessor import db, models, store
from tests.support.data import ANSWERS_FILE, SCHOOL_MEALS
from tests.support.html import Pages
from tests.support.pdf_files import pdf_bomb, pdf_with_attachment, pdf_without_attachments
from tests.web.test_flow import fill

ANSWERS = {
    "provision": {
        "free-meals-eligibility-level": "partial",
        "free-meals-eligibility-evidence": "Rules online since 2025.",
        "free-meals-nutrition-level": "planned",
    },
    "oversight": {
        "monitoring-uptake-level": "full",
        "monitoring-uptake-evidence": "Annual survey.",
        "monitoring-quality-level": "unknown",
    },
}


def answer(pages, overview: str, theme: str, answers: dict[str, str]) -> None:
    page = pages.get(overview + f"theme/{theme}")
    pages.post(overview + f"theme/{theme}", fill(page, answers, "continue"))


def answered(pages, start_data) -> str:
    """An assessment with every criterion answered; the path of its private link."""
    overview = pages.post("/", start_data)
    for theme, answers in ANSWERS.items():
        answer(pages, overview, theme, answers)
    return overview


def counts(app) -> tuple[int, int]:
    """(assessments, kept comparisons) in the database."""
    with app.app_context():
        session = db.session()
        comparisons = session.scalar(sa.select(sa.func.count()).select_from(models.Comparison))
        return store.count_assessments(), int(comparisons or 0)


def upload(pages, overview: str, content: bytes | None, status: int, **fields: str) -> Any:
    """Post the comparison form as a browser would, with a file (or none)."""
    form: dict[str, Any] = {"keep": "no", **fields}
    if content is not None:
        form["file"] = FileStorage(io.BytesIO(content), "other", content_type="application/json")
    stream, _length, boundary = stream_encode_multipart(form, use_tempfile=False)
    return pages.post(
        overview + "compare",
        stream.getvalue(),
        status,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def token_of(path: str) -> str:
    return path.strip("/").split("/")[1]


# -- follow-up --------------------------------------------------------------------------------


def test_a_follow_up_starts_from_its_baseline_and_shows_the_progress(app, pages, start_data):
    baseline = answered(pages, start_data)
    overview = pages.get(baseline)
    link = overview.one("a", href=baseline + "follow-up")
    assert link.text == "Start a follow-up assessment"
    form = pages.get(baseline + "follow-up")
    assert form.h1 == "Start a follow-up assessment"
    assert form.form_data()["title"] == "School meals review 2026 – follow-up"

    follow_up = (
        pages.post(baseline + "follow-up", {"title": "School meals review 2027"}).removesuffix("/")
        + "/"
    )
    assert token_of(follow_up) != token_of(baseline)
    page = pages.get(follow_up)
    assert page.h1 == "School meals review 2027"
    assert "has started from the answers and evidence of “School meals review 2026”" in page.text
    assert "4 of 4 answered" in page.text  # the answers were copied
    assert "See the progress since its baseline" in page.text
    with app.app_context():
        copied = store.load_answers(store.get_by_token(token_of(follow_up)))
    assert copied["free-meals-eligibility"].evidence == "Rules online since 2025."
    assert copied["free-meals-eligibility"].level == "partial"

    # Beside each criterion, what the baseline said.
    theme = pages.get(follow_up + "theme/provision")
    said = [p.text for p in theme.find_all("p", class_="baseline-said")]
    assert said == [
        "In the baseline, “School meals review 2026”: Partially in place. Evidence: Rules "
        "online since 2025.",
        "In the baseline, “School meals review 2026”: Planned",
    ]
    # A year later: eligibility is fully in place, nutrition not yet.
    answer(
        pages,
        follow_up,
        "provision",
        {
            "free-meals-eligibility-level": "full",
            "free-meals-eligibility-evidence": "Rules and appeals online.",
            "free-meals-nutrition-level": "not_in_place",
        },
    )
    # What the baseline said does not move with the follow-up's answers.
    theme = pages.get(follow_up + "theme/provision")
    assert "Partially in place" in theme.find_all("p", class_="baseline-said")[0].text

    progress = pages.get(follow_up + "comparison/baseline")
    assert progress.h1 == "Progress since School meals review 2026"
    rows = {
        row.one("th").text.split("  ")[0].strip(): [td.text for td in row.find_all("td")]
        for row in progress.one("table", class_="comparison-table").one("tbody").find_all("tr")
    }
    # provision: (2/3 + 1/3)/2 = 50.0 -> (1 + 0)/2 = 50.0; overall the same (oversight unchanged).
    assert rows["Overall"] == ["55.6", "55.6", "0.0"]
    assert rows["1. Provision"] == ["50.0", "50.0", "0.0"]
    assert len(progress.find_all("svg", class_="score-pair")) == 3  # overall and two themes
    items = progress.one("ol", class_="comparison-list").find_all("li")
    assert [li.get("id") for li in items] == [
        "Change-free-meals-eligibility",
        "Change-free-meals-nutrition",
    ]
    first = items[0].text
    assert "Better" in first and "1 step apart" in first
    assert "Rules online since 2025." in first and "Rules and appeals online." in first
    assert "Worse" in items[1].text

    # The baseline itself is unchanged and has no baseline of its own.
    theme = pages.get(baseline + "theme/provision")
    assert theme.find("p", class_="baseline-said") is None
    pages.get(baseline + "comparison/baseline", 404)
    with app.app_context():
        kept = store.load_answers(store.get_by_token(token_of(baseline)))
    assert kept["free-meals-eligibility"].level == "partial"
    assert counts(app) == (2, 1)


def test_a_follow_up_needs_a_title_and_stores_nothing_without(app, pages, start_data):
    baseline = answered(pages, start_data)
    page = pages.post(baseline + "follow-up", {"title": "  "}, 422)
    assert page.error_summary() == [("#title", "Enter a title for this assessment")]
    page = pages.post(baseline + "follow-up", {"title": "x" * 201}, 422)
    assert page.form_data()["title"] == "x" * 201  # what was typed survives
    assert counts(app) == (1, 0)


def test_follow_up_is_offered_once_every_criterion_is_answered(pages, started):
    overview = pages.get(started)
    assert overview.find("a", href=started + "follow-up") is None
    assert "When every criterion is answered, you can start a follow-up" in overview.text
    assert overview.one("a", href=started + "compare").text == "Compare with another assessment"


# -- comparing with an upload -----------------------------------------------------------------


def ngo_file(**changes: Any) -> bytes:
    data = json.loads(json.dumps(ANSWERS_FILE))
    data["answers"]["monitoring-uptake"] = {"level": "not_in_place", "evidence": "No survey."}
    data.update(changes)
    return json.dumps(data).encode()


def test_an_uploaded_file_is_compared_and_not_stored(app, pages, start_data):
    mine = answered(pages, start_data)
    page = upload(pages, mine, ngo_file(), 200)
    assert page.h1 == "Where the assessments differ"
    assert "This comparison is not stored, and neither is the file you uploaded" in page.text
    sides = page.find_all("dl", class_="summary-list")[0].text
    assert "Imported review, by NGO Forum (NGO / civil society), Moldova" in sides
    assert "School meals review 2026, by Ministry of Education" in sides
    first = page.one("ol", class_="comparison-list").find_all("li")[0]
    # uptake: NGO not in place vs fully in place here: 3 steps, the furthest apart.
    assert first.get("id") == "Change-monitoring-uptake"
    assert "3 steps apart" in first.text and "No survey." in first.text
    assert first.one("strong").text == "Higher in this assessment"
    assert "Criteria: 3 higher in this assessment, 1 different without" in page.text
    assert counts(app) == (1, 0)


def test_an_upload_kept_as_comparison_partner(app, pages, start_data):
    mine = answered(pages, start_data)
    location = upload(pages, mine, ngo_file(), 302, keep="yes")
    assert location.endswith(mine + "comparison/partner")
    page = pages.get(location)
    assert page.h1 == "Where the assessments differ"
    assert "not stored" not in page.text
    assert counts(app) == (1, 1)
    assert "See the comparison with the kept comparison partner" in pages.get(mine).text
    # Kept again: replaced, not added.
    upload(
        pages,
        mine,
        ngo_file(assessment=dict(ANSWERS_FILE["assessment"], title="V2")),
        302,
        keep="yes",
    )
    assert "V2" in pages.get(location).text
    assert counts(app) == (1, 1)
    # Forgotten.
    assert pages.post(mine + "comparison/partner/forget", {}) == mine
    pages.get(location, 404)
    assert counts(app) == (1, 0)


def test_the_same_organisation_gets_progress_wording(pages, start_data):
    mine = answered(pages, start_data)
    earlier = ngo_file(
        assessment={
            "title": "School meals review 2025",
            "organisation": "ministry of education",
            "country": "Austria",
            "respondent": "government",
        }
    )
    page = upload(pages, mine, earlier, 200)
    assert page.h1 == "Progress since School meals review 2025"
    head = page.one("table", class_="comparison-table").one("thead")
    assert [th.text for th in head.find_all("th")] == [
        "Theme",
        "Baseline",
        "This assessment",
        "Change",
    ]


def test_a_pdf_made_by_the_app_is_compared(app, pages, start_data, pages_for):
    other = pages_for(app)
    theirs = other.post("/", dict(start_data, organisation="Parents' NGO"))
    answer(other, theirs, "provision", {"free-meals-eligibility-level": "not_in_place"})
    pdf = other.client.get(theirs + "report.pdf?audience=ngo").get_data()
    assert pdf.startswith(b"%PDF")
    mine = answered(pages, start_data)
    page = upload(pages, mine, pdf, 200)
    assert page.h1 == "Where the assessments differ"
    assert "Parents' NGO" in page.text
    eligibility = page.one("li", id="Change-free-meals-eligibility").text
    assert "Not in place" in eligibility and "Partially in place" in eligibility
    assert counts(app) == (2, 0)


def another_checklist(checklist_dir) -> None:
    data = yaml.safe_load(SCHOOL_MEALS.read_text(encoding="utf-8"))
    data["id"] = "other-demo"
    data["title"] = "Another checklist"
    (checklist_dir / "other.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")


HOSTILE = {
    "not a PDF or JSON": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "not UTF-8 text"),
    "PDF without attachment": (pdf_without_attachments(), "the PDF has no answers file attached"),
    "PDF bomb": (pdf_bomb(), "could not be read (it asks for more work than allowed)"),
    "damaged PDF": (b"%PDF-1.7\n" + b"\x00garbage" * 300, "the PDF could not be read"),
    "deep nesting": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "deep nesting in a PDF": (
        pdf_with_attachment("answers.json", b'{"a": ' * 50_000 + b"1" + b"}" * 50_000),
        "nested too deeply",
    ),
    "invalid answers": (
        ngo_file(answers={"free-meals-eligibility": {"level": "superb"}}),
        "invalid level 'superb'",
    ),
    "another checklist": (
        ngo_file(checklist="other-demo"),
        "This file cannot be compared with this assessment: the two assessments answer "
        "different checklists",
    ),
    "no file": (None, "Choose an answers file or an Assessor PDF to upload"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_bad_upload_is_refused_clearly_and_nothing_is_stored(
    app, pages, start_data, checklist_dir, case
):
    another_checklist(checklist_dir)
    mine = pages.post("/", start_data)
    content, problem = HOSTILE[case]
    page = upload(pages, mine, content, 422, keep="yes")
    assert page.one("div", class_="error-summary").one("h2").text == "The file was not compared"
    texts = [text for _href, text in page.error_summary()]
    assert any(problem in text for text in texts), texts
    assert page.form_data()["keep"] == "yes"  # the choice survives
    assert counts(app) == (1, 0)


def test_a_huge_upload_gets_the_413_page(app, pages, start_data):
    mine = pages.post("/", start_data)
    page = upload(pages, mine, b" " * (app.config["MAX_CONTENT_LENGTH"] + 1), 413)
    assert page.h1 == "Too much was sent"
    assert counts(app) == (1, 0)


def test_forgetting_needs_the_csrf_token(csrf_app, pages_for, start_data):
    pages = pages_for(csrf_app)
    home = pages.get("/")
    mine = pages.post("/", {**start_data, "csrf_token": home.form_data()["csrf_token"]})
    form = pages.get(mine + "compare")
    token = form.form_data()["csrf_token"]
    location = upload(pages, mine, ngo_file(), 302, keep="yes", csrf_token=token)
    pages.post(mine + "comparison/partner/forget", {}, 400)
    assert counts(csrf_app) == (1, 1)
    page = pages.get(location)
    forget = page.find_all("form")[-1]
    assert pages.post(mine + "comparison/partner/forget", page.form_data(forget)) == mine
    assert counts(csrf_app) == (1, 0)


def test_a_follow_up_counts_as_a_creation(make_app, start_data):
    app = make_app(CREATION_LIMIT="2 per hour")
    pages = Pages(app.test_client())
    baseline = answered(pages, start_data)  # the first creation
    pages.post(baseline + "follow-up", {"title": "Second"})
    page = pages.post(baseline + "follow-up", {"title": "Third"}, 429)
    assert "No follow-up was started: too many assessments were started" in page.text
    assert counts(app) == (2, 1)


def test_an_expired_follow_up_form_keeps_the_title(csrf_app, pages_for, start_data):
    pages = pages_for(csrf_app)
    token = pages.get("/").form_data()["csrf_token"]
    baseline = pages.post("/", {**start_data, "csrf_token": token})
    page = pages.post(baseline + "follow-up", {"title": "Typed a year later"}, 400)
    assert page.form_data()["title"] == "Typed a year later"
    assert "this page was open so long that its security check expired" in page.text
    assert counts(csrf_app) == (1, 0)


def test_a_file_of_an_older_version_is_compared_on_what_this_version_has(app, pages, start_data):
    mine = answered(pages, start_data)
    data = json.loads(ngo_file(checklist_version="0.0.9"))
    data["answers"]["meals-dropped-since"] = {"level": "full", "evidence": ""}
    page = upload(pages, mine, json.dumps(data).encode(), 200)
    assert page.h1 == "Where the assessments differ"
    assert (
        "The file was made with version 0.0.9 of the checklist; this service has version 0.1. "
        "1 answer to criteria this version no longer has (meals-dropped-since) is left out"
    ) in page.text
    assert counts(app) == (1, 0)
