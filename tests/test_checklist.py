"""The checklist engine: loading, validation messages, the model, and `assessor check`."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
import yaml

from assessor import checklist as checklist_module
from assessor.checklist import (
    ChecklistError,
    discover_checklists,
    load_checklist,
    parse_checklist,
)
from assessor.cli import main
from assessor.text import quoted

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "tests" / "data" / "school-meals.yaml"


def demo_data() -> dict:
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))


def problems_for(data: object) -> list[str]:
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    with pytest.raises(ChecklistError) as info:
        parse_checklist(text, "bad.yaml")
    assert all(p.file == "bad.yaml" for p in info.value.problems)
    return [f"{p.where}: {p.message}" for p in info.value.problems]


def test_demo_checklist_loads_into_immutable_model():
    checklist = load_checklist(DEMO)
    assert checklist.id == "school-meals-demo"
    assert [t.id for t in checklist.themes] == ["provision", "oversight"]
    assert [c.id for c in checklist.criteria] == [
        "free-meals-eligibility",
        "free-meals-nutrition",
        "monitoring-uptake",
        "monitoring-quality",
    ]
    rec = checklist.recommendation("free-meals")
    assert rec.weight == 2
    assert checklist.criterion("monitoring-quality").weight == 0.5
    assert [g.id for g in checklist.good_practices_for(rec)] == ["gp-universal"]
    assert [c.text for c in checklist.commitments_for(rec)] == [
        "Every pupil in need shall receive a free meal."
    ]
    theme, parent = checklist.parents("monitoring-uptake")
    assert (theme.id, parent.id) == ("oversight", "monitoring")
    with pytest.raises(dataclasses.FrozenInstanceError):
        checklist.title = "changed"  # type: ignore[misc]
    assert isinstance(checklist.themes, tuple)
    with pytest.raises(KeyError, match="no criterion"):
        checklist.criterion("free-meals")  # a recommendation id, not a criterion


def test_codes_are_computed_once_by_the_model():
    checklist = load_checklist(DEMO)
    assert [(t.code, t.id) for t in checklist.themes] == [("1", "provision"), ("2", "oversight")]
    assert [(r.code, r.id) for r in checklist.recommendations] == [
        ("1.1", "free-meals"),
        ("2.1", "monitoring"),
    ]
    assert [(c.code, c.id) for c in checklist.criteria] == [
        ("1.1.a", "free-meals-eligibility"),
        ("1.1.b", "free-meals-nutrition"),
        ("2.1.a", "monitoring-uptake"),
        ("2.1.b", "monitoring-quality"),
    ]
    assert [(g.code, g.id) for g in checklist.good_practices] == [
        ("A1", "gp-universal"),
        ("A2", "gp-survey"),
    ]
    assert [(c.code, c.id) for c in checklist.commitments] == [
        ("B1", "charter-1"),
        ("B2", "charter-2"),
    ]
    # Every way to reach an item gives the same, coded object.
    assert checklist.criterion("monitoring-quality").code == "2.1.b"
    assert checklist.parents("monitoring-quality")[1].code == "2.1"
    assert [g.code for g in checklist.good_practices_for(checklist.recommendations[0])] == ["A1"]
    assert checklist.code("oversight") == "2"
    assert checklist.code("free-meals-nutrition") == "1.1.b"
    assert checklist.code("charter") == ""  # a commitment document has no code
    with pytest.raises(KeyError, match="no item"):
        checklist.code("nowhere")


def test_codes_follow_order_not_ids_and_skip_uncited_commitments():
    data = demo_data()
    data["themes"].reverse()
    rec = data["themes"][0]["recommendations"][0]
    rec["criteria"] += [{"id": f"extra-{n}", "text": f"Extra criterion {n}."} for n in range(2, 28)]
    data["themes"][1]["recommendations"][0]["commitments"] = ["charter-2"]
    data["themes"][0]["recommendations"][0]["commitments"] = []
    checklist = parse_checklist(yaml.safe_dump(data, sort_keys=False))
    assert checklist.code("oversight") == "1"
    assert checklist.code("free-meals-eligibility") == "2.1.a"
    codes = [c.code for c in checklist.recommendation("monitoring").criteria]
    assert codes[:3] == ["1.1.a", "1.1.b", "1.1.c"]
    assert codes[-3:] == ["1.1.z", "1.1.aa", "1.1.ab"]
    assert len(set(codes)) == len(codes)
    # Only commitments a recommendation cites are numbered: the report lists no others.
    assert [(c.code, c.id) for c in checklist.commitments] == [
        ("", "charter-1"),
        ("B1", "charter-2"),
    ]


def test_codes_are_given_whoever_builds_the_checklist():
    checklist = load_checklist(DEMO)
    uncoded = tuple(
        dataclasses.replace(
            t,
            code="",
            recommendations=tuple(
                dataclasses.replace(
                    r, code="", criteria=tuple(dataclasses.replace(c, code="9") for c in r.criteria)
                )
                for r in t.recommendations
            ),
        )
        for t in checklist.themes
    )
    rebuilt = dataclasses.replace(checklist, themes=uncoded)
    assert [c.code for c in rebuilt.criteria] == [c.code for c in checklist.criteria]
    assert rebuilt == checklist


def test_loading_is_cached_per_file_content(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    first = load_checklist(path)
    assert load_checklist(path) is first
    data = demo_data()
    data["version"] = "0.2"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    second = load_checklist(path)
    assert second.version == "0.2"
    assert second.digest != first.digest


def test_missing_field_is_named_with_its_id():
    data = demo_data()
    del data["themes"][0]["recommendations"][0]["criteria"][1]["text"]
    assert problems_for(data) == ["id 'free-meals-nutrition': 'text' is a required property"]


def test_wrong_type_is_named():
    data = demo_data()
    data["themes"][1]["recommendations"][0]["weight"] = "heavy"
    assert problems_for(data) == ["id 'monitoring' > weight: 'heavy' is not of type 'number'"]


def test_duplicate_id_is_reported():
    data = demo_data()
    data["themes"][1]["recommendations"][0]["criteria"][0]["id"] = "free-meals-nutrition"
    assert problems_for(data) == [
        "id 'free-meals-nutrition': duplicate id (already used by a criterion)"
    ]


def test_dangling_links_are_reported():
    data = demo_data()
    data["themes"][0]["recommendations"][0]["good_practices"] = ["gp-universal", "gp-nowhere"]
    data["themes"][1]["recommendations"][0]["commitments"] = ["charter-9"]
    assert problems_for(data) == [
        "id 'free-meals': good_practices: links to unknown good practice 'gp-nowhere'",
        "id 'monitoring': commitments: links to unknown commitment 'charter-9'",
    ]


def test_every_problem_is_listed_at_once():
    data = demo_data()
    data["themes"][0]["recommendations"][0]["good_practices"] = ["gp-nowhere"]
    data["themes"][1]["recommendations"] = []
    data["themes"][0]["recommendations"][0]["criteria"][0]["weight"] = 3
    problems = problems_for(data)
    assert len(problems) == 3, problems
    assert "id 'oversight': theme has no recommendations" in problems
    assert "id 'free-meals-eligibility': a weight other than 1 needs a weight_reason" in problems


def test_invalid_weight_and_id_are_reported():
    data = demo_data()
    data["themes"][0]["recommendations"][0]["weight"] = 0
    data["themes"][0]["id"] = "Provision 1"
    problems = problems_for(data)
    assert "id 'free-meals' > weight: 0 is less than or equal to the minimum of 0" in problems
    assert any("'Provision 1' is not a valid id" in p for p in problems), problems


def test_unknown_field_is_reported():
    data = demo_data()
    data["themes"][0]["colour"] = "blue"
    assert problems_for(data) == ["id 'provision': unknown field: 'colour' was unexpected"]


# --- asks ----------------------------------------------------------------------------------


def with_ask(ask: object, index: int = 0) -> dict:
    """The demo checklist with ``ask`` given to its first recommendation's criterion ``index``."""
    data = demo_data()
    data["themes"][0]["recommendations"][0]["criteria"][index]["ask"] = ask
    return data


