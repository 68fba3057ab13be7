"""Several machines: two app servers and two report workers sharing PostgreSQL and Redis.

Two ``assessor serve`` (gunicorn) on two ports and two ``assessor worker`` processes, all with
``REDIS_URL`` (Redis db 15, emptied first) and one fresh PostgreSQL database:

1. 50 simulated users (threads) answer the school-meals checklist and download their report,
   each user's requests alternating between the two servers (the session cookie travels, as
   behind a load balancer without sticky sessions). The users form 10 groups of 5 that answer
   alike (same title, same answers), so 5 users ask for each report, on both servers. Afterwards
   every answer is read back and compared with what its user last sent, every download is a
   PDF that pypdf opens, and each of the 10 content keys was rendered exactly once (the counts
   the workers keep in the job store);
2. a worker is killed (kill -9) in the middle of a render (of an OSCE-sized report, seconds
   long): the job's lease runs out, it is queued again, the other worker makes it, and the user
   watching the progress page gets the PDF;
3. one app server is killed (kill -9, its whole process group): the users go on with the other
   server, save and download, and lose nothing they saved through either.

Pre-renders are off here (REPORT_PRERENDER): with them every save of 50 users would make four
reports, more than two shared cores make in the time allowed; they are tested on SQLite and
PostgreSQL in tests/web/test_report_background.py. Bounded: a time cap per phase and 30 s per
request; every process started is stopped by its process group at the end. Only 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from pypdf import PdfReader

from assessor.config import PROJECT_ROOT
from tests.support import processes
from tests.support.ci import unavailable
from tests.support.client import Client
from tests.support.data import SCHOOL_MEALS, START
from tests.support.server import ASSESSOR, LiveServer, server_env

REDIS_URL = "redis://127.0.0.1:6379/15"
USERS = 50
GROUPS = 10  # users of one group answer alike: their reports have one content key
TIME_CAP = 150.0
OSCE = PROJECT_ROOT / "checklists" / "osce-odihr-2017-migrant-integration.yaml"
THEMES = {"provision": ["free-meals-eligibility", "free-meals-nutrition"]}
THEMES["oversight"] = ["monitoring-uptake", "monitoring-quality"]
LEVELS = ["full", "partial", "planned", "not_in_place"]


class User:
    """One person in a browser behind the load balancer: every request goes to the next server,
    with one cookie jar."""

    def __init__(self, ports: list[int], deadline: float) -> None:
        self.clients = [Client(port, deadline) for port in ports]
        for client in self.clients[1:]:
            client.cookies = self.clients[0].cookies
        self.turn = 0

    def client(self) -> Client:
        """The client of the next server in turn."""
        client = self.clients[self.turn % len(self.clients)]
        self.turn += 1
        return client

    def get(self, path: str):  # noqa: ANN201 - tests.support.client.Response
        """GET on the next server."""
        return self.client().get(path)

    def post(self, path: str, form: dict[str, str]):  # noqa: ANN201
        """POST on the next server."""
        return self.client().post(path, form)

    def only(self, port: int) -> None:
        """From now on, talk to the server on ``port`` only (the other one is gone)."""
        for client in self.clients:
            if client.port != port:
                client.close()
        self.clients = [c for c in self.clients if c.port == port]
        self.turn = 0

    def close(self) -> None:
        """Close every connection."""
        for client in self.clients:
            client.close()


def download(
    user: User, overview: str, audience: str = "government", fmt: str = "pdf", wait: float = 120
) -> bytes:
    """Ask for a report as a browser does (the progress page until it is ready, on whichever
    server answers); the file."""
    deadline = time.monotonic() + wait
    first = user.get(f"{overview}report.{fmt}?audience={audience}")
    if first.status == 200:
        return first.body
    assert first.status == 303, first.status
    status_path = first.location
    while time.monotonic() < deadline:
        page = user.get(status_path)
        if page.status == 200:
            break
        assert page.status == 202, f"progress page {page.status}: {page.text[:300]}"
        time.sleep(0.5)
    else:
        raise AssertionError("the report was not made in time")
    got = user.get(f"{overview}report.{fmt}?audience={audience}")
    assert got.status == 200, got.status
    return got.body


def valid_pdf(data: bytes) -> bool:
    """Whether ``data`` is a PDF that pypdf opens, with at least one page."""
    return data.startswith(b"%PDF") and len(PdfReader(io.BytesIO(data)).pages) > 0


def answer(user: User, overview: str, n: int, round_: int, expected: dict) -> None:
    """Answer both theme pages (each on the next server), as a user of group ``n`` in round
    ``round_``."""
    for theme, criteria in THEMES.items():
        path = f"{overview}theme/{theme}"
        shown = user.get(path)
        assert shown.status == 200, shown.status
        form = shown.page().hidden_inputs()
        form["action"] = "continue"
        for i, criterion in enumerate(criteria):
            level = LEVELS[(n + round_ + i) % len(LEVELS)]
            evidence = f"group {n} round {round_} {criterion}"
            form[f"{criterion}-level"] = level
            form[f"{criterion}-evidence"] = evidence
            expected[criterion] = {"level": level, "evidence": evidence}
        saved = user.post(path, form)
        assert saved.status == 302, f"save {theme}: {saved.status}"


def start_assessment(user: User, n: int, checklist: str = START["checklist"]) -> str:
    """Start an assessment (of group ``n``: its title); its private link's path."""
    csrf = user.get("/").page().hidden_inputs()["csrf_token"]
    form = START | {"csrf_token": csrf, "checklist": checklist, "title": f"Multi-server {n:02d}"}
    created = user.post("/", form)
    assert created.status == 302, created.status
    return created.location


