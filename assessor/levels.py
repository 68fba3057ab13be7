"""The answer scale shared by forms, storage, scoring and reports.

Each criterion is answered with one level. ``points`` is the share of the criterion that is in
place (0 to 1); ``None`` means the level carries no points: *Not applicable* is left out of every
average, and *Don't know* counts as a gap with zero points ("evidence needed").
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from assessor.translation import N_


@dataclass(frozen=True)
class Level:
    """One step of the answer scale (``label`` and ``description`` in English: translate them
    where they are shown, e.g. ``translator(lang).gettext(level.label)``)."""

    key: str
    label: str
    points: Fraction | None
    description: str


NOT_IN_PLACE = Level("not_in_place", N_("Not in place"), Fraction(0), N_("Nothing exists yet."))
PLANNED = Level(
    "planned", N_("Planned"), Fraction(1, 3), N_("Decided or announced, but not yet in operation.")
)
PARTIAL = Level(
    "partial",
    N_("Partially in place"),
    Fraction(2, 3),
    N_("In operation, but incomplete in scope, coverage or resources."),
)
FULL = Level("full", N_("Fully in place"), Fraction(1), N_("In operation and complete."))
NOT_APPLICABLE = Level(
    "not_applicable",
    N_("Not applicable"),
    None,
    N_("Does not apply to this country; left out of every score."),
)
UNKNOWN = Level(
    "unknown",
    N_("Don't know"),
    None,
    N_("The answer is not known; scores 0 and is listed as evidence to collect."),
)

LEVELS: tuple[Level, ...] = (NOT_IN_PLACE, PLANNED, PARTIAL, FULL, NOT_APPLICABLE, UNKNOWN)
LEVELS_BY_KEY: dict[str, Level] = {level.key: level for level in LEVELS}
LEVEL_KEYS: tuple[str, ...] = tuple(level.key for level in LEVELS)


def level_for(key: str) -> Level:
    """Return the level with this key; raise ``KeyError`` naming the valid keys otherwise."""
    try:
        return LEVELS_BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown level {key!r}; expected one of {', '.join(LEVEL_KEYS)}") from None


def label_of(key: str | None, unset: str = N_("Unanswered")) -> str:
    """The label to show for a level key; ``unset`` when no level (or no known level) is chosen."""
    level = LEVELS_BY_KEY.get(key) if key is not None else None
    return level.label if level is not None else unset
