"""New assessments are limited per client address (``CREATION_LIMIT``): one client cannot fill
the database. The limit counts what was made (a refused form does not count), is shared by every
worker, and its 429 says what was not made and when to try again, keeping what was typed."""

from __future__ import annotations

import io
import json
from typing import Any

from flask import Flask
from limits import parse
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from assessor import config, store
from tests.support.data import ANSWERS_FILE, START
from tests.support.html import Page

DEFAULT = config.defaults()["CREATION_LIMIT"]


def _import(app: Flask, content: bytes, address: str = "127.0.0.1") -> Any:
    file = FileStorage(io.BytesIO(content), "answers.json", content_type="application/json")
    stream, _length, boundary = stream_encode_multipart({"file": file}, use_tempfile=False)
    return app.test_client().post(
        "/import",
        data=stream.getvalue(),
        content_type=f"multipart/form-data; boundary={boundary}",
        environ_base={"REMOTE_ADDR": address},
    )


def _start(app: Flask, form: dict[str, str] = START, address: str = "127.0.0.1") -> Any:
    return app.test_client().post("/", data=form, environ_base={"REMOTE_ADDR": address})


def _count(app: Flask) -> int:
    with app.app_context():
        return store.count_assessments()


def test_the_default_limit_stops_a_burst_of_creations(make_app) -> None:
    app = make_app(CREATION_LIMIT=DEFAULT)  # the real default (the tests' own is higher)
    limit = parse(DEFAULT).amount
    good_file = json.dumps(ANSWERS_FILE).encode()
    # Refused forms and files make nothing, so they do not count.
    for _ in range(limit + 2):
        assert _start(app, {**START, "title": ""}).status_code == 422
        assert _import(app, b'{"checklist": "nope"}').status_code == 422
    # Up to the limit, starting and importing both work...
    for n in range(limit):
        response = _start(app) if n % 2 else _import(app, good_file)
        assert response.status_code == 302, n
    assert _count(app) == limit

    # ...then starting gives a 429 that keeps what was typed and says when to try again.
    typed = {**START, "title": "Schulessen 2026 – zweiter Versuch"}
    response = _start(app, typed)
    assert response.status_code == 429
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= parse(DEFAULT).get_expiry()
    page = Page(response.get_data(as_text=True), response)
    assert "Nothing was started" in page.text
    assert f"Wait {-(-seconds // 60)} minute" in page.text
    assert page.one("input", name="title")["value"] == typed["title"]
    assert page.one("input", name="organisation")["value"] == START["organisation"]

    # Importing gives the 429 page, which says the file was not imported.
    response = _import(app, good_file)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= parse(DEFAULT).get_expiry()
    page = Page(response.get_data(as_text=True), response)
    assert page.h1 == "Too many new assessments"
    assert "Your answers file was not imported" in page.text
    assert "still on your computer" in page.text and "minute" in page.text
    assert _count(app) == limit  # nothing more was made

    # Another address is not affected, nor is working on an assessment already made.
    other = _start(app, address="192.0.2.44")
    assert other.status_code == 302
    assert app.test_client().get(other.headers["Location"]).status_code == 200


def test_the_creation_count_is_shared_by_every_worker(make_app) -> None:
    # Two app instances on one database stand for two gunicorn workers; a third, made
    # afterwards, for a worker that replaced one of them.
    first, second = make_app(CREATION_LIMIT="4 per hour"), make_app(CREATION_LIMIT="4 per hour")
    for app in (first, second, first, second):
        assert _start(app).status_code == 302
    assert _start(first).status_code == 429
    assert _start(second).status_code == 429
    replaced = make_app(CREATION_LIMIT="4 per hour")
    assert _start(replaced).status_code == 429
    assert _count(replaced) == 4


def test_a_limit_store_that_is_down_lets_creations_through(make_app, caplog) -> None:
    app = make_app(CREATION_LIMIT="1 per hour", RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    assert [_start(app).status_code for _ in range(3)] == [302, 302, 302]
    assert "rate-limit storage unavailable; new assessments not counted" in caplog.text
