"""kill -9 in the middle of saves leaves a consistent database: every save whole or absent.

Savers post whole theme pages as fast as they can, each save changing every criterion of its
page to values tagged with that save's number. The server (master and workers) is killed with
SIGKILL mid-way, restarted on the same database, and killed again, three times. Afterwards each
theme page of each assessment must hold exactly one save (every criterion from the same save
number, with that save's levels), never older than the last save the server acknowledged; the
database must pass its integrity checks, and the server must start and serve it again.

Bounded: 8 savers, 3 kills after 2-4 s of saving each, a 120 s cap. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
from pathlib import Path

import sqlalchemy as sa
from test_load import CHECKLIST, _report

from assessor.levels import LEVEL_KEYS
from tests.support.client import Client
from tests.support.server import LiveServer

SAVERS = 8
KILLS = 3
TIME_CAP = 120.0
TAG = re.compile(r"\Asaver (\d+) save (\d+) (\S+)\Z")


def _level(save: int, index: int) -> str:
    return LEVEL_KEYS[(save + index) % len(LEVEL_KEYS)]


class Saver:
    """One user saving whole theme pages of one assessment, again and again."""

    def __init__(self, number: int, overview: str) -> None:
        self.number = number
        self.overview = overview
        self.next_save = 1
        self.sent: dict[str, set[int]] = {t.id: set() for t in CHECKLIST.themes}
        self.acked: dict[str, int] = {t.id: 0 for t in CHECKLIST.themes}
        self.requests = 0
        self.failed_while_killed = 0
        self.errors: list[str] = []

    def run(self, port: int, stop: threading.Event, deadline: float) -> None:
        rng = random.Random(self.number)
        browser = Client(port, deadline)
        try:
            while not stop.is_set():
                theme = rng.choice(CHECKLIST.themes)
                path = f"{self.overview}theme/{theme.id}"
                shown = browser.get(path)
                self.requests += 1
                if shown.status != 200:
                    raise AssertionError(f"GET {theme.id}: {shown.status}")
                form = shown.page().hidden_inputs()
                save = self.next_save
                self.next_save += 1
                for index, criterion in enumerate(theme.criteria):
                    form[f"{criterion.id}-level"] = _level(save, index)
                    form[f"{criterion.id}-evidence"] = (
                        f"saver {self.number} save {save} {criterion.id}"
                    )
                form["action"] = "later"
                self.sent[theme.id].add(save)
                response = browser.post(path, form)
                self.requests += 1
                if response.status != 302:
                    raise AssertionError(f"POST {theme.id}: {response.status}")
                self.acked[theme.id] = save
        except (OSError, TimeoutError, AssertionError, http.client.HTTPException) as exc:
            if not stop.is_set():  # failing because of the kill is expected; before, not
                self.errors.append(f"saver {self.number} failed before the kill: {exc!r}")
            self.failed_while_killed += 1
        finally:
            browser.close()


def _start_assessments(port: int, deadline: float) -> list[str]:
    browser = Client(port, deadline)
    overviews = []
    for n in range(SAVERS):
        csrf = browser.get("/").page().hidden_inputs()["csrf_token"]
        response = browser.post(
            "/",
            {
                "csrf_token": csrf,
                "checklist": CHECKLIST.id,
                "title": f"Kill test {n}",
                "organisation": "Ministry",
                "country": "Austria",
                "respondent": "government",
            },
        )
        assert response.status == 302
        overviews.append(response.location)
    browser.close()
    return overviews


def _check_database(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            orphans = connection.exec_driver_sql(
                "SELECT count(*) FROM answers WHERE assessment_id NOT IN "
                "(SELECT id FROM assessments)"
            ).scalar()
            assert orphans == 0
            duplicates = connection.exec_driver_sql(
                "SELECT count(*) FROM (SELECT assessment_id, criterion_id FROM answers "
                "GROUP BY assessment_id, criterion_id HAVING count(*) > 1) AS d"
            ).scalar()
            assert duplicates == 0
    finally:
        engine.dispose()


def test_kill_9_mid_save_leaves_every_save_whole_or_absent(
    stress_database: str, tmp_path: Path, secret_key: str
) -> None:
    started = time.monotonic()
    deadline = started + TIME_CAP
    server = LiveServer(tmp_path, database_url=stress_database, secret_key=secret_key)
    server.start()
    overviews = _start_assessments(server.port, deadline)
    savers = [Saver(n, overview) for n, overview in enumerate(overviews)]
    rng = random.Random(2026)
    for _kill in range(KILLS):
        stop = threading.Event()
        threads = [
            threading.Thread(target=s.run, args=(server.port, stop, deadline)) for s in savers
        ]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(2.0, 4.0))
        stop.set()  # from now on a failed request is the kill's doing (savers then stop)
        server.kill()  # SIGKILL to the master and every worker, mid-save
        for thread in threads:
            thread.join(40)
        assert not any(t.is_alive() for t in threads)
        assert [e for s in savers for e in s.errors] == []
        _check_database(stress_database)
        server.start()  # the same database, after the crash

    # Read back through the restarted server: every theme page holds one whole save.
    browser = Client(server.port, deadline + 30)
    pages_checked = saves_seen = unacked = 0
    for saver in savers:
        stored = browser.answers(saver.overview)
        for theme in CHECKLIST.themes:
            found: set[int] = set()
            for index, criterion in enumerate(theme.criteria):
                answer = stored.get(criterion.id)
                if answer is None:
                    found.add(0)
                    continue
                match = TAG.match(answer["evidence"] or "")
                assert match, answer
                assert int(match.group(1)) == saver.number and match.group(3) == criterion.id
                save = int(match.group(2))
                assert answer["level"] == _level(save, index), (saver.number, criterion.id)
                found.add(save)
            assert len(found) == 1, f"saver {saver.number}, {theme.id}: mixed saves {found}"
            (save,) = found
            # Whole, and no older than the last acknowledged save; never one not sent.
            assert save >= saver.acked[theme.id], (saver.number, theme.id, save)
            assert save == 0 or save in saver.sent[theme.id]
            pages_checked += 1
            saves_seen += save > 0
            unacked += save > saver.acked[theme.id]  # saved, though its answer was lost
    browser.close()
    assert server.stop() == 0
    _check_database(stress_database)

    requests = sum(s.requests for s in savers)
    acked = sum(1 for s in savers for t in s.acked.values() if t)
    _report(
        "kill",
        {
            "backend": stress_database.split(":", 1)[0],
            "savers": SAVERS,
            "kills": KILLS,
            "requests": requests,
            "saves_sent": sum(len(v) for s in savers for v in s.sent.values()),
            "pages_checked": pages_checked,
            "pages_with_a_save": saves_seen,
            "pages_with_an_acked_save": acked,
            "pages_with_a_save_whose_reply_was_killed": unacked,
            "in_flight_at_kill": sum(s.failed_while_killed for s in savers),
            "duration_s": round(time.monotonic() - started, 1),
        },
    )
    assert saves_seen > 0 and requests > 0
    logs = server.log_text()
    assert secret_key not in logs and "saver 0 save" not in logs
    for overview in overviews:
        assert overview.split("/")[2] not in logs
