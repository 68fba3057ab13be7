"""The command line's `score` and `report`: output, messages for bad files, exit statuses."""

from __future__ import annotations

import json
from datetime import date
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
    flags = {g["criterion_id"]: g["flag"] for g in data["gaps"]}
    assert flags["monitoring-quality"] == "evidence_needed"


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
        "monitoring-quality": "2.1.b",
    }


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
    status, out, err = run(
        capsys,
        "report",
        str(answers_path),
        "--checklists",
        str(checklist_dir),
        "-o",
        str(output),
        "--audience",
        "ngo",
    )
    assert (status, err) == (0, "")
    assert out.strip() == str(output)
    assert output.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in output.parent.iterdir()] == ["report.pdf"]


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


def test_a_rendering_failure_leaves_no_file(
    capsys, monkeypatch, tmp_path, answers_path, checklist_dir
):
    import weasyprint

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise OSError("disk on fire")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
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
