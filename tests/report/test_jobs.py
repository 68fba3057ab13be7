"""Background PDF jobs heal and stay bounded: a dead or stuck renderer is replaced, its job tried
again or failed clearly; the renderer never outlives its web worker; the markers shared by the
web workers are taken over when their worker is gone and kept fresh while it is not.

Tested through :class:`~assessor.report.jobs.Renderer`'s API and the process table (``/proc``),
not its internals, so the same tests hold against another queue behind that API.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from assessor.answers import AnswersFile, AssessmentInfo
from assessor.checklist import Checklist, load_checklist
from assessor.report import jobs
from assessor.report.cache import PDFCache, report_key
from assessor.report.jobs import Renderer
from assessor.scoring import score
from tests.support import processes
from tests.support.data import ROOT, SCHOOL_MEALS

WAIT = 180  # seconds a job may take on a busy 2-core machine (bounded, not a speed check)
DAY = date(2026, 3, 14)


@pytest.fixture(scope="module")
def checklist() -> Checklist:
    return load_checklist(SCHOOL_MEALS)


@pytest.fixture(scope="module")
def answers_file(checklist: Checklist) -> AnswersFile:
    return AnswersFile(
        checklist.id, checklist.version, AssessmentInfo("T", "O", "Moldova", "government")
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "report-cache"


@pytest.fixture
def renderers() -> Iterator[list[Renderer]]:
    """Renderers made by a test, shut down after it; any renderer process left is killed."""
    made: list[Renderer] = []
    before = processes.renderers(parent=os.getpid())
    yield made
    for renderer in made:
        renderer.shutdown()
    processes.kill(processes.renderers(parent=os.getpid()) - before)


class Jobs:
    """Ask a renderer for the school-meals report of a given day (each day: another key)."""

    def __init__(self, checklist: Checklist, answers_file: AnswersFile) -> None:
        self.checklist = checklist
        self.answers_file = answers_file

    def key(self, day: date = DAY) -> str:
        analysis = score(self.checklist, self.answers_file.answers)
        return report_key(analysis, self.answers_file, "government", day)

    def state(self, renderer: Renderer, day: date = DAY, **owners: int) -> str:
        options = {"owners": owners} if owners else {}
        return renderer.state(
            self.key(day),
            self.checklist,
            self.answers_file,
            audience="government",
            generated_on=day,
            **options,
        )

    def made(self, renderer: Renderer, day: date = DAY) -> bytes:
        """Wait for the job of ``day`` to end; the PDF it made (fails if it made none)."""
        renderer.wait(self.key(day), WAIT)
        assert self.state(renderer, day) == "ready"
        pdf = renderer.cache.get(self.key(day))
        assert pdf is not None and pdf.startswith(b"%PDF-")
        return pdf


@pytest.fixture
def ask(checklist: Checklist, answers_file: AnswersFile) -> Jobs:
    return Jobs(checklist, answers_file)


def new_renderer(before: set[int]) -> int:
    """The pid of the renderer process this test's renderer started (waits for it)."""
    return processes.new_renderer(before, parent=os.getpid())


# -- a dead renderer heals (issue 10, item 2) ------------------------------------------------


def test_a_renderer_killed_mid_render_is_replaced_and_its_job_made(
    folder: Path, ask: Jobs, renderers: list[Renderer]
) -> None:
    renderer = Renderer(PDFCache(folder))
    renderers.append(renderer)
    before = processes.renderers(parent=os.getpid())
    assert ask.state(renderer) == "pending"
    first = new_renderer(before)
    os.kill(first, signal.SIGKILL)  # the job is on it (starting up or rendering)

    ask.made(renderer)  # tried again on a new renderer: no error, no 500
    assert not processes.alive(first)
    assert not (folder / f"{ask.key()}.failed").exists()
    assert not (folder / f"{ask.key()}.pending").exists()

    # Killed while idle: the next report is made all the same.
    for pid in processes.renderers(parent=os.getpid()) - before:
        os.kill(pid, signal.SIGKILL)
    tomorrow = DAY + timedelta(days=1)
    assert ask.state(renderer, tomorrow) == "pending"
    ask.made(renderer, tomorrow)


def test_a_job_whose_renderer_keeps_dying_fails_with_a_clear_state(
    folder: Path, ask: Jobs, renderers: list[Renderer]
) -> None:
    # 64 MiB of address space: the renderer cannot even start, every time.
    renderer = Renderer(PDFCache(folder), memory_limit=64 * 1024 * 1024)
    renderers.append(renderer)
    assert ask.state(renderer) == "pending"
    renderer.wait(ask.key(), WAIT)
    assert ask.state(renderer) == "failed"  # the page says "could not be made", no 500
    assert renderer.queued == 0
    assert not (folder / f"{ask.key()}.pending").exists()


