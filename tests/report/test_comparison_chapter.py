"""Issue 14, item 4: the reports set an assessment beside another one (a baseline, or another
organisation's view), with the same content as the comparison page and numbers equal to
scoring each side on its own; in the brief, the other side's answer stands beside each ask
where the two differ."""

from __future__ import annotations

import json
import re

import pytest
from report_helpers import GENERATED_ON, OSCE, all_gaps, normalise, reader

from assessor.answers import AnswersFile, parse_answers_file
from assessor.checklist import load_checklist
from assessor.cli import main
from assessor.report import build_document, render_pdf
from assessor.report.comparison import ANCHOR
from assessor.report.html import render_document
from assessor.report.model import Table, section_texts
from assessor.scoring import score


@pytest.fixture(scope="module")
def osce():
    return load_checklist(OSCE)


def _file(osce, data) -> AnswersFile:
    parsed, _ = parse_answers_file(json.dumps(data), {osce.id: osce}.get)
    return parsed


@pytest.fixture(scope="module")
def sides(osce):
    """The government's self-assessment (a third of the criteria claimed fully in place) and
    an NGO's shadow assessment of the same country."""
    government = json.loads(all_gaps(osce, "Moldova").to_json())
    for index, answer in enumerate(government["answers"].values()):
        if index % 3 == 0:
            answer.update(level="full", evidence="The ministry reports it is done.")
    ngo = json.loads(all_gaps(osce, "Moldova").to_json())
    ngo["assessment"].update(
        title="Shadow report 2026", organisation="Legal Centre for Advocacy", respondent="ngo"
    )
    return _file(osce, government), _file(osce, ngo)


def _section(document, anchor):
    (found,) = [s for s in document.sections if s.anchor == anchor]
    return found


def test_the_gap_analysis_gets_a_chapter_with_each_sides_own_scores(osce, sides):
    government, ngo = sides
    analysis = score(osce, ngo.answers)
    document = build_document(
        analysis, ngo, audience="government", generated_on=GENERATED_ON, compared=government
    )
    chapter = _section(document, ANCHOR)
    assert chapter.role == "main"
    text = " ".join(section_texts(chapter))
    assert "Where the assessments differ" in text
    assert "Shadow report 2026 (Legal Centre for Advocacy)" in text
    # The scores table: each side's own scoring, overall and per theme.
    theirs, ours = score(osce, government.answers), analysis
    (figure,) = [b for b in chapter.content if hasattr(b, "fallback")]
    rows = [[" ".join(section_texts_of(c)) for c in row.cells] for row in figure.fallback.rows]
    assert rows[0][1:3] == [f"{theirs.overall:.1f}", f"{ours.overall:.1f}"]
    for row, mine, other in zip(rows[1:], ours.themes, theirs.themes, strict=True):
        assert row[1:3] == [f"{other.score:.1f}", f"{mine.score:.1f}"]
    # Every criterion answered differently, furthest apart first.
    (changed,) = [
        b for b in chapter.content if isinstance(b, Table) and b.style == "comparison-criteria"
    ]
    differing = [
        c for c in osce.criteria if government.answers[c.id].level != ngo.answers[c.id].level
    ]
    assert len(changed.rows) == len(differing) > 0
    # In the contents, after the summary.
    contents = " ".join(section_texts(_section(document, "contents")))
    assert "Where the assessments differ" in contents


def section_texts_of(cell):
    from assessor.report.model import block_texts

    return [t for block in cell.content for t in block_texts(block)]


def test_the_brief_sets_the_governments_answer_beside_each_ask(osce, sides, pdftotext):
    government, ngo = sides
    analysis = score(osce, ngo.answers)
    document = build_document(
        analysis, ngo, audience="ngo", generated_on=GENERATED_ON, compared=government
    )
    asks = " ".join(section_texts(_section(document, "asks")))
    assert "Ministry of Interior says: Fully in place — The ministry reports it is done." in asks
    kickers = [s.running.split(" · ")[0] for s in document.sections if s.role == "annex"]
    assert kickers == ["Annex 1", "Annex 2", "Annex 3", "Annex 4", "Annex 5"]
    assert _section(document, ANCHOR).role == "annex"
    html = render_document(document)
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert set(re.findall(r'href="#([^"]+)"', html)) <= ids
    pdf = render_pdf(analysis, ngo, audience="ngo", generated_on=GENERATED_ON, compared=government)
    text = normalise(pdftotext(pdf))
    assert "Annex 2 Where the assessments differ" in text
    assert "methods are explained in Annex 5" in text
    assert len(reader(pdf).pages) <= 13


def test_the_same_organisation_a_year_later_is_progress(osce, sides):
    government, _ = sides
    later = json.loads(government.to_json())
    later["assessment"]["title"] = "Integration framework 2027"
    for answer in list(later["answers"].values())[:10]:
        answer["level"] = "full"
    later_file = _file(osce, later)
    analysis = score(osce, later_file.answers)
    document = build_document(
        analysis, later_file, audience="ngo", generated_on=GENERATED_ON, compared=government
    )
    annex = " ".join(section_texts(_section(document, ANCHOR)))
    assert f"Progress since {government.assessment.title}" in annex
    assert "says:" not in " ".join(section_texts(_section(document, "asks")))


def test_the_command_line_compares_with_a_file_or_a_pdf(osce, sides, tmp_path, capsys):
    import docx

    government, ngo = sides
    (tmp_path / "gov.json").write_text(government.to_json())
    (tmp_path / "ngo.json").write_text(ngo.to_json())

    def report(answers: str, *extra: str) -> int:
        return main(["report", str(tmp_path / answers), "--checklists", str(OSCE.parent), *extra])

    gov_pdf = tmp_path / "gov.pdf"
    assert report("gov.json", "-o", str(gov_pdf)) == 0
    for other in (tmp_path / "gov.json", gov_pdf):  # the PDF carries its answers
        out = tmp_path / f"brief-{other.suffix[1:]}.docx"
        status = report(
            "ngo.json", "--audience", "ngo", "--compare-with", str(other), "-o", str(out)
        )
        assert status == 0
        word = docx.Document(str(out))
        headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
        assert "Annex 2. Where the assessments differ" in headings
    capsys.readouterr()
    other = json.loads(ngo.to_json())
    other["checklist"] = "school-meals-demo"
    (tmp_path / "other.json").write_text(json.dumps(other))
    for bad in ("missing.json", "other.json"):
        status = report(
            "ngo.json", "--compare-with", str(tmp_path / bad), "-o", str(tmp_path / "x.pdf")
        )
        err = capsys.readouterr().err
        assert status == 2 and bad in err and "Traceback" not in err, err
        assert not (tmp_path / "x.pdf").exists()
