"""Key asks: an ``asks`` table, the ordered key asks of an assessment's advocacy brief.

Each row is one ask at its place in the list (``position`` 1, 2, 3, ...): its title, its text,
the ids of the criteria it is about (a JSON list), whom it addresses (duty-bearer) and by when.
Rows go with their assessment (ON DELETE CASCADE). Nothing else changes; existing assessments
keep every answer and action, and simply have no asks yet.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "asks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("duty_bearer", sa.String(length=200), nullable=False),
        sa.Column("by_when", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_asks_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asks")),
        sa.UniqueConstraint(
            "assessment_id", "position", name=op.f("uq_asks_assessment_id_position")
        ),
    )


def downgrade() -> None:
    op.drop_table("asks")
