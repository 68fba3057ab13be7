"""The history of an assessment: only real changes recorded, by whom, in the write's own
transaction; append-only in the database; in and out of answers files (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask import Flask

from assessor import db, history_store, models, sharing, store
from assessor.answers import Action, Answer, AnswersError, AssessmentInfo, parse_answers_file
from assessor.asks import Ask
from assessor.checklist import Checklist
from assessor.history import SYSTEM_ACTOR, Change, answer_diffs, asks_diffs
from tests.support.data import ANSWERS_FILE

INFO = AssessmentInfo("History review", "Ministry of Education", "Austria", "government")
A, B = "free-meals-eligibility", "monitoring-uptake"


def rows(app: Flask) -> list[tuple[str, str, str | None, str, str | None, str | None]]:
    with app.app_context():
        stmt = sa.select(models.HistoryEntry).order_by(models.HistoryEntry.id)
        return [
            (r.actor, r.kind, r.criterion_id, r.field, r.old_value, r.new_value)
            for r in db.session().scalars(stmt)
        ]


def test_diffs_name_only_real_changes() -> None:
    assert answer_diffs(A, ("planned", "x"), ("planned", "x")) == []
    assert answer_diffs(A, None, (None, "")) == []  # no answer, and an empty one: the same
    assert [(d.field, d.old, d.new) for d in answer_diffs(A, ("planned", ""), (None, "y"))] == [
        ("level", "planned", None),
        ("evidence", None, "y"),
    ]
    one = Ask("Fund meals", "Fund them.", (A,)).to_dict()
    assert asks_diffs([one], [one]) == []
    assert [(d.field, d.old is None) for d in asks_diffs([one], [one, one])] == [("ask 2", True)]


def test_every_write_path_records_real_changes_once(app: Flask, school_meals: Checklist) -> None:
    with app.app_context():
        assessment = store.create_assessment(INFO, school_meals)
        store.save_answers(assessment, {A: Answer("planned", "Decree")}, school_meals, actor="Ana")
        # The same again, and an unchanged answer beside a changed one: only the change.
        store.save_answers(assessment, {A: Answer("planned", "Decree")}, school_meals, actor="Ana")
        store.save_answers(
            assessment,
            {A: Answer("planned", "Decree"), B: Answer(None, "Survey")},
            school_meals,
            actor="Ben",
        )
        action = Action("Publish the rules", owner="Unit 3", due=date(2027, 6, 30))
        store.save_action(assessment, A, action, school_meals, actor="Ana")
        store.save_action(assessment, A, action, school_meals, actor="Ana")
        store.save_action(assessment, A, None, school_meals, actor="Ben")
        ask = Ask("Fund meals", "Fund them.", (A,))
        store.replace_asks(assessment, [ask], school_meals, actor="Ana")
        store.replace_asks(assessment, [ask], school_meals, actor="Ana")
        store.save_answers(assessment, {B: Answer(None, "")}, school_meals, actor="Ben")
        assert store.update_details(assessment, INFO, actor="Ana") is False
        changed = AssessmentInfo(INFO.title, INFO.organisation, "Moldova", "ngo")
        assert store.update_details(assessment, changed, actor="Ana") is True
        # A conflict saves nothing, so records nothing.
        result = store.save_answers(
            assessment, {A: Answer("partial", "")}, school_meals, {A: "stale"}, actor="Cy"
        )
        assert A in result.conflicts
    assert rows(app) == [
        ("Ana", "level", A, "level", None, "planned"),
        ("Ana", "evidence", A, "evidence", None, "Decree"),
        ("Ben", "evidence", B, "evidence", None, "Survey"),
        ("Ana", "action", A, "action", None, "Publish the rules"),
        ("Ana", "action", A, "owner", None, "Unit 3"),
        ("Ana", "action", A, "due", None, "2027-06-30"),
        ("Ana", "action", A, "status", None, "not_started"),
        ("Ben", "action", A, "action", "Publish the rules", None),
        ("Ben", "action", A, "owner", "Unit 3", None),
        ("Ben", "action", A, "due", "2027-06-30", None),
        ("Ben", "action", A, "status", "not_started", None),
        ("Ana", "ask", None, "ask 1", None, "Fund meals: Fund them. Criteria: " + A + "."),
        ("Ben", "evidence", B, "evidence", "Survey", None),
        ("Ana", "detail", None, "country", "Austria", "Moldova"),
        ("Ana", "detail", None, "respondent", "government", "ngo"),
    ]


def test_a_failed_write_records_nothing(app: Flask, school_meals: Checklist) -> None:
    with app.app_context():
        assessment = store.create_assessment(INFO, school_meals)

        def refuse(_current: tuple[Ask, ...]) -> list[Ask]:
            raise ValueError("refused")

        with pytest.raises(ValueError):
            store.change_asks(assessment, refuse, school_meals, actor="Ana")
        store.save_answers(assessment, {A: Answer("planned", "")}, school_meals)
    assert rows(app) == [(SYSTEM_ACTOR, "level", A, "level", None, "planned")]


def test_history_is_append_only(app: Flask, school_meals: Checklist) -> None:
    with app.app_context():
        assessment = store.create_assessment(INFO, school_meals, {A: Answer("planned", "")})
        assessment_id = assessment.id
    engine = db.get_engine(app)
    for statement in ("UPDATE history SET actor = 'Mallory'", "DELETE FROM history"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as connection:
            connection.exec_driver_sql(statement)
    assert len(rows(app)) == 1
    # Deleting the whole assessment takes its history with it.
    with app.app_context():
        assessment = db.session().get(models.Assessment, assessment_id)
        assert assessment is not None
        sharing.delete_assessment(assessment)
    assert rows(app) == []


def test_history_goes_out_and_comes_back_with_an_answers_file(
    app: Flask, school_meals: Checklist
) -> None:
    with app.app_context():
        assessment = store.create_assessment(INFO, school_meals)
        store.save_answers(assessment, {A: Answer("planned", "Decree")}, school_meals, actor="Ana")
        store.save_answers(assessment, {A: Answer("partial", "Decree")}, school_meals, actor="Ben")
        plain = store.to_answers_file(assessment, school_meals)
        assert "history" not in plain.to_dict()  # reports and comparisons never carry it
        exported = store.to_answers_file(assessment, school_meals, with_history=True)
        text = exported.to_json()
        parsed, checklist = parse_answers_file(text, lambda _id: school_meals)
        assert parsed.history == exported.history and len(parsed.history) == 3
        copy = store.import_answers_file(parsed, checklist, actor="Importer")
        again = store.to_answers_file(copy, school_meals, with_history=True)
        assert again.to_json() == text  # the history as it was: no "import" entries added
        # Without a history, an import records what it brought, by who imported it.
        fresh, _ = parse_answers_file(json.dumps(ANSWERS_FILE), lambda _id: school_meals)
        other = store.import_answers_file(fresh, school_meals, actor="Owner")
        assert {c.who for c in history_store.all_changes(other)} == {"Owner"}
        assert history_store.count(other) == 3


def test_a_bad_history_is_refused_with_every_problem(school_meals: Checklist) -> None:
    good = Change(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), "Ana", "level", A, "level", None, "x")
    entries = [
        good.to_dict(),
        good.to_dict() | {"at": "yesterday"},
        good.to_dict() | {"at": "2026-12-01T09:00:00"},
        good.to_dict() | {"kind": "secret"},
        good.to_dict() | {"criterion": None},
        good.to_dict() | {"who": ""},
        good.to_dict() | {"field": "owner"},
        good.to_dict() | {"extra": 1},
        "not an object",
    ]
    data = dict(ANSWERS_FILE, history=entries)
    with pytest.raises(AnswersError) as caught:
        parse_answers_file(json.dumps(data), lambda _id: school_meals)
    problems = "\n".join(caught.value.problems)
    for expected in (
        "history entry 2: at is not a date and time",
        "history entry 3: at must give its UTC offset",
        "history entry 4: kind must be one of",
        "history entry 5: a change of kind level must name its criterion id",
        "history entry 6: who must not be empty",
        "history entry 7: field must be one of level",
        "history entry 8: unknown field 'extra'",
        "history entry 9 must be an object",
    ):
        assert expected in problems
    assert "history entry 1" not in problems
    with pytest.raises(AnswersError, match="'history' must be a list"):
        parse_answers_file(json.dumps(dict(ANSWERS_FILE, history={})), lambda _id: school_meals)
