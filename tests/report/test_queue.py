"""The report queue's job records: one job per content key across servers, a job whose worker
is gone queued again, a job that keeps failing stopped with a message, waiting users before
pre-renders, and a pre-render superseded by a later save.

On both storages (an SQLite file, and Redis db 15 under a prefix of its own per test). The
render process is replaced by a stand-in that answers at once (the real one is tested in
test_jobs.py, and end to end in tests/web/test_report_background.py), and the queue's tasks are
run one by one from the test, as a consumer's thread would.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assessor.report import queue as queue_module
from assessor.report.cache import PDFCache
from assessor.report.queue import JOBS, ReportQueue, ReportSpec, make_huey, make_store
from tests.support.ci import unavailable

REDIS_URL = "redis://127.0.0.1:6379/15"
PDF = b"%PDF-1.7\n" + b"x" * 100 + b"\n%%EOF\n"


class FakeRenderer:
    """Answers each render with the next outcome of ``outcomes`` (the last one repeats)."""

    def __init__(self, outcomes: list[tuple[str, Any]]) -> None:
        self.outcomes = outcomes
        self.calls: list[tuple[Any, ...]] = []

    def render(self, args: tuple[Any, ...], heartbeat: Callable[[], None] = lambda: None):
        heartbeat()
        self.calls.append(args)
        return self.outcomes[min(len(self.calls), len(self.outcomes)) - 1]

    def stop(self) -> None:
        pass


@pytest.fixture(params=["sqlite", "redis"])
def servers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., ReportQueue]]:
    """Make queues as separate servers make them, all on one storage; removed after the test."""
    prefix = f"assessor-test-{secrets.token_hex(4)}:"
    redis_url = None
    client = None
    if request.param == "redis":
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        try:
            client.ping()
        except redis.RedisError as exc:
            unavailable(f"Redis at {REDIS_URL} cannot be reached: {exc}")
        redis_url = REDIS_URL

    def make(**options: Any) -> ReportQueue:
        path = tmp_path / "queue.sqlite"
        cache = (
            PDFCache(redis=client, memory_bytes=0)
            if client is not None
            else PDFCache(tmp_path / "cache", memory_bytes=0)
        )
        if client is not None:
            cache.redis.__init__(client, max_bytes=10**7, max_age=3600, prefix=prefix)  # type: ignore[union-attr,misc]
        made = ReportQueue(
            make_huey(redis_url, path, name=prefix),
            make_store(redis_url, path, prefix),
            cache,
            **options,
        )
        made._local.renderer = FakeRenderer([("ok", PDF)])
        return made

    yield make
    if client is not None:
        keys = list(client.scan_iter(f"*{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


def spec(day: int = 1, owners: tuple[str, ...] = ()) -> ReportSpec:
    """A report to make (each ``day`` another content key)."""
    key = f"{day:064x}"
    args = ("c.yaml", "digest", {"answers": {}}, "government", f"2026-03-{day:02d}", "pdf", None)
    return ReportSpec(key, args, "government", "pdf", owners)


def run_tasks(queue: ReportQueue, limit: int = 50) -> int:
    """Run the queue's tasks as a consumer thread would, until it is empty; how many ran."""
    ran = 0
    while (task := queue.huey.dequeue()) is not None and ran < limit:
        queue.huey.execute(task)
        ran += 1
    return ran


def renderer(queue: ReportQueue) -> FakeRenderer:
    found: FakeRenderer = queue._local.renderer
    return found


def record(queue: ReportQueue, key: str) -> dict[str, Any]:
    raw = queue.store.get(JOBS, key)
    assert raw is not None
    return dict(json.loads(raw))


def age(queue: ReportQueue, key: str, seconds: float, **changes: Any) -> None:
    """Make the job record of ``key`` look untouched for ``seconds`` (its worker gone)."""
    raw = queue.store.get(JOBS, key)
    assert raw is not None
    data = json.loads(raw) | {"touched": time.time() - seconds} | changes
    assert queue.store.swap(JOBS, key, raw, json.dumps(data, sort_keys=True))


def test_one_job_per_key_on_every_server(servers: Callable[..., ReportQueue]) -> None:
    first, second = servers(), servers()
    assert first.state(spec()) == "pending"
    assert second.state(spec()) == "pending"  # another server: the same job, not a second
    assert first.depth() == 1
    run_tasks(second)
    assert second.state(spec()) == first.state(spec()) == "ready"
    assert first.cache.get(spec().key) == PDF
    assert first.renders() == {spec().key: 1}
    assert first.store.get(JOBS, spec().key) is None  # done: nothing left to heal


