"""Sharing an assessment started in a test: another link to it, with a role (issue 16)."""

from __future__ import annotations

from flask import Flask

from assessor import sharing, store
from assessor.access import Role


def token_of(path: str) -> str:
    """The private token in an assessment's path (``/a/<token>/...``)."""
    return path.strip("/").split("/")[1]


def share(app: Flask, path: str, name: str, role: Role) -> str:
    """Make another link (named, with a role, every theme) to the assessment at ``path``;
    return the new link's path."""
    with app.app_context():
        assessment = store.get_by_token(token_of(path))
        assert assessment is not None
        return f"/a/{sharing.create_link(assessment, name, role, None)}/"
