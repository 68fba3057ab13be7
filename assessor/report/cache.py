"""A cache of rendered reports, keyed by their content, so an unchanged report is made once.

The key is the SHA-256 of everything the PDF is made from: the checklist's digest, the answers
file (assessment details and every answer, as JSON), the audience, the date printed on the
report, and the version of the report code (this package's files, Assessor's and WeasyPrint's
versions). Any change to one of them is a different key, so nothing is ever invalidated by hand
and a hit always gives the bytes a fresh render would.

Two levels, both bounded:

- memory: a least-recently-used set of PDFs per process, at most ``memory_bytes`` in all;
- files (optional): ``<key>.pdf`` in a folder (the web app uses ``instance/report-cache``), so the
  gunicorn workers share what any of them made. Written atomically (a temporary file, then a
  rename), readable by the owner only, at most ``disk_bytes`` in all (the least recently used go
  first) and removed after ``max_age`` seconds: a report dated yesterday is never asked for again.
  A folder that cannot be created or written is not used (a warning in the log): the memory level
  goes on working alone. The prune also removes the background jobs' markers left behind.
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
from typing import TYPE_CHECKING

from assessor.files import TEMP_PREFIX, write_atomically
from assessor.report import DEFAULT_AUDIENCE, DEFAULT_FORMAT

if TYPE_CHECKING:
    from assessor.answers import AnswersFile
    from assessor.scoring import GapAnalysis

LOG = logging.getLogger(__name__)
PACKAGE_DIR = Path(__file__).resolve().parent
MEMORY_BYTES = 64 * 1024 * 1024
DISK_BYTES = 512 * 1024 * 1024
MAX_AGE = 2 * 24 * 3600
SUFFIX = ".pdf"
# Job markers kept in the same folder (``<key>.pending``, ``<key>.failed``): a live one is
# touched every few seconds and a failure is shown for a minute, so one an hour old is debris.
MARKER_SUFFIXES = (".pending", ".failed")
MARKER_MAX_AGE = 3600.0


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
) -> str:
    """The key of a report: a SHA-256 of everything it is made from (the answers, and those of
    the assessment it is compared with, if any), and its format."""
    digest = hashlib.sha256()
    for part in (code_version(), checklist_digest, audience, fmt, generated_on.isoformat()):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(answers_json.encode("utf-8"))
    if compared_json:
        digest.update(b"\0compared\0" + compared_json.encode("utf-8"))
    return digest.hexdigest()


def report_key(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    audience: str,
    generated_on: date,
    fmt: str = DEFAULT_FORMAT,
    compared: AnswersFile | None = None,
) -> str:
    """The cache key of the report of ``analysis`` (the gap analysis of ``answers_file``),
    set beside ``compared`` if given. The checklist's part is what its texts are made from,
    in the language they are shown in (a translation, if any)."""
    return cache_key(
        analysis.checklist.shown_digest,
        answers_file.to_json(),
        audience,
        generated_on,
        fmt,
        compared.to_json() if compared is not None else "",
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


class PDFCache:
    """Rendered PDFs by key: in memory (LRU), and in a shared folder when one is given."""

    def __init__(
        self,
        directory: Path | None = None,
        *,
        memory_bytes: int = MEMORY_BYTES,
        disk_bytes: int = DISK_BYTES,
        max_age: float = MAX_AGE,
    ) -> None:
        self.directory = _usable_folder(directory)
        self.memory_bytes = memory_bytes
        self.disk_bytes = disk_bytes
        self.max_age = max_age
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._memory_used = 0
        self._lock = threading.Lock()

    def _path(self, key: str) -> Path | None:
        if self.directory is None or not key.isalnum():
            return None
        return self.directory / f"{key}{SUFFIX}"

    def get(self, key: str) -> bytes | None:
        """The PDF stored under ``key``, or ``None``."""
        with self._lock:
            pdf = self._memory.get(key)
            if pdf is not None:
                self._memory.move_to_end(key)
                return pdf
        path = self._path(key)
        if path is None:
            return None
        try:
            if time.time() - path.stat().st_mtime > self.max_age:
                return None
            pdf = path.read_bytes()
        except OSError:
            return None
        if not _complete(pdf):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: pruned last
        self._remember(key, pdf)
        return pdf

    def put(self, key: str, pdf: bytes) -> None:
        """Store a PDF under ``key`` (in memory, and in the folder if there is one)."""
        self._remember(key, pdf)
        path = self._path(key)
        if path is None:
            return
        try:
            write_atomically(path, pdf, durable=False)  # the cache can make it again
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
        """Remove expired files, then the least recently used until under ``disk_bytes``;
        and the job markers (:mod:`assessor.report.jobs`) that nobody kept fresh."""
        assert self.directory is not None
        now = time.time()
        for suffix in MARKER_SUFFIXES:
            for path in self.directory.glob(f"*{suffix}"):
                with contextlib.suppress(OSError):
                    if now - path.stat().st_mtime > MARKER_MAX_AGE:
                        path.unlink()
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

    def clear(self) -> None:
        """Forget everything (memory and files)."""
        with self._lock:
            self._memory.clear()
            self._memory_used = 0
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
) -> bytes:
    """:func:`assessor.report.render_report` (a PDF unless ``fmt`` says otherwise), answered
    from ``cache`` when the content is unchanged."""
    from assessor import report

    generated_on = generated_on or date.today()
    key = report_key(analysis, answers_file, audience, generated_on, fmt, compared)
    data = cache.get(key)
    if data is None:
        data = report.render_report(
            analysis,
            answers_file,
            audience=audience,
            fmt=fmt,
            generated_on=generated_on,
            compared=compared,
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