def test_a_checklist_without_asks_loads_with_none():
    checklist = load_checklist(DEMO)
    assert all(c.ask_title is None and c.ask_text is None for c in checklist.criteria)


def test_an_ask_is_loaded_onto_its_criterion_on_one_line():
    ask = {
        "title": "  Publish  the rules ",
        "text": "Publish the eligibility\nrules for free meals.",
    }
    checklist = parse_checklist(yaml.safe_dump(with_ask(ask), sort_keys=False))
    criterion = checklist.criterion("free-meals-eligibility")
    assert criterion.ask_title == "Publish the rules"
    assert criterion.ask_text == "Publish the eligibility rules for free meals."
    assert criterion.code == "1.1.a"
    assert checklist.criterion("free-meals-nutrition").ask_title is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        criterion.ask_text = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("ask", "expected"),
    [
        (
            {"text": "Publish the rules."},
            "id 'free-meals-nutrition' > ask: 'title' is a required property",
        ),
        (
            {"title": "Publish the rules"},
            "id 'free-meals-nutrition' > ask: 'text' is a required property",
        ),
        (
            {"title": "Publish the rules", "text": "   "},
            "id 'free-meals-nutrition' > ask.text: must not be blank",
        ),
        (
            {"title": "", "text": "Publish the rules."},
            "id 'free-meals-nutrition' > ask.title: '' should be non-empty\n"
            "id 'free-meals-nutrition' > ask.title: must not be blank",
        ),
        (
            {"title": "T" * 61, "text": "Publish the rules."},
            f"id 'free-meals-nutrition' > ask.title: '{'T' * 61}' is too long "
            "(61 characters; the limit is 60)",
        ),
        (
            {"title": "Publish the rules", "text": "x" * 301},
            # a long value is quoted short, its length given in full
            f"id 'free-meals-nutrition' > ask.text: {quoted('x' * 301)} is too long "
            "(301 characters; the limit is 300)",
        ),
        (
            {"title": "Publish the rules", "text": "Publish them.", "why": "Because."},
            "id 'free-meals-nutrition' > ask: unknown field: 'why' was unexpected",
        ),
        (
            "Publish the rules.",
            "id 'free-meals-nutrition' > ask: 'Publish the rules.' is not of type 'object'",
        ),
    ],
)
def test_a_bad_ask_is_refused_naming_its_criterion(ask, expected):
    assert problems_for(with_ask(ask, index=1)) == expected.split("\n")


