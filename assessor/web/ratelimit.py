"""A limit on failed private-link lookups per client address: guessing links is slowed down.

Every request for a private link (a URL with a token) that finds no assessment counts as a
failure for the client's address (``request.remote_addr``; behind a reverse proxy set
``TRUSTED_PROXY_HOPS`` so this is the real client). Past ``PRIVATE_LINK_FAILURE_LIMIT``
failures (default "30 per 10 minutes") every private-link request from that address gets a 429
page until the window has passed, whether its link is right or wrong, so the answer tells an
attacker nothing.

The counts are kept where ``RATELIMIT_STORAGE_URI`` says (the ``limits`` library's storage
URIs). The default, ``memory://``, needs nothing installed but is kept per server process: under
gunicorn with N workers an address may fail up to N times the limit. ``redis://host:6379`` (with
``limits[redis]`` installed) shares one count between all workers and servers. A storage that
fails is logged and lets lookups through: the service stays up.
"""

from __future__ import annotations

import logging
import os
import time

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

log = logging.getLogger(__name__)

_EXTENSION = "assessor.ratelimit"
_NAMESPACE = "private-link-failures"


class FailedLookupLimiter:
    """Counts failed lookups per client; says when a client has had too many."""

    def __init__(self, limit: str, storage_uri: str) -> None:
        self.limit: RateLimitItem = parse(limit)
        self.storage_uri = storage_uri
        self._pid: int | None = None
        self._strategy: FixedWindowRateLimiter | None = None

    def _limiter(self) -> FixedWindowRateLimiter:
        # Created in each process on first use: an in-memory store made before gunicorn
        # forks would be copied into every worker with a dead clean-up thread.
        if self._strategy is None or self._pid != os.getpid():
            storage = storage_from_string(self.storage_uri)
            if not isinstance(storage, Storage):
                raise ValueError(f"{self.storage_uri!r} is an asynchronous storage")
            self._strategy = FixedWindowRateLimiter(storage)
            self._pid = os.getpid()
        return self._strategy

    def retry_after(self, client: str) -> int | None:
        """Seconds until ``client`` may try again, or ``None`` if it is not blocked."""
        try:
            limiter = self._limiter()
            if limiter.test(self.limit, _NAMESPACE, client):
                return None
            reset_at = limiter.get_window_stats(self.limit, _NAMESPACE, client).reset_time
        except Exception:  # a storage that is down must not take the service with it
            log.warning("rate-limit storage unavailable; private-link lookups not limited")
            return None
        return max(1, int(reset_at - time.time()) + 1)

    def failed(self, client: str) -> None:
        """Count one failed lookup for ``client``."""
        try:
            self._limiter().hit(self.limit, _NAMESPACE, client)
        except Exception:
            log.warning("rate-limit storage unavailable; a failed lookup was not counted")


def init_app(app: Flask) -> None:
    """Set up the limiter; refuse private-link requests from blocked clients before anything.

    Call it before CSRF protection is set up, so a blocked client learns nothing from it either.
    """
    app.extensions[_EXTENSION] = FailedLookupLimiter(
        app.config["PRIVATE_LINK_FAILURE_LIMIT"],  # defaults: assessor/config.py
        app.config["RATELIMIT_STORAGE_URI"],
    )
    app.before_request(_refuse_blocked_clients)


def _client() -> str:
    return request.remote_addr or "unknown"


def _refuse_blocked_clients() -> None:
    if not request.view_args or "token" not in request.view_args:
        return
    limiter: FailedLookupLimiter = current_app.extensions[_EXTENSION]
    seconds = limiter.retry_after(_client())
    if seconds is not None:
        raise TooManyRequests(retry_after=seconds)


def record_failed_lookup() -> None:
    """Count a private-link request that found no assessment against the client's address."""
    limiter: FailedLookupLimiter = current_app.extensions[_EXTENSION]
    limiter.failed(_client())
