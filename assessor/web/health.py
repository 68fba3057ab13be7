"""``/healthz``: whether the service can answer, for load balancers and monitoring.

Also reports the report queue: tasks waiting (``depth``, every server's) and workers seen in the
last 30 s (``workers``: the consumer ``assessor serve`` starts, or the ``assessor worker``
processes); and, when ``REDIS_URL`` is set, whether Redis answers. No details beyond those.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, jsonify

from assessor import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _redis_answers() -> bool:
    import redis

    client = redis.Redis.from_url(
        current_app.config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2
    )
    try:
        return bool(client.ping())
    finally:
        client.close()


def _queue() -> dict[str, Any]:
    from assessor.web import report_jobs

    queue = report_jobs.queue()
    return {"depth": queue.depth(), "workers": queue.workers_seen()}


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 and ``{"status": "ok"}`` when the database (and Redis, if configured) answer; 503
    otherwise. With the report queue's depth and live workers, when reports are queued."""
    body: dict[str, Any] = {"status": "ok", "database": "ok"}
    status = 200
    try:
        db.session().execute(sa.text("SELECT 1")).scalar_one()
    except Exception as exc:  # any failure means "not healthy", never a 500 page
        log.error("health check: the database does not answer (%s)", type(exc).__name__)
        body |= {"status": "error", "database": "unavailable"}
        status = 503
    if current_app.config.get("REDIS_URL"):
        try:
            answers = _redis_answers()
        except Exception as exc:
            log.error("health check: Redis does not answer (%s)", type(exc).__name__)
            answers = False
        body["redis"] = "ok" if answers else "unavailable"
        if not answers:
            body["status"], status = "error", 503
            return jsonify(body), status
    if current_app.config["REPORT_IN_BACKGROUND"]:
        try:
            body["queue"] = _queue()
        except Exception as exc:
            log.error("health check: the report queue does not answer (%s)", type(exc).__name__)
            body["queue"] = "unavailable"
            body["status"], status = "error", 503
    return jsonify(body), status
