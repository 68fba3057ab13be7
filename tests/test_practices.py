"""Practices seen from the assessed country (assessor/practices.py)."""

from __future__ import annotations

from pathlib import Path

from assessor.answers import Answer
from assessor.checklist import load_checklist
from assessor.practices import cited_practices, same_country, split_practices
from assessor.scoring import score

OSCE = Path(__file__).parents[1] / "checklists" / "osce-odihr-2017-migrant-integration.yaml"


def test_same_country_ignores_republic_of_and_case():
    assert same_country("Moldova", "Republic of Moldova")
    assert same_country("moldova", "The Republic of  Moldova")
    assert same_country("Ireland", "Ireland")
    assert not same_country("Ireland", "Northern Ireland")
    assert not same_country("Moldova", "international")
    assert not same_country("", "")


def test_split_keeps_order_and_sets_the_countrys_own_apart():
    checklist = load_checklist(OSCE)
    practices = checklist.good_practices
    elsewhere, at_home = split_practices(practices, "Moldova")
    assert at_home and all(p.country == "Republic of Moldova" for p in at_home)
    assert not any(p.country == "Republic of Moldova" for p in elsewhere)
    assert len(elsewhere) + len(at_home) == len(practices)
    order = [p.id for p in practices]
    assert [p.id for p in elsewhere] == [i for i in order if i in {p.id for p in elsewhere}]
    assert split_practices(practices, "Iceland") == (practices, ())


def test_cited_practices_are_those_of_recommendations_with_a_gap():
    checklist = load_checklist(OSCE)
    rec = checklist.recommendations[0]
    answers = {c.id: _answer("full") for c in checklist.criteria}
    answers[rec.criteria[0].id] = _answer("partial")
    cited = cited_practices(score(checklist, answers))
    assert {p.id for p in cited} == set(rec.good_practice_ids)


def _answer(level: str) -> Answer:
    return Answer(level, "Seen.")
