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
    without_unknown_criteria,
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


# -- the action plan ----------------------------------------------------------------------------


def planned() -> dict:
    return valid() | {
        "actions": {
            "monitoring-uptake": {
                "action": "Publish the survey\nevery spring.",
                "owner": "  Statistics office ",
                "due": "2027-06-30",
                "target_level": "full",
                "status": "in_progress",
                "budget": "EUR 40,000, AMIF",
            },
            "free-meals-eligibility": {"action": "Only the text is required"},
        }
    }


def test_actions_are_read_in_checklist_order_and_written_back(find):
    from datetime import date

    from assessor.answers import Action

    parsed, _ = parse_answers_file(json.dumps(planned()), find)
    assert list(parsed.actions) == ["free-meals-eligibility", "monitoring-uptake"]
    assert parsed.actions["monitoring-uptake"] == Action(
        action="Publish the survey\nevery spring.",
        owner="Statistics office",  # one-line fields are trimmed, as a form trims them
        due=date(2027, 6, 30),
        target_level="full",
        status="in_progress",
        budget="EUR 40,000, AMIF",
    )
    assert parsed.actions["free-meals-eligibility"] == Action(action="Only the text is required")
    again, _ = parse_answers_file(parsed.to_json(), find)
    assert again == parsed
    assert json.loads(parsed.to_json())["actions"]["free-meals-eligibility"] == {
        "action": "Only the text is required",
        "owner": "",
        "due": None,
        "target_level": None,
        "status": "not_started",
        "budget": "",
    }


def test_a_file_without_actions_round_trips_byte_identical(find):
    data = valid()
    order = ["free-meals-eligibility", "free-meals-nutrition", "monitoring-uptake"]
    data["answers"] = {crit: data["answers"][crit] for crit in order}  # the checklist's order
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    parsed, _ = parse_answers_file(text, find)
    assert parsed.actions == {}
    assert parsed.to_json() == text
    # An empty plan is as good as none.
    empty, _ = parse_answers_file(json.dumps(data | {"actions": {}}), find)
    assert empty.to_json() == text


def action_problems(find, action, crit="monitoring-uptake") -> list[str]:
    return problems(find, valid() | {"actions": {crit: action}})


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ({"action": "x", "due": "2027-02-30"}, "due date '2027-02-30' is not a real date"),
        ({"action": "x", "due": "30/06/2027"}, "written YYYY-MM-DD (for example 2027-06-30)"),
        ({"action": "x", "due": "20270630"}, "due date '20270630' is not a real date"),
        ({"action": "x", "due": "٢٠٢٧-٠٦-٣٠"}, "is not a real date"),
        ({"action": "x", "due": 20270630}, "due date 20270630 is not a real date"),
        ({"action": "x", "status": "started"}, "invalid status 'started'; expected one of"),
        ({"action": "x", "target_level": "unknown"}, "invalid target level 'unknown'"),
        ({"action": "x", "target_level": "not_applicable"}, "invalid target level"),
        ({"action": "x", "target_level": "perfect"}, "invalid target level 'perfect'"),
        (
            {"action": "x", "owner": "o" * 201},
            "owner is too long (201 characters; the limit is 200)",
        ),
        ({"action": "x", "budget": "b" * 201}, "budget is too long (201 characters"),
        ({"action": "a " * 1001}, "action is too long (2002 characters; the limit is 2000)"),
        ({"action": "   "}, "action for 'monitoring-uptake': action must not be empty"),
        ({"owner": "Ministry"}, "action must be a string, not null"),
        ({"action": "x", "owner": None}, "owner must be a string, not null"),
        ({"action": "x", "who": "?"}, "unknown field 'who'"),
        ({"action": "x\u202e"}, "characters no one types"),
        ({"action": "x" * 1001}, "without a space"),
        ({"action": "x\n" * 101}, "has 102 lines; the limit is 100"),
        ("do it", "action for 'monitoring-uptake' must be an object, not a string"),
    ],
)
def test_each_action_problem_is_named(find, action, expected):
    found = action_problems(find, action)
    assert any(expected in problem for problem in found), found


def test_actions_for_unknown_criteria_and_a_bad_plan_are_refused(find):
    assert action_problems(find, {"action": "x"}, crit="no-such") == [
        "action for unknown criterion id 'no-such' for checklist 'school-meals-demo'"
    ]
    assert problems(find, valid() | {"actions": []}) == ["'actions' must be an object, not a list"]


