"""Scoring: the formula on a hand-computed example, and its properties on generated checklists."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.answers import Answer
from assessor.checklist import (
    Checklist,
    Criterion,
    Recommendation,
    Source,
    Theme,
    load_checklist,
)
from assessor.levels import LEVEL_KEYS
from assessor.scoring import (
    GapAnalysis,
    criterion_points,
    gap_analysis_to_dict,
    score,
    top_gaps,
)

DEMO = Path(__file__).resolve().parent / "data" / "school-meals.yaml"

# The answer scale in order: a later entry never earns fewer points than an earlier one.
# ``None`` is unanswered. Not applicable is not on the scale.
SCALE: tuple[str | None, ...] = (None, "unknown", "not_in_place", "planned", "partial", "full")
CHOICES: tuple[str | None, ...] = (*SCALE, "not_applicable")


@pytest.fixture(scope="module")
def demo() -> Checklist:
    return load_checklist(DEMO)


def answers(**levels: str | None) -> dict[str, Answer]:
    return {crit_id.replace("_", "-"): Answer(level=level) for crit_id, level in levels.items()}


# --------------------------------------------------------------------------------------------
# The formula, by hand
# --------------------------------------------------------------------------------------------


def test_points_per_level():
    assert [criterion_points(Answer(level=k)) for k in LEVEL_KEYS] == [
        Fraction(0),
        Fraction(1, 3),
        Fraction(2, 3),
        Fraction(1),
        None,
        Fraction(0),
    ]
    assert criterion_points(None) == 0
    assert criterion_points(Answer(level=None, evidence="draft")) == 0


def test_hand_computed_scores(demo):
    # free-meals (weight 2): eligibility 2/3, nutrition 1/3 -> 1/2 -> 50.
    # monitoring (weight 1): uptake 1 (weight 1), quality 0 (Don't know, weight 0.5)
    #   -> (1 * 1 + 0 * 0.5) / 1.5 = 2/3 -> 66.67.
    # overall = (50 * 2 + 66.67 * 1) / 3 = 55.56.
    result = score(
        demo,
        answers(
            free_meals_eligibility="partial",
            free_meals_nutrition="planned",
            monitoring_uptake="full",
            monitoring_quality="unknown",
        ),
    )
    assert result.recommendation_score("free-meals").score == pytest.approx(50)
    assert result.recommendation_score("monitoring").score == pytest.approx(200 / 3)
    assert result.theme_score("provision").score == pytest.approx(50)
    assert result.theme_score("oversight").score == pytest.approx(200 / 3)
    assert result.overall == pytest.approx(500 / 9)

    # Priority = recommendation weight x criterion weight x shortfall.
    # nutrition 2 * 1 * 2/3 = 4/3; eligibility 2 * 1 * 1/3 = 2/3. Quality (Don't know) scores 0
    # but is evidence to collect, not a ranked gap.
    assert [(g.criterion.id, g.priority) for g in result.gaps] == [
        ("free-meals-nutrition", Fraction(4, 3)),
        ("free-meals-eligibility", Fraction(2, 3)),
    ]
    assert [g.rank for g in result.gaps] == [1, 2]
    nutrition = result.gaps[0]
    assert nutrition.flag is None
    assert nutrition.shortfall == Fraction(2, 3)
    assert [p.id for p in nutrition.good_practices] == ["gp-universal"]
    assert nutrition.recommendation.id == "free-meals"
    assert nutrition.theme.id == "provision"
    (quality,) = result.evidence_to_collect
    assert quality.criterion.id == "monitoring-quality"
    assert quality.flag == "evidence_needed"
    assert quality.flag_label == "Evidence needed"
    assert quality.rank == 3
    assert quality.where_to_look == quality.criterion.guidance
    assert quality.recommendation.id == "monitoring"
    assert quality.theme.id == "oversight"
    # One per recommendation in the top gaps: both gaps are free-meals'.
    assert [g.criterion.id for g in result.top_gaps] == ["free-meals-nutrition"]
    # Fully in place without evidence.
    uptake = next(c for c in result.criteria if c.criterion.id == "monitoring-uptake")
    assert uptake.claimed_without_evidence
    assert result.counts.claimed_without_evidence == 1


def test_not_applicable_is_left_out(demo):
    # monitoring: uptake N/A, quality full -> 100 (uptake's weight is not counted).
    # provision: both N/A -> no score; overall = monitoring alone.
    result = score(
        demo,
        answers(
            free_meals_eligibility="not_applicable",
            free_meals_nutrition="not_applicable",
            monitoring_uptake="not_applicable",
            monitoring_quality="full",
        ),
    )
    assert result.recommendation_score("free-meals").score is None
    assert result.theme_score("provision").score is None
    assert result.recommendation_score("monitoring").score == 100
    assert result.overall == 100
    assert result.gaps == ()
    counts = result.counts
    assert (counts.total, counts.answered, counts.not_applicable, counts.met, counts.gaps) == (
        4,
        4,
        3,
        1,
        0,
    )


def test_everything_not_applicable_has_no_scores(demo):
    result = score(demo, {c.id: Answer("not_applicable") for c in demo.criteria})
    assert result.overall is None
    assert all(t.score is None for t in result.themes)


def test_unanswered_and_unknown_are_evidence_to_collect(demo):
    result = score(demo, answers(free_meals_eligibility="unknown"))
    assert result.overall == 0
    assert result.gaps == ()
    assert result.top_gaps == ()
    flags = {e.criterion.id: e.flag for e in result.evidence_to_collect}
    assert flags == {
        "free-meals-eligibility": "evidence_needed",
        "free-meals-nutrition": "unanswered",
        "monitoring-uptake": "unanswered",
        "monitoring-quality": "unanswered",
    }
    # Checklist order.
    assert [e.criterion.id for e in result.evidence_to_collect] == [
        "free-meals-eligibility",
        "free-meals-nutrition",
        "monitoring-uptake",
        "monitoring-quality",
    ]
    counts = result.counts
    assert (counts.answered, counts.unanswered, counts.unknown, counts.gaps) == (1, 3, 1, 0)
    assert counts.to_collect == 4


def test_an_unanswered_level_with_evidence_is_unanswered(demo):
    result = score(demo, {"monitoring-uptake": Answer(level=None, evidence="A draft")})
    item = next(e for e in result.evidence_to_collect if e.criterion.id == "monitoring-uptake")
    assert item.flag == "unanswered"
    assert item.evidence == "A draft"


def test_fully_in_place_everywhere(demo):
    result = score(demo, {c.id: Answer("full") for c in demo.criteria})
    assert result.overall == 100
    assert result.gaps == ()
    assert result.counts.met == 4


def test_json_has_the_documented_keys(demo):
    result = score(
        demo,
        answers(
            free_meals_eligibility="partial",
            monitoring_uptake="unknown",
            monitoring_quality="full",
        ),
    )
    data = gap_analysis_to_dict(result)
    assert data["top_gaps"] == ["free-meals-eligibility"]
    (item,) = [e for e in data["evidence_to_collect"] if e["criterion_id"] == "monitoring-uptake"]
    assert item["flag"] == "evidence_needed"
    assert item["where_to_look"] == demo.criterion("monitoring-uptake").guidance
    assert {e["criterion_id"] for e in data["evidence_to_collect"]} == {
        "free-meals-nutrition",
        "monitoring-uptake",
    }
    quality = data["recommendations"][1]["criteria"][1]
    assert quality["id"] == "monitoring-quality"
    assert quality["claimed_without_evidence"] is True
    assert data["counts"]["claimed_without_evidence"] == 1
    json.dumps(data)  # serialisable
    assert {"overall", "themes", "gaps", "counts"} <= set(data)
    assert set(data["themes"][0]) >= {"id", "title", "score"}
    gap = data["gaps"][0]
    assert set(gap) >= {
        "criterion_id",
        "criterion",
        "recommendation_id",
        "recommendation",
        "theme",
        "level",
        "priority",
        "good_practices",
        "commitments",
        "flag",
    }
    assert set(gap["good_practices"][0]) >= {"id", "country", "actor", "title", "summary", "source"}
    assert set(gap["commitments"][0]) >= {"id", "document", "paragraph", "text"}
    # free-meals: (2/3 + 0) / 2 = 33.33 -> 33.3
    assert data["themes"][0]["score"] == 33.3


# --------------------------------------------------------------------------------------------
# Properties, on generated checklists
# --------------------------------------------------------------------------------------------

weights = st.one_of(
    st.sampled_from([1.0, 0.5, 2.0, 3.0, 0.1, 10.0]),
    st.floats(min_value=0.01, max_value=10, allow_nan=False, allow_infinity=False),
)


@st.composite
def checklists(draw: st.DrawFn) -> Checklist:
    counter = iter(range(10_000))
    themes = []
    for _ in range(draw(st.integers(1, 3))):
        recs = []
        for _ in range(draw(st.integers(1, 3))):
            crits = tuple(
                Criterion(id=f"c{next(counter)}", text="c", weight=draw(weights))
                for _ in range(draw(st.integers(1, 4)))
            )
            rec_id = f"r{next(counter)}"
            recs.append(Recommendation(id=rec_id, text="r", criteria=crits, weight=draw(weights)))
        themes.append(Theme(id=f"t{next(counter)}", title="t", recommendations=tuple(recs)))
    return Checklist(
        id="generated",
        version="1",
        title="Generated",
        language="en",
        source=Source(title="s", publisher="p", year=2026, citation="c"),
        themes=tuple(themes),
    )


@st.composite
def checklist_and_answers(draw: st.DrawFn) -> tuple[Checklist, dict[str, Answer]]:
    checklist = draw(checklists())
    chosen: dict[str, Answer] = {}
    for crit in checklist.criteria:
        level = draw(st.sampled_from(CHOICES))
        if level is not None or draw(st.booleans()):
            chosen[crit.id] = Answer(level=level)
    return checklist, chosen


def all_scores(result: GapAnalysis) -> dict[str, float | None]:
    scores: dict[str, float | None] = {"overall": result.overall}
    scores.update({t.theme.id: t.score for t in result.themes})
    scores.update({r.recommendation.id: r.score for r in result.recommendations})
    return scores


@settings(max_examples=300)
@given(checklist_and_answers())
def test_scores_stay_within_0_and_100(data):
    checklist, chosen = data
    result = score(checklist, chosen)
    for value in all_scores(result).values():
        assert value is None or 0 <= value <= 100
    for gap in result.gaps:
        assert 0 < gap.shortfall <= 1
        assert gap.priority > 0


@settings(max_examples=300)
@given(checklist_and_answers(), st.data())
def test_raising_one_answer_never_lowers_any_score(data, draw):
    checklist, chosen = data
    crit = draw.draw(st.sampled_from(checklist.criteria))
    current = chosen.get(crit.id, Answer()).level
    if current == "not_applicable":
        current = None  # N/A is off the scale: raise from the bottom instead
    position = SCALE.index(current)
    higher = draw.draw(st.sampled_from(SCALE[position:]))
    before = all_scores(score(checklist, {**chosen, crit.id: Answer(current)}))
    after = all_scores(score(checklist, {**chosen, crit.id: Answer(higher)}))
    for key, old in before.items():
        assert (old is None) == (after[key] is None)
        if old is not None:
            assert after[key] >= old, key


@settings(max_examples=300)
@given(checklist_and_answers(), st.data())
def test_not_applicable_changes_no_other_criterions_points(data, draw):
    checklist, chosen = data
    crit = draw.draw(st.sampled_from(checklist.criteria))
    before = score(checklist, chosen)
    after = score(checklist, {**chosen, crit.id: Answer("not_applicable")})
    for old, new in zip(before.criteria, after.criteria, strict=True):
        if old.criterion.id != crit.id:
            assert (old.points, old.status, old.flag) == (new.points, new.status, new.flag)
    # Nor any score outside the recommendation and theme it belongs to.
    theme, rec = checklist.parents(crit.id)
    for old_rec, new_rec in zip(before.recommendations, after.recommendations, strict=True):
        if old_rec.recommendation.id != rec.id:
            assert old_rec.score == new_rec.score
    for old_theme, new_theme in zip(before.themes, after.themes, strict=True):
        if old_theme.theme.id != theme.id:
            assert old_theme.score == new_theme.score
    assert crit.id not in {g.criterion.id for g in after.gaps}


@settings(max_examples=200)
@given(checklist_and_answers())
def test_gaps_are_ranked_by_priority_then_theme_score_then_checklist_order(data):
    checklist, chosen = data
    result = score(checklist, chosen)
    order = {c.id: i for i, c in enumerate(checklist.criteria)}
    theme_score = {t.theme.id: t.score for t in result.themes}
    keys = [(-g.priority, theme_score[g.theme.id], order[g.criterion.id]) for g in result.gaps]
    assert keys == sorted(keys)
    counts = result.counts
    assert counts.met + counts.gaps + counts.to_collect + counts.not_applicable == len(order)
    assert counts.answered + counts.unanswered == len(order)


@settings(max_examples=300)
@given(checklist_and_answers())
def test_dont_know_and_unanswered_are_evidence_to_collect_never_gaps(data):
    checklist, chosen = data
    result = score(checklist, chosen)
    unknown = {
        c.id
        for c in checklist.criteria
        if (a := chosen.get(c.id)) is None or a.level in (None, "unknown")
    }
    gap_ids = [g.criterion.id for g in result.gaps]
    collect_ids = [e.criterion.id for e in result.evidence_to_collect]
    # The split: every applicable criterion below fully in place is in exactly one list.
    assert set(collect_ids) == unknown
    assert set(gap_ids) == {
        c.id
        for c in checklist.criteria
        if (a := chosen.get(c.id)) is not None and a.level in ("not_in_place", "planned", "partial")
    }
    assert not set(gap_ids) & set(collect_ids)
    assert len(collect_ids) == len(set(collect_ids)) == result.counts.to_collect
    assert collect_ids == sorted(collect_ids, key=[c.id for c in checklist.criteria].index)
    assert all(g.flag is None for g in result.gaps)
    assert not {t.criterion.id for t in result.top_gaps} & unknown
    # Scores still count them as 0 points, so recording "Don't know" never raises a score.
    for item in result.evidence_to_collect:
        cr = next(c for c in result.criteria if c.criterion.id == item.criterion.id)
        assert cr.points == 0


@settings(max_examples=300)
@given(checklist_and_answers(), st.integers(1, 6))
def test_top_gaps_take_the_ranking_at_most_one_per_recommendation(data, limit):
    checklist, chosen = data
    result = score(checklist, chosen)
    ranking = list(result.gaps)
    top = top_gaps(ranking, limit)
    recs = [g.recommendation.id for g in top]
    assert len(recs) == len(set(recs))  # at most one per recommendation
    assert len(top) == min(limit, len({g.recommendation.id for g in ranking}))
    # In ranking order, and each is the best-ranked gap of its recommendation.
    positions = [ranking.index(g) for g in top]
    assert positions == sorted(positions)
    for gap in top:
        assert gap == next(g for g in ranking if g.recommendation.id == gap.recommendation.id)
    # Nothing passed over that should have been taken: every gap ranked above the last one
    # chosen belongs to a chosen recommendation.
    if top:
        for gap in ranking[: positions[-1]]:
            assert gap.recommendation.id in recs
    if limit == 5:
        assert result.top_gaps == top


@settings(max_examples=200)
@given(checklist_and_answers())
def test_overall_is_the_weighted_mean_of_theme_scores(data):
    # The documented equivalence: themes weighted by the summed weight of scored recommendations.
    checklist, chosen = data
    result = score(checklist, chosen)
    pairs = [
        (t.score, sum(r.recommendation.weight for r in t.recommendations if r.score is not None))
        for t in result.themes
        if t.score is not None
    ]
    if not pairs:
        assert result.overall is None
        return
    expected = sum(s * w for s, w in pairs) / sum(w for _, w in pairs)
    assert result.overall == pytest.approx(expected)
