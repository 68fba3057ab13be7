"""Report language: ``assessments.report_language``, the language of an assessment's reports
(issue 18).

Chosen on the start page and changeable on the results page; the PDF and Word downloads are
made in it whatever the language of the page they are asked from. Existing assessments get
"en", the only language reports were made in before.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# A plain ADD COLUMN (no batch copy of the table: on SQLite that would drop and recreate
# ``assessments``, and the ON DELETE CASCADE of the answers would empty them).
def upgrade() -> None:
    op.add_column(
        "assessments",
        sa.Column("report_language", sa.String(8), nullable=False, server_default="en"),
    )


def downgrade() -> None:
    op.drop_column("assessments", "report_language")
