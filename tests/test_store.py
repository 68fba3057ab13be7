"""Storage: assessments and answers on SQLite and PostgreSQL, and concurrent saves."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from assessor import db, models, store, tokens
from assessor.answers import Answer, AnswersFile, AssessmentInfo, fingerprint
from assessor.checklist import Checklist

INFO = AssessmentInfo("Review", "Ministry", "Austria", "government")


@pytest.fixture
def checklist(school_meals: Checklist) -> Checklist:
    return school_meals


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app


def test_tokens_are_long_random_and_checked_by_shape(ctx, checklist) -> None:
    made = {store.create_assessment(INFO, checklist).token for _ in range(20)}
    assert len(made) == 20
    for token in made:
        assert len(token) == 43 and tokens.is_token(token)
        assert store.get_by_token(token) is not None
    for bad in ("", "short", "x" * 42, "x" * 44, "a/" * 21 + "a", "é" * 43, None, 12):
        assert not tokens.is_token(bad)
        assert store.get_by_token(bad) is None  # type: ignore[arg-type]
    assert store.get_by_token(tokens.new_token()) is None


def test_save_and_load_answers(ctx, checklist) -> None:
    assessment = store.create_assessment(INFO, checklist)
    assert assessment.revision == 0
    assert store.load_answers(assessment) == {}
    first = store.save_answers(
        assessment,
        {
            "free-meals-eligibility": Answer("full", "Decree"),
            "free-meals-nutrition": Answer(None, "Only notes so far"),
            "monitoring-uptake": Answer(),  # empty: nothing stored
        },
        checklist,
    )
    assert first.revision == 1 and not first.conflicts
    assert store.load_answers(assessment) == {
        "free-meals-eligibility": Answer("full", "Decree"),
        "free-meals-nutrition": Answer(None, "Only notes so far"),
    }
    second = store.save_answers(
        assessment,
        {"free-meals-eligibility": Answer("partial", "Revised"), "free-meals-nutrition": Answer()},
        checklist,
    )
    assert second.revision == 2
    assert store.load_answers(assessment) == {
        "free-meals-eligibility": Answer("partial", "Revised"),
    }
    db.session().expire_all()
    assert assessment.updated_at >= assessment.created_at
    assert assessment.updated_at.tzinfo is not None


def test_conflicting_changes_are_reported_not_overwritten(ctx, checklist) -> None:
    assessment = store.create_assessment(INFO, checklist)
    empty = fingerprint(None)
    store.save_answers(assessment, {"monitoring-uptake": Answer("full", "A")}, checklist)
    result = store.save_answers(
        assessment,
        {"monitoring-uptake": Answer("planned", "B"), "monitoring-quality": Answer("planned")},
        checklist,
        started_from={"monitoring-uptake": empty, "monitoring-quality": empty},
    )
    assert result.conflicts == {"monitoring-uptake": Answer("full", "A")}
    assert store.load_answers(assessment) == {
        "monitoring-uptake": Answer("full", "A"),
        "monitoring-quality": Answer("planned"),
    }
    # The same change as someone else's is no conflict.
    same = store.save_answers(
        assessment,
        {"monitoring-uptake": Answer("full", "A")},
        checklist,
        {"monitoring-uptake": empty},
    )
    assert not same.conflicts
    assert fingerprint(Answer()) == empty


def test_answers_file_round_trip(ctx, checklist) -> None:
    answers = {
        "monitoring-quality": Answer("unknown", "Ask"),
        "free-meals-eligibility": Answer("full", "Decree – «ünïcödé»"),
    }
    imported = store.import_answers_file(AnswersFile(checklist.id, "0.1", INFO, answers), checklist)
    assert imported.checklist_id == checklist.id
    assert imported.checklist_version == checklist.version
    exported = store.to_answers_file(imported, checklist)
    assert exported.assessment == INFO
    assert list(exported.answers) == ["free-meals-eligibility", "monitoring-quality"]  # in order
    assert dict(exported.answers) == answers


def test_export_leaves_out_criteria_no_longer_in_the_checklist(ctx, checklist) -> None:
    assessment = store.create_assessment(INFO, checklist)
    store.save_answers(assessment, {"gone-criterion": Answer("full")}, checklist)
    assert store.to_answers_file(assessment, checklist).answers == {}


def test_import_is_all_or_nothing(ctx, checklist, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_upsert", fail)
    answers_file = AnswersFile(checklist.id, "0.1", INFO, {"monitoring-uptake": Answer("full")})
    with pytest.raises(RuntimeError):
        store.import_answers_file(answers_file, checklist)
    assert store.count_assessments() == 0


def test_deleting_an_assessment_deletes_its_answers(ctx, checklist) -> None:
    assessment = store.create_assessment(INFO, checklist)
    store.save_answers(assessment, {"monitoring-uptake": Answer("full")}, checklist)
    with db.write_transaction() as session:
        session.execute(sa.delete(models.Assessment))  # ON DELETE CASCADE in the database
    count = db.session().scalar(sa.select(sa.func.count()).select_from(models.Answer))
    assert count == 0


def test_sqlite_settings(sqlite_url: str) -> None:
    engine = db.make_engine(sqlite_url)
    try:
        with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() == 15000
    finally:
        engine.dispose()


@pytest.mark.parametrize("shared", [False, True], ids=["separate", "same-assessment"])
def test_concurrent_saves_do_not_fail(app: Flask, checklist, shared: bool) -> None:
    """8 threads x 20 saves, each a read then a write, as a theme page does."""
    threads_count, saves = 8, 20
    with app.app_context():
        tokens = [store.create_assessment(INFO, checklist).token for _ in range(threads_count)]
    if shared:
        tokens = [tokens[0]] * threads_count
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_count)
    criteria = [c.id for c in checklist.criteria]

    def work(n: int) -> None:
        try:
            barrier.wait()
            for i in range(saves):
                with app.app_context():
                    assessment = store.get_by_token(tokens[n])
                    assert assessment is not None
                    store.load_answers(assessment)
                    answer = Answer("planned", f"thread {n} save {i}")
                    store.save_answers(assessment, {criteria[(n + i) % 4]: answer}, checklist)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads_count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    with app.app_context():
        revisions = [store.get_by_token(t).revision for t in set(tokens)]  # type: ignore[union-attr]
        if shared:
            assert revisions == [threads_count * saves]
        else:
            assert revisions == [saves] * threads_count


# -- the action plan ----------------------------------------------------------------------------


def test_save_load_and_remove_actions(ctx, checklist) -> None:
    from datetime import date

    from assessor.answers import Action, action_fingerprint

    assessment = store.create_assessment(INFO, checklist)
    assert store.load_actions(assessment) == {}
    first = Action(
        "Publish the rules", "Ministry", date(2027, 6, 30), "full", "in_progress", "EUR 1"
    )
    result = store.save_action(assessment, "free-meals-eligibility", first, checklist)
    assert result.saved and result.revision == 1
    assert store.load_actions(assessment) == {"free-meals-eligibility": first}
    assert store.load_action(assessment, "free-meals-eligibility") == first
    changed = Action("Publish and explain the rules", status="done")
    started = action_fingerprint(first)
    result = store.save_action(assessment, "free-meals-eligibility", changed, checklist, started)
    assert result.saved and result.revision == 2
    assert store.load_actions(assessment) == {"free-meals-eligibility": changed}
    store.save_action(assessment, "free-meals-eligibility", None, checklist)
    assert store.load_actions(assessment) == {}
    assert store.load_action(assessment, "free-meals-eligibility") is None


def test_a_conflicting_action_is_reported_not_overwritten(ctx, checklist) -> None:
    from assessor.answers import Action, action_fingerprint

    assessment = store.create_assessment(INFO, checklist)
    nothing = action_fingerprint(None)
    theirs = Action("Theirs")
    store.save_action(assessment, "monitoring-uptake", theirs, checklist, nothing)
    # Mine started from no action: theirs is kept, and returned.
    result = store.save_action(assessment, "monitoring-uptake", Action("Mine"), checklist, nothing)
    assert not result.saved and result.theirs == theirs
    assert store.load_actions(assessment) == {"monitoring-uptake": theirs}
    # Removing what someone else saved meanwhile is a conflict too.
    result = store.save_action(assessment, "monitoring-uptake", None, checklist, nothing)
    assert not result.saved
    # The same action as theirs is no conflict; having seen theirs, mine is saved.
    assert store.save_action(assessment, "monitoring-uptake", theirs, checklist, nothing).saved
    started = action_fingerprint(theirs)
    assert store.save_action(
        assessment, "monitoring-uptake", Action("Mine"), checklist, started
    ).saved
    assert store.load_actions(assessment) == {"monitoring-uptake": Action("Mine")}
    # Someone removed it meanwhile: mine (started from "Mine") is not saved over the removal.
    store.save_action(assessment, "monitoring-uptake", None, checklist)
    result = store.save_action(
        assessment,
        "monitoring-uptake",
        Action("Mine, changed"),
        checklist,
        action_fingerprint(Action("Mine")),
    )
    assert not result.saved and result.theirs is None


def test_the_answers_file_carries_the_plan_both_ways(ctx, checklist) -> None:
    from assessor.answers import Action

    plan = {
        "free-meals-eligibility": Action("One", "Ministry"),
        "monitoring-uptake": Action("Two", status="done"),
    }
    assessment = store.create_assessment(INFO, checklist, {"monitoring-uptake": Answer("planned")})
    for criterion_id in ("monitoring-uptake", "free-meals-eligibility"):  # not in checklist order
        store.save_action(assessment, criterion_id, plan[criterion_id], checklist)
    exported = store.to_answers_file(assessment, checklist)
    assert list(exported.actions) == ["free-meals-eligibility", "monitoring-uptake"]
    assert dict(exported.actions) == plan
    imported = store.import_answers_file(exported, checklist)
    assert store.load_actions(imported) == plan
    assert store.load_answers(imported) == {"monitoring-uptake": Answer("planned")}
    assert store.to_answers_file(imported, checklist).to_json() == exported.to_json()


def test_deleting_an_assessment_deletes_its_actions(ctx, checklist) -> None:
    from assessor.answers import Action

    assessment = store.create_assessment(INFO, checklist)
    store.save_action(assessment, "monitoring-uptake", Action("Gone with it"), checklist)
    session = db.session()
    session.delete(session.get(models.Assessment, assessment.id))
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).select_from(models.Action)) == 0


# -- the key asks ------------------------------------------------------------------------------


def test_replace_load_and_change_asks_in_order(ctx, checklist) -> None:
    from assessor.asks import Ask, asks_fingerprint

    assessment = store.create_assessment(INFO, checklist)
    assert store.load_asks(assessment) == ()
    first = Ask("Publish the rules", "We ask.\nNow.", ("free-meals-eligibility",), "Ministry")
    second = Ask("Measure uptake", "We ask too.", ("monitoring-uptake", "monitoring-quality"))
    result = store.replace_asks(assessment, [second, first], checklist)
    assert result.saved and result.revision == 1 and result.asks == (second, first)
    assert store.load_asks(assessment) == (second, first)
    # A change sees the list as saved and replaces all of it.
    result = store.change_asks(assessment, lambda current: current[::-1], checklist)
    assert store.load_asks(assessment) == (first, second) == result.asks
    result = store.replace_asks(assessment, [], checklist, asks_fingerprint([first, second]))
    assert result.saved and store.load_asks(assessment) == ()


def test_a_list_of_asks_changed_meanwhile_is_not_overwritten(ctx, checklist) -> None:
    from assessor.asks import Ask, asks_fingerprint

    assessment = store.create_assessment(INFO, checklist)
    seen = asks_fingerprint(())
    theirs = (Ask("Theirs", "We ask.", ("monitoring-uptake",)),)
    assert store.replace_asks(assessment, theirs, checklist, seen).saved
    result = store.replace_asks(
        assessment, [Ask("Mine", "We ask.", ("monitoring-uptake",))], checklist, seen
    )
    assert not result.saved and result.theirs == theirs
    assert store.load_asks(assessment) == theirs


def test_a_failed_change_of_the_asks_saves_nothing(ctx, checklist) -> None:
    from assessor.asks import Ask

    assessment = store.create_assessment(INFO, checklist)
    kept = (Ask("Kept", "We ask.", ("monitoring-uptake",)),)
    store.replace_asks(assessment, kept, checklist)

    def fail(_current: Any) -> Any:
        raise RuntimeError("refused half-way")

    with pytest.raises(RuntimeError):
        store.change_asks(assessment, fail, checklist)
    assert store.load_asks(assessment) == kept
    assert store.get_by_token(assessment.token).revision == 1


def test_the_answers_file_carries_the_asks_both_ways(ctx, checklist) -> None:
    from dataclasses import replace

    from assessor.asks import Ask

    asks = (
        Ask("One", "We ask one.", ("monitoring-uptake", "free-meals-eligibility"), "State"),
        Ask("Two", "We ask two.", ("monitoring-quality",), by_when="by 2027"),
    )
    assessment = store.create_assessment(INFO, checklist)
    store.replace_asks(assessment, asks, checklist)
    exported = store.to_answers_file(assessment, checklist)
    assert exported.asks == asks
    imported = store.import_answers_file(exported, checklist)
    assert store.load_asks(imported) == asks
    assert imported.revision == 1
    assert store.to_answers_file(imported, checklist).to_json() == exported.to_json()
    # Criteria no longer in the checklist are left out of the file; an ask left with none too.
    store.replace_asks(
        assessment,
        [
            replace(asks[0], criteria=("gone", "monitoring-uptake")),
            replace(asks[1], criteria=("gone",)),
        ],
        checklist,
    )
    assert store.to_answers_file(assessment, checklist).asks == (
        replace(asks[0], criteria=("monitoring-uptake",)),
    )


def test_deleting_an_assessment_deletes_its_asks(ctx, checklist) -> None:
    from assessor.asks import Ask

    assessment = store.create_assessment(INFO, checklist)
    store.replace_asks(assessment, [Ask("Gone", "With it.", ("monitoring-uptake",))], checklist)
    session = db.session()
    session.delete(session.get(models.Assessment, assessment.id))
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).select_from(models.Ask)) == 0
