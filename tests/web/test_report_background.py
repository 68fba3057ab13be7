"""PDFs made off the request: a progress page while a background process makes the PDF, then the
download from the shared cache, with the bytes the command line makes."""

from __future__ import annotations

import dataclasses
import re
import time
from datetime import date

import pytest

from assessor import store
from assessor.report import render_pdf
from assessor.report.cache import PDFCache, report_key
from assessor.report.jobs import Renderer
from assessor.scoring import score
from assessor.web.report_jobs import EXTENSION

REFRESH = re.compile(r'<meta http-equiv="refresh" content="(\d+); url=([^"]+)">')


@pytest.fixture
def app(make_app, tmp_path):
    """The app as served in production: PDFs in the background, cached in a shared folder."""
    app = make_app(REPORT_IN_BACKGROUND=True, REPORT_CACHE_DIR=str(tmp_path / "report-cache"))
    yield app
    renderer = app.extensions.get(EXTENSION)
    if renderer is not None:
        renderer.shutdown()


def wait_until_ready(pages, status_url, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = pages.client.get(status_url)
        if response.status_code == 200:
            return response
        assert response.status_code == 202, response.status_code
        time.sleep(0.3)
    raise AssertionError("the PDF was not made in time")


def test_progress_page_then_the_pdf_the_command_line_makes(app, pages, started, school_meals):
    response = pages.client.get(f"{started}report.pdf?audience=ngo")
    assert response.status_code == 303
    status_url = response.headers["Location"]
    assert status_url == f"{started}report?audience=ngo"

    page = pages.get(status_url, expected_status=202)
    assert page.h1 == "Your PDF is being prepared"
    assert page.response.headers["Retry-After"] == "2"
    # No timed reload (WCAG 2.2.1): a script checks the status URL, without reloading the page.
    assert REFRESH.search(page.response.text) is None
    assert f'data-status-url="{status_url}"' in page.response.text
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


def test_a_failed_render_is_reported_for_a_while_then_tried_again(
    monkeypatch, tmp_path, school_meals
):
    from assessor.answers import AnswersFile, AssessmentInfo
    from assessor.report import jobs

    answers_file = AnswersFile(
        school_meals.id, school_meals.version, AssessmentInfo("T", "O", "Moldova", "government")
    )
    missing = dataclasses.replace(school_meals, path=str(tmp_path / "gone.yaml"))
    renderer = Renderer(PDFCache(tmp_path / "cache"))
    today = date.today()
    key = report_key(score(missing, {}), answers_file, "government", today)

    def state(on: Renderer = renderer) -> str:
        return on.state(key, missing, answers_file, audience="government", generated_on=today)

    try:
        assert state() == "pending"
        renderer.wait(key, 120)
        assert not (tmp_path / "cache" / f"{key}.pending").exists()
        assert state() == "failed"
        assert state() == "failed"  # every check says so, for a while
        # Another web worker (same folder, its own memory) says so too, and starts nothing.
        other = Renderer(PDFCache(tmp_path / "cache"))
        assert state(other) == "failed" and other._executor is None
        monkeypatch.setattr(jobs, "FAILURE_SHOWN_FOR", 0.0)
        assert state() == "pending"  # then it is tried again
        renderer.wait(key, 120)
    finally:
        renderer.shutdown()


def test_a_job_announced_by_another_worker_is_not_started_twice(tmp_path, school_meals):
    from assessor.answers import AnswersFile, AssessmentInfo

    answers_file = AnswersFile(
        school_meals.id, school_meals.version, AssessmentInfo("T", "O", "Moldova", "government")
    )
    today = date.today()
    key = report_key(score(school_meals, {}), answers_file, "government", today)
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / f"{key}.pending").write_text("12345")
    renderer = Renderer(PDFCache(folder))
    state = renderer.state(
        key, school_meals, answers_file, audience="government", generated_on=today
    )
    assert state == "pending"
    assert renderer._executor is None  # nothing started here
