"""Reports made off the web workers: in a low-priority process, while the user sees a progress page.

A PDF takes seconds of CPU. Made inside a gunicorn worker it holds that worker's interpreter (the
GIL) and competes for the cores with the form pages, which then wait. A :class:`Renderer` hands
each report to a separate process (one per web worker, ``nice``-d so form pages keep priority)
and stores the result in the shared :class:`~assessor.report.cache.PDFCache`. The web view
answers "being prepared" until the cache has it.

The child process makes the PDF with :func:`assessor.report.render_pdf` from the same checklist
file and answers, so the bytes are those the command line writes.

Why not ``concurrent.futures.ProcessPoolExecutor``, which this module used before: a pool whose
child was killed stays broken for good (every later report failed), its ``max_tasks_per_child``
hangs on Python 3.11 when a job is queued as a child retires, and it can neither stop one job
that runs too long nor bound its queue. Instead one thread per web worker (the dispatcher) feeds
one job at a time through a pipe to one child process it owns, which makes it simple to heal:

- **a dead child is replaced**, and the job it was making is tried again (:data:`MAX_ATTEMPTS`
  in all), so a renderer killed mid-render or at idle costs a retry, never an error page;
- **limits per render**: the child runs under ``RLIMIT_AS`` (:data:`MEMORY_LIMIT`; a normal
  OSCE report peaks at about 140 MB resident, 330 MB of address space) and the dispatcher kills
  it after :data:`RENDER_TIMEOUT` seconds of one render; the job then fails (the user sees "the
  PDF could not be made") and a fresh child takes the next one;
- **recycled between jobs**: after :data:`TASKS_PER_PROCESS` reports, or :data:`IDLE_RETIRE`
  seconds without work, the child is stopped while it is idle (a large report's memory goes
  back to the system); the next job starts a fresh one. Starting one costs about 2 s (a Python
  interpreter importing WeasyPrint and loading the fonts), so a child is not started per job;
- **bounded queue**: at most ``max_queued`` jobs per web worker, and at most the given number
  per owner (the web app passes the assessment and the client's address): over it,
  :meth:`Renderer.state` answers ``"busy"`` or ``"limited"`` and nothing is queued;
- **no orphans**: the child asks Linux to kill it when its parent dies
  (``prctl(PR_SET_PDEATHSIG, SIGKILL)``; that signal follows the *thread* that started the child,
  which is why the long-lived dispatcher thread starts it), and a watchdog thread in the child
  checks its parent as well; a web worker that stops gracefully stops its child (``atexit``).

Across web workers (a progress page's refresh may reach another one), a job is announced by a
``<key>.pending`` file next to the cached PDFs, created atomically, holding the host and process
id of its worker and kept fresh (its time touched every :data:`HEARTBEAT` seconds) for as long as
the job is queued or running. Another worker takes it over when that process is gone (same
host) or the file was not touched for :data:`PENDING_TIMEOUT` seconds. A failure leaves a
``<key>.failed`` file, reported for :data:`FAILURE_SHOWN_FOR` seconds. The cache's prune removes
markers left behind.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
import weakref
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from assessor.files import TEMP_PREFIX
from assessor.report.cache import PDFCache

if TYPE_CHECKING:
    from collections.abc import Mapping
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from assessor.answers import AnswersFile
    from assessor.checklist import Checklist

LOG = logging.getLogger(__name__)
PENDING_TIMEOUT = 60.0  # a pending marker not touched this long: its worker is gone
HEARTBEAT = 5.0  # how often a worker touches the markers of the jobs it holds
FAILURE_SHOWN_FOR = 60.0  # a failure is shown this long ("try again in a few minutes"), then
# forgotten: the next request makes the report again
NICENESS = 10
TASKS_PER_PROCESS = 50  # then a fresh process: WeasyPrint's caches never grow without bound
IDLE_RETIRE = 600.0  # an idle child is stopped after this long, giving its memory back
RENDER_TIMEOUT = 120.0  # seconds for one render (the OSCE report takes about 3 s, 10x it 22 s)
STARTUP_TIMEOUT = 60.0  # seconds for a child to start (about 2 s)
MEMORY_LIMIT = 1536 * 1024 * 1024  # bytes of address space for a child (RLIMIT_AS)
MAX_ATTEMPTS = 2  # a job whose renderer died is tried once more
MAX_QUEUED = 8  # jobs queued or running per web worker
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

State = Literal["ready", "pending", "failed", "limited", "busy"]


# -- the child process ----------------------------------------------------------------------


def _die_with_parent(parent_pid: int) -> None:  # pragma: no cover - runs in the child process
    """Make sure this process does not outlive ``parent_pid`` (its web worker)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # it died before the line above
        os._exit(1)

    def watch() -> None:  # the fallback: another system, or the starting thread exited
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _child_main(
    connection: Connection, parent_pid: int, memory_limit: int | None
) -> None:  # pragma: no cover - runs in the child process (tested through the Renderer)
    """The child's loop: set itself up, say "ready", then make each report it is sent."""
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops us
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    if memory_limit:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    try:
        from assessor.report import pdf

        pdf._styles()  # load the fonts and stylesheet now: the time limit is for rendering
    except BaseException as exc:
        connection.send(("error", f"the renderer could not start ({type(exc).__name__}: {exc})"))
        return
    connection.send(("ready", None))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            result: tuple[str, Any] = ("ok", _render(*job))
        except Exception as exc:  # MemoryError under RLIMIT_AS included
            result = ("error", f"{type(exc).__name__}: {exc}")
        connection.send(result)


