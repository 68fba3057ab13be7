"""The web side of the metrics: every request timed, and ``/metrics`` for Prometheus.

``/metrics`` is off unless ``METRICS_ENABLED`` is set (a 404 page, like any unknown address).
With ``METRICS_TOKEN`` set too, a scrape must send ``Authorization: Bearer <token>``; without it,
or with another token, the answer is the same 404 page, telling nothing. Behind a reverse proxy,
serve ``/metrics`` to the monitoring network only, or set the token (Prometheus:
``authorization: {credentials: ...}`` in the scrape config). The figures themselves are in
:mod:`assessor.metrics`.
"""

from __future__ import annotations

import hmac
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, request

from assessor import metrics

bp = Blueprint("metrics", __name__)

_TRUE = {"1", "true", "yes", "on"}


def enabled(value: object) -> bool:
    """Whether a setting read from a file or the environment means "on"."""
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return bool(value)


def init_app(app: Flask) -> None:
    """Time every request and offer ``/metrics``. Call it before any other ``before_request``
    hook is set up, so that requests refused by one (429, 400) are timed too."""
    app.before_request(_start_timer)
    app.after_request(_record)
    app.register_blueprint(bp)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _record(response: Response) -> Response:
    started = g.get("metrics_started")
    if started is not None:
        metrics.observe_request(
            request.endpoint or "unmatched",
            request.method,
            response.status_code,
            time.perf_counter() - started,
        )
    return response


def _authorised() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        return True
    sent = request.headers.get("Authorization", "")
    scheme, _, credentials = sent.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        credentials.strip().encode(), str(token).encode()
    )


@bp.get("/metrics")
def scrape() -> Response:
    """Every metric in Prometheus's text format, when enabled and (if set) the token matches."""
    if not enabled(current_app.config.get("METRICS_ENABLED")) or not _authorised():
        abort(404)
    response = Response(metrics.exposition(), content_type=metrics.CONTENT_TYPE)
    response.headers["Cache-Control"] = "no-store"
    return response
