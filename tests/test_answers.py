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
from assessor.text import MAX_LINES, MAX_UNBROKEN_CHARS

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


# -- the one rule for user text (assessor.text), as a file meets it ------------------------------


def test_keys_given_twice_are_refused_with_the_key_named(find):
    raw = json.dumps(valid())
    raw = raw.replace('"checklist": ', '"checklist": "school-meals-demo", "checklist": ', 1)
    raw = raw.replace('"title": ', '"title": "First title", "title": ', 1)
    raw = raw.replace('{"level": "partial", ', '{"level": "full", "level": "partial", ', 1)
    raw = raw.replace('"answers": {', '"answers": {"free-meals-nutrition": {"level": "full"}, ', 1)
    assert problems(find, raw) == [
        "the key 'checklist' appears more than once",
        "the key 'title' appears more than once in 'assessment'",
        "the key 'free-meals-nutrition' appears more than once in 'answers'",
        "the key 'level' appears more than once in 'answers' → 'monitoring-uptake'",
    ]


def test_keys_given_twice_are_listed_with_every_other_problem(find):
    raw = json.dumps(valid() | {"extra": 1}).replace(
        '"country": "Moldova"', '"country": "Moldova", "country": "Moldova"'
    )
    assert problems(find, raw) == [
        "the key 'country' appears more than once in 'assessment'",
        "unknown top-level field 'extra'",
    ]


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\x85", "U+0085 (control character)"),
        ("\x9b", "U+009B (control character)"),
        ("\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("\u2066", "U+2066 (LEFT-TO-RIGHT ISOLATE)"),
        ("\ufffa", "U+FFFA (INTERLINEAR ANNOTATION SEPARATOR)"),
        ("\ufdd0", "U+FDD0 (not a character)"),
        ("\ud800", "U+D800 (broken Unicode)"),
    ],
)
def test_characters_no_one_types_are_refused_with_field_and_character_named(find, char, name):
    data = valid()
    data["assessment"]["organisation"] = f"Ministry{char}"
    data["answers"]["monitoring-uptake"]["evidence"] = f"Survey {char}2025"
    assert problems(find, data) == [
        "assessment organisation contains characters no one types (control, bidi override or "
        f"broken Unicode): {name}",
        "answer to 'monitoring-uptake': evidence contains characters no one types (control, "
        f"bidi override or broken Unicode): {name}",
    ]


@pytest.mark.parametrize("title", ["\u200b", "\u200b\u200d\ufeff", " \u0301 ", "\u3164"])
def test_a_title_of_invisible_characters_is_empty(find, title):
    data = valid()
    data["assessment"]["title"] = title
    assert problems(find, data) == ["assessment title must not be empty"]


def test_evidence_over_the_line_and_word_limits_is_refused(find):
    data = valid()
    data["answers"]["monitoring-uptake"]["evidence"] = "\r\n" * MAX_LINES
    data["answers"]["free-meals-nutrition"]["evidence"] = "See " + "x" * (MAX_UNBROKEN_CHARS + 1)
    assert problems(find, data) == [
        f"answer to 'monitoring-uptake': evidence has {MAX_LINES + 1} lines; "
        f"the limit is {MAX_LINES}",
        f"answer to 'free-meals-nutrition': evidence has {MAX_UNBROKEN_CHARS + 1:,} characters "
        f"without a space (“xxxxxxxxxxxxxxxxxxxx…”); the limit is {MAX_UNBROKEN_CHARS:,}",
    ]


def test_text_people_type_is_kept_and_evidence_exactly_as_written(find):
    data = valid()
    evidence = (
        "  \u05d7\u05d5\u05e7 (2024)\u200f\r\n\r\n\r\n\r\n"
        "\tArt. 4, \u0627\u0644\u0645\u0627\u062f\u0629 \u0664 "
    )
    data["answers"]["monitoring-uptake"]["evidence"] = evidence
    data["assessment"]["title"] = "  Review\t2026\n(draft) "
    data["assessment"]["organisation"] = (
        "\u0648\u0632\u0627\u0631\u0629 \u0627\u0644\u0639\u0645\u0644\u200f"
    )
    parsed, _ = parse_answers_file(json.dumps(data), find)
    assert parsed.answers["monitoring-uptake"].evidence == evidence
    assert parsed.assessment.title == "Review 2026 (draft)"
    assert parsed.assessment.organisation == data["assessment"]["organisation"]


def test_a_file_of_many_long_problems_gets_a_short_report(find) -> None:
    # 500 unknown criterion ids of 3,000 characters each: the report names the first 50,
    # each quoted value cut short, and says how many more there are.
    data = valid()
    data["answers"] = {f"{n}{'x' * 3_000}": {"level": "partial"} for n in range(500)}
    found = problems(find, data)
    assert len(found) == 51
    assert found[-1] == "... and 450 more problems"
    assert all(len(problem) < 1_000 for problem in found)
