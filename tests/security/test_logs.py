"""Logs never hold a private link, an answer or the secret key."""

from __future__ import annotations

import io
import logging

import pytest
import sqlalchemy as sa
from security_helpers import token_of

from assessor import db
from assessor.logs import RedactingFilter, redact
from assessor.serving import RedactingLogger, gunicorn_options
from tests.support.data import START

SECRET = "a-secret-key-that-must-never-be-logged-0123456789"
EVIDENCE = "Confidential judgement 7c1e: the ministry has no budget"


def test_redact() -> None:
    token = "LrySpxew12ytvsBYL__p8cOml3nW5J8l1EXRLgpP8H4"
    assert redact(f'"GET /a/{token}/theme/x HTTP/1.1" 200') == (
        '"GET /a/<token>/theme/x HTTP/1.1" 200'
    )
    assert redact(f"/a/{token[:30]}/") == "/a/<token>/"  # a near miss is still redacted
    assert redact(f"referer=https://x.org/a/{token}") == "referer=https://x.org/a/<token>"
    assert redact(f"?next={token}") == "?next=<token>"
    assert redact("/static/css/app.css 200") == "/static/css/app.css 200"


def test_nothing_secret_reaches_the_logs(
    make_app, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    app = make_app(SECRET_KEY=SECRET, PROPAGATE_EXCEPTIONS=False)

    @app.get("/a/<token:token>/boom")
    def boom(token: str) -> str:
        raise RuntimeError(f"failed while handling {token}")

    client = app.test_client()
    overview = client.post("/", data=START).headers["Location"]
    token = token_of(overview)
    path = overview + "theme/provision"
    client.post(
        path,
        data={"free-meals-eligibility-level": "full", "free-meals-eligibility-evidence": EVIDENCE},
    )
    client.post(
        path,
        data={"free-meals-eligibility-level": "bogus", "free-meals-eligibility-evidence": EVIDENCE},
    )
    client.get(overview + "answers.json")
    client.get(f"/a/{token[:-1]}Z/")
    assert client.get(overview + "boom").status_code == 500
    exported = client.get(overview + "answers.json").get_data()
    client.post(
        "/import",
        data={"file": (io.BytesIO(exported[:-20]), "a.json")},
        content_type="multipart/form-data",
    )
    # A database error whose statement carried the evidence.
    with app.app_context(), pytest.raises(sa.exc.DBAPIError) as excinfo:
        db.session().execute(sa.text("SELECT * FROM no_such_table WHERE x = :e"), {"e": EVIDENCE})
    logging.getLogger("assessor.test").error("database failed: %s", excinfo.value)

    assert "failed while handling" in caplog.text  # the error was logged ...
    assert "/a/<token>/boom" in caplog.text
    for secret in (token, EVIDENCE, SECRET):  # ... but nothing secret with it
        assert secret not in caplog.text
        for record in caplog.records:
            assert secret not in record.getMessage()
            assert secret not in (record.exc_text or "")


def test_the_redacting_filter_keeps_every_record(caplog: pytest.LogCaptureFixture) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("assessor.test.redaction")
    logger.addHandler(handler)
    token = "x" * 43
    try:
        try:
            raise ValueError(f"/a/{token}/")
        except ValueError:
            logger.exception("request %s failed", f"/a/{token}/review")
        logger.warning("bad %s %s", "args")  # a malformed record is still written
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert token not in text
    assert "request /a/<token>/review failed" in text
    assert "ValueError: /a/<token>/" in text
    assert "bad %s %s" in text


def test_gunicorn_logs_through_the_redacting_logger() -> None:
    options = gunicorn_options("127.0.0.1:0")
    assert options["logger_class"] is RedactingLogger
    assert options["accesslog"] == "-"
    assert options["worker_class"] == "assessor.serving.BufferingWorker"
    assert "%(r)s" in options["access_log_format"]  # the request line, redacted


# -- private links written with %-escapes -----------------------------------------------------

TOKEN = "LrySpxew12ytvsBYL__p8cOml3nW5J8l1EXRLgpP8H4"


def escaped(text: str, every: int = 1) -> str:
    """``text`` with every ``every``-th character written as ``%XX`` (what a server decodes)."""
    return "".join(f"%{ord(c):02X}" if i % every == 0 else c for i, c in enumerate(text))


def encoded_links(token: str) -> list[str]:
    """Paths a server routes to ``/a/<token>/``, each written differently."""
    return [
        f"/%61/{token}/",
        f"/a/{escaped(token, 10)}/",
        f"/a/{escaped(token, 10).lower()}/",
        f"/%61%2F{escaped(token, 3)}/review",
        f"/a/{escaped(token)}/results",
    ]


def test_redact_sees_through_percent_escapes() -> None:
    for path in encoded_links(TOKEN):
        line = redact(f'"GET {path} HTTP/1.1" 404')
        assert TOKEN not in line and "%" not in line, line
        assert line.startswith('"GET /a/<token>/'), line
    # An escaped "%" (the same link escaped twice), in a query string, a near miss.
    assert redact(f"/next?to=%252Fa%252F{escaped(escaped(TOKEN, 7), 5)}") == "/next?to=/a/<token>"
    assert redact(f"/%2561/{escaped(TOKEN[:20], 2)}/") == "/a/<token>/"
    # What is not a token character keeps its escapes: the line keeps its shape.
    assert redact("/import?name=a%20b%22c%25") == "/import?name=a%20b%22c%25"


def test_an_escaped_private_link_is_refused_with_a_404(client) -> None:
    overview = client.post("/", data=START).headers["Location"]
    token = token_of(overview)
    assert client.get(overview).status_code == 200
    for path in encoded_links(token):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["Cache-Control"] == "no-store"
    assert client.get(f"{overview}theme/provisio%6E").status_code == 404
    assert client.get(f"{overview}theme/provision?x=%41").status_code == 200  # query: as before


def test_gunicorn_access_log_never_holds_an_escaped_link(capsys) -> None:
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    cfg = Config()
    for key, value in gunicorn_options("127.0.0.1:0").items():
        cfg.set(key, value)
    capsys.readouterr()
    logger = RedactingLogger(cfg)  # its access log writes to standard output
    for path in encoded_links(TOKEN):
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": path,  # as sent: gunicorn prints the request line undecoded
            "PATH_INFO": f"/a/{TOKEN}/",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": "test",
        }
        response = SimpleNamespace(status="404 NOT FOUND", sent=12, headers=[])
        request = SimpleNamespace(headers=[("HOST", "127.0.0.1")])
        logger.access(response, request, environ, timedelta(milliseconds=3))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(encoded_links(TOKEN))
    for line in lines:
        assert '"GET /a/<token>/' in line, line
        assert TOKEN not in line and TOKEN[:20] not in line


