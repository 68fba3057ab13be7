"""Browser fixtures: the real server under gunicorn, and headless Chromium through Playwright.

Without Chromium (or the other tools these tests use) they are skipped with a message saying
how to get them; in CI (``CI=true``) a missing tool fails the run instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from checkers import Finding, axe_findings, run_axe, svg_contrast_findings
from live import HOW_TO_GET_THEM, launch_chromium, missing_tools, new_context, serve
from tour import Visit, tour

from tests.support.ci import unavailable


def require(*needs: str) -> None:
    """Skip the test (or, in CI, fail it) if a tool it needs is missing, saying how to get it."""
    missing = missing_tools(*needs)
    if missing:
        unavailable(
            f"browser tests need {', '.join(missing)}: {HOW_TO_GET_THEM}",
            " (CI must run them; .ci/run installs them)",
        )


@pytest.fixture(scope="session", autouse=True)
def chromium_present() -> None:
    """Every test here needs Chromium."""
    require("chromium")


@pytest.fixture(scope="session")
def axe_present() -> None:
    """axe-core, for the accessibility checks."""
    require("axe")


@pytest.fixture(scope="session")
def vnu_present() -> None:
    """vnu-jar and Java, for the HTML checks."""
    require("vnu")


@pytest.fixture(scope="session")
def poppler_present() -> None:
    """poppler-utils, for reading the PDF as a reader's tools do."""
    require("poppler")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium, shared by the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch_chromium(playwright)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app under gunicorn on a free loopback port, with its own SQLite database."""
    try:
        with serve(tmp_path_factory.mktemp("live")) as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser context (own cookies), closed after the test."""
    ctx = new_context(browser)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    """A tab in a fresh context."""
    return context.new_page()


@dataclass(frozen=True)
class CheckedPage:
    """A kind of page as the server sent it, and what axe found on it in the browser."""

    visit: Visit
    axe: dict[str, Any] | None  # None: axe-core is not installed
    findings: list[Finding]


@pytest.fixture(scope="session")
def toured(browser: Any, live_server: str) -> dict[str, CheckedPage]:
    """Every kind of page, reached as a user reaches it, each checked by axe on screen."""
    use_axe = not missing_tools("axe")
    ctx = new_context(browser)
    try:
        page = ctx.new_page()
        checked = {}
        for visit in tour(page, live_server):
            result, findings = None, []
            if use_axe:
                result = run_axe(page)
                findings = axe_findings(result, visit.kind)
            findings += svg_contrast_findings(page, visit.kind)
            checked[visit.kind] = CheckedPage(visit, result, findings)
        return checked
    finally:
        ctx.close()
