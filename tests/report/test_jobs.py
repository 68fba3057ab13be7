"""The render process heals and stays bounded: killed mid-render it costs one attempt and the
next render gets a fresh process; a render over its time limit is stopped; the process runs
under a memory limit and never outlives the worker that started it.

Tested through :class:`~assessor.report.jobs.RenderProcess`'s API and the process table
(``/proc``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from assessor.answers import AnswersFile, AssessmentInfo
from assessor.checklist import Checklist, load_checklist
from assessor.report import jobs
from assessor.report.jobs import RenderArgs, RenderProcess
from tests.support import processes
from tests.support.data import ROOT, SCHOOL_MEALS

DAY = date(2026, 3, 14)


@pytest.fixture(scope="module")
def args() -> RenderArgs:
    checklist: Checklist = load_checklist(SCHOOL_MEALS)
    answers_file = AnswersFile(
        checklist.id, checklist.version, AssessmentInfo("T", "O", "Moldova", "government")
    )
    assert checklist.path is not None
    return (
        checklist.path,
        checklist.digest,
        answers_file.to_dict(),
        "government",
        DAY.isoformat(),
        "pdf",
        None,
        None,
        "en",
    )


@pytest.fixture
def made() -> Iterator[list[RenderProcess]]:
    """Render processes made by a test, stopped after it; any child left is killed."""
    found: list[RenderProcess] = []
    before = processes.renderers(parent=os.getpid())
    yield found
    for renderer in found:
        renderer.stop()
    processes.kill(processes.renderers(parent=os.getpid()) - before)


def test_a_render_killed_midway_dies_and_the_next_gets_a_fresh_process(
    monkeypatch: pytest.MonkeyPatch, args: RenderArgs, made: list[RenderProcess]
) -> None:
    monkeypatch.setattr(jobs, "HEARTBEAT", 0.05)  # the heartbeat kills it: a render is short
    renderer = RenderProcess()
    made.append(renderer)
    beats: list[float] = []

    def kill_it() -> None:
        beats.append(time.monotonic())
        if renderer.pid is not None and processes.alive(renderer.pid):
            os.kill(renderer.pid, signal.SIGKILL)

    first_pid = None

    def heartbeat() -> None:
        nonlocal first_pid
        first_pid = renderer.pid
        kill_it()

    outcome, _ = renderer.render(args, heartbeat)
    assert outcome == "died"
    assert beats, "the heartbeat was never called while waiting"
    assert first_pid is not None and not processes.alive(first_pid)
    outcome, pdf = renderer.render(args)  # a new process
    assert outcome == "ok" and pdf.startswith(b"%PDF-")
    assert renderer.pid != first_pid


def test_a_render_over_its_time_limit_is_stopped(
    args: RenderArgs, made: list[RenderProcess]
) -> None:
    renderer = RenderProcess(render_timeout=0.001)
    made.append(renderer)
    outcome, message = renderer.render(args)
    assert outcome == "timeout"
    assert "longer than" in message
    assert renderer.pid is None  # the stuck process was killed, not kept


def test_the_render_process_runs_niced_under_a_memory_limit(
    args: RenderArgs, made: list[RenderProcess]
) -> None:
    limit = 1024 * 1024 * 1024
    renderer = RenderProcess(memory_limit=limit)
    made.append(renderer)
    outcome, pdf = renderer.render(args)
    assert outcome == "ok" and pdf.startswith(b"%PDF-")
    pid = renderer.pid
    assert pid is not None
    with open(f"/proc/{pid}/limits", encoding="ascii") as file:
        line = next(line for line in file if line.startswith("Max address space"))
    assert line.split()[3:5] == [str(limit), str(limit)]
    nice = int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[16])
    assert nice >= 10


def test_a_process_that_cannot_start_fails_clearly(
    args: RenderArgs, made: list[RenderProcess]
) -> None:
    renderer = RenderProcess(memory_limit=64 * 1024 * 1024)  # too little to even start
    made.append(renderer)
    outcome, _ = renderer.render(args)
    assert outcome == "died"


ORPHAN_SCRIPT = """
import os, sys, threading, time
from benchmarks.synthetic import all_gaps, osce_checklist
from assessor.report.jobs import RenderProcess
from tests.support import processes

if __name__ == "__main__":  # not when the render process ("spawn") imports this file
    checklist = osce_checklist()
    answers_file = all_gaps(checklist)  # the full OSCE report: seconds to make
    args = (checklist.path, checklist.digest, answers_file.to_dict(), "government",
            "2026-03-14", "pdf", None)
    renderer = RenderProcess()
    threading.Thread(target=renderer.render, args=(args,), daemon=True).start()
    assert processes.wait_for(lambda: processes.renderers(parent=os.getpid()), 60)
    print(*processes.renderers(parent=os.getpid()), flush=True)
    time.sleep(600)
"""


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_render_process_does_not_outlive_its_worker(tmp_path: Path, signum: int) -> None:
    script = tmp_path / "worker.py"
    script.write_text(textwrap.dedent(ORPHAN_SCRIPT), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    child: set[int] = set()
    try:
        assert worker.stdout is not None
        child = {int(pid) for pid in worker.stdout.readline().split()}
        assert child, "the worker started no render process"
        time.sleep(3)  # into the render
        worker.send_signal(signum)
        worker.wait(30)
        assert processes.wait_for(lambda: not any(map(processes.alive, child)), 15), (
            "the render process outlived its worker"
        )
    finally:
        worker.kill()
        worker.wait(30)
        if worker.stdout is not None:
            worker.stdout.close()
        processes.kill(child)
