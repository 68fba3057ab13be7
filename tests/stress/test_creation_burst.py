"""A burst of new assessments from one client is limited: the database cannot be filled.

One client (127.0.0.1) sends three times the default ``CREATION_LIMIT`` of creations at once from
8 connections, each with its own session, half of them imports of a large answers file (every
OSCE criterion answered with 5,000 characters of evidence, about 300 KiB: the attack that made
42 assessments a second), half of them start forms. Against gunicorn with two workers, which
share one count: exactly the limit is created, every other attempt gets a 429 with Retry-After,
nothing gets a 500, invalid attempts are not counted, an assessment already made still opens,
and the database grows by what the limit allows and no more.

Bounded: about 70 requests, each timing out after 30 s, the run stopped after 120 s;
127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from limits import parse

from assessor import config, db
from assessor.checklist import load_checklist
from assessor.config import PROJECT_ROOT
from assessor.levels import LEVEL_KEYS
from assessor.models import Answer, Assessment
from tests.support.client import Client
from tests.support.server import LiveServer

LIMIT = config.defaults()["CREATION_LIMIT"]
ALLOWED = parse(LIMIT).amount
ATTEMPTS = 3 * ALLOWED
THREADS = 8
TIME_CAP = 120.0
CHECKLIST = load_checklist(PROJECT_ROOT / "checklists" / "osce-odihr-2017-migrant-integration.yaml")
START = {
    "checklist": CHECKLIST.id,
    "title": "Burst",
    "organisation": "Ministry",
    "country": "Moldova",
    "respondent": "government",
}


def _answers_file() -> bytes:
    # Words of random letters: evidence that does not compress much (as PostgreSQL would).
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyzăîșțБВГДЖЗ"

    def evidence() -> str:
        text = ""
        while len(text) < 4990:
            text += "".join(rng.choice(letters) for _ in range(rng.randint(2, 11))) + " "
        return text[:4990].strip()

    data = {
        "checklist": CHECKLIST.id,
        "checklist_version": CHECKLIST.version,
        "assessment": {
            "title": "Imported burst",
            "organisation": START["organisation"],
            "country": START["country"],
            "respondent": START["respondent"],
        },
        "answers": {
            criterion.id: {"level": LEVEL_KEYS[n % len(LEVEL_KEYS)], "evidence": evidence()}
            for n, criterion in enumerate(CHECKLIST.criteria)
        },
    }
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _create(client: Client, kind: str, content: bytes) -> Any:
    if kind == "import":
        form = client.get("/import").page().hidden_inputs()
        return client.upload("/import", form, "file", "answers.json", content)
    form = {**client.get("/").page().hidden_inputs(), **START}
    return client.post("/", form)


def _database_bytes(url: str) -> int:
    engine = db.make_engine(url)
    try:
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                return int(
                    connection.execute(
                        sa.text("SELECT pg_database_size(current_database())")
                    ).scalar_one()
                )
        database = Path(engine.url.database or "")
        return sum(p.stat().st_size for p in database.parent.glob(database.name + "*"))
    finally:
        engine.dispose()


def _counts(url: str) -> tuple[int, int]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            assessments = connection.execute(sa.select(sa.func.count(Assessment.id))).scalar_one()
            answers = connection.execute(sa.select(sa.func.count()).select_from(Answer))
            return int(assessments), int(answers.scalar_one())
    finally:
        engine.dispose()


def test_a_burst_of_creations_from_one_client_is_limited(
    stress_database: str, tmp_path: Path
) -> None:
    content = _answers_file()
    env = {"FLASK_CREATION_LIMIT": LIMIT}  # the real default (test servers set a higher one)
    deadline = time.monotonic() + TIME_CAP
    size_before = _database_bytes(stress_database)
    clients: list[Client] = []
    with (
        LiveServer(tmp_path, database_url=stress_database, env=env, workers=2) as server,
        contextlib.ExitStack() as closing,
    ):
        closing.callback(lambda: [client.close() for client in clients])
        # Refused attempts are not counted: an invalid file and an incomplete start form.
        first = Client(server.port, deadline)
        clients.append(first)
        form = first.get("/import").page().hidden_inputs()
        assert first.upload("/import", form, "file", "a.json", b'{"answers": 1}').status == 422
        form = first.get("/").page().hidden_inputs()
        assert first.post("/", {**form, "checklist": CHECKLIST.id}).status == 422

        results: list[tuple[str, Any]] = []
        errors: list[str] = []
        lock = threading.Lock()

        def burst(number: int) -> None:
            client = Client(server.port, deadline)
            try:
                for attempt in range(number, ATTEMPTS, THREADS):
                    kind = "import" if attempt % 2 else "start"
                    response = _create(client, kind, content)
                    with lock:
                        results.append((kind, response))
            except Exception as exc:  # noqa: BLE001 - every failure is an error of the run
                errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                client.close()

        started = time.monotonic()
        threads = [threading.Thread(target=burst, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(1.0, deadline - time.monotonic()))
        duration = time.monotonic() - started
        assert not any(t.is_alive() for t in threads), "the burst still runs after the time cap"
        assert errors == [], errors[:5]

        statuses = sorted(response.status for _kind, response in results)
        created = [r for _k, r in results if r.status == 302]
        refused = [(k, r) for k, r in results if r.status == 429]
        assert len(results) == ATTEMPTS
        assert set(statuses) == {302, 429}, statuses
        assert len(created) == ALLOWED  # shared by both workers: not twice the limit
        for kind, response in refused:
            assert 0 < int(response.headers["retry-after"]) <= parse(LIMIT).get_expiry()
            if kind == "import":
                assert "Your answers file was not imported" in response.text
            else:
                assert "Nothing was started" in response.text
        # Assessments already made still open.
        assert first.get(created[0].location).status == 200
        status = server.stop()
        assert status == 0

    assessments, answers = _counts(stress_database)
    imported = sum(1 for k, r in results if k == "import" and r.status == 302)
    growth = _database_bytes(stress_database) - size_before
    figures = {
        "backend": stress_database.split(":", 1)[0],
        "attempts": ATTEMPTS,
        "created": len(created),
        "imported": imported,
        "refused": len(refused),
        "file_kib": len(content) // 1024,
        "growth_kib": growth // 1024,
        "duration_s": round(duration, 1),
    }
    print("\n[stress creations] " + " ".join(f"{k}={v}" for k, v in figures.items()))
    folder = PROJECT_ROOT / "reports"
    if folder.is_dir():  # kept with the other stress figures (not committed)
        path = folder / f"stress-creations-{figures['backend']}.json"
        path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    assert assessments == ALLOWED
    assert answers == imported * len(CHECKLIST.criteria)
    # At most what the limit allows, were every creation an import (an import takes about 1.3
    # times its file, with indexes and pages); unlimited, the burst's 30 imports would take
    # more (about 14 MiB here; a minute of such a burst, hundreds of MiB).
    assert growth < 1.6 * ALLOWED * len(content), growth