def test_asks_at_their_limits_are_accepted():
    ask = {"title": "T" * 60, "text": "x" * 300}
    checklist = parse_checklist(yaml.safe_dump(with_ask(ask), sort_keys=False))
    assert len(checklist.criterion("free-meals-eligibility").ask_text or "") == 300


def test_yaml_syntax_error_gives_its_line():
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    number = lines.index('    title: "Provision"') + 1
    lines[number - 1] = "    title: Provision: the first"
    (problem,) = problems_for("\n".join(lines))
    assert problem == (
        f"line {number}, column 21: YAML syntax error: mapping values are not allowed here"
    )


def test_duplicate_yaml_key_is_an_error():
    text = DEMO.read_text(encoding="utf-8").replace(
        'version: "0.1"', 'version: "0.1"\nversion: "0.2"'
    )
    (problem,) = problems_for(text)
    assert "duplicate key 'version'" in problem
    assert problem.startswith("line 5,")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "(file): the file is empty"),
        ("# only a comment\n", "(file): the file is empty"),
        ("- a\n- b\n", "(top level): expected a mapping, found list"),
        (b"id: \xff\xfe", "(file): not UTF-8 text (invalid start byte)"),
    ],
)
def test_empty_or_non_mapping_files(text, expected):
    with pytest.raises(ChecklistError) as info:
        parse_checklist(text, "bad.yaml")
    assert [f"{p.where}: {p.message}" for p in info.value.problems] == [expected]


def test_discover_keeps_valid_files_and_reports_bad_ones(tmp_path):
    (tmp_path / "a.yaml").write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text("id: [", encoding="utf-8")
    (tmp_path / "c.yml").write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    found, errors = discover_checklists(tmp_path)
    assert [c.path for c in found] == [str(tmp_path / "a.yaml")]
    messages = sorted(str(p) for e in errors for p in e.problems)
    assert len(messages) == 2
    assert "b.yaml: line 1" in messages[0]
    assert "already used by" in messages[1]


# --- hostile or broken files ---------------------------------------------------------------


def test_anchors_and_aliases_are_refused_while_reading():
    """An alias bomb of a few hundred bytes expands into billions of values: refuse any alias."""
    text = DEMO.read_text(encoding="utf-8")
    text = text.replace('description: "Test', 'description: &d "Test').replace(
        'caveat: "This checklist exists only to test the engine."', "caveat: *d"
    )
    assert problems_for(text) == [
        "line 7, column 14: anchors and aliases (&name, *name) are not allowed in a checklist"
    ]


def test_deep_nesting_is_refused_while_reading():
    text = "id: x\nthemes: " + "[" * 40 + "]" * 40 + "\n"
    (problem,) = problems_for(text)
    assert problem == "line 2, column 40: values are nested more than 32 levels deep"


