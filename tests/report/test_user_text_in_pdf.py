"""User text in the report is isolated: right-to-left names and stray bidi controls cannot
reorder the report's own words, and long runs without a space cost no more than prose."""

from __future__ import annotations

import dataclasses

import pytest
from report_helpers import GENERATED_ON, normalise

from assessor.answers import Answer, AnswersFile
from assessor.report import render_pdf
from assessor.report.html import render_html
from assessor.scoring import GapAnalysis, score

# "Ministry of Culture" in Arabic and in Hebrew
ARABIC = "\u0648\u0632\u0627\u0631\u0629 \u0627\u0644\u062b\u0642\u0627\u0641\u0629"
HEBREW = "\u05de\u05e9\u05e8\u05d3 \u05d4\u05ea\u05e8\u05d1\u05d5\u05ea"
LONG_LINK = "https://example.org/" + "a" * 480


@pytest.fixture(scope="module")
def hostile(answers_file: AnswersFile, libraries) -> tuple[GapAnalysis, AnswersFile]:
    """Answers as stored before text was checked: an organisation in Arabic ending in a
    right-to-left override, a Hebrew title, and evidence with a 500-character link."""
    info = dataclasses.replace(
        answers_file.assessment, organisation=ARABIC + "\u202e", title=HEBREW + " 2026"
    )
    answers = dict(answers_file.answers)
    answers["hours-evening"] = Answer("not_in_place", f"See {LONG_LINK} (2024).")
    changed = dataclasses.replace(answers_file, assessment=info, answers=answers)
    return score(libraries, changed.answers), changed


def test_user_text_is_isolated_in_the_report_html(hostile) -> None:
    analysis, answers_file = hostile
    html = render_html(analysis, answers_file, generated_on=GENERATED_ON, generator="test")
    organisation = f'<bdi class="user-text">{ARABIC}\u202e</bdi>'
    assert f"A self-assessment by {organisation};" in html
    assert f'<h1 class="user"><bdi>{HEBREW} 2026</bdi></h1>' in html
    assert f"made by {organisation} with" in html
    assert '<bdi class="user-text">See https://example.org/' in html


def test_the_disclaimer_reads_in_order_beside_right_to_left_text(hostile, pdftotext) -> None:
    pdf = render_pdf(*hostile, generated_on=GENERATED_ON)
    cover = normalise(pdftotext(pdf, page=1))
    assert "it is not an evaluation by" in cover
    assert "noitaulave" not in cover  # what the override made of it before
    assert ARABIC.split()[1] in cover or ARABIC.split()[1][::-1] in cover
    body = normalise(pdftotext(pdf))
    assert "Scores, weights and methods are explained in Annex C." in body
    # The long link breaks across lines, and copying it gives no invisible characters.
    assert "\u200b" not in body
    assert LONG_LINK.replace("-", "") in body.replace(" ", "")
