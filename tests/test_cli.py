"""The command line's `score` and `report`: output, messages for bad files, exit statuses."""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from assessor.cli import main


def answers(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "checklist": "school-meals-demo",
        "checklist_version": "0.1",
        "assessment": {
            "title": "Școli: review 2026",
            "organisation": "Ministry of Education",
            "country": "Moldova",
            "respondent": "ngo",
        },
        "answers": {
            "free-meals-eligibility": {"level": "partial", "evidence": "Rules online."},
            "free-meals-nutrition": {"level": "planned", "evidence": ""},
            "monitoring-uptake": {"level": "full", "evidence": "Survey 2025."},
            "monitoring-quality": {"level": "unknown", "evidence": ""},
        },
    }
    data.update(changes)
    return data


@pytest.fixture
def answers_path(tmp_path: Path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers()), encoding="utf-8")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


# -- score --------------------------------------------------------------------------------------


def test_score_prints_the_gap_analysis(capsys, answers_path, checklist_dir):
    status, out, err = run(capsys, "score", str(answers_path), "--checklists", str(checklist_dir))
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert data["overall"] == 55.6  # (50 * 2 + 66.7 * 1) / 3, see tests/test_scoring.py
    assert data["assessment"]["country"] == "Moldova"
    assert [t["id"] for t in data["themes"]] == ["provision", "oversight"]
    assert set(data["themes"][0]) >= {"id", "title", "score"}
    assert data["counts"]["unknown"] == 1
    first = data["gaps"][0]
    assert first["criterion_id"] == "free-meals-nutrition"
    for key in (
        "criterion",
        "recommendation_id",
        "recommendation",
        "theme",
        "level",
        "priority",
        "good_practices",
        "commitments",
    ):
        assert key in first
    assert first["good_practices"][0]["country"] == "Exampleland"
    assert first["commitments"][0]["text"] == "Every pupil in need shall receive a free meal."
    # "Don't know" is evidence to collect, apart from the ranking, with where to look for it.
    assert "monitoring-quality" not in {g["criterion_id"] for g in data["gaps"]}
    (quality,) = data["evidence_to_collect"]
    assert (quality["criterion_id"], quality["flag"]) == ("monitoring-quality", "evidence_needed")
    assert "where_to_look" in quality
    assert data["top_gaps"] == ["free-meals-nutrition"]  # one per recommendation
    uptake = data["recommendations"][1]["criteria"][0]
    assert (uptake["level"], uptake["claimed_without_evidence"]) == ("full", False)  # has evidence


def test_score_gives_the_codes_the_pages_and_the_pdf_show(capsys, answers_path, checklist_dir):
    status, out, _ = run(capsys, "score", str(answers_path), "--checklists", str(checklist_dir))
    assert status == 0
    data = json.loads(out)
    assert [(t["code"], t["id"]) for t in data["themes"]] == [
        ("1", "provision"),
        ("2", "oversight"),
    ]
    assert [(r["code"], r["id"]) for r in data["recommendations"]] == [
        ("1.1", "free-meals"),
        ("2.1", "monitoring"),
    ]
    assert [c["code"] for c in data["recommendations"][1]["criteria"]] == ["2.1.a", "2.1.b"]
    # Gaps keep their ids as keys and add the criterion's code.
    assert {g["criterion_id"]: g["code"] for g in data["gaps"]} == {
        "free-meals-nutrition": "1.1.b",
        "free-meals-eligibility": "1.1.a",
    }
    assert [(g["criterion_id"], g["code"]) for g in data["evidence_to_collect"]] == [
        ("monitoring-quality", "2.1.b")
    ]