def test_development_server_log_never_holds_an_escaped_link(
    app, caplog: pytest.LogCaptureFixture
) -> None:
    import socket
    import threading

    from werkzeug.serving import make_server

    caplog.set_level(logging.INFO, logger="werkzeug")
    overview = app.test_client().post("/", data=START).headers["Location"]
    token = token_of(overview)
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    statuses = []
    try:
        for path in encoded_links(token):
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
                sock.sendall(
                    f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
                )
                reply = b""
                while chunk := sock.recv(65536):
                    reply += chunk
            statuses.append(reply.split(b" ", 2)[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert statuses == [b"404"] * len(encoded_links(token))
    requests = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert len(requests) == len(encoded_links(token))
    for message in requests:
        assert "/a/<token>/" in message
        assert token not in message and token[:20] not in message


def test_the_production_handler_writes_to_the_current_stderr(monkeypatch):
    import io
    import logging

    from assessor.logs import StderrHandler

    handler = StderrHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stderr", first)
    handler.emit(logging.makeLogRecord({"msg": "one"}))
    first.close()  # the stream it was made with is gone: no "Logging error", no traceback
    monkeypatch.setattr("sys.stderr", second)
    handler.emit(logging.makeLogRecord({"msg": "two"}))
    assert second.getvalue() == "two\n"
