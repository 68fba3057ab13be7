"""Comparing two assessments of one checklist: progress since a baseline, or two views side by side.

Pure functions over plain data: no Flask, no database, no I/O. One function, :func:`compare`,
takes two sides (a checklist, answers and who answered) and returns a :class:`Comparison`
holding everything a page, the command line or a report chapter shows: both sides' names, the
wording that fits the case, the scores per theme, recommendation and overall with the change,
and every criterion with both answers (level and evidence) and how it changed.

The two sides
    ``baseline`` is the reference (last year's assessment, or the other party's); ``current``
    is the one compared with it. Every difference is *current minus baseline*. Each side is
    scored on its own checklist with :func:`assessor.scoring.score`, so the scores are the
    ones each side shows on its own (and ``assessor score`` prints).

Versions of the checklist
    Both sides must answer the same checklist (the same id), else :class:`ComparisonError`.
    They may answer different versions of it: criteria, recommendations and themes are matched
    by id. A criterion only the current version has is ``added``; one only the baseline's
    version has is ``removed``. A score row exists for every recommendation and theme either
    version has; its difference is ``None`` where one side has no score.

Change of a criterion
    From the points scoring gives (*Not in place* 0, *Planned* 1/3, *Partially in place* 2/3,
    *Fully in place* 1; *Don't know* and unanswered 0, as in scoring; *Not applicable* none):

    * ``same``: the same level on both sides (both unanswered included); evidence may differ.
    * ``better`` / ``worse``: more / fewer points. So *Don't know* or unanswered to
      *Planned* and above is ``better``: the score rises as much as from *Not in place*.
    * ``changed``: a different level the scale cannot order: to or from *Not applicable*
      (which leaves the averages instead of moving them), or between the levels worth no
      points (unanswered, *Don't know*, *Not in place*: what is known changed, the score did
      not).
    * ``added`` / ``removed``: the criterion is in only one side's version of the checklist.

Distance
    How far apart the two answers are, in steps of the scale (*Not in place* to *Fully in
    place* is 3 steps): ``3 x |points difference|``, with *Don't know* and unanswered at 0
    points as in scoring. ``None`` when either side is *Not applicable*, or the criterion is on
    one side only: there is nothing to measure. :attr:`Comparison.most_different` ranks the
    criteria by distance, furthest first, then in checklist order; those without a distance
    whose answer changed come after them.

Wording
    "Progress since <baseline title>" when both sides are the same organisation in the same
    country (names compared ignoring case and spacing): the same body over time. Otherwise
    "Where the assessments differ": a government's self-assessment and an NGO's, say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from assessor.answers import Answer, AssessmentInfo
from assessor.checklist import Checklist, Criterion, Recommendation, Theme
from assessor.levels import label_of
from assessor.scoring import GapAnalysis, criterion_points, score
from assessor.translation import N_
from assessor.translation import gettext as _

Change = Literal["better", "worse", "same", "changed", "added", "removed"]

BETTER: Change = "better"
WORSE: Change = "worse"
SAME: Change = "same"
CHANGED: Change = "changed"
ADDED: Change = "added"
REMOVED: Change = "removed"
CHANGES: tuple[Change, ...] = (BETTER, WORSE, SAME, CHANGED, ADDED, REMOVED)

#: How a change is said to people.
CHANGE_LABELS: Mapping[str, str] = {
    BETTER: N_("Better"),
    WORSE: N_("Worse"),
    SAME: N_("Same"),
    CHANGED: N_("Changed"),
    ADDED: N_("New criterion"),
    REMOVED: N_("No longer in the checklist"),
}

#: How a change is said when the two sides are different organisations: "better" would take a
#: side; the current side is the assessment the page or report is about.
DIFFERENCE_LABELS: Mapping[str, str] = {
    **CHANGE_LABELS,
    BETTER: N_("Higher in this assessment"),
    WORSE: N_("Lower in this assessment"),
    CHANGED: N_("Different"),
}

#: The counts of :meth:`Comparison.summary`, in order: (change, progress words, difference words).
_SUMMARY_WORDS: tuple[tuple[Change, str, str], ...] = (
    (BETTER, N_("%(count)s better"), N_("%(count)s higher in this assessment")),
    (WORSE, N_("%(count)s worse"), N_("%(count)s lower in this assessment")),
    (
        CHANGED,
        N_("%(count)s changed without moving the score"),
        N_("%(count)s different without a difference in score"),
    ),
    (SAME, N_("%(count)s the same"), N_("%(count)s the same")),
    (
        ADDED,
        N_("%(count)s new in this version of the checklist"),
        N_("%(count)s new in this version of the checklist"),
    ),
    (
        REMOVED,
        N_("%(count)s no longer in the checklist"),
        N_("%(count)s no longer in the checklist"),
    ),
)

#: Steps on the scale from *Not in place* (0 points) to *Fully in place* (1 point).
SCALE_STEPS = 3

PROGRESS = "progress"
DIFFERENCES = "differences"


class ComparisonError(Exception):
    """Two answer sets that cannot be compared (they answer different checklists)."""


@dataclass(frozen=True)
class Side:
    """One side of a comparison: who answered, which checklist (version), and the answers."""

    info: AssessmentInfo
    checklist: Checklist
    answers: Mapping[str, Answer]


@dataclass(frozen=True)
class SideResult:
    """A side as compared: who answered, which version, and its own gap analysis."""

    info: AssessmentInfo
    checklist_version: str
    analysis: GapAnalysis

    @property
    def name(self) -> str:
        """How the side is named on a page: its title, then its organisation."""
        return f"{self.info.title} ({self.info.organisation})"


@dataclass(frozen=True)
class ScoreChange:
    """One score on both sides (0-100, ``None`` where nothing applies) and the difference.

    ``delta`` is ``current - baseline``, ``None`` unless both have a score. ``code`` and
    ``title`` come from the current side's checklist when it has the item, else the
    baseline's; ``kind`` is "overall", "theme" or "recommendation".
    """

    kind: str
    id: str
    code: str
    title: str
    baseline: float | None
    current: float | None

    @property
    def delta(self) -> float | None:
        """Current minus baseline, or ``None`` unless both have a score."""
        if self.baseline is None or self.current is None:
            return None
        return self.current - self.baseline


@dataclass(frozen=True)
class CriterionChange:
    """One criterion on both sides: the answers (level and evidence), points and the change.

    ``baseline`` / ``current`` is the side's answer, ``None`` if unanswered or if the
    criterion is not in that side's version of the checklist (see ``change``).
    """

    criterion: Criterion
    recommendation: Recommendation
    theme: Theme
    baseline: Answer | None
    current: Answer | None
    baseline_points: Fraction | None
    current_points: Fraction | None
    change: Change
    distance: Fraction | None

    @property
    def baseline_level(self) -> str | None:
        """The baseline's level key, or ``None``."""
        return self.baseline.level if self.baseline is not None else None

    @property
    def current_level(self) -> str | None:
        """The current side's level key, or ``None``."""
        return self.current.level if self.current is not None else None

    @property
    def baseline_label(self) -> str:
        """The baseline's level as shown ("Unanswered", or "Not in this version")."""
        return (
            _("Not in this version") if self.change == ADDED else _(label_of(self.baseline_level))
        )

    @property
    def current_label(self) -> str:
        """The current side's level as shown ("Unanswered", or "Not in this version")."""
        return (
            _("Not in this version") if self.change == REMOVED else _(label_of(self.current_level))
        )

    @property
    def baseline_evidence(self) -> str:
        """The baseline's evidence (may be empty)."""
        return self.baseline.evidence if self.baseline is not None else ""

    @property
    def current_evidence(self) -> str:
        """The current side's evidence (may be empty)."""
        return self.current.evidence if self.current is not None else ""

    @property
    def change_label(self) -> str:
        """The change as said to people ("Better", "New criterion", ...)."""
        return _(CHANGE_LABELS[self.change])


