"""The history pages, and the history's completeness when two links save at the same time (on
SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
import threading
from collections import Counter

import sqlalchemy as sa
from flask import Flask

from assessor import db, models, store
from assessor.access import Role
from assessor.answers import Answer, fingerprint
from assessor.history_store import PAGE_SIZE
from tests.support.links import share, token_of

THEME = "provision"
SHARED = "free-meals-eligibility"
OWN = "free-meals-nutrition"
SAVES = 15  # per link


def history_rows(app: Flask) -> list[models.HistoryEntry]:
    with app.app_context():
        stmt = sa.select(models.HistoryEntry).order_by(models.HistoryEntry.id)
        rows = list(db.session().scalars(stmt))
        db.session().expunge_all()
        return rows


def test_concurrent_saves_from_two_links_are_each_recorded_once(app, started) -> None:
    """Two links save the same criterion (each from the answer it last saw, so some saves meet
    the other's change and are refused) and one of their own, many times, at once: every save
    that went through is in the history once, under its link's name, in a chain."""
    contributor = share(app, started, "Ministry of Health", Role.CONTRIBUTOR)
    links = {"Owner": started, "Ministry of Health": contributor}
    saved: Counter[tuple[str, str]] = Counter()
    errors: list[str] = []
    lock = threading.Lock()

    def work(name: str, path: str, own_criterion: str | None) -> None:
        client = app.test_client()
        seen = {SHARED: fingerprint(None), OWN: fingerprint(None)}
        try:
            for i in range(SAVES):
                targets = [SHARED] + ([own_criterion] if own_criterion else [])
                for criterion in targets:
                    response = client.post(
                        f"{path}theme/{THEME}/criterion/{criterion}",
                        data={
                            f"{criterion}-level": "partial" if i % 2 else "planned",
                            f"{criterion}-evidence": f"{name} {i}",
                            f"{criterion}-saved": seen[criterion],
                        },
                    )
                    body = response.get_json()
                    seen[criterion] = body["fingerprint"]  # theirs after a conflict
                    if response.status_code == 200:
                        with lock:
                            saved[(name, criterion)] += 1
                    elif response.status_code != 409:
                        errors.append(f"{name}: {response.status_code} {body}")
        except Exception as exc:  # reported below: a thread's failure must fail the test
            errors.append(f"{name}: {exc!r}")

    threads = [
        threading.Thread(target=work, args=("Owner", links["Owner"], OWN)),
        threading.Thread(target=work, args=("Ministry of Health", contributor, None)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert saved[("Owner", OWN)] == SAVES  # nobody else saves it: never refused
    rows = history_rows(app)
    evidence = Counter((row.actor, row.criterion_id) for row in rows if row.field == "evidence")
    # Every save that went through changed the evidence (each is new): one entry each.
    assert evidence == saved
    # Each criterion's entries chain: each starts from what the one before left.
    for criterion in (SHARED, OWN):
        chain = [r for r in rows if r.criterion_id == criterion and r.field == "evidence"]
        assert chain[0].old_value is None
        for before, after in zip(chain, chain[1:], strict=False):
            assert after.old_value == before.new_value
        with app.app_context():
            assessment = store.get_by_token(token_of(started))
            assert assessment is not None
            assert store.load_answers(assessment)[criterion].evidence == chain[-1].new_value
    # A level entry only where the level changed.
    levels = [r for r in rows if r.criterion_id == SHARED and r.field == "level"]
    for before, after in zip(levels, levels[1:], strict=False):
        assert after.old_value == before.new_value != after.new_value


def test_history_pages_show_who_changed_what(app, started, pages, pages_for) -> None:
    contributor = share(app, started, "Ministry of Health", Role.CONTRIBUTOR)
    viewer = share(app, started, "Statistics Office", Role.VIEWER)
    page = pages.get(started + f"theme/{THEME}")
    data = page.form_data() | {f"{SHARED}-level": "planned", "action": "continue"}
    pages.post(started + f"theme/{THEME}", data)
    other = pages_for(app)
    page = other.get(contributor + f"theme/{THEME}")
    data = page.form_data() | {f"{SHARED}-evidence": "Decree 12/2025", "action": "continue"}
    other.post(contributor + f"theme/{THEME}", data)
    # Saving the page again unchanged records nothing.
    page = other.get(contributor + f"theme/{THEME}")
    other.post(contributor + f"theme/{THEME}", page.form_data() | {"action": "continue"})
    assert len(history_rows(app)) == 2

    # Every role reads the history: the viewer here.
    reader = pages_for(app)
    whole = reader.get(viewer + "history")
    assert whole.h1 == "History of changes"
    rows = whole.one("table").one("tbody").find_all("tr")
    cells = [[td.text for td in row.find_all("td")] for row in rows]
    assert [c[1:] for c in cells] == [  # newest first
        ["Ministry of Health", "1.1.a: evidence", "(none)", "Decree 12/2025"],
        ["Owner", "1.1.a: level", "(none)", "Planned"],
    ]
    link = rows[0].find_all("td")[2].one("a")
    criterion_page = reader.get(link["href"])
    assert criterion_page.h1 == "History of 1.1.a"
    assert len(criterion_page.one("tbody").find_all("tr")) == 2
    empty = reader.get(viewer + "history/monitoring-uptake")
    assert "No change has been recorded yet." in empty.text
    reader.get(viewer + "history/no-such-criterion", expected_status=404)
    reader.get(viewer + "history?page=0", expected_status=400)
    reader.get(viewer + "history?page=2", expected_status=404)


def test_the_history_is_paged(app, started, pages, school_meals) -> None:
    with app.app_context():
        assessment = store.get_by_token(token_of(started))
        assert assessment is not None
        for i in range(PAGE_SIZE + 3):
            store.save_answers(
                assessment, {SHARED: Answer(None, f"v{i}")}, school_meals, actor="Ana"
            )
    first = pages.get(started + "history")
    assert len(first.one("tbody").find_all("tr")) == PAGE_SIZE
    assert f"v{PAGE_SIZE + 2}" in first.one("tbody").find_all("tr")[0].text  # newest first
    older = first.one("a", rel="next")
    second = pages.get(older["href"])
    assert len(second.one("tbody").find_all("tr")) == 3
    assert second.find("a", rel="next") is None and second.one("a", rel="prev")


def test_exports_carry_the_history_when_asked_and_imports_keep_it(app, started, pages) -> None:
    page = pages.get(started + f"theme/{THEME}")
    data = page.form_data() | {f"{SHARED}-level": "planned", "action": "continue"}
    pages.post(started + f"theme/{THEME}", data)
    plain = json.loads(pages.client.get(started + "answers.json").data)
    assert "history" not in plain
    full = pages.client.get(started + "answers.json?history=1").data
    assert [e["who"] for e in json.loads(full)["history"]] == ["Owner"]
    imported = pages.client.post("/import", data={"file": (io.BytesIO(full), "answers.json")})
    assert imported.status_code == 302
    copy = imported.headers["Location"]
    again = pages.client.get(copy + "answers.json?history=1").data
    assert json.loads(again)["history"] == json.loads(full)["history"]
    # A broken history is refused with its problems listed; nothing is made.
    broken = json.loads(full)
    broken["history"][0]["kind"] = "secret"
    with app.app_context():
        before = store.count_assessments()
    refused = pages.client.post(
        "/import",
        data={"file": (io.BytesIO(json.dumps(broken).encode()), "a.json")},
    )
    assert refused.status_code == 422
    assert "history entry 1: kind must be one of" in refused.get_data(as_text=True)
    with app.app_context():
        assert store.count_assessments() == before


def test_every_web_write_path_records_the_links_name(app, started, pages, pages_for) -> None:
    """Answers, an action and the details, each changed through its page by a named link: no
    change is recorded without the name of the link that made it (the key asks' page passes
    it the same way; the store records them: tests/test_history.py)."""
    contributor = share(app, started, "Ministry of Health", Role.CONTRIBUTOR)
    other = pages_for(app)
    page = other.get(contributor + f"theme/{THEME}")
    data = page.form_data() | {f"{SHARED}-level": "not_in_place", "action": "continue"}
    other.post(contributor + f"theme/{THEME}", data)
    action = other.get(contributor + f"plan/{SHARED}")
    data = action.form_data() | {"action": "Publish the rules.", "do": "save"}
    other.post(contributor + f"plan/{SHARED}", data)
    details = pages.get(started + "details")
    pages.post(started + "details", details.form_data() | {"country": "Moldova"})
    rows = history_rows(app)
    by_kind = {(row.kind, row.actor) for row in rows}
    assert {("level", "Ministry of Health"), ("action", "Ministry of Health")} <= by_kind
    assert ("detail", "Owner") in by_kind
    assert {row.actor for row in rows} <= {"Owner", "Ministry of Health"}
