"""What every response carries: security headers, safe cookies, text shown as text, safe
download names; and the health endpoint."""

from __future__ import annotations

import io
import json

import pytest
from flask import Flask
from security_helpers import token_of

from assessor import db
from tests.support.data import START

REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _check_headers(response, what: str) -> None:
    for name, value in REQUIRED.items():
        assert response.headers.get(name) == value, (what, name)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'self'", what
    assert directives["script-src"] == "'self'", what  # no inline script, no eval
    assert "unsafe" not in csp, what
    assert directives["frame-ancestors"] == "'none'", what
    assert directives["object-src"] == "'none'", what
    assert "Permissions-Policy" in response.headers, what


def test_security_headers_on_every_kind_of_response(make_app) -> None:
    app = make_app(PROPAGATE_EXCEPTIONS=False, PRIVATE_LINK_FAILURE_LIMIT="1 per 10 minutes")

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    client = app.test_client()
    created = client.post("/", data=START)
    token = token_of(created.headers["Location"])
    responses = {
        "302 after start": created,
        "200 page": client.get(f"/a/{token}/"),
        "200 static": client.get("/static/css/app.css"),
        "200 answers.json": client.get(f"/a/{token}/answers.json"),
        "200 healthz": client.get("/healthz"),
        "422 invalid form": client.post("/", data={"title": ""}),
        "405": client.post(f"/a/{token}/answers.json"),
        "413": client.post("/", data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)),
        "500": client.get("/boom"),
        "404": client.get(f"/a/{token[:-1]}{'B' if token[-1] == 'A' else 'A'}/"),
        "429": client.get(f"/a/{token}/"),
    }
    csrf = make_app(WTF_CSRF_ENABLED=True).test_client()
    responses["400 CSRF"] = csrf.post("/", data=START)
    for what, response in responses.items():
        expected = int(what.split()[0])
        assert response.status_code == expected, what
        _check_headers(response, what)
        if not what.endswith("static"):
            assert response.headers["Cache-Control"] == "no-store", what
        response.close()


def _session_cookie(response) -> str:
    cookies = [v for v in response.headers.getlist("Set-Cookie") if v.startswith("session=")]
    assert cookies, "no session cookie set"
    return cookies[0]


def test_session_cookie_is_httponly_samesite_and_secure_over_https(make_app) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    plain = _session_cookie(app.test_client().get("/"))
    assert "HttpOnly" in plain and "SameSite=Lax" in plain
    assert "Secure" not in plain  # over plain HTTP a Secure cookie would never come back
    secure = app.test_client().get("/", base_url="https://assess.example.org")
    cookie = _session_cookie(secure)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in app.test_client().get("/").headers


def test_behind_a_proxy_that_ends_https_the_cookie_is_secure(make_app) -> None:
    app = make_app(WTF_CSRF_ENABLED=True, TRUSTED_PROXY_HOPS=1)
    response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in _session_cookie(response)
    forced = make_app(WTF_CSRF_ENABLED=True, SESSION_COOKIE_SECURE=True)
    assert "Secure" in _session_cookie(forced.test_client().get("/"))


HOSTILE = (
    "<script>alert('x')</script><img src=x onerror=alert(1)>"
    '<style>body{background:url("http://127.0.0.1:9/css")}</style>'
    '<a href="javascript:alert(1)">click</a> http://example.org/?a=1&b=2 "quoted"'
)


def test_evidence_with_html_is_shown_as_text(app: Flask, pages, pages_for) -> None:
    overview = pages.post("/", START | {"title": "<b>Bold</b> title</title><script>x()</script>"})
    path = overview + "theme/provision"
    page = pages.get(path)
    data = page.form_data() | {
        "free-meals-eligibility-level": "full",
        "free-meals-eligibility-evidence": HOSTILE,
        "action": "later",
    }
    pages.post(path, data)
    for url in (overview, path, overview + "review"):
        shown = pages.get(url)
        for tag in ("style", "img", "b"):
            assert shown.find(tag) is None, (url, tag)
        # The only scripts are the site's own files, with nothing inline.
        for script in shown.find_all("script", src=True):  # only the app's own static files
            assert script["src"].startswith("/static/js/") and not script.text.strip(), url
        # Other script elements only carry data (the answering script's messages), never run.
        for data in shown.find_all("script", src=False):
            assert data["type"] == "application/json", url
        assert not [n for n in shown.iter() if "onerror" in n.attrs], url
        assert not [n for n in shown.iter() if "javascript:" in n.get("href", "")], url
        assert "&lt;b&gt;Bold&lt;/b&gt;" in shown.html
    shown = pages.get(path)
    assert shown.form_data()["free-meals-eligibility-evidence"] == HOSTILE  # kept exactly
    # In a colleague's conflict message too.
    colleague = pages_for(app)
    stale = colleague.get(path).form_data()
    pages.post(path, pages.get(path).form_data() | {"free-meals-nutrition-evidence": HOSTILE})
    conflict = colleague.post(
        path, stale | {"free-meals-nutrition-evidence": "Mine"}, expected_status=409
    )
    assert "<script>" not in conflict.html and "&lt;script&gt;" in conflict.html


def test_download_names_are_sanitised(pages) -> None:
    title = 'Re"port\r\nSet-Cookie: x=1; filename="../../evil.exe"'
    overview = pages.post("/", START | {"title": title})
    response = pages.client.get(overview + "answers.json")
    disposition = response.headers["Content-Disposition"]
    assert disposition == (
        'attachment; filename="assessment-re-port-set-cookie-x-1-filename-evil-exe.json"'
    )
    assert "Set-Cookie" not in response.headers
    # The title is one line: its line break became a space; only the file name is cleaned.
    assert json.loads(response.get_data())["assessment"]["title"] == title.replace("\r\n", " ")


def test_uploaded_file_names_are_never_used(app: Flask, pages) -> None:
    exported = pages.client.get(pages.post("/", START) + "answers.json").get_data()
    location = pages.post(
        "/import",
        {"file": (io.BytesIO(exported), "../../../../tmp/evil.json", "application/json")},
        content_type="multipart/form-data",
    )
    assert location.startswith("/a/")


def test_health_endpoint(app: Flask, client, monkeypatch: pytest.MonkeyPatch) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert app.config["SECRET_KEY"] not in response.get_data(as_text=True)

    def broken():
        raise ConnectionError("database down")

    monkeypatch.setattr(db, "session", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unavailable"}


def test_pdf_download_name_is_sanitised(pages) -> None:
    overview = pages.post("/", START | {"title": 'Évaluation "finale"\r\n../../x'})
    response = pages.client.get(overview + "report.pdf?audience=ngo")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="evaluation-finale-x-ngo-')
    assert disposition.endswith('.pdf"') and disposition.count('"') == 2
    for audience in ("<script>", "../../etc/passwd", ""):
        refused = pages.client.get(overview + f"report.pdf?audience={audience}")
        assert refused.status_code == 400
