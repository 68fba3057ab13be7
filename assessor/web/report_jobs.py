"""The web app's report queue and cache (one of each per app and process), its consumers, and
the pre-renders queued after a save.

Settings (defaults in :mod:`assessor.config`): ``REPORT_IN_BACKGROUND`` (default: on) makes
reports in the queue (:mod:`assessor.report.queue`) while the user sees a progress page; off,
the request makes the report itself. Where the queue lives:

- ``REDIS_URL`` set: in Redis, with the job records and the shared report cache; consumed by
  ``assessor worker`` processes (:func:`run_worker`) on any machine;
- else: in the SQLite file ``REPORT_QUEUE_PATH`` (default ``<instance>/report-queue.sqlite``),
  consumed by the ``assessor worker`` that ``assessor serve`` starts beside gunicorn
  (:func:`start_consumer_process`; the development server runs a consumer in a thread,
  :func:`start_embedded`); reports are shared by the
  machine's processes in ``REPORT_CACHE_DIR`` (default ``<instance>/report-cache``; ``""``:
  none).

Bounds: ``REPORT_RENDER_TIMEOUT`` seconds and ``REPORT_MEMORY_LIMIT_MB`` of address space for
one render; ``REPORT_MAX_ATTEMPTS`` tries per report; ``REPORT_MAX_QUEUED`` reports waiting in
the queue (all servers), of which ``REPORT_MAX_PER_ASSESSMENT`` per assessment and
``REPORT_MAX_PER_CLIENT`` per client address; ``REPORT_CACHE_MB`` for the shared cache.
``REPORT_WORKER_THREADS`` reports made at once by each consumer. ``REPORT_PRERENDER`` (default:
on) makes an assessment's reports ``REPORT_PRERENDER_DELAY`` seconds after its last save, so a
download is answered with the file at once.
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request

from assessor import config as settings
from assessor import metrics
from assessor.report import AUDIENCES, FORMATS
from assessor.report.cache import PDFCache, report_key
from assessor.report.queue import (
    ReportQueue,
    ReportSpec,
    Sweeper,
    consumer,
    make_huey,
    make_store,
)

LOG = logging.getLogger(__name__)
EXTENSION = "assessor.report_queue"


def in_background() -> bool:
    """Whether reports are made off the request (in the queue)."""
    return bool(current_app.config["REPORT_IN_BACKGROUND"])


def queue_path(app: Flask) -> Path:
    """The SQLite file of the queue when there is no Redis."""
    configured = app.config.get("REPORT_QUEUE_PATH")
    return Path(configured) if configured else Path(app.instance_path) / "report-queue.sqlite"


def _redis_client(app: Flask) -> Any:
    import redis

    return redis.Redis.from_url(app.config["REDIS_URL"])


def make_cache(app: Flask) -> PDFCache:
    """The report cache of ``app``: memory in front of Redis (``REDIS_URL``) or the folder."""
    config = app.config
    shared = int(config["REPORT_CACHE_MB"]) * 1024 * 1024
    if config.get("REDIS_URL"):
        return PDFCache(redis=_redis_client(app), disk_bytes=shared)
    folder = config["REPORT_CACHE_DIR"]
    if folder is None:
        folder = Path(app.instance_path) / "report-cache"
    return PDFCache(Path(folder) if folder else None, disk_bytes=shared)


def make_queue(app: Flask) -> ReportQueue:
    """A report queue for ``app`` (with its cache), for this process."""
    config = app.config
    redis_url = config.get("REDIS_URL") or None
    path = queue_path(app)
    return ReportQueue(
        make_huey(redis_url, path),
        make_store(redis_url, path),
        make_cache(app),
        load_ahead=lambda assessment_id: _ahead_specs(app, assessment_id),
        revision_of=lambda assessment_id: _revision_of(app, assessment_id),
        render_timeout=float(config["REPORT_RENDER_TIMEOUT"]),
        memory_limit=int(config["REPORT_MEMORY_LIMIT_MB"]) * 1024 * 1024 or None,
        max_attempts=int(config["REPORT_MAX_ATTEMPTS"]),
        max_queued=int(config["REPORT_MAX_QUEUED"]),
        prerender_delay=float(config["REPORT_PRERENDER_DELAY"]),
        threads=int(config["REPORT_WORKER_THREADS"]),
    )


_made_lock = threading.Lock()


def queue(app: Flask | None = None) -> ReportQueue:
    """This app's queue and cache (made on first use in each process, after gunicorn forked)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    with _made_lock:
        found: tuple[int, ReportQueue] | None = app.extensions.get(EXTENSION)
        if found is None or found[0] != os.getpid():
            found = (os.getpid(), make_queue(app))
            app.extensions[EXTENSION] = found
    return found[1]


def cache() -> PDFCache:
    """This app's report cache."""
    return queue().cache


def owners(assessment_id: int) -> dict[str, int]:
    """Who asks for a report, and how many may be waiting for each at once: the assessment
    and the client's address (as the proxy set-up resolves it)."""
    config = current_app.config
    return {
        f"assessment:{assessment_id}": int(config["REPORT_MAX_PER_ASSESSMENT"]),
        f"client:{request.remote_addr or '?'}": int(config["REPORT_MAX_PER_CLIENT"]),
    }


def spec(
    checklist: Any,
    answers_file: Any,
    analysis: Any,
    *,
    audience: str,
    fmt: str,
    generated_on: date,
    compared: Any = None,
    owners: tuple[str, ...] = (),
    review: Any = None,
) -> ReportSpec:
    """What the queue needs to make one report, and its content key."""
    if checklist.path is None:
        raise ValueError("a checklist without a file cannot be rendered in the background")
    return ReportSpec(
        report_key(analysis, answers_file, audience, generated_on, fmt, compared, review),
        (
            checklist.path,
            checklist.digest,
            answers_file.to_dict(),
            audience,
            generated_on.isoformat(),
            fmt,
            compared.to_dict() if compared is not None else None,
            review.to_list() if review is not None else None,
            checklist.display_language,
        ),
        audience,
        fmt,
        owners,
    )


