"""The PDF renderer under the production server: it heals, never wedges, and leaves no orphan.

Against ``assessor serve`` with one gunicorn worker, on SQLite, with the small school-meals
checklist to keep renders short. Reports are made by the report queue's consumer that
``assessor serve`` starts beside gunicorn (an ``assessor worker`` process in the server's
process group), each worker thread in a render process of its own. Pre-renders are off, so each
report is one the test asks for:

- the renderer process is killed (kill -9) in the middle of a report and again while idle: the
  reports still arrive and no request gets a 500;
- 150 reports are made one after another by four users (each answer changed before each
  report, so each is a new PDF): more than the renderer makes before it is replaced, and more
  than the 100 that wedged the old process pool; none may hang or fail;
- the server is stopped (SIGTERM to gunicorn's master) during a render, and the consumer is
  killed (kill -9) during a render: the renderer process goes with it (checked in the process
  table), and after the kill the report is made by the consumer ``assessor serve`` starts in
  its place (the job's lease runs out and it is queued again).

Bounded: each test has a time cap (at most 400 s; the 150 reports take about 200 s on a busy
2-core machine) and every request a 30 s timeout; every
process started is stopped by its process group at the end. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support import processes
from tests.support.client import Client, Response
from tests.support.data import DATA, START
from tests.support.server import LiveServer, upgrade_database

REPORTS = 150
USERS = 4  # at most 4 PDFs queued per client address (the default)
POLL = 0.2
THEME = "provision"  # of school-meals.yaml
CRITERION = "free-meals-eligibility"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """``assessor serve`` with one worker, on SQLite, offering the test checklists."""
    url = f"sqlite:///{tmp_path / 'renderer.sqlite'}"
    upgrade_database(url)
    live = LiveServer(
        tmp_path,
        database_url=url,
        workers=1,
        env={
            "CHECKLIST_DIR": str(DATA),
            "DEFAULT_CHECKLIST_ID": START["checklist"],
            "FLASK_REPORT_CACHE_DIR": str(tmp_path / "report-cache"),
            "FLASK_CREATION_LIMIT": "1000 per hour",
            "FLASK_REPORT_PRERENDER": "false",
        },
    )
    live.start()
    try:
        yield live
    finally:
        if live.running:
            live.kill()
        processes.kill(processes.renderers(group=live.pid))  # nothing may outlive the test


@pytest.fixture
def new_client(server: LiveServer) -> Iterator[Callable[[float], Client]]:
    """Make a user of the server with ``seconds`` to finish; connections closed after."""
    made: list[Client] = []

    def make(seconds: float) -> Client:
        made.append(Client(server.port, deadline=time.monotonic() + seconds))
        return made[-1]

    yield make
    for client in made:
        client.close()


def start(client: Client, title: str) -> str:
    """Start an assessment of the school-meals checklist; its private link's path."""
    form = client.get("/").page().hidden_inputs() | START | {"title": title}
    created = client.post("/", form)
    assert created.status == 302, created.status
    return created.location


def change_answer(client: Client, overview: str, evidence: str) -> None:
    """Save the first theme page with new evidence (so the next report is a new PDF)."""
    path = f"{overview}theme/{THEME}"
    form = client.get(path).page().form_data()
    form |= {f"{CRITERION}-level": "partial", f"{CRITERION}-evidence": evidence}
    saved = client.post(path, form)
    assert saved.status == 302, saved.status


def report(client: Client, overview: str, deadline: float, seen: list[int]) -> Response:
    """Ask for the gap-analysis PDF as the browser's status page does, until it is made."""
    status_url = f"{overview}report"
    while time.monotonic() < deadline:
        answer = client.get(status_url)
        seen.append(answer.status)
        if answer.status == 200:
            pdf = client.get(f"{overview}report.pdf")
            seen.append(pdf.status)
            assert pdf.status == 200 and pdf.body.startswith(b"%PDF-"), pdf.status
            return pdf
        assert answer.status == 202, f"{answer.status}: {answer.text[:300]}"
        time.sleep(POLL)
    raise AssertionError("the report was not made in time")


def renderer_started(server: LiveServer) -> int:
    """The pid of the server's renderer process (waits for it to start)."""
    return processes.new_renderer(set(), group=server.pid)


def test_the_renderer_killed_mid_render_and_at_idle(
    server: LiveServer, new_client: Callable[[float], Client]
) -> None:
    client = new_client(180)
    deadline = client.deadline or 0.0
    overview = start(client, "Killed renderer")
    seen: list[int] = []

    assert client.get(f"{overview}report").status == 202
    first = renderer_started(server)
    os.kill(first, signal.SIGKILL)  # mid-render (or starting): the job is on it
    report(client, overview, deadline, seen)

    for pid in processes.renderers(group=server.pid):
        os.kill(pid, signal.SIGKILL)  # at idle
    change_answer(client, overview, "after the idle renderer was killed")
    report(client, overview, deadline, seen)
    assert set(seen) <= {200, 202}, seen  # never a 500 (nor a "could not be made")


def test_150_reports_through_one_server(server: LiveServer) -> None:
    deadline = time.monotonic() + 400
    made: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def user(number: int) -> None:
        client = Client(server.port, deadline=deadline)
        seen: list[int] = []
        try:
            overview = start(client, f"Report user {number}")
            for round_ in range(number, REPORTS, USERS):
                change_answer(client, overview, f"report {round_}")
                report(client, overview, deadline, seen)
                with lock:
                    made.append(round_)
        except Exception as exc:  # noqa: BLE001 - every failure is an error of the run
            errors.append(f"user {number}: {type(exc).__name__}: {exc}")
        finally:
            client.close()
        if not set(seen) <= {200, 202}:
            errors.append(f"user {number}: statuses {sorted(set(seen))}")

    threads = [threading.Thread(target=user, args=(n,)) for n in range(USERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(430)
    assert not errors, errors
    assert sorted(made) == list(range(REPORTS))  # no wedge: every one of them made
    assert server.health() == 200


def test_sigterm_during_a_render_leaves_no_renderer(
    server: LiveServer, new_client: Callable[[float], Client]
) -> None:
    client = new_client(120)
    overview = start(client, "Stopped during a render")
    assert client.get(f"{overview}report").status == 202
    pid = renderer_started(server)
    client.close()
    os.kill(server.pid, signal.SIGTERM)  # the master only: it stops its workers gracefully
    assert server.process is not None
    server.process.wait(60)
    assert processes.wait_for(lambda: not processes.alive(pid), 10), "the renderer was orphaned"


def test_kill_9_of_the_consumer_during_a_render_leaves_no_renderer(
    server: LiveServer, new_client: Callable[[float], Client]
) -> None:
    client = new_client(180)
    deadline = client.deadline or 0.0
    overview = start(client, "Worker killed during a render")
    assert client.get(f"{overview}report").status == 202
    pid = renderer_started(server)
    renderer = processes.read(pid)
    assert renderer is not None
    os.kill(renderer.ppid, signal.SIGKILL)  # the consumer (`assessor worker`)
    assert processes.wait_for(lambda: not processes.alive(pid), 10), "the renderer was orphaned"
    # `assessor serve` starts another consumer; the job is queued again once its lease ran out.
    seen: list[int] = []
    report(client, overview, deadline, seen)
    assert set(seen) <= {200, 202}, seen
