"""Reports made off the request: a progress page while the queue's worker makes the PDF, then the
download from the shared cache, with the bytes the command line makes; a report made ahead of
time after a save is downloaded at once."""

from __future__ import annotations

import os
import re
import signal
import time
from datetime import date

import pytest

from assessor import store
from assessor.report import render_pdf
from assessor.scoring import score
from assessor.web import report_jobs
from tests.support import processes
from tests.support.data import START
from tests.support.html import Pages

REFRESH = re.compile(r'<meta http-equiv="refresh" content="(\d+); url=([^"]+)">')


@pytest.fixture
def background(make_app, tmp_path):
    """Make apps as served on one machine: reports made in the queue (an SQLite file) by a
    consumer in threads of this process, cached in a shared folder (``settings`` change that);
    their consumers are stopped after the test and any render process left is killed."""
    consumers = []

    def make(**settings):
        config = {
            "REPORT_IN_BACKGROUND": True,
            "REPORT_CACHE_DIR": str(tmp_path / "report-cache"),
            "REPORT_QUEUE_PATH": str(tmp_path / "report-queue.sqlite"),
            "REPORT_PRERENDER": False,
        }
        app = make_app(**(config | settings))
        consumers.append(report_jobs.start_embedded(app))
        return app

    before = processes.renderers(parent=os.getpid())
    yield make
    for consumer in consumers:
        consumer.stop()
    processes.kill(processes.renderers(parent=os.getpid()) - before)


@pytest.fixture
def app(background):
    """The app as served in production."""
    return background()


