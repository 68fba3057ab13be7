"""Reports made off the web workers: in a low-priority process, while the user sees a progress page.

A PDF takes seconds of CPU. Made inside a gunicorn worker it holds that worker's interpreter (the
GIL) and competes for the cores with the form pages, which then wait. A :class:`Renderer` hands
each report to a separate process (one per web worker, started on first use, ``nice``-d so form
pages keep priority) and stores the result in the shared :class:`~assessor.report.cache.PDFCache`.
The web view answers "being prepared" until the cache has it.

The child process makes the PDF with :func:`assessor.report.render_pdf` from the same checklist
file and answers, so the bytes are those the command line writes.

Across web workers (a progress page's refresh may reach another one), a job is announced by a
``<key>.pending`` file next to the cached PDFs, created atomically; a failure leaves a
``<key>.failed`` file, reported for a minute. A pending file older than :data:`PENDING_TIMEOUT` (its
worker died) is taken over.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from assessor.report.cache import PDFCache

if TYPE_CHECKING:
    from assessor.answers import AnswersFile
    from assessor.checklist import Checklist

LOG = logging.getLogger(__name__)
PENDING_TIMEOUT = 300.0
FAILURE_SHOWN_FOR = 60.0  # a failure is shown this long ("try again in a few minutes"), then
# forgotten: the next request makes the report again
NICENESS = 10
TASKS_PER_PROCESS = 100  # then a fresh process: WeasyPrint's caches never grow without bound

State = Literal["ready", "pending", "failed"]


def _lower_priority() -> None:  # pragma: no cover - runs in the child process
    with contextlib.suppress(OSError):
        os.nice(NICENESS)


def _render(
    checklist_path: str,
    checklist_digest: str,
    answers: dict[str, Any],
    audience: str,
    generated_on: str,
) -> bytes:  # pragma: no cover - runs in the child process (tested through the web view)
    """Make one report in the child process: load, score, render."""
    import json

    from assessor.answers import parse_answers_file
    from assessor.checklist import load_checklist
    from assessor.report import ReportError, render_pdf
    from assessor.scoring import score

    checklist = load_checklist(checklist_path)
    if checklist.digest != checklist_digest:
        raise ReportError("the checklist file changed while the report was being made")
    answers_file, _ = parse_answers_file(json.dumps(answers), lambda _id: checklist)
    analysis = score(checklist, answers_file.answers)
    return render_pdf(
        analysis, answers_file, audience=audience, generated_on=date.fromisoformat(generated_on)
    )


class Renderer:
    """Makes reports in a background process and keeps them in ``cache``."""

    def __init__(self, cache: PDFCache, *, processes: int = 1) -> None:
        self.cache = cache
        self.processes = processes
        self._executor: ProcessPoolExecutor | None = None
        self._pid = 0
        self._jobs: dict[str, Future[bytes]] = {}
        self._failed: dict[str, float] = {}  # key -> when its job failed
        self._lock = threading.Lock()

    # -- markers shared by the web workers --------------------------------------------------

    def _marker(self, key: str, kind: str) -> Path | None:
        if self.cache.directory is None or not key.isalnum():
            return None
        return self.cache.directory / f"{key}.{kind}"

    def _claim(self, key: str) -> bool:
        """Announce a job for ``key``; False if another worker has one running."""
        marker = self._marker(key, "pending")
        if marker is None:
            return True
        marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            try:
                age = time.time() - marker.stat().st_mtime
            except OSError:
                return False  # just finished: the next look finds the PDF
            if age < PENDING_TIMEOUT:
                return False
            marker.touch()  # its worker died: take it over
            return True
        except OSError:
            return True  # no shared folder: render anyway
        with os.fdopen(fd, "w") as file:
            file.write(str(os.getpid()))
        return True

    def _release(self, key: str, failed: bool) -> None:
        if failed:
            marker = self._marker(key, "failed")
            if marker is not None:
                with contextlib.suppress(OSError):
                    marker.touch(mode=0o600)
        pending = self._marker(key, "pending")
        if pending is not None:
            with contextlib.suppress(OSError):
                pending.unlink()

    def _has_failed(self, key: str) -> bool:
        """Whether the job for ``key`` failed in the last :data:`FAILURE_SHOWN_FOR` seconds
        (here or in another worker); an older failure is forgotten, so the report is retried."""
        now = time.time()
        with self._lock:
            when = self._failed.get(key)
            if when is not None and now - when >= FAILURE_SHOWN_FOR:
                del self._failed[key]
                when = None
        if when is not None:
            return True
        marker = self._marker(key, "failed")
        if marker is None:
            return False
        try:
            if now - marker.stat().st_mtime < FAILURE_SHOWN_FOR:
                return True
            marker.unlink()
        except OSError:
            pass
        return False

    def _is_pending_elsewhere(self, key: str) -> bool:
        marker = self._marker(key, "pending")
        if marker is None:
            return False
        try:
            return time.time() - marker.stat().st_mtime < PENDING_TIMEOUT
        except OSError:
            return False

    # -- jobs ---------------------------------------------------------------------------------

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None or self._pid != os.getpid():
            # A fresh interpreter ("spawn"), never a fork of a threaded web worker.
            self._executor = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_lower_priority,
                max_tasks_per_child=TASKS_PER_PROCESS,
            )
            self._pid = os.getpid()
            self._jobs.clear()
        return self._executor

    def state(
        self,
        key: str,
        checklist: Checklist,
        answers_file: AnswersFile,
        *,
        audience: str,
        generated_on: date,
    ) -> State:
        """Where the report with this key stands; starts making it if nobody is."""
        if self.cache.get(key) is not None:
            return "ready"
        if self._has_failed(key):
            return "failed"
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and self._pid == os.getpid():
                return "pending"
        if self._is_pending_elsewhere(key) or not self._claim(key):
            return "pending"
        if checklist.path is None:
            raise ValueError("a checklist without a file cannot be rendered in the background")
        with self._lock:
            if key in self._jobs and self._pid == os.getpid():
                return "pending"
            future = self._pool().submit(
                _render,
                checklist.path,
                checklist.digest,
                answers_file.to_dict(),
                audience,
                generated_on.isoformat(),
            )
            self._jobs[key] = future
        future.add_done_callback(lambda done: self._finish(key, done))
        return "pending"

    def _finish(self, key: str, future: Future[bytes]) -> None:
        failed = True
        try:
            pdf = future.result()
        except (CancelledError, BrokenProcessPool):
            # The web worker is stopping (or its renderer died): not the report's fault, and
            # the next request for it starts a new job.
            LOG.warning("a report being made in the background was interrupted")
            failed = False
        except Exception:
            LOG.exception("a report could not be made in the background")
        else:
            self.cache.put(key, pdf)
            failed = False
        with self._lock:
            self._jobs.pop(key, None)
            if failed:
                self._failed[key] = time.time()
        self._release(key, failed)

    def wait(self, key: str, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for this worker's job for ``key`` (for tests)."""
        with self._lock:
            job = self._jobs.get(key)
        if job is not None:
            with contextlib.suppress(Exception):
                job.result(timeout)
            deadline = time.monotonic() + 5  # the done-callback runs just after
            while key in self._jobs and time.monotonic() < deadline:
                time.sleep(0.01)

    def shutdown(self) -> None:
        """Stop the background process (waiting for a job in progress)."""
        if self._executor is not None and self._pid == os.getpid():
            self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor = None
