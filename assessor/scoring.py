"""Scoring: turn a checklist and its answers into a gap analysis.

Pure functions over plain data: no Flask, no database, no I/O.

Points per criterion (from :mod:`assessor.levels`)
    *Not in place* 0, *Planned* 1/3, *Partially in place* 2/3, *Fully in place* 1.
    *Don't know* and an unanswered criterion count 0 points, flagged ``evidence_needed`` and
    ``unanswered``; they are listed as evidence to collect, not ranked as gaps. *Not applicable*
    carries no points and is left out of every average (its weight is not counted either).

Recommendation score
    The weighted mean of the points of its applicable criteria (weight = criterion weight),
    times 100. ``None`` when every criterion is *Not applicable*.

Theme score
    The weighted mean of the scores of its recommendations (weight = recommendation weight),
    skipping recommendations without a score. ``None`` when none has a score.

Overall score
    The weighted mean of the scores of *all* recommendations (weight = recommendation weight),
    skipping those without a score. A recommendation therefore counts by its own weight however
    many criteria it is split into, and themes count by the weight of the recommendations they
    hold (the checklist weighs recommendations and criteria, not themes). Equivalently, the
    overall score is the weighted mean of the theme scores, each theme weighted by the summed
    weight of its scored recommendations.

All scores lie in 0-100. They are computed with exact fractions, so they are monotone: raising
one answer along the scale *unanswered / Don't know / Not in place < Planned < Partially in
place < Fully in place* never lowers any score. Marking a criterion *Not applicable* changes no
other criterion's points (it only removes that criterion from the averages it was in).

Gaps
    A gap is an applicable criterion answered *Not in place*, *Planned* or *Partially in place*.
    Its shortfall is ``1 - points``; its priority is ``recommendation weight x criterion weight x
    shortfall``. Gaps are ranked by priority, highest first; ties go to the theme with the lowest
    score, then checklist order. Each gap carries its criterion, recommendation and theme, and the
    good practices and commitments linked to its recommendation.

Top gaps (:func:`top_gaps`)
    The first gaps of the ranking, at most one per recommendation: walking down the ranking, a gap
    whose recommendation already has a top gap is passed over. So five top gaps name five
    recommendations, not five criteria of whichever recommendation comes first in the checklist.

Evidence to collect
    *Don't know* and unanswered criteria that apply are not gaps in the ranking: nobody knows yet
    whether they are in place. They score 0 points like *Not in place* (the scores stay
    cautious), and are listed apart, in checklist order, as evidence to collect, each with the
    criterion's guidance on what evidence to look for and who might hold it.

Claimed without evidence
    *Fully in place* with no evidence given is met (it scores 1), and flagged
    ``claimed_without_evidence`` wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from assessor.answers import Action, Answer
from assessor.checklist import (
    Checklist,
    Commitment,
    Criterion,
    GoodPractice,
    Recommendation,
    Theme,
)
from assessor.levels import FULL, LEVELS_BY_KEY, NOT_APPLICABLE, UNKNOWN, Level, label_of
from assessor.translation import N_

Status = Literal["met", "gap", "not_applicable"]
Flag = Literal["unanswered", "evidence_needed"]

MET: Status = "met"
GAP: Status = "gap"
NA: Status = "not_applicable"
UNANSWERED: Flag = "unanswered"
EVIDENCE_NEEDED: Flag = "evidence_needed"

# English, marked for the catalogue: translated where they are shown.
FLAG_LABELS: Mapping[str, str] = {
    UNANSWERED: N_("Unanswered"),
    EVIDENCE_NEEDED: N_("Evidence needed"),
}
CLAIMED_WITHOUT_EVIDENCE = N_("Claimed without evidence")
TOP_GAPS = 5


@dataclass(frozen=True)
class CriterionResult:
    """One criterion with its answer, points and status."""

    criterion: Criterion
    recommendation: Recommendation
    theme: Theme
    answer: Answer | None
    points: Fraction | None
    status: Status
    flag: Flag | None

    @property
    def level(self) -> str | None:
        """The chosen level key, or ``None`` if unanswered."""
        return self.answer.level if self.answer is not None else None

    @property
    def level_label(self) -> str:
        """The chosen level's label, or "Unanswered"."""
        return label_of(self.level)

    @property
    def evidence(self) -> str:
        """The evidence given (may be empty)."""
        return self.answer.evidence if self.answer is not None else ""

    @property
    def to_collect(self) -> bool:
        """Whether it applies but is *Don't know* or unanswered: evidence to collect."""
        return self.status == GAP and self.flag is not None

    @property
    def claimed_without_evidence(self) -> bool:
        """Whether it is answered *Fully in place* with no evidence given."""
        return self.level == FULL.key and not self.evidence.strip()


