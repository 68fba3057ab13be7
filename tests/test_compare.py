"""Comparing two assessments: hand-checked cases, versions, and properties on generated data."""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.answers import Answer, AssessmentInfo
from assessor.checklist import Checklist, Recommendation, Theme, load_checklist
from assessor.compare import (
    ADDED,
    BETTER,
    CHANGED,
    DIFFERENCES,
    PROGRESS,
    REMOVED,
    SAME,
    WORSE,
    ComparisonError,
    Side,
    compare,
    comparison_to_dict,
    criterion_change,
)
from assessor.scoring import score
from tests.test_scoring import CHOICES, DEMO, checklists

MINISTRY = AssessmentInfo("Baseline 2026", "Ministry of Labour", "Moldova", "government")
MINISTRY_LATER = AssessmentInfo("Follow-up 2027", "  ministry of  LABOUR ", "Moldova", "government")
NGO = AssessmentInfo("Shadow report", "Migrant Rights NGO", "Moldova", "ngo")


@pytest.fixture(scope="module")
def demo() -> Checklist:
    return load_checklist(DEMO)


def side(checklist: Checklist, info: AssessmentInfo = MINISTRY, **levels: str | None) -> Side:
    answers = {
        crit_id.replace("_", "-"): Answer(level=level, evidence=f"{info.title}: {level}")
        for crit_id, level in levels.items()
    }
    return Side(info, checklist, answers)


# --------------------------------------------------------------------------------------------
# By hand
# --------------------------------------------------------------------------------------------


def test_progress_since_a_baseline(demo):
    before = side(demo, MINISTRY, free_meals_eligibility="partial", monitoring_uptake="full")
    after = side(
        demo,
        MINISTRY_LATER,
        free_meals_eligibility="full",
        free_meals_nutrition="planned",
        monitoring_uptake="partial",
    )
    result = compare(before, after)
    assert result.case == PROGRESS and result.same_organisation
    assert result.heading == "Progress since Baseline 2026"
    changes = {c.criterion.id: c.change for c in result.criteria}
    assert changes == {
        "free-meals-eligibility": BETTER,
        "free-meals-nutrition": BETTER,  # unanswered (0 points) -> planned
        "monitoring-uptake": WORSE,
        "monitoring-quality": SAME,  # unanswered on both sides
    }
    eligibility = result.criteria[0]
    assert (eligibility.baseline_level, eligibility.current_level) == ("partial", "full")
    assert eligibility.baseline_evidence == "Baseline 2026: partial"
    assert eligibility.current_evidence == "Follow-up 2027: full"
    assert eligibility.distance == 1
    # free-meals: (2/3 + 0)/2 = 33.3 -> (1 + 1/3)/2 = 66.7
    (provision, oversight) = result.themes
    assert provision.baseline == pytest.approx(100 / 3)
    assert provision.current == pytest.approx(200 / 3)
    assert provision.delta == pytest.approx(100 / 3)
    # monitoring: uptake full (1), quality unanswered (0, weight 0.5): 1/1.5 -> 66.7;
    # then uptake partial: (2/3)/1.5 -> 44.4.
    assert oversight.baseline == pytest.approx(200 / 3)
    assert oversight.delta == pytest.approx(400 / 9 - 200 / 3)
    assert [c.criterion.id for c in result.most_different] == [
        "free-meals-eligibility",
        "free-meals-nutrition",
        "monitoring-uptake",
    ]
    assert result.summary == "2 better, 1 worse, 1 the same"
    assert result.change_label(BETTER) == "Better"


def test_a_government_and_an_ngo_differ(demo):
    government = side(demo, MINISTRY, free_meals_eligibility="full", monitoring_uptake="full")
    ngo = side(demo, NGO, free_meals_eligibility="not_in_place", monitoring_uptake="unknown")
    result = compare(government, ngo)
    assert result.case == DIFFERENCES
    assert result.heading == "Where the assessments differ"
    assert [(c.criterion.id, c.distance) for c in result.most_different] == [
        ("free-meals-eligibility", 3),
        ("monitoring-uptake", 3),  # Don't know counts 0 points, as in scoring
    ]
    # Between two organisations, no side is "better": the words say which is higher.
    assert result.summary == "2 lower in this assessment, 2 the same"
    assert result.change_label(WORSE) == "Lower in this assessment"
    assert result.change_label(CHANGED) == "Different"


