"""Links by role and signed-off versions: ``links`` and ``versions`` tables (issue 16).

An assessment may now have several private links, each with a role (owner, contributor,
reviewer, viewer). Every existing assessment's one link becomes its owner link: its digest is
copied from ``assessments.token_hash`` into a ``links`` row named "Owner", so existing links keep
working. ``assessments.token_hash`` stays as it was (the owner link's digest): dropping it would
rebuild the table on SQLite, and that deletes every answer through ``ON DELETE CASCADE``.

``versions`` keeps each signed-off version as a frozen answers file. Both go with their
assessment (ON DELETE CASCADE).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The name the existing links get (the owner can see it on the "Who has access" page).
OWNER_LINK_NAME = "Owner"


def upgrade() -> None:
    op.create_table(
        "links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=43), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_links_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_links_token_hash")),
    )
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_off_by", sa.String(length=120), nullable=False),
        sa.Column("answers_file", sa.Text(), nullable=False),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_versions_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_versions")),
        sa.UniqueConstraint(
            "assessment_id", "number", name=op.f("uq_versions_assessment_id_number")
        ),
    )
    op.execute(
        sa.text(
            "INSERT INTO links (assessment_id, token_hash, name, role, scope, created_at) "
            "SELECT id, token_hash, :name, 'owner', NULL, created_at FROM assessments"
        ).bindparams(name=OWNER_LINK_NAME)
    )


def downgrade() -> None:
    op.drop_table("versions")
    op.drop_table("links")
