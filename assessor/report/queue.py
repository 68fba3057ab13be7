"""The report queue: reports made by workers, once per content key, across every server.

Built on Huey (https://huey.readthedocs.io), one API over two storages:

- **the default, one machine**: ``SqliteHuey``, a queue in an SQLite file of the instance folder
  (``REPORT_QUEUE_PATH``), consumed by a consumer that ``assessor serve`` starts (a process of
  its own beside gunicorn; a thread of the development server): nothing else to run;
- **several machines**: with ``REDIS_URL`` set, a Redis queue (``PriorityRedisHuey``) that
  ``assessor worker`` processes consume, on any machine that reaches Redis and the database.

Huey moves tasks; what it does not do is say whether a report is already being made, take back
the task of a worker killed mid-render (a task is removed from the queue when a worker takes it:
nothing acknowledges it), or stop retrying. So each report has a **job record** in a shared
:class:`JobStore` (the same Redis, or a table in the queue's SQLite file), keyed by the report's
content key (:func:`assessor.report.cache.report_key`, format included):

- **one job per key, on every server**: a record is created only if none exists (``HSETNX``, or
  an ``INSERT`` that keeps an existing row), so two servers asked for the same report at once
  queue it once; every change of a record is a compare-and-set on its whole text;
- **a ticket**: each time a job is queued it gets a new random ticket, carried by the Huey task.
  A worker runs a task only if its ticket is the record's: a task left behind by a re-queue, a
  superseded pre-render or a job already done is dropped, so a key is never made twice;
- **a lease**: the worker making a report marks the record "running" and touches it every
  :data:`assessor.report.jobs.HEARTBEAT` seconds while it waits on the render process. A record
  not touched for :data:`LEASE` seconds (:data:`QUEUED_LEASE` while queued) belongs to a worker
  that is gone (``kill -9``, a machine lost): whoever sees it first (a worker's sweep every
  :data:`SWEEP_INTERVAL` seconds, or the progress page a user is watching) queues it again;
- **bounded retries**: each start counts an attempt; a job that failed (an error, its time
  limit, its renderer or worker killed) :data:`MAX_ATTEMPTS` times is marked failed, and the
  progress page then says the report could not be made (for :data:`FAILURE_SHOWN_FOR` seconds;
  after that a new request tries again from scratch).

Priorities: a report someone waits for is queued at :data:`PRIORITY_WAITING`; the reports made
ahead of time after a save (**pre-renders**, see :meth:`ReportQueue.prerender_later`) at
:data:`PRIORITY_AHEAD`, and one worker thread in each consumer is kept for waiting reports (a
pre-render taken by the last free thread is put back for a moment). A user asking for a report
that is queued as a pre-render re-queues it at the higher priority. At most one pre-render per
assessment is pending: each save replaces the assessment's mark, a pre-render whose mark was
replaced does nothing, and its reports are dropped if the assessment's revision moved on before
they were made.

Pure of Flask: the web app and ``assessor worker`` (:mod:`assessor.web.report_jobs`) give the
queue what it needs from the database as functions.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from huey import PriorityRedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer

from assessor import metrics
from assessor.report.cache import REDIS_PREFIX, PDFCache
from assessor.report.jobs import MEMORY_LIMIT, RENDER_TIMEOUT, RenderArgs, RenderProcess

LOG = logging.getLogger(__name__)

QUEUE_NAME = "assessor-reports"
PRIORITY_WAITING = 100  # a report a user waits for
PRIORITY_AHEAD = 0  # a report made ahead of time after a save
LEASE = 20.0  # seconds a running job may go untouched before it is taken from its worker
QUEUED_LEASE = 300.0  # seconds a queued job may wait before it is queued again
FAILURE_SHOWN_FOR = 60.0  # a failure is shown this long, then forgotten (the next ask retries)
MAX_ATTEMPTS = 3
MAX_QUEUED = 32
SWEEP_INTERVAL = 5.0
WORKER_SEEN_WITHIN = 30.0  # a worker that swept this recently counts as live
PRERENDER_DELAY = 5.0
AHEAD_RETRY_DELAY = 2  # seconds before a pre-render that found no free thread is tried again
RENDERS_KEPT = 2 * 24 * 3600.0  # render counts per key are kept this long

State = Literal["ready", "pending", "failed", "limited", "busy"]


@dataclass(frozen=True)
class ReportSpec:
    """One report to make: its key, what it is made from, and for whom it is."""

    key: str
    args: RenderArgs
    audience: str
    fmt: str
    owners: tuple[str, ...] = ()


# -- the shared job store ------------------------------------------------------------------


class JobStore:
    """Small records shared by every server and worker, in namespaces of fields.

    Two implementations: :class:`RedisJobStore` and :class:`SqliteJobStore`.
    """

    def add(self, ns: str, field: str, value: str) -> bool:
        """Store ``value`` if ``field`` has none; whether it was stored."""
        raise NotImplementedError

    def get(self, ns: str, field: str) -> str | None:
        """The value of ``field``, or ``None``."""
        raise NotImplementedError

    def put(self, ns: str, field: str, value: str) -> None:
        """Store ``value``, replacing any."""
        raise NotImplementedError

    def swap(self, ns: str, field: str, old: str, new: str | None) -> bool:
        """Replace ``old`` by ``new`` (``None``: delete) if ``field`` still holds ``old``."""
        raise NotImplementedError

    def items(self, ns: str) -> dict[str, str]:
        """Every field of ``ns`` and its value."""
        raise NotImplementedError

    def incr(self, ns: str, field: str) -> int:
        """Add one to a counter; its new value."""
        raise NotImplementedError

    def ping(self) -> bool:
        """Whether the store answers."""
        raise NotImplementedError


_SWAP = """
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1])
  else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
  return 1
