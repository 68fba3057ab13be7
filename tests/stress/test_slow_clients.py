"""Slow clients (slowloris) must not take the service down: 40 of them while 10 users work.

A slow client opens a connection and sends its request a little at a time: a header line every
few seconds, or a body a few bytes at a time. A server that gives each connection a thread
while it reads the request runs out of threads (gunicorn's gthread worker had 20, so 40 slow
clients made ``/healthz`` time out for 30 s). ``assessor serve`` reads requests in each
worker's event loop and hands only complete ones to its threads (assessor/serving.py), with a
deadline for the head and for the body. Here 40 slow clients keep trickling (and reconnect
when the server drops them, as an attacker would) while 10 users start assessments, save a
theme page and check health; the users' 99th-percentile latency must stay under 1 s (or, on a
machine so busy that the same users alone, measured just before, already take longer, under 1.5
times that), and every one of their requests must succeed.

Bounded: about 30 s of traffic per test, each request times out after 10 s; 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import json
import selectors
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from assessor.checklist import load_checklist
from assessor.config import PROJECT_ROOT
from tests.support.client import Client
from tests.support.server import HOST, LiveServer, upgrade_database
from tests.support.stats import median, percentile

SLOW_CLIENTS = 40
USERS = 10
TRICKLE_EVERY = 2.0  # seconds between two pieces a slow client sends
WARM_UP = 3.0  # seconds the slow clients have before the users start
WORK_FOR = 12.0  # seconds the users work (alone first, for comparison; then with the slow clients)
THINK = 0.3  # seconds a user pauses between two requests
P99_BOUND = 1.0  # seconds
SLOWER_AT_MOST = 1.5  # times the users' own p99 without the slow clients, when that is over 1 s
CHECKLIST = load_checklist(PROJECT_ROOT / "checklists" / "osce-odihr-2017-migrant-integration.yaml")
THEME = CHECKLIST.themes[0]


@dataclass
class SlowClients:
    """Connections that send a request piece by piece, reopened whenever the server drops one."""

    port: int
    count: int
    first: bytes  # sent on connecting
    piece: Callable[[int], bytes]  # the n-th piece after that
    stop: threading.Event = field(default_factory=threading.Event)
    dropped: int = 0  # connections the server closed (or answered) before they were complete
    answers: list[bytes] = field(default_factory=list)  # status lines the server sent them

    def run(self) -> None:
        """Keep ``count`` slow connections open until stopped (one thread, one selector)."""
        selector = selectors.DefaultSelector()
        sent: dict[socket.socket, tuple[int, float]] = {}
        try:
            for _ in range(self.count):
                self._open(selector, sent)
            while not self.stop.is_set():
                for key, _ in selector.select(timeout=0.2):
                    self._read(selector, sent, key.fileobj)  # type: ignore[arg-type]
                now = time.monotonic()
                for sock, (pieces, at) in list(sent.items()):
                    if now - at >= TRICKLE_EVERY:
                        try:
                            sock.send(self.piece(pieces))
                            sent[sock] = (pieces + 1, now)
                        except OSError:
                            self._drop(selector, sent, sock)
        finally:
            for sock in list(sent):
                selector.unregister(sock)
                sock.close()
            selector.close()

    def _open(self, selector: selectors.BaseSelector, sent: dict) -> None:
        sock = socket.create_connection((HOST, self.port), timeout=5)
        sock.sendall(self.first)
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
        sent[sock] = (0, time.monotonic())

    def _read(self, selector: selectors.BaseSelector, sent: dict, sock: socket.socket) -> None:
        try:
            data = sock.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data.startswith(b"HTTP/"):
            self.answers.append(data.split(b"\r\n", 1)[0])
        if not data or data.startswith(b"HTTP/"):
            self._drop(selector, sent, sock)

    def _drop(self, selector: selectors.BaseSelector, sent: dict, sock: socket.socket) -> None:
        selector.unregister(sock)
        sock.close()
        del sent[sock]
        self.dropped += 1
        if not self.stop.is_set():
            with contextlib.suppress(OSError):
                self._open(selector, sent)  # an attacker comes straight back


@contextlib.contextmanager
def slow_clients(port: int, first: bytes, piece: Callable[[int], bytes]) -> Iterator[SlowClients]:
    """Run :data:`SLOW_CLIENTS` slow connections to the server in a thread while in the block."""
    clients = SlowClients(port, SLOW_CLIENTS, first, piece)
    thread = threading.Thread(target=clients.run, daemon=True)
    thread.start()
    try:
        yield clients
    finally:
        clients.stop.set()
        thread.join(15)


class _ThinkingClient(Client):
    """A user who reads each page for a moment before the next request."""

    def request(self, *args: Any, **kwargs: Any) -> Any:
        time.sleep(THINK)
        return super().request(*args, **kwargs)


def _user(port: int, number: int, until: float, timings: list[float], errors: list[str]) -> None:
    """Work until ``until``: start an assessment, save a theme page, check health; again."""
    client = _ThinkingClient(port, deadline=until + 30, timeout=10)
    try:
        round_ = 0
        while time.monotonic() < until:
            round_ += 1
            start = client.get("/")
            form = start.page().hidden_inputs() | {
                "checklist": CHECKLIST.id,
                "title": f"Slow-client test {number}.{round_}",
                "organisation": "Ministry",
                "country": "Moldova",
                "respondent": "government",
            }
            created = client.post("/", form)
            theme = client.get(created.location + f"theme/{THEME.id}")
            answers = {f"{c.id}-level": "partial" for c in THEME.criteria}
            saved = client.post(
                created.location + f"theme/{THEME.id}",
                theme.page().hidden_inputs() | answers | {"action": "continue"},
            )
            health = client.get("/healthz")
            statuses = [start.status, created.status, theme.status, saved.status, health.status]
            if statuses != [200, 302, 200, 302, 200]:
                errors.append(f"user {number}: {statuses}")
    except Exception as exc:  # noqa: BLE001 (a failed request is what the test counts)
        errors.append(f"user {number}: {type(exc).__name__}: {exc}")
    finally:
        timings.extend(seconds for _, _, seconds in client.timings)
        client.close()


def _users_work(port: int) -> tuple[list[float], list[str]]:
    timings: list[float] = []
    errors: list[str] = []
    until = time.monotonic() + WORK_FOR
    threads = [
        threading.Thread(target=_user, args=(port, n, until, timings, errors)) for n in range(USERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WORK_FOR + 60)
    return timings, errors


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """``assessor serve`` with its production defaults, on a fresh SQLite database."""
    url = f"sqlite:///{tmp_path / 'slow.sqlite'}"
    upgrade_database(url)
    with LiveServer(tmp_path, database_url=url) as live:
        yield live


def _figures(timings: list[float]) -> str:
    ms = {
        "median": median(timings) * 1000,
        "p99": percentile(timings, 0.99) * 1000,
        "max": max(timings, default=0) * 1000,
    }
    return f"{len(timings)} user requests, " + ", ".join(f"{k} {v:.0f} ms" for k, v in ms.items())


def _check(server: LiveServer, what: str, first: bytes, piece: Callable[[int], bytes]) -> None:
    alone, _ = _users_work(server.port)
    with slow_clients(server.port, first, piece) as clients:
        time.sleep(WARM_UP)
        timings, errors = _users_work(server.port)
    p99 = percentile(timings, 0.99)
    print(
        f"\n{what}: {_figures(timings)} (alone: {_figures(alone)}); slow connections the "
        f"server dropped: {clients.dropped} (answers: {sorted(set(clients.answers))})"
    )
    figures = {"with_slow_clients": timings, "alone": alone, "dropped": clients.dropped}
    if (PROJECT_ROOT / "reports").is_dir():  # kept, not committed
        path = PROJECT_ROOT / "reports" / f"stress-{what.replace(' ', '-')}.json"
        path.write_text(json.dumps(figures) + "\n", encoding="utf-8")
    assert errors == []
    assert len(timings) >= USERS * 5
    # 1 s on a quiet machine; on a busy one (CI shares its cores) the same users alone in the
    # same run set the bar: the slow clients may not make them more than half as slow again.
    # The old worker failed either way: its users timed out (10 s) or got errors.
    bound = max(P99_BOUND, SLOWER_AT_MOST * percentile(alone, 0.99))
    assert p99 < bound, f"p99 {p99:.2f} s (alone {percentile(alone, 0.99):.2f} s)"
    assert server.health() == 200


def test_slow_headers_do_not_hold_up_the_users(server: LiveServer) -> None:
    first = f"GET / HTTP/1.1\r\nHost: {HOST}\r\n".encode()
    _check(server, "40 slow headers", first, lambda n: f"X-Slow-{n}: {n}\r\n".encode())


def test_slow_bodies_do_not_hold_up_the_users(server: LiveServer) -> None:
    first = (
        f"POST /import HTTP/1.1\r\nHost: {HOST}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
    ).encode()
    _check(server, "40 slow bodies", first, lambda n: b"a=1&")
