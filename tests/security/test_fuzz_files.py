"""Broken checklist files and answers files: only ever ChecklistError / AnswersError.

Random text, random YAML and JSON documents, and valid files cut, spliced and mutated: the
parsers either return a valid model or raise their own error with the problems listed. Any
other exception (which the web app would show as a 500) fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor.answers import AnswersError, parse_answers_file
from assessor.checklist import Checklist, ChecklistError, parse_checklist

DATA = Path(__file__).parent.parent / "data"
SCHOOL_MEALS_TEXT = (DATA / "school-meals.yaml").read_text(encoding="utf-8")
SCHOOL_MEALS = parse_checklist(SCHOOL_MEALS_TEXT, "school-meals.yaml")
LINES = SCHOOL_MEALS_TEXT.splitlines(keepends=True)

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=12) | st.integers(), inner, max_size=4)
    ),
    max_leaves=15,
)
yaml_snippets = st.sampled_from(
    [
        "&a [*a]",  # a recursive alias
        "? [1, 2]\n: x\n",  # a list as a key
        "? {a: 1}\n: x\n? {a: 1}\n: y\n",  # the same unhashable key twice
        "!!python/object/apply:os.system ['true']",  # refused by the safe loader
        "a: &x 1\nb: *y\n",  # an unknown alias
        "[" * 200 + "]" * 200,  # deep nesting
        "%YAML 9.9\n---\na: 1",
        "\t- tab indented",
        "id: 1e999999\nversion: .inf\n",
        "\x00\x01binary\xff",
        "---\na: 1\n---\nb: 2\n",
    ]
)


@st.composite
def mutated_checklists(draw: st.DrawFn) -> str | bytes:
    """The valid test checklist, cut, spliced, with lines dropped, repeated or replaced."""
    kind = draw(st.sampled_from(["drop", "repeat", "replace", "insert", "truncate", "bytes"]))
    lines = list(LINES)
    index = draw(st.integers(0, len(lines) - 1))
    if kind == "drop":
        del lines[index : index + draw(st.integers(1, 5))]
    elif kind == "repeat":
        lines[index:index] = lines[index : index + draw(st.integers(1, 8))]
    elif kind == "replace":
        prefix = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
        value = draw(yaml_snippets | st.text(max_size=40))
        lines[index] = prefix + value + "\n"
    elif kind == "insert":
        lines.insert(index, draw(yaml_snippets | st.text(max_size=40)) + "\n")
    text = "".join(lines)
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if kind == "bytes":
        raw = bytearray(text.encode("utf-8"))
        position = draw(st.integers(0, len(raw)))
        raw[position:position] = draw(st.binary(min_size=1, max_size=8))
        return bytes(raw)
    return text


def _parse_checklist(text: str | bytes) -> None:
    try:
        result = parse_checklist(text, "fuzzed.yaml")
    except ChecklistError as exc:
        assert exc.problems, "a ChecklistError must list its problems"
        assert all(str(problem) for problem in exc.problems)
        return
    assert isinstance(result, Checklist)


@FUZZ
@given(text=st.text(max_size=300) | st.binary(max_size=300) | yaml_snippets)
def test_checklist_parser_on_random_text(text: str | bytes) -> None:
    _parse_checklist(text)


@FUZZ
@given(document=documents)
def test_checklist_parser_on_random_documents(document: object) -> None:
    _parse_checklist(yaml.safe_dump(document, allow_unicode=True))


@FUZZ
@given(text=mutated_checklists())
def test_checklist_parser_on_mutated_files(text: str | bytes) -> None:
    _parse_checklist(text)


# -- answers files ----------------------------------------------------------------------------

VALID_ANSWERS = {
    "checklist": "school-meals-demo",
    "checklist_version": "0.1",
    "assessment": {"title": "T", "organisation": "O", "country": "Moldova", "respondent": "ngo"},
    "answers": {
        "free-meals-eligibility": {"level": "planned", "evidence": "Draft"},
        "monitoring-quality": {"level": None, "evidence": ""},
    },
}


def _find(checklist_id: str) -> Checklist | None:
    return SCHOOL_MEALS if checklist_id == SCHOOL_MEALS.id else None


def _parse_answers(raw: str | bytes) -> None:
    try:
        answers_file, checklist = parse_answers_file(raw, _find)
    except AnswersError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        return
    assert checklist is SCHOOL_MEALS
    # What is accepted can be stored and shown: no control characters or broken Unicode.
    texts = [answers_file.checklist_version, *vars(answers_file.assessment).values()]
    texts += [answer.evidence for answer in answers_file.answers.values()]
    for text in texts:
        text.encode("utf-8")
        assert "\x00" not in text


@st.composite
def mutated_answers(draw: st.DrawFn) -> str | bytes:
    """A valid answers file with one part replaced, or its text cut or spliced."""
    data = json.loads(json.dumps(VALID_ANSWERS))
    kind = draw(st.sampled_from(["value", "key", "truncate", "splice", "escape"]))
    if kind in ("value", "key"):
        node: dict = data
        path = draw(
            st.sampled_from(
                [(), ("assessment",), ("answers",), ("answers", "free-meals-eligibility")]
            )
        )
        for key in path:
            node = node[key]
        if kind == "value":
            node[draw(st.sampled_from(sorted(node)) | st.text(max_size=10))] = draw(documents)
        else:
            node[draw(st.text(max_size=20))] = draw(documents)
        return json.dumps(data)
    text = json.dumps(data)
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if kind == "escape":
        escape = draw(st.sampled_from(["\\u0000", "\\ud800", "\\udc00", "\\u001f", "\\\\"]))
        target = draw(st.sampled_from(['"T"', '"O"', '"Draft"', '"0.1"', '"planned"']))
        return text.replace(target, target[:-1] + escape + '"')
    raw = bytearray(text.encode())
    position = draw(st.integers(0, len(raw)))
    raw[position:position] = draw(st.binary(min_size=1, max_size=6))
    return bytes(raw)


@FUZZ
@given(raw=st.text(max_size=300) | st.binary(max_size=300))
def test_answers_parser_on_random_text(raw: str | bytes) -> None:
    _parse_answers(raw)


@FUZZ
@given(document=documents)
def test_answers_parser_on_random_documents(document: object) -> None:
    _parse_answers(json.dumps(document))


@FUZZ
@given(raw=mutated_answers())
def test_answers_parser_on_mutated_files(raw: str | bytes) -> None:
    _parse_answers(raw)


def test_answers_parser_on_pathological_json() -> None:
    for raw in (
        "[" * 100_000,
        '{"checklist": ' + "1" * 5000 + "}",
        '{"checklist": 1e999999}',
        '{"a": NaN, "b": Infinity}',
        '{"checklist": "school-meals-demo", "checklist": "again"}',
        '"\\ud800"',
        "\ufeff{}",
    ):
        _parse_answers(raw)
