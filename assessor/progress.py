"""How much of a checklist is answered: per theme and overall. Pure: no Flask, no database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assessor.answers import Answer
from assessor.checklist import Checklist, Criterion, Theme


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
