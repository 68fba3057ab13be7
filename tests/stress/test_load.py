"""50 users filling in assessments at once, against gunicorn, on SQLite and PostgreSQL.

Each simulated user starts an assessment, then answers every theme page of the OSCE checklist
twice (the second time changing, clearing and adding answers), with random levels and evidence
of its own, posting each form with the CSRF token scraped from the page, as a browser does.
Afterwards every answer of every assessment is checked against what its user last sent, and the
server's logs are searched for any token, answer text or the secret key.

Bounded: 50 users, 2 rounds, about 1,050 requests; each request times out after 30 s and the
whole run stops after 150 s. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path

from assessor.checklist import load_checklist
from assessor.config import PROJECT_ROOT
from assessor.levels import LEVEL_KEYS
from tests.support.client import Client
from tests.support.server import LiveServer
from tests.support.stats import percentile

USERS = 50
ROUNDS = 2
TIME_CAP = 150.0
MARKER = "zq-private"  # in every evidence text: must never appear in a log
CHECKLIST = load_checklist(PROJECT_ROOT / "checklists" / "osce-odihr-2017-migrant-integration.yaml")
WORDS = [
    "Law 12/2024",
    "budget",
    "Ministerul Muncii",
    "Bălți",
    "Škoda",
    "Київ",
    "ţară",
    "<b>not bold</b>",
    "a & b",
    '"quoted"',
    "https://example.org/?a=1&b=2",
    "50 %",
    "🙂",
    "line\nbreak",
]

Answers = dict[str, dict[str, str | None]]


def _answer(rng: random.Random, user: int, round_: int, criterion: str) -> tuple[str | None, str]:
    kind = rng.random()
    if kind < 0.1:
        return None, ""  # left empty (or cleared)
    level = None if kind < 0.2 else rng.choice(LEVEL_KEYS)
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 12)))
    evidence = f"{MARKER} u{user} r{round_} {criterion} {words}".strip()
    return level, evidence if rng.random() < 0.9 else ""


def _journey(user: int, port: int, deadline: float, state: dict, errors: list[str]) -> None:
    rng = random.Random(user)
    browser = Client(port, deadline)
    state["browser"] = browser
    expected: Answers = {}
    title = f"Load test user {user:02d}"
    try:
        start = browser.get("/")
        csrf = start.page().hidden_inputs()["csrf_token"]
        form = {
            "csrf_token": csrf,
            "checklist": CHECKLIST.id,
            "title": title,
            "organisation": f"Ministry {user}",
            "country": "Moldova" if user % 2 else "Austria",
            "respondent": "government",
        }
        created = browser.post("/", form)
        if created.status != 302:
            errors.append(f"user {user}: start {created.status}")
            return
        overview = created.location
        state["overview"] = overview
        page = browser.get(overview)
        if page.status != 200 or page.page().h1 != title:
            errors.append(f"user {user}: overview {page.status} {page.page().h1!r}")
        for round_ in range(ROUNDS):
            for theme in CHECKLIST.themes:
                path = f"{overview}theme/{theme.id}"
                shown = browser.get(path)
                if shown.status != 200:
                    errors.append(f"user {user}: GET {theme.id} {shown.status}")
                    return
                form = shown.page().hidden_inputs()  # csrf_token and the answers' fingerprints
                form["action"] = "continue"
                for criterion in theme.criteria:
                    level, evidence = _answer(rng, user, round_, criterion.id)
                    if level is not None:
                        form[f"{criterion.id}-level"] = level
                    form[f"{criterion.id}-evidence"] = evidence
                    if level is None and not evidence:
                        expected.pop(criterion.id, None)
                    else:
                        expected[criterion.id] = {"level": level, "evidence": evidence}
                saved = browser.post(path, form)
                if saved.status != 302:
                    errors.append(f"user {user}: POST {theme.id} {saved.status}")
                    return
        state["expected"] = expected
    except Exception as exc:  # noqa: BLE001 - every failure is an error of the run
        errors.append(f"user {user}: {type(exc).__name__}: {exc}")


def test_fifty_users_at_once(stress_database: str, tmp_path: Path, secret_key: str) -> None:
    server = LiveServer(tmp_path, database_url=stress_database, secret_key=secret_key)
    server.start()
    errors: list[str] = []
    states: list[dict] = [{} for _ in range(USERS)]
    started = time.monotonic()
    deadline = started + TIME_CAP
    try:
        threads = [
            threading.Thread(target=_journey, args=(n, server.port, deadline, states[n], errors))
            for n in range(USERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(1.0, deadline - time.monotonic() + 35))
        duration = time.monotonic() - started
        assert not any(t.is_alive() for t in threads), "users still running after the time cap"

        # Every answer of every assessment, exactly as its user last sent it.
        checked = 0
        for n, state in enumerate(states):
            if "expected" not in state:
                continue
            stored = state["browser"].answers(state["overview"])
            assert stored == state["expected"], f"user {n}: answers differ"
            checked += len(stored)
        for state in states:
            if "browser" in state:
                state["browser"].close()
    finally:
        status = server.stop()

    timings = [t for state in states if "browser" in state for t in state["browser"].timings]
    bad = [t for t in timings if t[1] >= 400]
    seconds = [t[2] for t in timings]
    figures = {
        "backend": stress_database.split(":", 1)[0],
        "users": USERS,
        "requests": len(timings),
        "errors": len(errors) + len(bad),
        "answers_checked": checked,
        "duration_s": round(duration, 1),
        "requests_per_s": round(len(timings) / duration, 1),
        "p50_ms": round(percentile(seconds, 0.50) * 1000),
        "p95_ms": round(percentile(seconds, 0.95) * 1000),
        "p99_ms": round(percentile(seconds, 0.99) * 1000),
        "max_ms": round(max(seconds, default=0) * 1000),
    }
    _report("load", figures)
    assert errors == [] and bad == [], (errors[:10], bad[:10])
    assert len(timings) == USERS * (3 + ROUNDS * len(CHECKLIST.themes) * 2 + 1)
    assert checked > USERS * len(CHECKLIST.criteria) * 0.7
    assert status == 0  # a graceful stop

    # The logs: readable, one line per request, and nothing secret in them.
    logs = server.log_text()
    assert logs.count('"POST /a/<token>/theme/') == USERS * ROUNDS * len(CHECKLIST.themes)
    assert MARKER not in logs and secret_key not in logs
    for state in states:
        token = state["overview"].split("/")[2]
        assert token not in logs


def _report(kind: str, figures: dict) -> None:
    """Print the figures and keep them in reports/ (not committed)."""
    line = " ".join(f"{k}={v}" for k, v in figures.items())
    print(f"\n[stress {kind}] {line}")
    folder = PROJECT_ROOT / "reports"
    if folder.is_dir():
        path = folder / f"stress-{kind}-{figures['backend']}.json"
        path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
