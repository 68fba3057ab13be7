"""Every checklist shipped in checklists/ renders a complete report (answered at every level)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_helpers import GENERATED_ON, normalise, reader

from assessor.answers import LEVEL_KEYS, AnswersFile, parse_answers_file
from assessor.checklist import Checklist, is_translation_file, load_checklist
from assessor.report import render_pdf
from assessor.report.content import Anchors
from assessor.scoring import GapAnalysis, score

CHECKLISTS = sorted(
    path
    for path in (Path(__file__).parents[2] / "checklists").glob("*.yaml")
    if not is_translation_file(path)  # the translations: tests/test_checklist_translation.py
)


def every_level(checklist: Checklist) -> AnswersFile:
    """Answers cycling through every level and unanswered, with evidence on some."""
    states: list[str | None] = [*LEVEL_KEYS, None]
    answers = {
        crit.id: {"level": states[i % len(states)], "evidence": f"Evidence {i}." * (i % 2)}
        for i, crit in enumerate(checklist.criteria)
    }
    data = {
        "checklist": checklist.id,
        "checklist_version": checklist.version,
        "assessment": {
            "title": "Every level",
            "organisation": "Test ministry",
            "country": "Latvia",
            "respondent": "government",
        },
        "answers": answers,
    }
    parsed, _ = parse_answers_file(json.dumps(data), {checklist.id: checklist}.get)
    return parsed


@pytest.fixture(scope="module", params=CHECKLISTS, ids=[p.stem for p in CHECKLISTS])
def rendered(request) -> tuple[GapAnalysis, AnswersFile, bytes]:
    checklist = load_checklist(request.param)
    answers_file = every_level(checklist)
    analysis = score(checklist, answers_file.answers)
    pdf = render_pdf(analysis, answers_file, generated_on=GENERATED_ON)
    return analysis, answers_file, pdf


def test_every_gap_leads_to_its_practices_and_commitments(rendered, pdftotext):
    analysis, _, pdf = rendered
    text = normalise(pdftotext(pdf, body_only=True))
    assert analysis.gaps
    for gap in analysis.gaps:
        assert normalise(gap.criterion.text) in text, gap.criterion.id
        assert normalise(gap.recommendation.text) in text, gap.recommendation.id
        for practice in gap.good_practices:
            assert normalise(practice.summary) in text, practice.id
        for commitment in gap.commitments:
            assert normalise(commitment.text) in text, commitment.id


def test_links_resolve_and_data_round_trips(rendered):
    analysis, answers_file, pdf = rendered
    document = reader(pdf)
    destinations = set(document.named_destinations)
    for gap in analysis.gaps:
        assert Anchors.crit(gap.criterion) in destinations
        for practice in gap.good_practices:
            assert Anchors.practice(practice) in destinations
        for commitment in gap.commitments:
            assert Anchors.commitment(commitment) in destinations
    (data,) = document.attachments["answers.json"]
    checklist = analysis.checklist
    assert parse_answers_file(data, {checklist.id: checklist}.get)[0] == answers_file
    assert document.outline
