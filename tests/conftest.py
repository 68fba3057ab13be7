"""Test fixtures: the app on each database backend, clients, pages and test data.

Storage and web tests run twice: on SQLite (a file in ``tmp_path``) and on PostgreSQL (a fresh
schema per test in the database at ``TEST_DATABASE_URL``). If PostgreSQL cannot be reached, its
tests are skipped, or fail when ``CI`` is set: CI must test both.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from assessor import create_app, db
from assessor.checklist import Checklist, load_checklist
from tests.support.ci import unavailable
from tests.support.data import PG_URL, SCHOOL_MEALS, START
from tests.support.html import Pages

BACKENDS = ["sqlite", "postgresql"]


# -- databases --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _english_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's messages follow the shell's locale (LANG=ro_MD... gives Romanian):
    tests run as in an English shell unless they set one."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[sa.Engine]:
    """An autocommit engine on the test PostgreSQL, for creating and dropping schemas."""
    engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as exc:
        engine.dispose()
        message = f"PostgreSQL at {PG_URL} cannot be reached: {exc}".splitlines()[0]
        unavailable(message, " (CI must test PostgreSQL; .ci/run starts it)")
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database: an SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'assessor.sqlite'}"
        return
    admin: sa.Engine = request.getfixturevalue("pg_admin")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL to an empty SQLite file (tests about SQLite only)."""
    return f"sqlite:///{tmp_path / 'sqlite-only.sqlite'}"


# -- the app ----------------------------------------------------------------------------------


@pytest.fixture
def checklist_dir(tmp_path: Path) -> Path:
    """A checklist folder holding only the school-meals test checklist."""
    folder = tmp_path / "checklists"
    folder.mkdir()
    shutil.copy(SCHOOL_MEALS, folder / SCHOOL_MEALS.name)
    return folder


@pytest.fixture
def make_app(database_url: str, checklist_dir: Path) -> Iterator[Callable[..., Flask]]:
    """Build an app on the test database, migrated to the latest schema; closed afterwards."""
    apps: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "CHECKLIST_DIR": str(checklist_dir),
            "WTF_CSRF_ENABLED": False,
            # PDFs made in the request, cached in memory only (production: in the background,
            # shared in <instance>/report-cache; tests/web/test_report_background.py).
            "REPORT_IN_BACKGROUND": False,
            "REPORT_CACHE_DIR": "",
            # Tests start many assessments from one address; the default limit is tested in
            # tests/security/test_creation_limit.py.
            "CREATION_LIMIT": "100000 per hour",
            **overrides,
        }
        app = create_app(config)
        apps.append(app)
        db.upgrade(db.get_engine(app))
        return app

    yield make
    for app in apps:
        db.dispose(app)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """The app, with CSRF protection off (see ``csrf_app`` for it on)."""
    return make_app()


@pytest.fixture
def csrf_app(make_app: Callable[..., Flask]) -> Flask:
    """The app with CSRF protection on, as in production."""
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser on the app (its own cookie jar)."""
    return app.test_client()


@pytest.fixture
def pages(client: FlaskClient) -> Pages:
    """Get and post pages on ``client``, asserting the status and parsing the HTML."""
    return Pages(client)


@pytest.fixture
def pages_for() -> Callable[[Flask], Pages]:
    """Make a new browser (own cookie jar) on an app, like ``pages``."""
    return lambda app: Pages(app.test_client())


@pytest.fixture
def school_meals() -> Checklist:
    """The school-meals test checklist."""
    return load_checklist(SCHOOL_MEALS)


# -- test data --------------------------------------------------------------------------------


@pytest.fixture
def start_data() -> dict[str, str]:
    """A valid start form for the school-meals checklist."""
    return dict(START)


@pytest.fixture
def started(pages: Pages, start_data: dict[str, str]) -> str:
    """Start an assessment through the web; return the path of its private link."""
    location: str = pages.post("/", start_data)
    return location