@dataclass(frozen=True)
class Comparison:
    """Two assessments of one checklist side by side: everything a page or chapter shows.

    ``criteria`` lists every criterion of either version, in the current version's order and
    then the removed ones in the baseline's order. ``case`` is :data:`PROGRESS` (the same
    organisation over time) or :data:`DIFFERENCES`, and ``heading`` the wording for it.
    """

    checklist: Checklist
    baseline: SideResult
    current: SideResult
    case: str
    heading: str
    overall: ScoreChange
    themes: tuple[ScoreChange, ...]
    recommendations: tuple[ScoreChange, ...]
    criteria: tuple[CriterionChange, ...]

    @property
    def same_organisation(self) -> bool:
        """Whether both sides are the same organisation (so the comparison shows progress)."""
        return self.case == PROGRESS

    @property
    def changed(self) -> tuple[CriterionChange, ...]:
        """The criteria whose answer is not the same on both sides, in checklist order."""
        return tuple(c for c in self.criteria if c.change != SAME)

    @property
    def most_different(self) -> tuple[CriterionChange, ...]:
        """The changed criteria, furthest apart first (by distance, then checklist order);
        those without a distance (Not applicable, added, removed) after them."""
        order = {id(c): i for i, c in enumerate(self.criteria)}
        return tuple(
            sorted(
                self.changed,
                key=lambda c: (c.distance is None, -(c.distance or 0), order[id(c)]),
            )
        )

    def count(self, change: Change) -> int:
        """How many criteria changed this way."""
        return sum(1 for c in self.criteria if c.change == change)

    def change_label(self, change: Change) -> str:
        """A change as said in this case: "Better" over time, "Higher in this assessment"
        between two organisations."""
        return _((CHANGE_LABELS if self.case == PROGRESS else DIFFERENCE_LABELS)[change])

    @property
    def summary(self) -> str:
        """The criteria counted by change, in words, leaving out the kinds there are none of
        ("3 better, 1 worse, 20 the same")."""
        index = 1 if self.case == PROGRESS else 2
        parts = [
            _(words[index], count=count)
            for words in _SUMMARY_WORDS
            if (count := self.count(words[0]))
        ]
        return ", ".join(parts)

    def theme_criteria(self, theme_id: str) -> tuple[CriterionChange, ...]:
        """The criteria of one theme (of either version), in order."""
        return tuple(c for c in self.criteria if c.theme.id == theme_id)


