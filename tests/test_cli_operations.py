"""Commands for operators: `assessor expire` (on SQLite and PostgreSQL), and the warning of
`assessor serve` when it trusts a proxy's headers on an address others can reach."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from assessor import db, serving
from assessor.cli import main, proxy_exposure_warning
from assessor.models import Assessment
from tests.support.data import START


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line; return its exit status, output and errors."""
    try:
        status = main(list(argv))
    except SystemExit as exc:  # argparse refusing the arguments
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def assessments(make_app, database_url: str) -> dict[str, str]:
    """Three assessments made through the web, last saved 400, 40 and 0 days ago; their links."""
    app = make_app()
    client = app.test_client()
    links = {}
    now = datetime.now(UTC)
    for title, age in (("old", 400), ("middling", 40), ("fresh", 0)):
        location = client.post("/", data={**START, "title": title}).headers["Location"]
        theme = client.post(
            f"{location}theme/provision",
            data={"free-meals-eligibility-level": "planned", "action": "continue"},
        )
        assert theme.status_code == 302, title
        links[title] = location
        with db.get_engine(app).begin() as connection:
            connection.execute(
                sa.update(Assessment)
                .where(Assessment.title == title)
                .values(updated_at=now - timedelta(days=age))
            )
    db.dispose(app)
    return links


def _titles(database_url: str) -> set[str]:
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            return set(connection.execute(sa.select(Assessment.title)).scalars())
    finally:
        engine.dispose()


def test_expire_deletes_what_nobody_saved_for_the_days_given(
    capsys, assessments, database_url, make_app
) -> None:
    status, out, err = run(
        capsys, "expire", "--days", "30", "--dry-run", "--database-url", database_url
    )
    assert status == 0, err
    assert out.startswith("Would delete 2 assessments (2 answers) not saved since ")
    assert "nothing was deleted" in out
    assert _titles(database_url) == {"old", "middling", "fresh"}

    status, out, err = run(capsys, "expire", "--days", "365", "--database-url", database_url)
    assert status == 0, err
    assert out.startswith("Deleted 1 assessment (1 answer) not saved since ")
    assert _titles(database_url) == {"middling", "fresh"}

    status, out, _err = run(capsys, "expire", "--days", "30", "--database-url", database_url)
    assert status == 0 and out.startswith("Deleted 1 assessment (1 answer)")
    assert _titles(database_url) == {"fresh"}
    # Its link is gone (404); the fresh one still works.
    client = make_app().test_client()
    assert client.get(assessments["middling"]).status_code == 404
    assert client.get(assessments["fresh"]).status_code == 200


def test_expire_uses_the_setting_when_no_days_are_given(
    capsys, monkeypatch, assessments, database_url
) -> None:
    monkeypatch.setenv("FLASK_ASSESSMENT_EXPIRY_DAYS", "100")
    monkeypatch.setenv("DATABASE_URL", database_url)
    status, out, err = run(capsys, "expire")
    assert status == 0, err
    assert out.startswith("Deleted 1 assessment (1 answer)")
    assert _titles(database_url) == {"middling", "fresh"}


def test_expire_without_days_or_setting_deletes_nothing_and_says_why(
    capsys, monkeypatch, assessments, database_url
) -> None:
    monkeypatch.delenv("FLASK_ASSESSMENT_EXPIRY_DAYS", raising=False)
    status, out, err = run(capsys, "expire", "--database-url", database_url)
    assert status == 2
    assert out == ""
    assert "no expiry is set, so nothing was deleted" in err
    assert "--days" in err and "FLASK_ASSESSMENT_EXPIRY_DAYS" in err
    assert _titles(database_url) == {"old", "middling", "fresh"}


@pytest.mark.parametrize("days", ["0", "-3", "soon", "nan", "inf"])
def test_expire_refuses_a_wrong_number_of_days(capsys, monkeypatch, tmp_path, days) -> None:
    url = f"sqlite:///{tmp_path / 'never-made.sqlite'}"
    status, _out, err = run(capsys, "expire", "--days", days, "--database-url", url)
    assert status == 2 and "days" in err
    monkeypatch.setenv("FLASK_ASSESSMENT_EXPIRY_DAYS", days)
    status, _out, err = run(capsys, "expire", "--database-url", url)
    assert status == 2 and "ASSESSMENT_EXPIRY_DAYS" in err
    assert not (tmp_path / "never-made.sqlite").exists()


def test_when_an_expiry_is_set_the_assessment_page_says_so(make_app) -> None:
    quiet = make_app().test_client()
    location = quiet.post("/", data=START).headers["Location"]
    assert "deletes assessments" not in quiet.get(location).get_data(as_text=True)
    told = make_app(ASSESSMENT_EXPIRY_DAYS=365).test_client()
    text = told.get(location).get_data(as_text=True)
    assert "This service deletes assessments that nobody has saved for 365 days" in text


# -- serve -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "hops", "warned"),
    [
        ("0.0.0.0", 1, True),
        ("10.1.2.3", 2, True),
        ("::", 1, True),
        ("app.internal", 1, True),
        ("127.0.0.1", 1, False),
        ("::1", 1, False),
        ("[::1]", 1, False),
        ("localhost", 1, False),
        ("0.0.0.0", 0, False),
    ],
)
def test_the_proxy_exposure_warning(host: str, hops: int, warned: bool) -> None:
    warning = proxy_exposure_warning(host, hops)
    assert (warning is not None) == warned
    if warning:
        assert "X-Forwarded-For" in warning and host in warning
        assert "bind 127.0.0.1 or a private interface" in warning


def test_serve_warns_when_it_trusts_a_proxy_on_an_open_address(
    make_app, database_url, checklist_dir, monkeypatch, caplog
) -> None:
    make_app()  # migrates the database
    started: list[Any] = []
    monkeypatch.setattr(serving, "run", lambda *args: started.append(args))
    # Keep pytest's log capture: production logging would replace the root handlers.
    monkeypatch.setattr("assessor.logs.configure_production_logging", lambda: None)
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CHECKLIST_DIR", str(checklist_dir))
    monkeypatch.setenv("FLASK_TRUSTED_PROXY_HOPS", "1")
    caplog.set_level(logging.WARNING)

    assert main(["serve", "--host", "0.0.0.0", "--port", "8000"]) == 0  # noqa: S104 - not bound
    assert started and started[0][1] == "0.0.0.0:8000"
    warnings = [r.getMessage() for r in caplog.records if "X-Forwarded-For" in r.getMessage()]
    assert len(warnings) == 1 and "0.0.0.0" in warnings[0]

    caplog.clear()
    assert main(["serve", "--host", "127.0.0.1", "--port", "8000"]) == 0
    assert not [r for r in caplog.records if "X-Forwarded-For" in r.getMessage()]