def _render(
    checklist_path: str,
    checklist_digest: str,
    answers: dict[str, Any],
    audience: str,
    generated_on: str,
    fmt: str = "pdf",
    compared: dict[str, Any] | None = None,
    language: str = "en",
) -> bytes:  # pragma: no cover - runs in the child process (tested through the web view)
    """Make one report in the child process: load (in the language of the checklist texts
    the web worker scored, a translation's if any), score, render."""
    import json

    from assessor.answers import parse_answers_file
    from assessor.checklist import load_checklist
    from assessor.checklist_translation import in_language
    from assessor.report import ReportError, render_report
    from assessor.scoring import score

    checklist = load_checklist(checklist_path)
    if checklist.digest != checklist_digest:
        raise ReportError("the checklist file changed while the report was being made")
    checklist = in_language(checklist, language)
    answers_file, _ = parse_answers_file(json.dumps(answers), lambda _id: checklist)
    other = None
    if compared is not None:
        other, _ = parse_answers_file(json.dumps(compared), lambda _id: checklist)
    analysis = score(checklist, answers_file.answers)
    return render_report(
        analysis,
        answers_file,
        audience=audience,
        fmt=fmt,
        generated_on=date.fromisoformat(generated_on),
        compared=other,
    )


# -- the web worker's side ------------------------------------------------------------------


@dataclass
class _Job:
    key: str
    args: tuple[str, str, dict[str, Any], str, str, str, dict[str, Any] | None, str]
    owners: frozenset[str]
    attempts: int = 0


@dataclass
class _Child:
    """One renderer process and this side of its pipe."""

    process: BaseProcess
    connection: Connection
    generation: int
    ready: bool = False
    jobs_done: int = 0
    idle_since: float = field(default_factory=time.monotonic)

    def stop(self, grace: float = 2.0) -> None:
        """Ask the child to exit, then kill it if it has not within ``grace`` seconds."""
        with contextlib.suppress(OSError, ValueError):
            self.connection.send(None)
        self.process.join(grace)
        self.kill()

    def kill(self) -> None:
        """SIGKILL the child (if it still runs) and reap it."""
        if self.process.is_alive():
            with contextlib.suppress(OSError):
                self.process.kill()
        self.process.join(5)
        with contextlib.suppress(OSError):
            self.connection.close()