def test_dont_know_and_not_applicable_are_explicit():
    assert criterion_change(Answer("unknown"), Answer("partial"))[2:] == (BETTER, 2)
    assert criterion_change(Answer("unknown"), Answer("not_in_place"))[2:] == (CHANGED, 0)
    assert criterion_change(None, Answer("unknown"))[2:] == (CHANGED, 0)
    assert criterion_change(Answer("full"), Answer("not_applicable"))[2:] == (CHANGED, None)
    assert criterion_change(Answer("not_applicable"), Answer("not_applicable"))[2:] == (
        SAME,
        None,
    )
    # Evidence alone does not change the answer.
    assert criterion_change(Answer("full", "a"), Answer("full", "b"))[2] == SAME
    # An empty level with evidence is unanswered, as in scoring.
    assert criterion_change(Answer(None, "draft"), None)[2] == SAME


def test_different_checklists_are_refused(demo):
    other = dataclasses.replace(demo, id="another-checklist")
    with pytest.raises(ComparisonError, match="different checklists"):
        compare(side(demo), side(other))


def test_two_versions_are_compared_on_what_they_share(demo):
    # Version 2 drops monitoring-quality and adds a criterion to free-meals.
    free_meals, monitoring = demo.recommendations
    added = dataclasses.replace(free_meals.criteria[0], id="free-meals-menus", text="Menus")
    v2 = dataclasses.replace(
        demo,
        version="0.2",
        themes=(
            dataclasses.replace(
                demo.themes[0],
                recommendations=(
                    dataclasses.replace(free_meals, criteria=(*free_meals.criteria, added)),
                ),
            ),
            dataclasses.replace(
                demo.themes[1],
                recommendations=(
                    dataclasses.replace(monitoring, criteria=monitoring.criteria[:1]),
                ),
            ),
        ),
    )
    before = side(demo, monitoring_quality="partial", monitoring_uptake="planned")
    after = side(v2, free_meals_menus="full", monitoring_uptake="planned")
    result = compare(before, after)
    changes = {c.criterion.id: c.change for c in result.criteria}
    assert changes["free-meals-menus"] == ADDED
    assert changes["monitoring-quality"] == REMOVED
    assert changes["monitoring-uptake"] == SAME
    assert [c.criterion.id for c in result.criteria][-1] == "monitoring-quality"
    removed = result.criteria[-1]
    assert (removed.current, removed.current_label) == (None, "Not in this version")
    assert removed.change_label == "No longer in the checklist"
    assert removed.baseline_level == "partial"
    assert (result.baseline.checklist_version, result.current.checklist_version) == ("0.1", "0.2")
    # Each side scored on its own version.
    assert result.overall.baseline == score(demo, before.answers).overall
    assert result.overall.current == score(v2, after.answers).overall
    data = comparison_to_dict(result)
    assert data["counts"]["added"] == data["counts"]["removed"] == 1


def test_json_has_the_documented_keys(demo):
    before = side(demo, MINISTRY, free_meals_eligibility="partial")
    after = side(demo, NGO, free_meals_eligibility="full")
    data = comparison_to_dict(compare(before, after))
    json.dumps(data)
    assert data["baseline"]["title"] == "Baseline 2026"
    assert data["current"]["organisation"] == "Migrant Rights NGO"
    assert set(data["overall"]) == {"baseline", "current", "delta"}
    assert set(data["themes"][0]) >= {"id", "title", "baseline", "current", "delta"}
    first = data["criteria"][0]
    assert first["criterion_id"] == "free-meals-eligibility"
    assert (first["baseline_level"], first["current_level"], first["change"]) == (
        "partial",
        "full",
        "better",
    )
    for row in [data["overall"], *data["themes"], *data["recommendations"]]:
        if row["delta"] is not None:
            assert row["delta"] == round(row["current"] - row["baseline"], 1)


# --------------------------------------------------------------------------------------------
# Properties, on generated checklists
# --------------------------------------------------------------------------------------------


@st.composite
def answer_sets(draw: st.DrawFn, checklist: Checklist) -> dict[str, Answer]:
    chosen: dict[str, Answer] = {}
    for crit in checklist.criteria:
        level = draw(st.sampled_from(CHOICES))
        if level is not None or draw(st.booleans()):
            chosen[crit.id] = Answer(level=level, evidence=draw(st.sampled_from(["", "e"])))
    return chosen


@st.composite
def two_sides(draw: st.DrawFn) -> tuple[Side, Side]:
    checklist = draw(checklists())
    infos = st.sampled_from([MINISTRY, MINISTRY_LATER, NGO])
    return (
        Side(draw(infos), checklist, draw(answer_sets(checklist))),
        Side(draw(infos), checklist, draw(answer_sets(checklist))),
    )


def _drop_some(draw: st.DrawFn, checklist: Checklist) -> Checklist:
    """Another version of a checklist: some criteria left out (no recommendation emptied)."""
    themes = []
    for theme in checklist.themes:
        recs = []
        for rec in theme.recommendations:
            kept = tuple(c for c in rec.criteria if draw(st.booleans())) or rec.criteria[:1]
            recs.append(Recommendation(rec.id, rec.text, kept, weight=rec.weight))
        themes.append(Theme(theme.id, theme.title, tuple(recs)))
    return dataclasses.replace(checklist, version="2", themes=tuple(themes))


