"""Rate-limit counts kept in the app's own database, so they outlive the web workers.

The ``limits`` library counts requests in a storage; its in-memory storage lives and dies with
each gunicorn worker (a replaced worker starts from zero, and N workers allow N times the
limit). :class:`DatabaseCounts` is a ``limits`` storage on the ``rate_limit_counts`` table of the
app's database (SQLite or PostgreSQL): every worker and every app server on the same database
shares one count. When ``REDIS_URL`` is set, the web app uses Redis instead (see
:func:`storage_for`), which is faster and shared the same way.

Only the fixed-window strategy is supported (it needs ``incr``, ``get`` and ``get_expiry``).
Expired rows are deleted now and then by :meth:`DatabaseCounts.incr`, so the table stays small.
"""

from __future__ import annotations

import random
import time

import sqlalchemy as sa
from limits.storage import Storage, storage_from_string
from sqlalchemy.engine import Engine

from assessor.models import RateLimitCount

#: The table of counts (created by migration 0003).
rate_limit_counts: sa.Table = RateLimitCount.__table__  # type: ignore[assignment]

PRUNE_ONE_IN = 100  # about one increment in this many deletes the expired rows


class DatabaseCounts(Storage):
    """A ``limits`` storage (fixed windows) on the ``rate_limit_counts`` table."""

    STORAGE_SCHEME = ["assessor+database"]

    def __init__(self, engine: Engine) -> None:
        super().__init__(uri=None, wrap_exceptions=False)
        self.engine = engine

    @property
    def base_exceptions(self) -> type[Exception]:
        """Errors of this storage: database errors."""
        return sa.exc.SQLAlchemyError

    def _insert(self) -> sa.Insert:
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        return insert(rate_limit_counts)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` to the count of ``key`` (a new window if the last one expired)."""
        now = time.time()
        table = rate_limit_counts
        insert = self._insert().values(key=key[:255], count=amount, expires_at=now + expiry)
        expired = table.c.expires_at <= now
        statement = insert.on_conflict_do_update(  # type: ignore[attr-defined]
            index_elements=[table.c.key],
            set_={
                "count": sa.case((expired, amount), else_=table.c.count + amount),
                "expires_at": sa.case((expired, now + expiry), else_=table.c.expires_at),
            },
        ).returning(table.c.count)
        with self.engine.begin() as connection:
            count = int(connection.execute(statement).scalar_one())
            if random.randrange(PRUNE_ONE_IN) == 0:
                connection.execute(sa.delete(table).where(table.c.expires_at <= now))
        return count

    def _row(self, key: str) -> tuple[int, float] | None:
        table = rate_limit_counts
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(table.c.count, table.c.expires_at).where(table.c.key == key[:255])
            ).first()
        if row is None or row[1] <= time.time():
            return None
        return int(row[0]), float(row[1])

    def get(self, key: str) -> int:
        """The count of ``key`` in its current window (0 if none)."""
        row = self._row(key)
        return 0 if row is None else row[0]

    def get_expiry(self, key: str) -> float:
        """When the current window of ``key`` ends (epoch seconds; now if there is none)."""
        row = self._row(key)
        return time.time() if row is None else row[1]

    def check(self) -> bool:
        """Whether the database answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.select(1))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every count; returns how many were forgotten."""
        with self.engine.begin() as connection:
            return int(connection.execute(sa.delete(rate_limit_counts)).rowcount)

    def clear(self, key: str) -> None:
        """Forget the count of ``key``."""
        with self.engine.begin() as connection:
            connection.execute(sa.delete(rate_limit_counts).where(rate_limit_counts.c.key == key))


def storage_for(storage_uri: str | None, redis_url: str | None, engine: Engine) -> Storage:
    """Where rate limits are counted: an explicit ``limits`` storage URI if given, else Redis
    when ``REDIS_URL`` is set, else the app's database."""
    uri = storage_uri or redis_url
    if uri:
        storage = storage_from_string(uri)
        if not isinstance(storage, Storage):
            raise ValueError(f"{uri!r} is an asynchronous storage")
        return storage
    return DatabaseCounts(engine)
