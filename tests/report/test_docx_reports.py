"""Both reports as Word documents: the same content as the PDF, real headings and tables,
the language and the word count set, and LibreOffice opens them.

The OSCE checklist with every criterion a gap, for both audiences. The document model is the
one content for both formats, so the check is: every heading of the model is a Word heading in
the same order, and every text of the model is in the Word document.
"""

from __future__ import annotations

import io
import subprocess

import docx
import pytest
from report_helpers import GENERATED_ON, OSCE, all_gaps, normalise

from assessor.checklist import load_checklist
from assessor.report import build_document, render_report
from assessor.report.docx import heading_text
from assessor.report.model import headings, section_texts
from assessor.scoring import score
from tests.support.office import convert

AUDIENCES = ("government", "ngo")


@pytest.fixture(scope="module")
def case():
    osce = load_checklist(OSCE)
    answers_file = all_gaps(osce, "Moldova")
    return score(osce, answers_file.answers), answers_file


@pytest.fixture(scope="module", params=AUDIENCES)
def made(request, case):
    analysis, answers_file = case
    document = build_document(
        analysis, answers_file, audience=request.param, generated_on=GENERATED_ON
    )
    data = render_report(
        analysis, answers_file, audience=request.param, fmt="docx", generated_on=GENERATED_ON
    )
    return request.param, document, data


def _word_text(word: docx.document.Document) -> str:
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return normalise(" ".join(parts))


def test_every_heading_is_a_word_heading_in_order(made):
    _, document, data = made
    word = docx.Document(io.BytesIO(data))
    found = [
        (int(p.style.name.split()[-1]), p.text)
        for p in word.paragraphs
        if p.style.name.startswith("Heading ")
    ]
    expected = [(h.level, heading_text(h)) for h in headings(document)]
    assert found == expected
    assert len(found) > 20


def test_the_same_text_as_the_pdf(made):
    _, document, data = made
    text = _word_text(docx.Document(io.BytesIO(data)))
    for section in document.sections:
        for piece in section_texts(section):
            if "Generated on" in piece:  # names the renderer: WeasyPrint or python-docx
                piece = piece[: piece.index("Generated on")]
            assert normalise(piece) in text, piece[:80]


def test_tables_language_and_properties(made):
    audience, document, data = made
    word = docx.Document(io.BytesIO(data))
    assert word.tables  # real tables: the rankings, the status matrix, the scale
    props = word.core_properties
    assert props.title == document.title
    assert props.author == "Ministry of Interior"
    assert props.language == "en"
    assert props.category == ("Gap analysis" if audience == "government" else "Advocacy brief")
    assert f"{document.figures['words_main']:,}" in props.comments
    lang = word.styles.element.xpath("//w:docDefaults//w:lang/@w:val")
    assert lang == ["en"]


def test_libreoffice_opens_it(made, tmp_path):
    audience, document, data = made
    source = tmp_path / f"{audience}.docx"
    source.write_bytes(data)
    pdf = convert(source, "pdf", tmp_path / "out", "libreoffice-writer-nogui")
    text = normalise(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    for heading in list(headings(document))[:12]:
        assert normalise(heading_text(heading)) in text