def test_a_job_whose_worker_was_killed_is_queued_again_by_the_progress_page(
    servers: Callable[..., ReportQueue],
) -> None:
    server = servers()
    assert server.state(spec()) == "pending"
    assert server.huey.dequeue() is not None  # a worker took it ...
    age(server, spec().key, queue_module.LEASE + 1, state="running", attempts=1)  # ... and died
    assert server.state(spec()) == "pending"  # seen stale: queued again
    assert record(server, spec().key)["state"] == "queued"
    run_tasks(server)
    assert server.state(spec()) == "ready"
    assert server.renders() == {spec().key: 1}


def test_a_worker_sweep_queues_again_a_job_whose_worker_is_gone(
    servers: Callable[..., ReportQueue],
) -> None:
    server, worker = servers(), servers()
    assert server.state(spec()) == "pending"
    old_ticket = record(server, spec().key)["ticket"]
    age(server, spec().key, queue_module.LEASE + 1, state="running", attempts=1)
    worker.sweep()
    assert record(server, spec().key)["ticket"] != old_ticket
    assert run_tasks(worker) == 2  # the old task is dropped (its ticket), the new one made
    assert worker.renders() == {spec().key: 1}
    assert server.workers_seen() == 1


def test_a_live_job_is_left_to_its_worker(servers: Callable[..., ReportQueue]) -> None:
    server = servers()
    assert server.state(spec()) == "pending"
    age(server, spec().key, queue_module.LEASE - 5, state="running", attempts=1)
    raw = server.store.get(JOBS, spec().key)
    server.sweep()
    assert server.state(spec()) == "pending"
    assert server.store.get(JOBS, spec().key) == raw  # untouched: nobody took it over


def test_a_job_that_keeps_failing_stops_after_its_tries_with_a_message(
    monkeypatch: pytest.MonkeyPatch, servers: Callable[..., ReportQueue]
) -> None:
    server = servers(max_attempts=3)
    fake = FakeRenderer([("error", "ReportError: the checklist file changed")])
    server._local.renderer = fake
    assert server.state(spec()) == "pending"
    run_tasks(server)
    assert len(fake.calls) == 3
    assert server.state(spec()) == "failed"
    assert server.state(spec()) == "failed"  # every check says so, for a while
    assert "checklist file changed" in server.message(spec().key)
    assert servers().state(spec()) == "failed"  # another server too, starting nothing
    assert server.depth() == 0
    monkeypatch.setattr(queue_module, "FAILURE_SHOWN_FOR", 0.0)
    server._local.renderer = FakeRenderer([("ok", PDF)])
    assert server.state(spec()) == "pending"  # later, a new ask tries again from scratch
    run_tasks(server)
    assert server.state(spec()) == "ready"


def test_a_stale_job_that_used_its_tries_fails(servers: Callable[..., ReportQueue]) -> None:
    server = servers(max_attempts=3)
    assert server.state(spec()) == "pending"
    age(server, spec().key, queue_module.LEASE + 1, state="running", attempts=3)
    assert server.state(spec()) == "failed"
    assert "stopped answering" in server.message(spec().key)


def test_a_renderer_that_died_costs_a_try_not_the_report(
    servers: Callable[..., ReportQueue],
) -> None:
    server = servers()
    fake = FakeRenderer([("died", None), ("timeout", "too long"), ("ok", PDF)])
    server._local.renderer = fake
    server.state(spec())
    run_tasks(server)
    assert len(fake.calls) == 3
    assert server.state(spec()) == "ready"


def test_waiting_users_go_before_pre_renders(servers: Callable[..., ReportQueue]) -> None:
    server = servers()
    assert server.state(spec(1), waiting=False) == "pending"  # made ahead of time
    assert server.state(spec(2)) == "pending"  # someone waits for this one
    first = server.huey.dequeue()
    assert first is not None and first.args[0] == spec(2).key
    server.huey.execute(first)
    # Someone now waits for the pre-render: moved up, made once.
    assert server.state(spec(1)) == "pending"
    assert record(server, spec(1).key)["priority"] == queue_module.PRIORITY_WAITING
    run_tasks(server)
    assert server.renders() == {spec(1).key: 1, spec(2).key: 1}


def test_a_pre_render_leaves_a_thread_free_for_waiting_users(
    servers: Callable[..., ReportQueue],
) -> None:
    server = servers(threads=2)
    assert server._take_ahead_slot()  # one thread is making a pre-render
    server.state(spec(1), waiting=False)
    run_tasks(server, limit=1)
    assert renderer(server).calls == []  # not taken by the last free thread: put back
    assert record(server, spec(1).key)["state"] == "queued"
    server._give_ahead_slot()


