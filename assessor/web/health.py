"""``/healthz``: whether the service can answer, for load balancers and monitoring."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, Response, jsonify

from assessor import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 and ``{"status": "ok"}`` when the database answers; 503 otherwise. No details."""
    try:
        db.session().execute(sa.text("SELECT 1")).scalar_one()
    except Exception as exc:  # any failure means "not healthy", never a 500 page
        log.error("health check: the database does not answer (%s)", type(exc).__name__)
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok"), 200
