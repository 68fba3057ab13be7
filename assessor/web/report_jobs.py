"""The web app's report cache and background renderer, one of each per app and process.

Settings: ``REPORT_IN_BACKGROUND`` (default: on, except when testing) makes PDFs in a separate
low-priority process while the user sees a progress page; off, the request makes the PDF itself.
``REPORT_CACHE_DIR`` (default: ``<instance>/report-cache``, none when testing) is where the
gunicorn workers share the PDFs they made; either way each process keeps recent PDFs in memory.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from assessor.report.cache import PDFCache
from assessor.report.jobs import Renderer

EXTENSION = "assessor.report_renderer"


def in_background() -> bool:
    """Whether PDFs are made off the request (in a background process)."""
    setting = current_app.config.get("REPORT_IN_BACKGROUND")
    return (not current_app.testing) if setting is None else bool(setting)


def renderer() -> Renderer:
    """This app's renderer and its cache (created on first use, after gunicorn has forked)."""
    found: Renderer | None = current_app.extensions.get(EXTENSION)
    if found is None:
        folder = current_app.config.get("REPORT_CACHE_DIR")
        if folder is None and not current_app.testing:
            folder = Path(current_app.instance_path) / "report-cache"
        cache = PDFCache(Path(folder) if folder else None)
        found = current_app.extensions.setdefault(EXTENSION, Renderer(cache))
    assert found is not None
    return found