def test_a_later_save_supersedes_the_pending_pre_render(
    servers: Callable[..., ReportQueue],
) -> None:
    revisions = {7: 1}
    loaded: list[int] = []

    def load_ahead(assessment_id: int) -> tuple[int, list[ReportSpec]]:
        loaded.append(assessment_id)
        return revisions[assessment_id], [spec(1), spec(2)]

    server = servers(load_ahead=load_ahead, revision_of=revisions.get, prerender_delay=0.001)
    server.prerender_later(7)
    server.prerender_later(7)  # saved again before it was quiet
    time.sleep(0.01)  # both due now
    for task in [server.huey.dequeue(), server.huey.dequeue()]:  # the two pre-renders
        assert task is not None and task.name == "prerender"
        server.huey.execute(task)
    assert loaded == [7]  # only the last save's pre-render ran
    assert server.state(spec(1), waiting=False) == "pending"
    revisions[7] = 2  # a save after the reports were queued: they are dropped unmade
    run_tasks(server)
    assert renderer(server).calls == []
    assert server.store.items(JOBS) == {}


def test_a_pre_render_of_an_assessment_deleted_meanwhile_is_not_kept(
    servers: Callable[..., ReportQueue],
) -> None:
    revisions: dict[int, int] = {7: 1}
    server = servers(
        load_ahead=lambda _id: (1, [spec(1)]), revision_of=revisions.get, prerender_delay=0.001
    )

    class DeletedWhileRendering(FakeRenderer):
        def render(self, args: tuple[Any, ...], heartbeat: Callable[[], None] = lambda: None):
            revisions.pop(7)  # the owner deletes the assessment during the render
            return super().render(args, heartbeat)

    server._local.renderer = DeletedWhileRendering([("ok", PDF)])
    server.prerender_later(7)
    time.sleep(0.01)
    run_tasks(server)
    assert len(renderer(server).calls) == 1  # made, then dropped
    assert server.cache.get(spec(1).key) is None
    assert server.store.items(JOBS) == {}


def test_pending_pre_renders_count_until_the_reports_are_made(
    servers: Callable[..., ReportQueue],
) -> None:
    seen: list[int] = []
    server = servers(prerender_delay=0.001)

    def load_ahead(assessment_id: int) -> tuple[int, list[ReportSpec]]:
        seen.append(server.prerenders_pending())  # while the jobs are being created
        return 1, [spec(1), spec(2)]

    server.load_ahead = load_ahead
    server.revision_of = {7: 1}.get
    assert server.prerenders_pending() == 0
    server.prerender_later(7)
    assert server.prerenders_pending() == 1  # quiet delay under way
    time.sleep(0.01)
    task = server.huey.dequeue()
    assert task is not None and task.name == "prerender"
    server.huey.execute(task)
    assert seen == [1]  # never zero between the mark and the jobs
    assert server.prerenders_pending() == 2  # its two reports queued
    server.state(spec(3))  # a report someone waits for is not a pre-render
    assert server.prerenders_pending() == 2
    run_tasks(server)
    assert server.prerenders_pending() == 0
    assert len(renderer(server).calls) == 3


def test_the_waiting_reports_are_bounded_per_owner_and_in_all(
    servers: Callable[..., ReportQueue],
) -> None:
    server = servers(max_queued=3)
    limits = {"assessment:1": 2}
    assert server.state(spec(1, tuple(limits)), limits) == "pending"
    assert server.state(spec(2, tuple(limits)), limits) == "pending"
    assert server.state(spec(3, tuple(limits)), limits) == "limited"  # its third
    assert server.state(spec(1, tuple(limits)), limits) == "pending"  # already queued
    other = {"assessment:2": 2}
    assert server.state(spec(3, tuple(other)), other) == "pending"
    assert server.state(spec(4), {"assessment:3": 2}) == "busy"  # 3 waiting in all
    assert server.state(spec(5), waiting=False) == "pending"  # pre-renders are not refused
    run_tasks(server)
    assert server.state(spec(4), {"assessment:3": 2}) == "pending"  # room again


def test_a_job_just_made_does_not_count_against_the_bounds(
    servers: Callable[..., ReportQueue],
) -> None:
    server = servers()
    limits = {"client:1": 1}
    assert server.state(spec(1, tuple(limits)), limits) == "pending"
    server.cache.put(spec(1).key, PDF)  # made; its record not yet removed by its worker
    assert server.state(spec(2, tuple(limits)), limits) == "pending"
