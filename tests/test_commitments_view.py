"""The commitments view: every provision once, quoted as the checklist holds it, with the
criteria of the recommendations citing it at the levels they were answered."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from assessor.answers import Answer
from assessor.checklist import Checklist, load_checklist
from assessor.commitments_view import (
    STANDING_ORDER,
    DocumentStanding,
    commitment_standing,
)
from assessor.levels import LEVEL_KEYS, label_of
from assessor.scoring import score

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = ROOT / "tests" / "report" / "data" / "libraries.yaml"
OSCE = ROOT / "checklists" / "osce-odihr-2017-migrant-integration.yaml"


@pytest.fixture(scope="module")
def libraries() -> Checklist:
    return load_checklist(LIBRARIES)


@pytest.fixture(scope="module")
def osce() -> Checklist:
    return load_checklist(OSCE)


def test_a_provision_gets_the_criteria_of_every_recommendation_citing_it(libraries):
    answers = {
        "hours-evening": Answer("not_in_place"),
        "hours-weekend": Answer("planned", "Budget line 2027."),
        "hours-published": Answer("partial"),
        "outreach-mobile": Answer("full", "Book bus since 2019."),
        "outreach-online": Answer("not_applicable"),
        "languages-survey": Answer("unknown"),
    }
    (charter,) = commitment_standing(score(libraries, answers))
    assert charter.document.id == "charter"
    access, outreach, uncited = charter.provisions

    # Article 3 is cited by both recommendations of theme 1: all five criteria, in order.
    assert [r.id for r in access.recommendations] == ["opening-hours", "outreach"]
    assert [(r.criterion.code, r.level_label) for r in access.criteria] == [
        ("1.1.a", "Not in place"),
        ("1.1.b", "Planned"),
        ("1.1.c", "Partially in place"),
        ("1.2.a", "Fully in place"),
        ("1.2.b", "Not applicable"),
    ]
    assert access.summary == (
        "1 fully in place, 1 partially in place, 1 planned, 1 not in place, 1 not applicable"
    )
    assert [r.criterion.id for r in outreach.criteria] == ["outreach-mobile", "outreach-online"]
    assert outreach.summary == "1 fully in place, 1 not applicable"

    # Article 9 is cited by nothing: listed, not measured, nothing invented for it.
    assert uncited.commitment.id == "charter-uncited"
    assert not uncited.measured and uncited.recommendations == () and uncited.summary == ""
    assert charter.measured == (access, outreach) and charter.unmeasured == (uncited,)


def test_a_criterion_counts_once_even_if_its_recommendation_cites_a_provision_twice(libraries):
    rec = libraries.themes[0].recommendations[0]
    doubled = replace(rec, commitment_ids=("charter-access", "charter-access"))
    theme = replace(libraries.themes[0], recommendations=(doubled,))
    (charter,) = commitment_standing(score(replace(libraries, themes=(theme,)), {}))
    access = charter.provisions[0]
    assert access.recommendations == (doubled,)
    assert [r.criterion.id for r in access.criteria] == [
        "hours-evening",
        "hours-weekend",
        "hours-published",
    ]
    assert access.summary == "3 unanswered"


def _quotes(documents: tuple[DocumentStanding, ...]) -> list[tuple[str, str, str, str]]:
    return [
        (d.document.id, p.commitment.id, p.commitment.paragraph, p.commitment.text)
        for d in documents
        for p in d.provisions
    ]


def test_osce_every_commitment_once_with_its_quote_and_levels_matching_the_answers(osce):
    chosen = random.Random(13)
    answers = {
        crit.id: Answer(chosen.choice((*LEVEL_KEYS, None)), chosen.choice(("", "Law 12/2019")))
        for crit in osce.criteria
        if chosen.random() < 0.9
    }
    documents = commitment_standing(score(osce, answers))

    # Every document and every provision, once, in checklist order, quoted exactly.
    assert [d.document.id for d in documents] == [d.id for d in osce.commitment_documents]
    assert _quotes(documents) == [
        (c.document_id, c.id, c.paragraph, c.text) for c in osce.commitments
    ]
    ids = [p.commitment.id for d in documents for p in d.provisions]
    assert len(ids) == len(set(ids)) == len(osce.commitments)

    cited = {i for rec in osce.recommendations for i in rec.commitment_ids}
    for provision in (p for d in documents for p in d.provisions):
        commitment = provision.commitment
        recs = [r for r in osce.recommendations if commitment.id in r.commitment_ids]
        assert list(provision.recommendations) == recs
        expected = list(dict.fromkeys(c.id for r in recs for c in r.criteria))
        assert [r.criterion.id for r in provision.criteria] == expected
        assert provision.measured == (commitment.id in cited)
        for result in provision.criteria:
            answer = answers.get(result.criterion.id)
            level = answer.level if answer else None
            assert result.level == level
            assert result.level_label == label_of(level)
            assert result.claimed_without_evidence == (level == "full" and not answer.evidence)
        counts = {c.level: c.count for c in provision.counts}
        assert sum(counts.values()) == len(provision.criteria)
        assert list(counts) == [lv for lv in STANDING_ORDER if lv in counts]
        for level, count in counts.items():
            assert count == sum(1 for r in provision.criteria if r.level == level)
    # The OSCE checklist cites 30 of its 72 provisions; the rest are listed unmeasured.
    assert sum(len(d.measured) for d in documents) == len(cited) == 30
    assert sum(len(d.provisions) for d in documents) == len(osce.commitments) == 72
