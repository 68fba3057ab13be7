"""Keeping an assessment's history: recording changes and reading them back.

:func:`record` is called by the store's write paths (:mod:`assessor.store`) inside the write's
own transaction, so a change and its history entry are saved together or not at all. The table
is append-only: nothing here updates or deletes a row, and migration 0008's triggers refuse it
(rows go only with their whole assessment).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from assessor import db, models
from assessor.history import MAX_ACTOR_CHARS, SYSTEM_ACTOR, Change, Diff

#: Entries on one page of the history.
PAGE_SIZE = 50


def actor_name(actor: str | None) -> str:
    """The name recorded for whoever made a change (:data:`SYSTEM_ACTOR` when no link did)."""
    name = (actor or "").strip()
    return name[:MAX_ACTOR_CHARS] if name else SYSTEM_ACTOR


def record(session: Any, assessment_id: int, actor: str | None, diffs: Iterable[Diff]) -> int:
    """Add the changes to an assessment's history, all at the same moment, in the caller's
    transaction; return how many were recorded."""
    now = models.utcnow()
    who = actor_name(actor)
    rows = [
        {
            "assessment_id": assessment_id,
            "at": now,
            "actor": who,
            "kind": diff.kind,
            "criterion_id": diff.criterion_id,
            "field": diff.field,
            "old_value": diff.old,
            "new_value": diff.new,
        }
        for diff in diffs
    ]
    if rows:
        session.execute(sa.insert(models.HistoryEntry), rows)
    return len(rows)


def restore(session: Any, assessment_id: int, changes: Sequence[Change]) -> None:
    """Add changes read from an answers file to an assessment's history, as they were (who and
    when included), oldest first, in the caller's transaction."""
    if not changes:
        return
    session.execute(
        sa.insert(models.HistoryEntry),
        [
            {
                "assessment_id": assessment_id,
                "at": change.at,
                "actor": change.who,
                "kind": change.kind,
                "criterion_id": change.criterion_id,
                "field": change.field,
                "old_value": change.old,
                "new_value": change.new,
            }
            for change in sorted(changes, key=lambda c: c.at)
        ],
    )


def _change(row: models.HistoryEntry) -> Change:
    return Change(
        at=row.at,
        who=row.actor,
        kind=row.kind,
        criterion_id=row.criterion_id,
        field=row.field,
        old=row.old_value,
        new=row.new_value,
    )


def _where(assessment: models.Assessment, criterion_id: str | None) -> list[Any]:
    conditions: list[Any] = [models.HistoryEntry.assessment_id == assessment.id]
    if criterion_id is not None:
        conditions.append(models.HistoryEntry.criterion_id == criterion_id)
    return conditions


def count(assessment: models.Assessment, criterion_id: str | None = None) -> int:
    """How many changes are recorded for an assessment (or one of its criteria)."""
    stmt = sa.select(sa.func.count()).where(*_where(assessment, criterion_id))
    return db.session().scalar(stmt.select_from(models.HistoryEntry)) or 0


def newest(
    assessment: models.Assessment,
    criterion_id: str | None = None,
    *,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> list[Change]:
    """A page of an assessment's history (or one criterion's), newest first."""
    stmt = (
        sa.select(models.HistoryEntry)
        .where(*_where(assessment, criterion_id))
        .order_by(models.HistoryEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [_change(row) for row in db.session().scalars(stmt)]


def all_changes(assessment: models.Assessment) -> tuple[Change, ...]:
    """An assessment's whole history, oldest first (for its answers file)."""
    stmt = (
        sa.select(models.HistoryEntry)
        .where(models.HistoryEntry.assessment_id == assessment.id)
        .order_by(models.HistoryEntry.id)
    )
    return tuple(_change(row) for row in db.session().scalars(stmt))
