"""Reports made from a translated checklist (issue 18): translated recommendations labelled as
unofficial translations with their English originals in a last annex, commitments quoted in
English beside their translation, untranslated texts marked, the language in the cache key."""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
import yaml
from report_helpers import OSCE, normalise, reader

from assessor.answers import AnswersFile, parse_answers_file
from assessor.checklist import Checklist, load_checklist
from assessor.checklist_translation import in_language
from assessor.report import build_document, render_report
from assessor.report.cache import report_key
from assessor.report.html import render_document
from assessor.report.jobs import RenderArgs, RenderProcess
from assessor.report.languages import ANNEX_ANCHOR, original_anchor
from assessor.report.model import (
    Document,
    Group,
    ItemList,
    Quote,
    Section,
    Table,
    section_texts,
)
from assessor.report.questionnaire import build_questionnaire
from assessor.scoring import GapAnalysis, score
from assessor.translation import translator
from tests.support import processes

GENERATED_ON = date(2026, 12, 1)
ENGLISH = load_checklist(OSCE)
DEMO = Path(__file__).parents[1] / "data" / "school-meals.yaml"


def answered(checklist: Checklist, count: int = 20) -> tuple[GapAnalysis, AnswersFile]:
    """The first ``count`` criteria answered "not in place", scored on ``checklist``."""
    data = {
        "checklist": checklist.id,
        "checklist_version": checklist.version,
        "assessment": {
            "title": "Languages",
            "organisation": "Ministry",
            "country": "Moldova",
            "respondent": "government",
        },
        "answers": {c.id: {"level": "not_in_place"} for c in checklist.criteria[:count]},
    }
    answers_file, _ = parse_answers_file(json.dumps(data), {checklist.id: checklist}.get)
    return score(checklist, answers_file.answers), answers_file


def document_in(language: str, audience: str = "government") -> Document:
    analysis, answers_file = answered(in_language(ENGLISH, language))
    return build_document(analysis, answers_file, audience=audience, generated_on=GENERATED_ON)


def texts(document: Document) -> str:
    return "\n".join(text for section in document.sections for text in section_texts(section))


def annex(document: Document) -> Section:
    return next(s for s in document.sections if s.anchor == "english-originals-annex")


@pytest.fixture(scope="module")
def romanian() -> Document:
    return document_in("ro")


def test_romanian_gap_analysis_quotes_the_translation_labelled_as_unofficial(romanian):
    t = translator("ro")
    text = texts(romanian)
    rec = in_language(ENGLISH, "ro").recommendation("statistics")
    assert romanian.language == "ro"
    assert " ".join(rec.text.split()) in normalise(text) or rec.text in text
    assert t.gettext("Unofficial translation; the English original:") in text
    # every recommendation quoted is followed by its label and a link to its original
    assert text.count(t.gettext("Unofficial translation; the English original:")) == len(
        ENGLISH.recommendations
    )


def test_the_last_annex_gives_the_english_originals(romanian):
    last = annex(romanian)
    assert romanian.sections[-1] is last and last.role == "annex"
    anchors = {b.anchor for b in last.content if hasattr(b, "anchor") and b.anchor}
    assert ANNEX_ANCHOR in anchors
    for rec in ENGLISH.recommendations:
        assert original_anchor(rec.id) in anchors
    english = "\n".join(section_texts(last))
    assert ENGLISH.recommendation("statistics").text in english
    assert ENGLISH.good_practice("gp-iom-integration-strategy").summary in english
    contents = next(s for s in romanian.sections if s.role == "contents")
    assert translator("ro").gettext("The texts in English") in "\n".join(section_texts(contents))
    assert last.content[0].kicker == "Anexa D"  # after the gap analysis's Annex C (Anexa C)


def test_commitments_are_quoted_in_english_beside_their_translation(romanian):
    quotes = [
        block
        for section in romanian.sections
        for block in _walk(section.content)
        if isinstance(block, Quote) and block.style == "provision-text"
    ]
    english = [q for q in quotes if q.lang == "en"]
    translated = [q for q in quotes if not q.lang]
    assert english and len(english) == len(translated)
    assert any(q.text.startswith("Improving the collection of comparable data") for q in english)
    assert any(q.text.startswith("Îmbunătățirea colectării de date") for q in translated)


def _walk(blocks):
    """Every block inside, groups, list items and table cells included."""
    for block in blocks:
        yield block
        if isinstance(block, Group):
            yield from _walk(block.content)
        elif isinstance(block, ItemList):
            for list_item in block.items:
                yield from _walk(list_item.content)
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    yield from _walk(cell.content)


