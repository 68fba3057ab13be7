"""Answers to a checklist, and the JSON answers file that carries them.

The answers file is the exchange format between the app (export / import) and the command line
(``assessor score`` / ``assessor report``)::

    {"checklist": "<checklist id>", "checklist_version": "<version>",
     "assessment": {"title": "...", "organisation": "...", "country": "...",
                    "respondent": "government" | "ngo" | "other"},
     "answers": {"<criterion id>": {"level": "<level key>" | null, "evidence": "..."}},
     "actions": {"<criterion id>": {"action": "...", "owner": "...", "due": "2027-06-30" | null,
                                    "target_level": "<scored level key>" | null,
                                    "status": "not_started" | "in_progress" | "done",
                                    "budget": "..."}},
     "asks": [{"title": "...", "text": "...", "criteria": ["<criterion id>", ...],
               "duty_bearer": "...", "by_when": "..."}],
     "history": [{"at": "2026-12-01T13:45:00+00:00", "who": "<link name>",
                  "kind": "level" | "evidence" | "action" | "ask" | "detail",
                  "criterion": "<criterion id>" | null, "field": "...",
                  "old": "..." | null, "new": "..." | null}]}

A criterion missing from ``answers`` is unanswered. ``actions`` (the action plan: what will be
done about a gap, by whom, by when) and ``asks`` (the key asks of an advocacy brief, in order:
:mod:`assessor.asks`) are optional and written only when there are some, so every file written
before they existed stays valid and round-trips unchanged (and so does its report's cache key).
``history`` (who changed what, when: :mod:`assessor.history`) is optional too, oldest first; it
is written only when an export asks for it, and an import keeps it as it is.

A file is checked, not repaired: every problem is listed, including keys given twice in one
object and text that breaks the one rule for user text (:mod:`assessor.text`: characters no one
types, too many lines, runs without a space). Evidence and an action's text are kept exactly as
written; titles, names, owners and budgets are trimmed as a form trims them. This module is
pure: no Flask, no database.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any, TypeVar

from assessor.asks import (
    ASK_FIELDS,
    MAX_ASK_TEXT_CHARS,
    MAX_ASK_TITLE_CHARS,
    MAX_ASKS,
    MAX_BY_WHEN_CHARS,
    MAX_DUTY_BEARER_CHARS,
    Ask,
    criteria_problems,
)
from assessor.checklist import Checklist
from assessor.countries import OSCE_PARTICIPATING_STATES
from assessor.history import MAX_HISTORY_ENTRIES, Change, validate_change
from assessor.levels import LEVEL_KEYS, LEVELS
from assessor.text import clean_line, is_blank, limit_problems, listed, never_typed, quoted
from assessor.translation import DAY_MONTH_YEAR, N_, current_translator
from assessor.translation import gettext as _

MAX_ANSWERS_FILE_BYTES = 2 * 1024 * 1024
MAX_EVIDENCE_CHARS = 5000
MAX_TITLE_CHARS = 200
MAX_ORGANISATION_CHARS = 200
#: The longest name of who signed an assessment off (a link's name is at most 120).
MAX_SIGNED_OFF_BY_CHARS = 120

RESPONDENTS: tuple[tuple[str, str], ...] = (
    ("government", N_("Government body")),
    ("ngo", N_("NGO / civil society")),
    ("other", N_("Other")),
)
RESPONDENT_KEYS: tuple[str, ...] = tuple(key for key, _ in RESPONDENTS)
MAX_VERSION_CHARS = 40


@dataclass(frozen=True)
class Answer:
    """The answer to one criterion: a level key (or ``None`` if not chosen yet) and evidence."""

    level: str | None = None
    evidence: str = ""

    @property
    def is_answered(self) -> bool:
        """Whether a level has been chosen."""
        return self.level is not None


def fingerprint(answer: Answer | None) -> str:
    """A short digest of an answer, to tell whether it changed since a page was opened."""
    if answer is None:
        answer = Answer()
    text = json.dumps([answer.level, answer.evidence], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


#: An action's progress: key and label, in the order a plan goes through them.
ACTION_STATUSES: tuple[tuple[str, str], ...] = (
    ("not_started", N_("Not started")),
    ("in_progress", N_("In progress")),
    ("done", N_("Done")),
)
ACTION_STATUS_KEYS: tuple[str, ...] = tuple(key for key, _ in ACTION_STATUSES)
MAX_ACTION_CHARS = 2000
MAX_OWNER_CHARS = 200
MAX_BUDGET_CHARS = 200


@dataclass(frozen=True)
class Action:
    """What will be done about one gap (a criterion below the top level), by whom, by when.

    ``due`` is a date or ``None``; ``target_level`` a level key above the criterion's current
    level (or ``None`` if not set); ``status`` one of :data:`ACTION_STATUS_KEYS`.
    """

    action: str = ""
    owner: str = ""
    due: date | None = None
    target_level: str | None = None
    status: str = "not_started"
    budget: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form of this action (``due`` as ISO ``YYYY-MM-DD``)."""
        return {
            "action": self.action,
            "owner": self.owner,
            "due": self.due.isoformat() if self.due else None,
            "target_level": self.target_level,
            "status": self.status,
            "budget": self.budget,
        }


