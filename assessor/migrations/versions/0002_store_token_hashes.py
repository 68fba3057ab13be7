"""Store private-link tokens as SHA-256 digests, not in clear.

Every existing token is replaced by its digest in place (the column is renamed ``token_hash``),
so existing private links keep working and a copy of the database no longer gives them away.
The column is renamed, not rebuilt: on SQLite, rebuilding the assessments table would delete
every answer through ``ON DELETE CASCADE``.

A digest cannot be turned back into a token, so downgrading is refused while assessments exist.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _hash(token: str) -> str:
    # The same as assessor.tokens.hash_token, frozen here as it was when written.
    digest = hashlib.sha256(token.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, token FROM assessments")).all()
    for row_id, token in rows:
        connection.execute(
            sa.text("UPDATE assessments SET token = :digest WHERE id = :id"),
            {"digest": _hash(token), "id": row_id},
        )
    # Plain SQL on both databases (SQLite >= 3.25): no table rebuild.
    op.execute("ALTER TABLE assessments RENAME COLUMN token TO token_hash")


def downgrade() -> None:
    connection = op.get_bind()
    count = connection.execute(sa.text("SELECT count(*) FROM assessments")).scalar_one()
    if count:
        raise RuntimeError(
            f"cannot downgrade below 0002: the {count} stored private links exist only as "
            "digests, which cannot be turned back into links"
        )
    op.execute("ALTER TABLE assessments RENAME COLUMN token_hash TO token")
