"""`assessor questionnaire`: the blank questionnaire of a checklist, as PDF or Word."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pypdf
import pytest

from assessor.cli import main
from tests.support.data import SCHOOL_MEALS

FOLDER = str(SCHOOL_MEALS.parent)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_writes_the_pdf_with_the_usual_name(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "questionnaire", "school-meals-demo", "--checklists", FOLDER)
    assert (status, err) == (0, "")
    path = Path(out.strip())
    assert path == Path("reports") / "questionnaire-school-meals-demo-0-1.pdf"
    reader = pypdf.PdfReader(io.BytesIO((tmp_path / path).read_bytes()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "1.1.a Eligibility rules for free meals are published." in text
    assert "2.1.b Quality is inspected every year." in text
    assert "☐ Fully in place" in text


@pytest.mark.parametrize("how", [("-o", "q.docx"), ("--format", "docx", "-o", "out/")])
def test_writes_word_by_extension_or_format(capsys, tmp_path, monkeypatch, how) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    status, out, _ = run(capsys, "questionnaire", "school-meals-demo", "--checklists", FOLDER, *how)
    assert status == 0
    word = docx.Document(str(tmp_path / out.strip()))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading ")]
    assert "Recommendation 2.1" in headings


def test_an_unknown_checklist_names_the_offered_ones(capsys, tmp_path) -> None:
    status, out, err = run(
        capsys, "questionnaire", "nope", "--checklists", FOLDER, "-o", str(tmp_path) + "/"
    )
    assert status == 1 and out == ""
    assert "no valid checklist “nope”" in err and "offered: school-meals-demo" in err
    assert list(tmp_path.iterdir()) == []


def test_an_output_of_no_known_format_writes_nothing(capsys, tmp_path) -> None:
    target = tmp_path / "q.odt"
    status, _, err = run(
        capsys, "questionnaire", "school-meals-demo", "--checklists", FOLDER, "-o", str(target)
    )
    assert status == 2 and "cannot tell the format" in err
    status, _, err = run(
        capsys,
        "questionnaire",
        "school-meals-demo",
        "--checklists",
        FOLDER,
        "--format",
        "pdf",
        "-o",
        str(tmp_path / "q.docx"),
    )
    assert status == 2 and "does not match" in err
    assert list(tmp_path.iterdir()) == []
