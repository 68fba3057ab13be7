"""The real thing, for the browser tests and `make screenshots`: the app served as in
production (`assessor serve`, gunicorn, through :class:`tests.support.server.LiveServer`) on a
free loopback port with its own SQLite database, and Debian's headless Chromium driven by
Playwright.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from checkers import AXE_JS, VNU_JAR

from tests.support.server import LiveServer, upgrade_database

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1280, "height": 900}
HOW_TO_GET_THEM = (
    "`make test` installs them when run as root on Debian/Ubuntu; otherwise run "
    "`sudo apt-get install chromium poppler-utils default-jre-headless` and `npm ci` "
    "(or set CHROMIUM=/path/to/chromium)"
)


def missing_tools(*needs: str) -> list[str]:
    """Which of the tools the browser tests may need this machine lacks (empty: all there).

    ``needs`` names groups: "chromium", "axe", "vnu" (vnu-jar and Java), "poppler".
    """
    missing = []
    if "chromium" in needs and not Path(CHROMIUM).exists():
        missing.append(f"Chromium ({CHROMIUM})")
    if "axe" in needs and not AXE_JS.exists():
        missing.append("axe-core (node_modules, from `npm ci`)")
    if "vnu" in needs and not VNU_JAR.exists():
        missing.append("vnu-jar (node_modules, from `npm ci`)")
    if "vnu" in needs and shutil.which("java") is None:
        missing.append("Java (for vnu-jar)")
    if "poppler" in needs:
        for tool in ("pdfinfo", "pdffonts", "pdftotext", "pdftoppm"):
            if shutil.which(tool) is None:
                missing.append(f"{tool} (poppler-utils)")
    return missing


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless, with nothing that reaches the network on its own."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_context(browser: Any, **options: Any) -> Any:
    """A fresh browser context: its own cookies; CSP bypassed so axe-core can be injected."""
    options = {"viewport": VIEWPORT, **options}
    ctx = browser.new_context(bypass_csp=True, accept_downloads=True, **options)
    ctx.set_default_timeout(15000)
    return ctx


@contextmanager
def serve(workdir: Path, workers: int = 2, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Run ``assessor serve`` (gunicorn) on a new SQLite database in ``workdir``; yield the URL.

    ``env`` adds settings to the server's environment (``FLASK_...``, say).
    """
    database_url = f"sqlite:///{workdir / 'assessor.sqlite'}"
    upgrade_database(database_url)
    # Its own cache of PDFs, so every run makes them afresh, as for a new user; no pre-renders
    # after saves, so the tour meets the "being prepared" page however long it paused.
    settings = {
        "FLASK_REPORT_CACHE_DIR": str(workdir / "report-cache"),
        "FLASK_REPORT_PRERENDER": "false",
        **(env or {}),
    }
    with LiveServer(workdir, database_url=database_url, env=settings, workers=workers) as server:
        yield server.url