# -- no wedge: many jobs, renderer recycled between them (item 3) ---------------------------


def test_jobs_queued_while_the_renderer_is_recycled_are_all_made(
    monkeypatch: pytest.MonkeyPatch, folder: Path, ask: Jobs, renderers: list[Renderer]
) -> None:
    # A fresh renderer after every 2 reports, with 5 queued at once: jobs arrive while a
    # renderer retires (the case that hung ProcessPoolExecutor's max_tasks_per_child).
    monkeypatch.setattr(jobs, "TASKS_PER_PROCESS", 2)
    renderer = Renderer(PDFCache(folder))
    renderers.append(renderer)
    days = [DAY + timedelta(days=n) for n in range(5)]
    assert [ask.state(renderer, day) for day in days] == ["pending"] * 5
    for day in days:
        ask.made(renderer, day)
    assert renderer.queued == 0


# -- limits per render and on the queue (item 4) ---------------------------------------------


def test_a_render_over_its_time_limit_fails_and_its_renderer_is_replaced(
    folder: Path, ask: Jobs, renderers: list[Renderer]
) -> None:
    renderer = Renderer(PDFCache(folder), render_timeout=0.001)
    renderers.append(renderer)
    before = processes.renderers(parent=os.getpid())
    assert ask.state(renderer) == "pending"
    first = new_renderer(before)
    renderer.wait(ask.key(), WAIT)
    assert ask.state(renderer) == "failed"
    assert processes.wait_for(lambda: not processes.alive(first), 10), "the stuck one was kept"

    renderer.render_timeout = WAIT  # the next job gets a new renderer, and is made
    tomorrow = DAY + timedelta(days=1)
    assert ask.state(renderer, tomorrow) == "pending"
    ask.made(renderer, tomorrow)


def test_the_renderer_runs_under_a_memory_limit(
    folder: Path, ask: Jobs, renderers: list[Renderer]
) -> None:
    limit = 1024 * 1024 * 1024
    renderer = Renderer(PDFCache(folder), memory_limit=limit)
    renderers.append(renderer)
    before = processes.renderers(parent=os.getpid())
    assert ask.state(renderer) == "pending"
    pid = new_renderer(before)

    def limited() -> bool:
        with open(f"/proc/{pid}/limits", encoding="ascii") as file:
            line = next(line for line in file if line.startswith("Max address space"))
        return line.split()[3:5] == [str(limit), str(limit)]

    assert processes.wait_for(limited, 60)
    ask.made(renderer)  # and a normal report fits in it


def test_the_queue_is_bounded_per_worker_and_per_owner(
    folder: Path, ask: Jobs, renderers: list[Renderer]
) -> None:
    renderer = Renderer(PDFCache(folder), max_queued=3)
    renderers.append(renderer)
    days = [DAY + timedelta(days=n) for n in range(5)]
    assert ask.state(renderer, days[0], **{"assessment:1": 2}) == "pending"
    assert ask.state(renderer, days[1], **{"assessment:1": 2}) == "pending"
    assert ask.state(renderer, days[2], **{"assessment:1": 2}) == "limited"  # its third
    assert ask.state(renderer, days[0], **{"assessment:1": 2}) == "pending"  # already queued
    assert ask.state(renderer, days[2], **{"assessment:2": 2}) == "pending"  # another one
    assert ask.state(renderer, days[3], **{"assessment:3": 2}) == "busy"  # the worker's 4th
    assert renderer.queued == 3
    # Nothing refused was announced to the other workers.
    assert not (folder / f"{ask.key(days[3])}.pending").exists()
    for day in days[:3]:
        ask.made(renderer, day)
    assert ask.state(renderer, days[3], **{"assessment:1": 2}) == "pending"  # room again
    ask.made(renderer, days[3])


# -- no orphan renderer (item 5) -------------------------------------------------------------

