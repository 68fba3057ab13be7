"""Comparisons: a ``comparisons`` table, another assessment kept beside one (issue 14).

A follow-up assessment remembers the assessment it started from (its baseline), and any
assessment may keep one comparison partner (an uploaded answers file or Assessor PDF). Each is a
row holding the other side's answers file (JSON), so the comparison stays as it was when made.
Rows go with their assessment (ON DELETE CASCADE). Nothing else changes: existing assessments
keep every answer and action, and simply have no comparison yet.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comparisons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("answers_file", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_comparisons_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparisons")),
        sa.UniqueConstraint(
            "assessment_id", "role", name=op.f("uq_comparisons_assessment_id_role")
        ),
    )


def downgrade() -> None:
    op.drop_table("comparisons")