#: The levels an action may aim for: those that carry points (not "Don't know" or "Not
#: applicable"), lowest first.
TARGET_LEVEL_KEYS: tuple[str, ...] = tuple(
    level.key for level in LEVELS if level.points is not None
)

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_due(value: str) -> date | None:
    """The date an ISO ``YYYY-MM-DD`` text names, or ``None`` if it is not one (or no real
    date, such as 2027-02-30). Other ISO forms (``20270630``, week dates) are refused."""
    if not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def action_fingerprint(action: Action | None) -> str:
    """A short digest of an action, to tell whether it changed since a page was opened."""
    data = action.to_dict() if action is not None else None
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class AssessmentInfo:
    """Who assesses what: the assessment's descriptive fields."""

    title: str
    organisation: str
    country: str
    respondent: str


@dataclass(frozen=True)
class SignOff:
    """A signed-off version of an assessment: its number, the day it was signed off and who
    signed it off (the name the owner gave)."""

    version: int
    on: date
    by: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form."""
        return {"version": self.version, "on": self.on.isoformat(), "by": self.by}

    def line(self) -> str:
        """How reports and pages say it, in the language of the document being made (else of
        the page): "Final (version 2), signed off on 1 December 2026 by …"."""
        t = current_translator()
        return t.gettext(
            "Final (version %(number)s), signed off on %(date)s by %(name)s",
            number=self.version,
            date=t.format_date(self.on, DAY_MONTH_YEAR),
            name=self.by,
        )


def validate_sign_off(raw: Any) -> tuple[SignOff | None, list[str]]:
    """A sign-off as found in an answers file (``None`` if absent), and what is wrong with it."""
    if raw is None:
        return None, []
    problems = [_("'signed_off' must be an object, not %(type)s", type=_type_name(raw))]
    if not isinstance(raw, dict):
        return None, problems
    version, on, by = raw.get("version"), raw.get("on"), raw.get("by")
    day = parse_due(on) if isinstance(on, str) else None
    by_problems = _text_problems(by, "'signed_off.by'", MAX_SIGNED_OFF_BY_CHARS, True)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        return None, [_("'signed_off.version' must be a whole number from 1")]
    if day is None:
        return None, [_("'signed_off.on' must be a date written YYYY-MM-DD")]
    if by_problems or not isinstance(by, str):
        return None, by_problems
    return SignOff(version=version, on=day, by=by), []


@dataclass(frozen=True)
class AnswersFile:
    """An assessment's answers, as exported and imported."""

    checklist_id: str
    checklist_version: str
    assessment: AssessmentInfo
    answers: Mapping[str, Answer] = field(default_factory=lambda: MappingProxyType({}))
    #: The action plan: an action per criterion id (optional; files before it have none).
    actions: Mapping[str, Action] = field(default_factory=lambda: MappingProxyType({}))
    #: The key asks of an advocacy brief, in order (optional; files before them have none).
    asks: tuple[Ask, ...] = ()
    #: The signed-off version this file is (optional; a working copy has none). Shown on the
    #: reports' covers; an import does not sign off the new assessment.
    signed_off: SignOff | None = None
    #: Who changed what, oldest first (optional: only exports that ask for it carry it).
    history: tuple[Change, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form of this file."""
        return {
            "checklist": self.checklist_id,
            "checklist_version": self.checklist_version,
            "assessment": {
                "title": self.assessment.title,
                "organisation": self.assessment.organisation,
                "country": self.assessment.country,
                "respondent": self.assessment.respondent,
            },
            "answers": {
                crit_id: {"level": answer.level, "evidence": answer.evidence}
                for crit_id, answer in self.answers.items()
            },
            # Only when there are some: files without a plan stay as they always were.
            **(
                {"actions": {crit_id: a.to_dict() for crit_id, a in self.actions.items()}}
                if self.actions
                else {}
            ),
            **({"asks": [ask.to_dict() for ask in self.asks]} if self.asks else {}),
            **({"signed_off": self.signed_off.to_dict()} if self.signed_off else {}),
            **({"history": [c.to_dict() for c in self.history]} if self.history else {}),
        }

    def to_json(self) -> str:
        """The answers file as JSON text (stable key order, UTF-8 kept readable)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"


#: The keys an answers file may have at the top.
TOP_LEVEL_FIELDS = (
    "checklist",
    "checklist_version",
    "assessment",
    "answers",
    "actions",
    "asks",
    "signed_off",
    "history",
)


class AnswersError(Exception):
    """An answers file is invalid; ``problems`` names everything wrong with it."""

    def __init__(self, problems: list[str]) -> None:
        # The first problems, each cut short: a broken file can hold thousands, megabytes long.
        self.problems = tuple(listed(problems))
        #: How many problems were found in all (``problems`` may list only the first).
        self.count = len(problems)
        super().__init__("; ".join(self.problems))


def _not_an_object(where: str, value: Any) -> str:
    return _("%(where)s must be an object, not %(type)s", where=where, type=_type_name(value))


def _unknown_field(where: str, key: str) -> str:
    return _("%(where)s: unknown field %(key)s", where=where, key=quoted(key))


def _field(where: str, key: str) -> str:
    """A field of an item as problems name it ("answer to 'x': evidence"; the key as in the
    file)."""
    return _("%(where)s: %(field)s", where=where, field=key)


def _invalid(where: str, what: str, value: Any, keys: Sequence[str]) -> str:
    """An invalid key (``what`` marked with ``N_``: "level", "status") and the keys allowed."""
    return _(
        "%(where)s: invalid %(what)s %(value)s; expected one of %(keys)s",
        where=where,
        what=_(what),
        value=quoted(value),
        keys=", ".join(keys),
    )


def _text_problems(
    value: Any, name: str, max_chars: int, required: bool, multiline: bool = False
) -> list[str]:
    """What is wrong with one text field, by the one rule for user text (:mod:`assessor.text`).

    A file is refused rather than cleaned: every character no one types is named.
    """
    if not isinstance(value, str):
        return [_("%(name)s must be a string, not %(type)s", name=name, type=_type_name(value))]
    if required and is_blank(value):
        return [_("%(name)s must not be empty", name=name)]
    if len(value) > max_chars:
        return [
            _(
                "%(name)s is too long (%(count)s characters; the limit is %(limit)s)",
                name=name,
                count=len(value),
                limit=max_chars,
            )
        ]
    problems = [
        _("%(name)s %(problem)s", name=name, problem=problem)
        for problem in limit_problems(value, multiline=multiline)
    ]
    found = never_typed(value)
    if found:
        characters = ", ".join(found[:5])
        problems.append(
            _(
                "%(name)s contains characters no one types (control, bidi override or broken "
                "Unicode): %(characters)s",
                name=name,
                characters=characters,
            )
            if len(found) <= 5
            else _(
                "%(name)s contains characters no one types (control, bidi override or broken "
                "Unicode): %(characters)s and more",
                name=name,
                characters=characters,
            )
        )
    return problems


_TYPE_NAMES: Mapping[type, str] = MappingProxyType(
    {
        dict: N_("an object"),
        list: N_("a list"),
        str: N_("a string"),
        int: N_("a number"),
        float: N_("a number"),
        bool: N_("true/false"),
        type(None): "null",
    }
)


def _type_name(value: Any) -> str:
    if isinstance(value, dict):  # the parser's objects remember their duplicate keys
        return _(_TYPE_NAMES[dict])
    name = _TYPE_NAMES.get(type(value))
    return type(value).__name__ if name is None else _(name) if name != "null" else name


def validate_assessment_info(data: Any) -> tuple[AssessmentInfo | None, list[str]]:
    """Check an ``assessment`` object; return the info (if valid) and the problems found."""
    if not isinstance(data, dict):
        return None, [_("'assessment' must be an object, not %(type)s", type=_type_name(data))]
    problems: list[str] = []
    for key in sorted(set(data) - {"title", "organisation", "country", "respondent"}):
        problems.append(_("assessment: unknown field %(key)s", key=quoted(key)))
    problems += _text_problems(data.get("title"), _("assessment title"), MAX_TITLE_CHARS, True)
    problems += _text_problems(
        data.get("organisation"), _("assessment organisation"), MAX_ORGANISATION_CHARS, True
    )
    country = data.get("country")
    if country not in OSCE_PARTICIPATING_STATES:
        problems.append(
            _(
                "assessment country %(country)s is not an OSCE participating State",
                country=quoted(country),
            )
        )
    respondent = data.get("respondent")
    if respondent not in RESPONDENT_KEYS:
        problems.append(
            _(
                "assessment respondent %(respondent)s is not one of %(keys)s",
                respondent=quoted(respondent),
                keys=", ".join(RESPONDENT_KEYS),
            )
        )
    if problems:
        return None, problems
    return (
        AssessmentInfo(
            title=clean_line(data["title"]),
            organisation=clean_line(data["organisation"]),
            country=str(country),
            respondent=str(respondent),
        ),
        [],
    )


def validate_answer(crit_id: str, data: Any) -> tuple[Answer | None, list[str]]:
    """Check one criterion's answer object; return the answer (if valid) and the problems."""
    where = _("answer to %(id)s", id=quoted(crit_id))
    if not isinstance(data, dict):
        return None, [_not_an_object(where, data)]
    problems = [_unknown_field(where, k) for k in sorted(set(data) - {"level", "evidence"})]
    level = data.get("level")
    if level is not None and level not in LEVEL_KEYS:
        problems.append(_invalid(where, N_("level"), level, LEVEL_KEYS))
    evidence = data.get("evidence", "")
    problems += _text_problems(
        evidence, _field(where, "evidence"), MAX_EVIDENCE_CHARS, required=False, multiline=True
    )
    if problems:
        return None, problems
    return Answer(level=level, evidence=evidence), []


ACTION_FIELDS = ("action", "owner", "due", "target_level", "status", "budget")


def validate_action(crit_id: str, data: Any) -> tuple[Action | None, list[str]]:
    """Check one criterion's action object; return the action (if valid) and the problems.

    ``action`` (what will be done) is required; the other fields may be left out. The target
    is checked against the scale only: whether it is above the criterion's current level
    depends on answers that may change after the action was planned.
    """
    where = _("action for %(id)s", id=quoted(crit_id))
    if not isinstance(data, dict):
        return None, [_not_an_object(where, data)]
    problems = [_unknown_field(where, k) for k in sorted(set(data) - set(ACTION_FIELDS))]
    text = data.get("action")
    problems += _text_problems(
        text, _field(where, "action"), MAX_ACTION_CHARS, required=True, multiline=True
    )
    owner = data.get("owner", "")
    problems += _text_problems(owner, _field(where, "owner"), MAX_OWNER_CHARS, required=False)
    budget = data.get("budget", "")
    problems += _text_problems(budget, _field(where, "budget"), MAX_BUDGET_CHARS, required=False)
    raw_due = data.get("due")
    due: date | None = None
    if raw_due is not None:
        due = parse_due(raw_due) if isinstance(raw_due, str) else None
        if due is None:
            problems.append(
                _(
                    "%(where)s: due date %(due)s is not a real date written YYYY-MM-DD "
                    "(for example 2027-06-30)",
                    where=where,
                    due=quoted(raw_due),
                )
            )
    target = data.get("target_level")
    if target is not None and target not in TARGET_LEVEL_KEYS:
        problems.append(_invalid(where, N_("target level"), target, TARGET_LEVEL_KEYS))
    status = data.get("status", "not_started")
    if status not in ACTION_STATUS_KEYS:
        problems.append(_invalid(where, N_("status"), status, ACTION_STATUS_KEYS))
    if problems:
        return None, problems
    return (
        Action(
            action=str(text),
            owner=clean_line(owner),
            due=due,
            target_level=target,
            status=status,
            budget=clean_line(budget),
        ),
        [],
    )


def validate_ask(
    number: int, data: Any, checklist: Checklist | None
) -> tuple[Ask | None, list[str]]:
    """Check the ``number``-th ask (from 1); return the ask (if valid) and the problems.

    ``title``, ``text`` and ``criteria`` are required; ``duty_bearer`` and ``by_when`` may be
    left out. Criterion ids are checked against ``checklist`` (unless it is unknown).
    """
    where = _("ask %(number)s", number=number)
    if not isinstance(data, dict):
        return None, [_not_an_object(where, data)]
    problems = [_unknown_field(where, k) for k in sorted(set(data) - set(ASK_FIELDS))]
    title = data.get("title")
    problems += _text_problems(title, _field(where, "title"), MAX_ASK_TITLE_CHARS, required=True)
    text = data.get("text")
    problems += _text_problems(
        text, _field(where, "text"), MAX_ASK_TEXT_CHARS, required=True, multiline=True
    )
    duty_bearer = data.get("duty_bearer", "")
    problems += _text_problems(
        duty_bearer, _field(where, "duty_bearer"), MAX_DUTY_BEARER_CHARS, required=False
    )
    by_when = data.get("by_when", "")
    problems += _text_problems(by_when, _field(where, "by_when"), MAX_BY_WHEN_CHARS, required=False)
    criteria = data.get("criteria")
    ids: list[str] = []
    if not isinstance(criteria, list):
        problems.append(
            _(
                "%(where)s: criteria must be a list of criterion ids, not %(type)s",
                where=where,
                type=_type_name(criteria),
            )
        )
    else:
        for i, crit_id in enumerate(criteria):
            if isinstance(crit_id, str):
                ids.append(crit_id)
            else:
                problems.append(
                    _(
                        "%(where)s: criteria [%(index)s] must be a criterion id string, not "
                        "%(type)s",
                        where=where,
                        index=i,
                        type=_type_name(crit_id),
                    )
                )
        known = checklist.has_criterion if checklist is not None else lambda _id: True
        problems += [
            _("%(name)s %(problem)s", name=where, problem=problem)
            for problem in criteria_problems(ids, known)
        ]
    if problems:
        return None, problems
    return (
        Ask(
            title=clean_line(str(title)),
            text=str(text),
            criteria=tuple(ids),
            duty_bearer=clean_line(duty_bearer),
            by_when=clean_line(by_when),
        ),
        [],
    )


_Key = TypeVar("_Key")
_Item = TypeVar("_Item")


def _container(data: Mapping[str, Any], key: str, kind: type, problems: list[str]) -> Any:
    """The value of a top-level field holding many items (an object or a list), empty if it is
    left out; empty too, with a problem, if it holds something else."""
    value = data.get(key, kind())
    if isinstance(value, kind):
        return value
    problems.append(
        _(
            "%(key)s must be %(expected)s, not %(type)s",
            key=quoted(key),
            expected=_type_name(kind()),
            type=_type_name(value),
        )
    )
    return kind()


def _valid_items(
    items: Iterable[tuple[_Key, Any]],
    validate: Callable[[_Key, Any], tuple[_Item | None, list[str]]],
    problems: list[str],
) -> list[tuple[_Key, _Item]]:
    """The items ``validate`` accepts, each with its key; the problems of every item added to
    ``problems``, so one bad item does not hide the next."""
    valid = []
    for key, raw in items:
        item, item_problems = validate(key, raw)
        problems += item_problems
        if item is not None:
            valid.append((key, item))
    return valid


def _on_known_criteria(
    checklist: Checklist | None,
    what: str,
    validate: Callable[[str, Any], tuple[_Item | None, list[str]]],
) -> Callable[[str, Any], tuple[_Item | None, list[str]]]:
    """``validate`` for items keyed by criterion id, refusing ids the checklist does not have
    (``what`` names the item in that message: "" or "action for ")."""

    def check(crit_id: str, raw: Any) -> tuple[_Item | None, list[str]]:
        if checklist is not None and not checklist.has_criterion(crit_id):
            message = (
                N_("action for unknown criterion id %(id)s for checklist %(checklist)s")
                if what
                else N_("unknown criterion id %(id)s for checklist %(checklist)s")
            )
            return None, [_(message, id=quoted(crit_id), checklist=quoted(checklist.id))]
        return validate(crit_id, raw)

    return check


class _JSONObject(dict[str, Any]):
    """A JSON object that remembers which keys it was given more than once (JSON allows it;
    ``json.loads`` keeps the last silently, so a file could say two things at once)."""

    duplicates: tuple[str, ...] = ()

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, Any]]) -> _JSONObject:
        """The object for ``json.loads(object_pairs_hook=...)``."""
        obj = cls(pairs)
        if len(obj) != len(pairs):
            counts = Counter(key for key, _ in pairs)
            obj.duplicates = tuple(key for key, count in counts.items() if count > 1)
        return obj


