"""Logs an operator can read, that never hold a private link.

A private link's token is in the URL path (``/a/<token>/...``), so anything that logs a path
(Flask's "Exception on ..." line, the development server, gunicorn's access log) would write
the one secret that opens an assessment. :func:`redact` replaces every token-like part of a
text with ``<token>``; :class:`RedactingFilter` applies it to log records, tracebacks included.
Answer text is never logged by the app, and database errors hide their parameters
(``hide_parameters`` in :mod:`assessor.db`).
"""

from __future__ import annotations

import logging
import re
import sys

from assessor.tokens import TOKEN_LIKE_PATTERN

REDACTED = "<token>"
# A path segment after /a/ (a token, or a near miss such as a mistyped one) ...
_LINK_RE = re.compile(r"(/a/)[^/?#\s\"']+")
# ... and any other run of characters long enough to be a token (query strings, referrers).
_LONG_RUN_RE = re.compile(TOKEN_LIKE_PATTERN)

LOG_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"
ACCESS_LOG_FORMAT = '%(t)s %(h)s "%(r)s" %(s)s %(b)s bytes %(M)sms "%(a)s"'


def redact(text: str) -> str:
    """``text`` with every private-link token (or token-like run) replaced by ``<token>``."""
    text = _LINK_RE.sub(lambda m: m.group(1) + REDACTED, text)
    return _LONG_RUN_RE.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Rewrite a record's message (and traceback) with tokens redacted; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place."""
        if getattr(record, "_assessor_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: keep its template only
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        setattr(record, "_assessor_redacted", True)  # noqa: B010 - LogRecord has no such field
        return True


def add_redacting_filter(target: logging.Logger | logging.Handler) -> None:
    """Attach a :class:`RedactingFilter` to a logger or handler (once)."""
    if not any(isinstance(f, RedactingFilter) for f in target.filters):
        target.addFilter(RedactingFilter())


def configure_production_logging(level: str = "INFO") -> None:
    """Log to standard error, one line per event, with tokens redacted (``assessor serve``)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    add_redacting_filter(handler)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # schema checks at start: quiet
