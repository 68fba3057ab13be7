"""CSRF protection on, as in production: every form needs the token; a refusal loses nothing."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from assessor import store


@pytest.fixture
def csrf_pages(csrf_app: Flask, pages_for):
    return pages_for(csrf_app)


def count(app: Flask) -> int:
    with app.app_context():
        return store.count_assessments()


def test_every_form_carries_a_token(csrf_pages, start_data) -> None:
    for path in ("/", "/import"):
        form = csrf_pages.get(path).one("form")
        assert form.one("input", name="csrf_token")["value"]


def test_start_without_token_is_refused_and_keeps_what_was_typed(csrf_app, csrf_pages, start_data):
    page = csrf_pages.post("/", start_data, expected_status=400)
    assert "Nothing was saved" in page.one("div", class_="notice-warning").text
    assert page.one("input", id="title")["value"] == start_data["title"]
    assert count(csrf_app) == 0
    # The page shown has a fresh token: submitting it works.
    data = page.form_data()
    assert data["csrf_token"]
    assert csrf_pages.post("/", data | {"respondent": "government"}).startswith("/a/")
    assert count(csrf_app) == 1


def test_theme_save_needs_the_token(csrf_app: Flask, csrf_pages, start_data) -> None:
    start = csrf_pages.get("/").form_data() | start_data
    overview = csrf_pages.post("/", start)
    path = overview + "theme/provision"
    form = csrf_pages.get(path).form_data()
    typed = {
        "free-meals-eligibility-level": "partial",
        "free-meals-eligibility-evidence": "Typed before the page expired",
        "action": "continue",
    }
    # Without the token (or with a wrong one): refused, nothing saved, all typed text kept.
    for token in (None, "forged"):
        data = form | typed
        if token is None:
            del data["csrf_token"]
        else:
            data["csrf_token"] = token
        page = csrf_pages.post(path, data, expected_status=400)
        assert "Nothing was saved" in page.text
        kept = page.form_data()
        assert kept["free-meals-eligibility-level"] == "partial"
        assert kept["free-meals-eligibility-evidence"] == "Typed before the page expired"
        with csrf_app.app_context():
            assessment = store.get_by_token(overview.strip("/").split("/")[1])
            assert store.load_answers(assessment) == {}
    # With the token scraped from the page: saved.
    assert csrf_pages.post(path, kept | {"action": "continue"}).endswith("/theme/oversight")
    with csrf_app.app_context():
        assert store.load_answers(assessment)["free-meals-eligibility"].level == "partial"


def test_a_new_browser_session_gets_a_clear_message(csrf_app, csrf_pages, start_data, pages_for):
    start = csrf_pages.get("/").form_data() | start_data
    overview = csrf_pages.post("/", start)
    path = overview + "theme/provision"
    form = csrf_pages.get(path).form_data()
    # The csrf_pages is restarted (session cookie gone), the old page is submitted.
    other = pages_for(csrf_app)
    page = other.post(path, form | {"action": "continue"}, expected_status=400)
    assert "Nothing was saved" in page.text
    assert "security check expired" in page.text


def test_import_without_token_gets_the_expired_page(csrf_app, csrf_pages) -> None:
    page = csrf_pages.post("/import", {}, expected_status=400)
    assert page.h1 == "Your page had expired"
    assert "Go back, reload the page" in page.text
    assert count(csrf_app) == 0


def test_csrf_token_does_not_expire_with_time(csrf_app: Flask) -> None:
    assert csrf_app.config["WTF_CSRF_TIME_LIMIT"] is None


def test_over_https_a_post_needs_a_referer_from_this_site_and_says_so(csrf_app: Flask) -> None:
    # Flask-WTF's check of HTTPS posts, which the app's Referrer-Policy (same-origin) satisfies.
    client = csrf_app.test_client()
    base = "https://assess.example.org"
    page = client.get("/import", base_url=base)
    token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page.get_data(as_text=True))
    assert token is not None
    data = {"csrf_token": token[1]}
    for referer in (None, "https://elsewhere.example.org/import"):
        headers = {"Referer": referer} if referer else {}
        refused = client.post("/import", data=data, base_url=base, headers=headers)
        assert refused.status_code == 400
        assert "Referer" in refused.get_data(as_text=True)
    accepted = client.post(
        "/import", data=data, base_url=base, headers={"Referer": base + "/import"}
    )
    assert accepted.status_code == 422  # past the security check: no file chosen
    assert "Referer" not in accepted.get_data(as_text=True)
