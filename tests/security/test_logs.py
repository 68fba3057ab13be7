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
    assert options["accesslog"] == "-" and options["worker_class"] == "gthread"
    assert "%(r)s" in options["access_log_format"]  # the request line, redacted