end
return 0
"""


class RedisJobStore(JobStore):
    """The job store in Redis: one hash per namespace."""

    def __init__(self, client: Any, prefix: str = REDIS_PREFIX) -> None:
        self.client = client
        self.prefix = prefix
        self._swap = client.register_script(_SWAP)

    def _ns(self, ns: str) -> str:
        return f"{self.prefix}{ns}"

    def add(self, ns: str, field: str, value: str) -> bool:  # noqa: D102
        return bool(self.client.hsetnx(self._ns(ns), field, value))

    def get(self, ns: str, field: str) -> str | None:  # noqa: D102
        value = self.client.hget(self._ns(ns), field)
        return None if value is None else bytes(value).decode()

    def put(self, ns: str, field: str, value: str) -> None:  # noqa: D102
        self.client.hset(self._ns(ns), field, value)

    def swap(self, ns: str, field: str, old: str, new: str | None) -> bool:  # noqa: D102
        return bool(self._swap(keys=[self._ns(ns)], args=[field, old, new or ""]))

    def items(self, ns: str) -> dict[str, str]:  # noqa: D102
        raw = self.client.hgetall(self._ns(ns))
        return {bytes(k).decode(): bytes(v).decode() for k, v in raw.items()}

    def incr(self, ns: str, field: str) -> int:  # noqa: D102
        pipe = self.client.pipeline()
        pipe.hincrby(self._ns(ns), field, 1)
        pipe.expire(self._ns(ns), int(RENDERS_KEPT))
        return int(pipe.execute()[0])

    def ping(self) -> bool:  # noqa: D102
        try:
            return bool(self.client.ping())
        except Exception:
            return False


class SqliteJobStore(JobStore):
    """The job store in a table of an SQLite file (the queue's), for one machine."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        with self._connection() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS assessor_jobs (ns TEXT NOT NULL, field TEXT NOT "
                "NULL, value TEXT NOT NULL, touched REAL NOT NULL, PRIMARY KEY (ns, field))"
            )

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn, self._local.pid = conn, os.getpid()
        yield conn

    def _run(self, sql: str, *params: Any) -> sqlite3.Cursor:
        with self._connection() as conn:
            return conn.execute(sql, params)

    def add(self, ns: str, field: str, value: str) -> bool:  # noqa: D102
        cursor = self._run(
            "INSERT OR IGNORE INTO assessor_jobs VALUES (?, ?, ?, ?)", ns, field, value, time.time()
        )
        return cursor.rowcount == 1

    def get(self, ns: str, field: str) -> str | None:  # noqa: D102
        row = self._run(
            "SELECT value FROM assessor_jobs WHERE ns = ? AND field = ?", ns, field
        ).fetchone()
        return None if row is None else str(row[0])

    def put(self, ns: str, field: str, value: str) -> None:  # noqa: D102
        self._run(
            "INSERT OR REPLACE INTO assessor_jobs VALUES (?, ?, ?, ?)",
            ns,
            field,
            value,
            time.time(),
        )

    def swap(self, ns: str, field: str, old: str, new: str | None) -> bool:  # noqa: D102
        if new is None:
            cursor = self._run(
                "DELETE FROM assessor_jobs WHERE ns = ? AND field = ? AND value = ?", ns, field, old
            )
        else:
            cursor = self._run(
                "UPDATE assessor_jobs SET value = ?, touched = ? "
                "WHERE ns = ? AND field = ? AND value = ?",
                new,
                time.time(),
                ns,
                field,
                old,
            )
        return cursor.rowcount == 1

    def items(self, ns: str) -> dict[str, str]:  # noqa: D102
        rows = self._run("SELECT field, value FROM assessor_jobs WHERE ns = ?", ns).fetchall()
        return {str(field): str(value) for field, value in rows}

    def incr(self, ns: str, field: str) -> int:  # noqa: D102
        now = time.time()
        self._run("DELETE FROM assessor_jobs WHERE ns = ? AND touched < ?", ns, now - RENDERS_KEPT)
        row = self._run(
            "INSERT INTO assessor_jobs VALUES (?, ?, '1', ?) ON CONFLICT (ns, field) DO UPDATE "
            "SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT), touched = excluded.touched "
            "RETURNING value",
            ns,
            field,
            now,
        ).fetchone()
        return int(row[0])

    def ping(self) -> bool:  # noqa: D102
        try:
            self._run("SELECT 1")
        except sqlite3.Error:
            return False
        return True


