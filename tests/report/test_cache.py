"""The content-keyed PDF cache: a hit gives the same bytes; any change to the content misses."""

from __future__ import annotations

import dataclasses
import os
import time
from datetime import date
from pathlib import Path
from types import MappingProxyType

import pytest
from report_helpers import GENERATED_ON

from assessor.answers import Answer, AnswersFile
from assessor.report import cache as cache_module
from assessor.report.cache import PDFCache, cache_key, render_pdf_cached, report_key
from assessor.scoring import GapAnalysis, score

PDF = b"%PDF-1.7\n" + b"x" * 1000 + b"\n%%EOF\n"


def with_answer(answers_file: AnswersFile, criterion_id: str, answer: Answer) -> AnswersFile:
    return dataclasses.replace(
        answers_file,
        answers=MappingProxyType({**answers_file.answers, criterion_id: answer}),
    )


def key_of(analysis: GapAnalysis, answers_file: AnswersFile, **changes: object) -> str:
    options = {"audience": "government", "generated_on": GENERATED_ON, **changes}
    return report_key(analysis, answers_file, options["audience"], options["generated_on"])


def test_a_hit_returns_the_same_bytes_without_rendering(
    monkeypatch, analysis, answers_file, government_pdf, tmp_path
):
    cache = PDFCache(tmp_path)
    first = render_pdf_cached(
        cache, analysis, answers_file, audience="government", generated_on=GENERATED_ON
    )
    assert first == government_pdf  # a miss renders the very PDF render_pdf makes

    def no_render(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("a hit must not render")

    monkeypatch.setattr("assessor.report.render_report", no_render)
    again = render_pdf_cached(
        cache, analysis, answers_file, audience="government", generated_on=GENERATED_ON
    )
    assert again == first
    # Another process (a fresh memory level) finds it in the shared folder.
    other = PDFCache(tmp_path)
    assert (
        render_pdf_cached(
            other, analysis, answers_file, audience="government", generated_on=GENERATED_ON
        )
        == first
    )


def test_any_change_to_one_answer_is_a_miss(libraries, analysis, answers_file):
    base = key_of(analysis, answers_file)
    crit = libraries.criteria[0].id
    old = answers_file.answers[crit]
    for changed in (
        Answer("full", old.evidence),  # the level
        Answer(old.level, old.evidence + "."),  # the evidence, by one character
        Answer(None, ""),  # removed
    ):
        other = with_answer(answers_file, crit, changed)
        assert key_of(score(libraries, other.answers), other) != base
    unanswered = next(c.id for c in libraries.criteria if c.id not in answers_file.answers)
    added = with_answer(answers_file, unanswered, Answer("planned", ""))
    assert key_of(score(libraries, added.answers), added) != base
    assert key_of(analysis, answers_file) == base  # and nothing else moves it


def test_the_assessment_details_audience_date_and_checklist_are_in_the_key(analysis, answers_file):
    base = key_of(analysis, answers_file)
    renamed = dataclasses.replace(
        answers_file, assessment=dataclasses.replace(answers_file.assessment, title="Other")
    )
    assert key_of(analysis, renamed) != base
    assert key_of(analysis, answers_file, audience="ngo") != base
    assert key_of(analysis, answers_file, generated_on=date(2026, 3, 15)) != base
    edited = dataclasses.replace(
        analysis, checklist=dataclasses.replace(analysis.checklist, digest="0" * 64)
    )
    assert key_of(edited, answers_file) != base


def test_the_report_code_is_in_the_key(monkeypatch):
    base = cache_key("d", "{}", "government", GENERATED_ON)
    monkeypatch.setattr(cache_module, "code_version", lambda: "another version")
    assert cache_key("d", "{}", "government", GENERATED_ON) != base


def test_memory_is_bounded_least_recently_used_first():
    cache = PDFCache(memory_bytes=3 * len(PDF))
    for name in "abc":
        cache.put(name, PDF)
    assert cache.get("a") == PDF  # a is now the most recently used
    cache.put("d", PDF)
    assert cache.get("b") is None
    assert [cache.get(k) for k in "acd"] == [PDF, PDF, PDF]


def test_files_are_bounded_written_whole_and_private(tmp_path):
    cache = PDFCache(tmp_path, disk_bytes=2 * len(PDF), memory_bytes=0)
    cache.put("a" * 64, PDF)
    old = time.time() - 100
    os.utime(tmp_path / f"{'a' * 64}.pdf", (old, old))
    cache.put("b" * 64, PDF)
    cache.put("c" * 64, PDF)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"{'b' * 64}.pdf", f"{'c' * 64}.pdf"]  # the oldest went; no temporary file
    assert (tmp_path / names[0]).stat().st_mode & 0o077 == 0
    assert cache.get("a" * 64) is None and cache.get("b" * 64) == PDF


