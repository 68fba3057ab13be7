"""Key asks: the answers file's ``asks`` checked and written, and asks suggested from top gaps."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from assessor.answers import Action, Answer, AnswersError, parse_answers_file
from assessor.asks import (
    MAX_ASK_TEXT_CHARS,
    MAX_ASK_TITLE_CHARS,
    MAX_SUGGESTIONS,
    Ask,
    ask_text_of,
    ask_title_of,
    asks_fingerprint,
    criteria_problems,
    lower_first,
    suggest_asks,
)
from assessor.checklist import Checklist, load_checklist
from assessor.report.cache import report_key
from assessor.scoring import score
from tests.support.data import ANSWERS_FILE, OSCE, SCHOOL_MEALS

TODAY = date(2026, 5, 4)
ELIGIBILITY = "free-meals-eligibility"  # 1.1.a
NUTRITION = "free-meals-nutrition"  # 1.1.b
UPTAKE = "monitoring-uptake"  # 2.1.a
QUALITY = "monitoring-quality"  # 2.1.b

ASK = {
    "title": "Publish the eligibility rules",
    "text": "We ask the Ministry of Education to publish the rules.\nEvery school should see them.",
    "criteria": [ELIGIBILITY, UPTAKE],
    "duty_bearer": "the Ministry of Education",
    "by_when": "by the end of 2027",
}


@pytest.fixture(scope="module")
def demo() -> Checklist:
    return load_checklist(SCHOOL_MEALS)


@pytest.fixture(scope="module")
def osce() -> Checklist:
    return load_checklist(OSCE)


def parse(demo: Checklist, **changes: Any) -> Any:
    data = {**ANSWERS_FILE, **changes}
    answers_file, _ = parse_answers_file(json.dumps(data), lambda _id: demo)
    return answers_file


def problems_of(demo: Checklist, **changes: Any) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        parse(demo, **changes)
    return list(caught.value.problems)


# -- the answers file -------------------------------------------------------------------------


def test_asks_are_read_in_order_and_written_back_unchanged(demo) -> None:
    second = {"title": "Measure uptake", "text": "Count.", "criteria": [UPTAKE]}
    answers_file = parse(demo, asks=[ASK, second])
    assert answers_file.asks == (
        Ask(
            title="Publish the eligibility rules",
            text=ASK["text"],
            criteria=(ELIGIBILITY, UPTAKE),
            duty_bearer="the Ministry of Education",
            by_when="by the end of 2027",
        ),
        Ask(title="Measure uptake", text="Count.", criteria=(UPTAKE,)),  # the last two default
    )
    written = json.loads(answers_file.to_json())
    assert written["asks"] == [ASK, second | {"duty_bearer": "", "by_when": ""}]
    again, _ = parse_answers_file(answers_file.to_json(), lambda _id: demo)
    assert again == answers_file


def test_a_file_without_asks_is_written_as_before(demo) -> None:
    answers_file = parse(demo)
    assert answers_file.asks == ()
    assert "asks" not in json.loads(answers_file.to_json())
    assert "asks" not in json.loads(parse(demo, asks=[]).to_json())


def test_titles_and_names_are_trimmed_the_text_kept(demo) -> None:
    ask = ASK | {"title": "  Publish\n the rules ", "duty_bearer": " the Ministry ", "text": " X "}
    [parsed] = parse(demo, asks=[ask]).asks
    assert (parsed.title, parsed.duty_bearer, parsed.text) == (
        "Publish  the rules",
        "the Ministry",
        " X ",
    )


def test_every_problem_of_every_ask_is_named(demo) -> None:
    problems = problems_of(
        demo,
        asks=[
            ASK | {"title": "", "colour": "red"},
            "an ask",
            ASK | {"text": "x" * (MAX_ASK_TEXT_CHARS + 1), "by_when": 2027},
            ASK | {"title": "t" * (MAX_ASK_TITLE_CHARS + 1), "duty_bearer": "a\u202eb"},
        ],
    )
    assert problems == [
        "ask 1: unknown field 'colour'",
        "ask 1: title must not be empty",
        "ask 2 must be an object, not a string",
        f"ask 3: text is too long ({MAX_ASK_TEXT_CHARS + 1} characters; the limit is "
        f"{MAX_ASK_TEXT_CHARS})",
        "ask 3: by_when must be a string, not a number",
        f"ask 4: title is too long ({MAX_ASK_TITLE_CHARS + 1} characters; the limit is "
        f"{MAX_ASK_TITLE_CHARS})",
        "ask 4: duty_bearer contains characters no one types (control, bidi override or broken "
        "Unicode): U+202E (RIGHT-TO-LEFT OVERRIDE)",
    ]


@pytest.mark.parametrize(
    ("criteria", "problem"),
    [
        ([], "ask 1 names no criterion; choose 1 to 10"),
        ("free-meals-eligibility", "ask 1: criteria must be a list of criterion ids, not a string"),
        (None, "ask 1: criteria must be a list of criterion ids, not null"),
        ([ELIGIBILITY, 7], "ask 1: criteria [1] must be a criterion id string, not a number"),
        (
            [ELIGIBILITY, UPTAKE, ELIGIBILITY],
            "ask 1 names the criterion 'free-meals-eligibility' more than once",
        ),
        (
            [ELIGIBILITY, "no-such-criterion"],
            "ask 1 names 'no-such-criterion', which is not a criterion of the checklist",
        ),
    ],
)
def test_the_criteria_of_an_ask_are_checked(demo, criteria, problem) -> None:
    assert problems_of(demo, asks=[ASK | {"criteria": criteria}]) == [problem]


def test_more_than_ten_criteria_and_more_than_seven_asks_are_refused(demo) -> None:
    assert criteria_problems([f"c{i}" for i in range(11)], lambda _id: True) == [
        "names 11 criteria; the limit is 10"
    ]
    assert criteria_problems([f"c{i}" for i in range(10)], lambda _id: True) == []
    assert problems_of(demo, asks=[ASK] * 8) == ["'asks' holds 8 asks; the limit is 7"]
    assert len(parse(demo, asks=[ASK] * 7).asks) == 7
    assert problems_of(demo, asks={"1": ASK}) == ["'asks' must be a list, not an object"]


def test_an_ask_given_a_key_twice_is_refused(demo) -> None:
    text = json.dumps({**ANSWERS_FILE, "asks": [ASK]})
    text = text.replace('"title": "Publish', '"title": "Other", "title": "Publish')
    with pytest.raises(AnswersError) as caught:
        parse_answers_file(text, lambda _id: demo)
    assert caught.value.problems == ("the key 'title' appears more than once in 'asks' → [0]",)


def test_asks_change_the_fingerprint_and_the_report_key(demo) -> None:
    plain = parse(demo)
    with_asks = parse(demo, asks=[ASK])
    other = parse(demo, asks=[ASK | {"by_when": "by 2028"}])
    analysis = score(demo, plain.answers)
    keys = {report_key(analysis, f, "ngo", TODAY) for f in (plain, with_asks, other)}
    assert len(keys) == 3
    assert asks_fingerprint(with_asks.asks) != asks_fingerprint(other.asks)
    assert asks_fingerprint(()) == asks_fingerprint([])
    # Order counts: an ask is known by its place.
    a, b = Ask("A", "a", (UPTAKE,)), Ask("B", "b", (UPTAKE,))
    assert asks_fingerprint([a, b]) != asks_fingerprint([b, a])


# -- suggestions ------------------------------------------------------------------------------


def test_suggestions_come_from_the_top_gaps_one_per_recommendation(demo) -> None:
    analysis = score(
        demo,
        {
            ELIGIBILITY: Answer("partial"),
            NUTRITION: Answer("not_in_place"),  # the same recommendation, higher priority
            UPTAKE: Answer("planned"),
        },
    )
    asks = suggest_asks(analysis, {}, "Moldova", TODAY)
    assert [ask.criteria for ask in asks] == [(NUTRITION,), (UPTAKE,)]
    assert asks[0] == Ask(
        title="Meals meet written nutrition standards",
        text="We ask the Government of Moldova to ensure that meals meet written nutrition "
        "standards.",
        criteria=(NUTRITION,),
        duty_bearer="the Government of Moldova",
        by_when="by the end of 2027",
    )


def test_dont_know_and_unanswered_are_never_suggested(demo) -> None:
    analysis = score(demo, {UPTAKE: Answer("unknown"), ELIGIBILITY: Answer("unknown")})
    assert {g.criterion.id for g in analysis.evidence_to_collect} == {
        UPTAKE,
        ELIGIBILITY,
        NUTRITION,
        QUALITY,
    }
    assert analysis.top_gaps == ()
    assert suggest_asks(analysis, {}, "Moldova", TODAY) == ()
    # With one real gap, only it is suggested.
    analysis = score(demo, {UPTAKE: Answer("unknown"), QUALITY: Answer("planned")})
    assert [ask.criteria for ask in suggest_asks(analysis, {}, "Moldova", TODAY)] == [(QUALITY,)]


def test_the_action_plan_names_the_duty_bearer_and_the_date(demo) -> None:
    analysis = score(demo, {NUTRITION: Answer("not_in_place"), UPTAKE: Answer("planned")})
    actions = {
        NUTRITION: Action("Adopt standards", owner="Ministry of Health", due=date(2027, 3, 31)),
        UPTAKE: Action("Count", owner="", due=None),  # an action without owner or date
    }
    first, second = suggest_asks(analysis, actions, "Moldova", TODAY)
    assert first.duty_bearer == "Ministry of Health"
    assert first.text.startswith("We ask Ministry of Health to ensure that meals meet")
    assert first.by_when == "by 31 March 2027"
    assert second.duty_bearer == "the Government of Moldova"
    assert second.by_when == "by the end of 2027"
    # No country typed: "the authorities".
    assert suggest_asks(analysis, {}, "  ", TODAY)[0].duty_bearer == "the authorities"


def test_the_checklist_phrasing_is_used_where_it_has_one(osce) -> None:
    criterion = osce.criteria[0]
    assert criterion.ask_title and criterion.ask_text
    assert ask_title_of(criterion) == criterion.ask_title
    text = ask_text_of(criterion, "the Ministry of Interior")
    assert text == f"We ask the Ministry of Interior to {lower_first(criterion.ask_text)}"
    assert text.endswith(".") and not text.endswith("..")


def test_the_fallback_for_a_criterion_without_phrasing(osce) -> None:
    criterion = replace(osce.criteria[0], ask_title=None, ask_text=None, text="NGOs are heard.")
    assert ask_title_of(criterion) == "NGOs are heard"
    assert ask_text_of(criterion, "the State") == "We ask the State to ensure that NGOs are heard."
    long = replace(criterion, text="The State " + "really " * 40 + "acts")
    title = ask_title_of(long)
    assert len(title) <= MAX_ASK_TITLE_CHARS and title.startswith("The State really")
    assert ask_text_of(long, "the State").endswith("acts.")


def test_at_most_five_suggestions_each_a_valid_ask(osce) -> None:
    analysis = score(osce, {c.id: Answer("not_in_place") for c in osce.criteria})
    asks = suggest_asks(analysis, {}, "Moldova", TODAY)
    assert len(asks) == MAX_SUGGESTIONS
    recommendations = {osce.parents(ask.criteria[0])[1].id for ask in asks}
    assert len(recommendations) == MAX_SUGGESTIONS
    assert [ask.criteria[0] for ask in asks] == [g.criterion.id for g in analysis.top_gaps]
    # Each fits the answers file, so "Save these suggestions" and export always work.
    data = {
        **ANSWERS_FILE,
        "checklist": osce.id,
        "answers": {},
        "asks": [ask.to_dict() for ask in asks],
    }
    parsed, _ = parse_answers_file(json.dumps(data), lambda _id: osce)
    assert parsed.asks == asks


def test_lower_first_keeps_abbreviations() -> None:
    assert lower_first("Adopt a law.") == "adopt a law."
    assert lower_first("OSCE States act.") == "OSCE States act."
    assert lower_first("NGOs act.") == "NGOs act."
    assert lower_first("") == ""
    assert lower_first("A") == "a"
