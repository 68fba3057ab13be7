"""Storage of follow-ups and comparison partners, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from flask import Flask

from assessor import store
from assessor.answers import Action, Answer, AnswersFile, AssessmentInfo
from assessor.checklist import Checklist

INFO = AssessmentInfo("Review 2026", "Ministry", "Austria", "government")
NGO = AssessmentInfo("Shadow review", "NGO Forum", "Austria", "ngo")


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app


def test_a_follow_up_copies_answers_and_keeps_its_baseline(ctx, school_meals: Checklist) -> None:
    answers = {
        "free-meals-eligibility": Answer("partial", "Rules online"),
        "monitoring-quality": Answer(None, "Report due"),
    }
    action = {"free-meals-eligibility": Action(action="Publish appeals")}
    baseline = store.create_assessment(INFO, school_meals, answers, action)
    follow_up = store.create_follow_up(baseline, school_meals, "Review 2027")
    assert follow_up.token != baseline.token
    assert (follow_up.title, follow_up.organisation, follow_up.respondent) == (
        "Review 2027",
        "Ministry",
        "government",
    )
    assert store.load_answers(follow_up) == answers
    assert store.load_actions(follow_up) == {}  # a follow-up plans afresh
    assert store.comparison_roles(follow_up) == (store.BASELINE,)
    assert store.comparison_roles(baseline) == ()

    # The baseline is kept as it was: later saves to either side do not move it.
    store.save_answers(baseline, {"free-meals-eligibility": Answer("full", "")}, school_meals)
    store.save_answers(follow_up, {"monitoring-uptake": Answer("planned", "")}, school_meals)
    kept = store.load_comparison(follow_up, store.BASELINE, school_meals)
    assert kept is not None
    assert kept.assessment == INFO
    assert dict(kept.answers) == answers
    assert dict(kept.actions) == action  # the baseline as it was, its plan too


def test_a_partner_is_kept_replaced_and_forgotten(ctx, school_meals: Checklist) -> None:
    mine = store.create_assessment(INFO, school_meals)
    first = AnswersFile(school_meals.id, "0.1", NGO, {"monitoring-uptake": Answer("full", "")})
    store.keep_comparison(mine, store.PARTNER, first)
    second = dataclasses.replace(first, assessment=dataclasses.replace(NGO, title="Second"))
    store.keep_comparison(mine, store.PARTNER, second)
    kept = store.load_comparison(mine, store.PARTNER, school_meals)
    assert kept is not None and kept.assessment.title == "Second"
    assert store.comparison_roles(mine) == (store.PARTNER,)
    assert store.forget_comparison(mine, store.PARTNER) is True
    assert store.forget_comparison(mine, store.PARTNER) is False
    assert store.load_comparison(mine, store.PARTNER, school_meals) is None
    with pytest.raises(ValueError, match="unknown comparison role"):
        store.keep_comparison(mine, "rival", first)


def test_a_kept_comparison_is_read_against_a_newer_checklist(ctx, school_meals) -> None:
    mine = store.create_assessment(INFO, school_meals)
    other = AnswersFile(
        school_meals.id,
        "0.1",
        NGO,
        {"monitoring-quality": Answer("full", ""), "monitoring-uptake": Answer("partial", "")},
    )
    store.keep_comparison(mine, store.PARTNER, other)
    # Version 0.2 no longer has monitoring-quality: that answer is left out, the rest is read.
    monitoring = school_meals.recommendations[1]
    newer = dataclasses.replace(
        school_meals,
        version="0.2",
        themes=(
            school_meals.themes[0],
            dataclasses.replace(
                school_meals.themes[1],
                recommendations=(
                    dataclasses.replace(monitoring, criteria=monitoring.criteria[:1]),
                ),
            ),
        ),
    )
    kept = store.load_comparison(mine, store.PARTNER, newer)
    assert kept is not None
    assert dict(kept.answers) == {"monitoring-uptake": Answer("partial", "")}
