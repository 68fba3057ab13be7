"""The PDF and the Word document in Romanian and Russian read back as written: the report's fixed
text in the language, Romanian ș ț ă î â and Cyrillic intact, every font embedded, the PDF's
/Lang and the Word document's w:lang set to the language (issue 18). One PDF and one Word
document per language (a PDF costs seconds)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from datetime import date

import pytest
from report_helpers import OSCE, reader

from assessor.answers import parse_answers_file
from assessor.checklist import load_checklist
from assessor.checklist_translation import in_language
from assessor.report import render_report
from assessor.scoring import score
from assessor.translation import translator

ENGLISH = load_checklist(OSCE)
# Words of the fixed text each report must show in its language (from the catalogue), and the
# letters that must survive the round trip.
LETTERS = {"ro": "șțăîâ", "ru": "абвгдежзийклмнопрстуфхцчшщыэюя"}


def made(lang: str, fmt: str) -> bytes:
    checklist = in_language(ENGLISH, lang)
    data = {
        "checklist": checklist.id,
        "checklist_version": checklist.version,
        "assessment": {
            "title": "Evaluare 2026" if lang == "ro" else "Оценка 2026",
            "organisation": "Biroul Migrație și Azil" if lang == "ro" else "Бюро по миграции",
            "country": "Moldova",
            "respondent": "government",
        },
        "answers": {
            c.id: {"level": "not_in_place" if i % 2 else "partial", "evidence": "Legea nr. 200"}
            for i, c in enumerate(checklist.criteria[:12])
        },
    }
    answers_file, _ = parse_answers_file(json.dumps(data), {checklist.id: checklist}.get)
    return render_report(
        score(checklist, answers_file.answers),
        answers_file,
        audience="government",
        fmt=fmt,
        generated_on=date(2026, 12, 1),
    )


def fixed_words(lang: str) -> list[str]:
    """Headings of the report in ``lang`` (each must differ from the English)."""
    english = ["Methodology", "Contents", "Good practices"]
    words = [translator(lang).gettext(word) for word in english]
    assert [w for w, e in zip(words, english, strict=True) if w == e] == [], "not translated"
    return words


@pytest.mark.parametrize("lang", ["ro", "ru"])
def test_the_pdf_reads_back_in_the_language(lang: str, tmp_path) -> None:
    if not (shutil.which("pdftotext") and shutil.which("pdffonts")):
        pytest.skip("poppler-utils (pdftotext, pdffonts) not installed")
    pdf = made(lang, "pdf")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = re.sub(r"-\n|\s+", lambda m: "" if m.group(0).startswith("-") else " ", text)
    for word in fixed_words(lang):
        assert word in flat, word
    for letter in LETTERS[lang]:
        assert letter in text, letter
    assert "\ufffd" not in text  # no character lost on the way
    if lang == "ro":
        assert "ş" not in text and "ţ" not in text  # comma below, never the cedilla
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, check=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # "emb" column
    assert reader(pdf).trailer["/Root"]["/Lang"] == lang


@pytest.mark.parametrize("lang", ["ro", "ru"])
def test_the_word_document_reads_back_in_the_language(lang: str) -> None:
    from docx import Document

    data = made(lang, "docx")
    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    for word in fixed_words(lang):
        assert word in text, word
    for letter in LETTERS[lang]:
        assert letter in text, letter
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = archive.read("word/styles.xml").decode()
    assert f'w:lang w:val="{lang}"' in styles
