"""`assessor compare`: JSON and PDF inputs, versions, other checklists, bad and hostile files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessor.cli import main
from tests.support.data import SCHOOL_MEALS
from tests.support.pdf_files import pdf_bomb, pdf_with_attachment, pdf_without_attachments
from tests.test_cli import answers, run

BASELINE = answers(
    assessment={
        "title": "Baseline 2026",
        "organisation": "Ministry of Education",
        "country": "Moldova",
        "respondent": "government",
    },
    answers={
        "free-meals-eligibility": {"level": "partial", "evidence": "Rules online."},
        "free-meals-nutrition": {"level": "planned", "evidence": ""},
        "monitoring-uptake": {"level": "full", "evidence": "Survey 2025."},
        "monitoring-quality": {"level": "unknown", "evidence": ""},
    },
)
CURRENT = answers(
    assessment={
        "title": "Follow-up 2027",
        "organisation": "Ministry of Education",
        "country": "Moldova",
        "respondent": "government",
    },
    answers={
        "free-meals-eligibility": {"level": "full", "evidence": "Rules and appeals online."},
        "free-meals-nutrition": {"level": "planned", "evidence": ""},
        "monitoring-uptake": {"level": "partial", "evidence": "Survey 2025 only."},
        "monitoring-quality": {"level": "not_applicable", "evidence": ""},
    },
)


def write(folder: Path, name: str, data: dict[str, Any] | bytes) -> Path:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode())
    return path


def compare(capsys, *paths: Path, folder: Path) -> tuple[int, Any, str]:
    status, out, err = run(capsys, "compare", *map(str, paths), "--checklists", str(folder))
    return status, json.loads(out) if status == 0 else out, err


def score_of(capsys, path: Path, folder: Path) -> dict[str, Any]:
    status, out, _ = run(capsys, "score", str(path), "--checklists", str(folder))
    assert status == 0
    return json.loads(out)


def test_two_answers_files(capsys, tmp_path, checklist_dir):
    base = write(tmp_path, "base.json", BASELINE)
    cur = write(tmp_path, "cur.json", CURRENT)
    status, data, err = compare(capsys, base, cur, folder=checklist_dir)
    assert (status, err) == (0, "")
    assert data["baseline"] == {
        "title": "Baseline 2026",
        "organisation": "Ministry of Education",
        "country": "Moldova",
        "respondent": "government",
        "checklist_version": "0.1",
    }
    assert data["current"]["title"] == "Follow-up 2027"
    assert data["heading"] == "Progress since Baseline 2026"
    # The numbers `assessor score` gives for each side; delta is current minus baseline.
    before, after = score_of(capsys, base, checklist_dir), score_of(capsys, cur, checklist_dir)
    assert data["overall"]["baseline"] == before["overall"]
    assert data["overall"]["current"] == after["overall"]
    assert data["overall"]["delta"] == round(after["overall"] - before["overall"], 1)
    for row, b, c in zip(data["themes"], before["themes"], after["themes"], strict=True):
        assert (row["id"], row["title"]) == (b["id"], b["title"])
        assert (row["baseline"], row["current"]) == (b["score"], c["score"])
        assert row["delta"] == round(c["score"] - b["score"], 1)
    criteria = {c["criterion_id"]: c for c in data["criteria"]}
    eligibility = criteria["free-meals-eligibility"]
    assert (eligibility["baseline_level"], eligibility["current_level"]) == ("partial", "full")
    assert eligibility["change"] == "better"
    assert eligibility["criterion"] == "Eligibility rules for free meals are published."
    assert criteria["monitoring-uptake"]["change"] == "worse"
    assert criteria["free-meals-nutrition"]["change"] == "same"
    assert criteria["monitoring-quality"]["change"] == "changed"  # Don't know -> N/A


def test_a_government_and_an_ngo(capsys, tmp_path, checklist_dir):
    ngo = dict(CURRENT, assessment=dict(CURRENT["assessment"], organisation="Parents' NGO"))
    status, data, _ = compare(
        capsys,
        write(tmp_path, "gov.json", BASELINE),
        write(tmp_path, "ngo.json", ngo),
        folder=checklist_dir,
    )
    assert status == 0
    assert data["heading"] == "Where the assessments differ"
    assert data["case"] == "differences"


@pytest.fixture(scope="module")
def assessor_pdf(tmp_path_factory) -> Path:
    """The baseline's PDF report, as `assessor report` writes it (answers.json attached)."""
    folder = tmp_path_factory.mktemp("pdf")
    shutil.copy(SCHOOL_MEALS, folder / SCHOOL_MEALS.name)
    source = write(folder, "base.json", BASELINE)
    output = folder / "baseline.pdf"
    assert main(["report", str(source), "--checklists", str(folder), "-o", str(output)]) == 0
    return output


def test_a_pdf_made_by_assessor(capsys, tmp_path, checklist_dir, assessor_pdf):
    cur = write(tmp_path, "cur.json", CURRENT)
    base = write(tmp_path, "base.json", BASELINE)
    status, from_pdf, err = compare(capsys, assessor_pdf, cur, folder=checklist_dir)
    assert (status, err) == (0, "")
    _, from_json, _ = compare(capsys, base, cur, folder=checklist_dir)
    assert from_pdf == from_json
    # Either side may be a PDF.
    status, swapped, _ = compare(capsys, cur, assessor_pdf, folder=checklist_dir)
    assert status == 0
    assert swapped["overall"]["delta"] == -from_json["overall"]["delta"]