def test_score_uses_the_checklist_folder_from_the_environment(
    capsys, monkeypatch, answers_path, checklist_dir
):
    monkeypatch.setenv("CHECKLIST_DIR", str(checklist_dir))
    status, out, _ = run(capsys, "score", str(answers_path))
    assert status == 0
    assert json.loads(out)["checklist"]["id"] == "school-meals-demo"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("", "the file is empty"),
        ("[]", "must hold a JSON object"),
        (json.dumps(answers(checklist="no-such-list")), "unknown checklist 'no-such-list'"),
        (
            json.dumps(answers(answers={"free-meals-nutrition": {"level": "great"}})),
            "invalid level 'great'",
        ),
        (
            json.dumps(answers(answers={"no-such-criterion": {"level": "full"}})),
            "unknown criterion id 'no-such-criterion'",
        ),
    ],
)
@pytest.mark.parametrize("command", ["score", "report"])
def test_a_bad_answers_file_is_explained(
    capsys, tmp_path, checklist_dir, command, content, message
):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    output = tmp_path / "out.pdf"
    extra = ["-o", str(output)] if command == "report" else []
    status, out, err = run(capsys, command, str(path), "--checklists", str(checklist_dir), *extra)
    assert status == 1
    assert out == ""
    assert f"{path} is not a valid answers file" in err
    assert message in err
    assert not output.exists()


def test_an_unknown_checklist_lists_the_known_ones(capsys, tmp_path, checklist_dir):
    path = tmp_path / "a.json"
    path.write_text(json.dumps(answers(checklist="other")), encoding="utf-8")
    (checklist_dir / "broken.yaml").write_text("id: [", encoding="utf-8")
    _, _, err = run(capsys, "score", str(path), "--checklists", str(checklist_dir))
    assert f"checklists in {checklist_dir}: school-meals-demo" in err
    assert "invalid checklist" in err and "broken.yaml" in err


@pytest.mark.parametrize("command", ["score", "report"])
def test_a_missing_or_unreadable_file(capsys, tmp_path, command):
    status, _, err = run(capsys, command, str(tmp_path / "missing.json"))
    assert status == 1
    assert "cannot read" in err and "missing.json" in err
    status, _, err = run(capsys, command, str(tmp_path))
    assert status == 1
    assert "cannot read" in err


def test_a_too_large_file(capsys, tmp_path, checklist_dir):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (3 * 1024 * 1024))
    status, _, err = run(capsys, "score", str(path), "--checklists", str(checklist_dir))
    assert status == 1
    assert "too large" in err


def test_a_version_mismatch_is_noted(capsys, tmp_path, checklist_dir):
    path = tmp_path / "a.json"
    path.write_text(json.dumps(answers(checklist_version="0.0.9")), encoding="utf-8")
    status, out, err = run(capsys, "score", str(path), "--checklists", str(checklist_dir))
    assert status == 0
    assert "version 0.0.9" in err
    json.loads(out)


# -- report -------------------------------------------------------------------------------------


def test_report_writes_the_pdf(capsys, tmp_path, answers_path, checklist_dir):
    output = tmp_path / "out" / "report.pdf"
    output.parent.mkdir()
    status, out, err = report_to(
        capsys, answers_path, checklist_dir, str(output), "--audience", "ngo"
    )
    assert (status, err) == (0, "")
    assert out.strip() == str(output)
    assert output.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in output.parent.iterdir()] == ["report.pdf"]


@pytest.mark.parametrize("audience", ["government", "ngo"])
def test_report_as_a_word_document(capsys, tmp_path, answers_path, checklist_dir, audience):
    import docx

    by_name = tmp_path / "brief.docx"
    status, out, err = report_to(
        capsys, answers_path, checklist_dir, str(by_name), "--audience", audience
    )
    assert (status, err) == (0, "")
    assert out.strip() == str(by_name)
    word = docx.Document(str(by_name))
    kind = "Gap analysis" if audience == "government" else "Advocacy brief"
    assert word.core_properties.title.startswith(f"{kind}: ")
    assert any(p.style.name == "Heading 1" for p in word.paragraphs)
    # --format docx into a folder: the default name, with the Word extension
    status, out, err = report_to(
        capsys,
        answers_path,
        checklist_dir,
        str(tmp_path),
        "--format",
        "docx",
        "--audience",
        audience,
    )
    assert status == 0
    assert Path(out.strip()).name == f"scoli-review-2026-{audience}-{date.today()}.docx"
    assert Path(out.strip()).read_bytes().startswith(b"PK")