def _duplicate_key_problems(data: Any) -> list[str]:
    """A problem for every key given twice in one object, anywhere in the file, in file order."""
    problems = []
    stack: list[tuple[Any, tuple[str, ...]]] = [(data, ())]
    while stack:  # not recursive: the parser allows deeper nesting than a recursive walk
        node, path = stack.pop()
        if isinstance(node, dict):
            duplicates = getattr(node, "duplicates", ())
            problems += [
                _(
                    "the key %(key)s appears more than once in %(where)s",
                    key=quoted(k),
                    where=" → ".join(path),
                )
                if path
                else _("the key %(key)s appears more than once", key=quoted(k))
                for k in duplicates
            ]
            stack += [(value, (*path, quoted(key))) for key, value in reversed(node.items())]
        elif isinstance(node, list):
            stack += [(value, (*path, f"[{i}]")) for i, value in reversed(list(enumerate(node)))]
    return problems


def parse_answers_file(
    raw: str | bytes, find_checklist: Callable[[str], Checklist | None]
) -> tuple[AnswersFile, Checklist]:
    """Parse and validate an answers file against the checklist it names.

    ``find_checklist`` returns the checklist with a given id, or ``None`` if unknown. Raises
    :class:`AnswersError` naming every problem; returns the file and its checklist.
    """
    size = len(raw.encode("utf-8") if isinstance(raw, str) else raw)
    if size > MAX_ANSWERS_FILE_BYTES:
        raise AnswersError(
            [
                _(
                    "the file is too large (%(size)s bytes; the limit is %(limit)s)",
                    size=size,
                    limit=MAX_ANSWERS_FILE_BYTES,
                )
            ]
        )
    if size == 0:
        raise AnswersError([_("the file is empty")])
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise AnswersError([_("the file is not UTF-8 text")]) from None
    try:
        data = json.loads(raw, object_pairs_hook=_JSONObject.from_pairs)
    except json.JSONDecodeError as exc:
        raise AnswersError(
            [
                _(
                    "not valid JSON: %(why)s at line %(line)s, column %(column)s",
                    why=exc.msg,
                    line=exc.lineno,
                    column=exc.colno,
                )
            ]
        ) from None
    except RecursionError:
        raise AnswersError([_("not valid JSON: nested too deeply")]) from None
    except ValueError:  # e.g. a number with thousands of digits
        raise AnswersError([_("not valid JSON: a value is too large")]) from None
    if not isinstance(data, dict):
        raise AnswersError(
            [_("the file must hold a JSON object, not %(type)s", type=_type_name(data))]
        )

    problems = _duplicate_key_problems(data)
    problems += [
        _("unknown top-level field %(key)s", key=quoted(k))
        for k in sorted(set(data) - set(TOP_LEVEL_FIELDS))
    ]
    checklist_id = data.get("checklist")
    checklist: Checklist | None = None
    if not isinstance(checklist_id, str):
        problems.append(
            _(
                "'checklist' must be a checklist id string, not %(type)s",
                type=_type_name(checklist_id),
            )
        )
    else:
        checklist = find_checklist(checklist_id)
        if checklist is None:
            problems.append(_("unknown checklist %(id)s", id=quoted(checklist_id)))
    version = data.get("checklist_version")
    problems += _text_problems(version, "'checklist_version'", MAX_VERSION_CHARS, True)

    info, info_problems = validate_assessment_info(data.get("assessment"))
    problems += info_problems

    answers: dict[str, Answer] = dict(
        _valid_items(
            _container(data, "answers", dict, problems).items(),
            _on_known_criteria(checklist, "", validate_answer),
            problems,
        )
    )
    actions: dict[str, Action] = dict(
        _valid_items(
            _container(data, "actions", dict, problems).items(),
            _on_known_criteria(checklist, "action for ", validate_action),
            problems,
        )
    )
    raw_asks = _container(data, "asks", list, problems)
    if len(raw_asks) > MAX_ASKS:
        problems.append(
            _(
                "'asks' holds %(count)s asks; the limit is %(limit)s",
                count=len(raw_asks),
                limit=MAX_ASKS,
            )
        )
    asks = _valid_items(
        enumerate(raw_asks, start=1),
        lambda number, raw: validate_ask(number, raw, checklist),
        problems,
    )
    raw_history = _container(data, "history", list, problems)
    if len(raw_history) > MAX_HISTORY_ENTRIES:
        problems.append(
            _(
                "'history' holds %(count)s entries; the limit is %(limit)s",
                count=len(raw_history),
                limit=MAX_HISTORY_ENTRIES,
            )
        )
        raw_history = []
    history = _valid_items(enumerate(raw_history, start=1), validate_change, problems)

    signed_off, sign_off_problems = validate_sign_off(data.get("signed_off"))
    problems += sign_off_problems

    if problems or checklist is None or info is None or not isinstance(version, str):
        raise AnswersError(problems)
    ordered = {c.id: answers[c.id] for c in checklist.criteria if c.id in answers}
    planned = {c.id: actions[c.id] for c in checklist.criteria if c.id in actions}
    return (
        AnswersFile(
            checklist_id=checklist.id,
            checklist_version=version,
            assessment=info,
            answers=MappingProxyType(ordered),
            actions=MappingProxyType(planned),
            asks=tuple(ask for _, ask in asks),
            signed_off=signed_off,
            history=tuple(change for _, change in history),
        ),
        checklist,
    )


