"""The web app's report cache and background renderer, one of each per app and process.

Settings (defaults in :mod:`assessor.config`): ``REPORT_IN_BACKGROUND`` (default: on) makes
PDFs in a separate low-priority process while the user sees a progress page; off, the request
makes the PDF itself. ``REPORT_CACHE_DIR`` (default ``None``: ``<instance>/report-cache``; ``""``:
none) is where the gunicorn workers share the PDFs they made; either way each process keeps
recent PDFs in memory. The tests turn both off.

Bounds (see :mod:`assessor.report.jobs`): ``REPORT_RENDER_TIMEOUT`` seconds and
``REPORT_MEMORY_LIMIT_MB`` of address space for one render (the job then fails with "the PDF
could not be made" and the renderer process is replaced); ``REPORT_MAX_QUEUED`` jobs per web
worker, of which ``REPORT_MAX_PER_ASSESSMENT`` per assessment and ``REPORT_MAX_PER_CLIENT`` per
client address. They bound the background jobs only: a request that makes its PDF itself
(``REPORT_IN_BACKGROUND`` off) has none of them.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app, request

from assessor.report.cache import PDFCache
from assessor.report.jobs import Renderer

EXTENSION = "assessor.report_renderer"


def in_background() -> bool:
    """Whether PDFs are made off the request (in a background process)."""
    return bool(current_app.config["REPORT_IN_BACKGROUND"])


def renderer() -> Renderer:
    """This app's renderer and its cache (created on first use, after gunicorn has forked)."""
    found: Renderer | None = current_app.extensions.get(EXTENSION)
    if found is None:
        config = current_app.config
        folder = config["REPORT_CACHE_DIR"]
        if folder is None:
            folder = Path(current_app.instance_path) / "report-cache"
        cache = PDFCache(Path(folder) if folder else None)
        made = Renderer(
            cache,
            render_timeout=float(config["REPORT_RENDER_TIMEOUT"]),
            memory_limit=int(config["REPORT_MEMORY_LIMIT_MB"]) * 1024 * 1024 or None,
            max_queued=int(config["REPORT_MAX_QUEUED"]),
        )
        found = current_app.extensions.setdefault(EXTENSION, made)
    assert found is not None
    return found


def owners(assessment_id: int) -> dict[str, int]:
    """Who asks for a report, and how many jobs each may have queued at once: the assessment
    and the client's address (as the proxy set-up resolves it)."""
    config = current_app.config
    return {
        f"assessment:{assessment_id}": int(config["REPORT_MAX_PER_ASSESSMENT"]),
        f"client:{request.remote_addr or '?'}": int(config["REPORT_MAX_PER_CLIENT"]),
    }
