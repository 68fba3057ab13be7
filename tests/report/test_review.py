"""The internal-review edition of the gap analysis: a chapter of comments and a cover note, in
the PDF and the Word document; never in the ordinary report; its own cache key."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import docx
import pytest
from report_helpers import GENERATED_ON, normalise

from assessor.answers import AnswersFile
from assessor.checklist import Checklist
from assessor.report import build_document, render_pdf, render_report
from assessor.report.cache import report_key
from assessor.report.review import COVER_NOTE, TITLE, ReviewComment, ReviewComments
from assessor.scoring import GapAnalysis

REVIEW = ReviewComments(
    (
        ReviewComment(
            "hours-weekend",
            "Legal Centre for Advocacy",
            datetime(2026, 3, 10, 9, 30, tzinfo=UTC),
            "Which budget line is this? Quote the decree.",
        ),
        ReviewComment(
            "hours-evening",
            "Ministry of Culture",
            datetime(2026, 3, 11, 14, 0, tzinfo=UTC),
            "Checked with the regions.",
            resolved_by="Owner",
        ),
    )
)
BODY = "Which budget line is this? Quote the decree."


def test_the_edition_adds_a_chapter_and_a_cover_note(
    libraries: Checklist, analysis: GapAnalysis, answers_file: AnswersFile
) -> None:
    document = build_document(analysis, answers_file, generated_on=GENERATED_ON, review=REVIEW)
    anchors = [section.anchor for section in document.sections]
    assert anchors.index("review-comments") > anchors.index(f"theme-{libraries.themes[-1].id}")
    assert anchors.index("review-comments") < anchors.index("practices")
    ordinary = build_document(analysis, answers_file, generated_on=GENERATED_ON)
    assert "review-comments" not in [section.anchor for section in ordinary.sections]
    # An empty review still says the edition is one, and that there is nothing to review.
    empty = build_document(
        analysis, answers_file, generated_on=GENERATED_ON, review=ReviewComments()
    )
    assert "review-comments" in [section.anchor for section in empty.sections]
    with pytest.raises(ValueError, match="edition of the gap analysis"):
        build_document(
            analysis, answers_file, audience="ngo", generated_on=GENERATED_ON, review=REVIEW
        )


def test_the_pdf_carries_the_comments_only_in_the_edition(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    government_pdf: bytes,
    pdftotext,
) -> None:
    review_pdf = render_pdf(analysis, answers_file, generated_on=GENERATED_ON, review=REVIEW)
    edition = normalise(pdftotext(review_pdf))
    cover = normalise(pdftotext(review_pdf, page=1))
    assert normalise(COVER_NOTE) in cover
    for expected in (TITLE, BODY, "Legal Centre for Advocacy", "resolved by Owner"):
        assert normalise(expected) in edition
    ordinary = normalise(pdftotext(government_pdf))
    for absent in (COVER_NOTE, TITLE, BODY, "Legal Centre for Advocacy"):
        assert normalise(absent) not in ordinary


def test_the_word_document_carries_them_too(
    analysis: GapAnalysis, answers_file: AnswersFile
) -> None:
    data = render_report(
        analysis, answers_file, fmt="docx", generated_on=GENERATED_ON, review=REVIEW
    )
    word = docx.Document(io.BytesIO(data))
    text = normalise(" ".join(p.text for p in word.paragraphs))
    assert normalise(COVER_NOTE) in text and normalise(BODY) in text


def test_the_edition_has_its_own_cache_key(
    analysis: GapAnalysis, answers_file: AnswersFile
) -> None:
    ordinary = report_key(analysis, answers_file, "government", GENERATED_ON)
    edition = report_key(analysis, answers_file, "government", GENERATED_ON, review=REVIEW)
    fewer = ReviewComments(REVIEW.comments[:1])
    assert (
        len(
            {
                ordinary,
                edition,
                report_key(analysis, answers_file, "government", GENERATED_ON, review=fewer),
            }
        )
        == 3
    )
    assert ReviewComments.from_list(REVIEW.to_list()) == REVIEW


def test_the_chapter_is_written_in_the_reports_language(libraries: Checklist) -> None:
    from assessor.report.review import review_section
    from assessor.translation import writing_in

    with writing_in("ru"):
        section = review_section(libraries, REVIEW, kicker="Анализ пробелов")
    text = normalise(repr(section))
    assert "Комментарии для внутреннего рецензирования" in text
    assert "решил(а):" in text and "10 марта 2026" in text
    assert "Comments for internal review" not in text and "resolved by" not in text
    english = normalise(repr(review_section(libraries, REVIEW, kicker="Gap analysis")))
    assert TITLE in english and "resolved by" in english
    assert COVER_NOTE == "Internal review edition — not for circulation"  # translated where shown
