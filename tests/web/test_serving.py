"""The production server's own handling of requests (assessor/serving.py), on a real gunicorn.

One worker with one thread, so that a single connection holding the thread would show. A
request is read whole in the worker's event loop before a thread sees it: clients that send
slowly cost no thread; what gunicorn answers itself carries the app's security headers; a
chunked body over the limit gets 413. Only 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

import pytest

from assessor.serving import SERVER_RESPONSE_HEADERS
from assessor.web.app import SECURITY_HEADERS
from tests.support.server import HOST, LiveServer, upgrade_database

MAX_BODY = 4 * 1024 * 1024  # config.py's MAX_CONTENT_LENGTH


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``assessor serve`` with one worker of one thread, on a fresh SQLite database."""
    folder = tmp_path_factory.mktemp("serving")
    url = f"sqlite:///{folder / 'serving.sqlite'}"
    upgrade_database(url)
    with LiveServer(folder, database_url=url, workers=1, threads=1) as live:
        yield live


@contextlib.contextmanager
def connection(server: LiveServer, timeout: float = 10) -> Iterator[socket.socket]:
    """A raw TCP connection to the server, closed at the end."""
    sock = socket.create_connection((HOST, server.port), timeout=timeout)
    try:
        yield sock
    finally:
        sock.close()


def exchange(server: LiveServer, data: bytes, timeout: float = 10) -> bytes:
    """Send ``data`` on a new connection; everything the server answers until it closes."""
    with connection(server, timeout) as sock:
        with contextlib.suppress(OSError):  # the server may answer before all is sent
            sock.sendall(data)
        out = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                out += chunk
        return out


def head_of(response: bytes) -> tuple[str, dict[str, str]]:
    """The status line and headers (names in lower case) of a raw response."""
    lines = response.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return lines[0], headers


def get(path: str = "/healthz", extra: str = "") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n{extra}Connection: close\r\n\r\n".encode()


def test_slow_clients_hold_no_thread(server: LiveServer) -> None:
    # Five clients that started a request and stopped half-way: a head, then a body.
    partial = [
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n",
        b"POST /import HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc",
    ]
    with contextlib.ExitStack() as stack:
        for index in range(5):
            sock = stack.enter_context(connection(server))
            sock.sendall(partial[index % 2])
        time.sleep(0.5)
        # The only thread is free: another client is served at once.
        started = time.monotonic()
        status, _ = head_of(exchange(server, get(), timeout=5))
        assert status == "HTTP/1.1 200 OK"
        assert time.monotonic() - started < 5


def test_gunicorns_own_errors_carry_the_security_headers(server: LiveServer) -> None:
    answers = {
        "414": get("/" + "a" * 5000),  # read whole, refused by gunicorn's parser
        "414 ": b"GET /" + b"a" * 5000,  # refused while being read
        "400": b"NOT HTTP AT ALL\r\n\r\n",
        "431": get("/", "X-Big: " + "b" * 70_000 + "\r\n"),
    }
    for code, request in answers.items():
        status, headers = head_of(exchange(server, request))
        assert status.split()[1] == code.strip(), (code, status)
        for name, value in SERVER_RESPONSE_HEADERS.items():
            assert headers.get(name.lower()) == value, (code, name)
        assert headers["connection"] == "close"
    assert SECURITY_HEADERS.items() <= SERVER_RESPONSE_HEADERS.items()


def chunked(body: bytes, size: int = 65536) -> bytes:
    """``body`` in the chunked transfer coding."""
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


def post(path: str, body: bytes, headers: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\n{headers}\r\n"
    ).encode() + body


def test_a_chunked_body_over_the_limit_gets_413(server: LiveServer) -> None:
    too_big = chunked(b"title=" + b"x" * MAX_BODY)
    te = "Transfer-Encoding: chunked\r\n"
    status, headers = head_of(exchange(server, post("/", too_big, te)))
    assert status.startswith("HTTP/1.1 413 ")
    assert headers["x-content-type-options"] == "nosniff"
    # Under the limit it reaches the app (which wants its security token), also when its
    # chunks arrive a piece at a time.
    small = chunked(b"title=x")
    status, _ = head_of(exchange(server, post("/", small, te)))
    assert status.startswith("HTTP/1.1 400 ")
    large = post("/", chunked(b"title=" + b"x" * (MAX_BODY - 1024), size=1024 * 1024), te)
    with connection(server) as sock:
        for start in range(0, len(large), 300_000):
            sock.sendall(large[start : start + 300_000])
            time.sleep(0.05)
        assert sock.recv(65536).startswith(b"HTTP/1.1 400 ")


def test_a_declared_length_over_the_limit_gets_the_apps_413_page(server: LiveServer) -> None:
    # Only the head is sent: the app refuses it without waiting for the body.
    request = post("/", b"title=", f"Content-Length: {MAX_BODY + 1}\r\n")
    response = exchange(server, request)
    status, headers = head_of(response)
    assert status.startswith("HTTP/1.1 413 ")
    assert headers["content-type"].startswith("text/html")
    assert b"larger than this service accepts" in response


def test_kept_alive_pipelined_and_100_continue_requests_are_answered(server: LiveServer) -> None:
    two = (
        f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode() + get()  # in one packet
    )
    assert exchange(server, two).count(b"HTTP/1.1 200 OK") == 2
    with connection(server) as sock:
        sock.sendall(post("/", b"", "Expect: 100-continue\r\nContent-Length: 7\r\n"))
        assert sock.recv(65536).startswith(b"HTTP/1.1 100 Continue\r\n")
        sock.sendall(b"title=x")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        assert b"HTTP/1.1 400 " in answer  # the app's answer: no security token