def wait_until_done(pages, status_url, timeout=180):
    """Check the status page until it is no longer 202 ("being prepared"); the last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = pages.client.get(status_url)
        if response.status_code != 202:
            return response
        time.sleep(0.3)
    raise AssertionError("the PDF was not made in time")


def wait_until_ready(pages, status_url, timeout=180):
    response = wait_until_done(pages, status_url, timeout)
    assert response.status_code == 200, response.status_code
    return response


def test_progress_page_then_the_pdf_the_command_line_makes(app, pages, started, school_meals):
    response = pages.client.get(f"{started}report.pdf?audience=ngo")
    assert response.status_code == 303
    status_url = response.headers["Location"]
    assert status_url == f"{started}report?audience=ngo&format=pdf"

    page = pages.get(status_url, expected_status=202)
    assert page.h1 == "Your PDF is being prepared"
    assert page.response.headers["Retry-After"] == "2"
    # No timed reload (WCAG 2.2.1): a script checks the status URL, without reloading the page.
    assert REFRESH.search(page.response.text) is None
    assert f'data-status-url="{status_url.replace("&", "&amp;")}"' in page.response.text
    assert "js/report-status.js" in page.response.text
    assert "Check again now" in page.text

    ready = wait_until_ready(pages, status_url)
    assert "Your PDF is ready" in ready.text
    pdf_url = f"{started}report.pdf?audience=ngo"
    assert REFRESH.search(ready.text).groups() == ("0", pdf_url)

    download = pages.client.get(pdf_url)
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].endswith(f'-ngo-{date.today()}.pdf"')
    token = started.strip("/").split("/")[1]
    with app.app_context():
        answers_file = store.to_answers_file(store.get_by_token(token), school_meals)
    expected = render_pdf(score(school_meals, answers_file.answers), answers_file, audience="ngo")
    assert download.data == expected


def test_a_changed_answer_makes_the_pdf_again(app, pages, started, school_meals):
    ready_url = f"{started}report?audience=government"
    pages.client.get(f"{started}report.pdf")
    wait_until_ready(pages, ready_url)
    assert pages.client.get(f"{started}report.pdf").status_code == 200  # cached

    theme = school_meals.themes[0]
    crit = theme.criteria[0]
    form = pages.get(f"{started}theme/{theme.id}").form_data()
    pages.post(f"{started}theme/{theme.id}", form | {f"{crit.id}-level": "full"})
    response = pages.client.get(f"{started}report.pdf")
    assert response.status_code == 303  # not the old PDF


# -- the worker heals, is bounded, and the cache folder may fail (issues 10, 17) -------------


def start(app, title=START["title"]):
    """A new browser on ``app`` and an assessment it started: (pages, private link path)."""
    pages = Pages(app.test_client())
    return pages, pages.post("/", START | {"title": title})


def test_a_render_process_killed_mid_render_costs_a_retry_not_an_error(background):
    pages, started = start(background())
    before = processes.renderers(parent=os.getpid())
    status_url = f"{started}report?audience=government"
    assert pages.client.get(status_url).status_code == 202
    assert processes.wait_for(lambda: processes.renderers(parent=os.getpid()) - before, 60)
    for pid in processes.renderers(parent=os.getpid()) - before:
        os.kill(pid, signal.SIGKILL)
    ready = wait_until_ready(pages, status_url)  # every answer until then a 202, no 500
    assert "Your PDF is ready" in ready.text
    assert pages.client.get(f"{started}report.pdf").status_code == 200


def test_a_render_that_keeps_failing_stops_after_its_tries_with_a_clear_page(background):
    app = background(REPORT_RENDER_TIMEOUT=0.001, REPORT_MAX_ATTEMPTS=2)
    pages, started = start(app)
    done = wait_until_done(pages, f"{started}report?audience=government")
    assert done.status_code == 503
    assert "The report could not be made just now. Your answers are safe" in done.text
    assert report_jobs.queue(app).depth() == 0  # stopped, not retried for ever


def test_reports_of_one_assessment_queued_at_once_are_bounded(background):
    pages, started = start(background(REPORT_MAX_PER_ASSESSMENT=1))
    assert pages.client.get(f"{started}report?audience=government").status_code == 202
    refused = pages.get(f"{started}report?audience=ngo", expected_status=429)
    assert refused.h1 == "Too many reports are being made"
    assert refused.response.headers["Retry-After"] == "30"
    assert "Other reports of this assessment, or from your network" in refused.text
    assert "js/report-status.js" not in refused.response.text  # nothing reloads by itself
    assert refused.response.headers["Content-Type"].startswith("text/html")
    wait_until_ready(pages, f"{started}report?audience=government")
    wait_until_ready(pages, f"{started}report?audience=ngo")  # its turn now


def test_reports_queued_at_once_by_one_client_are_bounded(background):
    app = background(REPORT_MAX_PER_ASSESSMENT=5, REPORT_MAX_PER_CLIENT=1)
    pages, first = start(app)
    _, second = start(app, "Another review")  # another report, not the same one
    assert pages.client.get(f"{first}report").status_code == 202
    assert pages.client.get(f"{second}report").status_code == 429  # same address
    wait_until_ready(pages, f"{first}report")


def test_a_full_queue_answers_503_with_retry_after(background):
    pages, started = start(background(REPORT_MAX_QUEUED=0))
    refused = pages.get(f"{started}report", expected_status=503)
    assert refused.h1 == "Too many reports are being made"
    assert refused.response.headers["Retry-After"] == "30"
    assert "The service is making many reports just now" in refused.text


def test_an_unusable_cache_folder_keeps_reports_in_memory(background, tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    pages, started = start(background(REPORT_CACHE_DIR=str(blocker / "report-cache")))
    response = pages.client.get(f"{started}report.pdf")
    assert response.status_code == 303  # not a 500
    wait_until_ready(pages, response.headers["Location"])
    download = pages.client.get(f"{started}report.pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert "reports are kept in memory only" in caplog.text


def test_a_download_made_in_the_request_is_the_cached_render(make_app, monkeypatch):
    from assessor.report import cache as cache_module
    from assessor.web import results

    calls = []

    def recording(*args, **kwargs):
        calls.append(kwargs["audience"])
        return cache_module.render_pdf_cached(*args, **kwargs)

    monkeypatch.setattr(results, "render_pdf_cached", recording)
    pages, started = start(make_app(REPORT_IN_BACKGROUND=False))
    first = pages.client.get(f"{started}report.pdf?audience=ngo")
    again = pages.client.get(f"{started}report.pdf?audience=ngo")
    assert first.status_code == again.status_code == 200
    assert first.data == again.data
    assert calls == ["ngo", "ngo"]  # the function the benchmarks measure, each time


def test_a_kept_comparison_is_made_in_the_background_and_changes_the_key(
    app, pages, started, school_meals
):
    import io
    import json

    import docx

    from assessor.answers import parse_answers_file
    from tests.support.data import ANSWERS_FILE

    status = f"{started}report?audience=ngo&format=docx"
    wait_until_ready(pages, status)  # made without a comparison first
    shadow, _ = parse_answers_file(json.dumps(ANSWERS_FILE), {school_meals.id: school_meals}.get)
    token = started.strip("/").split("/")[1]
    with app.app_context():
        store.keep_comparison(store.get_by_token(token), store.PARTNER, shadow)
    # The comparison is part of what the document is made from: not the cached one.
    assert pages.client.get(f"{started}report.docx?audience=ngo").status_code == 303
    wait_until_ready(pages, status)
    download = pages.client.get(f"{started}report.docx?audience=ngo")
    assert download.status_code == 200
    headings = [p.text for p in docx.Document(io.BytesIO(download.data)).paragraphs]
    assert "Annex 2. Where the assessments differ" in headings


# -- reports made ahead of time after a save (issue 17) ----------------------------------------


def test_after_a_save_an_unchanged_assessment_downloads_at_once(background, school_meals):
    app = background(REPORT_PRERENDER=True, REPORT_PRERENDER_DELAY=0.2)
    pages, started = start(app)
    theme = school_meals.themes[0]
    crit = theme.criteria[0]
    form = pages.get(f"{started}theme/{theme.id}").form_data()
    pages.post(f"{started}theme/{theme.id}", form | {f"{crit.id}-level": "partial"})
    # Saved again at once (the autosave of one criterion): this save supersedes the first.
    form = pages.get(f"{started}theme/{theme.id}").form_data()
    saved = pages.client.post(
        f"{started}theme/{theme.id}/criterion/{crit.id}",
        data=form | {f"{crit.id}-level": "full"},
        headers={"Accept": "application/json"},
    )
    assert saved.status_code < 400
    queue = report_jobs.queue(app)
    # Both audiences, both formats: four reports, each made once, all of the last save.
    assert processes.wait_for(lambda: len(queue.renders()) >= 4, 180), queue.renders()
    assert processes.wait_for(lambda: not queue.store.items("jobs"), 30)
    assert sorted(queue.renders().values()) == [1, 1, 1, 1]
    for audience in ("government", "ngo"):
        for fmt, magic in (("pdf", b"%PDF-"), ("docx", b"PK")):
            download = pages.client.get(f"{started}report.{fmt}?audience={audience}")
            assert download.status_code == 200, (audience, fmt)  # the file, no progress page
            assert download.data.startswith(magic)
    token = started.strip("/").split("/")[1]
    with app.app_context():
        answers_file = store.to_answers_file(store.get_by_token(token), school_meals)
    assert answers_file.answers[crit.id].level == "full"  # made from the last save


def test_health_reports_the_queue(background):
    app = background()
    client = app.test_client()
    assert processes.wait_for(lambda: client.get("/healthz").get_json()["queue"]["workers"], 30)
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["queue"] == {"depth": 0, "workers": 1}
    assert "redis" not in body  # not configured


def test_a_queue_that_does_not_answer_gets_try_again_later_not_a_500(background, monkeypatch):
    app = background()
    pages, started = start(app)

    def down(*args, **kwargs):
        raise ConnectionError("the queue's store is down")

    monkeypatch.setattr(report_jobs.queue(app), "state", down)
    refused = pages.get(f"{started}report", expected_status=503)
    assert refused.response.headers["Retry-After"] == "30"
    assert "The service is making many reports just now" in refused.text
