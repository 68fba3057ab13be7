"""One user made of plain HTTP, for the stress tests and benchmarks against a live server.

:class:`Client` does what a browser does that matters to the server: one keep-alive connection,
a cookie jar (the session, hence the CSRF token), forms read from the HTML
(:meth:`Response.page`, then ``hidden_inputs()`` or ``form_data()``) and posted back
URL-encoded. It follows no redirect, so a test sees each one. Every request is timed and
recorded (:attr:`Client.timings`, tokens in paths replaced by ``<token>``). Only 127.0.0.1.
"""

from __future__ import annotations

import http.client
import io
import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from tests.support.html import Page
from tests.support.server import HOST

RECONNECTED = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


@dataclass
class Response:
    """What came back: status, headers (names in lower case), body, and how long it took."""

    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        """Where a redirect points, as a path (and query) to request next on the same server."""
        return urlsplit(self.headers["location"])._replace(scheme="", netloc="").geturl()

    def page(self) -> Page:
        """The body parsed as an HTML page (its forms, hidden inputs, headings)."""
        return Page(self.text, self)


@dataclass
class Client:
    """One simulated user of the server at ``127.0.0.1:port``: a connection and cookies.

    ``deadline`` (a ``time.monotonic()`` value): requests after it raise TimeoutError, so a test
    stays bounded. ``timeout``: seconds one request may take. A keep-alive connection the server
    closed is reopened and a GET sent again; a POST is sent again if it could not be sent at all
    (the server never saw it), otherwise only with ``resend_posts=True`` (benchmarks, where an
    idle connection times out between measurements), since the server may have acted on it.
    """

    port: int
    deadline: float | None = None
    timeout: float = 30
    resend_posts: bool = False
    user_agent: str = "assessor-tests"
    cookies: dict[str, str] = field(default_factory=dict)
    timings: list[tuple[str, int, float]] = field(default_factory=list)
    _connection: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
    ) -> Response:
        """Send one request (a form is posted URL-encoded, or ``body`` as ``content_type``);
        keep cookies; follow no redirect."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TimeoutError("the test's time is up")
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": self.user_agent}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urlencode(form).encode("utf-8")
            content_type = "application/x-www-form-urlencoded"
        if content_type is not None:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            sent = False
            try:
                self._connection.request(method, path, body=body, headers=headers)
                sent = True
                raw = self._connection.getresponse()
                data = raw.read()
                break
            except RECONNECTED:
                self.close()
                # A request that could not even be sent (the server had closed the idle
                # keep-alive connection) was never acted on: sent again, as a browser does.
                if attempt == 2 or (sent and method != "GET" and not self.resend_posts):
                    raise
        seconds = time.perf_counter() - started
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                key, _, val = value.split(";", 1)[0].partition("=")
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

    def upload(
        self, path: str, form: dict[str, str], field: str, filename: str, content: bytes
    ) -> Response:
        """POST a form with one JSON file, as ``multipart/form-data`` (a file input's upload)."""
        from werkzeug.datastructures import FileStorage
        from werkzeug.test import stream_encode_multipart

        fields: dict[str, object] = dict(form)
        fields[field] = FileStorage(io.BytesIO(content), filename, content_type="application/json")
        stream, _length, boundary = stream_encode_multipart(fields, use_tempfile=False)
        return self.request(
            "POST",
            path,
            body=stream.getvalue(),
            content_type=f"multipart/form-data; boundary={boundary}",
        )

    def answers(self, overview: str) -> dict[str, dict[str, str | None]]:
        """An assessment's stored answers, as its answers file (JSON export) gives them.

        ``overview`` is the private link's path, ``/a/<token>/``.
        """
        response = self.get(overview + "answers.json")
        assert response.status == 200, response.status
        answers: dict[str, dict[str, str | None]] = json.loads(response.body)["answers"]
        return answers

    def close(self) -> None:
        """Close the connection (the next request opens a new one)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _route(path: str) -> str:
    """The path with a private link's token replaced, to group timings by page."""
    parts = urlsplit(path).path.split("/")
    if len(parts) > 2 and parts[1] == "a":
        parts[2] = "<token>"
    return "/".join(parts)