def test_the_number_of_values_is_bounded(monkeypatch):
    monkeypatch.setattr(checklist_module, "MAX_YAML_VALUES", 500)
    data = demo_data()
    load_checklist(DEMO)  # well under the limit
    data["description"] = ["word"] * 500
    (problem,) = problems_for(data)
    assert problem.endswith(": the file holds more than 500 values")


def test_problems_are_listed_up_to_a_limit_then_counted():
    data = demo_data()
    criteria = data["themes"][0]["recommendations"][0]["criteria"]
    criteria.extend({"id": "same-id", "text": "Repeated."} for _ in range(60))
    problems = problems_for(data)
    assert len(problems) == 51
    assert problems[0] == "id 'same-id': duplicate id (already used by a criterion)"
    assert problems[-1] == "(file): ... and 9 more problems"


def test_schema_errors_are_examined_up_to_a_limit_in_their_order():
    data = demo_data()
    criteria = data["themes"][0]["recommendations"][0]["criteria"]
    criteria[:] = [{"id": f"c{n}"} for n in range(1200)]  # no text
    problems = problems_for(data)
    assert len(problems) == 51
    assert problems[:3] == [f"id 'c{n}': 'text' is a required property" for n in range(3)]
    assert problems[-1] == "(file): ... and at least 951 more problems"


def test_long_values_are_quoted_short():
    data = demo_data()
    data["title"] = ["x" * 100_000]
    data["themes"][0]["id"] = "Y" * 100_000
    problems = problems_for(data)  # the id is also too long: 3 problems
    assert len(problems) == 3
    assert all(len(p) < 500 for p in problems), [len(p) for p in problems]
    assert problems[0].endswith("YYY' is not a valid id (lower-case letters, digits, - or _)")
    assert problems[1].endswith("YYY' is too long (100000 characters; the limit is 80)")
    assert problems[2].endswith("xxx'] is not of type 'string'")


def test_a_failed_load_is_cached_until_the_file_changes(tmp_path, monkeypatch):
    """A bad file in the checklist folder was parsed again on every request."""
    calls: list[str] = []
    real_parse = checklist_module.parse_checklist

    def counting_parse(text: str | bytes, file: str = "<string>"):
        calls.append(file)
        return real_parse(text, file)

    monkeypatch.setattr(checklist_module, "parse_checklist", counting_parse)
    path = tmp_path / "bad.yaml"
    path.write_text("id: [", encoding="utf-8")
    errors = []
    for _ in range(3):
        with pytest.raises(ChecklistError) as info:
            load_checklist(path)
        errors.append(info.value)
    assert len(calls) == 1
    assert errors[0] is not errors[1]  # a fresh exception each time, the same problems
    assert errors[0].problems == errors[2].problems
    assert "line 1" in str(errors[2])
    path.write_text("id: {", encoding="utf-8")  # same size, changed
    with pytest.raises(ChecklistError, match=r"bad.yaml: line 1"):
        load_checklist(path)
    assert len(calls) == 2
    path.write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_checklist(path).id == "school-meals-demo"
    assert load_checklist(path).id == "school-meals-demo"
    assert len(calls) == 3


# --- assessor check ------------------------------------------------------------------------


def test_check_accepts_valid_files(capsys):
    assert main(["check", str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert "ok - school-meals-demo 0.1: themes: 2, recommendations: 2, criteria: 4" in out


def test_check_lists_every_problem_of_every_file_without_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    data = demo_data()
    data["themes"][0]["recommendations"][0]["good_practices"] = ["gp-nowhere"]
    del data["source"]
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\n  title: [", encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    assert main(["check", str(DEMO), str(bad), str(broken), str(missing)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert f"{bad}: (top level): 'source' is a required property" in captured.err
    assert f"{broken}: line 2, column 8: YAML syntax error" in captured.err
    assert f"{missing}: (file): No such file or directory" in captured.err
    assert "school-meals-demo" in captured.out


def test_check_as_a_console_script(tmp_path):
    import subprocess
    import sys

    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        [str(bin_dir / "assessor"), "check", str(tmp_path / "none.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "No such file or directory" in result.stderr
    assert "Traceback" not in result.stderr


# --- genericity ----------------------------------------------------------------------------


def test_no_code_assumes_the_osce_checklist():
    """Only configuration may name the OSCE checklist; engine, scoring and report may not."""
    offenders = []
    for path in (ROOT / "assessor").rglob("*.py"):
        if path.name == "config.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and "osce-odihr" in node.value:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
