"""Alembic migrations: they build the schema the models describe, and keep saved data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from assessor import cli, create_app, db, tokens
from assessor.models import Base


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = db.make_engine(database_url)
    yield engine
    engine.dispose()


def test_upgrade_creates_the_tables(engine: sa.Engine) -> None:
    assert db.current_revision(engine) is None
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    tables = set(sa.inspect(engine).get_table_names())
    assert {"assessments", "answers", "alembic_version"} <= tables


def test_migrations_match_the_models(engine: sa.Engine) -> None:
    db.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrade_keeps_saved_data_and_can_run_again(engine: sa.Engine) -> None:
    # An assessment with an answer saved under the first schema, tokens in clear.
    db.upgrade(engine, "0001")
    token = tokens.new_token()
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO assessments (token, checklist_id, checklist_version, title, "
                "organisation, country, respondent, created_at, updated_at, revision) VALUES "
                "(:t, 'c', '1', 'T', 'O', 'Austria', 'ngo', :now, :now, 0)"
            ),
            {"t": token, "now": "2026-01-01 00:00:00+00:00"},
        )
        connection.execute(
            sa.text(
                "INSERT INTO answers (assessment_id, criterion_id, level, evidence, updated_at) "
                "SELECT id, 'crit', 'full', 'Kept', :now FROM assessments"
            ),
            {"now": "2026-01-01 00:00:00+00:00"},
        )
    db.upgrade(engine)
    db.upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT title FROM assessments")).scalar_one() == "T"
        stored = connection.execute(sa.text("SELECT token_hash FROM assessments")).scalar_one()
        evidence = connection.execute(sa.text("SELECT evidence FROM answers")).scalar_one()
    # The link is no longer stored, only its digest; the answer survived the change.
    assert stored == tokens.hash_token(token) != token
    assert evidence == "Kept"


def test_downgrade_below_token_hashes_is_refused_with_data(engine: sa.Engine) -> None:
    db.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO assessments (token_hash, checklist_id, checklist_version, title, "
                "organisation, country, respondent, created_at, updated_at, revision) VALUES "
                "(:t, 'c', '1', 'T', 'O', 'Austria', 'ngo', :now, :now, 0)"
            ),
            {"t": "h" * 43, "now": "2026-01-01 00:00:00+00:00"},
        )
    refused = pytest.raises(RuntimeError, match="cannot be turned back into links")
    with refused, engine.connect() as connection, connection.begin():
        command.downgrade(db.alembic_config(connection), "0001")
    assert db.current_revision(engine) == db.head_revision()


def test_downgrade_then_upgrade(engine: sa.Engine) -> None:
    db.upgrade(engine)
    with engine.connect() as connection, connection.begin():
        command.downgrade(db.alembic_config(connection), "base")
    assert "assessments" not in sa.inspect(engine).get_table_names()
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()


def test_cli_db_upgrade(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'cli.sqlite'}"
    assert cli.main(["db", "upgrade", "--database-url", url]) == 0
    assert "upgraded from an empty database to revision" in capsys.readouterr().out
    assert cli.main(["db", "upgrade", "--database-url", url]) == 0
    assert "already at revision" in capsys.readouterr().out


def test_cli_db_upgrade_finds_the_database_as_the_app_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`db upgrade` and the app read one setting: FLASK_DATABASE_URL, DATABASE_URL over it."""
    prefixed, plain = tmp_path / "prefixed.sqlite", tmp_path / "plain.sqlite"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("FLASK_DATABASE_URL", f"sqlite:///{prefixed}")
    app = create_app({"TESTING": True})
    db.dispose(app)
    assert app.config["DATABASE_URL"] == f"sqlite:///{prefixed}"
    assert cli.main(["db", "upgrade"]) == 0
    assert str(prefixed) in capsys.readouterr().out
    engine = db.make_engine(f"sqlite:///{prefixed}")
    try:
        assert db.current_revision(engine) == db.head_revision()
    finally:
        engine.dispose()

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{plain}")
    assert cli.main(["db", "upgrade"]) == 0
    assert str(plain) in capsys.readouterr().out
    assert plain.exists()


def test_serve_refuses_an_unmigrated_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    assert cli.main(["serve", "--port", "1"]) == 1
    assert "run `assessor db upgrade` first" in capsys.readouterr().err


def test_serve_refuses_without_a_secret_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    assert cli.main(["serve"]) == 1
    assert "export SECRET_KEY=" in capsys.readouterr().err


