"""Annex B, the commitments the other way round, as a reader of the PDF sees it: for the OSCE
checklist, each cited provision quoted once, each document's other provisions named, and under
each provision the criteria of the recommendations citing it at the levels answered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_helpers import GENERATED_ON, normalise, reader

from assessor.answers import LEVEL_KEYS, AnswersFile, parse_answers_file
from assessor.checklist import load_checklist
from assessor.commitments_view import DocumentStanding, commitment_standing
from assessor.report import render_pdf
from assessor.report.content import Anchors
from assessor.scoring import GapAnalysis, score

OSCE = Path(__file__).parents[2] / "checklists" / "osce-odihr-2017-migrant-integration.yaml"


def _answers_file() -> AnswersFile:
    checklist = load_checklist(OSCE)
    states: list[str | None] = [*LEVEL_KEYS, None]
    answers = {
        crit.id: {"level": states[i % len(states)], "evidence": "Decree 5." * (i % 3 == 0)}
        for i, crit in enumerate(checklist.criteria)
    }
    data = {
        "checklist": checklist.id,
        "checklist_version": checklist.version,
        "assessment": {
            "title": "Commitments",
            "organisation": "Test ministry",
            "country": "Latvia",
            "respondent": "government",
        },
        "answers": answers,
    }
    parsed, _ = parse_answers_file(json.dumps(data), {checklist.id: checklist}.get)
    return parsed


@pytest.fixture(scope="module")
def osce() -> tuple[GapAnalysis, tuple[DocumentStanding, ...]]:
    answers_file = _answers_file()
    analysis = score(load_checklist(OSCE), answers_file.answers)
    return analysis, commitment_standing(analysis)


@pytest.fixture(scope="module")
def annex(osce, pdftotext) -> tuple[str, set[str], str]:
    """The gap analysis's annex: its body text, the link targets on its pages, and the
    contents page's text. (The brief's compact form is tested in test_brief.py.)"""
    analysis, _ = osce
    pdf = render_pdf(analysis, _answers_file(), audience="government", generated_on=GENERATED_ON)
    document = reader(pdf)
    named = document.named_destinations
    first = document.get_destination_page_number(named["commitments"])
    after = document.get_destination_page_number(named["methodology"])
    assert first < after
    # Whole pages (running header and page number included: neither quotes a provision); the
    # methodology may start on the annex's last page, so read up to its title.
    text = " ".join(pdftotext(pdf, page=n + 1) for n in range(first, after + 1))
    text = text[: text.index("Methodology")] if "Methodology" in text else text
    targets: set[str] = set()
    for page in document.pages[first : after + 1]:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action, dest = annotation.get("/A"), annotation.get("/Dest")
            if action is not None and action.get("/S") == "/GoTo":
                dest = action.get("/D")
            if isinstance(dest, str):
                targets.add(str(dest))
    body = normalise(text)
    # Annex A may end on the annex's first page: read from the annex's title.
    body = body[body.index("Annex B Commitments and where the State stands") + len("Annex B ") :]
    return body, targets, normalise(pdftotext(pdf, page=2))


def test_each_cited_provision_is_quoted_exactly_once_and_the_others_named(osce, annex):
    analysis, documents = osce
    text, _, _ = annex
    assert "Commitments and where the State stands What the State committed to" in text[:300]
    for doc in documents:
        assert normalise(doc.document.document) in text
        for provision in doc.provisions:
            quote = normalise(provision.commitment.text)
            if provision.measured:
                assert text.count(quote) == 1, provision.commitment.id
                assert (
                    normalise(f"{provision.commitment.code}. {provision.commitment.paragraph}")
                    in text
                )
            else:  # named under its document, not quoted: no criterion measures it
                assert quote not in text, provision.commitment.id
                assert normalise(provision.commitment.paragraph) in text
    measured = [p for d in documents for p in d.provisions if p.measured]
    assert len(measured) == 30
    assert text.count("Where it stands:") == len(measured)


def test_each_provision_shows_its_criteria_at_the_levels_answered(osce, annex):
    analysis, documents = osce
    text, targets, _ = annex
    answers = _answers_file().answers
    for provision in (p for d in documents for p in d.provisions if p.measured):
        assert f"Where it stands: {provision.summary}" in text, provision.commitment.id
        for rs in provision.by_recommendation:
            for group in rs.groups:
                codes = ", ".join(
                    r.criterion.code
                    + (" (claimed without evidence)" if r.claimed_without_evidence else "")
                    for r in group.criteria
                )
                assert normalise(f"{group.label}: {codes}") in text
                for result in group.criteria:  # the level shown is the answer given
                    answer = answers.get(result.criterion.id)
                    assert group.level == (answer.level if answer else None)
                    assert Anchors.crit(result.criterion) in targets
            assert Anchors.rec(rs.recommendation) in targets
    assert "(claimed without evidence)" in text
    assert "Unanswered: " in text and "Don't know: " in text.replace("’", "'")


def test_contents_lists_the_annex(annex):
    _, _, contents = annex
    assert "Annex B. Commitments and where the State stands" in contents
