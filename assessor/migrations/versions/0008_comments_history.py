"""Comments and history: ``comments`` and ``history`` tables (issue 16).

``comments`` holds the comments on an assessment's criteria, each with its author's link name
and, once resolved, when and by whom. ``history`` records every change to an answer, evidence,
action, key ask or detail, and is append-only: a trigger (on SQLite and on PostgreSQL) refuses
to update a row, and to delete one while its assessment still exists, so rows go only with the
whole assessment (ON DELETE CASCADE). Existing assessments start with no comments and an empty
history.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = "history is append-only: its rows are never changed or deleted"

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER history_no_update BEFORE UPDATE ON history "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
    "CREATE TRIGGER history_no_delete BEFORE DELETE ON history "
    "WHEN EXISTS (SELECT 1 FROM assessments WHERE assessments.id = OLD.assessment_id) "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
)
_POSTGRESQL_TRIGGERS = (
    "CREATE FUNCTION history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "IF TG_OP = 'DELETE' AND NOT EXISTS "
    "(SELECT 1 FROM assessments WHERE assessments.id = OLD.assessment_id) THEN RETURN OLD; "
    "END IF; "
    f"RAISE EXCEPTION '{APPEND_ONLY}'; "
    "END $$",
    "CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON history "
    "FOR EACH ROW EXECUTE FUNCTION history_append_only()",
)


def upgrade() -> None:
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.String(length=80), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_comments_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    op.create_index(op.f("ix_comments_assessment_id"), "comments", ["assessment_id"])
    op.create_table(
        "history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("criterion_id", sa.String(length=80), nullable=True),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_history_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history")),
    )
    op.create_index(op.f("ix_history_assessment_id"), "history", ["assessment_id"])
    op.create_index("ix_history_assessment_criterion", "history", ["assessment_id", "criterion_id"])
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_TRIGGERS if dialect == "sqlite" else _POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER history_append_only ON history")
        op.execute("DROP FUNCTION history_append_only()")
    op.drop_table("history")
    op.drop_table("comments")
