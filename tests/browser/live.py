"""The real thing, for the browser tests and `make screenshots`: the app served as in
production (`assessor serve`, gunicorn) on a free loopback port with its own SQLite database,
and Debian's headless Chromium driven by Playwright.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from checkers import AXE_JS, VNU_JAR

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
BIN = Path(sys.executable).parent
HOW_TO_GET_THEM = (
    "`make test` installs them when run as root on Debian/Ubuntu; otherwise run "
    "`sudo apt-get install chromium poppler-utils default-jre-headless` and `npm ci` "
    "(or set CHROMIUM=/path/to/chromium)"
)


def in_ci() -> bool:
    """Whether this is a CI run (``CI=true``), where a missing tool fails instead of skipping."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(workdir: Path, workers: int = 2) -> Iterator[str]:
    """Run ``assessor serve`` (gunicorn) on a new SQLite database in ``workdir``; yield the URL."""
    env = {
        **os.environ,
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{workdir / 'assessor.sqlite'}",
        # Its own cache of PDFs, so every run makes them afresh, as for a new user.
        "FLASK_REPORT_CACHE_DIR": str(workdir / "report-cache"),
    }
    env.pop("CHECKLIST_DIR", None)  # the real checklists, as a user gets them
    upgrade = subprocess.run(
        [str(BIN / "assessor"), "db", "upgrade"], env=env, capture_output=True, text=True
    )
    if upgrade.returncode != 0:
        raise RuntimeError(f"`assessor db upgrade` failed:\n{upgrade.stdout}{upgrade.stderr}")
    port = _free_port()
    log_path = workdir / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                str(BIN / "assessor"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_up(url, server, log_path)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/", timeout=2):
                return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "the server did not start:\n" + log_path.read_text(errors="replace")
                ) from None
            time.sleep(0.2)
