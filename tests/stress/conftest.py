"""Stress tests: run by ``make stress`` (ASSESSOR_STRESS=1), skipped by ``make test``.

Each runs the production server (gunicorn) on 127.0.0.1 against a fresh database: an SQLite
file, or a PostgreSQL database created for the run and dropped after it.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.support.ci import unavailable
from tests.support.data import PG_URL
from tests.support.server import upgrade_database


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("ASSESSOR_STRESS") == "1":
        return
    skip = pytest.mark.skip(reason="stress test: run with `make stress`")
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(skip)


@pytest.fixture(params=["sqlite", "postgresql"])
def stress_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database for one stress run."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'stress.sqlite'}"
        upgrade_database(url)
        yield url
        return
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"assessor_stress_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        admin.dispose()
        unavailable(f"PostgreSQL at {PG_URL} cannot be reached: {exc}".splitlines()[0])
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade_database(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def secret_key() -> str:
    """A fresh secret key for the server, to look for in its logs afterwards."""
    return secrets.token_hex(32)
