"""The history of an assessment: who changed what, when, from what to what (issue 16).

Every change to an answer (its level or evidence), an action (any of its fields), the key asks
or the assessment's details is one :class:`Change`. This module works out the changes between
two states (only real ones: saving an unchanged value makes none), and reads and writes them as
the ``"history"`` list of an answers file. Pure: no Flask, no database
(:mod:`assessor.history_store` keeps them, append-only).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assessor.text import quoted
from assessor.translation import N_
from assessor.translation import gettext as _

#: The kinds of change, and the fields each may name.
LEVEL = "level"
EVIDENCE = "evidence"
ACTION = "action"
ASK = "ask"
DETAIL = "detail"
ACTION_FIELDS = ("action", "owner", "due", "target_level", "status", "budget")
DETAIL_FIELDS = ("title", "organisation", "country", "respondent", "report_language")
KINDS = (LEVEL, EVIDENCE, ACTION, ASK, DETAIL)
#: Kinds that are about one criterion (the others are about the whole assessment).
CRITERION_KINDS = frozenset({LEVEL, EVIDENCE, ACTION})

MAX_ACTOR_CHARS = 120  # a link's name (assessor.models.MAX_LINK_NAME_CHARS)
MAX_VALUE_CHARS = 20_000
MAX_FIELD_CHARS = 40
MAX_ID_CHARS = 80
#: The most entries an answers file's history may hold.
MAX_HISTORY_ENTRIES = 20_000
#: Who made changes that no link made (the command line, the service itself).
SYSTEM_ACTOR = N_("Assessor (no link)")

HISTORY_FIELDS = ("at", "who", "kind", "criterion", "field", "old", "new")
_FIELD_NAME = re.compile(r"[a-z_]{1,20}|ask [1-9][0-9]{0,2}")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class Change:
    """One recorded change: when, by whom (a link's name), what (``kind``, the criterion if
    it is about one, the ``field``), and the value before and after (``None``: there was none).
    """

    at: datetime
    who: str
    kind: str
    criterion_id: str | None
    field: str
    old: str | None
    new: str | None

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form of this change (``at`` as ISO 8601 with its UTC offset)."""
        return {
            "at": self.at.isoformat(),
            "who": self.who,
            "kind": self.kind,
            "criterion": self.criterion_id,
            "field": self.field,
            "old": self.old,
            "new": self.new,
        }


@dataclass(frozen=True)
class Diff:
    """A change not yet recorded: what changed, without who and when."""

    kind: str
    criterion_id: str | None
    field: str
    old: str | None
    new: str | None


def _text(value: Any) -> str | None:
    """A value as history keeps it: text, ``None`` for nothing (an empty string included)."""
    if value is None or value == "":
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _fields_diff(
    kind: str,
    criterion_id: str | None,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    fields: Sequence[str],
) -> list[Diff]:
    diffs = []
    for name in fields:
        old, new = _text(before.get(name)), _text(after.get(name))
        if old != new:
            diffs.append(Diff(kind, criterion_id, name, old, new))
    return diffs


def answer_diffs(
    criterion_id: str, before: tuple[str | None, str] | None, after: tuple[str | None, str] | None
) -> list[Diff]:
    """The changes from one answer to another, each given as ``(level, evidence)`` or ``None``
    (no answer)."""
    old_level, old_evidence = before or (None, "")
    new_level, new_evidence = after or (None, "")
    diffs = []
    if _text(old_level) != _text(new_level):
        diffs.append(Diff(LEVEL, criterion_id, LEVEL, _text(old_level), _text(new_level)))
    if _text(old_evidence) != _text(new_evidence):
        diffs.append(
            Diff(EVIDENCE, criterion_id, EVIDENCE, _text(old_evidence), _text(new_evidence))
        )
    return diffs


def action_diffs(
    criterion_id: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[Diff]:
    """The changes from one action to another, each given as its ``to_dict()`` or ``None``."""
    return _fields_diff(ACTION, criterion_id, before or {}, after or {}, ACTION_FIELDS)


def detail_diffs(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Diff]:
    """The changes to the assessment's details (title, organisation, country, respondent)."""
    return _fields_diff(DETAIL, None, before, after, DETAIL_FIELDS)


def language_diffs(before: str, after: str) -> list[Diff]:
    """The change of the language the assessment's reports are made in."""
    field = "report_language"
    return _fields_diff(DETAIL, None, {field: before}, {field: after}, (field,))


def ask_text(ask: Mapping[str, Any]) -> str:
    """One key ask (its ``to_dict()``) as one readable text, for the history."""
    parts = [f"{ask.get('title', '')}: {ask.get('text', '')}"]
    criteria = ask.get("criteria") or []
    if criteria:
        parts.append(f"Criteria: {', '.join(criteria)}.")
    if ask.get("duty_bearer"):
        parts.append(f"Duty-bearer: {ask['duty_bearer']}.")
    if ask.get("by_when"):
        parts.append(f"By when: {ask['by_when']}.")
    return " ".join(parts)


def asks_diffs(
    before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]
) -> list[Diff]:
    """The changes to the ordered list of key asks, one per position that changed."""
    diffs = []
    for index in range(max(len(before), len(after))):
        old = ask_text(before[index]) if index < len(before) else None
        new = ask_text(after[index]) if index < len(after) else None
        if old != new:
            diffs.append(Diff(ASK, None, f"ask {index + 1}", old, new))
    return diffs


