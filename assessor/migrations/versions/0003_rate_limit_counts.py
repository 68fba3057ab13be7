"""Rate-limit counts in the database, shared by every web worker and app server.

Before, failed private-link lookups were counted in each worker's memory: a replaced worker
started from zero and N workers allowed N times the limit. The table holds one row per counter
(client and purpose) with the end of its current window; expired rows are deleted as new counts
come in. Nothing else changes; existing assessments and answers are untouched.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_counts",
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_counts")),
    )


def downgrade() -> None:
    op.drop_table("rate_limit_counts")