# -- job records ----------------------------------------------------------------------------

JOBS = "jobs"  # content key -> job record (JSON)
AHEAD = "prerender"  # assessment id -> mark of its pending pre-render
RENDERS = "renders"  # content key -> times made
WORKERS = "workers"  # worker id -> when it last swept


def _record(**fields: Any) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


@dataclass
class Job:
    """A job record as read from the store (``raw``: its text, for compare-and-set)."""

    key: str
    raw: str
    data: dict[str, Any]

    @property
    def state(self) -> str:
        """ "queued", "running" or "failed"."""
        return str(self.data["state"])

    @property
    def age(self) -> float:
        """Seconds since the record was last touched."""
        return time.time() - float(self.data["touched"])

    def stale(self) -> bool:
        """Whether its worker is gone (running, untouched for :data:`LEASE` s) or it waited
        too long in the queue (:data:`QUEUED_LEASE` s)."""
        if self.state == "running":
            return self.age > LEASE
        return self.state == "queued" and self.age > QUEUED_LEASE

    def changed(self, **fields: Any) -> str:
        """The record's text with ``fields`` changed and touched now."""
        return _record(**(self.data | {"touched": time.time()} | fields))


# -- the queue ------------------------------------------------------------------------------


class ReportQueue:
    """The queue, its job store and the cache its workers fill.

    ``load_ahead(assessment_id)`` gives the reports to make ahead of time for an assessment
    (with its revision), or ``None`` if it is gone; ``revision_of(assessment_id)`` its current
    revision. Both are called by the workers only.
    """

    def __init__(
        self,
        huey: Huey,
        store: JobStore,
        cache: PDFCache,
        *,
        load_ahead: Callable[[int], tuple[int, list[ReportSpec]] | None] | None = None,
        revision_of: Callable[[int], int | None] | None = None,
        render_timeout: float = RENDER_TIMEOUT,
        memory_limit: int | None = MEMORY_LIMIT,
        max_attempts: int = MAX_ATTEMPTS,
        max_queued: int = MAX_QUEUED,
        prerender_delay: float = PRERENDER_DELAY,
        threads: int = 2,
    ) -> None:
        self.huey = huey
        self.store = store
        self.cache = cache
        self.load_ahead = load_ahead
        self.revision_of = revision_of
        self.render_timeout = render_timeout
        self.memory_limit = memory_limit
        self.max_attempts = max_attempts
        self.max_queued = max_queued
        self.prerender_delay = prerender_delay
        self.threads = max(1, threads)
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._local = threading.local()
        self._ahead_lock = threading.Lock()
        self._ahead_running = 0
        self._render = huey.task(name="render")(self._run_render)
        self._ahead = huey.task(name="prerender")(self._run_prerender)

    # -- asked by the web app ---------------------------------------------------------------

    def state(
        self, spec: ReportSpec, owners: dict[str, int] | None = None, *, waiting: bool = True
    ) -> State:
        """Where the report stands; queues it if nobody is making it.

        ``owners`` maps who asks (an assessment, a client) to how many of their reports may be
        waiting at once: ``"limited"`` when one has that many, ``"busy"`` when the queue holds
        :attr:`max_queued` waiting reports (nothing queued either way). ``waiting=False``: a
        pre-render (low priority, no limits).
        """
        if self.cache.get(spec.key) is not None:
            return "ready"
        priority = PRIORITY_WAITING if waiting else PRIORITY_AHEAD
        for _ in range(5):  # a record changed by another server meanwhile: read it again
            job = self._job(spec.key)
            if job is None:
                if waiting and (refused := self._refusal(owners or {})):
                    return refused
                if self._create(spec, priority):
                    return "pending"
                continue
            if job.state == "failed":
                if job.age < FAILURE_SHOWN_FOR:
                    return "failed"
                if self.store.swap(JOBS, spec.key, job.raw, None):
                    continue
                continue
            if job.stale():
                healed = self._heal(job)
                if healed is None:
                    continue
                return healed
            moved_up = waiting and job.state == "queued" and job.data["priority"] < priority
            if moved_up and not self._requeue(job, priority=priority):
                continue  # a user now waits for a pre-render: moved up (or it changed)
            return "pending"
        return "pending"

    def _refusal(self, owners: dict[str, int]) -> State | None:
        waiting = [
            job
            for job in self._jobs()
            if job.data["priority"] >= PRIORITY_WAITING and job.state != "failed"
        ]

        def over(jobs: list[Job]) -> State | None:
            if len(jobs) >= self.max_queued:
                return "busy"
            for owner, most in owners.items():
                if sum(owner in job.data["owners"] for job in jobs) >= most:
                    return "limited"
            return None

        if over(waiting) is None:
            return None
        # Over a bound: leave out the jobs just made, whose records are about to go.
        return over([job for job in waiting if self.cache.get(job.key) is None])

    def _job(self, key: str) -> Job | None:
        raw = self.store.get(JOBS, key)
        return None if raw is None else Job(key, raw, json.loads(raw))

    def _jobs(self) -> list[Job]:
        return [Job(key, raw, json.loads(raw)) for key, raw in self.store.items(JOBS).items()]

    def _create(
        self, spec: ReportSpec, priority: int, assessment: tuple[int, int] | None = None
    ) -> bool:
        ticket = secrets.token_hex(8)
        raw = _record(
            state="queued",
            ticket=ticket,
            attempts=0,
            touched=time.time(),
            priority=priority,
            args=list(spec.args),
            audience=spec.audience,
            fmt=spec.fmt,
            owners=list(spec.owners),
            assessment=list(assessment) if assessment else None,
            message="",
        )
        if not self.store.add(JOBS, spec.key, raw):
            return False
        self._enqueue(spec.key, ticket, priority)
        return True

    def _enqueue(self, key: str, ticket: str, priority: int, delay: float | None = None) -> None:
        if delay:
            self._render.schedule(args=(key, ticket), delay=delay, priority=priority)
        else:
            self.huey.enqueue(self._render.s(key, ticket, priority=priority))

    def _requeue(self, job: Job, delay: float | None = None, **changes: Any) -> bool:
        """Queue the job again under a new ticket (its old task, if any, is then dropped)."""
        ticket = secrets.token_hex(8)
        new = job.changed(state="queued", ticket=ticket, **changes)
        if not self.store.swap(JOBS, job.key, job.raw, new):
            return False
        self._enqueue(job.key, ticket, int(json.loads(new)["priority"]), delay)
        return True

    def _fail(self, job: Job, message: str) -> bool:
        LOG.error("a report could not be made after %s tries: %s", job.data["attempts"], message)
        return self.store.swap(JOBS, job.key, job.raw, job.changed(state="failed", message=message))

    def _heal(self, job: Job) -> State | None:
        """A stale job: queued again, or failed if it used its tries (``None``: it changed)."""
        if job.data["attempts"] >= self.max_attempts:
            return "failed" if self._fail(job, "its worker stopped answering") else None
        LOG.warning("a report whose worker stopped answering is queued again")
        return "pending" if self._requeue(job) else None

    def message(self, key: str) -> str:
        """Why the job for ``key`` failed ("" if it did not)."""
        job = self._job(key)
        return str(job.data.get("message", "")) if job is not None else ""

    def prerender_later(self, assessment_id: int) -> None:
        """After a save: make the assessment's reports once it has been quiet for
        :attr:`prerender_delay` seconds (this save's mark replaces any earlier one)."""
        mark = f"{secrets.token_hex(8)} {time.time():.0f}"
        self.store.put(AHEAD, str(assessment_id), mark)
        self._ahead.schedule(
            args=(assessment_id, mark), delay=self.prerender_delay, priority=PRIORITY_AHEAD
        )

    # -- figures ------------------------------------------------------------------------------

    def depth(self) -> int:
        """Tasks waiting in the queue (all servers), scheduled pre-renders not counted."""
        return int(self.huey.pending_count())

    def prerenders_pending(self) -> int:
        """Pre-renders not done yet (all servers): assessments waiting for their quiet delay to
        end, and reports queued or being made ahead of time (failed ones not counted). Zero
        once every saved assessment's reports are in the cache (or could not be made)."""
        waiting = len(self.store.items(AHEAD))
        making = sum(
            1 for job in self._jobs() if job.data.get("assessment") and job.state != "failed"
        )
        return waiting + making

    def workers_seen(self) -> int:
        """Workers that swept in the last :data:`WORKER_SEEN_WITHIN` seconds."""
        now = time.time()
        return sum(
            now - float(seen) < WORKER_SEEN_WITHIN for seen in self.store.items(WORKERS).values()
        )

    def renders(self) -> dict[str, int]:
        """How many times each content key was made (kept two days)."""
        return {key: int(count) for key, count in self.store.items(RENDERS).items()}

    # -- run by the workers -------------------------------------------------------------------

    def _renderer(self) -> RenderProcess:
        found: RenderProcess | None = getattr(self._local, "renderer", None)
        if found is None:
            found = RenderProcess(
                render_timeout=self.render_timeout, memory_limit=self.memory_limit
            )
            self._local.renderer = found
        return found

    def _take_ahead_slot(self) -> bool:
        with self._ahead_lock:
            if self.threads > 1 and self._ahead_running >= self.threads - 1:
                return False
            self._ahead_running += 1
            return True

    def _give_ahead_slot(self) -> None:
        with self._ahead_lock:
            self._ahead_running -= 1

    def _run_render(self, key: str, ticket: str) -> None:
        """The task: make the report of job ``key`` if ``ticket`` is still its ticket."""
        job = self._job(key)
        if job is None or job.data["ticket"] != ticket or job.state != "queued":
            return  # done, superseded, or queued again under another ticket
        if self.cache.get(key) is not None:
            self.store.swap(JOBS, key, job.raw, None)
            return
        ahead = job.data["priority"] < PRIORITY_WAITING
        if ahead and self._outdated(job):
            self.store.swap(JOBS, key, job.raw, None)  # a newer save supersedes it
            return
        if ahead and not self._take_ahead_slot():
            self._requeue(job, delay=AHEAD_RETRY_DELAY)  # keep a thread for waiting users
            return
        try:
            self._make(job)
        finally:
            if ahead:
                self._give_ahead_slot()

    def _outdated(self, job: Job) -> bool:
        assessment = job.data.get("assessment")
        if not assessment or self.revision_of is None:
            return False
        return self.revision_of(int(assessment[0])) != int(assessment[1])

    def _make(self, job: Job) -> None:
        running = job.changed(
            state="running", attempts=int(job.data["attempts"]) + 1, worker=self.worker_id
        )
        if not self.store.swap(JOBS, job.key, job.raw, running):
            return
        held = [running]

        def heartbeat() -> None:
            touched = Job(job.key, held[0], json.loads(held[0])).changed()
            if self.store.swap(JOBS, job.key, held[0], touched):
                held[0] = touched

        started = time.monotonic()
        args: RenderArgs = tuple(job.data["args"])
        try:
            outcome, payload = self._renderer().render(args, heartbeat)
        except Exception as exc:  # never let a task kill the worker thread
            LOG.exception("the report renderer failed")
            outcome, payload = "error", f"{type(exc).__name__}: {exc}"
        current = Job(job.key, held[0], json.loads(held[0]))
        if outcome == "ok" and self._outdated(job):
            # A pre-render whose assessment was deleted (or saved again) while it was being
            # made: not kept, so a deleted assessment leaves no report in the cache.
            self.store.swap(JOBS, job.key, current.raw, None)
            return
        if outcome == "ok":
            self.cache.put(job.key, payload)
            self.store.incr(RENDERS, job.key)  # before the record goes: counted when seen done
            self.store.swap(JOBS, job.key, current.raw, None)
            seconds = time.monotonic() - started
            metrics.observe_render(job.data["audience"], job.data["fmt"], seconds)
            return
        message = payload or f"its render process {outcome}"
        if int(current.data["attempts"]) >= self.max_attempts:
            self._fail(current, str(message))
        else:
            LOG.warning("a report could not be made (%s); it is tried again", message)
            self._requeue(current, message=str(message))

    def _run_prerender(self, assessment_id: int, mark: str) -> None:
        """The task: if no save came since ``mark``, queue the assessment's reports."""
        if self.store.get(AHEAD, str(assessment_id)) != mark:
            return  # a later save replaced it: its own pre-render will run
        try:
            found = self.load_ahead(assessment_id) if self.load_ahead is not None else None
            if found is None:
                return
            revision, specs = found
            for spec in specs:
                if self.cache.get(spec.key) is None and self._job(spec.key) is None:
                    self._create(spec, PRIORITY_AHEAD, (assessment_id, revision))
        finally:
            # The mark goes once the jobs exist (a later save's mark stays), so that
            # :meth:`prerenders_pending` never sees the assessment's pre-render as done between
            # the two.
            self.store.swap(AHEAD, str(assessment_id), mark, None)

    def sweep(self) -> None:
        """Say this worker is alive; queue again the jobs whose worker is gone; forget old
        failures and marks."""
        now = time.time()
        self.store.put(WORKERS, self.worker_id, f"{now:.3f}")
        for worker, seen in self.store.items(WORKERS).items():
            if now - float(seen) > 10 * WORKER_SEEN_WITHIN:
                self.store.swap(WORKERS, worker, seen, None)
        for job in self._jobs():
            if job.state == "failed" and job.age > FAILURE_SHOWN_FOR:
                self.store.swap(JOBS, job.key, job.raw, None)
            elif job.stale():
                self._heal(job)
        for assessment, mark in self.store.items(AHEAD).items():
            if now - float(mark.split()[1]) > QUEUED_LEASE:
                self.store.swap(AHEAD, assessment, mark, None)

    def stop_renderers(self) -> None:
        """Stop this thread's render process (a worker thread ending)."""
        renderer: RenderProcess | None = getattr(self._local, "renderer", None)
        if renderer is not None:
            renderer.stop()


