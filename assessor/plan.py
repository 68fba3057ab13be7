"""The action plan: the gaps of a gap analysis, in priority order, each with its action (if any).

Why a module of its own: the plan is read in four places (the app's Action plan page, the PDF's
chapter, the spreadsheets and ``assessor score``) and they must agree on what a plan row is, the
order of the rows, what "overdue" means and what the counts count. So it is computed once, here,
from plain data: a :class:`~assessor.scoring.GapAnalysis` and the actions by criterion id (see
:class:`~assessor.answers.Action`). Pure: no Flask, no database, no clock (``today`` is passed in,
so a PDF dated last week says what was overdue last week).

- The rows are the gaps in the order scoring ranks them (priority, then checklist order); a plan
  never reorders them. A gap without an action is a row too: the plan shows what is unplanned.
- An action whose criterion is not a gap (met, not applicable, or answered since) is not a row;
  it is kept in :attr:`ActionPlan.other_actions` so nothing recorded is silently lost.
- *Overdue*: an action with a due date before ``today`` and a status other than done.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from assessor.answers import ACTION_STATUSES, Action
from assessor.checklist import Criterion, GoodPractice, Recommendation, Theme
from assessor.levels import label_of
from assessor.scoring import Gap, GapAnalysis
from assessor.translation import N_

#: The status filter's extra value for the gaps that have no action yet.
NO_ACTION = "no_action"
#: The status filter's extra value for the overdue actions (not a status: a done action is
#: never overdue, an action in progress or not started may be).
OVERDUE = "overdue"
#: What :meth:`ActionPlan.filtered` accepts as ``status``, with labels, in the order a page
#: offers them.
STATUS_FILTERS: tuple[tuple[str, str], ...] = (
    *ACTION_STATUSES,
    (NO_ACTION, N_("No action yet")),
    (OVERDUE, N_("Overdue")),
)
STATUS_FILTER_KEYS: tuple[str, ...] = tuple(key for key, _ in STATUS_FILTERS)
_STATUS_LABELS: Mapping[str, str] = dict(ACTION_STATUSES)


def status_label(status: str) -> str:
    """The label of an action status key ("In progress"); the key itself if unknown."""
    return _STATUS_LABELS.get(status, status)


def owner_key(owner: str) -> str:
    """How owners are compared: case and runs of spaces do not make two owners different."""
    return " ".join(owner.split()).casefold()


@dataclass(frozen=True)
class PlanRow:
    """One gap of the plan: the gap (rank, criterion, recommendation, theme, current level,
    linked good practices) and its action, or ``None`` if none is recorded yet."""

    gap: Gap
    action: Action | None
    overdue: bool

    @property
    def rank(self) -> int:
        """The gap's rank in the gap analysis (1 = highest priority); kept when filtered."""
        return self.gap.rank

    @property
    def criterion(self) -> Criterion:
        """The criterion (``.code`` is its display code, "2.1.a")."""
        return self.gap.criterion

    @property
    def recommendation(self) -> Recommendation:
        """The recommendation the criterion belongs to (``.code``: "2.1")."""
        return self.gap.recommendation

    @property
    def theme(self) -> Theme:
        """The theme the recommendation belongs to (``.code``: "2")."""
        return self.gap.theme

    @property
    def current_level(self) -> str | None:
        """The level key answered today (``None``: unanswered)."""
        return self.gap.level

    @property
    def current_level_label(self) -> str:
        """The label of the level answered today, or "Unanswered"."""
        return self.gap.level_label

    @property
    def target_level_label(self) -> str:
        """The label of the action's target level; empty if there is none."""
        target = self.action.target_level if self.action is not None else None
        return label_of(target, unset="") if target else ""

    @property
    def status(self) -> str | None:
        """The action's status key; ``None`` when there is no action."""
        return self.action.status if self.action is not None else None

    @property
    def status_label(self) -> str:
        """The action's status label ("In progress"), or "No action yet"."""
        return status_label(self.action.status) if self.action is not None else N_("No action yet")

    @property
    def good_practices(self) -> tuple[GoodPractice, ...]:
        """The good practices the checklist links to the gap's recommendation."""
        return self.gap.good_practices


@dataclass(frozen=True)
class PlanCounts:
    """What a plan holds: ``gaps`` rows, ``with_action + without_action == gaps``; ``done``,
    ``in_progress`` and ``not_started`` split ``with_action``; ``overdue`` is part of it."""

    gaps: int
    with_action: int
    without_action: int
    overdue: int
    done: int
    in_progress: int
    not_started: int


