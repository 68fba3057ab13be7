"""The answers file: parsing, validation messages and the round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessor.answers import (
    MAX_ANSWERS_FILE_BYTES,
    MAX_EVIDENCE_CHARS,
    Answer,
    AnswersError,
    parse_answers_file,
)
from assessor.checklist import load_checklist

DEMO = Path(__file__).resolve().parent / "data" / "school-meals.yaml"


@pytest.fixture(scope="module")
def checklist():
    return load_checklist(DEMO)


@pytest.fixture
def find(checklist):
    return lambda checklist_id: checklist if checklist_id == checklist.id else None


def valid() -> dict:
    return {
        "checklist": "school-meals-demo",
        "checklist_version": "0.1",
        "assessment": {
            "title": "Review 2026",
            "organisation": "Ministry",
            "country": "Moldova",
            "respondent": "government",
        },
        "answers": {
            "monitoring-uptake": {"level": "partial", "evidence": "Annual survey, 2025."},
            "free-meals-eligibility": {"level": "full", "evidence": ""},
            "free-meals-nutrition": {"level": None, "evidence": "Draft standard"},
        },
    }


def problems(find, data) -> list[str]:
    raw = data if isinstance(data, str | bytes) else json.dumps(data)
    with pytest.raises(AnswersError) as info:
        parse_answers_file(raw, find)
    return list(info.value.problems)


def test_valid_file_round_trips_in_checklist_order(find):
    parsed, checklist = parse_answers_file(json.dumps(valid()), find)
    assert checklist.id == "school-meals-demo"
    assert list(parsed.answers) == [
        "free-meals-eligibility",
        "free-meals-nutrition",
        "monitoring-uptake",
    ]
    assert parsed.answers["monitoring-uptake"] == Answer("partial", "Annual survey, 2025.")
    assert not parsed.answers["free-meals-nutrition"].is_answered
    again, _ = parse_answers_file(parsed.to_json(), find)
    assert again == parsed
    assert json.loads(parsed.to_json())["assessment"] == valid()["assessment"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(checklist="nope"), "unknown checklist 'nope'"),
        (
            lambda d: d["answers"].update({"ghost": {"level": "full"}}),
            "unknown criterion id 'ghost' for checklist 'school-meals-demo'",
        ),
        (
            lambda d: d["answers"]["monitoring-uptake"].update(level="mostly"),
            "answer to 'monitoring-uptake': invalid level 'mostly'; expected one of "
            "not_in_place, planned, partial, full, not_applicable, unknown",
        ),
        (
            lambda d: d["answers"]["monitoring-uptake"].update(evidence=42),
            "answer to 'monitoring-uptake': evidence must be a string, not a number",
        ),
        (
            lambda d: d["answers"]["monitoring-uptake"].update(evidence="x" * 5001),
            f"answer to 'monitoring-uptake': evidence is too long (5001 characters; "
            f"the limit is {MAX_EVIDENCE_CHARS})",
        ),
        (lambda d: d.update(answers=[]), "'answers' must be an object, not a list"),
        (
            lambda d: d["assessment"].update(country="Atlantis"),
            "assessment country 'Atlantis' is not an OSCE participating State",
        ),
        (
            lambda d: d["assessment"].update(respondent="press"),
            "assessment respondent 'press' is not one of government, ngo, other",
        ),
        (lambda d: d["assessment"].update(title="  "), "assessment title must not be empty"),
        (lambda d: d.update(extra=1), "unknown top-level field 'extra'"),
        (lambda d: d.pop("checklist_version"), "'checklist_version' must be a string, not null"),
    ],
)
def test_each_problem_is_named(find, change, expected):
    data = valid()
    change(data)
    assert problems(find, data) == [expected]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", "the file is empty"),
        ("{not json", "not valid JSON: Expecting property name enclosed in double quotes"),
        ("[1, 2]", "the file must hold a JSON object, not a list"),
        (b"\xff\xfe{}", "the file is not UTF-8 text"),
        ("[" * 100000 + "]" * 100000, "not valid JSON: nested too deeply"),
    ],
)
def test_unreadable_files(find, raw, expected):
    (problem,) = problems(find, raw)
    assert problem.startswith(expected)


def test_too_large_file_is_refused_before_parsing(find):
    raw = " " * (MAX_ANSWERS_FILE_BYTES + 1)
    assert problems(find, raw) == [
        f"the file is too large ({MAX_ANSWERS_FILE_BYTES + 1} bytes; "
        f"the limit is {MAX_ANSWERS_FILE_BYTES})"
    ]
