"""The blank questionnaire: every criterion with its code, text and guidance, the scale as tick
boxes, in a PDF and a Word document made by the reports' renderers; cached per checklist."""

from __future__ import annotations

import io
import subprocess
from datetime import date

import docx
import pytest
from report_helpers import GENERATED_ON, OSCE, normalise, reader

from assessor.checklist import load_checklist
from assessor.levels import LEVELS
from assessor.report import ReportError
from assessor.report import questionnaire as module
from assessor.report.docx import heading_text
from assessor.report.model import Group, Paragraph, Quote, headings, inline_text, section_texts
from assessor.report.questionnaire import (
    TICK_BOX,
    build_questionnaire,
    render_questionnaire,
    tick_boxes,
)

TICKS = tick_boxes()


@pytest.fixture(scope="module")
def osce():
    return load_checklist(OSCE)


@pytest.fixture(scope="module")
def document(osce):
    return build_questionnaire(osce, GENERATED_ON)


@pytest.fixture(scope="module")
def pdf(osce):
    return render_questionnaire(osce, "pdf", GENERATED_ON)


@pytest.fixture(scope="module")
def word(osce):
    return render_questionnaire(osce, "docx", GENERATED_ON)


def _questions(document):
    for section in document.sections:
        for block in section.content:
            if isinstance(block, Group) and "question" in block.style.split():
                yield block


def test_every_criterion_once_in_checklist_order_with_scale_and_room(osce, document) -> None:
    questions = list(_questions(document))
    assert len(questions) == len(osce.criteria) == 58
    for crit, question in zip(osce.criteria, questions, strict=True):
        paragraphs = [b for b in question.content if isinstance(b, Paragraph)]
        assert inline_text(paragraphs[0].content) == f"{crit.code} {crit.text}"
        assert paragraphs[0].anchor == f"crit-{crit.id}"
        texts = [inline_text(p.content) for p in paragraphs]
        if crit.guidance:
            assert f"Evidence that shows it: {crit.guidance}" in texts
        assert TICKS in texts
        assert "Evidence:" in texts
        assert sum(p.style == "write-line" for p in paragraphs) == module.EVIDENCE_LINES
        # Kept whole on a page, in the PDF and in Word.
        assert "keep" in question.style.split()


def test_recommendations_quoted_verbatim_under_their_themes(osce, document) -> None:
    quotes = [
        block.content[1].text
        for section in document.sections
        for block in section.content
        if isinstance(block, Group) and isinstance(block.content[-1], Quote)
    ]
    assert quotes == [rec.text for rec in osce.recommendations]
    found = [(h.level, h.kicker, h.text) for h in headings(document)]
    for theme in osce.themes:
        assert (1, f"Theme {theme.code}", theme.title) in found
        for rec in theme.recommendations:
            assert (2, "", f"Recommendation {rec.code}") in found


def test_the_scale_and_its_meaning_and_the_source_caveat(osce, document) -> None:
    how = next(s for s in document.sections if s.anchor == "how-to-answer-part")
    text = " ".join(section_texts(how))
    for level in LEVELS:
        assert level.label in text and level.description in text
    assert osce.source.caveat in text
    assert "58 criteria in 4 themes" in " ".join(section_texts(document.sections[0]))
    assert document.kind == "Blank questionnaire"
    assert document.language == osce.language


def test_the_pdf_holds_every_criterion_code_text_and_guidance(osce, pdf) -> None:
    assert pdf.startswith(b"%PDF-")
    pages = reader(pdf)
    text = normalise(" ".join(page.extract_text() for page in pages.pages))
    for crit in osce.criteria:
        assert normalise(f"{crit.code} {crit.text}") in text, crit.code
        if crit.guidance:
            assert normalise(crit.guidance) in text, crit.code
    for level in LEVELS:
        assert normalise(f"{TICK_BOX} {level.label}") in text
    # Nothing attached: a blank questionnaire holds no answers.
    assert not pages.attachments
    assert pages.metadata.title == f"Blank questionnaire: {osce.title}"


def test_no_question_is_split_across_pages(osce, pdf, tmp_path) -> None:
    path = tmp_path / "q.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    pages = [normalise(page) for page in out.stdout.split("\f")]
    for crit in osce.criteria:
        opening = normalise(f"{crit.code} {crit.text}")
        holding = [n for n, page in enumerate(pages) if opening in page]
        assert len(holding) == 1, crit.code
        # Its tick boxes (the question's last line of text) are on the same page.
        after = pages[holding[0]].split(opening, 1)[1]
        assert normalise(TICKS) in after, crit.code


def test_the_word_document_has_the_same_headings_and_text(document, word) -> None:
    doc = docx.Document(io.BytesIO(word))
    found = [
        (int(p.style.name.split()[-1]), p.text)
        for p in doc.paragraphs
        if p.style.name.startswith("Heading ")
    ]
    assert found == [(h.level, heading_text(h)) for h in headings(document)]
    assert any("Integration policies and their implementation" in t for _, t in found)
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    text = normalise(" ".join([p.text for p in doc.paragraphs] + cells))
    for section in document.sections:
        for piece in section_texts(section):
            assert normalise(piece) in text, piece[:80]
    # Each question's paragraphs are kept together on a page.
    first = next(p for p in doc.paragraphs if p.text.startswith("1.1.a "))
    assert first.paragraph_format.keep_with_next


def test_rendering_is_cached_per_checklist_digest_format_and_date(osce, monkeypatch) -> None:
    calls = []
    real = module._render

    def counting(checklist, fmt, generated_on):
        calls.append((checklist.digest, fmt))
        return real(checklist, fmt, generated_on)

    monkeypatch.setattr(module, "_render", counting)
    monkeypatch.setattr(module, "_CACHE", type(module._CACHE)())
    day = date(2027, 1, 2)
    first = render_questionnaire(osce, "docx", day)
    assert render_questionnaire(osce, "docx", day) is first
    assert len(calls) == 1
    render_questionnaire(osce, "docx", date(2027, 1, 3))
    assert len(calls) == 2


def test_an_unknown_format_is_refused(osce) -> None:
    with pytest.raises(ReportError, match="unknown format 'odt'"):
        render_questionnaire(osce, "odt", GENERATED_ON)