def all_deltas(result) -> dict[str, float | None]:
    rows = [result.overall, *result.themes, *result.recommendations]
    return {f"{r.kind}:{r.id}": r.delta for r in rows}


@settings(max_examples=200)
@given(two_sides())
def test_comparing_a_set_with_itself_changes_nothing(sides):
    one, _ = sides
    result = compare(one, one)
    assert all(c.change == SAME for c in result.criteria)
    assert result.changed == result.most_different == ()
    for key, delta in all_deltas(result).items():
        assert delta in (None, 0), key
    assert result.case == PROGRESS


@settings(max_examples=200)
@given(two_sides())
def test_swapping_the_sides_negates_every_difference(sides):
    one, two = sides
    forward, backward = compare(one, two), compare(two, one)
    back = all_deltas(backward)
    for key, delta in all_deltas(forward).items():
        assert (delta is None) == (back[key] is None)
        if delta is not None:
            assert delta == -back[key]
    opposite = {BETTER: WORSE, WORSE: BETTER, SAME: SAME, CHANGED: CHANGED}
    for f, b in zip(forward.criteria, backward.criteria, strict=True):
        assert f.criterion.id == b.criterion.id
        assert b.change == opposite[f.change]
        assert f.distance == b.distance
        assert (f.baseline, f.current) == (b.current, b.baseline)


@settings(max_examples=200)
@given(two_sides())
def test_differences_equal_the_difference_of_the_two_scorings(sides):
    one, two = sides
    result = compare(one, two)
    base, cur = score(one.checklist, one.answers), score(two.checklist, two.answers)
    assert result.overall.baseline == base.overall
    assert result.overall.current == cur.overall
    for row, b, c in zip(result.themes, base.themes, cur.themes, strict=True):
        assert (row.baseline, row.current) == (b.score, c.score)
        if b.score is not None and c.score is not None:
            assert row.delta == c.score - b.score
    recommendations = zip(
        result.recommendations, base.recommendations, cur.recommendations, strict=True
    )
    for row, b, c in recommendations:
        assert (row.id, row.baseline, row.current) == (b.recommendation.id, b.score, c.score)
    # Every criterion's points are scoring's, and the change follows them.
    for row, b, c in zip(result.criteria, base.criteria, cur.criteria, strict=True):
        assert (row.baseline_points, row.current_points) == (b.points, c.points)
        if row.change == BETTER:
            assert c.points > b.points
        elif row.change == WORSE:
            assert c.points < b.points
        elif b.points is not None and c.points is not None:
            assert c.points == b.points
        if row.distance is not None:
            assert row.distance == abs(c.points - b.points) * 3
            assert 0 <= row.distance <= 3
    # No criterion that moved a score is missing from the changed ones.
    moved = {r.criterion.id for r in result.criteria if r.baseline_points != r.current_points}
    assert moved <= {r.criterion.id for r in result.changed}


@settings(max_examples=200)
@given(two_sides())
def test_most_different_is_ranked_by_distance_then_checklist_order(sides):
    one, two = sides
    result = compare(one, two)
    order = [c.criterion.id for c in result.criteria]
    ranked = result.most_different
    assert {c.criterion.id for c in ranked} == {c.criterion.id for c in result.changed}
    keys = [
        (c.distance is None, -(c.distance or Fraction(0)), order.index(c.criterion.id))
        for c in ranked
    ]
    assert keys == sorted(keys)


@settings(max_examples=150)
@given(two_sides(), st.data())
def test_versions_split_into_shared_added_and_removed(sides, data):
    one, two = sides
    v2 = data.draw(st.composite(lambda draw: _drop_some(draw, two.checklist))())
    later = Side(two.info, v2, {k: v for k, v in two.answers.items() if v2.has_criterion(k)})
    result = compare(one, later)
    shared = {c.id for c in v2.criteria} & {c.id for c in one.checklist.criteria}
    by_change: dict[str, set[str]] = {}
    for row in result.criteria:
        by_change.setdefault(row.change, set()).add(row.criterion.id)
    assert by_change.get(ADDED, set()) == set()  # v2 only drops criteria
    assert by_change.get(REMOVED, set()) == {c.id for c in one.checklist.criteria} - shared
    assert len(result.criteria) == len(one.checklist.criteria)
    # Scores are each side's own.
    assert result.overall.current == score(v2, later.answers).overall
    assert result.overall.baseline == score(one.checklist, one.answers).overall
    swapped = compare(later, one)
    assert {r.criterion.id for r in swapped.criteria if r.change == ADDED} == by_change.get(
        REMOVED, set()
    )
