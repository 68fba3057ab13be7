"""Private links: unguessable, stored only as digests, the same 404 for every wrong one,
compared in constant time, and failed lookups rate-limited per client address."""

from __future__ import annotations

import hmac
import re

import sqlalchemy as sa
from flask import Flask
from security_helpers import token_of

from assessor import db, models, tokens
from tests.support.data import START


def _wrong(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def test_the_database_holds_only_a_digest_of_each_link(app: Flask, pages) -> None:
    token = token_of(pages.post("/", START))
    with app.app_context():
        rows = db.session().execute(sa.select(models.Assessment.__table__)).mappings().all()
    (row,) = rows
    assert "token" not in row
    assert token not in {str(value) for value in row.values()}
    assert row["token_hash"] == tokens.hash_token(token)
    assert len(row["token_hash"]) == 43
    # A digest is no link.
    assert pages.client.get(f"/a/{row['token_hash']}/").status_code == 404


def test_lookups_compare_digests_in_constant_time(app: Flask, pages, monkeypatch) -> None:
    token = token_of(pages.post("/", START))
    calls: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(tokens.hmac, "compare_digest", spy)
    assert pages.client.get(f"/a/{token}/").status_code == 200
    digest = tokens.hash_token(token)
    assert (digest, digest) in calls  # (sessions and CSRF use it as well)


def test_every_wrong_link_gets_the_same_404(app: Flask, pages) -> None:
    token = token_of(pages.post("/", START))
    pages.get(f"/a/{token}/")  # shows (and so clears) the flashed "started" message
    bodies = set()

    def body(response) -> bytes:  # the language switch links to the page asked for: not compared
        return re.sub(rb'href="[^"]*\?lang=', b'href="?lang=', response.get_data())

    for path in (
        f"/a/{_wrong(token)}/",  # well-formed, unknown
        f"/a/{tokens.new_token()}/",
        f"/a/{token[:20]}/",  # malformed
        f"/a/{token}x/",
        "/a/",
        "/no-such-page",
    ):
        response = pages.client.get(path)
        assert response.status_code == 404, path
        bodies.add(body(response))
    assert len(bodies) == 1  # nothing tells a near miss from a wild guess
    for suffix in ("theme/provision", "review", "answers.json"):
        wrong = pages.client.get(f"/a/{_wrong(token)}/{suffix}")
        assert wrong.status_code == 404 and body(wrong) in bodies


def test_failed_lookups_are_rate_limited_per_client(make_app, pages_for) -> None:
    app = make_app(PRIVATE_LINK_FAILURE_LIMIT="5 per 10 minutes")
    pages = pages_for(app)
    token = token_of(pages.post("/", START))
    wrong = _wrong(token)
    for _ in range(5):
        assert pages.client.get(f"/a/{wrong}/").status_code == 404
    # Past the limit every private link answers 429 to this address, the right one too, so
    # the answer tells nothing; the page says what to do, and when.
    for path in (f"/a/{wrong}/", f"/a/{token}/", f"/a/{token}/theme/provision"):
        response = pages.client.get(path)
        assert response.status_code == 429, path
        assert 0 < int(response.headers["Retry-After"]) <= 600
        text = response.get_data(as_text=True)
        assert "Too many wrong links" in text and "minutes" in text
    # Other pages still work, and so do other addresses.
    assert pages.client.get("/").status_code == 200
    other = app.test_client()
    response = other.get(f"/a/{token}/", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == 200


def test_forged_posts_count_as_failed_lookups_too(make_app, pages_for) -> None:
    app = make_app(PRIVATE_LINK_FAILURE_LIMIT="3 per 10 minutes", WTF_CSRF_ENABLED=True)
    client = app.test_client()
    wrong = tokens.new_token()
    statuses = [
        client.post(f"/a/{wrong}/theme/provision", data={"action": "continue"}).status_code
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


def test_behind_a_proxy_the_real_client_is_limited(make_app) -> None:
    app = make_app(PRIVATE_LINK_FAILURE_LIMIT="2 per 10 minutes", TRUSTED_PROXY_HOPS=1)
    client = app.test_client()
    wrong = tokens.new_token()

    def get(client_address: str) -> int:
        headers = {"X-Forwarded-For": client_address}
        return client.get(f"/a/{wrong}/", headers=headers).status_code

    assert [get("198.51.100.1") for _ in range(3)] == [404, 404, 429]
    assert get("198.51.100.2") == 404  # the same proxy, another client


def test_a_rate_limit_store_that_is_down_does_not_stop_the_service(make_app, pages_for):
    app = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")  # nothing listens there
    pages = pages_for(app)
    token = token_of(pages.post("/", START))
    assert pages.client.get(f"/a/{_wrong(token)}/").status_code in (404,)
    assert pages.client.get(f"/a/{token}/").status_code == 200