@dataclass(frozen=True)
class RecommendationScore:
    """A recommendation's score (0-100, ``None`` if not applicable) and its criteria."""

    recommendation: Recommendation
    theme: Theme
    score: float | None
    criteria: tuple[CriterionResult, ...]
    good_practices: tuple[GoodPractice, ...]
    commitments: tuple[Commitment, ...]

    @property
    def gaps(self) -> tuple[CriterionResult, ...]:
        """The criteria of this recommendation that are gaps, in checklist order.

        *Don't know* and unanswered criteria are not among them (see :attr:`to_collect`).
        """
        return tuple(c for c in self.criteria if c.status == GAP and c.flag is None)

    @property
    def to_collect(self) -> tuple[CriterionResult, ...]:
        """The criteria of this recommendation whose evidence is still to collect."""
        return tuple(c for c in self.criteria if c.to_collect)


@dataclass(frozen=True)
class ThemeScore:
    """A theme's score (0-100, ``None`` if not applicable) and its recommendations."""

    theme: Theme
    score: float | None
    recommendations: tuple[RecommendationScore, ...]


@dataclass(frozen=True)
class Gap:
    """A criterion below *Fully in place*, with what it takes to close it."""

    rank: int
    criterion: Criterion
    recommendation: Recommendation
    theme: Theme
    level: str | None
    shortfall: Fraction
    priority: Fraction
    flag: Flag | None
    evidence: str
    good_practices: tuple[GoodPractice, ...]
    commitments: tuple[Commitment, ...]

    @property
    def level_label(self) -> str:
        """The chosen level's label, or "Unanswered"."""
        return label_of(self.level)

    @property
    def to_collect(self) -> bool:
        """Whether this is evidence to collect (*Don't know* or unanswered), not a ranked gap."""
        return self.flag is not None

    @property
    def flag_label(self) -> str:
        """ "Evidence needed" (Don't know), "Unanswered", or "" for a ranked gap."""
        return FLAG_LABELS[self.flag] if self.flag is not None else ""

    @property
    def where_to_look(self) -> str | None:
        """The criterion's guidance: the evidence that shows it, and so who might hold it."""
        return self.criterion.guidance


@dataclass(frozen=True)
class Counts:
    """How many criteria were answered, and how.

    ``answered + unanswered == total``; ``not_applicable`` and ``unknown`` (Don't know) are part
    of ``answered``; ``met + gaps + to_collect + not_applicable == total``, where ``to_collect``
    counts the *Don't know* and unanswered criteria that apply.
    """

    total: int
    answered: int
    unanswered: int
    not_applicable: int
    unknown: int
    met: int
    gaps: int
    to_collect: int = 0
    claimed_without_evidence: int = 0


