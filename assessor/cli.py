"""The ``assessor`` command line: the same pieces as the web app, without the web."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from assessor.checklist import ChecklistError, load_checklist


def cmd_check(args: argparse.Namespace) -> int:
    """Validate checklist files; print every problem; 0 if all are valid, 1 otherwise."""
    status = 0
    for path in args.files:
        try:
            checklist = load_checklist(path)
        except ChecklistError as exc:
            status = 1
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            continue
        print(
            f"{path}: ok - {checklist.id} {checklist.version}: {len(checklist.themes)} themes, "
            f"{len(checklist.recommendations)} recommendations, {len(checklist.criteria)} "
            f"criteria, {len(checklist.good_practices)} good practices, "
            f"{len(checklist.commitments)} commitments"
        )
    return status


def _database_url(args: argparse.Namespace) -> str:
    """The database the app would use: --database-url, DATABASE_URL, or the instance SQLite."""
    from flask import Flask

    from assessor.config import default_database_url

    url: str | None = getattr(args, "database_url", None) or os.environ.get("DATABASE_URL")
    return url or default_database_url(Flask("assessor").instance_path)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Bring the database schema up to date with Alembic (creating it if new)."""
    from sqlalchemy.exc import SQLAlchemyError

    from assessor import db

    url = _database_url(args)
    engine = db.make_engine(url)
    try:
        before = db.current_revision(engine)
        db.upgrade(engine, args.revision)
        after = db.current_revision(engine)
    except SQLAlchemyError as exc:
        print(f"database upgrade failed: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    where = engine.url.render_as_string(hide_password=True)
    if before == after:
        print(f"{where}: already at revision {after}")
    else:
        print(f"{where}: upgraded from {before or 'an empty database'} to revision {after}")
    return 0


def cmd_db_revision(args: argparse.Namespace) -> int:
    """Write a new migration, comparing the models with an up-to-date database."""
    from alembic import command

    from assessor import db

    engine = db.make_engine(_database_url(args))
    try:
        with engine.connect() as connection:
            command.revision(db.alembic_config(connection), message=args.message, autogenerate=True)
            connection.commit()
    finally:
        engine.dispose()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web app: the Flask development server with --debug, else gunicorn."""
    from assessor import create_app, db

    try:
        app = create_app({"DEBUG": True} if args.debug else None)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    engine = db.get_engine(app)
    current, head = db.current_revision(engine), db.head_revision()
    engine.dispose()  # the server opens its own connections (after forking, for gunicorn)
    if current != head:
        print(
            f"The database is at schema revision {current or '(none)'}, not {head}: "
            "run `assessor db upgrade` first.",
            file=sys.stderr,
        )
        return 1
    if args.debug:
        app.run(host=args.host, port=args.port, debug=True)
        return 0
    _gunicorn(app, f"{args.host}:{args.port}", args.workers)
    return 0


def _gunicorn(app: Any, bind: str, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)

        def load(self) -> Any:
            return app

    Server().run()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="assessor", description="Policy self-assessment against a checklist of good practice."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="validate checklist files")
    check.add_argument("files", nargs="+", metavar="FILE", help="checklist YAML files")
    check.set_defaults(func=cmd_check)

    database = sub.add_parser("db", help="manage the database schema")
    db_sub = database.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_sub.add_parser("upgrade", help="create or upgrade the schema (keeps all data)")
    upgrade.add_argument("--revision", default="head", help="target revision (default: head)")
    revision = db_sub.add_parser("revision", help="write a new migration from the models")
    revision.add_argument("-m", "--message", required=True, help="what the migration does")
    for action in (upgrade, revision):
        action.add_argument(
            "--database-url", help="database URL (default: $DATABASE_URL, else instance SQLite)"
        )
    upgrade.set_defaults(func=cmd_db_upgrade)
    revision.set_defaults(func=cmd_db_revision)

    serve = sub.add_parser("serve", help="run the web app")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=5000, help="port to listen on")
    serve.add_argument("--workers", type=int, default=2, help="worker processes (not --debug)")
    serve.add_argument(
        "--debug", action="store_true", help="development server with reloader and debugger"
    )
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    status: int = args.func(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