# --------------------------------------------------------------------------------------------
# Computation
# --------------------------------------------------------------------------------------------


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def same_organisation(baseline: AssessmentInfo, current: AssessmentInfo) -> bool:
    """Whether two assessments are by the same organisation in the same country (names
    compared ignoring case and spacing)."""
    return (
        _normalised(baseline.organisation) == _normalised(current.organisation)
        and baseline.country == current.country
    )


def heading_for(case: str, baseline: AssessmentInfo) -> str:
    """The wording for the case: "Progress since <baseline>" or "Where the assessments differ"."""
    if case == PROGRESS:
        return _("Progress since %(title)s", title=baseline.title)
    return _("Where the assessments differ")


def criterion_change(
    baseline: Answer | None, current: Answer | None
) -> tuple[Fraction | None, Fraction | None, Change, Fraction | None]:
    """Points of each answer, the change and the distance, for a criterion both sides have.

    See the module docstring for the rules (Don't know and unanswered at 0 points, Not
    applicable off the scale).
    """
    base_points = criterion_points(baseline)
    cur_points = criterion_points(current)
    base_level = baseline.level if baseline is not None else None
    cur_level = current.level if current is not None else None
    distance = (
        None
        if base_points is None or cur_points is None
        else abs(cur_points - base_points) * SCALE_STEPS
    )
    change: Change
    if base_level == cur_level:
        change = SAME
    elif base_points is None or cur_points is None or base_points == cur_points:
        change = CHANGED
    elif cur_points > base_points:
        change = BETTER
    else:
        change = WORSE
    return base_points, cur_points, change, distance


def _criterion_rows(baseline: Side, current: Side) -> list[CriterionChange]:
    rows: list[CriterionChange] = []
    for theme, rec, crit in current.checklist.walk():
        mine = current.answers.get(crit.id)
        if not baseline.checklist.has_criterion(crit.id):
            rows.append(
                CriterionChange(
                    crit, rec, theme, None, mine, None, criterion_points(mine), ADDED, None
                )
            )
            continue
        theirs = baseline.answers.get(crit.id)
        base_points, cur_points, change, distance = criterion_change(theirs, mine)
        rows.append(
            CriterionChange(
                crit, rec, theme, theirs, mine, base_points, cur_points, change, distance
            )
        )
    for theme, rec, crit in baseline.checklist.walk():
        if current.checklist.has_criterion(crit.id):
            continue
        theirs = baseline.answers.get(crit.id)
        rows.append(
            CriterionChange(
                crit, rec, theme, theirs, None, criterion_points(theirs), None, REMOVED, None
            )
        )
    return rows


def _merged_ids(current: Iterable[str], baseline: Iterable[str]) -> list[str]:
    """Ids in the current side's order, then those only the baseline has, in its order."""
    ids = list(dict.fromkeys(current))
    seen = set(ids)
    ids += [i for i in dict.fromkeys(baseline) if i not in seen]
    return ids


def _score_rows(
    kind: str,
    base_items: Mapping[str, tuple[str, str, float | None]],
    cur_items: Mapping[str, tuple[str, str, float | None]],
) -> tuple[ScoreChange, ...]:
    rows = []
    for item_id in _merged_ids(cur_items, base_items):
        code, title, _ = cur_items.get(item_id) or base_items[item_id]
        base = base_items.get(item_id)
        cur = cur_items.get(item_id)
        rows.append(
            ScoreChange(
                kind=kind,
                id=item_id,
                code=code,
                title=title,
                baseline=base[2] if base else None,
                current=cur[2] if cur else None,
            )
        )
    return tuple(rows)


