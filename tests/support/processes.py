"""The process table (Linux ``/proc``), for tests that must leave no process behind.

The PDF renderer runs in child processes started with multiprocessing's "spawn"
(``spawn_main`` on their command line); these helpers find them by parent or by process group,
tell a live process from a gone one (a zombie counts as gone: it holds no memory and runs
nothing), and stop what a test started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class Process:
    """One entry of the process table."""

    pid: int
    ppid: int
    pgid: int
    state: str
    cmdline: str

    @property
    def is_renderer(self) -> bool:
        """Whether this is a process started by multiprocessing's "spawn" (the PDF renderer)."""
        return "spawn_main" in self.cmdline


def read(pid: int) -> Process | None:
    """Process ``pid`` as the table shows it now, or ``None`` if there is none."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # after "pid (name)": state ppid pgrp ...
    return Process(
        pid, int(fields[1]), int(fields[2]), fields[0], raw.replace(b"\0", b" ").decode()
    )


def table() -> list[Process]:
    """Every process visible now."""
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (process := read(int(entry.name))) is not None:
            found.append(process)
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (not gone, not a zombie)."""
    process = read(pid)
    return process is not None and process.state not in ("Z", "X")


def renderers(*, parent: int | None = None, group: int | None = None) -> set[int]:
    """The live renderer processes whose parent is ``parent`` or whose group is ``group``."""
    return {
        p.pid
        for p in table()
        if p.is_renderer
        and p.state not in ("Z", "X")
        and (parent is None or p.ppid == parent)
        and (group is None or p.pgid == group)
    }


def new_renderer(
    before: set[int], *, parent: int | None = None, group: int | None = None, timeout: float = 60
) -> int:
    """The pid of a renderer (of ``parent`` or ``group``) not in ``before``; waits for one."""
    found: set[int] = set()

    def started() -> bool:
        found.update(renderers(parent=parent, group=group) - before)
        return bool(found)

    assert wait_for(started, timeout), "no renderer process was started"
    return min(found)


def wait_for(condition: Callable[[], object], timeout: float, step: float = 0.1) -> bool:
    """Check ``condition`` until it holds (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(step)


def kill(pids: set[int] | list[int]) -> None:
    """SIGKILL each of ``pids`` that still runs (a test's clean-up)."""
    for pid in pids:
        if alive(pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
