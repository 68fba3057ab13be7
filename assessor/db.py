"""Database engine and sessions: one engine per app, one session per application context.

SQLite (the default) runs in WAL mode with a busy timeout, foreign keys on, and write
transactions opened with ``BEGIN IMMEDIATE`` so concurrent saves wait for the lock instead of
failing with "database is locked". PostgreSQL is used when ``DATABASE_URL`` points to one.
Schema changes go through Alembic (``assessor/migrations``); nothing here creates tables.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from assessor import config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Execution option asking the SQLite "begin" hook for BEGIN IMMEDIATE.
_IMMEDIATE = "assessor_begin_immediate"
_EXTENSION = "assessor.db"


def database_url(settings: Mapping[str, Any], instance_path: str | Path | None = None) -> str:
    """The database of these settings: ``DATABASE_URL``, else the SQLite file in the instance
    folder (the app's own by default)."""
    url: str | None = settings.get("DATABASE_URL")
    if url:
        return url
    if instance_path is None:
        instance_path = Flask(config.IMPORT_NAME).instance_path
    return config.default_database_url(instance_path)


def make_engine(url: str, busy_timeout: float | None = None) -> Engine:
    """Create an engine for a database URL, with the SQLite settings this app needs.

    ``busy_timeout``: seconds an SQLite writer waits for the lock (default: the
    ``SQLITE_BUSY_TIMEOUT`` setting's default).
    """
    if busy_timeout is None:
        busy_timeout = float(config.defaults()["SQLITE_BUSY_TIMEOUT"])
    sa_url = make_url(url)
    # hide_parameters: a database error's message never carries answer text into the logs.
    if sa_url.get_backend_name() != "sqlite":
        return sa.create_engine(sa_url, pool_pre_ping=True, hide_parameters=True)
    engine = sa.create_engine(sa_url, connect_args={"timeout": busy_timeout}, hide_parameters=True)
    _configure_sqlite(engine, busy_timeout)
    database = sa_url.database
    if database and database != ":memory:" and not database.startswith("file:"):

        @event.listens_for(engine, "do_connect")
        def _make_folder(*_args: Any) -> None:
            Path(database).parent.mkdir(parents=True, exist_ok=True)

    return engine


def _configure_sqlite(engine: Engine, busy_timeout: float) -> None:
    """SQLAlchemy's pysqlite recipe: we emit BEGIN ourselves, IMMEDIATE for writes."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Stop the sqlite3 module from emitting BEGIN (and COMMIT before DDL) itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def init_app(app: Flask) -> None:
    """Create the app's engine and session factory; close the session after each request."""
    url = database_url(app.config, app.instance_path)
    app.config["DATABASE_URL"] = url
    engine = make_engine(url, app.config["SQLITE_BUSY_TIMEOUT"])
    app.extensions[_EXTENSION] = {
        "engine": engine,
        "sessionmaker": sessionmaker(bind=engine),
    }
    app.teardown_appcontext(close_session)


def get_engine(app: Flask | None = None) -> Engine:
    """The engine of an app (the current one by default)."""
    app = app or current_app
    engine: Engine = app.extensions[_EXTENSION]["engine"]
    return engine


def dispose(app: Flask) -> None:
    """Close every pooled connection of an app's engine (tests, shutdown)."""
    get_engine(app).dispose()


def session() -> Session:
    """The session of the current application context, created on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[_EXTENSION]["sessionmaker"]()
    result: Session = g.db_session
    return result


def close_session(_exc: BaseException | None = None) -> None:
    """Close the context's session, rolling back anything not committed."""
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


@contextmanager
def write_transaction() -> Iterator[Session]:
    """A transaction for writing: all of it is committed, or none of it.

    Ends any read transaction the session has open, then begins a new one that takes the
    write lock at once on SQLite (``BEGIN IMMEDIATE``), so it waits for other writers
    (up to the busy timeout) instead of failing half-way.
    """
    db_session = session()
    if db_session.in_transaction():
        db_session.commit()
    db_session.connection(execution_options={_IMMEDIATE: True})
    try:
        yield db_session
        db_session.commit()
    except BaseException:
        db_session.rollback()
        raise


# -- migrations ------------------------------------------------------------------------------


def alembic_config(connection: Connection | None = None) -> Any:
    """An Alembic configuration for this package's migrations (optionally on a connection)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring a database's schema up to a revision (the latest by default) with Alembic."""
    from alembic import command

    with engine.connect().execution_options(**{_IMMEDIATE: True}) as connection, connection.begin():
        command.upgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision a database is at (``None`` if never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        revision: str | None = MigrationContext.configure(connection).get_current_revision()
        return revision


def head_revision() -> str | None:
    """The latest schema revision the code knows."""
    from alembic.script import ScriptDirectory

    head: str | None = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return head
