"""The gap-analysis PDF as a reader and a PDF tool see it: text, links, bookmarks, data."""

from __future__ import annotations

import json
import re

import pypdf
import pytest
from report_helpers import ANSWERS, GENERATED_ON, normalise, reader

from assessor.answers import parse_answers_file
from assessor.report import ReportError, render_pdf
from assessor.report.content import Anchors


def body_text(pdftotext, pdf: bytes) -> str:
    return normalise(pdftotext(pdf, body_only=True))


# -- reading it -------------------------------------------------------------------------------


def test_cover_names_the_assessment(pdftotext, government_pdf, libraries):
    cover = normalise(pdftotext(government_pdf, page=1))
    for expected in (
        "Gap analysis",
        "Libraries review <2026> & beyond",
        "Ministry of Culture",
        "Moldova",
        "14 March 2026",
        f"{libraries.title}, version 2.1",
    ):
        assert expected in cover


def test_every_gap_leads_to_its_recommendation_practices_and_commitments(
    pdftotext, government_pdf, analysis
):
    text = body_text(pdftotext, government_pdf)
    assert analysis.gaps, "the test answers must have gaps"
    for gap in analysis.gaps:
        assert normalise(gap.criterion.text) in text
        assert normalise(gap.recommendation.text) in text
        for practice in gap.good_practices:
            for part in (practice.title, practice.country, practice.actor, practice.summary):
                assert normalise(part) in text, part
            assert practice.source.section in text
        for commitment in gap.commitments:
            assert normalise(commitment.text) in text  # verbatim, in Annex B
            assert commitment.paragraph in text


def test_every_answer_and_its_evidence_is_shown(pdftotext, government_pdf, analysis):
    text = body_text(pdftotext, government_pdf)
    for label in (
        "Not in place",
        "Planned",
        "Partially in place",
        "Fully in place",
        "Not applicable",
        "Don't know",
        "Unanswered",
        "Evidence needed",
    ):
        assert label in text
    for result in analysis.criteria:
        if result.evidence:
            assert normalise(result.evidence) in text


def test_user_markup_comes_out_as_plain_text(pdftotext, government_pdf, fetched):
    text = body_text(pdftotext, government_pdf)
    assert '<script>alert("owned")</script>' in text
    assert '<img src="http://evil.example/pixel.png">' in text
    assert '<a href="file:///etc/passwd">a link</a> & more' in text
    assert not [url for url in fetched if "evil.example" in url or "passwd" in url]
    assert all(url.startswith("file://") for url in fetched)


def test_summary_has_scores_counts_and_top_gaps(pdftotext, government_pdf, analysis):
    text = body_text(pdftotext, government_pdf)
    assert f"{analysis.overall:.1f}" in text
    for theme in analysis.themes:
        assert theme.theme.title in text
        assert f"{theme.score:.1f}" in text
    # languages-staff has evidence but no level: unanswered, like languages-books.
    assert "6 of 8 criteria answered" in text
    assert "1 not applicable" in text
    assert "1 don't know" in text
    assert "2 unanswered" in text
    assert "Top priority gaps" in text


def test_methodology_and_caveat(pdftotext, government_pdf, libraries):
    text = body_text(pdftotext, government_pdf)
    assert "Methodology" in text
    assert libraries.source.caveat in text
    assert "no official status" in text
    assert "Priority = recommendation weight × criterion weight × shortfall" in text
    assert "Opening hours decide who can use a library at all." in text  # a weight's reason


def test_contents_page_numbers_point_at_the_sections(pdftotext, government_pdf):
    pages = reader(government_pdf).pages
    contents = pdftotext(government_pdf, page=2)
    # The summary follows the contents on their page; pdftotext reads that page in columns.
    assert "Summary" in normalise(pdftotext(government_pdf, page=2, body_only=True))
    entries = {
        "Annex A. Good practices": "Good practices",
        "Annex C. Methodology": "Methodology",
    }
    for entry, heading in entries.items():
        match = re.search(re.escape(entry) + r"\s+(\d+)", contents)
        assert match, entry
        page = int(match.group(1))
        assert 2 <= page <= len(pages)  # the summary follows the contents on their page
        assert heading in pdftotext(government_pdf, page=page)