def count_rows(rows: Iterable[PlanRow]) -> PlanCounts:
    """The counts of some plan rows."""
    rows = tuple(rows)
    statuses = [row.action.status for row in rows if row.action is not None]
    return PlanCounts(
        gaps=len(rows),
        with_action=len(statuses),
        without_action=len(rows) - len(statuses),
        overdue=sum(1 for row in rows if row.overdue),
        done=statuses.count("done"),
        in_progress=statuses.count("in_progress"),
        not_started=statuses.count("not_started"),
    )


class PlanFilterError(ValueError):
    """A filter value the plan does not know; the message names the ones it does."""


@dataclass(frozen=True)
class ActionPlan:
    """The plan: a row per gap in priority order, their counts, and the filter choices.

    ``rows`` and ``counts`` describe this plan (after :meth:`filtered`, the matching rows);
    ``owners`` and ``other_actions`` always describe the whole plan it was made from.
    """

    today: date
    rows: tuple[PlanRow, ...]
    counts: PlanCounts
    #: Every owner named in the plan's actions, once each (first spelling), sorted.
    owners: tuple[str, ...] = ()
    #: Actions recorded for criteria that are not gaps (met, not applicable), by criterion id.
    other_actions: Mapping[str, Action] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def has_actions(self) -> bool:
        """Whether any gap of this plan has an action."""
        return self.counts.with_action > 0

    def filtered(self, owner: str | None = None, status: str | None = None) -> ActionPlan:
        """The plan narrowed to one owner and/or one status; ``None`` or "" keeps all.

        ``owner`` matches whatever the case and spacing (:func:`owner_key`). ``status`` is one
        of :data:`STATUS_FILTER_KEYS`: an action status, ``"no_action"`` or ``"overdue"``;
        anything else raises :class:`PlanFilterError`. Rows keep their ranks.
        """
        rows = self.rows
        if status:
            if status not in STATUS_FILTER_KEYS:
                raise PlanFilterError(
                    f"unknown status filter {status!r}; expected one of "
                    f"{', '.join(STATUS_FILTER_KEYS)}"
                )
            rows = tuple(row for row in rows if _has_status(row, status))
        if owner and owner.strip():
            wanted = owner_key(owner)
            rows = tuple(
                row
                for row in rows
                if row.action is not None and owner_key(row.action.owner) == wanted
            )
        return ActionPlan(
            today=self.today,
            rows=rows,
            counts=count_rows(rows),
            owners=self.owners,
            other_actions=self.other_actions,
        )


def _has_status(row: PlanRow, status: str) -> bool:
    if status == NO_ACTION:
        return row.action is None
    if status == OVERDUE:
        return row.overdue
    return row.action is not None and row.action.status == status


def is_overdue(action: Action | None, today: date) -> bool:
    """Whether an action is overdue on ``today``: due before it and not done."""
    return (
        action is not None
        and action.due is not None
        and action.due < today
        and action.status != "done"
    )


def action_plan(analysis: GapAnalysis, actions: Mapping[str, Action], today: date) -> ActionPlan:
    """The action plan of a gap analysis: its gaps in priority order, each with its action.

    The evidence to collect (*Don't know*, unanswered) follows the ranked gaps, in their order.

    ``actions`` maps criterion ids to actions (an answers file's ``actions``); ``today`` decides
    what is overdue.
    """
    rows = tuple(
        PlanRow(
            gap=gap,
            action=(action := actions.get(gap.criterion.id)),
            overdue=is_overdue(action, today),
        )
        for gap in analysis.gaps + analysis.evidence_to_collect
    )
    gap_ids = {row.gap.criterion.id for row in rows}
    others = {
        result.criterion.id: actions[result.criterion.id]
        for result in analysis.criteria
        if result.criterion.id in actions and result.criterion.id not in gap_ids
    }
    owners: dict[str, str] = {}
    for row in rows:
        if row.action is not None and row.action.owner.strip():
            owners.setdefault(owner_key(row.action.owner), " ".join(row.action.owner.split()))
    return ActionPlan(
        today=today,
        rows=rows,
        counts=count_rows(rows),
        owners=tuple(sorted(owners.values(), key=str.casefold)),
        other_actions=MappingProxyType(others),
    )


__all__ = [
    "NO_ACTION",
    "OVERDUE",
    "STATUS_FILTERS",
    "STATUS_FILTER_KEYS",
    "ActionPlan",
    "PlanCounts",
    "PlanFilterError",
    "PlanRow",
    "action_plan",
    "count_rows",
    "is_overdue",
    "owner_key",
    "status_label",
]
