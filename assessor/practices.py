"""Good practices seen from the assessed country: the model to follow, or its own practice.

The issue behind this module: a country was offered its own practice as the good practice for its
own gap (Moldova's gap pointing to Moldova's law). A practice whose country is the assessment's
country is shown apart ("Already in your country"), never as the model for that country's gap.

Checklists name countries as the source report does ("Republic of Moldova"), assessments as the
list of OSCE participating States does ("Moldova"); :func:`same_country` compares them without a
leading "Republic of" or "The". Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable

from assessor.checklist import GoodPractice
from assessor.scoring import GapAnalysis

_PREFIXES = ("the republic of ", "republic of ", "the ")


def _country_key(name: str) -> str:
    key = " ".join(name.split()).casefold()
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def same_country(assessed: str, practice_country: str) -> bool:
    """Whether a practice's country is the assessed country ("Moldova", "Republic of Moldova")."""
    return bool(assessed.strip()) and _country_key(assessed) == _country_key(practice_country)


def split_practices(
    practices: Iterable[GoodPractice], country: str
) -> tuple[tuple[GoodPractice, ...], tuple[GoodPractice, ...]]:
    """The practices from elsewhere (models to follow) and those from ``country`` itself."""
    elsewhere: list[GoodPractice] = []
    at_home: list[GoodPractice] = []
    for practice in practices:
        (at_home if same_country(country, practice.country) else elsewhere).append(practice)
    return tuple(elsewhere), tuple(at_home)


def cited_practices(analysis: GapAnalysis) -> tuple[GoodPractice, ...]:
    """The checklist's practices linked to a recommendation with a gap, in the checklist's order.

    Where a page refers to practices by a short line, these are the ones printed in full once.
    """
    cited = {p.id for gap in analysis.gaps for p in gap.good_practices}
    return tuple(p for p in analysis.checklist.good_practices if p.id in cited)