def test_expired_or_damaged_files_are_misses(tmp_path: Path):
    cache = PDFCache(tmp_path, max_age=60, memory_bytes=0)
    cache.put("e" * 64, PDF)
    old = time.time() - 120
    os.utime(tmp_path / f"{'e' * 64}.pdf", (old, old))
    assert cache.get("e" * 64) is None
    (tmp_path / f"{'f' * 64}.pdf").write_bytes(PDF[:50])  # cut short
    assert cache.get("f" * 64) is None


@pytest.mark.parametrize("key", ["../escape", "a/b", ""])
def test_keys_never_name_a_path_outside_the_folder(tmp_path, key):
    cache = PDFCache(tmp_path / "cache", memory_bytes=0)
    cache.put(key, PDF)
    assert not (tmp_path / "escape.pdf").exists()
    assert list((tmp_path / "cache").iterdir()) == []  # made when the cache was, left empty


def test_an_unusable_folder_leaves_the_memory_level_working(tmp_path: Path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    cache = PDFCache(blocker / "cache")  # a path through a file: it can never be made
    assert cache.directory is None
    assert "reports are kept in memory only" in caplog.text
    cache.put("a" * 64, PDF)
    assert cache.get("a" * 64) == PDF


@pytest.fixture
def redis_client():
    """Redis db 15, with the keys a test made removed after it (skipped if Redis is down)."""
    import redis

    from tests.support.ci import unavailable

    client = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at 127.0.0.1:6379 cannot be reached: {exc}")
    prefix = f"assessor-test-{os.getpid()}-{time.monotonic_ns()}:"
    yield client, prefix
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def redis_cache(client, prefix: str, **options) -> PDFCache:
    cache = PDFCache(redis=client, memory_bytes=0)
    assert cache.redis is not None
    cache.redis = cache_module.RedisReports(client, prefix=prefix, **options)
    return cache


def test_redis_shares_reports_between_servers_within_a_size_bound(redis_client):
    client, prefix = redis_client
    one = redis_cache(client, prefix, max_bytes=2 * len(PDF), max_age=3600)
    other = redis_cache(client, prefix, max_bytes=2 * len(PDF), max_age=3600)
    one.put("a" * 64, PDF)
    assert other.get("a" * 64) == PDF  # another server sees it
    assert other.shared_tier == "redis" and other.directory is None
    one.put("b" * 64, PDF)
    assert one.get("a" * 64) == PDF  # used: b is now the least recently used
    one.put("c" * 64, PDF)  # over the bound: the least recently used goes
    assert other.get("b" * 64) is None
    assert other.get("a" * 64) == other.get("c" * 64) == PDF
    assert 0 < client.ttl(f"{prefix}report:{'a' * 64}") <= 3600  # and each expires


def test_a_redis_that_is_down_reads_as_a_miss(caplog):
    import redis

    cache = PDFCache(redis=redis.Redis(port=1, socket_connect_timeout=0.2), memory_bytes=0)
    cache.put("a" * 64, PDF)  # logged, not raised: the report is served all the same
    assert cache.get("a" * 64) is None
    assert "Redis" in caplog.text