def _ahead_specs(app: Flask, assessment_id: int) -> tuple[int, list[ReportSpec]] | None:
    """The reports to make ahead of time for an assessment (every audience and format), with
    its revision; ``None`` if it is gone or its checklist is no longer offered."""
    from assessor import db, models, store
    from assessor.catalogue import load_catalogue
    from assessor.checklist_translation import in_language
    from assessor.scoring import score
    from assessor.web.results import compared_with

    with app.app_context():
        assessment = db.session().get(models.Assessment, assessment_id)
        if assessment is None:
            return None
        checklist = load_catalogue(app.config["CHECKLIST_DIR"]).get(assessment.checklist_id)
        if checklist is None or checklist.path is None:
            return None
        checklist = in_language(checklist, assessment.report_language)  # as downloads are
        answers_file = store.to_answers_file(assessment, checklist)
        analysis = score(checklist, answers_file.answers)
        compared = compared_with(assessment, checklist)
        today = date.today()
        specs = [
            spec(
                checklist,
                answers_file,
                analysis,
                audience=audience,
                fmt=fmt,
                generated_on=today,
                compared=compared,
            )
            for audience in AUDIENCES
            for fmt in FORMATS
        ]
        return int(assessment.revision), specs


def _revision_of(app: Flask, assessment_id: int) -> int | None:
    from assessor import db, models

    with app.app_context():
        assessment = db.session().get(models.Assessment, assessment_id)
        return None if assessment is None else int(assessment.revision)


# -- after a save ---------------------------------------------------------------------------


def _prerender_after_save(response: Response) -> Response:
    """A POST that changed an assessment (answers, autosave, actions, asks, comparisons):
    queue its reports for when it has been quiet for a few seconds."""
    assessment_id = g.get("assessment_id")
    if (
        assessment_id is None
        or request.method != "POST"
        or not 200 <= response.status_code < 400
        or not current_app.config["REPORT_IN_BACKGROUND"]
        or not current_app.config["REPORT_PRERENDER"]
    ):
        return response
    try:
        queue().prerender_later(int(assessment_id))
    except Exception as exc:  # the queue down: the save stands, the report is made on demand
        LOG.warning("could not queue an assessment's reports ahead of time: %s", exc)
    return response


def init_app(app: Flask) -> None:
    """Queue pre-renders after saves; report the queue's depth in the metrics."""
    app.after_request(_prerender_after_save)
    if app.config["REPORT_IN_BACKGROUND"]:
        metrics.set_queue_depth_source(lambda: queue(app).depth())
        metrics.set_prerenders_pending_source(lambda: queue(app).prerenders_pending())


# -- consumers --------------------------------------------------------------------------------


class Embedded:
    """A consumer running in threads of this process, with its sweeper; :meth:`stop` it."""

    def __init__(self, app: Flask) -> None:
        self.queue = queue(app)
        self.consumer = consumer(self.queue, embedded=True)
        self.sweeper = Sweeper(self.queue).start()
        self.thread = threading.Thread(target=self.consumer.run, name="report-consumer")
        self.thread.daemon = True
        self.thread.start()

    def stop(self) -> None:
        """Stop taking tasks and sweeping (a render under way is left to finish or die)."""
        self.sweeper.stop()
        self.consumer.stop(graceful=False)
        self.thread.join(5)


def start_embedded(app: Flask) -> Embedded:
    """Consume the queue in threads of this process (the development server, tests)."""
    return Embedded(app)


CONSUMER_CHECK = 2.0  # seconds between checks that the consumer process still runs


def start_consumer_process() -> threading.Thread:
    """Start ``assessor worker`` beside this process (``assessor serve`` without ``REDIS_URL``),
    with the same environment, and start it again whenever it exits (killed, out of memory);
    it ends when this process ends (``--with-parent``). The thread that watches it."""
    command = [sys.executable, "-m", "assessor.cli", "worker", "--with-parent", str(os.getpid())]

    def supervise() -> None:
        process = subprocess.Popen(command)
        while True:
            time.sleep(CONSUMER_CHECK)
            if process.poll() is not None:
                LOG.warning(
                    "the report consumer exited (status %s): starting another", process.returncode
                )
                process = subprocess.Popen(command)

    thread = threading.Thread(target=supervise, name="report-consumer-supervisor", daemon=True)
    thread.start()
    return thread


def worker_overrides() -> dict[str, Any]:
    """Settings for a worker process: a secret key if none is set (a worker signs nothing,
    but the app refuses to start without one outside debug)."""
    if settings.has_real_secret_key(settings.resolve().get("SECRET_KEY")):
        return {}
    return {"SECRET_KEY": secrets.token_hex(32)}


def run_worker(app: Flask, threads: int | None = None) -> None:
    """``assessor worker``: consume the queue until SIGINT or SIGTERM."""
    if threads:
        app.config["REPORT_WORKER_THREADS"] = threads
    the_queue = queue(app)
    sweeper = Sweeper(the_queue).start()
    LOG.info(
        "report worker %s: %d threads on %s",
        the_queue.worker_id,
        the_queue.threads,
        "Redis" if app.config.get("REDIS_URL") else queue_path(app),
    )
    try:
        consumer(the_queue, embedded=False).run()
    finally:
        sweeper.stop()
