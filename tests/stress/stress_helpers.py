"""The production server under test, and browsers made of plain HTTP: for ``make stress``.

:class:`Server` runs ``assessor serve`` (gunicorn, the production command) on a free port of
127.0.0.1, in its own process group so it can be stopped gracefully or killed whole (kill -9).
:class:`Browser` is one simulated user: a keep-alive connection, a cookie jar, forms read from
the HTML and posted back with their CSRF token, as a browser does. Only loopback is ever used.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

HOST = "127.0.0.1"  # loopback only
REQUEST_TIMEOUT = 30
ASSESSOR = Path(sys.executable).with_name("assessor")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def upgrade_database(url: str) -> None:
    """Create the schema with the command an operator uses."""
    subprocess.run(
        [str(ASSESSOR), "db", "upgrade", "--database-url", url],
        check=True,
        capture_output=True,
        timeout=120,
    )


class Server:
    """``assessor serve`` on 127.0.0.1: started, checked healthy, stopped or killed."""

    def __init__(self, database_url: str, log_dir: Path, secret_key: str) -> None:
        self.database_url = database_url
        self.log_dir = log_dir
        self.secret_key = secret_key
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def logs(self) -> list[Path]:
        """Every log file the server wrote (stdout: access log; stderr: the rest)."""
        return sorted(self.log_dir.glob("server-*.log"))

    def start(self, timeout: float = 60) -> None:
        """Start the server and wait until ``/healthz`` answers 200."""
        self.port = free_port()
        self.starts += 1
        env = {
            **os.environ,
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": self.database_url,
        }
        for name in ("FLASK_DEBUG", "FLASK_TESTING"):
            env.pop(name, None)
        out = open(self.log_dir / f"server-{self.starts}-out.log", "wb")  # noqa: SIM115
        err = open(self.log_dir / f"server-{self.starts}-err.log", "wb")  # noqa: SIM115
        with out, err:
            self.process = subprocess.Popen(
                [str(ASSESSOR), "serve", "--host", HOST, "--port", str(self.port)],
                env=env,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: master and workers
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                if self.health() == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError("the server did not become healthy in time")

    def health(self) -> int:
        """The status of ``GET /healthz``."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status
        finally:
            connection.close()

    def stop(self, timeout: float = 40) -> int:
        """Stop gracefully (SIGTERM to the master); return its exit status."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> None:
        """kill -9 the master and every worker at once."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)


class _Forms(HTMLParser):
    """The values of a page's hidden inputs, and its <h1> text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden: dict[str, str] = {}
        self.h1 = ""
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "input" and values.get("type") == "hidden" and values.get("name"):
            self.hidden[values["name"]] = values.get("value", "")
        self._in_h1 = tag == "h1" or self._in_h1

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1 += data


@dataclass
class Response:
    """What came back: status, headers, body, and how long it took."""

    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", "replace")

    def page(self) -> _Forms:
        """The page's hidden inputs and heading."""
        forms = _Forms()
        forms.feed(self.text)
        return forms


@dataclass
class Browser:
    """One simulated user: a connection, cookies, and a record of every request."""

    port: int
    deadline: float
    cookies: dict[str, str] = field(default_factory=dict)
    timings: list[tuple[str, int, float]] = field(default_factory=list)
    _connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        """Send one request (a form is posted URL-encoded); keep cookies; no redirects."""
        if time.monotonic() > self.deadline:
            raise TimeoutError("the stress test's time is up")
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "assessor-stress"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode("utf-8")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(
                    HOST, self.port, timeout=REQUEST_TIMEOUT
                )
            try:
                self._connection.request(method, path, body=body, headers=headers)
                raw = self._connection.getresponse()
                data = raw.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed (worker restarted): reconnect
                # once, for GET only; a POST is never sent twice.
                self.close()
                if attempt == 2 or method != "GET":
                    raise
        seconds = time.perf_counter() - started
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                self.cookies[key.strip()] = val.strip()
        if raw.getheader("Connection", "").lower() == "close":
            self.close()
        self.timings.append((f"{method} {_route(path)}", raw.status, seconds))
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data, seconds)

    def get(self, path: str) -> Response:
        """GET a path."""
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Response:
        """POST a form."""
        return self.request("POST", path, form)

    def answers(self, overview: str) -> dict[str, dict[str, str | None]]:
        """The assessment's answers, as its answers file (JSON export) gives them."""
        response = self.get(overview + "answers.json")
        assert response.status == 200, response.status
        answers: dict[str, dict[str, str | None]] = json.loads(response.body)["answers"]
        return answers

    def close(self) -> None:
        """Close the connection."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _route(path: str) -> str:
    parts = urlsplit(path).path.split("/")
    if len(parts) > 2 and parts[1] == "a":
        parts[2] = "<token>"
    return "/".join(parts)


def location_path(response: Response) -> str:
    """The path a redirect points to."""
    return urlsplit(response.headers["location"]).path


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]
