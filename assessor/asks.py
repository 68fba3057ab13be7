"""Key asks: what an NGO's advocacy brief asks of whom, by when, and the criteria behind each.

An advocacy brief ends with 3 to 7 key asks. Each is a short title, a sentence or two ("We ask
the Ministry of Interior to ..."), the criteria of the checklist it is about, and optionally the
duty-bearer it addresses and a time frame. Asks are stored with the assessment, edited on their
own page and carried in the answers file under ``asks`` (:mod:`assessor.answers` checks them
there, with the limits and the criteria rule of this module).

:func:`suggest_asks` drafts asks from the top gaps (at most one per recommendation; "Don't know"
and unanswered criteria are evidence to collect, never gaps, so never asks): the checklist's own
advocacy phrasing of the criterion where it has one, the owner and due date of the gap's action
where the action plan records them. A suggestion is a draft: nothing is saved until the user
saves it.

Pure: no Flask, no database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from assessor.checklist import Criterion
from assessor.text import quoted, shorten
from assessor.translation import DAY_MONTH_YEAR, current_translator
from assessor.translation import gettext as _

if TYPE_CHECKING:
    from assessor.answers import Action
    from assessor.scoring import GapAnalysis

#: How many asks an assessment stores at most, and how many a brief needs at least.
MAX_ASKS = 7
MIN_ASKS_FOR_BRIEF = 3
#: How many asks :func:`suggest_asks` drafts at most.
MAX_SUGGESTIONS = 5
MAX_ASK_TITLE_CHARS = 120
MAX_ASK_TEXT_CHARS = 1500
MAX_DUTY_BEARER_CHARS = 200
MAX_BY_WHEN_CHARS = 200
#: How many criteria one ask may name.
MAX_ASK_CRITERIA = 10

#: The fields of an ask in the answers file, in the order they are written.
ASK_FIELDS = ("title", "text", "criteria", "duty_bearer", "by_when")


@dataclass(frozen=True)
class Ask:
    """One key ask: a headline, what is asked, the criteria it is about (ids, at least one),
    and optionally whom it addresses (``duty_bearer``) and by when (free text, "by 2027")."""

    title: str
    text: str
    criteria: tuple[str, ...]
    duty_bearer: str = ""
    by_when: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form of this ask."""
        return {
            "title": self.title,
            "text": self.text,
            "criteria": list(self.criteria),
            "duty_bearer": self.duty_bearer,
            "by_when": self.by_when,
        }


def asks_fingerprint(asks: Sequence[Ask]) -> str:
    """A short digest of a whole list of asks, to tell whether it changed since a page was
    opened (an ask is known by its place in the list, so any change to the list counts)."""
    text = json.dumps([ask.to_dict() for ask in asks], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def criteria_problems(criteria: Sequence[str], is_criterion: Callable[[str], bool]) -> list[str]:
    """What is wrong with the criterion ids of one ask, as phrases to follow its name ("names
    no criterion; choose 1 to 10"); ``is_criterion`` says whether an id is in the checklist."""
    problems = []
    if not criteria:
        problems.append(_("names no criterion; choose 1 to %(max)s", max=MAX_ASK_CRITERIA))
    elif len(criteria) > MAX_ASK_CRITERIA:
        problems.append(
            _(
                "names %(count)s criteria; the limit is %(max)s",
                count=len(criteria),
                max=MAX_ASK_CRITERIA,
            )
        )
    seen: set[str] = set()
    for crit_id in criteria:
        if crit_id in seen:
            problems.append(_("names the criterion %(id)s more than once", id=quoted(crit_id)))
        elif not is_criterion(crit_id):
            problems.append(
                _("names %(id)s, which is not a criterion of the checklist", id=quoted(crit_id))
            )
        seen.add(crit_id)
    return problems


def joined_criteria_problems(problems: Sequence[str]) -> str:
    """Phrases from :func:`criteria_problems` as one, in the page's language: "names 'x', which
    is not a criterion of the checklist; it names 'y' more than once"."""
    joined = problems[0] if problems else ""
    for problem in problems[1:]:
        joined = _("%(problems)s; it %(problem)s", problems=joined, problem=problem)
    return joined


# -- suggestions ------------------------------------------------------------------------------


def lower_first(text: str) -> str:
    """``text`` to follow other words: its first letter lower-cased, unless the first word is
    an abbreviation ("NGOs", "OSCE") whose second letter is a capital too."""
    if not text or (len(text) > 1 and text[1].isupper()):
        return text
    return text[0].lower() + text[1:]


def _sentence(text: str) -> str:
    """``text`` ending with one full stop (or its own question or exclamation mark)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def duty_bearer_for(action: Action | None, country: str) -> str:
    """Whom an ask about a gap addresses: the owner of the gap's action if set, else the
    government of the country (as typed), else "the authorities"."""
    if action is not None and action.owner:
        return action.owner
    country = country.strip()
    return _("the Government of %(country)s", country=country) if country else _("the authorities")


def by_when_for(action: Action | None, today: date) -> str:
    """By when an ask about a gap is due: the action's due date ("by 31 March 2027") if set,
    else the end of next year."""
    if action is not None and action.due is not None:
        return _("by %(date)s", date=current_translator().format_date(action.due, DAY_MONTH_YEAR))
    return _("by the end of %(year)s", year=today.year + 1)


def ask_title_of(criterion: Criterion) -> str:
    """The headline of an ask about a criterion: the checklist's own if it has one, else the
    criterion's text without its full stop, shortened to fit."""
    if criterion.ask_title:
        return shorten(criterion.ask_title, MAX_ASK_TITLE_CHARS)
    return shorten(criterion.text.rstrip().rstrip("."), MAX_ASK_TITLE_CHARS)


def ask_text_of(criterion: Criterion, duty_bearer: str) -> str:
    """The sentence of an ask about a criterion, addressed to ``duty_bearer``: "We ask ... to"
    and the checklist's own phrasing if it has one, else "ensure that" and the criterion."""
    asked = criterion.ask_text or _(
        "ensure that %(criterion)s", criterion=lower_first(criterion.text.strip())
    )
    sentence = _(
        "We ask %(duty_bearer)s to %(asked)s", duty_bearer=duty_bearer, asked=lower_first(asked)
    )
    return shorten(_sentence(sentence), MAX_ASK_TEXT_CHARS)


def suggest_asks(
    analysis: GapAnalysis, actions: Mapping[str, Action], country: str, today: date
) -> tuple[Ask, ...]:
    """Draft asks from the top gaps, highest priority first (at most :data:`MAX_SUGGESTIONS`,
    one per recommendation), each about its one criterion, addressed and timed by the gap's
    action where the action plan has one."""
    suggestions = []
    for gap in analysis.top_gaps[:MAX_SUGGESTIONS]:
        action = actions.get(gap.criterion.id)
        duty_bearer = duty_bearer_for(action, country)
        suggestions.append(
            Ask(
                title=ask_title_of(gap.criterion),
                text=ask_text_of(gap.criterion, duty_bearer),
                criteria=(gap.criterion.id,),
                duty_bearer=duty_bearer,
                by_when=by_when_for(action, today),
            )
        )
    return tuple(suggestions)