@pytest.mark.parametrize(
    ("name", "extra", "message"),
    [
        ("report.odt", [], "cannot tell the format of"),
        ("report.pdf", ["--format", "docx"], "--format docx does not match"),
    ],
)
def test_report_refuses_a_format_it_cannot_write(
    capsys, tmp_path, answers_path, checklist_dir, name, extra, message
):
    status, out, err = report_to(capsys, answers_path, checklist_dir, str(tmp_path / name), *extra)
    assert (status, out) == (2, "")
    assert message in err
    assert not (tmp_path / name).exists()


def test_report_default_path(capsys, tmp_path, monkeypatch, answers_path, checklist_dir):
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "report", str(answers_path), "--checklists", str(checklist_dir))
    assert status == 0
    expected = Path("reports") / f"scoli-review-2026-government-{date.today().isoformat()}.pdf"
    assert out.strip() == str(expected)
    assert (tmp_path / expected).read_bytes().startswith(b"%PDF-")


def test_report_into_a_folder(capsys, tmp_path, answers_path, checklist_dir):
    status, out, _ = run(
        capsys, "report", str(answers_path), "--checklists", str(checklist_dir), "-o", str(tmp_path)
    )
    assert status == 0
    assert Path(out.strip()).parent == tmp_path
    assert Path(out.strip()).name.startswith("scoli-review-2026-government-")


def report_to(
    capsys, answers_path, checklist_dir, output: str, *extra: str
) -> tuple[int, str, str]:
    return run(
        capsys,
        "report",
        str(answers_path),
        "--checklists",
        str(checklist_dir),
        "-o",
        output,
        *extra,
    )


@pytest.mark.parametrize("slash", ["/", "//"])
def test_report_into_a_folder_named_with_a_slash(
    capsys, tmp_path, answers_path, checklist_dir, slash
):
    folder = tmp_path / "newdir"
    folder.mkdir()
    status, out, err = report_to(capsys, answers_path, checklist_dir, f"{folder}{slash}")
    assert (status, err) == (0, "")
    written = Path(out.strip())
    assert written.parent == folder and written.name.startswith("scoli-review-2026-government-")
    assert [p.name for p in folder.iterdir()] == [written.name]
    assert written.read_bytes().startswith(b"%PDF-")


def test_report_into_a_relative_folder(capsys, tmp_path, monkeypatch, answers_path, checklist_dir):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    for option in ("out", "out/", "."):
        status, out, _ = report_to(capsys, answers_path, checklist_dir, option)
        assert status == 0
        assert Path(out.strip()).parent == Path(option)
        assert Path(out.strip()).is_file()


@pytest.mark.parametrize(
    "option", ["newdir/", "newdir/report.pdf", "newdir/deeper/", "newdir/deeper/r.pdf"]
)
def test_report_into_a_missing_folder_is_refused(
    capsys, tmp_path, monkeypatch, answers_path, checklist_dir, option
):
    monkeypatch.chdir(tmp_path)
    status, out, err = report_to(capsys, answers_path, checklist_dir, option)
    assert (status, out) == (1, "")
    folder = option if option.endswith("/") else option.rpartition("/")[0] + "/"
    assert err == (
        f"assessor: cannot write to {option}: the folder {folder.rstrip('/')} "
        "does not exist (create it first)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.json", "checklists"]


def test_report_under_a_file_is_refused(capsys, tmp_path, answers_path, checklist_dir):
    status, out, err = report_to(capsys, answers_path, checklist_dir, f"{answers_path}/r.pdf")
    assert (status, out) == (1, "")
    assert err.endswith(f"{answers_path} is not a folder\n")
    status, _, err = report_to(capsys, answers_path, checklist_dir, f"{answers_path}/")
    assert status == 1 and "is not a folder" in err
    assert answers_path.read_text(encoding="utf-8").startswith("{")  # untouched


def test_a_rendering_failure_leaves_no_file(
    capsys, monkeypatch, tmp_path, answers_path, checklist_dir
):
    import weasyprint

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise OSError("disk on fire")

    monkeypatch.setattr(weasyprint.HTML, "render", broken)
    folder = tmp_path / "out"
    folder.mkdir()
    status, out, err = run(
        capsys,
        "report",
        str(answers_path),
        "--checklists",
        str(checklist_dir),
        "-o",
        str(folder / "r.pdf"),
    )
    assert status == 1
    assert out == ""
    assert "could not render the report" in err and "disk on fire" in err
    assert list(folder.iterdir()) == []


