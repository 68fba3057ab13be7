"""The blank questionnaire downloads: linked from the start page and an assessment's page,
a PDF and a Word document of every criterion, made once per checklist version."""

from __future__ import annotations

import io

import docx
import pypdf

from assessor.checklist import load_checklist
from assessor.report import questionnaire as module
from tests.support.data import SCHOOL_MEALS


def _pdf_text(data: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def test_the_pdf_holds_every_criterion_and_the_scale(pages) -> None:
    checklist = load_checklist(SCHOOL_MEALS)
    response = pages.client.get("/questionnaire/school-meals-demo.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="questionnaire-school-meals-demo-0-1.pdf"'
    )
    text = _pdf_text(response.data)
    for crit in checklist.criteria:
        assert f"{crit.code} {crit.text}" in text
    assert "Evidence that shows it: A link to the published rules." in text
    assert "☐ Not in place" in text and "☐ Don't know" in text
    assert "Decided or announced, but not yet in operation." in text  # the scale's meaning
    assert "Offer a free, nutritious meal to every pupil in need." in text


def test_the_word_document_has_a_heading_per_theme_and_recommendation(pages) -> None:
    response = pages.client.get("/questionnaire/school-meals-demo.docx")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.headers["Content-Disposition"].endswith('-0-1.docx"')
    word = docx.Document(io.BytesIO(response.data))
    found = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading ")]
    assert found == [
        ("Heading 1", "School meals: a small demonstration checklist"),
        ("Heading 1", "How to answer"),
        ("Heading 2", "The answer scale"),
        ("Heading 2", "The themes"),
        ("Heading 2", "Source"),
        ("Heading 1", "Theme 1. Provision"),
        ("Heading 2", "Recommendation 1.1"),
        ("Heading 1", "Theme 2. Oversight"),
        ("Heading 2", "Recommendation 2.1"),
    ]
    text = " ".join(p.text for p in word.paragraphs)
    assert "2.1.b Quality is inspected every year." in text


def test_made_once_per_checklist_version(pages, monkeypatch) -> None:
    made = []
    real = module._render
    monkeypatch.setattr(module, "_CACHE", type(module._CACHE)())
    monkeypatch.setattr(
        module,
        "_render",
        lambda *args: made.append(args[1]) or real(*args),  # type: ignore[func-returns-value]
    )
    for _ in range(3):
        assert pages.client.get("/questionnaire/school-meals-demo.docx").status_code == 200
    assert made == ["docx"]


def test_an_unknown_checklist_or_format_is_a_404(pages) -> None:
    page = pages.get("/questionnaire/nope.pdf", expected_status=404)
    assert "no checklist by that name" in page.text
    pages.get("/questionnaire/school-meals-demo.odt", expected_status=404)
    pages.get("/questionnaire/../answers.pdf", expected_status=404)


def test_a_failed_rendering_is_a_503_not_a_500(pages, monkeypatch) -> None:
    from assessor.report import ReportError

    def broken(*args):
        raise ReportError("no fonts")

    monkeypatch.setattr(module, "_CACHE", type(module._CACHE)())
    monkeypatch.setattr(module, "_render", broken)
    page = pages.get("/questionnaire/school-meals-demo.pdf", expected_status=503)
    assert "could not be made" in page.text


def test_linked_from_the_start_page_and_every_assessment(pages, started) -> None:
    wanted = {"/questionnaire/school-meals-demo.pdf", "/questionnaire/school-meals-demo.docx"}
    for path in ("/", started):
        hrefs = {a["href"] for a in pages.get(path).find_all("a")}
        assert wanted <= hrefs, path