def without_unknown_criteria(
    raw: str | bytes, checklist: Checklist
) -> tuple[str | bytes, tuple[str, ...]]:
    """An answers file made with another version of ``checklist``, made readable against it:
    its answers and actions to criteria this version does not have are left out.

    Returns the file to parse and the criterion ids left out. A file of the same version, of
    another checklist, or one that cannot be read is returned as given, with nothing left out:
    :func:`parse_answers_file` then says what is wrong with it.
    """
    size = len(raw.encode("utf-8") if isinstance(raw, str) else raw)
    if size > MAX_ANSWERS_FILE_BYTES:
        return raw, ()
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        data = json.loads(text, object_pairs_hook=_JSONObject.from_pairs)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are both
        return raw, ()
    if (
        not isinstance(data, dict)
        or data.get("checklist") != checklist.id
        or data.get("checklist_version") == checklist.version
        or _duplicate_key_problems(data)
    ):
        return raw, ()
    dropped: dict[str, None] = {}
    for key in ("answers", "actions"):
        section = data.get(key)
        if isinstance(section, dict):
            for crit_id in [c for c in section if not checklist.has_criterion(c)]:
                del section[crit_id]
                dropped[crit_id] = None
    if not dropped:
        return raw, ()
    return json.dumps(data, ensure_ascii=False), tuple(dropped)
