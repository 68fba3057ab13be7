"""Expiry of untouched assessments: only those not saved for the set time go, with answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from assessor import db
from assessor.models import Action, Answer, Ask, Assessment, Comparison
from assessor.retention import expire_untouched

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


def _add(engine: sa.Engine, title: str, updated: datetime, answers: int) -> None:
    with engine.begin() as connection:
        assessment_id = connection.execute(
            sa.insert(Assessment)
            .values(
                token_hash=title.ljust(43, "x"),
                checklist_id="c",
                checklist_version="1",
                title=title,
                organisation="",
                country="",
                respondent="government",
                created_at=updated,
                updated_at=updated,
                revision=1,
            )
            .returning(Assessment.id)
        ).scalar_one()
        connection.execute(
            sa.insert(Comparison).values(
                assessment_id=assessment_id, role="baseline", answers_file="{}", created_at=updated
            )
        )
        for number in range(answers):
            connection.execute(
                sa.insert(Answer).values(
                    assessment_id=assessment_id,
                    criterion_id=f"c{number}",
                    level="partial",
                    evidence="",
                    updated_at=updated,
                )
            )
            connection.execute(
                sa.insert(Action).values(
                    assessment_id=assessment_id,
                    criterion_id=f"c{number}",
                    action="Planned",
                    owner="",
                    status="not_started",
                    budget="",
                    updated_at=updated,
                )
            )
            connection.execute(
                sa.insert(Ask).values(
                    assessment_id=assessment_id,
                    position=number + 1,
                    title="Ask",
                    text="We ask the authorities to act.",
                    criteria=f'["c{number}"]',
                    updated_at=updated,
                )
            )


def _titles(engine: sa.Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(sa.select(Assessment.title)).scalars())


def test_only_assessments_untouched_for_the_period_are_deleted(engine: sa.Engine) -> None:
    _add(engine, "old", NOW - timedelta(days=400), answers=3)
    _add(engine, "recent", NOW - timedelta(days=10), answers=2)
    _add(engine, "edge", NOW - timedelta(days=365) + timedelta(minutes=1), answers=1)

    dry = expire_untouched(engine, 365, now=NOW, dry_run=True)
    assert (dry.assessments, dry.answers, dry.deleted) == (1, 3, False)
    assert _titles(engine) == {"old", "recent", "edge"}

    done = expire_untouched(engine, 365, now=NOW)
    assert (done.assessments, done.answers, done.deleted) == (1, 3, True)
    assert _titles(engine) == {"recent", "edge"}
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(Answer)).scalar() == 3
        # The actions went with their assessment (SQLite without foreign keys as well).
        assert connection.execute(sa.select(sa.func.count()).select_from(Action)).scalar() == 3
        assert connection.execute(sa.select(sa.func.count()).select_from(Ask)).scalar() == 3
        # And the comparisons they kept.
        assert connection.execute(sa.select(sa.func.count()).select_from(Comparison)).scalar() == 2


def test_a_period_of_zero_days_is_refused(engine: sa.Engine) -> None:
    with pytest.raises(ValueError, match="more than 0"):
        expire_untouched(engine, 0, now=NOW)