def test_a_write_failure_leaves_no_file(capsys, monkeypatch, tmp_path, answers_path, checklist_dir):
    import os

    def broken_replace(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", broken_replace)
    folder = tmp_path / "out"
    folder.mkdir()
    status, _, err = run(
        capsys,
        "report",
        str(answers_path),
        "--checklists",
        str(checklist_dir),
        "-o",
        str(folder / "r.pdf"),
    )
    assert status == 1
    assert "cannot write" in err and "Permission denied" in err
    assert list(folder.iterdir()) == []


def test_report_rejects_an_unknown_audience(capsys, answers_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["report", str(answers_path), "--audience", "press"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_score_into_a_closed_pipe_is_quiet(tmp_path):
    """`assessor score FILE | head -c 10`: the reader leaves early; no traceback, status 0."""
    import subprocess
    import sys

    # The OSCE checklist with nothing answered prints far more than a pipe buffer holds.
    root = Path(__file__).resolve().parent.parent
    path = tmp_path / "answers.json"
    data = answers(checklist="osce-odihr-2017-migrant-integration", answers={})
    path.write_text(json.dumps(data), encoding="utf-8")
    command = [str(Path(sys.executable).parent / "assessor"), "score", str(path)]
    command += ["--checklists", str(root / "checklists")]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(10).startswith(b"{")
        process.stdout.close()
        error = process.stderr.read().decode()
        status = process.wait(timeout=30)
    assert "Traceback" not in error
    assert status == 0


# -- hostile checklist files ---------------------------------------------------------------------


def alias_bomb() -> str:
    """About 500 bytes of YAML whose aliases expand into 10**9 values (a "billion laughs")."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 10)}]")
    lines += ["id: bomb", "version: '1'", "title: *a8", "language: en", "source: *a8"]
    return "\n".join([*lines, "themes: *a8", ""])


def run_limited(*argv: str) -> subprocess.CompletedProcess[str]:
    """Run the `assessor` console script with at most 1 GiB of memory and 60 s."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1024**3, 1024**3))

    return subprocess.run(
        [str(Path(sys.executable).parent / "assessor"), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit_memory,  # noqa: PLW1509 - only sets a limit, no threads involved
        check=False,
    )


def test_check_refuses_an_alias_bomb_at_once(tmp_path, checklist_dir):
    """Before: the validator walked and quoted the expansion (over 2.5 GB and a minute)."""
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(), encoding="utf-8")
    assert len(bomb.read_bytes()) < 600
    result = run_limited("check", str(bomb), str(checklist_dir / "school-meals.yaml"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr) < 2000
    assert f"{bomb}: line 1, column 5: anchors and aliases (&name, *name) are not allowed" in (
        result.stderr
    )
    assert "school-meals-demo" in result.stdout  # the other file is still checked


def test_check_refuses_a_pipe_instead_of_waiting_on_it(tmp_path):
    """Before: reading a FIFO (or /dev/zero) blocked for ever, or until memory ran out."""
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    result = run_limited("check", str(fifo), "/dev/zero")
    assert result.returncode == 1
    assert f"{fifo}: (file): not a regular file" in result.stderr
    assert "/dev/zero: (file): not a regular file" in result.stderr


def test_score_with_an_alias_bomb_in_the_checklist_folder(tmp_path, answers_path, checklist_dir):
    """The bad file is named, briefly, and the good checklists still serve."""
    (checklist_dir / "bomb.yaml").write_text(alias_bomb(), encoding="utf-8")
    result = run_limited("score", str(answers_path), "--checklists", str(checklist_dir))
    assert (result.returncode, result.stderr) == (0, "")
    assert json.loads(result.stdout)["checklist"]["id"] == "school-meals-demo"
    path = tmp_path / "other.json"
    path.write_text(json.dumps(answers(checklist="other")), encoding="utf-8")
    result = run_limited("score", str(path), "--checklists", str(checklist_dir))
    assert result.returncode == 1
    assert len(result.stderr) < 2000
    assert "(invalid checklist: " in result.stderr and "anchors and aliases" in result.stderr


# -- the action plan ----------------------------------------------------------------------------

ACTIONS = {
    "free-meals-nutrition": {
        "action": '=HYPERLINK("http://x") adopt the nutrition standard',
        "owner": "Агентство по питанию",
        "due": "2027-06-30",
        "target_level": "full",
        "status": "in_progress",
        "budget": "EUR 40,000, AMIF",
    },
    "monitoring-uptake": {"action": "Keep the survey", "owner": "Statistics", "status": "done"},
}


@pytest.fixture
def planned_path(tmp_path: Path) -> Path:
    path = tmp_path / "planned.json"
    path.write_text(json.dumps(answers(actions=ACTIONS)), encoding="utf-8")
    return path


def test_score_puts_each_gaps_action_on_it(capsys, planned_path, checklist_dir):
    status, out, err = run(capsys, "score", str(planned_path), "--checklists", str(checklist_dir))
    assert (status, err) == (0, "")
    gaps = {g["criterion_id"]: g for g in json.loads(out)["gaps"]}
    assert gaps["free-meals-nutrition"]["action"] == ACTIONS["free-meals-nutrition"]
    assert "action" not in gaps["free-meals-eligibility"]


def plan_to(capsys, path: Path, checklist_dir: Path, *options: str) -> tuple[int, str, str]:
    return run(capsys, "plan", str(path), "--checklists", str(checklist_dir), *options)


def test_plan_writes_an_xlsx(capsys, tmp_path, planned_path, checklist_dir):
    import openpyxl

    output = tmp_path / "PLAN.xlsx"
    status, out, err = plan_to(capsys, planned_path, checklist_dir, "-o", str(output))
    assert status == 0
    assert out.strip() == str(output)
    # The met criterion's action is not a gap of the plan: said, not silently dropped.
    assert err == (
        "assessor: note: 1 action left out of the plan, for criteria that are not gaps (fully "
        "in place or not applicable): 2.1.a\n"
    )
    sheet = openpyxl.load_workbook(output)["Action plan"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("rank", "code", "criterion_id", "criterion")
    # Gaps in priority order: nutrition (planned, weight 2), eligibility, quality.
    assert [r[2] for r in rows[1:]] == [
        "free-meals-nutrition",
        "free-meals-eligibility",
        "monitoring-quality",
    ]
    first = rows[1]
    assert first[9].startswith("=HYPERLINK") and first[10] == "Агентство по питанию"
    assert first[11] == datetime(2027, 6, 30) and first[12] == "In progress"
    assert sheet["J2"].data_type == "s"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx"] == ["PLAN.xlsx"]


def test_plan_writes_a_csv_by_extension(capsys, tmp_path, planned_path, checklist_dir):
    import csv

    output = tmp_path / "plan.CSV"
    status, out, _ = plan_to(capsys, planned_path, checklist_dir, "-o", str(output))
    assert (status, out.strip()) == (0, str(output))
    data = output.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows[0][-1] == "good_practices" and len(rows) == 4
    assert rows[1][9] == "'" + ACTIONS["free-meals-nutrition"]["action"]  # defused
    assert rows[1][11] == "2027-06-30"


def test_plan_default_path_and_folders(capsys, tmp_path, monkeypatch, answers_path, checklist_dir):
    monkeypatch.chdir(tmp_path)
    today = date.today().isoformat()
    status, out, err = plan_to(capsys, answers_path, checklist_dir)
    assert (status, err) == (0, "")
    assert out.strip() == str(Path("reports") / f"scoli-review-2026-action-plan-{today}.xlsx")
    assert (tmp_path / out.strip()).read_bytes().startswith(b"PK")  # a zip: XLSX
    (tmp_path / "out").mkdir()
    for option, fmt in (("out", "xlsx"), ("out/", "csv")):
        extra = ("--format", fmt) if fmt == "csv" else ()
        status, out, _ = plan_to(capsys, answers_path, checklist_dir, "-o", option, *extra)
        assert status == 0
        assert Path(out.strip()) == Path(option) / f"scoli-review-2026-action-plan-{today}.{fmt}"
        assert Path(out.strip()).is_file()


@pytest.mark.parametrize("option", ["PLAN.ods", "PLAN", "plan.xlsx.txt"])
def test_plan_refuses_an_unknown_extension(capsys, tmp_path, answers_path, checklist_dir, option):
    status, out, err = plan_to(capsys, answers_path, checklist_dir, "-o", str(tmp_path / option))
    assert (status, out) == (2, "")
    assert "cannot tell the format of" in err and "ending in .xlsx, .csv, or a folder" in err
    assert not list(tmp_path.glob("PLAN*")) and not list(tmp_path.glob("plan*"))


def test_plan_refuses_a_format_that_contradicts_the_name(
    capsys, tmp_path, answers_path, checklist_dir
):
    status, _, err = plan_to(
        capsys, answers_path, checklist_dir, "-o", str(tmp_path / "p.xlsx"), "--format", "csv"
    )
    assert status == 2 and "--format csv does not match" in err


def test_plan_into_a_missing_folder_or_from_a_bad_file(capsys, tmp_path, checklist_dir):
    status, _, err = plan_to(
        capsys, tmp_path / "missing.json", checklist_dir, "-o", str(tmp_path / "no" / "p.xlsx")
    )
    assert status == 1 and "does not exist (create it first)" in err
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(answers(actions={"free-meals-nutrition": {"due": "soon"}})))
    status, _, err = plan_to(capsys, bad, checklist_dir, "-o", str(tmp_path / "p.csv"))
    assert status == 1 and "is not a valid answers file" in err
    assert not (tmp_path / "p.csv").exists()


# -- the language of the messages and of the plan --------------------------------------------


@pytest.mark.parametrize(
    ("lang", "environ", "expected"),
    [
        ("ru", {"LANG": "ro_MD.UTF-8"}, "ru"),  # --lang first
        (None, {"LANG": "ro_MD.UTF-8"}, "ro"),
        (None, {"LC_ALL": "ru_RU.UTF-8", "LANG": "ro_MD.UTF-8"}, "ru"),
        (None, {"LANGUAGE": "ro:en", "LC_ALL": "ru_RU.UTF-8"}, "ro"),
        (None, {"LANG": "de_DE.UTF-8"}, "en"),  # not an interface language
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {}, "en"),
    ],
)
def test_message_language(lang, environ, expected):
    import argparse

    from assessor.cli import message_language

    assert message_language(argparse.Namespace(lang=lang), environ) == expected


def test_messages_follow_a_romanian_shell(capsys, monkeypatch, tmp_path, checklist_dir):
    monkeypatch.setenv("LANG", "ro_MD.UTF-8")
    status, out, err = run(
        capsys, "score", str(tmp_path / "missing.json"), "--checklists", str(checklist_dir)
    )
    assert (status, out) == (1, "")
    assert err.startswith(f"assessor: nu se poate citi {tmp_path / 'missing.json'}:")


def test_plan_in_russian(capsys, tmp_path, planned_path, checklist_dir):
    import csv

    output = tmp_path / "plan.csv"
    status, out, err = plan_to(
        capsys, planned_path, checklist_dir, "-o", str(output), "--lang", "ru"
    )
    assert (status, out.strip()) == (0, str(output))
    rows = list(csv.reader(io.StringIO(output.read_bytes().decode("utf-8-sig"), newline="")))
    assert rows[0][:3] == ["Место", "Код", "Идентификатор критерия"]
    assert {row[12] for row in rows[1:]} <= {"", "Не начато", "В процессе", "Выполнено"}


def test_the_server_and_the_worker_take_no_language_from_the_shell():
    from assessor.cli import MESSAGE_COMMANDS, build_parser

    parser = build_parser()
    assert parser._subparsers is not None
    commands = set(parser._subparsers._group_actions[0].choices)
    assert MESSAGE_COMMANDS.issubset(commands) and commands != MESSAGE_COMMANDS
    assert not {"serve", "worker", "db", "expire"} & MESSAGE_COMMANDS