ORPHAN_SCRIPT = """
import os, sys, time
from pathlib import Path
from benchmarks.synthetic import all_gaps, osce_checklist
from assessor.report.cache import PDFCache, report_key
from assessor.report.jobs import Renderer
from assessor.scoring import score
from tests.support import processes

if __name__ == "__main__":  # not when the renderer ("spawn") imports this file
    checklist = osce_checklist()
    answers_file = all_gaps(checklist)  # the full OSCE report: seconds to make, 300 KB out
    day = __import__("datetime").date(2026, 3, 14)
    key = report_key(score(checklist, answers_file.answers), answers_file, "government", day)
    renderer = Renderer(PDFCache(Path(sys.argv[1])))
    renderer.state(key, checklist, answers_file, audience="government", generated_on=day)
    assert processes.wait_for(lambda: processes.renderers(parent=os.getpid()), 60)
    print(*processes.renderers(parent=os.getpid()), flush=True)
    time.sleep(600)
"""


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_renderer_does_not_outlive_its_web_worker(tmp_path: Path, signum: int) -> None:
    script = tmp_path / "worker.py"
    script.write_text(textwrap.dedent(ORPHAN_SCRIPT), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "cache")],
        stdout=subprocess.PIPE,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    child: set[int] = set()
    try:
        assert worker.stdout is not None
        child = {int(pid) for pid in worker.stdout.readline().split()}
        assert child, "the worker started no renderer"
        time.sleep(3)  # into the render (or at its end, writing the PDF back)
        worker.send_signal(signum)
        worker.wait(30)
        assert processes.wait_for(lambda: not any(map(processes.alive, child)), 15), (
            "the renderer outlived its worker"
        )
    finally:
        worker.kill()
        worker.wait(30)
        if worker.stdout is not None:
            worker.stdout.close()
        processes.kill(child)


def test_shutdown_stops_the_renderer_and_leaves_the_job_to_others(
    folder: Path, ask: Jobs, renderers: list[Renderer]
) -> None:
    renderer = Renderer(PDFCache(folder))
    renderers.append(renderer)
    before = processes.renderers(parent=os.getpid())
    assert ask.state(renderer) == "pending"
    pid = new_renderer(before)
    renderer.shutdown()
    assert processes.wait_for(lambda: not processes.alive(pid), 10)
    assert not (folder / f"{ask.key()}.pending").exists()  # another worker may take it
    assert not (folder / f"{ask.key()}.failed").exists()  # not the report's fault


# -- markers of the jobs, shared by the web workers (item 9) --------------------------------


def gone_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def announce(folder: Path, key: str, pid: int, age: float = 0.0) -> Path:
    """A pending marker as another web worker (``pid``, this host) writes it."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / f"{key}.pending"
    marker.write_text(f"{socket.gethostname()} {pid}", encoding="utf-8")
    when = time.time() - age
    os.utime(marker, (when, when))
    return marker


def test_a_job_announced_by_a_dead_worker_is_taken_over_at_once(
    folder: Path, ask: Jobs, renderers: list[Renderer]
) -> None:
    announce(folder, ask.key(), gone_pid())  # fresh, but its process is gone (kill -9)
    renderer = Renderer(PDFCache(folder))
    renderers.append(renderer)
    assert ask.state(renderer) == "pending"
    assert renderer.queued == 1  # started here, not left "being prepared" for minutes
    ask.made(renderer)


def test_a_job_announced_by_a_live_worker_is_left_to_it_until_its_marker_goes_stale(
    folder: Path, ask: Jobs, renderers: list[Renderer]
) -> None:
    renderer = Renderer(PDFCache(folder))
    renderers.append(renderer)
    marker = announce(folder, ask.key(), os.getppid())  # a live process of this host
    assert ask.state(renderer) == "pending"
    assert renderer.queued == 0  # nothing started here
    old = time.time() - jobs.PENDING_TIMEOUT - 1
    os.utime(marker, (old, old))  # its worker stopped keeping it fresh (hung, or pid reused)
    assert ask.state(renderer) == "pending"
    assert renderer.queued == 1


def test_a_job_held_longer_than_the_timeout_is_kept_fresh_and_not_duplicated(
    monkeypatch: pytest.MonkeyPatch, folder: Path, ask: Jobs, renderers: list[Renderer]
) -> None:
    monkeypatch.setattr(jobs, "PENDING_TIMEOUT", 1.0)
    monkeypatch.setattr(jobs, "HEARTBEAT", 0.1)
    renderer = Renderer(PDFCache(folder))
    renderers.append(renderer)
    days = [DAY + timedelta(days=n) for n in range(3)]
    for day in days:  # the last waits in the queue behind the others
        assert ask.state(renderer, day) == "pending"
    time.sleep(2.0)  # longer than the timeout: the job is still queued or being made
    other = Renderer(PDFCache(folder))  # another web worker
    renderers.append(other)
    assert ask.state(other, days[-1]) in ("pending", "ready")
    assert other.queued == 0  # it did not start the same job again
    for day in days:
        ask.made(renderer, day)
