"""Prometheus metrics: what operators watch (request latencies, report renders, the report cache,
the queue's depth, rate-limited requests), with the Prometheus client library.

Every process that does work records here: the web workers (requests, cache lookups, rate
limits) and the report workers (renders). The web app serves them at ``/metrics`` when
``METRICS_ENABLED`` is set (:mod:`assessor.web.metrics`, off by default, optionally behind
``METRICS_TOKEN``).

One process or many. By default each process keeps its figures in its own memory (the client's
default registry), which is right for ``assessor serve --debug`` and the tests. gunicorn runs
several worker processes, and ``assessor worker`` processes render the reports: a scrape would
then see one worker's figures only. Set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder that
every process of the machine can write, in the environment of ``assessor serve`` and of
``assessor worker`` alike, before they start: each process then writes its figures to files
there and a scrape adds them all up (the client's multiprocess mode). Empty the folder before
starting the service (for example ``ExecStartPre=`` in a systemd unit), as the client requires;
a gunicorn worker that exits is marked dead so its figures stop counting as live. A report
worker on another machine has its own folder: scrape that machine's app server, or read the
render counts from the servers' cache and queue figures.

Pure of Flask, so ``assessor worker`` and the PDF process record renders without loading the web
framework.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any, Literal

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

#: The environment variable that turns on the client's multiprocess mode (read by the client
#: when it is first imported, so it must be set before the process starts).
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
#: The content type of :func:`exposition`.
CONTENT_TYPE = CONTENT_TYPE_LATEST

#: Request latencies: a page is a few milliseconds, a download of a PDF made in the request
#: (``REPORT_IN_BACKGROUND`` off) seconds.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: Render times: the OSCE report takes about 3 s, ten times it about 20 s.
RENDER_BUCKETS = (0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0)

REQUEST_SECONDS = Histogram(
    "assessor_request_seconds",
    "Time to answer a web request, by endpoint (Flask's name), method and status.",
    ["endpoint", "method", "status"],
    buckets=REQUEST_BUCKETS,
)
RENDER_SECONDS = Histogram(
    "assessor_report_render_seconds",
    "Time to make one report, by audience and format.",
    ["audience", "fmt"],
    buckets=RENDER_BUCKETS,
)
RENDERS = Counter(
    "assessor_report_renders",
    "Reports made (not served from the cache), by audience and format.",
    ["audience", "fmt"],
)
CACHE_LOOKUPS = Counter(
    "assessor_report_cache_lookups",
    "Lookups of a made report in the cache, by result (hit or miss) and tier.",
    ["result", "tier"],
)
RATE_LIMITED = Counter(
    "assessor_rate_limited_requests",
    "Requests refused by a limit per client address, by limit.",
    ["limit"],
)

QUEUE_DEPTH_NAME = "assessor_report_queue_depth"
_queue_depth_source: Callable[[], int] | None = None
PRERENDERS_PENDING_NAME = "assessor_report_prerenders_pending"
_prerenders_source: Callable[[], int] | None = None
_source_lock = threading.Lock()


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    """Record one answered web request and how long it took."""
    REQUEST_SECONDS.labels(endpoint, method, str(status)).observe(seconds)


def observe_render(audience: str, fmt: str, seconds: float) -> None:
    """Record one report made (``fmt``: "pdf", "docx", ...) and how long it took."""
    RENDER_SECONDS.labels(audience, fmt).observe(seconds)
    RENDERS.labels(audience, fmt).inc()


def count_cache(result: Literal["hit", "miss"], tier: str) -> None:
    """Count one lookup in the report cache: its result, and the tier that answered
    ("memory", "shared", ...; for a miss, the last tier asked)."""
    CACHE_LOOKUPS.labels(result, tier).inc()


def count_rate_limited(limit: str = "private-link-failures") -> None:
    """Count one request refused by a limit per client address (named as in the limiter)."""
    RATE_LIMITED.labels(limit).inc()


def set_queue_depth_source(source: Callable[[], int] | None) -> None:
    """Say how to read the number of reports waiting in the queue (``None``: no queue).

    ``source`` is called at each scrape, in the process that answers it; it should ask the
    shared queue (so every server reports the same figure) and be quick. If it fails, the
    figure is left out of that scrape and the failure logged.
    """
    global _queue_depth_source
    with _source_lock:
        _queue_depth_source = source


def set_prerenders_pending_source(source: Callable[[], int] | None) -> None:
    """Say how to read the number of pre-renders not done yet (``None``: no queue); called at
    each scrape like :func:`set_queue_depth_source`. Zero once the reports of every assessment
    saved a while ago are made: what a benchmark of instant downloads waits for."""
    global _prerenders_source
    with _source_lock:
        _prerenders_source = source


class QueueDepthCollector(Collector):
    """The queue's gauges, read at each scrape from :func:`set_queue_depth_source` and
    :func:`set_prerenders_pending_source`."""

    def collect(self) -> Iterator[Metric]:
        """Each gauge whose source is set and answers."""
        gauges = (
            (
                QUEUE_DEPTH_NAME,
                "the report queue's depth",
                _queue_depth_source,
                "Reports waiting in the queue (all servers).",
            ),
            (
                PRERENDERS_PENDING_NAME,
                "the number of pending pre-renders",
                _prerenders_source,
                "Pre-renders not done yet: assessments in their quiet delay after a save, and "
                "reports queued or being made ahead of time (all servers).",
            ),
        )
        for name, what, source, description in gauges:
            if source is None:
                continue
            try:
                value = int(source())
            except Exception as exc:  # a queue that does not answer must not fail the scrape
                log.warning("metrics: %s is unknown (%s)", what, type(exc).__name__)
                continue
            yield GaugeMetricFamily(name, description, value=value)


_QUEUE_DEPTH = QueueDepthCollector()


def multiprocess_dir() -> str | None:
    """The multiprocess folder, if the multiprocess mode is on."""
    return os.environ.get(MULTIPROC_ENV) or None


def _registry() -> CollectorRegistry:
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        registry.register(_QUEUE_DEPTH)
        return registry
    return REGISTRY


if not multiprocess_dir():
    REGISTRY.register(_QUEUE_DEPTH)


def exposition() -> bytes:
    """Every metric, in the Prometheus text format (every process's, in multiprocess mode)."""
    return generate_latest(_registry())


def sample(name: str, labels: dict[str, str] | None = None) -> float:
    """The current value of one sample (0 when it has none yet): for checks and tests."""
    value = _registry().get_sample_value(name, labels or {})
    return 0.0 if value is None else value


def gunicorn_child_exit(server: Any, worker: Any) -> None:
    """gunicorn's ``child_exit`` hook: a worker that exited stops counting as live."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
