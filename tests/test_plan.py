"""The action plan: rows in the gap ranking, counts, overdue, filters; by hand and as properties."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.answers import ACTION_STATUS_KEYS, Action, Answer
from assessor.checklist import Checklist, load_checklist
from assessor.plan import (
    NO_ACTION,
    OVERDUE,
    STATUS_FILTER_KEYS,
    PlanFilterError,
    action_plan,
    is_overdue,
    owner_key,
)
from assessor.scoring import gap_analysis_to_dict, score
from tests.test_scoring import checklist_and_answers

DEMO = Path(__file__).resolve().parent / "data" / "school-meals.yaml"
TODAY = date(2026, 5, 4)


@pytest.fixture(scope="module")
def demo() -> Checklist:
    return load_checklist(DEMO)


# --------------------------------------------------------------------------------------------
# By hand
# --------------------------------------------------------------------------------------------


def test_rows_follow_the_gap_ranking_with_their_actions(demo):
    analysis = score(
        demo,
        {
            "free-meals-eligibility": Answer("partial"),  # priority 2 x 1 x 1/3
            "free-meals-nutrition": Answer("not_in_place"),  # 2 x 1 x 1 -> first
            "monitoring-uptake": Answer("full"),  # met: not a gap
            "monitoring-quality": Answer("unknown"),  # 1 x 0.5 x 1
        },
    )
    decree = Action(
        action="Publish the eligibility decree",
        owner="Ministry of Education",
        due=date(2026, 1, 31),
        target_level="full",
        status="in_progress",
    )
    inspect = Action(action="Yearly inspection", owner="ministry of  education", status="done")
    kept = Action(action="Keep measuring uptake", owner="Statistics Office", due=date(2025, 1, 1))
    plan = action_plan(
        analysis,
        {
            "free-meals-eligibility": decree,
            "monitoring-quality": inspect,
            "monitoring-uptake": kept,
        },
        TODAY,
    )
    assert [(r.rank, r.criterion.code, r.criterion.id) for r in plan.rows] == [
        (1, "1.1.b", "free-meals-nutrition"),
        (2, "1.1.a", "free-meals-eligibility"),
        (3, "2.1.b", "monitoring-quality"),
    ]
    first, second, third = plan.rows
    assert first.action is None and first.status_label == "No action yet"
    assert first.current_level_label == "Not in place"
    assert first.theme.code == "1" and first.recommendation.code == "1.1"
    assert [p.title for p in first.good_practices] == ["Universal free meals"]
    assert second.action is decree and second.overdue  # due 31 January, in progress
    assert second.target_level_label == "Fully in place"
    assert second.status_label == "In progress"
    assert third.action is inspect and not third.overdue  # done is never overdue
    counts = plan.counts
    assert (counts.gaps, counts.with_action, counts.without_action) == (3, 2, 1)
    assert (counts.overdue, counts.done, counts.in_progress, counts.not_started) == (1, 1, 1, 0)
    # The met criterion's action is not a row, but not lost either.
    assert dict(plan.other_actions) == {"monitoring-uptake": kept}
    # Owners: once each, whatever the case and spacing.
    assert plan.owners == ("Ministry of Education",)
    assert plan.has_actions


def test_filters(demo):
    analysis = score(demo, {})  # every criterion unanswered: four gaps
    ids = [g.criterion.id for g in (analysis.gaps + analysis.evidence_to_collect)]
    actions = {
        ids[0]: Action(action="a", owner="Ministry", status="done", due=date(2020, 1, 1)),
        ids[1]: Action(action="b", owner="Inspectorate", due=TODAY - timedelta(days=1)),
        ids[2]: Action(action="c", owner=" ministry ", status="in_progress", due=TODAY),
    }
    plan = action_plan(analysis, actions, TODAY)
    assert [r.criterion.id for r in plan.filtered(owner="MINISTRY").rows] == [ids[0], ids[2]]
    assert [r.criterion.id for r in plan.filtered(status=NO_ACTION).rows] == [ids[3]]
    assert [r.criterion.id for r in plan.filtered(status=OVERDUE).rows] == [ids[1]]
    both = plan.filtered(owner="ministry", status="in_progress")
    assert [r.rank for r in both.rows] == [3]  # ranks are kept
    assert both.counts.gaps == 1 and both.counts.in_progress == 1
    assert both.owners == plan.owners == ("Inspectorate", "Ministry")  # first spelling
    assert plan.filtered().rows == plan.filtered(owner="  ", status="").rows == plan.rows
    assert plan.filtered(owner="Nobody").rows == ()
    with pytest.raises(PlanFilterError, match="unknown status filter 'late'.*no_action"):
        plan.filtered(status="late")


def test_a_plan_without_actions(demo):
    plan = action_plan(score(demo, {}), {}, TODAY)
    assert len(plan.rows) == 4 and all(r.action is None for r in plan.rows)
    assert not plan.has_actions and plan.owners == () and not plan.other_actions
    assert plan.counts.without_action == 4


def test_score_json_carries_each_gaps_action(demo):
    analysis = score(demo, {"monitoring-uptake": Answer("full")})
    action = Action(action="Decree", owner="Ministry", due=date(2027, 6, 30), target_level="full")
    data = gap_analysis_to_dict(analysis, {"free-meals-nutrition": action})
    by_id = {g["criterion_id"]: g for g in data["gaps"] + data["evidence_to_collect"]}
    assert by_id["free-meals-nutrition"]["action"] == {
        "action": "Decree",
        "owner": "Ministry",
        "due": "2027-06-30",
        "target_level": "full",
        "status": "not_started",
        "budget": "",
    }
    assert "action" not in by_id["free-meals-eligibility"]
    assert all("action" not in g for g in gap_analysis_to_dict(analysis)["gaps"])


# --------------------------------------------------------------------------------------------
# Properties, on generated checklists and plans
# --------------------------------------------------------------------------------------------

OWNERS = ("Ministry", "MINISTRY", " ministry ", "Inspectorate", "", "Служба по миграции", "Ședință")


@st.composite
def plans(draw: st.DrawFn):
    checklist, answers = draw(checklist_and_answers())
    actions: dict[str, Action] = {}
    for crit in checklist.criteria:
        if draw(st.booleans()):
            actions[crit.id] = Action(
                action=draw(st.sampled_from(["", "x", "=cmd"])),
                owner=draw(st.sampled_from(OWNERS)),
                due=draw(st.none() | st.dates(TODAY - timedelta(days=3), TODAY + timedelta(3))),
                status=draw(st.sampled_from(ACTION_STATUS_KEYS)),
            )
    return score(checklist, answers), actions


@settings(max_examples=200)
@given(plans())
def test_rows_are_the_gaps_in_rank_order_with_their_actions(data):
    analysis, actions = data
    plan = action_plan(analysis, actions, TODAY)
    assert [r.gap for r in plan.rows] == list(analysis.gaps + analysis.evidence_to_collect)
    assert [r.rank for r in plan.rows] == list(
        range(1, len(analysis.gaps + analysis.evidence_to_collect) + 1)
    )
    for row in plan.rows:
        assert row.action == actions.get(row.criterion.id)
        assert row.overdue == is_overdue(row.action, TODAY)
    gap_ids = {g.criterion.id for g in (analysis.gaps + analysis.evidence_to_collect)}
    assert set(plan.other_actions) == set(actions) - gap_ids
    assert {owner_key(o) for o in plan.owners} == {
        owner_key(a.owner) for i, a in actions.items() if i in gap_ids and a.owner.strip()
    }


@settings(max_examples=200)
@given(plans())
def test_counts_add_up(data):
    analysis, actions = data
    plan = action_plan(analysis, actions, TODAY)
    counts = plan.counts
    on_gaps = [
        actions[g.criterion.id]
        for g in (analysis.gaps + analysis.evidence_to_collect)
        if g.criterion.id in actions
    ]
    assert counts.gaps == analysis.counts.gaps + analysis.counts.to_collect == len(plan.rows)
    assert counts.with_action == len(on_gaps)
    assert counts.with_action + counts.without_action == counts.gaps
    assert counts.done + counts.in_progress + counts.not_started == counts.with_action
    assert counts.overdue == sum(
        1 for a in on_gaps if a.due is not None and a.due < TODAY and a.status != "done"
    )
    assert counts.overdue <= counts.with_action - counts.done


@settings(max_examples=200)
@given(plans(), st.sampled_from((None, *OWNERS)))
def test_status_filters_split_the_plan_and_keep_its_order(data, owner):
    analysis, actions = data
    plan = action_plan(analysis, actions, TODAY).filtered(owner=owner)
    parts = [plan.filtered(status=s) for s in (*ACTION_STATUS_KEYS, NO_ACTION)]
    # Every row in exactly one part; each part in the plan's order, with its own counts.
    assert sorted(r.rank for p in parts for r in p.rows) == [r.rank for r in plan.rows]
    for part in parts:
        ranks = [r.rank for r in part.rows]
        assert ranks == sorted(ranks)
        assert part.counts.gaps == len(part.rows)
    assert [p.counts.gaps for p in parts[:3]] == [
        plan.counts.not_started,
        plan.counts.in_progress,
        plan.counts.done,
    ]
    assert plan.filtered(status=OVERDUE).counts.gaps == plan.counts.overdue
    if owner and owner.strip():
        assert all(owner_key(r.action.owner) == owner_key(owner) for r in plan.rows)
        assert plan.counts.without_action == 0
    assert set(STATUS_FILTER_KEYS) == {*ACTION_STATUS_KEYS, NO_ACTION, OVERDUE}
