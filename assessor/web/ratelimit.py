"""Limits per client address: guessing private links is slowed down, and so is filling the
database with new assessments.

Two limits, each counted per client address (``request.remote_addr``; behind a reverse proxy
set ``TRUSTED_PROXY_HOPS`` so this is the real client, and let nothing but the proxy reach the
app's port, or a forged ``X-Forwarded-For`` names any address it likes):

- failed private-link lookups: every request for a private link (a URL with a token) that finds
  no assessment counts. Past ``PRIVATE_LINK_FAILURE_LIMIT`` (default "30 per 10 minutes") every
  private-link request from that address gets a 429 page until the window has passed, whether
  its link is right or wrong, so the answer tells an attacker nothing;
- new assessments: every assessment started or imported counts (a refused form does not). Past
  ``CREATION_LIMIT`` (default "20 per hour") starting or importing gets a 429 page saying when
  to try again; assessments already made are not affected.

The counts are kept where every web worker and app server sees them, so replacing a worker
forgets nothing and N workers do not allow N times the limit (:func:`assessor.rate_counts.
storage_for`): ``RATELIMIT_STORAGE_URI`` if set (any ``limits`` storage URI), else Redis when
``REDIS_URL`` is set, else the app's own database. The storage is made in each process on first
use, after gunicorn has forked. A storage that fails is logged and lets requests through: the
service stays up.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from assessor import db, metrics
from assessor.rate_counts import storage_for

log = logging.getLogger(__name__)

_EXTENSION = "assessor.ratelimit"


class SharedCounts:
    """The counting strategy over the app's shared storage, made once per process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._pid: int | None = None
        self._strategy: FixedWindowRateLimiter | None = None
        self._lock = threading.Lock()

    def strategy(self) -> FixedWindowRateLimiter:
        """The fixed-window strategy on the storage of this process (made on first use)."""
        # Made in each process: a connection pool or in-memory store made before gunicorn
        # forks would be shared by (or copied into) every worker.
        with self._lock:
            if self._strategy is None or self._pid != os.getpid():
                storage = storage_for(
                    self.app.config.get("RATELIMIT_STORAGE_URI"),
                    self.app.config.get("REDIS_URL"),
                    db.get_engine(self.app),
                )
                self._strategy = FixedWindowRateLimiter(storage)
                self._pid = os.getpid()
            return self._strategy


class ClientLimit:
    """One limit (``"30 per 10 minutes"``) on events of one kind, counted per client."""

    def __init__(self, counts: SharedCounts, limit: str, namespace: str, what: str) -> None:
        self.counts = counts
        self.limit: RateLimitItem = parse(limit)
        self.namespace = namespace
        self.what = what  # for the log: "private-link lookups", "new assessments"

    def _seconds_left(self, client: str) -> int:
        strategy = self.counts.strategy()
        reset_at = strategy.get_window_stats(self.limit, self.namespace, client).reset_time
        return max(1, int(reset_at - time.time()) + 1)

    def retry_after(self, client: str) -> int | None:
        """Seconds until ``client`` may go on, or ``None`` if it is not blocked."""
        try:
            if self.counts.strategy().test(self.limit, self.namespace, client):
                return None
            return self._seconds_left(client)
        except Exception:  # a storage that is down must not take the service with it
            log.warning("rate-limit storage unavailable; %s not limited", self.what)
            return None

    def count(self, client: str) -> int | None:
        """Count one event for ``client``: ``None`` if it was within the limit, else the
        seconds until the client may try again (the event should then be refused)."""
        try:
            if self.counts.strategy().hit(self.limit, self.namespace, client):
                return None
            return self._seconds_left(client)
        except Exception:
            log.warning("rate-limit storage unavailable; %s not counted", self.what)
            return None


class Limits:
    """The app's limits per client address."""

    def __init__(self, app: Flask) -> None:
        counts = SharedCounts(app)
        self.failed_lookups = ClientLimit(
            counts,
            app.config["PRIVATE_LINK_FAILURE_LIMIT"],  # defaults: assessor/config.py
            "private-link-failures",
            "private-link lookups",
        )
        self.creations = ClientLimit(
            counts, app.config["CREATION_LIMIT"], "assessment-creations", "new assessments"
        )


def init_app(app: Flask) -> None:
    """Set up the limits; refuse private-link requests from blocked clients before anything.

    Call it after the database (:func:`assessor.db.init_app`) and before CSRF protection is set
    up, so a blocked client learns nothing from the CSRF check either.
    """
    app.extensions[_EXTENSION] = Limits(app)
    app.before_request(_refuse_blocked_clients)


def _limits() -> Limits:
    limits: Limits = current_app.extensions[_EXTENSION]
    return limits


def _client() -> str:
    return request.remote_addr or "unknown"


def _refuse_blocked_clients() -> None:
    if not request.view_args or "token" not in request.view_args:
        return
    limit = _limits().failed_lookups
    seconds = limit.retry_after(_client())
    if seconds is not None:
        metrics.count_rate_limited(limit.namespace)
        raise TooManyRequests(retry_after=seconds)


def record_failed_lookup() -> None:
    """Count a private-link request that found no assessment against the client's address."""
    _limits().failed_lookups.count(_client())


def count_creation() -> int | None:
    """Count a new assessment (started or imported) against the client's address.

    Call it once the request is valid, just before creating: ``None`` means go ahead; a number
    means the client is over ``CREATION_LIMIT`` and may try again in that many seconds (create
    nothing then).
    """
    limit = _limits().creations
    seconds = limit.count(_client())
    if seconds is not None:
        metrics.count_rate_limited(limit.namespace)
    return seconds
