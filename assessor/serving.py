"""Production serving with gunicorn: the worker set-up and logs ``assessor serve`` uses.

Workers: ``2 x cores + 1`` processes (at most 9), each with 4 threads, so slow requests (a PDF
takes seconds) do not hold up others. Workers silent for 60 s are restarted; on SIGTERM,
requests in progress get 30 s to finish; each worker is replaced after about 2,000 requests.
Logs go to standard output (access) and standard error (everything else), one line per event,
with private-link tokens replaced by ``<token>``.

Slow clients. gunicorn's ``gthread`` worker gives a connection a thread as soon as its first
byte arrives and then reads the rest of the request in that thread without a deadline, so 20
connections sending a header line every few seconds (slowloris) or a body a few bytes at a
time took every thread and the service stopped answering. :class:`BufferingWorker` is that
worker with one change: each worker's event loop reads a request whole (head and body, into
memory) and only then hands it to a thread, which reads it from memory and never waits on the
client. A request must arrive in time (:data:`HEAD_TIMEOUT` for the head; for a body,
:data:`BODY_GRACE` plus :data:`MIN_BODY_RATE` for its size) or the connection is answered 408
and closed; a head over :data:`MAX_HEAD` gets 431 (414 for the request line), a chunked body over
the app's ``MAX_CONTENT_LENGTH`` 413 (one with a ``Content-Length`` over it goes to the app at
once, which answers 413 without reading it). What a worker holds in memory for requests being
read is bounded by :data:`BUFFER_BUDGET` (503 beyond it). Writing a response to a client that
does not read it gives up after :data:`SEND_TIMEOUT`. The responses gunicorn writes itself
(400, 408, 413, 414, 431, ...) carry the app's security headers.

This does not replace a reverse proxy in production (HTTPS, limits per client): see the
README, "Running in production".
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import socket
import time
from functools import partial
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from gunicorn.http.parser import RequestParser
from gunicorn.workers.gthread import ThreadWorker

from assessor import metrics
from assessor.logs import ACCESS_LOG_FORMAT, LOG_FORMAT, add_redacting_filter
from assessor.web.app import SECURITY_HEADERS

THREADS_PER_WORKER = 4
MAX_WORKERS = 9

#: Seconds a client has to send a request's head (from its connection, or from the first byte
#: of a request on a kept-alive connection).
HEAD_TIMEOUT = 10.0
#: Seconds a client has to send a body, plus its size at :data:`MIN_BODY_RATE`.
BODY_GRACE = 10.0
#: Bytes per second a body must average (a 4 MiB upload may take 420 s, a form of 50 KB 15 s).
MIN_BODY_RATE = 10 * 1024
#: Largest request head (request line and headers); browsers send a few KiB.
MAX_HEAD = 64 * 1024
#: Longest chunk-size line of a chunked body (with its extensions).
MAX_CHUNK_LINE = 4096
#: Bytes one worker may hold for requests still being read.
BUFFER_BUDGET = 64 * 1024 * 1024
#: Seconds a connection answered from the event loop is read (and discarded) before closing.
LINGER = 2.0
#: Seconds a thread may spend writing one response to a client that does not read it.
SEND_TIMEOUT = 60.0
#: Used when the app sets no MAX_CONTENT_LENGTH (it does: config.py).
DEFAULT_MAX_BODY = 4 * 1024 * 1024

#: Added to every response gunicorn writes itself; the app adds the same to its own.
SERVER_RESPONSE_HEADERS = {
    **SECURITY_HEADERS,
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


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
        "worker_class": f"{__name__}.BufferingWorker",
        "threads": threads or THREADS_PER_WORKER,
        # Connections per worker, read or waiting: within a default limit of 1,024 open files.
        "worker_connections": 500,
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
        # PROMETHEUS_MULTIPROC_DIR set: a worker that exits stops counting (assessor/metrics.py).
        "child_exit": metrics.gunicorn_child_exit,
    }


def with_security_headers(response: bytes) -> bytes:
    """A raw HTTP/1.x response with :data:`SERVER_RESPONSE_HEADERS` added after its status."""
    status, sep, rest = response.partition(b"\r\n")
    if not sep or not status.startswith(b"HTTP/"):
        return response
    added = "".join(f"{name}: {value}\r\n" for name, value in SERVER_RESPONSE_HEADERS.items())
    return status + sep + added.encode("latin-1") + rest


def error_response(status: int, reason: str, message: str) -> bytes:
    """A complete plain-text response that closes the connection, with the security headers."""
    body = f"{status} {reason}: {message}\n".encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return with_security_headers(head.encode("latin-1") + body)


class _SecuredSocket:
    """The client socket as gunicorn's error writer sees it: what it sends gets the headers."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def sendall(self, data: bytes) -> None:
        """Send the response with the security headers added."""
        self._sock.sendall(with_security_headers(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _Reading:
    """How far the event loop has read one request: the bytes, and what they still lack."""

    def __init__(self, data: bytes, deadline: float) -> None:
        self.data = bytearray(data)
        self.deadline = deadline
        self.scanned = 0  # the head's end is not before this index
        self.head_end = -1  # index just after the blank line ending the head, once seen
        self.body_end = -1  # for a Content-Length: where the body ends
        self.chunked = False
        self.chunk_at = 0  # chunked: where the next chunk-size line starts
        self.chunk_total = 0  # chunked: body bytes so far
        self.continue_sent = False
        self.registered = False  # with the worker's poller, waiting for more


class BufferingWorker(ThreadWorker):  # type: ignore[misc]  # gunicorn has no type hints
    """gunicorn's gthread worker, except that threads only ever see complete requests.

    The event loop reads each request into memory (see the module's docstring for the limits);
    a thread then parses it from there, so no client can hold a thread by sending slowly.
    Plain HTTP/1.1 only: HTTPS and HTTP/2 end at the reverse proxy.
    """

    @classmethod
    def check_config(cls, cfg: Any, log: Any) -> None:
        """Refuse what this worker does not read: TLS and HTTP/2."""
        super().check_config(cfg, log)
        if cfg.is_ssl or "h2" in (cfg.http_protocols or []) or cfg.http2_cleartext != "off":
            raise RuntimeError("BufferingWorker serves plain HTTP/1.1 behind a proxy only")

    def init_process(self) -> None:
        """Set up the reading state, then gthread's."""
        self.reading: dict[Any, _Reading] = {}
        self.buffered = 0  # bytes held in self.reading
        self.lingering: dict[Any, float] = {}  # answered from the loop, closing by a deadline
        super().init_process()

    @property
    def max_body(self) -> int:
        """The app's MAX_CONTENT_LENGTH: larger bodies are refused."""
        config = getattr(self.wsgi, "config", None) or {}
        return int(config.get("MAX_CONTENT_LENGTH") or DEFAULT_MAX_BODY)

    # -- reading in the event loop ----------------------------------------------------------

    def enqueue_req(self, conn: Any) -> None:
        """Read the connection's next request in the event loop (gthread: hand it to a thread).

        Called for a new connection, a kept-alive one that became readable, and one with a
        pipelined request already read.
        """
        leftover = conn.parser.unreader.take_buffered() if conn.parser is not None else b""
        state = _Reading(leftover, time.monotonic() + HEAD_TIMEOUT)
        self.reading[conn] = state
        self.buffered += len(leftover)
        conn.sock.setblocking(False)
        conn.incomplete = False
        if not self._advance(conn, state):
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._readable, conn))
            state.registered = True

    def _readable(self, conn: Any, sock: socket.socket) -> None:
        state = self.reading.get(conn)
        if state is None:
            return
        try:
            data = sock.recv(256 * 1024)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away
            self._drop(conn, None)
            return
        if self.buffered + len(data) > BUFFER_BUDGET:
            self._drop(conn, error_response(503, "Service Unavailable", "busy, try again"))
            return
        state.data += data
        self.buffered += len(data)
        self._advance(conn, state)

    def _advance(self, conn: Any, state: _Reading) -> bool:
        """Look at what has arrived: dispatch or answer once decided; False: read on."""
        data = state.data
        if state.head_end < 0:
            end = data.find(b"\r\n\r\n", state.scanned)
            if end < 0:
                state.scanned = max(0, len(data) - 3)  # no need to look again before here
                limit = self.cfg.limit_request_line + 2  # the request line and its CRLF
                if limit > 2 and len(data) > limit and data.find(b"\r\n", 0, limit) < 0:
                    return self._answer(conn, 414, "URI Too Long", "request line too long")
                if len(data) > MAX_HEAD:
                    return self._answer(
                        conn, 431, "Request Header Fields Too Large", "request head too large"
                    )
                return False
            state.head_end = end + 4
            if not self._frame_body(conn, state):
                return True  # answered, or dispatched as it is
        if state.chunked:
            return self._advance_chunked(conn, state)
        if len(data) >= state.body_end:
            return self._dispatch(conn, state)
        return False

    def _frame_body(self, conn: Any, state: _Reading) -> bool:
        """Find how the body is framed; False if the request was answered or dispatched."""
        length, chunked, expect = _framing(bytes(state.data[: state.head_end]))
        if length is None and not chunked:
            # No body, or framing the parser will refuse: it decides, from what is here.
            state.body_end = state.head_end
            return True
        if length is not None and length > self.max_body:
            # The app answers 413 without reading the body; the connection then closes.
            conn.incomplete = True
            self._dispatch(conn, state)
            return False
        state.chunked = chunked
        state.chunk_at = state.head_end
        state.body_end = state.head_end + (length or 0)
        size = length if length is not None else self.max_body
        state.deadline = time.monotonic() + BODY_GRACE + size / MIN_BODY_RATE
        body_here = len(state.data) - state.head_end
        if expect and not state.continue_sent and (chunked or body_here < (length or 0)):
            state.continue_sent = True
            with contextlib.suppress(OSError):
                conn.sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
        return True

    def _advance_chunked(self, conn: Any, state: _Reading) -> bool:
        data = state.data
        while True:
            line_end = data.find(b"\r\n", state.chunk_at)
            if line_end < 0:
                if len(data) - state.chunk_at > MAX_CHUNK_LINE:
                    return self._dispatch(conn, state)  # the parser refuses it
                return False
            size_text = bytes(data[state.chunk_at : line_end]).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                return self._dispatch(conn, state)  # the parser says what is wrong
            if size == 0:
                if data[line_end + 2 : line_end + 4] == b"\r\n":
                    return self._dispatch(conn, state)
                if data.find(b"\r\n\r\n", line_end) >= 0:  # trailer fields, then the end
                    return self._dispatch(conn, state)
                return False
            if state.chunk_total + size > self.max_body:
                return self._answer(
                    conn, 413, "Content Too Large", f"the body is larger than {self.max_body} bytes"
                )
            next_at = line_end + 2 + size + 2
            if len(data) < next_at:
                return False
            state.chunk_total += size
            state.chunk_at = next_at

    def _dispatch(self, conn: Any, state: _Reading) -> bool:
        """Hand the request, as read, to a thread."""
        self._forget(conn)
        conn.pending_request = bytes(state.data)
        conn.data_ready = True  # gthread must not wait for more
        super().enqueue_req(conn)
        return True

    def _answer(self, conn: Any, status: int, reason: str, message: str) -> bool:
        """Answer from the event loop and close; the request never reaches the app."""
        self.log.warning("Refused request from ip=%s: %s %s", _ip(conn), status, message)
        self._drop(conn, error_response(status, reason, message))
        return True

    def _drop(self, conn: Any, response: bytes | None) -> None:
        """Close a connection being read, after a best-effort ``response``.

        With a response, the connection lingers: what the client still sends is read and
        discarded for up to :data:`LINGER` seconds, so that closing does not reset the
        connection before the client has read the answer (RFC 9112, section 9.6).
        """
        self._forget(conn)
        if not response:
            self._close(conn)
            return
        try:
            conn.sock.send(response)
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._close(conn)
            return
        self.lingering[conn] = time.monotonic() + LINGER
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._discard, conn))

    def _discard(self, conn: Any, sock: socket.socket) -> None:
        try:
            data = sock.recv(256 * 1024)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._stop_lingering(conn)

    def _stop_lingering(self, conn: Any) -> None:
        if self.lingering.pop(conn, None) is not None:
            self.poller.unregister(conn.sock)
            self._close(conn)

    def _close(self, conn: Any) -> None:
        self.nr_conns -= 1
        conn.close()

    def _forget(self, conn: Any) -> None:
        """Stop reading the connection: release its bytes, leave the poller."""
        state = self.reading.pop(conn, None)
        if state is None:
            return
        self.buffered -= len(state.data)
        if state.registered:
            self.poller.unregister(conn.sock)

    def murder_pending(self) -> None:
        """Close connections whose request did not arrive in time (408), then gthread's own.

        A stopping worker also closes those that have sent nothing yet.
        """
        now = time.monotonic()
        for conn, state in list(self.reading.items()):
            if not state.data and not self.alive:
                self._drop(conn, None)
            elif now > state.deadline:
                if state.data:
                    self.log.info("Request timed out from ip=%s", _ip(conn))
                    message = "the request did not arrive in time"
                    self._drop(conn, error_response(408, "Request Timeout", message))
                else:
                    self._drop(conn, None)  # an idle connection: nothing to answer
        for conn, deadline in list(self.lingering.items()):
            if now > deadline or not self.alive:
                self._stop_lingering(conn)
        super().murder_pending()

    # -- in a thread --------------------------------------------------------------------------

    def handle(self, conn: Any) -> Any:
        """Serve the request read by the event loop: parsed from memory, never from the client."""
        data = getattr(conn, "pending_request", b"")
        conn.pending_request = b""
        # A parser over the bytes read: at their end it sees the end of the stream.
        conn.parser = RequestParser(self.cfg, [data], conn.client)
        return super().handle(conn)

    def handle_request(self, req: Any, conn: Any) -> Any:
        """gthread's, with a bound on the time spent writing to a client that does not read."""
        conn.sock.settimeout(SEND_TIMEOUT)
        try:
            return super().handle_request(req, conn)
        except TimeoutError:
            self.log.info("Response not taken in %d s by ip=%s", SEND_TIMEOUT, _ip(conn))
            raise StopIteration() from None

    def _keepalive_after(self, conn: Any, keepalive: bool) -> bool:
        """Close after a request whose body was not read whole (too large); else gthread's."""
        if conn.incomplete:
            return False
        return bool(super()._keepalive_after(conn, keepalive))

    def handle_error(self, req: Any, client: Any, addr: Any, exc: Exception) -> None:
        """gunicorn's error responses (400, 414, 431, 500, ...), with the security headers."""
        super().handle_error(req, _SecuredSocket(client), addr, exc)


def _framing(head: bytes) -> tuple[int | None, bool, bool]:
    """From a request head: its Content-Length (None: none, or unusable), whether its body is
    chunked, and whether it expects ``100 Continue``."""
    length: int | None = None
    chunked = expect = False
    for line in head.split(b"\r\n")[1:]:
        name, sep, value = line.partition(b":")
        if not sep:
            continue
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            if length is not None or not value.isdigit():
                return None, False, False  # the parser refuses it
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = value.rsplit(b",", 1)[-1].strip() == b"chunked"
            if not chunked:
                return None, False, False  # the parser refuses it
        elif name == b"expect":
            expect = value == b"100-continue" and head.split(b"\r\n", 1)[0].endswith(b"/1.1")
    if chunked and length is not None:
        return None, False, False  # both: the parser refuses it
    return length, chunked, expect


def _ip(conn: Any) -> str:
    client = conn.client
    return str(client[0]) if isinstance(client, tuple) else str(client)


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
