"""Behind a proxy that ends HTTPS, as the README's production set-up has it, in a real browser.

Over HTTPS Flask-WTF accepts a form post only with a Referer from the same site, so a referrer
policy that sends none (``no-referrer``) made every start, save and import fail with "security
check expired". The policy must send the Referer to this site and to no other: the private
link is in the address. Here Chromium talks to a TLS proxy started by the test
(tests/browser/tls_proxy.py) in front of ``assessor serve`` with ``FLASK_TRUSTED_PROXY_HOPS=1``.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from actions import (
    OSCE,
    START,
    answer_theme,
    click_button,
    click_link,
    goto,
    import_answers,
    planned_answers,
    private_link,
    start_assessment,
)
from live import new_context
from playwright.sync_api import expect
from tls_proxy import Proxy, tls_proxy

from tests.support.server import LiveServer, upgrade_database

PDF_TIMEOUT = 180_000  # ms: a PDF takes seconds to make, far more on a busy machine


@pytest.fixture(scope="module")
def https(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    """The app under gunicorn, behind a TLS-terminating proxy trusted for one hop."""
    workdir = tmp_path_factory.mktemp("https")
    database_url = f"sqlite:///{workdir / 'assessor.sqlite'}"
    settings = {
        "FLASK_TRUSTED_PROXY_HOPS": "1",
        "FLASK_REPORT_CACHE_DIR": str(workdir / "report-cache"),
    }
    try:
        upgrade_database(database_url)
        with (
            LiveServer(workdir, database_url=database_url, env=settings, workers=2) as server,
            tls_proxy(server.url, workdir) as proxy,
        ):
            yield proxy
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def https_context(browser: Any) -> Iterator[Any]:
    """A fresh browser context that accepts the proxy's self-signed certificate."""
    ctx = new_context(browser, ignore_https_errors=True)
    yield ctx
    ctx.close()


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Another web site: records the Referer it is sent."""

    seen: list[str | None] = []

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        if self.path == "/elsewhere":  # not the browser's own /favicon.ico, say
            self.seen.append(self.headers.get("Referer"))
        body = b"<!doctype html><title>Elsewhere</title><p>Another site."
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def other_site() -> Iterator[tuple[str, list[str | None]]]:
    """A plain HTTP site on another port of 127.0.0.1 (another origin); the Referers it got."""
    seen: list[str | None] = []
    handler = type("Recorder", (_Recorder,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/elsewhere", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def follow_link_to(page: Any, url: str) -> None:
    """Follow a link on the page to ``url``, as when a user clicks a link another site wrote."""
    with page.expect_navigation():
        page.evaluate(
            """url => { const a = document.createElement('a'); a.href = url;
                        a.textContent = 'elsewhere'; document.body.append(a); a.click(); }""",
            url,
        )


def test_every_form_post_works_over_https_and_the_link_stays_on_the_site(
    https: Proxy, https_context: Any, other_site: tuple[str, list[str | None]]
) -> None:
    base = https.url
    page = https_context.new_page()
    themes = OSCE.themes

    # Start: a POST over HTTPS.
    assert start_assessment(page, base).status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(START["title"])
    link = private_link(page)
    assert link.startswith(base + "/a/") and page.url == link

    # Save a theme page: a POST over HTTPS.
    click_link(page, "Start answering")
    answer_theme(page, themes[0], planned_answers())
    assert click_button(page, "Save and continue").status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(themes[1].title)
    expect(page.get_by_role("status")).to_contain_text(f"“{themes[0].title}” are saved")

    # Import an answers file: a multipart POST over HTTPS.
    import_answers(page, base, planned_answers(), title="Imported over HTTPS")
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported over HTTPS")

    # The PDF, requested from the results page: the "being prepared" page, then the download.
    goto(page, link + "results")
    with page.expect_download(timeout=PDF_TIMEOUT) as download:
        page.get_by_role("button", name="Download PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert download.value.path().read_bytes().startswith(b"%PDF-")

    # Every post reached the app with a Referer from this site, and none was refused.
    posts = https.posts()
    assert len(posts) == 3
    for post in posts:
        assert post.headers.get("referer", "").startswith(base + "/"), post
        assert post.status in {302, 303}, post
    refused = [
        (r.method, r.path, r.status)
        for r in https.requests
        if r.status >= 400 and r.path != "/favicon.ico"  # the browser asks; there is none
    ]
    assert refused == []

    # Served as HTTPS: HSTS, a Secure session cookie, links and redirects on https://.
    overview = next(r for r in https.requests if r.path.startswith("/a/") and r.status == 200)
    assert overview.response_headers["strict-transport-security"].startswith("max-age=")
    assert overview.response_headers["referrer-policy"] == "same-origin"
    (session,) = [c for c in https_context.cookies() if c["name"] == "session"]
    assert session["secure"] and session["httpOnly"]
    assert all(
        r.response_headers["location"].startswith(("/", base + "/"))
        for r in https.requests
        if "location" in r.response_headers
    )

    # A link from a page under the private link to another site: no Referer goes with it.
    goto(page, link)
    url, seen = other_site
    follow_link_to(page, url)
    assert page.url == url
    assert seen == [None]


def test_after_an_expired_security_check_the_form_posts_again_over_https(
    https: Proxy, https_context: Any
) -> None:
    page = https_context.new_page()
    theme = OSCE.themes[0]
    start_assessment(page, https.url)
    link = private_link(page)
    goto(page, link + f"theme/{theme.id}")
    answers = planned_answers()
    answer_theme(page, theme, answers)

    # The session is gone (a browser restart): the page comes back with what was typed.
    https_context.clear_cookies()
    assert click_button(page, "Save and continue").status == 400
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "Nothing was saved"
    )
    criterion = theme.criteria[0]
    evidence = page.locator(f"textarea[name='{criterion.id}-evidence']")
    expect(evidence).to_have_value(answers[criterion.id]["evidence"])

    # Submitted again from that page, over HTTPS, it is saved.
    assert click_button(page, "Save and continue").status == 200
    expect(page.get_by_role("status")).to_contain_text(f"“{theme.title}” are saved")
    last_post = https.posts()[-1]
    assert last_post.headers.get("referer", "").startswith(https.url + "/")