def test_every_action_problem_is_listed_with_the_others(find):
    data = planned()
    data["answers"]["monitoring-uptake"]["level"] = "great"
    data["actions"]["monitoring-uptake"] |= {"due": "2027-13-01", "status": "later"}
    data["actions"]["nope"] = {"action": "x"}
    found = problems(find, data)
    assert len(found) == 4, found
    assert any("invalid level 'great'" in p for p in found)
    assert any("due date '2027-13-01'" in p for p in found)
    assert any("invalid status 'later'" in p for p in found)
    assert any("unknown criterion id 'nope'" in p for p in found)


def test_the_target_may_be_any_scored_level_in_a_file(find):
    """Whether a target is above the current level depends on answers that change later: a
    file is checked against the scale only, so an export always imports back."""
    for target in ("not_in_place", "planned", "partial", "full"):
        data = valid() | {"actions": {"monitoring-uptake": {"action": "x", "target_level": target}}}
        parsed, _ = parse_answers_file(json.dumps(data), find)
        assert parsed.actions["monitoring-uptake"].target_level == target


def test_a_file_of_another_version_is_made_readable(checklist):
    older = {
        "checklist": checklist.id,
        "checklist_version": "0.0.9",
        "assessment": {
            "title": "Old",
            "organisation": "NGO",
            "country": "Austria",
            "respondent": "ngo",
        },
        "answers": {
            "free-meals-eligibility": {"level": "full", "evidence": "Kept"},
            "meals-dropped-since": {"level": "partial", "evidence": ""},
        },
        "actions": {"meals-dropped-since": {"action": "Gone"}},
    }
    raw = json.dumps(older).encode()
    readable, left_out = without_unknown_criteria(raw, checklist)
    assert left_out == ("meals-dropped-since",)
    parsed, _ = parse_answers_file(readable, {checklist.id: checklist}.get)
    assert dict(parsed.answers) == {"free-meals-eligibility": Answer("full", "Kept")}
    assert parsed.checklist_version == "0.0.9"
    # Left as given (the parser then says what is wrong): the same version, another checklist,
    # duplicate keys, something that is not JSON.
    same = json.dumps({**older, "checklist_version": checklist.version})
    other = json.dumps({**older, "checklist": "other"})
    twice = raw.replace(b'"answers": {', b'"answers": {"x": 1, "x": 2, ', 1)
    for given in (same, other, twice, b"\xff not JSON", b"[" * 100_000):
        assert without_unknown_criteria(given, checklist) == (given, ())


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Final (version 2), signed off on 1 December 2026 by Ion Popescu"),
        ("ro", "Final (versiunea 2), aprobat la 1 decembrie 2026 de Ion Popescu"),
        (
            "ru",
            "Окончательная редакция (версия 2), утверждена 1 декабря 2026, "
            "утвердил(а): Ion Popescu",
        ),
    ],
)
def test_the_sign_off_line_is_written_in_the_documents_language(lang, expected):
    from datetime import date

    from assessor.answers import SignOff
    from assessor.translation import writing_in

    with writing_in(lang):
        assert SignOff(2, date(2026, 12, 1), "Ion Popescu").line() == expected


def test_an_answers_files_problems_are_named_in_the_pages_language():
    from assessor.asks import criteria_problems, joined_criteria_problems
    from assessor.translation import writing_in

    with writing_in("ru"), pytest.raises(AnswersError) as caught:
        parse_answers_file(b"", lambda _id: None)
    assert caught.value.problems == ("файл пуст",)
    with writing_in("ro"), pytest.raises(AnswersError) as caught:
        parse_answers_file('{"checklist": 1, "checklist": 2}', lambda _id: None)
    assert "cheia 'checklist' apare de mai multe ori" in caught.value.problems
    assert "'checklist' trebuie să fie identificatorul unei liste de verificare" in " ".join(
        caught.value.problems
    )
    with writing_in("ru"):
        problems = criteria_problems(["a", "a", "b"], lambda crit_id: crit_id == "a")
        assert joined_criteria_problems(problems) == (
            "указывает критерий 'a' более одного раза; кроме того, указывает 'b', "
            "который не является критерием контрольного перечня"
        )
