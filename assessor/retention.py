"""How long assessments are kept: deleting those nobody has touched for a set time.

Off by default: an assessment is kept until someone deletes the database. An operator who wants
untouched assessments gone (a public service where anyone may start one) sets
``ASSESSMENT_EXPIRY_DAYS`` and runs ``assessor expire`` from cron (or passes ``--days``).
"Untouched" means not saved since: ``updated_at``, which every save and import sets. Answers,
actions, key asks, kept comparisons, signed-off versions and links go with their assessment
(``ON DELETE CASCADE``, and deleted explicitly first). Reading an assessment does not count as
touching it, so a link that is only looked at still expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from assessor.models import Action, Answer, Ask, Assessment, Comparison, Link, Version

#: Deleted per transaction, so a large clean-up never holds the write lock for long.
BATCH = 500


@dataclass(frozen=True)
class Expiry:
    """What an expiry run found (and deleted, unless it was a dry run)."""

    cutoff: datetime
    assessments: int
    answers: int
    deleted: bool


def expire_untouched(
    engine: Engine, days: float, *, now: datetime | None = None, dry_run: bool = False
) -> Expiry:
    """Delete the assessments not saved for ``days`` days (with their answers and actions)."""
    if days <= 0:
        raise ValueError("the number of days must be more than 0")
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    stale = sa.select(Assessment.id).where(Assessment.updated_at < cutoff)
    with engine.connect() as connection:
        ids = list(connection.execute(stale).scalars())
        answers = (
            connection.execute(
                sa.select(sa.func.count()).select_from(Answer).where(Answer.assessment_id.in_(ids))
            ).scalar_one()
            if ids
            else 0
        )
    if not dry_run:
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            # Checked again inside the transaction: one saved meanwhile is kept.
            still_stale = sa.select(Assessment.id).where(
                Assessment.id.in_(batch), Assessment.updated_at < cutoff
            )
            with engine.begin() as connection:
                # Answers, actions and comparisons first: SQLite honours ON DELETE CASCADE
                # only with foreign keys on.
                connection.execute(sa.delete(Answer).where(Answer.assessment_id.in_(still_stale)))
                connection.execute(sa.delete(Action).where(Action.assessment_id.in_(still_stale)))
                connection.execute(sa.delete(Ask).where(Ask.assessment_id.in_(still_stale)))
                connection.execute(
                    sa.delete(Comparison).where(Comparison.assessment_id.in_(still_stale))
                )
                connection.execute(sa.delete(Version).where(Version.assessment_id.in_(still_stale)))
                connection.execute(sa.delete(Link).where(Link.assessment_id.in_(still_stale)))
                connection.execute(
                    sa.delete(Assessment).where(
                        Assessment.id.in_(batch), Assessment.updated_at < cutoff
                    )
                )
    return Expiry(cutoff=cutoff, assessments=len(ids), answers=int(answers), deleted=not dry_run)
