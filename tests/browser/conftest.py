"""Browser fixtures: the real server under gunicorn, and headless Chromium through Playwright.

Without Chromium these tests are skipped with a message saying how to get it; in CI
(``CI=true``) a missing browser or test tool fails the run instead.
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
from pathlib import Path

import pytest

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
]
BIN = Path(sys.executable).parent


def _missing(what: str, how: str) -> None:
    message = f"{what} is missing: {how}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Chromium, shared by the whole session."""
    if not Path(CHROMIUM).exists():
        _missing("Chromium", "run `sudo apt-get install chromium` (or set CHROMIUM=/path)")
    for tool, how in ((AXE_JS, "run `npm ci`"), (VNU_JAR, "run `npm ci`")):
        if not tool.exists():
            _missing(str(tool), how)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[str]:
    """The app under gunicorn on a free loopback port, with its own SQLite database."""
    workdir = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{workdir / 'assessor.sqlite'}",
    }
    subprocess.run([str(BIN / "assessor"), "db", "upgrade"], env=env, check=True)
    port = _free_port()
    log = (workdir / "server.log").open("w")
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "2",
            "assessor:create_app()",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/", timeout=2):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                log.close()
                pytest.fail("the server did not start:\n" + (workdir / "server.log").read_text())
            time.sleep(0.2)
    yield url
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture
def context(browser) -> Iterator[object]:
    """A fresh browser context (own cookies); CSP bypassed so axe-core can be injected."""
    ctx = browser.new_context(bypass_csp=True, accept_downloads=True)
    ctx.set_default_timeout(15000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context) -> object:
    """A page in a fresh context."""
    return context.new_page()


def have(command: str) -> bool:
    """Whether a command is on the PATH."""
    return shutil.which(command) is not None