# -- making the queue -----------------------------------------------------------------------


def make_huey(redis_url: str | None, queue_path: Path, name: str = QUEUE_NAME) -> Huey:
    """Huey on Redis (``redis_url``) or on the SQLite file ``queue_path``."""
    if redis_url:
        return PriorityRedisHuey(name, url=redis_url, results=False, utc=True)
    queue_path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(queue_path), results=False, utc=True)


def make_store(redis_url: str | None, queue_path: Path, prefix: str = REDIS_PREFIX) -> JobStore:
    """The job store beside the queue: the same Redis (keys starting with ``prefix``), or a
    table in the queue's file."""
    if redis_url:
        import redis

        return RedisJobStore(redis.Redis.from_url(redis_url), prefix)
    queue_path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteJobStore(queue_path)


class EmbeddedConsumer(Consumer):  # type: ignore[misc]  # huey has no type hints
    """Huey's consumer with thread workers, run from any thread (no signal handlers): the
    consumer ``assessor serve`` and the development server start."""

    def _set_signal_handlers(self) -> None:
        """Leave the signals to the process that runs this consumer."""


class Sweeper:
    """A thread that calls :meth:`ReportQueue.sweep` every :data:`SWEEP_INTERVAL` seconds."""

    def __init__(self, queue: ReportQueue, interval: float = SWEEP_INTERVAL) -> None:
        self.queue = queue
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="report-sweeper", daemon=True)

    def start(self) -> Sweeper:
        """Start sweeping."""
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.queue.sweep()
            except Exception as exc:  # the store down: try again at the next sweep
                LOG.warning("the report queue's sweep failed: %s", exc)
            self._stop.wait(self.interval)

    def stop(self) -> None:
        """Stop sweeping."""
        self._stop.set()
        self._thread.join(5)


def consumer(queue: ReportQueue, *, embedded: bool) -> Consumer:
    """A Huey consumer of ``queue`` with :attr:`ReportQueue.threads` worker threads."""
    kind = EmbeddedConsumer if embedded else Consumer
    return kind(
        queue.huey,
        workers=queue.threads,
        worker_type="thread",
        periodic=False,
        initial_delay=0.1,
        max_delay=1.0,
        check_worker_health=True,
    )