# -- the "history" list of an answers file ----------------------------------------------------


def _type_name(value: Any) -> str:
    if isinstance(value, dict):
        return _("an object")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, str):
        return _("a string")
    if isinstance(value, int | float):
        return _("a number")
    return "null" if value is None else type(value).__name__


def _string_problem(value: Any, name: str, max_chars: int, nullable: bool) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        if nullable:
            return _(
                "%(name)s must be a string or null, not %(type)s", name=name, type=_type_name(value)
            )
        return _("%(name)s must be a string, not %(type)s", name=name, type=_type_name(value))
    if len(value) > max_chars:
        return _(
            "%(name)s is too long (%(count)s characters; the limit is %(limit)s)",
            name=name,
            count=len(value),
            limit=max_chars,
        )
    if not nullable and not value.strip():
        return _("%(name)s must not be empty", name=name)
    return None


def validate_change(number: int, data: Any) -> tuple[Change | None, list[str]]:
    """Check the ``number``-th entry (from 1) of a file's history; return it (if valid) and
    the problems."""
    where = _("history entry %(number)s", number=number)
    if not isinstance(data, dict):
        return None, [
            _("%(where)s must be an object, not %(type)s", where=where, type=_type_name(data))
        ]
    problems = [
        _("%(where)s: unknown field %(key)s", where=where, key=quoted(k))
        for k in sorted(set(data) - set(HISTORY_FIELDS))
    ]
    problems += [
        _("%(where)s: missing field %(key)s", where=where, key=quoted(k))
        for k in HISTORY_FIELDS
        if k not in data
    ]
    if problems:
        return None, problems
    at: datetime | None = None
    if not isinstance(data["at"], str):
        problems.append(
            _(
                "%(where)s: at must be a date and time string, not %(type)s",
                where=where,
                type=_type_name(data["at"]),
            )
        )
    else:
        try:
            at = datetime.fromisoformat(data["at"])
        except ValueError:
            problems.append(
                _(
                    "%(where)s: at is not a date and time (ISO 8601): %(value)s",
                    where=where,
                    value=quoted(data["at"]),
                )
            )
        else:
            if at.tzinfo is None:
                problems.append(
                    _("%(where)s: at must give its UTC offset (e.g. +00:00)", where=where)
                )
    for name, limit, nullable in (
        ("who", MAX_ACTOR_CHARS, False),
        ("old", MAX_VALUE_CHARS, True),
        ("new", MAX_VALUE_CHARS, True),
    ):
        problem = _string_problem(
            data[name], _("%(where)s: %(field)s", where=where, field=name), limit, nullable
        )
        if problem:
            problems.append(problem)
    kind, criterion, field = data["kind"], data["criterion"], data["field"]
    if kind not in KINDS:
        problems.append(
            _(
                "%(where)s: kind must be one of %(keys)s, not %(value)s",
                where=where,
                keys=", ".join(KINDS),
                value=quoted(kind),
            )
        )
    elif kind in CRITERION_KINDS:
        if (
            not isinstance(criterion, str)
            or not _ID.fullmatch(criterion)
            or len(criterion) > MAX_ID_CHARS
        ):
            problems.append(
                _(
                    "%(where)s: a change of kind %(kind)s must name its criterion id",
                    where=where,
                    kind=kind,
                )
            )
    elif criterion is not None:
        problems.append(
            _(
                "%(where)s: a change of kind %(kind)s is about no criterion (null)",
                where=where,
                kind=kind,
            )
        )
    allowed = {
        LEVEL: (LEVEL,),
        EVIDENCE: (EVIDENCE,),
        ACTION: ACTION_FIELDS,
        DETAIL: DETAIL_FIELDS,
    }.get(kind if isinstance(kind, str) else "")
    if not isinstance(field, str) or not _FIELD_NAME.fullmatch(field):
        problems.append(
            _(
                "%(where)s: field is not a field name: %(value)s",
                where=where,
                value=quoted(str(field)),
            )
        )
    elif allowed is not None and field not in allowed:
        problems.append(
            _(
                "%(where)s: field must be one of %(keys)s, not %(value)s",
                where=where,
                keys=", ".join(allowed),
                value=quoted(field),
            )
        )
    elif kind == ASK and not field.startswith("ask "):
        problems.append(_("%(where)s: field must be “ask N” for a change of kind ask", where=where))
    if problems or at is None:
        return None, problems
    return Change(at, data["who"].strip(), kind, criterion, field, data["old"], data["new"]), []