def test_the_action_plan_migration_keeps_every_answer(engine: sa.Engine) -> None:
    """0004 adds the actions table; an assessment saved before keeps its answers, has no
    actions, and can be given some (which go when it is deleted)."""
    db.upgrade(engine, "0003")
    now = "2026-01-01 00:00:00+00:00"
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO assessments (token_hash, checklist_id, checklist_version, title, "
                "organisation, country, respondent, created_at, updated_at, revision) VALUES "
                "(:t, 'c', '1', 'T', 'O', 'Austria', 'ngo', :now, :now, 2)"
            ),
            {"t": "h" * 43, "now": now},
        )
        for crit, level in (("a", "full"), ("b", "partial"), ("c", None)):
            connection.execute(
                sa.text(
                    "INSERT INTO answers (assessment_id, criterion_id, level, evidence, "
                    "updated_at) SELECT id, :c, :l, :e, :now FROM assessments"
                ),
                {"c": crit, "l": level, "e": f"Evidence {crit}", "now": now},
            )
    assert "actions" not in sa.inspect(engine).get_table_names()
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    with engine.begin() as connection:
        answers = connection.execute(
            sa.text("SELECT criterion_id, level, evidence FROM answers ORDER BY criterion_id")
        ).all()
        assert [tuple(row) for row in answers] == [
            ("a", "full", "Evidence a"),
            ("b", "partial", "Evidence b"),
            ("c", None, "Evidence c"),
        ]
        assert connection.execute(sa.text("SELECT count(*) FROM actions")).scalar_one() == 0
        connection.execute(
            sa.text(
                "INSERT INTO actions (assessment_id, criterion_id, action, owner, due, "
                "target_level, status, budget, updated_at) SELECT id, 'b', 'Do it', 'Ministry', "
                ":due, 'full', 'not_started', '', :now FROM assessments"
            ),
            {"due": date(2027, 6, 30), "now": now},
        )
        due = connection.execute(sa.text("SELECT due FROM actions")).scalar_one()
        assert str(due) == "2027-06-30"
        # One action per criterion of an assessment.
        with pytest.raises(sa.exc.IntegrityError), connection.begin_nested():
            connection.execute(
                sa.text(
                    "INSERT INTO actions (assessment_id, criterion_id, action, owner, status, "
                    "budget, updated_at) SELECT id, 'b', 'Again', '', 'done', '', :now "
                    "FROM assessments"
                ),
                {"now": now},
            )
    # Turned back, the plan goes and the answers stay.
    with engine.connect() as connection, connection.begin():
        command.downgrade(db.alembic_config(connection), "0003")
    assert "actions" not in sa.inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM answers")).scalar_one() == 3


def test_the_key_asks_migration_keeps_every_answer_and_action(engine: sa.Engine) -> None:
    """0005 adds the asks table; an assessment saved before keeps its answers and actions, has
    no asks, and can be given some in order (which go when it is deleted); turned back, the
    asks go and the rest stays."""
    db.upgrade(engine, "0004")
    now = "2026-01-01 00:00:00+00:00"
    insert_assessment = sa.text(
        "INSERT INTO assessments (token_hash, checklist_id, checklist_version, title, "
        "organisation, country, respondent, created_at, updated_at, revision) VALUES "
        "(:t, 'c', '1', :title, 'O', 'Austria', 'ngo', :now, :now, 2)"
    )
    with engine.begin() as connection:
        connection.execute(insert_assessment, {"t": "h" * 43, "title": "Kept", "now": now})
        connection.execute(
            sa.text(
                "INSERT INTO answers (assessment_id, criterion_id, level, evidence, updated_at) "
                "SELECT id, 'a', 'partial', 'Evidence', :now FROM assessments"
            ),
            {"now": now},
        )
        connection.execute(
            sa.text(
                "INSERT INTO actions (assessment_id, criterion_id, action, owner, status, "
                "budget, updated_at) SELECT id, 'a', 'Do it', 'Ministry', 'done', '', :now "
                "FROM assessments"
            ),
            {"now": now},
        )
    assert "asks" not in sa.inspect(engine).get_table_names()
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    insert_ask = sa.text(
        "INSERT INTO asks (assessment_id, position, title, text, criteria, duty_bearer, by_when, "
        "updated_at) SELECT id, :p, :title, 'We ask.', '[\"a\"]', '', '', :now FROM assessments "
        "WHERE title = :of"
    )
    with engine.begin() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM asks")).scalar_one() == 0
        assert (
            connection.execute(sa.text("SELECT evidence FROM answers")).scalar_one() == "Evidence"
        )
        assert connection.execute(sa.text("SELECT action FROM actions")).scalar_one() == "Do it"
        for position, title in ((2, "Second"), (1, "First")):
            connection.execute(
                insert_ask, {"p": position, "title": title, "of": "Kept", "now": now}
            )
        titles = connection.execute(sa.text("SELECT title FROM asks ORDER BY position")).all()
        assert [row[0] for row in titles] == ["First", "Second"]
        # One ask per place in an assessment's list.
        with pytest.raises(sa.exc.IntegrityError), connection.begin_nested():
            connection.execute(insert_ask, {"p": 1, "title": "Again", "of": "Kept", "now": now})
        # The asks of another assessment go with it.
        connection.execute(insert_assessment, {"t": "k" * 43, "title": "Gone", "now": now})
        connection.execute(insert_ask, {"p": 1, "title": "Its ask", "of": "Gone", "now": now})
        connection.execute(sa.text("DELETE FROM assessments WHERE title = 'Gone'"))
        assert connection.execute(sa.text("SELECT count(*) FROM asks")).scalar_one() == 2
    with engine.connect() as connection, connection.begin():
        command.downgrade(db.alembic_config(connection), "0004")
    assert "asks" not in sa.inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT title FROM assessments")).scalar_one() == "Kept"
        assert (
            connection.execute(sa.text("SELECT evidence FROM answers")).scalar_one() == "Evidence"
        )
        assert connection.execute(sa.text("SELECT action FROM actions")).scalar_one() == "Do it"