@pytest.fixture
def redis_db() -> Iterator[redis.Redis]:
    """Redis db 15, emptied before and after."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at {REDIS_URL} cannot be reached: {exc}")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


class Workers:
    """``assessor worker`` processes, each in its own process group; all stopped at the end."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        """One more worker of two threads."""
        log = self.log_dir / f"worker-{len(self.started) + 1}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [str(ASSESSOR), "worker", "--threads", "2"],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.started.append(process)
        return process

    def stop(self) -> None:
        """SIGTERM each group, then SIGKILL what is left."""
        for process in self.started:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(15)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def renders(client: redis.Redis) -> dict[str, int]:
    """Times each content key was made, as the workers counted them."""
    return {k.decode(): int(v) for k, v in client.hgetall("assessor:renders").items()}


def running_job(client: redis.Redis) -> tuple[str, str] | None:
    """(content key, worker id) of a job being made, if any."""
    for key, raw in client.hgetall("assessor:jobs").items():
        record = json.loads(raw)
        if record["state"] == "running":
            return key.decode(), record["worker"]
    return None


@pytest.mark.parametrize("stress_database", ["postgresql"], indirect=True)
def test_two_servers_two_workers_share_postgresql_and_redis(
    stress_database: str, redis_db: redis.Redis, tmp_path: Path
) -> None:
    checklists = tmp_path / "checklists"
    checklists.mkdir()
    shutil.copy(SCHOOL_MEALS, checklists)
    shutil.copy(OSCE, checklists)
    settings = {
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": stress_database,
        "SECRET_KEY": "multi-server-" + os.urandom(16).hex(),  # one key: cookies work on both
        "CHECKLIST_DIR": str(checklists),
        "DEFAULT_CHECKLIST_ID": START["checklist"],
        "FLASK_REPORT_PRERENDER": "false",
        "FLASK_REPORT_MAX_QUEUED": "500",  # 50 users of one address (127.0.0.1)
        "FLASK_REPORT_MAX_PER_CLIENT": "500",
    }
    env = {k: v for k, v in settings.items() if k != "SECRET_KEY"}
    servers = [
        LiveServer(tmp_path, env=env, secret_key=settings["SECRET_KEY"], workers=2, name=n)
        for n in ("app1", "app2")
    ]
    workers = Workers(server_env(**settings), tmp_path)
    users: list[User] = []
    try:
        for server in servers:
            server.start()
        workers.start()
        workers.start()
        ports = [server.port for server in servers]

        # 1. 50 users across both servers.
        deadline = time.monotonic() + TIME_CAP
        errors: list[str] = []
        states: list[dict] = [{} for _ in range(USERS)]

        def journey(n: int) -> None:
            user = User(ports[n % 2 :] + ports[: n % 2], deadline)  # half start on each
            states[n]["user"] = user
            try:
                overview = start_assessment(user, n % GROUPS)
                states[n]["overview"] = overview
                expected: dict = {}
                answer(user, overview, n % GROUPS, 0, expected)
                answer(user, overview, n % GROUPS, 1, expected)
                states[n]["expected"] = expected
                pdf = download(user, overview)
                states[n]["pdf_ok"] = valid_pdf(pdf)
            except Exception as exc:  # noqa: BLE001 - every failure is an error of the run
                errors.append(f"user {n}: {type(exc).__name__}: {exc}")

        started = time.monotonic()
        threads = [threading.Thread(target=journey, args=(n,)) for n in range(USERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(1.0, deadline - time.monotonic() + 35))
        users = [state["user"] for state in states if "user" in state]
        assert not any(t.is_alive() for t in threads), "users still running after the time cap"
        phase1 = time.monotonic() - started
        assert errors == [], errors[:10]
        assert all(state.get("pdf_ok") for state in states)
        for n, state in enumerate(states):
            stored = state["user"].client().answers(state["overview"])
            assert stored == state["expected"], f"user {n}"
        made = renders(redis_db)
        # One report per group, each made once on either worker, though 5 users asked for it
        # on both servers each.
        assert len(made) == GROUPS, len(made)
        assert set(made.values()) == {1}, made

        # 2. A worker killed in the middle of a render: the report still arrives.
        user = users[0]
        overview = start_assessment(user, 99, checklist="osce-odihr-2017-migrant-integration")
        got: dict[str, bytes] = {}
        fetch = threading.Thread(
            target=lambda: got.update(pdf=download(user, overview, "ngo", wait=240))
        )
        fetch.start()
        assert processes.wait_for(lambda: running_job(redis_db), 60), "no render started"
        found = running_job(redis_db)
        assert found is not None
        key, worker_id = found
        victim = int(worker_id.split(":")[1])
        time.sleep(0.5)  # well into the render (an OSCE report takes seconds)
        killed_mid_render = redis_db.get(f"assessor:report:{key}") is None
        os.kill(victim, signal.SIGKILL)
        fetch.join(250)
        assert not fetch.is_alive(), "the report never arrived"
        assert valid_pdf(got["pdf"])
        assert killed_mid_render, "the render ended before the kill: nothing was tested"
        assert renders(redis_db)[key] == 1  # made once, by the other worker
        assert not any(processes.alive(p) for p in processes.renderers(group=victim))

        # 3. An app server killed: users on the other lose nothing.
        servers[0].kill()
        survivor = servers[1].port
        for n, state in enumerate(states[:3]):
            state["user"].only(survivor)
            answer(state["user"], state["overview"], n, 2, state["expected"])
        for state in states[:3]:
            assert valid_pdf(download(state["user"], state["overview"]))
        for n, state in enumerate(states):
            state["user"].only(survivor)
            stored = state["user"].client().answers(state["overview"])
            assert stored == state["expected"], f"user {n}"
        assert set(renders(redis_db).values()) == {1}
        print(
            f"\n[stress multi-server] users={USERS} phase1_s={phase1:.1f} "
            f"reports={len(renders(redis_db))} killed_worker={victim}"
        )
    finally:
        for user in users:
            user.close()
        workers.stop()
        for server in servers:
            if server.running:
                server.kill()
