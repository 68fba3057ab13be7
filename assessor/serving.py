"""Production serving with gunicorn: the worker set-up and logs ``assessor serve`` uses.

Workers: ``2 x cores + 1`` processes (at most 9), each with 4 threads (``gthread``), so slow
requests (a PDF takes seconds) do not hold up others. Workers silent for 60 s are restarted;
on SIGTERM, requests in progress get 30 s to finish; each worker is replaced after about
2,000 requests. Logs go to standard output (access) and standard error (everything else), one
line per event, with private-link tokens replaced by ``<token>``.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from assessor.logs import ACCESS_LOG_FORMAT, LOG_FORMAT, add_redacting_filter

THREADS_PER_WORKER = 4
MAX_WORKERS = 9


def default_workers() -> int:
    """``2 x cores + 1`` (gunicorn's advice), at most :data:`MAX_WORKERS`."""
    return min(2 * (os.cpu_count() or 1) + 1, MAX_WORKERS)


def gunicorn_options(
    bind: str, workers: int | None = None, threads: int | None = None
) -> dict[str, Any]:
    """The gunicorn settings for serving the app on ``bind`` (``host:port``)."""
    return {
        "bind": bind,
        "workers": workers or default_workers(),
        "worker_class": "gthread",
        "threads": threads or THREADS_PER_WORKER,
        "timeout": 60,
        "graceful_timeout": 30,
        "keepalive": 5,
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "access_log_format": ACCESS_LOG_FORMAT,
        "logger_class": RedactingLogger,
        # No control socket: its default path is shared by every gunicorn of the user.
        "control_socket_disable": True,
        "proc_name": "assessor",
    }


class RedactingLogger(Logger):  # type: ignore[misc]  # gunicorn has no type hints
    """gunicorn's logger, readable, with private-link tokens redacted from every line."""

    error_fmt = LOG_FORMAT
    datefmt = None

    def setup(self, cfg: Any) -> None:
        """Set up gunicorn's handlers, then redact everything they write."""
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                add_redacting_filter(handler)


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn running an app object already built (and checked) by ``assessor serve``."""

    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Apply :func:`gunicorn_options`."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        """The WSGI app."""
        return self.application


def run(app: Any, bind: str, workers: int | None = None, threads: int | None = None) -> None:
    """Serve ``app`` with gunicorn until stopped (SIGTERM or SIGINT: graceful)."""
    logging.getLogger("assessor").setLevel(logging.INFO)
    Server(app, gunicorn_options(bind, workers, threads)).run()
