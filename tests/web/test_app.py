"""The app factory, settings, error pages and response headers."""

from __future__ import annotations

import pytest
from flask import Flask

from assessor import create_app, db
from assessor.config import DEV_SECRET_KEY


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("SECRET_KEY", "FLASK_SECRET_KEY", "DATABASE_URL", "FLASK_DEBUG", "FLASK_TESTING"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _build(config: dict) -> Flask:
    app = create_app(config)
    db.dispose(app)
    return app


def test_refuses_to_start_without_a_secret_key(clean_env, sqlite_url: str) -> None:
    for secret in (None, DEV_SECRET_KEY, ""):
        config = {"DATABASE_URL": sqlite_url}
        if secret is not None:
            config["SECRET_KEY"] = secret
        with pytest.raises(RuntimeError) as excinfo:
            create_app(config)
        message = str(excinfo.value)
        assert "SECRET_KEY" in message
        assert "export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')" in (
            message
        )


def test_starts_with_a_secret_key_from_the_environment(clean_env, sqlite_url: str) -> None:
    clean_env.setenv("SECRET_KEY", "a-real-secret-from-the-environment")
    clean_env.setenv("DATABASE_URL", sqlite_url)
    app = _build({})
    assert app.config["SECRET_KEY"] == "a-real-secret-from-the-environment"
    assert app.config["DATABASE_URL"] == sqlite_url
    assert not app.debug and not app.testing


def test_debug_and_testing_may_use_the_development_key(clean_env, sqlite_url: str) -> None:
    assert (
        _build({"DEBUG": True, "DATABASE_URL": sqlite_url}).config["SECRET_KEY"] == DEV_SECRET_KEY
    )
    assert _build({"TESTING": True, "DATABASE_URL": sqlite_url}).testing


def test_default_database_is_sqlite_in_the_instance_folder(clean_env) -> None:
    app = create_app({"TESTING": True})
    try:
        assert app.config["DATABASE_URL"] == f"sqlite:///{app.instance_path}/assessor.sqlite"
    finally:
        db.dispose(app)


def test_settings(app: Flask) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] == 4 * 1024 * 1024
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_private_links_behind_a_proxy(make_app, pages_for, start_data) -> None:
    pages = pages_for(make_app(TRUSTED_PROXY_HOPS=1))
    location = pages.post("/", start_data)
    response = pages.client.get(
        location,
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "assess.example.org"},
    )
    assert f"https://assess.example.org{location}" in response.get_data(as_text=True)


def test_pages_send_protective_headers(client, started) -> None:
    response = client.get(started)
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    css = client.get("/static/css/app.css")
    assert css.status_code == 200
    assert "no-store" not in css.headers.get("Cache-Control", "")
    css.close()


def test_pages_need_no_inline_script_or_style(pages, started) -> None:
    for path in ("/", started, started + "theme/provision", started + "review", "/import"):
        page = pages.get(path)
        for script in page.find_all("script", src=True):  # only the app's own static files
            assert script["src"].startswith("/static/js/") and not script.text.strip(), path
        # Other script elements only carry data (the answering script's messages), never run.
        for data in page.find_all("script", src=False):
            assert data["type"] == "application/json", path
        assert page.find("style") is None, path
        assert not [n for n in page.iter() if "style" in n.attrs], path


def test_wrong_method_gets_a_405_page(pages, started) -> None:
    page = pages.post(started + "answers.json", {}, expected_status=405)
    assert page.h1 == "This page cannot do that"


def test_a_server_error_gets_a_500_page(make_app) -> None:
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom() -> str:
        raise ZeroDivisionError

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.get_data(as_text=True)
    assert "ZeroDivisionError" not in response.get_data(as_text=True)


def test_an_assessment_whose_checklist_is_gone_gets_a_clear_404(pages, started, checklist_dir):
    (checklist_dir / "school-meals.yaml").unlink()
    page = pages.get(started, expected_status=404)
    assert "school-meals-demo" in page.text
    assert "no longer offers" in page.text
