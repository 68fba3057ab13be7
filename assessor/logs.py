"""Logs an operator can read, that never hold a private link.

A private link's token is in the URL path (``/a/<token>/...``), so anything that logs a path
(Flask's "Exception on ..." line, the development server, gunicorn's access log) would write
the one secret that opens an assessment. :func:`redact` replaces every token-like part of a
text with ``<token>``; :class:`RedactingFilter` applies it to log records, tracebacks included.

A server decodes the path before routing, so ``/%61/<token>/`` or a token with some of its
characters written as ``%XX`` opens the assessment too, while gunicorn's access log prints the
request line as sent. :func:`redact` therefore first decodes every percent-encoded token
character and ``/`` (also when the ``%`` is itself encoded) and then looks for tokens: the log
shows ``/a/<token>/`` whatever the encoding. (The web app also answers such addresses with a
404: :func:`assessor.web.app.register_canonical_token_paths`.)
Answer text is never logged by the app, and database errors hide their parameters
(``hide_parameters`` in :mod:`assessor.db`).
"""

from __future__ import annotations

import logging
import re
import string
import sys
from typing import Any

from assessor.tokens import TOKEN_LIKE_PATTERN

REDACTED = "<token>"
# A path segment after /a/ (a token, or a near miss such as a mistyped one) ...
_LINK_RE = re.compile(r"(/a/)[^/?#\s\"']+")
# ... and any other run of characters long enough to be a token (query strings, referrers).
_LONG_RUN_RE = re.compile(TOKEN_LIKE_PATTERN)

# A percent-encoded byte; those that decode to a token character or "/" are decoded before
# redacting, and "%25" (an encoded "%") before another encoded byte, up to a few times.
_PERCENT_RE = re.compile(r"%(?:(?P<percent>25)(?=[0-9A-Fa-f]{2})|(?P<byte>[0-9A-Fa-f]{2}))")
_DECODED_CHARS = frozenset(string.ascii_letters + string.digits + "-_./~")
_DECODE_ROUNDS = 4

LOG_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"
ACCESS_LOG_FORMAT = '%(t)s %(h)s "%(r)s" %(s)s %(b)s bytes %(M)sms "%(a)s"'


def redact(text: str) -> str:
    """``text`` with every private-link token (or token-like run) replaced by ``<token>``."""
    text = decode_token_characters(text)
    text = _LINK_RE.sub(lambda m: m.group(1) + REDACTED, text)
    return _LONG_RUN_RE.sub(REDACTED, text)


def decode_token_characters(text: str) -> str:
    """``text`` with percent-encoded token characters and slashes decoded (``%61`` -> ``a``).

    Other encoded bytes (spaces, quotes, non-ASCII) stay encoded, so a log line keeps its shape.
    """

    def decode(match: re.Match[str]) -> str:
        if match.group("percent"):
            return "%"
        char = chr(int(match.group("byte"), 16))
        return char if char in _DECODED_CHARS else match.group(0)

    for _ in range(_DECODE_ROUNDS):
        if "%" not in text:
            break
        decoded = _PERCENT_RE.sub(decode, text)
        if decoded == text:
            break
        text = decoded
    return text


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


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A handler that writes to whatever ``sys.stderr`` is when a record is emitted, not the
    stream it was when the handler was made (which may since have been replaced and closed:
    a command run in-process by a test, a daemonising wrapper)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        """The current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        """Ignored: the stream is always the current standard error."""


def configure_production_logging(level: str = "INFO") -> None:
    """Log to standard error, one line per event, with tokens redacted (``assessor serve``)."""
    handler = StderrHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    add_redacting_filter(handler)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # schema checks at start: quiet
