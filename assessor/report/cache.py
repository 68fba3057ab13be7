"""A cache of rendered reports, keyed by their content, so an unchanged report is made once.

The key is the SHA-256 of everything the PDF is made from: the checklist's digest, the answers
file (assessment details and every answer, as JSON), the audience, the format, the date printed
on the report, and the version of the report code (this package's files, Assessor's and
WeasyPrint's versions). Any change to one of them is a different key, so nothing is ever
invalidated by hand and a hit always gives the bytes a fresh render would.

Two levels, both bounded:

- memory: a least-recently-used set of reports per process, at most ``memory_bytes`` in all,
  in front of the shared level;
- shared, seen by every process that makes or serves reports, one of:

  - **Redis** (when ``REDIS_URL`` is set: several app servers and ``assessor worker``
    machines): ``<prefix>report:<key>`` holds the bytes, expiring after ``max_age`` seconds;
    a sorted set of keys by last use and a hash of their sizes bound the total to
    ``shared_bytes`` (the least recently used go first). Reports are a few hundred KB to a few
    MB: Redis keeps them in memory next to the queue every server already reaches, where the
    database would keep them in its tables, its write-ahead log and its backups, and a folder
    would have to be a network share;
  - **a folder** (the default: one machine, its gunicorn workers and the queue's consumer):
    ``<key>.pdf`` files (the name is the key; a DOCX is stored the same way), written
    atomically (a temporary file, then a rename), readable by the owner only, at most
    ``shared_bytes`` in all (the least recently used go first) and removed after ``max_age``
    seconds: a report dated yesterday is never asked for again. A folder that cannot be created
    or written is not used (a warning in the log): the memory level goes on working alone.

A shared level that fails (Redis down) is logged and reads as a miss: the report is made again.
Every lookup is counted in :mod:`assessor.metrics` (hit or miss, and the level that answered).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from datetime import date
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessor import metrics
from assessor.files import TEMP_PREFIX, write_atomically
from assessor.report import DEFAULT_AUDIENCE, DEFAULT_FORMAT

if TYPE_CHECKING:
    import redis

    from assessor.answers import AnswersFile
    from assessor.report.review import ReviewComments
    from assessor.scoring import GapAnalysis

LOG = logging.getLogger(__name__)
PACKAGE_DIR = Path(__file__).resolve().parent
MEMORY_BYTES = 64 * 1024 * 1024
DISK_BYTES = 512 * 1024 * 1024
MAX_AGE = 2 * 24 * 3600
SUFFIX = ".pdf"
REDIS_PREFIX = "assessor:"


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the code that shapes the PDF: the report package's files and the libraries."""
    digest = hashlib.sha256()
    for name in ("assessor", "weasyprint", "pydyf", "tinycss2", "fonttools"):
        try:
            digest.update(f"{name}={version(name)}\n".encode())
        except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
            digest.update(f"{name}=?\n".encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def cache_key(
    checklist_digest: str,
    answers_json: str,
    audience: str,
    generated_on: date,
    fmt: str = DEFAULT_FORMAT,
    compared_json: str = "",
    review_json: str = "",
) -> str:
    """The key of a report: a SHA-256 of everything it is made from (the answers, those of
    the assessment it is compared with, if any, and the comments of an internal-review
    edition), and its format."""
    digest = hashlib.sha256()
    for part in (code_version(), checklist_digest, audience, fmt, generated_on.isoformat()):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(answers_json.encode("utf-8"))
    if compared_json:
        digest.update(b"\0compared\0" + compared_json.encode("utf-8"))
    if review_json:
        digest.update(b"\0internal-review\0" + review_json.encode("utf-8"))
    return digest.hexdigest()


def report_key(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    audience: str,
    generated_on: date,
    fmt: str = DEFAULT_FORMAT,
    compared: AnswersFile | None = None,
    review: ReviewComments | None = None,
) -> str:
    """The cache key of the report of ``analysis`` (the gap analysis of ``answers_file``),
    set beside ``compared`` if given, in the internal-review edition if ``review`` is given.
    The checklist's part is what its texts are made from, in the language they are shown in (a
    translation, if any)."""
    return cache_key(
        analysis.checklist.shown_digest,
        answers_file.to_json(),
        audience,
        generated_on,
        fmt,
        compared.to_json() if compared is not None else "",
        review.to_json() if review is not None else "",
    )


def _usable_folder(directory: Path | None) -> Path | None:
    """``directory``, created if need be, if this process can write there; else ``None``.

    A folder that cannot be used (read-only, a path through a file, no permission) must not
    break every report: the cache then keeps PDFs in memory only, and says so in the log.
    """
    if directory is None:
        return None
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not os.access(directory, os.W_OK | os.X_OK):
            raise PermissionError(f"cannot write in {directory}")
    except OSError as exc:
        LOG.warning(
            "the report cache folder %s cannot be used (%s): reports are kept in memory only",
            directory,
            exc,
        )
        return None
    return directory


class RedisReports:
    """The shared level in Redis: reports by key, with an expiry and a bound on their total."""

    def __init__(
        self, client: redis.Redis, *, max_bytes: int, max_age: float, prefix: str = REDIS_PREFIX
    ) -> None:
        self.client: Any = client  # the synchronous client (its hints also name async results)
        self.max_bytes = max_bytes
        self.max_age = int(max_age)
        self._data = f"{prefix}report:"
        self._used = f"{prefix}reports:used"  # key -> time of last use
        self._sizes = f"{prefix}reports:sizes"  # key -> bytes

    def get(self, key: str) -> bytes | None:
        """The report stored under ``key`` (its use noted), or ``None``."""
        data: bytes | None = self.client.get(self._data + key)
        if data is not None:
            self.client.zadd(self._used, {key: time.time()})
        return data

    def put(self, key: str, data: bytes) -> None:
        """Store a report, then drop expired and least recently used ones over the bound."""
        now = time.time()
        pipe = self.client.pipeline()
        pipe.set(self._data + key, data, ex=self.max_age)
        pipe.zadd(self._used, {key: now})
        pipe.hset(self._sizes, key, len(data))
        pipe.execute()
        self._prune(now)

    def _prune(self, now: float) -> None:
        expired = [k.decode() for k in self.client.zrangebyscore(self._used, 0, now - self.max_age)]
        if expired:
            self._drop(expired)
        sizes = self.client.hgetall(self._sizes)
        total = sum(int(size) for size in sizes.values())
        while total > self.max_bytes:
            oldest = self.client.zpopmin(self._used, 1)
            if not oldest:
                break
            key = oldest[0][0].decode()
            total -= int(sizes.get(key.encode(), 0))
            self._drop([key])

    def _drop(self, keys: list[str]) -> None:
        pipe = self.client.pipeline()
        pipe.delete(*(self._data + key for key in keys))
        pipe.zrem(self._used, *keys)
        pipe.hdel(self._sizes, *keys)
        pipe.execute()

    def discard(self, key: str) -> bool:
        """Forget the report stored under ``key``; whether there was one."""
        found = bool(self.client.exists(self._data + key))
        self._drop([key])
        return found

    def clear(self) -> None:
        """Forget every report."""
        keys = [k.decode() for k in self.client.zrange(self._used, 0, -1)]
        if keys:
            self._drop(keys)


class PDFCache:
    """Rendered reports by key: in memory (LRU), and in a shared level when one is given (a
    folder, or Redis with ``redis``)."""

    def __init__(
        self,
        directory: Path | None = None,
        *,
        redis: redis.Redis | None = None,
        memory_bytes: int = MEMORY_BYTES,
        disk_bytes: int = DISK_BYTES,
        max_age: float = MAX_AGE,
    ) -> None:
        self.redis = (
            RedisReports(redis, max_bytes=disk_bytes, max_age=max_age)
            if redis is not None
            else None
        )
        self.directory = _usable_folder(directory) if redis is None else None
        self.memory_bytes = memory_bytes
        self.disk_bytes = disk_bytes
        self.max_age = max_age
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._memory_used = 0
        self._lock = threading.Lock()

    @property
    def shared_tier(self) -> str:
        """The shared level's name, for the metrics: "redis", "folder" or "memory" (none)."""
        if self.redis is not None:
            return "redis"
        return "folder" if self.directory is not None else "memory"

    def _path(self, key: str) -> Path | None:
        if self.directory is None or not key.isalnum():
            return None
        return self.directory / f"{key}{SUFFIX}"

    def get(self, key: str) -> bytes | None:
        """The report stored under ``key``, or ``None``."""
        with self._lock:
            data = self._memory.get(key)
            if data is not None:
                self._memory.move_to_end(key)
        if data is not None:
            metrics.count_cache("hit", "memory")
            return data
        data = self._shared_get(key)
        if data is None or not _complete(data):
            metrics.count_cache("miss", self.shared_tier)
            return None
        metrics.count_cache("hit", self.shared_tier)
        self._remember(key, data)
        return data

    def _shared_get(self, key: str) -> bytes | None:
        if self.redis is not None:
            try:
                return self.redis.get(key)
            except Exception as exc:  # Redis down: a miss, the report is made again
                LOG.warning("the report cache in Redis failed: %s", type(exc).__name__)
                return None
        path = self._path(key)
        if path is None:
            return None
        try:
            if time.time() - path.stat().st_mtime > self.max_age:
                return None
            data = path.read_bytes()
        except OSError:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: pruned last
        return data

    def put(self, key: str, data: bytes) -> None:
        """Store a report under ``key`` (in memory, and in the shared level if there is one)."""
        self._remember(key, data)
        if self.redis is not None:
            try:
                self.redis.put(key, data)
            except Exception as exc:
                LOG.warning("could not write the report cache in Redis: %s", exc)
            return
        path = self._path(key)
        if path is None:
            return
        try:
            write_atomically(path, data, durable=False)  # the cache can make it again
            self._prune()
        except OSError as exc:  # a full or read-only disk: the memory level still works
            LOG.warning("could not write the report cache in %s: %s", self.directory, exc)

    def _remember(self, key: str, pdf: bytes) -> None:
        if len(pdf) > self.memory_bytes:
            return
        with self._lock:
            old = self._memory.pop(key, None)
            if old is not None:
                self._memory_used -= len(old)
            self._memory[key] = pdf
            self._memory_used += len(pdf)
            while self._memory_used > self.memory_bytes:
                _, dropped = self._memory.popitem(last=False)
                self._memory_used -= len(dropped)

    def _prune(self) -> None:
        """Remove expired files, then the least recently used until under ``disk_bytes``."""
        assert self.directory is not None
        now = time.time()
        files: list[tuple[float, int, Path]] = []
        for path in self.directory.glob(f"*{SUFFIX}"):
            try:
                stat = path.stat()
            except OSError:
                continue
            stale_tmp = path.name.startswith(TEMP_PREFIX) and now - stat.st_mtime > 3600
            if stale_tmp or now - stat.st_mtime > self.max_age:
                with contextlib.suppress(OSError):
                    path.unlink()
                continue
            if not path.name.startswith(TEMP_PREFIX):
                files.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.disk_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
            total -= size

    def discard(self, key: str) -> bool:
        """Forget the PDF stored under ``key`` (memory and file); whether there was one."""
        with self._lock:
            pdf = self._memory.pop(key, None)
            if pdf is not None:
                self._memory_used -= len(pdf)
        found = pdf is not None
        if self.redis is not None:
            try:
                found = self.redis.discard(key) or found
            except Exception as exc:  # Redis down: the copy there expires with max_age
                LOG.error("could not remove a report from the cache in Redis: %s", exc)
        path = self._path(key)
        if path is not None:
            try:
                path.unlink()
                found = True
            except OSError:
                pass
        return found

    def clear(self) -> None:
        """Forget everything (memory and the shared level)."""
        with self._lock:
            self._memory.clear()
            self._memory_used = 0
        if self.redis is not None:
            self.redis.clear()
        if self.directory is not None:
            for path in self.directory.glob(f"*{SUFFIX}"):
                with contextlib.suppress(OSError):
                    path.unlink()


def render_pdf_cached(
    cache: PDFCache,
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    *,
    audience: str = DEFAULT_AUDIENCE,
    fmt: str = DEFAULT_FORMAT,
    generated_on: date | None = None,
    compared: AnswersFile | None = None,
    review: ReviewComments | None = None,
) -> bytes:
    """:func:`assessor.report.render_report` (a PDF unless ``fmt`` says otherwise), answered
    from ``cache`` when the content is unchanged."""
    from assessor import report

    generated_on = generated_on or date.today()
    key = report_key(analysis, answers_file, audience, generated_on, fmt, compared, review)
    data = cache.get(key)
    if data is None:
        data = report.render_report(
            analysis,
            answers_file,
            audience=audience,
            fmt=fmt,
            generated_on=generated_on,
            compared=compared,
            review=review,
        )
        cache.put(key, data)
    return data


def _complete(data: bytes) -> bool:
    """Whether a cached file is whole: a PDF from its header to its ``%%EOF``, or a DOCX (a
    ZIP) with its end-of-central-directory record."""
    if data.startswith(b"%PDF-"):
        return data.rstrip().endswith(b"%%EOF")
    if data.startswith(b"PK\x03\x04"):
        return b"PK\x05\x06" in data[-65_557:]
    return False
