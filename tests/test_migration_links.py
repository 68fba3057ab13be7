"""Migration 0007 (issue 16): on a database with assessments made at revision 0006, each
assessment's one private link becomes its owner link, and keeps opening it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from assessor import create_app, db, tokens
from assessor.access import Role


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = db.make_engine(database_url)
    yield engine
    engine.dispose()


def test_each_existing_link_becomes_the_owner_link(
    engine: sa.Engine, database_url: str, checklist_dir: Path
) -> None:
    db.upgrade(engine, "0006")
    made = {title: tokens.new_token() for title in ("First", "Second")}
    now = "2026-01-01 00:00:00+00:00"
    with engine.begin() as connection:
        for title, token in made.items():
            connection.execute(
                sa.text(
                    "INSERT INTO assessments (token_hash, checklist_id, checklist_version, "
                    "title, organisation, country, respondent, created_at, updated_at, revision) "
                    "VALUES (:t, 'school-meals-demo', '0.1', :title, 'O', 'Austria', 'ngo', "
                    ":now, :now, 1)"
                ),
                {"t": tokens.hash_token(token), "title": title, "now": now},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO answers (assessment_id, criterion_id, level, evidence, "
                    "updated_at) SELECT id, 'free-meals-eligibility', 'partial', :e, :now "
                    "FROM assessments WHERE title = :title"
                ),
                {"e": f"Evidence of {title}", "title": title, "now": now},
            )
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    with engine.connect() as connection:
        links = connection.execute(
            sa.text(
                "SELECT a.title, l.token_hash, l.role, l.name, l.scope, l.revoked_at "
                "FROM links l JOIN assessments a ON a.id = l.assessment_id ORDER BY a.title"
            )
        ).all()
        versions = connection.execute(sa.text("SELECT count(*) FROM versions")).scalar_one()
    assert [tuple(row) for row in links] == [
        (title, tokens.hash_token(token), Role.OWNER.value, "Owner", None, None)
        for title, token in sorted(made.items())
    ]
    assert versions == 0
    # The old links open their assessments, as owners, with their answers.
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "CHECKLIST_DIR": str(checklist_dir),
            "WTF_CSRF_ENABLED": False,
        }
    )
    try:
        client = app.test_client()
        for title, token in made.items():
            page = client.get(f"/a/{token}/review").get_data(as_text=True)
            assert f"Evidence of {title}" in page
            assert client.get(f"/a/{token}/access").status_code == 200
    finally:
        db.dispose(app)


def test_downgrade_removes_links_and_versions_and_keeps_assessments(engine: sa.Engine) -> None:
    db.upgrade(engine, "0007")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO assessments (token_hash, checklist_id, checklist_version, title, "
                "organisation, country, respondent, created_at, updated_at, revision) VALUES "
                "(:t, 'c', '1', 'T', 'O', 'Austria', 'ngo', :now, :now, 0)"
            ),
            {"t": "h" * 43, "now": "2026-01-01 00:00:00+00:00"},
        )
    with engine.connect() as connection, connection.begin():
        command.downgrade(db.alembic_config(connection), "0006")
    names = set(sa.inspect(engine).get_table_names())
    assert "links" not in names and "versions" not in names
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM assessments")).scalar_one() == 1
