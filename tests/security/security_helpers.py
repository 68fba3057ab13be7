"""Helpers for the security tests: what is stored, seen from the database itself."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from assessor import db, models

Snapshot = dict[int, tuple[Any, ...]]


def snapshot(app: Flask) -> Snapshot:
    """Every stored assessment (its fields and answers), by internal id."""
    with app.app_context():
        session = db.session()
        answers: dict[int, list[tuple[str, str | None, str]]] = {}
        for row in session.scalars(sa.select(models.Answer).order_by(models.Answer.criterion_id)):
            answers.setdefault(row.assessment_id, []).append(
                (row.criterion_id, row.level, row.evidence)
            )
        return {
            a.id: (
                a.token_hash,
                a.title,
                a.organisation,
                a.country,
                a.respondent,
                a.checklist_version,
                tuple(answers.get(a.id, [])),
            )
            for a in session.scalars(sa.select(models.Assessment))
        }


def token_of(path: str) -> str:
    """The token in a private-link path such as ``/a/<token>/``."""
    return path.strip("/").split("/")[1]