@dataclass(frozen=True)
class GapAnalysis:
    """The scored checklist: overall, per theme and per recommendation scores, and ranked gaps.

    ``evidence_to_collect`` holds the *Don't know* and unanswered criteria that apply, apart
    from ``gaps``, in checklist order, ranked after them (``rank`` goes on from the last gap's),
    so that the action plan can list both.
    """

    checklist: Checklist
    overall: float | None
    themes: tuple[ThemeScore, ...]
    recommendations: tuple[RecommendationScore, ...]
    criteria: tuple[CriterionResult, ...]
    gaps: tuple[Gap, ...]
    counts: Counts
    evidence_to_collect: tuple[Gap, ...] = ()

    @property
    def top_gaps(self) -> tuple[Gap, ...]:
        """The top gaps: at most :data:`TOP_GAPS`, one per recommendation (:func:`top_gaps`)."""
        return top_gaps(self.gaps)

    def theme_score(self, theme_id: str) -> ThemeScore:
        """The score of the theme with this id (``KeyError`` if none)."""
        for theme in self.themes:
            if theme.theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    def recommendation_score(self, rec_id: str) -> RecommendationScore:
        """The score of the recommendation with this id (``KeyError`` if none)."""
        for rec in self.recommendations:
            if rec.recommendation.id == rec_id:
                return rec
        raise KeyError(rec_id)


# --------------------------------------------------------------------------------------------
# Computation
# --------------------------------------------------------------------------------------------


def criterion_points(answer: Answer | None) -> Fraction | None:
    """The points an answer earns: 0 to 1, 0 if unanswered or Don't know, None if N/A."""
    if answer is None or answer.level is None:
        return Fraction(0)
    level: Level = LEVELS_BY_KEY[answer.level]
    if level is NOT_APPLICABLE:
        return None
    if level is UNKNOWN or level.points is None:
        return Fraction(0)
    return level.points


def _weighted_mean(pairs: Iterable[tuple[Fraction, Fraction]]) -> Fraction | None:
    """The exact weighted mean of (value, weight) pairs; ``None`` if there are none."""
    total = Fraction(0)
    weights = Fraction(0)
    for value, weight in pairs:
        total += value * weight
        weights += weight
    return total / weights if weights else None


def _percent(value: Fraction | None) -> float | None:
    return None if value is None else float(value * 100)


def _criterion_result(
    theme: Theme, rec: Recommendation, crit: Criterion, answer: Answer | None
) -> CriterionResult:
    points = criterion_points(answer)
    flag: Flag | None = None
    if answer is None or answer.level is None:
        flag = UNANSWERED
    elif answer.level == UNKNOWN.key:
        flag = EVIDENCE_NEEDED
    if points is None:
        status: Status = NA
    elif points >= 1:
        status = MET
    else:
        status = GAP
    return CriterionResult(crit, rec, theme, answer, points, status, flag)


def score(checklist: Checklist, answers: Mapping[str, Answer]) -> GapAnalysis:
    """Score answers against a checklist: scores per recommendation, theme and overall, and gaps.

    ``answers`` maps criterion ids to answers; a criterion missing from it is unanswered. Answers
    to ids the checklist does not have are ignored.
    """
    criteria: list[CriterionResult] = []
    rec_scores: list[RecommendationScore] = []
    rec_exact: dict[str, Fraction | None] = {}
    theme_scores: list[ThemeScore] = []
    theme_exacts: dict[str, Fraction | None] = {}
    for theme in checklist.themes:
        theme_recs: list[RecommendationScore] = []
        for rec in theme.recommendations:
            results = tuple(
                _criterion_result(theme, rec, crit, answers.get(crit.id)) for crit in rec.criteria
            )
            criteria.extend(results)
            exact = _weighted_mean(
                (r.points, Fraction(r.criterion.weight)) for r in results if r.points is not None
            )
            rec_exact[rec.id] = exact
            rec_score = RecommendationScore(
                recommendation=rec,
                theme=theme,
                score=_percent(exact),
                criteria=results,
                good_practices=checklist.good_practices_for(rec),
                commitments=checklist.commitments_for(rec),
            )
            theme_recs.append(rec_score)
        rec_scores.extend(theme_recs)
        theme_exact = _weighted_mean(
            (value, Fraction(rec.weight))
            for rec in theme.recommendations
            if (value := rec_exact[rec.id]) is not None
        )
        theme_exacts[theme.id] = theme_exact
        theme_scores.append(ThemeScore(theme, _percent(theme_exact), tuple(theme_recs)))
    gaps = _rank_gaps(checklist, criteria, theme_exacts)
    overall_exact = _weighted_mean(
        (value, Fraction(rec.weight))
        for rec in checklist.recommendations
        if (value := rec_exact[rec.id]) is not None
    )
    return GapAnalysis(
        checklist=checklist,
        overall=_percent(overall_exact),
        themes=tuple(theme_scores),
        recommendations=tuple(rec_scores),
        criteria=tuple(criteria),
        gaps=gaps,
        counts=_count(criteria),
        evidence_to_collect=tuple(
            _gap(checklist, rank, r)
            for rank, r in enumerate((r for r in criteria if r.to_collect), start=len(gaps) + 1)
        ),
    )


