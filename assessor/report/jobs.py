"""The render process: reports made off the web workers and the queue's threads, in a separate
low-priority process with a memory limit and a time limit.

A PDF takes seconds of CPU and, for a large checklist, hundreds of MB. The queue's worker
threads (:mod:`assessor.report.queue`, in ``assessor worker`` or the consumer ``assessor
serve`` starts) never render themselves: each hands its job to a :class:`RenderProcess`, one
child process per thread, fed one job at a time through a pipe. That keeps what the renderer
of issue 10 got right:

- **limits per render**: the child runs under ``RLIMIT_AS`` (:data:`MEMORY_LIMIT`; a normal
  OSCE report peaks at about 140 MB resident, 330 MB of address space), ``nice``-d by
  :data:`NICENESS`, and is killed after ``render_timeout`` seconds of one render; the job then
  counts as a failed attempt and a fresh child takes the next one;
- **a dead child is replaced**: killed mid-render (the OOM killer, an operator), it costs an
  attempt, never a wedged worker;
- **recycled between jobs**: after :data:`TASKS_PER_PROCESS` reports the child is stopped while
  idle (a large report's memory goes back to the system). Starting one costs about 2 s (a
  Python interpreter importing WeasyPrint and loading the fonts), so it is not started per job;
- **no orphans**: the child asks Linux to kill it when its parent dies
  (``prctl(PR_SET_PDEATHSIG, SIGKILL)``; that signal follows the *thread* that started the
  child, which is why the long-lived worker thread that owns it starts it), and a watchdog
  thread in the child checks its parent as well; a worker that stops gracefully stops its
  children (``atexit``).

The child makes the report with :func:`assessor.report.render_report` from the same checklist
file and answers, so the bytes are those the command line writes.
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
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

LOG = logging.getLogger(__name__)
HEARTBEAT = 2.0  # how often the thread waiting on a render calls its heartbeat
NICENESS = 10
TASKS_PER_PROCESS = 50  # then a fresh process: WeasyPrint's caches never grow without bound
RENDER_TIMEOUT = 120.0  # seconds for one render (the OSCE report takes about 3 s, 10x it 22 s)
STARTUP_TIMEOUT = 60.0  # seconds for a child to start (about 2 s)
MEMORY_LIMIT = 1536 * 1024 * 1024  # bytes of address space for a child (RLIMIT_AS)
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

#: The arguments of one render: checklist path and digest, answers (as a dict), audience,
#: date (ISO), format, the compared assessment's answers (or None), the comments of the
#: internal-review edition (or None), and the language the checklist's texts are shown in.
RenderArgs = tuple[
    str,
    str,
    dict[str, Any],
    str,
    str,
    str,
    "dict[str, Any] | None",
    "list[dict[str, Any]] | None",
    str,
]
Outcome = Literal["ok", "error", "died", "timeout"]


# -- the child process ----------------------------------------------------------------------


def die_with_parent(parent_pid: int) -> None:  # pragma: no cover - runs in the child process
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
) -> None:  # pragma: no cover - runs in the child process (tested through RenderProcess)
    """The child's loop: set itself up, say "ready", then make each report it is sent."""
    die_with_parent(parent_pid)
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
    review: list[dict[str, Any]] | None = None,
    language: str = "en",
) -> bytes:  # pragma: no cover - runs in the child process (tested through the web view)
    """Make one report in the child process: load (in the language of the checklist texts
    the web worker scored, a translation's if any), score, render."""
    import json

    from assessor.answers import parse_answers_file
    from assessor.checklist import load_checklist
    from assessor.checklist_translation import in_language
    from assessor.report import ReportError, render_report
    from assessor.report.review import ReviewComments
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
        review=None if review is None else ReviewComments.from_list(review),
    )


# -- the worker thread's side ---------------------------------------------------------------


@dataclass
class _Child:
    """One renderer process and this side of its pipe."""

    process: BaseProcess
    connection: Connection
    ready: bool = False
    jobs_done: int = 0

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


class RenderProcess:
    """A child process that makes reports one at a time, for the thread that uses it.

    Use it from one long-lived thread only (the child is tied to the thread that starts it).
    """

    def __init__(
        self, *, render_timeout: float = RENDER_TIMEOUT, memory_limit: int | None = MEMORY_LIMIT
    ) -> None:
        self.render_timeout = render_timeout
        self.memory_limit = memory_limit
        self._child: _Child | None = None
        self._lock = threading.Lock()
        _LIVE.add(self)

    @property
    def pid(self) -> int | None:
        """The child's process id, if one runs."""
        child = self._child
        return child.process.pid if child is not None else None

    def _fresh_child(self) -> _Child:
        """The child to run the next job: this one if healthy, else a new one."""
        child = self._child
        if child is not None and (
            child.jobs_done >= TASKS_PER_PROCESS or not child.process.is_alive()
        ):
            self._child = None
            child.stop()
            child = None
        if child is None:
            # A fresh interpreter ("spawn"), never a fork of a threaded process; started by
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
            child = _Child(process, ours)
            self._child = child
        return child

    @staticmethod
    def _receive(
        child: _Child, timeout: float, heartbeat: Callable[[], None]
    ) -> tuple[Outcome | Literal["ready"], Any]:
        """The child's next message, or ``died``/``timeout``; calls ``heartbeat`` meanwhile."""
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
            heartbeat()

    def render(
        self, args: RenderArgs, heartbeat: Callable[[], None] = lambda: None
    ) -> tuple[Outcome, Any]:
        """Make one report in the child: ``("ok", bytes)``, ``("error", message)``,
        ``("timeout", message)`` or ``("died", None)``. ``heartbeat`` is called every
        :data:`HEARTBEAT` seconds while waiting."""
        with self._lock:
            child = self._fresh_child()
            if not child.ready:
                kind, payload = self._receive(child, STARTUP_TIMEOUT, heartbeat)
                if kind != "ready":
                    LOG.warning("the report renderer did not start: %s", payload or kind)
                    self._discard(child)
                    return "died", payload
                child.ready = True
            try:
                child.connection.send(args)
            except (OSError, ValueError):
                self._discard(child)
                return "died", None
            kind, payload = self._receive(child, self.render_timeout, heartbeat)
            if kind in ("ok", "error"):
                child.jobs_done += 1
                return kind, payload
            self._discard(child)
            if kind == "timeout":
                return "timeout", f"the report took longer than {self.render_timeout:g} s"
            return "died", None

    def _discard(self, child: _Child) -> None:
        """Kill a child that failed or timed out; the next job starts a new one."""
        if self._child is child:
            self._child = None
        child.kill()

    def stop(self) -> None:
        """Stop the child (if any); a later render starts a new one."""
        child, self._child = self._child, None
        if child is not None:
            child.stop(grace=0.5)


_LIVE: weakref.WeakSet[RenderProcess] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:  # pragma: no cover - runs as the worker exits
    """A worker stopping gracefully stops its render processes."""
    for renderer in list(_LIVE):
        with contextlib.suppress(Exception):
            renderer.stop()
