"""The PDF's action plan: a chapter after the summary, and each gap's action in its theme."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from report_helpers import ANSWERS, GENERATED_ON, HOSTILE, normalise, reader

from assessor.answers import AnswersFile, parse_answers_file
from assessor.checklist import Checklist
from assessor.report import render_pdf
from assessor.report.html import render_html
from assessor.scoring import score

OWNER = "Бюро по делам мигрантов"
ACTIONS: dict[str, Any] = {
    "hours-evening": {
        "action": "Open until 20:00 in Bălți and Comrat; recruit two librarians.",
        "owner": OWNER,
        "due": "2026-01-31",  # before the report's date (14 March 2026): overdue
        "target_level": "full",
        "status": "in_progress",
        "budget": "EUR 40,000, AMIF",
    },
    "hours-weekend": {"action": "Saturday opening", "owner": "Ministry", "status": "done"},
    "languages-survey": {
        "action": "Survey readers' languages",
        "owner": "Agenția Națională",
        "due": "2027-06-30",
        "target_level": "partial",
        "status": "not_started",
    },
}


def planned(libraries: Checklist, actions: dict[str, Any]) -> AnswersFile:
    parsed, _ = parse_answers_file(
        json.dumps({**ANSWERS, "actions": actions}), {libraries.id: libraries}.get
    )
    assert parsed.actions  # the parser carries them
    return parsed


@pytest.fixture(scope="module")
def planned_pdf(libraries: Checklist) -> bytes:
    answers_file = planned(libraries, ACTIONS)
    analysis = score(libraries, answers_file.answers)
    return render_pdf(analysis, answers_file, generated_on=GENERATED_ON)


def page_of(pdf: bytes, pdftotext: Callable[..., str], needle: str) -> int:
    for number in range(1, len(reader(pdf).pages) + 1):
        if needle in normalise(pdftotext(pdf, page=number, body_only=True)):
            return number
    raise AssertionError(f"{needle!r} is on no page")


def test_the_chapter_lists_every_gap_in_priority_order(planned_pdf, pdftotext, analysis):
    start = page_of(
        planned_pdf,
        pdftotext,
        "Action plan The 3 gaps in priority order, then the 3 criteria with evidence to collect",
    )
    assert start == page_of(planned_pdf, pdftotext, "All gaps by priority") + 1  # after the summary
    text = normalise(pdftotext(planned_pdf, page=start, body_only=True))
    assert "3 of 6 with an action · 3 without · 1 overdue on 14 March 2026" in text
    codes = [f"{gap.rank}. {gap.criterion.code}" for gap in analysis.gaps]
    positions = [text.index(code) for code in codes]
    assert positions == sorted(positions)
    # The action, its owner (Cyrillic), due date, overdue, target, status and budget.
    for fragment in (
        "Open until 20:00 in Bălți and Comrat; recruit two librarians.",
        f"Owner {OWNER}",
        "Due 31 January 2026 Overdue",
        "Target Fully in place (now not in place)",
        "Status In progress",
        "Budget EUR 40,000, AMIF",
        "Owner Agenția Națională",
        "Due 30 June 2027",
        "Target Partially in place (now don't know)",
        "Status Not started",
        "Status Done",
    ):
        assert normalise(fragment) in text, fragment
    # Gaps without an action are listed as such: what is still unplanned.
    assert text.count("No action yet") == 3
    rank = next(
        g.rank for g in analysis.gaps + analysis.evidence_to_collect if g.criterion.code == "2.1.b"
    )
    assert f"{rank}. 2.1.b Books are bought in those languages. No action yet" in text


def test_the_chapter_is_in_the_contents_and_the_bookmarks(planned_pdf, pdftotext):
    contents = normalise(pdftotext(planned_pdf, page=2))
    start = page_of(planned_pdf, pdftotext, "Action plan The 3 gaps")
    assert f"Summary 2 Action plan {start}" in contents  # the summary follows the contents
    titles = [item.title for item in reader(planned_pdf).outline if not isinstance(item, list)]
    assert "Action plan" in titles


def test_each_theme_shows_a_gaps_action(planned_pdf, pdftotext):
    page = page_of(planned_pdf, pdftotext, "Access for everyone Theme score")
    text = normalise(pdftotext(planned_pdf, page=page, body_only=True))
    # The criterion's cell is narrow: its last line may wrap, and pdftotext reads a wrapped
    # line's pieces around the "Overdue" badge out of order.
    assert (
        "Action (plan): Open until 20:00 in Bălți and Comrat; recruit two librarians. "
        f"Status: In progress · {OWNER} · due 31 January 2026 Overdue"
    ) in text
    assert "fully in place" in text and "· target" in text
    assert "Action (plan): Saturday opening Status: Done · Ministry" in text
    whole = normalise(pdftotext(planned_pdf, body_only=True))  # 1.1.c may be overleaf
    assert "No action yet in the action plan." in whole  # 1.1.c, in a plan that has actions


def test_without_actions_one_line_points_to_the_app(government_pdf, pdftotext):
    page = page_of(government_pdf, pdftotext, "All gaps by priority")
    text = normalise(pdftotext(government_pdf, page=page, body_only=True))
    assert (
        "Action plan No actions have been planned for the 6 gaps yet. Record what will be done, "
        "by whom and by when on the assessment's Action plan page in Assessor"
    ) in text
    whole = normalise(pdftotext(government_pdf))
    assert "No action yet" not in whole and "Action (plan)" not in whole
    assert "Action plan" in normalise(pdftotext(government_pdf, page=2))  # contents


def test_user_text_in_an_action_is_escaped(libraries):
    answers_file = planned(
        libraries,
        {"hours-evening": {"action": HOSTILE, "owner": "<b>owner</b>", "budget": "<i>€</i>"}},
    )
    html = render_html(
        score(libraries, answers_file.answers), answers_file, generated_on=date(2026, 1, 1)
    )
    assert "<script>" not in html and "<b>owner</b>" not in html and "<i>€</i>" not in html
    assert "&lt;script&gt;alert(" in html and "&lt;b&gt;owner&lt;/b&gt;" in html
    assert 'id="plan-hours-evening"' in html and 'href="#plan-hours-evening"' in html


def test_a_checklist_without_gaps_needs_no_plan(libraries):
    answers = {**ANSWERS, "answers": {c.id: {"level": "full"} for c in libraries.criteria}}
    answers_file, _ = parse_answers_file(json.dumps(answers), {libraries.id: libraries}.get)
    html = render_html(
        score(libraries, answers_file.answers), answers_file, generated_on=GENERATED_ON
    )
    assert "No gaps, so no actions are needed." in html