def top_gaps(ranking: Iterable[Gap], limit: int = TOP_GAPS) -> tuple[Gap, ...]:
    """The first ``limit`` gaps of a ranking, passing over any gap whose recommendation has one.

    At most one gap per recommendation, so fewer than ``limit`` when fewer recommendations have
    gaps; the order is the ranking's.
    """
    chosen: list[Gap] = []
    seen: set[str] = set()
    for gap in ranking:
        if len(chosen) >= limit:
            break
        if gap.recommendation.id in seen:
            continue
        seen.add(gap.recommendation.id)
        chosen.append(gap)
    return tuple(chosen)


def _rank_gaps(
    checklist: Checklist,
    criteria: list[CriterionResult],
    theme_scores: Mapping[str, Fraction | None],
) -> tuple[Gap, ...]:
    candidates: list[tuple[Fraction, Fraction, int, CriterionResult]] = []
    for order, result in enumerate(criteria):
        if result.status != GAP or result.points is None or result.flag is not None:
            continue
        priority = (
            Fraction(result.recommendation.weight)
            * Fraction(result.criterion.weight)
            * (1 - result.points)
        )
        # A theme with a gap has a score (the gap's criterion applies).
        theme_score = theme_scores.get(result.theme.id) or Fraction(0)
        candidates.append((priority, theme_score, order, result))
    candidates.sort(key=lambda item: (-item[0], item[1], item[2]))
    return tuple(
        _gap(checklist, rank, result) for rank, (_, _, _, result) in enumerate(candidates, start=1)
    )


def _gap(checklist: Checklist, rank: int, result: CriterionResult) -> Gap:
    shortfall = 1 - (result.points or Fraction(0))
    return Gap(
        rank=rank,
        criterion=result.criterion,
        recommendation=result.recommendation,
        theme=result.theme,
        level=result.level,
        shortfall=shortfall,
        priority=(
            Fraction(result.recommendation.weight) * Fraction(result.criterion.weight) * shortfall
        ),
        flag=result.flag,
        evidence=result.evidence,
        good_practices=checklist.good_practices_for(result.recommendation),
        commitments=checklist.commitments_for(result.recommendation),
    )


def _count(criteria: list[CriterionResult]) -> Counts:
    levels = [r.level for r in criteria]
    return Counts(
        total=len(criteria),
        answered=sum(1 for level in levels if level is not None),
        unanswered=sum(1 for level in levels if level is None),
        not_applicable=sum(1 for level in levels if level == NOT_APPLICABLE.key),
        unknown=sum(1 for level in levels if level == UNKNOWN.key),
        met=sum(1 for r in criteria if r.status == MET),
        gaps=sum(1 for r in criteria if r.status == GAP and not r.to_collect),
        to_collect=sum(1 for r in criteria if r.to_collect),
        claimed_without_evidence=sum(1 for r in criteria if r.claimed_without_evidence),
    )


# --------------------------------------------------------------------------------------------
# JSON form
# --------------------------------------------------------------------------------------------


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def good_practice_to_dict(practice: GoodPractice) -> dict[str, Any]:
    """The JSON form of a good practice."""
    return {
        "id": practice.id,
        "country": practice.country,
        "actor": practice.actor,
        "title": practice.title,
        "summary": practice.summary,
        "source": {"section": practice.source.section, "speaker": practice.source.speaker},
    }