def test_running_header_and_page_numbers(pdftotext, government_pdf):
    total = len(reader(government_pdf).pages)
    assert f"/ {total}" not in pdftotext(government_pdf, page=1)  # no header on the cover
    headers = []
    for page in range(2, total + 1):
        text = pdftotext(government_pdf, page=page)
        # pdftotext drops the spaces around the slash with some totals ("2/6").
        assert re.search(rf"^{page} ?/ ?{total}$", text, re.MULTILINE), page
        assert "Gap analysis · Moldova" in text
        headers.append(text.splitlines()[0])
    assert headers[0] == "Contents"
    assert "Theme 1 · Access for everyone" in headers  # later themes may start mid-page
    assert headers[-1] == "Annex C · Methodology"


# -- the PDF's structure ------------------------------------------------------------------------


def _link_targets(pdf: pypdf.PdfReader) -> set[str]:
    targets: set[str] = set()
    for page in pdf.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            dest = annotation.get("/Dest")
            if action is not None and action.get("/S") == "/GoTo":
                dest = action.get("/D")
            if isinstance(dest, str):
                targets.add(str(dest))
    return targets


def test_internal_links_reach_practices_commitments_and_criteria(government_pdf, analysis):
    pdf = reader(government_pdf)
    destinations = set(pdf.named_destinations)
    targets = _link_targets(pdf)
    assert targets, "no internal links"
    assert targets <= destinations, targets - destinations
    for gap in analysis.gaps:
        assert Anchors.crit(gap.criterion) in targets
        for practice in gap.good_practices:
            assert Anchors.practice(practice) in targets
        for commitment in gap.commitments:
            assert Anchors.commitment(commitment) in targets


def test_bookmarks(government_pdf):
    def titles(outline) -> list[str]:
        found = []
        for item in outline:
            if isinstance(item, list):
                found += titles(item)
            else:
                found.append(item.title)
        return found

    found = titles(reader(government_pdf).outline)
    for expected in (
        "Cover",
        "Contents",
        "Summary",
        "Access for everyone",
        "Recommendation 1.1",
        "Collections",
        "Good practices",
        "Commitments and where the State stands",
        "Methodology",
    ):
        assert expected in found, found


def test_metadata_language_and_tags(government_pdf):
    pdf = reader(government_pdf)
    assert pdf.metadata.title == "Gap analysis: Libraries review <2026> & beyond"
    assert pdf.metadata.author == "Ministry of Culture"
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()


def test_the_answers_travel_inside_the_pdf(government_pdf, libraries, answers_file):
    attachments = reader(government_pdf).attachments
    assert list(attachments) == ["answers.json"]
    (data,) = attachments["answers.json"]
    parsed, checklist = parse_answers_file(data, {libraries.id: libraries}.get)
    assert checklist is libraries
    assert parsed == answers_file
    assert json.loads(data) == {
        **ANSWERS,
        "answers": {
            **ANSWERS["answers"],
        },
    }


# -- audiences ----------------------------------------------------------------------------------


def test_the_brief_and_the_gap_analysis_carry_the_same_answers(
    pdftotext, government_pdf, ngo_pdf, analysis
):
    ngo = body_text(pdftotext, ngo_pdf)
    assert "Advocacy brief" in normalise(pdftotext(ngo_pdf, page=1))
    assert "Key asks" in ngo and "Findings" in ngo and "Status matrix" in ngo
    assert reader(ngo_pdf).metadata.title.startswith("Advocacy brief: ")
    for rs in analysis.recommendations:  # the status matrix: every recommendation
        assert normalise(rs.recommendation.code) in ngo
    assert (
        reader(ngo_pdf).attachments["answers.json"]
        == reader(government_pdf).attachments["answers.json"]
    )


def test_unknown_audience_is_refused(analysis, answers_file):
    with pytest.raises(ReportError, match="unknown audience"):
        render_pdf(analysis, answers_file, audience="press")


def test_a_rendering_failure_is_a_report_error(monkeypatch, analysis, answers_file):
    import weasyprint

    def broken(*args, **kwargs):
        raise RuntimeError("Pango exploded")

    monkeypatch.setattr(weasyprint.HTML, "render", broken)
    with pytest.raises(ReportError, match="Pango exploded"):
        render_pdf(analysis, answers_file, generated_on=GENERATED_ON)