Outcome = Literal["ok", "error", "died", "timeout"]


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` of this host still runs (a zombie does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


class Renderer:
    """Makes reports in a background process and keeps them in ``cache``."""

    def __init__(
        self,
        cache: PDFCache,
        *,
        render_timeout: float = RENDER_TIMEOUT,
        memory_limit: int | None = MEMORY_LIMIT,
        max_queued: int = MAX_QUEUED,
    ) -> None:
        self.cache = cache
        self.render_timeout = render_timeout
        self.memory_limit = memory_limit
        self.max_queued = max_queued
        self._pid = os.getpid()
        self._jobs: dict[str, _Job] = {}  # queued or running, by key
        self._queue: deque[_Job] = deque()
        self._child: _Child | None = None
        self._thread: threading.Thread | None = None
        self._generation = 0  # moves on at shutdown: the old dispatcher then does nothing more
        self._failed: dict[str, float] = {}  # key -> when its job failed
        self._lock = threading.Condition()
        _LIVE.add(self)

    # -- markers shared by the web workers --------------------------------------------------

    def _marker(self, key: str, kind: str) -> Path | None:
        if self.cache.directory is None or not key.isalnum():
            return None
        return self.cache.directory / f"{key}.{kind}"

    @staticmethod
    def _owner_text() -> str:
        return f"{socket.gethostname()} {os.getpid()}"

    def _marker_is_live(self, marker: Path) -> bool:
        """Whether the job a pending marker announces is still being made by its worker."""
        try:
            age = time.time() - marker.stat().st_mtime
            owner = marker.read_text(encoding="utf-8", errors="replace").split()
        except OSError:
            return False
        if age >= PENDING_TIMEOUT:
            return False  # its worker stopped keeping it fresh
        if len(owner) == 2 and owner[0] == socket.gethostname() and owner[1].isdigit():
            return _pid_alive(int(owner[1]))
        return True  # another host's (or an older format): trust its freshness

    def _claim(self, key: str) -> bool:
        """Announce a job for ``key``; False if another worker has one running."""
        marker = self._marker(key, "pending")
        if marker is None:
            return True
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            if self._marker_is_live(marker):
                return False
            LOG.info("taking over a report whose worker is gone")
            with contextlib.suppress(OSError):
                tmp = marker.with_name(
                    f"{TEMP_PREFIX}{os.getpid()}-{threading.get_ident()}.pending"
                )
                tmp.write_text(self._owner_text(), encoding="utf-8")
                os.replace(tmp, marker)
            return True
        except OSError:
            return True  # no usable shared folder: render anyway
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(self._owner_text())
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

    def _heartbeat(self) -> None:
        """Touch the pending markers of every job held here, so nobody takes them over."""
        with self._lock:
            keys = list(self._jobs)
        for key in keys:
            marker = self._marker(key, "pending")
            if marker is not None:
                with contextlib.suppress(OSError):
                    os.utime(marker)

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
        return marker is not None and self._marker_is_live(marker)

    # -- jobs ---------------------------------------------------------------------------------

    def _forget_after_fork(self) -> None:
        """In a forked process, drop the parent's jobs, child and thread (call with the lock)."""
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._jobs.clear()
            self._queue.clear()
            self._child = None  # the parent's: not ours to stop
            self._thread = None

    @property
    def queued(self) -> int:
        """How many jobs this worker holds (queued or being made)."""
        with self._lock:
            self._forget_after_fork()
            return len(self._jobs)

    def state(
        self,
        key: str,
        checklist: Checklist,
        answers_file: AnswersFile,
        *,
        audience: str,
        generated_on: date,
        fmt: str = "pdf",
        compared: AnswersFile | None = None,
        owners: Mapping[str, int] | None = None,
    ) -> State:
        """Where the report with this key stands; starts making it if nobody is.

        ``owners`` maps who asks (an assessment, a client) to how many jobs each may have
        queued here at once. ``"limited"``: one of them has that many already; ``"busy"``: this
        worker's queue is full. Either way nothing was queued.
        """
        if self.cache.get(key) is not None:
            return "ready"
        if self._has_failed(key):
            return "failed"
        with self._lock:
            self._forget_after_fork()
            if key in self._jobs:
                return "pending"
        if self._is_pending_elsewhere(key):
            return "pending"
        if checklist.path is None:
            raise ValueError("a checklist without a file cannot be rendered in the background")
        owners = owners or {}
        with self._lock:
            if key in self._jobs:
                return "pending"
            if len(self._jobs) >= self.max_queued:
                return "busy"
            for owner, most in owners.items():
                if sum(owner in job.owners for job in self._jobs.values()) >= most:
                    return "limited"
            if not self._claim(key):
                return "pending"
            if self.cache.get(key) is not None:  # made by another worker just now
                self._release(key, failed=False)
                return "ready"
            job = _Job(
                key,
                (
                    checklist.path,
                    checklist.digest,
                    answers_file.to_dict(),
                    audience,
                    generated_on.isoformat(),
                    fmt,
                    compared.to_dict() if compared is not None else None,
                    checklist.display_language,
                ),
                frozenset(owners),
            )
            self._jobs[key] = job
            self._queue.append(job)
            self._start_thread()
            self._lock.notify_all()
        return "pending"

    def _start_thread(self) -> None:
        """Start the dispatcher thread if it is not running (call with the lock)."""
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(
                target=self._dispatch,
                args=(self._generation,),
                name="report-renderer",
                daemon=True,
            )
            self._thread.start()

    def _dispatch(self, generation: int) -> None:
        """The dispatcher: run the queued jobs one by one in the child, until shut down."""
        while True:
            with self._lock:
                while not self._queue and generation == self._generation:
                    child = self._child
                    if child is not None and time.monotonic() - child.idle_since > IDLE_RETIRE:
                        self._child = None
                        self._lock.release()
                        try:
                            child.stop()
                        finally:
                            self._lock.acquire()
                        continue
                    self._lock.wait(timeout=HEARTBEAT)
                if generation != self._generation:
                    return
                job = self._queue.popleft()
            try:
                outcome, payload = self._run(job, generation)
            except Exception:  # never let the dispatcher die: fail the job, go on
                LOG.exception("the report renderer failed")
                outcome, payload = "error", None
            self._complete(job, outcome, payload, generation)
            self._drop_stale_child(generation)

    def _drop_stale_child(self, generation: int) -> None:
        """After a shutdown during a job, stop the child this dispatcher may have started."""
        with self._lock:
            child = self._child
            if generation == self._generation or child is None or child.generation != generation:
                return
            self._child = None
        child.kill()

    def _fresh_child(self, generation: int) -> _Child:
        """The child to run the next job: this one if healthy, else a new one."""
        child = self._child
        if child is not None and (
            child.jobs_done >= TASKS_PER_PROCESS or not child.process.is_alive()
        ):
            self._child = None
            child.stop()
            child = None
        if child is None:
            # A fresh interpreter ("spawn"), never a fork of a threaded web worker; started by
            # this (long-lived) thread, which PR_SET_PDEATHSIG follows.
            context = multiprocessing.get_context("spawn")
            ours, theirs = context.Pipe()
            process = context.Process(
                target=_child_main,
                args=(theirs, os.getpid(), self.memory_limit),
                name="assessor-report-renderer",
                daemon=True,
            )
            process.start()
            theirs.close()
            child = _Child(process, ours, generation)
            self._child = child
        return child

    def _receive(self, child: _Child, timeout: float) -> tuple[Outcome | Literal["ready"], Any]:
        """The child's next message, or ``died``/``timeout``; touches markers while waiting."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout", None
            try:
                if child.connection.poll(min(remaining, HEARTBEAT)):
                    kind, payload = child.connection.recv()
                    return kind, payload
            except (EOFError, OSError):
                return "died", None
            self._heartbeat()

    def _run(self, job: _Job, generation: int) -> tuple[Outcome, Any]:
        """Make one job's report in the child; what happened and the PDF or message."""
        job.attempts += 1
        child = self._fresh_child(generation)
        if not child.ready:
            kind, payload = self._receive(child, STARTUP_TIMEOUT)
            if kind != "ready":
                LOG.warning("the report renderer did not start: %s", payload or kind)
                self._discard(child)
                return "died", payload
            child.ready = True
        try:
            child.connection.send(job.args)
        except (OSError, ValueError):
            self._discard(child)
            return "died", None
        kind, payload = self._receive(child, self.render_timeout)
        child.idle_since = time.monotonic()
        if kind in ("ok", "error"):
            child.jobs_done += 1
            return kind, payload
        self._discard(child)
        if kind == "timeout":
            message = f"the report took longer than {self.render_timeout:g} s"
            return "timeout", message
        return "died", None

    def _discard(self, child: _Child) -> None:
        """Kill a child that failed or timed out; the next job starts a new one."""
        if self._child is child:
            self._child = None
        child.kill()

    def _complete(self, job: _Job, outcome: Outcome, payload: Any, generation: int) -> None:
        """Store the PDF or record the failure; a job whose renderer died goes round again."""
        with self._lock:
            if generation != self._generation:
                return  # shut down meanwhile: its marker is released, another worker may take it
            if outcome == "died" and job.attempts < MAX_ATTEMPTS:
                LOG.warning("the report renderer died; its report is being made again")
                self._queue.appendleft(job)
                return
        failed = outcome != "ok"
        if outcome == "ok":
            self.cache.put(job.key, payload)
        elif outcome == "died":
            LOG.error("a report could not be made: its renderer died %d times", job.attempts)
        else:
            LOG.error("a report could not be made in the background: %s", payload)
        if failed:
            with self._lock:
                self._failed[job.key] = time.time()
        self._release(job.key, failed)  # the PDF or the failure is there before the job ends
        with self._lock:
            self._jobs.pop(job.key, None)
            self._lock.notify_all()

    def wait(self, key: str, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for this worker's job for ``key`` to end."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while key in self._jobs and (remaining := deadline - time.monotonic()) > 0:
                self._lock.wait(remaining)

    def shutdown(self) -> None:
        """Stop the background process; jobs not finished are left for another worker."""
        with self._lock:
            if self._pid != os.getpid():
                return
            self._generation += 1
            child, self._child = self._child, None
            jobs = list(self._jobs)
            self._jobs.clear()
            self._queue.clear()
            thread, self._thread = self._thread, None
            self._lock.notify_all()
        if child is not None:
            child.stop(grace=0.5)
        for key in jobs:
            self._release(key, failed=False)
        if thread is not None and thread is not threading.current_thread():
            thread.join(5)


_LIVE: weakref.WeakSet[Renderer] = weakref.WeakSet()


@atexit.register
def _shutdown_all() -> None:  # pragma: no cover - runs as the web worker exits
    """A web worker stopping gracefully stops its renderer."""
    for renderer in list(_LIVE):
        with contextlib.suppress(Exception):
            renderer.shutdown()