def commitment_to_dict(commitment: Commitment) -> dict[str, Any]:
    """The JSON form of a commitment provision."""
    return {
        "id": commitment.id,
        "document": commitment.document,
        "year": commitment.year,
        "paragraph": commitment.paragraph,
        "text": commitment.text,
    }


def gap_to_dict(gap: Gap, action: Action | None = None) -> dict[str, Any]:
    """The JSON form of a gap; ``code`` is its criterion's display code ("2.1.a").

    ``action`` is the gap's action in the plan, if one is recorded: given as ``"action"`` (its
    answers-file form, ``due`` as ISO ``YYYY-MM-DD``); a gap without one has no ``"action"``.
    """
    result = {
        "rank": gap.rank,
        "code": gap.criterion.code,
        "criterion_id": gap.criterion.id,
        "criterion": gap.criterion.text,
        "recommendation_id": gap.recommendation.id,
        "recommendation": gap.recommendation.text,
        "theme_id": gap.theme.id,
        "theme": gap.theme.title,
        "level": gap.level,
        "level_label": gap.level_label,
        "flag": gap.flag,
        "evidence": gap.evidence,
        "where_to_look": gap.where_to_look,
        "shortfall": round(float(gap.shortfall), 3),
        "priority": round(float(gap.priority), 3),
        "good_practices": [good_practice_to_dict(p) for p in gap.good_practices],
        "commitments": [commitment_to_dict(c) for c in gap.commitments],
    }
    if action is not None:
        result["action"] = action.to_dict()
    return result


def gap_analysis_to_dict(
    analysis: GapAnalysis, actions: Mapping[str, Action] | None = None
) -> dict[str, Any]:
    """The JSON form of a gap analysis (what ``assessor score`` prints); scores to 1 decimal.

    Ids are the keys; each theme, recommendation, criterion and gap also carries the display
    ``code`` ("2", "2.1", "2.1.a") that the web pages and the PDF show. ``actions`` (by
    criterion id, an answers file's plan) puts each gap's action on it (see :func:`gap_to_dict`).
    """
    actions = actions or {}
    checklist = analysis.checklist
    counts = analysis.counts
    return {
        "checklist": {"id": checklist.id, "version": checklist.version, "title": checklist.title},
        "overall": _round(analysis.overall),
        "counts": {
            "total": counts.total,
            "answered": counts.answered,
            "unanswered": counts.unanswered,
            "not_applicable": counts.not_applicable,
            "unknown": counts.unknown,
            "met": counts.met,
            "gaps": counts.gaps,
            "to_collect": counts.to_collect,
            "claimed_without_evidence": counts.claimed_without_evidence,
        },
        "themes": [
            {
                "id": t.theme.id,
                "code": t.theme.code,
                "title": t.theme.title,
                "score": _round(t.score),
                "recommendations": [r.recommendation.id for r in t.recommendations],
            }
            for t in analysis.themes
        ],
        "recommendations": [
            {
                "id": r.recommendation.id,
                "code": r.recommendation.code,
                "theme_id": r.theme.id,
                "text": r.recommendation.text,
                "weight": r.recommendation.weight,
                "score": _round(r.score),
                "criteria": [
                    {
                        "id": c.criterion.id,
                        "code": c.criterion.code,
                        "weight": c.criterion.weight,
                        "level": c.level,
                        "points": None if c.points is None else round(float(c.points), 3),
                        "status": c.status,
                        "flag": c.flag,
                        "claimed_without_evidence": c.claimed_without_evidence,
                    }
                    for c in r.criteria
                ],
            }
            for r in analysis.recommendations
        ],
        "gaps": [gap_to_dict(g, actions.get(g.criterion.id)) for g in analysis.gaps],
        "top_gaps": [g.criterion.id for g in analysis.top_gaps],
        "evidence_to_collect": [
            gap_to_dict(g, actions.get(g.criterion.id)) for g in analysis.evidence_to_collect
        ],
    }
