"""How much of a checklist is answered: per theme and overall. Pure: no Flask, no database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assessor.answers import Answer
from assessor.checklist import Checklist, Criterion, Theme
from assessor.translation import DEFAULT_LANGUAGE, translator


@dataclass(frozen=True)
class ThemeProgress:
    """How many of a theme's criteria have a level chosen, and which have not."""

    theme: Theme
    answered: int
    total: int
    unanswered: tuple[Criterion, ...]

    @property
    def complete(self) -> bool:
        """Whether every criterion of the theme is answered."""
        return self.answered == self.total


@dataclass(frozen=True)
class Progress:
    """Progress through a whole checklist."""

    themes: tuple[ThemeProgress, ...]

    @property
    def answered(self) -> int:
        """Criteria answered, in all themes."""
        return sum(t.answered for t in self.themes)

    @property
    def total(self) -> int:
        """Criteria in all themes."""
        return sum(t.total for t in self.themes)

    @property
    def complete(self) -> bool:
        """Whether every criterion is answered."""
        return self.answered == self.total

    def for_theme(self, theme_id: str) -> ThemeProgress:
        """The progress of one theme."""
        return next(t for t in self.themes if t.theme.id == theme_id)

    def first_incomplete(self) -> ThemeProgress | None:
        """The first theme with something left to answer, if any."""
        return next((t for t in self.themes if not t.complete), None)


def progress(checklist: Checklist, answers: Mapping[str, Answer]) -> Progress:
    """Count the answered criteria (those with a level chosen) of each theme."""
    themes = []
    for theme in checklist.themes:
        unanswered = tuple(
            c for c in theme.criteria if c.id not in answers or not answers[c.id].is_answered
        )
        total = len(theme.criteria)
        themes.append(ThemeProgress(theme, total - len(unanswered), total, unanswered))
    return Progress(tuple(themes))


#: Minutes per criterion, from quick (the answer is known) to slow (the evidence is looked up
#: and noted): an estimate from reading, choosing and typing a line, not a measurement.
MINUTES_PER_CRITERION = (1.0, 3.0)


@dataclass(frozen=True)
class Size:
    """How big a checklist is to answer, and roughly how long answering takes (a range)."""

    criteria: int
    themes: int
    minutes_low: int
    minutes_high: int

    def duration(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The time range in words: "about 1 to 3 hours", "about 20 to 60 minutes"."""
        t = translator(lang)
        low, high = self.minutes_low, self.minutes_high
        if low == high:
            return t.gettext("about %(low)s minutes", low=low)
        if high <= 90:
            return t.gettext("about %(low)s to %(high)s minutes", low=low, high=high)
        return t.gettext("about %(low)s to %(high)s hours", low=_hours(low), high=_hours(high))


def _hours(minutes: int) -> str:
    """Minutes as hours to the nearest half: "1", "1½", "½"."""
    half_hours = max(1, round(minutes / 30))
    whole, half = divmod(half_hours, 2)
    return (str(whole) if whole else "") + ("½" if half else "")


def size(checklist: Checklist) -> Size:
    """The checklist's numbers of criteria and themes, and the time answering takes: from
    :data:`MINUTES_PER_CRITERION` per criterion, rounded to 5 minutes."""
    count = len(checklist.criteria)
    low, high = (max(5, round(count * rate / 5) * 5) for rate in MINUTES_PER_CRITERION)
    return Size(count, len(checklist.themes), low, high)
