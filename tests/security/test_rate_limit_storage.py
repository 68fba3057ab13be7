"""The failed-lookup limit counts in a store every worker shares: the database by default,
Redis when ``REDIS_URL`` is set. Several workers do not multiply the limit, and a worker that
replaces another does not start again from zero."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from assessor import config, db, tokens
from assessor.rate_counts import rate_limit_counts
from tests.support.ci import unavailable

REDIS_URL = "redis://127.0.0.1:6379/15"


def _lookup(app: Flask, token: str, address: str = "198.51.100.23") -> int:
    response = app.test_client().get(f"/a/{token}/", environ_base={"REMOTE_ADDR": address})
    return response.status_code


def test_failed_lookups_are_counted_once_across_workers(make_app) -> None:
    # Two app instances on one database stand for two gunicorn workers (the default settings:
    # counted in the database).
    first, second = make_app(), make_app()
    assert first.config["RATELIMIT_STORAGE_URI"] is None and first.config["REDIS_URL"] is None
    limit = 30
    assert first.config["PRIVATE_LINK_FAILURE_LIMIT"] == f"{limit} per 10 minutes"
    wrong = tokens.new_token()
    for n in range(limit):  # spread over both
        assert _lookup((first, second)[n % 2], wrong) == 404, n
    assert _lookup(first, wrong) == 429
    assert _lookup(second, tokens.new_token()) == 429
    # A worker started afterwards (gunicorn replaced one) still sees the count.
    replaced = make_app()
    assert _lookup(replaced, wrong) == 429
    assert _lookup(replaced, wrong, address="203.0.113.5") == 404  # another client
    with db.get_engine(replaced).connect() as connection:
        keys = connection.execute(sa.select(rate_limit_counts.c.key)).scalars().all()
    assert any("198.51.100.23" in key for key in keys)


def test_redis_url_is_read_from_the_environment() -> None:
    settings = config.resolve(environ={"REDIS_URL": REDIS_URL})
    assert settings["REDIS_URL"] == REDIS_URL
    assert settings["RATELIMIT_STORAGE_URI"] is None


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    """A client on the test Redis database (skipped, or failed in CI, if Redis is not up)."""
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        unavailable(f"Redis at {REDIS_URL} is not answering: {exc}", " (CI must test Redis)")
    yield client
    client.close()


def test_with_redis_url_the_counts_are_kept_in_redis(make_app, redis_client) -> None:
    address = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    marker = f"*{address}*"
    try:
        first = make_app(REDIS_URL=REDIS_URL, PRIVATE_LINK_FAILURE_LIMIT="3 per 10 minutes")
        second = make_app(REDIS_URL=REDIS_URL, PRIVATE_LINK_FAILURE_LIMIT="3 per 10 minutes")
        wrong = tokens.new_token()
        assert [_lookup(app, wrong, address) for app in (first, second, first)] == [404] * 3
        assert _lookup(second, wrong, address) == 429
        keys = list(redis_client.scan_iter(match=marker))
        assert keys, "nothing was counted in Redis"
        assert any(int(redis_client.get(key)) >= 3 for key in keys)
        with db.get_engine(first).connect() as connection:
            rows = connection.execute(sa.select(rate_limit_counts.c.key)).scalars().all()
        assert rows == []  # not in the database
    finally:
        for key in redis_client.scan_iter(match=marker):
            redis_client.delete(key)