def test_a_pdf_without_attachment(capsys, tmp_path, checklist_dir):
    pdf = write(tmp_path, "printed.pdf", pdf_without_attachments())
    status, _, err = compare(capsys, pdf, write(tmp_path, "c.json", CURRENT), folder=checklist_dir)
    assert status == 2
    assert f"{pdf} is not a valid answers file" in err
    assert "the PDF has no answers file attached" in err


def test_a_different_checklist_is_refused(capsys, tmp_path, checklist_dir):
    osce = yaml.safe_load(SCHOOL_MEALS.read_text(encoding="utf-8"))
    osce["id"] = "other-demo"
    osce["title"] = "Another checklist"
    (checklist_dir / "other.yaml").write_text(yaml.safe_dump(osce), encoding="utf-8")
    other = write(tmp_path, "other.json", dict(CURRENT, checklist="other-demo"))
    status, out, err = compare(
        capsys, write(tmp_path, "b.json", BASELINE), other, folder=checklist_dir
    )
    assert (status, out) == (2, "")
    assert "cannot compare: the two assessments answer different checklists" in err
    assert "school-meals-demo" in err and "other-demo" in err


def versions_folder(tmp_path: Path) -> Path:
    """A folder with version 0.1 of the test checklist and a 0.2 that drops monitoring-quality
    and adds free-meals-menus."""
    folder = tmp_path / "versions"
    folder.mkdir()
    shutil.copy(SCHOOL_MEALS, folder / "a-school-meals-0.1.yaml")
    data = yaml.safe_load(SCHOOL_MEALS.read_text(encoding="utf-8"))
    data["version"] = "0.2"
    free_meals = data["themes"][0]["recommendations"][0]
    free_meals["criteria"].append({"id": "free-meals-menus", "text": "Menus are published."})
    monitoring = data["themes"][1]["recommendations"][0]
    monitoring["criteria"] = monitoring["criteria"][:1]
    (folder / "b-school-meals-0.2.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder


def test_two_versions_are_compared_on_what_they_share(capsys, tmp_path):
    folder = versions_folder(tmp_path)
    newer = dict(
        CURRENT,
        checklist_version="0.2",
        answers={
            "free-meals-eligibility": {"level": "full", "evidence": ""},
            "free-meals-menus": {"level": "partial", "evidence": "Menus online."},
            "monitoring-uptake": {"level": "full", "evidence": ""},
        },
    )
    status, data, err = compare(
        capsys, write(tmp_path, "b.json", BASELINE), write(tmp_path, "c.json", newer), folder=folder
    )
    assert (status, err) == (0, "")
    changes = {c["criterion_id"]: c["change"] for c in data["criteria"]}
    assert changes == {
        "free-meals-eligibility": "better",
        "free-meals-nutrition": "worse",  # planned -> unanswered
        "free-meals-menus": "added",
        "monitoring-uptake": "same",
        "monitoring-quality": "removed",
    }
    assert (data["baseline"]["checklist_version"], data["current"]["checklist_version"]) == (
        "0.1",
        "0.2",
    )
    assert data["counts"]["added"] == data["counts"]["removed"] == 1
    # monitoring on 0.2 is uptake alone: full -> 100.
    oversight = next(t for t in data["themes"] if t["id"] == "oversight")
    assert oversight["current"] == 100.0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not UTF-8 text"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a": ' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
        (b"x" * (3 * 1024 * 1024), "too large"),
        (b"%PDF-1.7\n" + b"\x00" * 5000, "the PDF"),
    ],
    ids=["binary", "deep-list", "deep-object", "huge", "broken-pdf"],
)
def test_hostile_files_get_a_clear_message(capsys, tmp_path, checklist_dir, content, expected):
    bad = write(tmp_path, "bad", content)
    status, out, err = compare(
        capsys, bad, write(tmp_path, "c.json", CURRENT), folder=checklist_dir
    )
    assert (status, out) == (2, "")
    assert f"{bad} is not a valid answers file" in err
    assert expected in err


def test_a_pdf_bomb_and_a_huge_pdf(capsys, tmp_path, checklist_dir):
    cur = write(tmp_path, "c.json", CURRENT)
    bomb = write(tmp_path, "bomb.pdf", pdf_bomb())
    status, _, err = compare(capsys, bomb, cur, folder=checklist_dir)
    assert status == 2
    assert "could not be read (it asks for more work than allowed)" in err
    huge = write(
        tmp_path, "huge.pdf", pdf_with_attachment("answers.json", b"{}") + b"\n" * (21 << 20)
    )
    status, _, err = compare(capsys, cur, huge, folder=checklist_dir)
    assert status == 2
    assert "the PDF is too large" in err


def test_a_missing_file(capsys, tmp_path, checklist_dir):
    status, _, err = compare(
        capsys, tmp_path / "nope.json", write(tmp_path, "c.json", CURRENT), folder=checklist_dir
    )
    assert status == 2
    assert "cannot read" in err


def test_a_version_the_folder_lacks_is_compared_on_what_this_one_has(
    capsys, tmp_path, checklist_dir
):
    older = dict(
        BASELINE,
        checklist_version="0.0.9",
        answers={
            **BASELINE["answers"],
            "meals-dropped-since": {"level": "full", "evidence": ""},
        },
    )
    status, data, err = compare(
        capsys,
        write(tmp_path, "old.json", older),
        write(tmp_path, "c.json", CURRENT),
        folder=checklist_dir,
    )
    assert status == 0
    assert "answers criteria that version 0.1 of school-meals-demo does not have (1)" in err
    assert "left out: meals-dropped-since" in err
    # Scored against the version in the folder, as `assessor score` would, and said so.
    assert "the answers were given for version 0.0.9 of school-meals-demo" in err
    assert data["baseline"]["checklist_version"] == "0.1"
    assert "meals-dropped-since" not in {c["criterion_id"] for c in data["criteria"]}
