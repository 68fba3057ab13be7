"""Rate-limit counts in the database: shared by every process, windows that expire."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from limits import parse
from limits.strategies import FixedWindowRateLimiter

from assessor import db
from assessor.rate_counts import DatabaseCounts, rate_limit_counts, storage_for


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


def test_counts_are_shared_between_storages_on_one_database(engine: sa.Engine) -> None:
    # Two storages stand for two web workers (or two app servers) on one database.
    limit = parse("3 per minute")
    first = FixedWindowRateLimiter(DatabaseCounts(engine))
    second = FixedWindowRateLimiter(DatabaseCounts(engine))
    assert first.hit(limit, "ns", "198.51.100.7")
    assert second.hit(limit, "ns", "198.51.100.7")
    assert first.hit(limit, "ns", "198.51.100.7")
    assert not second.hit(limit, "ns", "198.51.100.7")
    assert not first.test(limit, "ns", "198.51.100.7")
    # Another client is counted apart.
    assert second.test(limit, "ns", "203.0.113.9")
    stats = second.get_window_stats(limit, "ns", "198.51.100.7")
    assert stats.remaining == 0
    assert time.time() < stats.reset_time <= time.time() + 61


def test_an_expired_window_starts_again_from_zero(engine: sa.Engine) -> None:
    storage = DatabaseCounts(engine)
    assert storage.incr("key", expiry=60) == 1
    assert storage.incr("key", expiry=60, amount=2) == 3
    with engine.begin() as connection:
        connection.execute(sa.update(rate_limit_counts).values(expires_at=time.time() - 1))
    assert storage.get("key") == 0
    assert storage.incr("key", expiry=60) == 1
    assert storage.get("key") == 1
    assert storage.get_expiry("key") > time.time() + 50


def test_clear_reset_and_check(engine: sa.Engine) -> None:
    storage = DatabaseCounts(engine)
    storage.incr("a", expiry=60)
    storage.incr("b", expiry=60)
    storage.clear("a")
    assert storage.get("a") == 0
    assert storage.get("b") == 1
    assert storage.reset() == 1
    assert storage.check()


def test_storage_for_prefers_an_explicit_uri_then_redis_then_the_database(
    engine: sa.Engine,
) -> None:
    assert isinstance(storage_for(None, None, engine), DatabaseCounts)
    assert type(storage_for("memory://", "redis://127.0.0.1:6379", engine)).__name__ == (
        "MemoryStorage"
    )
    assert type(storage_for(None, "redis://127.0.0.1:6379", engine)).__name__ == "RedisStorage"