def test_russian_brief_labels_practices_and_quotes_commitments_in_english():
    brief = document_in("ru", audience="ngo")
    t = translator("ru")
    text = texts(brief)
    assert brief.language == "ru"
    assert t.gettext("unofficial translation; in English:") in text
    assert t.gettext("Unofficial translation. The commitment in English:") in text
    last = annex(brief)
    numbered = [s for s in brief.sections if s.role == "annex"]
    assert last.content[0].kicker == translator("ru").gettext(
        "Annex %(number)s", number=len(numbered)
    )  # after the brief's Annex 1...
    english = "\n".join(section_texts(last))
    assert any(gp.summary in english for gp in ENGLISH.good_practices)
    # the findings cite recommendations cut short: labelled, and whole in English in the annex
    assert ENGLISH.recommendation("statistics").text in english


def test_english_report_is_unchanged():
    analysis, answers_file = answered(ENGLISH)
    document = build_document(analysis, answers_file, generated_on=GENERATED_ON)
    text = texts(document)
    assert "Unofficial translation" not in text
    assert all(s.anchor != "english-originals-annex" for s in document.sections)


def demo_in_romanian(folder: Path) -> Checklist:
    """The test checklist in Romanian, with only one recommendation translated."""
    shutil.copy(DEMO, folder / "school-meals.yaml")
    partial = {
        "checklist": "school-meals-demo",
        "version": "0.1",
        "language": "ro",
        "translation_note": "Traducere neoficială, pentru teste.",
        "recommendations": {"free-meals": {"text": "Oferiți o masă gratuită fiecărui elev."}},
    }
    (folder / "school-meals.ro.yaml").write_text(yaml.safe_dump(partial), encoding="utf-8")
    return in_language(load_checklist(folder / "school-meals.yaml"), "ro")


def test_untranslated_texts_are_marked_in_english(tmp_path):
    view = demo_in_romanian(tmp_path)
    analysis, answers_file = answered(view, count=4)
    document = build_document(analysis, answers_file, generated_on=GENERATED_ON)
    html = render_document(document)
    mark = translator("ro").gettext("(in English)")
    assert '<blockquote class="rec-text" lang="en">Monitor uptake and quality every year.' in html
    assert mark in html
    assert '<span lang="en">Meals meet written nutrition standards.</span>' in html
    assert "Oferiți o masă gratuită fiecărui elev." in html


def test_the_report_cache_key_depends_on_the_language():
    keys = set()
    for language in ("en", "ro", "ru"):
        analysis, answers_file = answered(in_language(ENGLISH, language))
        keys.add(report_key(analysis, answers_file, "government", GENERATED_ON))
    assert len(keys) == 3


def test_word_report_sets_english_on_the_originals():
    analysis, answers_file = answered(in_language(ENGLISH, "ro"), count=5)
    data = render_report(analysis, answers_file, fmt="docx", generated_on=GENERATED_ON)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert 'w:lang w:val="en"' in xml
    assert "Actively collect and disaggregate" in xml
    assert "Colectarea activă și dezagregarea" in xml


def test_blank_questionnaire_in_romanian():
    document = build_questionnaire(in_language(ENGLISH, "ro"), GENERATED_ON)
    text = texts(document)
    assert document.language == "ro"
    assert in_language(ENGLISH, "ro").criterion("statistics-collected").text in text
    assert annex(document).role == "annex"
    before = "\n".join(t for s in document.sections[:-1] for t in section_texts(s))
    assert "Actively collect" not in before
    assert "Actively collect" in "\n".join(section_texts(document.sections[-1]))


def test_romanian_pdf_reads_back_with_the_translation_marks_and_the_english_annex(tmp_path):
    view = demo_in_romanian(tmp_path)
    analysis, answers_file = answered(view, count=4)
    pdf = render_report(analysis, answers_file, fmt="pdf", generated_on=GENERATED_ON)
    text = normalise("\n".join(page.extract_text() for page in reader(pdf).pages))
    t = translator("ro")
    assert normalise("Oferiți o masă gratuită fiecărui elev.") in text
    assert normalise(t.gettext("Unofficial translation; the English original:")) in text
    assert normalise(t.gettext("The texts in English")) in text
    assert normalise("Offer a free, nutritious meal to every pupil in need.") in text
    assert normalise(f"Monitor uptake and quality every year. {t.gettext('(in English)')}") in text


def test_a_background_job_makes_the_report_in_the_language_of_its_checklist(tmp_path):
    view = demo_in_romanian(tmp_path)
    analysis, answers_file = answered(view, count=4)
    base = load_checklist(tmp_path / "school-meals.yaml")
    assert base.path is not None
    args: RenderArgs = (
        base.path,
        base.digest,
        answers_file.to_dict(),
        "government",
        GENERATED_ON.isoformat(),
        "docx",
        None,
        None,
        "ro",
    )
    before = processes.renderers(parent=os.getpid())
    renderer = RenderProcess()
    try:
        outcome, data = renderer.render(args)
    finally:
        renderer.stop()
        processes.kill(processes.renderers(parent=os.getpid()) - before)
    assert outcome == "ok", data
    assert data is not None
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "Oferiți o masă gratuită fiecărui elev." in xml
    assert "Offer a free, nutritious meal to every pupil in need." in xml  # the annex
    assert 'w:lang w:val="en"' in xml
