"""``/metrics`` for Prometheus: off by default, a token when set, and the figures it shows move
with requests, refused clients, report renders, cache lookups and the queue (on SQLite: nothing
here depends on the database)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from assessor import metrics
from assessor.config import PROJECT_ROOT
from assessor.tokens import new_token
from assessor.web.metrics import enabled
from tests.support.data import START

REQUESTS = "assessor_request_seconds_count"


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """SQLite only: the metrics do not depend on the database."""
    return sqlite_url


@pytest.fixture
def metrics_app(make_app: Callable[..., Flask]) -> Flask:
    """The app with ``/metrics`` on and no token."""
    return make_app(METRICS_ENABLED=True)


@pytest.fixture
def no_queue() -> Iterator[None]:
    """No queue depth before the test (an earlier test's app may have said one: the source is
    per process), and whatever the test sets is forgotten afterwards."""
    metrics.set_queue_depth_source(None)
    metrics.set_prerenders_pending_source(None)
    yield
    metrics.set_queue_depth_source(None)
    metrics.set_prerenders_pending_source(None)


def scrape(app: Flask, **headers: str) -> str:
    """The text of ``/metrics`` (asserting it was served)."""
    response = app.test_client().get("/metrics", headers=headers)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_data(as_text=True)


def test_metrics_are_off_by_default(app: Flask) -> None:
    response = app.test_client().get("/metrics")
    assert response.status_code == 404
    assert "assessor_" not in response.get_data(as_text=True)


def test_metrics_are_served_when_enabled(metrics_app: Flask) -> None:
    metrics_app.test_client().get("/")
    text = scrape(metrics_app)
    assert "# TYPE assessor_request_seconds histogram" in text
    assert "assessor_report_render_seconds" in text
    assert "assessor_report_cache_lookups" in text
    assert "assessor_rate_limited_requests" in text


@pytest.mark.parametrize("value", ["true", "1", "on", "yes", " True ", True])
def test_the_setting_reads_on_from_the_environment_or_a_file(value: object) -> None:
    assert enabled(value)


@pytest.mark.parametrize("value", ["false", "0", "", "off", None, False])
def test_the_setting_reads_off(value: object) -> None:
    assert not enabled(value)


def test_a_token_protects_the_metrics(make_app: Callable[..., Flask]) -> None:
    app = make_app(METRICS_ENABLED="true", METRICS_TOKEN="s3cret-scrape-token")
    client = app.test_client()
    unknown = client.get("/no-such-page")
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Bearer s3cret-scrape-tokenx"},
        {"Authorization": "Basic s3cret-scrape-token"},
        {"Authorization": "s3cret-scrape-token"},
    ):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 404, headers
        assert "assessor_" not in refused.get_data(as_text=True)
        assert refused.content_type == unknown.content_type
    assert "assessor_request_seconds" in scrape(app, Authorization="Bearer s3cret-scrape-token")


def test_each_request_is_timed_by_endpoint_method_and_status(metrics_app: Flask) -> None:
    labels = {"endpoint": "assessments.start", "method": "GET", "status": "200"}
    missing = {"endpoint": "unmatched", "method": "GET", "status": "404"}
    before, before_missing = metrics.sample(REQUESTS, labels), metrics.sample(REQUESTS, missing)
    client = metrics_app.test_client()
    client.get("/")
    client.get("/")
    client.get("/no-such-page")
    assert metrics.sample(REQUESTS, labels) == before + 2
    assert metrics.sample(REQUESTS, missing) == before_missing + 1
    assert 'assessor_request_seconds_count{endpoint="assessments.start",method="GET",' in (
        scrape(metrics_app)
    )


def test_refused_private_link_lookups_are_counted(make_app: Callable[..., Flask]) -> None:
    app = make_app(METRICS_ENABLED=True, PRIVATE_LINK_FAILURE_LIMIT="2 per 10 minutes")
    name = "assessor_rate_limited_requests_total"
    labels = {"limit": "private-link-failures"}
    refused = {"endpoint": "assessments.overview", "method": "GET", "status": "429"}
    before, before_429 = metrics.sample(name, labels), metrics.sample(REQUESTS, refused)
    client = app.test_client()
    statuses = [client.get(f"/a/{new_token()}/").status_code for _ in range(4)]
    assert statuses == [404, 404, 429, 429]
    assert metrics.sample(name, labels) == before + 2
    assert metrics.sample(REQUESTS, refused) == before_429 + 2  # refused requests are timed


def test_refused_creations_are_counted(make_app: Callable[..., Flask]) -> None:
    app = make_app(METRICS_ENABLED=True, CREATION_LIMIT="1 per hour")
    name = "assessor_rate_limited_requests_total"
    labels = {"limit": "assessment-creations"}
    before = metrics.sample(name, labels)
    client = app.test_client()
    assert client.post("/", data=START).status_code in (302, 303)
    assert metrics.sample(name, labels) == before
    assert client.post("/", data=START).status_code == 429
    assert metrics.sample(name, labels) == before + 1


def test_renders_and_cache_lookups_are_counted(metrics_app: Flask) -> None:
    seconds = "assessor_report_render_seconds_count"
    renders = "assessor_report_renders_total"
    labels = {"audience": "public", "fmt": "pdf"}
    hits = {"result": "hit", "tier": "memory"}
    misses = {"result": "miss", "tier": "shared"}
    lookups = "assessor_report_cache_lookups_total"
    before = [metrics.sample(n, labels) for n in (seconds, renders)]
    before_cache = [metrics.sample(lookups, x) for x in (hits, misses)]
    metrics.observe_render("public", "pdf", 2.5)
    metrics.count_cache("hit", "memory")
    metrics.count_cache("hit", "memory")
    metrics.count_cache("miss", "shared")
    assert [metrics.sample(n, labels) for n in (seconds, renders)] == [b + 1 for b in before]
    assert [metrics.sample(lookups, x) for x in (hits, misses)] == [
        before_cache[0] + 2,
        before_cache[1] + 1,
    ]
    text = scrape(metrics_app)
    assert 'assessor_report_render_seconds_bucket{audience="public",fmt="pdf",le="3.0"}' in text


def test_the_queue_depth_is_read_at_each_scrape(metrics_app: Flask, no_queue: None) -> None:
    assert metrics.QUEUE_DEPTH_NAME not in scrape(metrics_app)  # no queue said: no figure
    depth = [3]
    metrics.set_queue_depth_source(lambda: depth[0])
    assert f"{metrics.QUEUE_DEPTH_NAME} 3.0" in scrape(metrics_app)
    depth[0] = 0
    assert f"{metrics.QUEUE_DEPTH_NAME} 0.0" in scrape(metrics_app)


def test_the_pending_pre_renders_are_read_at_each_scrape(
    metrics_app: Flask, no_queue: None
) -> None:
    assert metrics.PRERENDERS_PENDING_NAME not in scrape(metrics_app)
    pending = [2]
    metrics.set_prerenders_pending_source(lambda: pending[0])
    assert f"{metrics.PRERENDERS_PENDING_NAME} 2.0" in scrape(metrics_app)
    pending[0] = 0
    assert f"{metrics.PRERENDERS_PENDING_NAME} 0.0" in scrape(metrics_app)


def test_a_queue_that_does_not_answer_leaves_the_rest(
    metrics_app: Flask, no_queue: None, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> int:
        raise ConnectionError("redis is down")

    metrics.set_queue_depth_source(broken)
    text = scrape(metrics_app)
    assert metrics.QUEUE_DEPTH_NAME not in text
    assert "assessor_request_seconds" in text
    assert "queue's depth is unknown (ConnectionError)" in caplog.text


RECORD = """
import sys
from assessor import metrics
metrics.observe_render("government", "pdf", float(sys.argv[1]))
metrics.count_cache("miss", "shared")
"""

SCRAPE = """
from assessor import metrics
metrics.set_queue_depth_source(lambda: 7)
print(metrics.exposition().decode())
"""


def test_processes_add_up_in_multiprocess_mode(tmp_path: Path) -> None:
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {**os.environ, metrics.MULTIPROC_ENV: str(folder), "PYTHONPATH": str(PROJECT_ROOT)}

    def python(code: str, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout

    python(RECORD, "1.5")  # two report workers, each its own process
    python(RECORD, "4.0")
    text = python(SCRAPE)  # a web worker answering the scrape
    assert 'assessor_report_renders_total{audience="government",fmt="pdf"} 2.0' in text
    assert 'assessor_report_render_seconds_sum{audience="government",fmt="pdf"} 5.5' in text
    assert 'assessor_report_cache_lookups_total{result="miss",tier="shared"} 2.0' in text
    assert f"{metrics.QUEUE_DEPTH_NAME} 7.0" in text