def compare(baseline: Side, current: Side) -> Comparison:
    """Compare two answer sets of one checklist: scores, criteria and the changes between them.

    Raises :class:`ComparisonError` when the sides answer different checklists (by id).
    """
    if baseline.checklist.id != current.checklist.id:
        raise ComparisonError(
            f"the two assessments answer different checklists: “{baseline.checklist.title}” "
            f"({baseline.checklist.id}) and “{current.checklist.title}” "
            f"({current.checklist.id}); only assessments of the same checklist can be compared"
        )
    base_analysis = score(baseline.checklist, baseline.answers)
    cur_analysis = score(current.checklist, current.answers)
    case = PROGRESS if same_organisation(baseline.info, current.info) else DIFFERENCES

    def themes(analysis: GapAnalysis) -> dict[str, tuple[str, str, float | None]]:
        return {t.theme.id: (t.theme.code, t.theme.title, t.score) for t in analysis.themes}

    def recommendations(analysis: GapAnalysis) -> dict[str, tuple[str, str, float | None]]:
        return {
            r.recommendation.id: (r.recommendation.code, r.recommendation.text, r.score)
            for r in analysis.recommendations
        }

    return Comparison(
        checklist=current.checklist,
        baseline=SideResult(baseline.info, baseline.checklist.version, base_analysis),
        current=SideResult(current.info, current.checklist.version, cur_analysis),
        case=case,
        heading=heading_for(case, baseline.info),
        overall=ScoreChange(
            "overall", "overall", "", _("Overall"), base_analysis.overall, cur_analysis.overall
        ),
        themes=_score_rows("theme", themes(base_analysis), themes(cur_analysis)),
        recommendations=_score_rows(
            "recommendation", recommendations(base_analysis), recommendations(cur_analysis)
        ),
        criteria=tuple(_criterion_rows(baseline, current)),
    )


# --------------------------------------------------------------------------------------------
# JSON form
# --------------------------------------------------------------------------------------------


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _score_to_dict(row: ScoreChange) -> dict[str, Any]:
    """Both scores to 1 decimal, as ``assessor score`` prints them; ``delta`` is the difference
    of the two numbers printed, so a reader can check it."""
    base, cur = _round(row.baseline), _round(row.current)
    delta = None if base is None or cur is None else round(cur - base, 1)
    return {"baseline": base, "current": cur, "delta": delta}


def _side_to_dict(side: SideResult) -> dict[str, Any]:
    return {
        "title": side.info.title,
        "organisation": side.info.organisation,
        "country": side.info.country,
        "respondent": side.info.respondent,
        "checklist_version": side.checklist_version,
    }


def _points(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 3)


def criterion_change_to_dict(row: CriterionChange) -> dict[str, Any]:
    """The JSON form of one criterion's change."""
    return {
        "criterion_id": row.criterion.id,
        "code": row.criterion.code,
        "criterion": row.criterion.text,
        "recommendation_id": row.recommendation.id,
        "theme_id": row.theme.id,
        "baseline_level": row.baseline_level,
        "current_level": row.current_level,
        "baseline_points": _points(row.baseline_points),
        "current_points": _points(row.current_points),
        "change": row.change,
        "distance": None if row.distance is None else float(row.distance),
        "baseline_evidence": row.baseline_evidence,
        "current_evidence": row.current_evidence,
    }


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    """The JSON form of a comparison (what ``assessor compare`` prints); scores to 1 decimal.

    ``criteria`` holds every criterion of either version; ``most_different`` the ids of the
    changed ones, furthest apart first.
    """
    checklist = comparison.checklist
    return {
        "checklist": {"id": checklist.id, "version": checklist.version, "title": checklist.title},
        "case": comparison.case,
        "heading": comparison.heading,
        "baseline": _side_to_dict(comparison.baseline),
        "current": _side_to_dict(comparison.current),
        "overall": _score_to_dict(comparison.overall),
        "themes": [
            {"id": t.id, "code": t.code, "title": t.title, **_score_to_dict(t)}
            for t in comparison.themes
        ],
        "recommendations": [
            {"id": r.id, "code": r.code, **_score_to_dict(r)} for r in comparison.recommendations
        ],
        "counts": {change: comparison.count(change) for change in CHANGES},
        "criteria": [criterion_change_to_dict(c) for c in comparison.criteria],
        "most_different": [c.criterion.id for c in comparison.most_different],
    }
