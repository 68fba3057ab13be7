"""A TLS-terminating reverse proxy for the HTTPS tests: what nginx does in production, small.

The README's production set-up puts the app behind a proxy that ends HTTPS and tells the app,
through ``X-Forwarded-For``, ``-Proto`` and ``-Host``, what the browser asked for
(``FLASK_TRUSTED_PROXY_HOPS=1``). Form posts, cookies and redirects then behave differently
from plain HTTP (Flask-WTF checks the Referer of every HTTPS post), so the browser tests need
that set-up for real: :func:`tls_proxy` generates a self-signed certificate with the ``openssl``
command, listens on 127.0.0.1 with it, and forwards each request to the app over plain HTTP,
one upstream connection per request. It records the headers of every request it forwards, so a
test can look at what the browser sent (its Referer, say). It runs in a thread of the test
process and is stopped when the ``with`` block ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

HOST = "127.0.0.1"
MAX_HEAD = 64 * 1024
# Hop-by-hop headers and the forwarding headers the proxy sets itself: a client's own are dropped.
DROPPED = {"connection", "keep-alive", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"}


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1 and localhost, valid for a day, made with openssl."""
    cert, key = folder / "proxy-cert.pem", folder / "proxy-key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


@dataclass
class Forwarded:
    """One request the proxy forwarded: method, path and the browser's headers (lower case)."""

    method: str
    path: str
    headers: dict[str, str]
    status: int = 0  # the app's answer; 0 until it came
    response_headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Proxy:
    """A running proxy: its https:// address and what it has forwarded so far."""

    url: str
    requests: list[Forwarded] = field(default_factory=list)

    def posts(self) -> list[Forwarded]:
        """The POST requests forwarded so far."""
        return [r for r in self.requests if r.method == "POST"]


@contextlib.contextmanager
def tls_proxy(upstream: str, folder: Path) -> Iterator[Proxy]:
    """Serve ``https://127.0.0.1:<port>`` in front of ``upstream`` (http://127.0.0.1:port)."""
    cert, key = self_signed_certificate(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    target = urlsplit(upstream)
    assert target.hostname == HOST and target.port, upstream
    listener = socket.create_server((HOST, 0))
    proxy = Proxy(f"https://{HOST}:{listener.getsockname()[1]}")
    loop = asyncio.new_event_loop()
    started = threading.Event()
    stop: asyncio.Event | None = None

    handlers: set[asyncio.Task[None]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.add(task)
        try:
            await _forward_one(reader, writer, target.port or 80, proxy)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            handlers.discard(task)
            writer.close()
            with contextlib.suppress(OSError, ssl.SSLError):
                await writer.wait_closed()

    async def main() -> None:
        nonlocal stop
        stop = asyncio.Event()
        server = await asyncio.start_server(handle, sock=listener, ssl=context, limit=MAX_HEAD)
        started.set()
        await stop.wait()
        server.close()  # no new connections; then end every one still open (idle keep-alives,
        await server.wait_closed()  # handshakes under way), so no transport is left to the GC
        current = asyncio.current_task()
        pending = [task for task in asyncio.all_tasks() if task is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        # A connection still in its TLS handshake has no task to cancel (the browser opens
        # spare ones): abort every socket the loop still holds. ``_transports`` is the selector
        # loop's own table of them (asyncio has no public way before Server.close_clients, 3.13).
        for transport in list(getattr(loop, "_transports", {}).values()):
            if transport is not None:
                transport.abort()
        await asyncio.sleep(0.05)  # let their connection_lost callbacks run

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    try:
        assert started.wait(10), "the TLS proxy did not start"
        yield proxy
    finally:
        assert stop is not None
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        loop.close()


async def _forward_one(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int, proxy: Proxy
) -> None:
    """Read one request, forward it with X-Forwarded-* added, relay the response, close."""
    head = await reader.readuntil(b"\r\n\r\n")
    request_line, *lines = head[:-4].decode("latin-1").split("\r\n")
    method, path, _version = request_line.split(" ", 2)
    headers: list[tuple[str, str]] = []
    for line in lines:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    seen = {name.lower(): value for name, value in headers}
    forwarded = Forwarded(method, path, seen)
    proxy.requests.append(forwarded)
    body = b""
    if "content-length" in seen:
        body = await reader.readexactly(int(seen["content-length"]))
    peer = writer.get_extra_info("peername")[0]
    kept = [(n, v) for n, v in headers if n.lower() not in DROPPED]
    kept += [
        ("X-Forwarded-For", peer),
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Host", seen.get("host", "")),
        ("Connection", "close"),
    ]
    upstream_reader, upstream_writer = await asyncio.open_connection(HOST, port)
    try:
        out = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{n}: {v}\r\n" for n, v in kept)
        upstream_writer.write(out.encode("latin-1") + b"\r\n" + body)
        await upstream_writer.drain()
        response_head = await upstream_reader.readuntil(b"\r\n\r\n")
        status_line, *response_lines = response_head[:-4].decode("latin-1").split("\r\n")
        forwarded.status = int(status_line.split(" ", 2)[1])
        for line in response_lines:
            name, _, value = line.partition(":")
            forwarded.response_headers[name.strip().lower()] = value.strip()
        writer.write(response_head)
        while chunk := await upstream_reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    finally:
        upstream_writer.close()
        with contextlib.suppress(OSError):
            await upstream_writer.wait_closed()
