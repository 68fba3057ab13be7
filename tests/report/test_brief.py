"""The NGO advocacy brief, read back from its PDF as an official would read it.

The OSCE checklist with every criterion a gap (the case issue 13 measured) must give a brief of
a few pages: the main part (cover, key asks, findings) on at most 4 pages, the whole brief on
at most 10. Each ask names whom it addresses and by when, the evidence, a good practice from
elsewhere and the commitment behind it, quoted; the status matrix has a row per
recommendation; each cited practice is printed in full exactly once.
"""

from __future__ import annotations

import json

import pytest
from report_helpers import GENERATED_ON, OSCE, all_gaps, normalise, reader

from assessor.answers import parse_answers_file
from assessor.asks import suggest_asks
from assessor.checklist import load_checklist
from assessor.commitments_view import commitment_standing
from assessor.report import build_document, render_pdf
from assessor.report.brief import UPR_WORDS_SINGLE, implementation_status, quotation
from assessor.report.content import Anchors
from assessor.report.html import render_html
from assessor.report.model import Heading, Section, section_texts
from assessor.scoring import score
from tests.support.html import Page

MAIN_PAGES = 4
ALL_PAGES = 10


@pytest.fixture(scope="module")
def osce():
    return load_checklist(OSCE)


@pytest.fixture(scope="module")
def brief(osce):
    answers_file = all_gaps(osce, "Moldova")
    analysis = score(osce, answers_file.answers)
    pdf = render_pdf(analysis, answers_file, audience="ngo", generated_on=GENERATED_ON)
    return analysis, answers_file, pdf


def _page_of(pdf: bytes, anchor: str) -> int:
    document = reader(pdf)
    return document.get_destination_page_number(document.named_destinations[anchor]) + 1


def test_a_brief_of_a_few_pages(brief):
    _, _, pdf = brief
    pages = len(reader(pdf).pages)
    main = _page_of(pdf, "matrix") - 1  # the status matrix is the first annex
    assert main <= MAIN_PAGES, f"main part on {main} pages"
    assert pages <= ALL_PAGES, f"{pages} pages"


def test_the_cover_says_who_where_when_and_the_headline(brief, pdftotext):
    analysis, answers_file, pdf = brief
    first = normalise(pdftotext(pdf, page=1))
    for fact in ("Advocacy brief", "Ministry of Interior", "Moldova", "14 March 2026"):
        assert fact in first
    applicable = analysis.counts.total - analysis.counts.not_applicable
    assert f"Moldova has fully put in place 0 of the {applicable} good" in first


def test_each_ask_names_who_when_evidence_practice_and_quotes_its_commitment(
    brief, pdftotext, osce
):
    analysis, answers_file, pdf = brief
    text = normalise(pdftotext(pdf))
    asks = suggest_asks(analysis, answers_file.actions, "Moldova", GENERATED_ON)
    assert 3 <= len(asks) <= 7
    main_end = text.index("Annex 1")
    main = text[:main_end]
    for number, ask in enumerate(asks, start=1):
        assert normalise(f"{number}. {ask.title}") in main
        assert normalise(ask.text) in main
        assert ask.text.startswith("We ask the Government of Moldova to ")
        assert normalise(f"Addressed to: {ask.duty_bearer}") in main
        assert normalise(f"· When: {ask.by_when}") in main
        (crit_id,) = ask.criteria
        _, rec = osce.parents(crit_id)
        assert normalise(osce.criterion(crit_id).text) in main
        # the commitment behind it, quoted in full in the ask (an operative one before a preamble)
        linked = osce.commitments_for(rec)
        first = next((c for c in linked if not c.paragraph.startswith("Preamble")), linked[0])
        assert normalise(quotation(first.text)) in main, first.id
        assert not quotation(first.text).endswith((";", ","))
        # a good practice from another country, by name
        practice = next(p for p in osce.good_practices_for(rec) if "Moldova" not in p.country)
        assert normalise(practice.title) in main
    assert main.count("It can be done") == len(asks)
    assert main.count("What the State committed to") == len(asks)


def test_findings_are_numbered_theme_by_theme(brief, pdftotext):
    analysis, _, pdf = brief
    text = normalise(pdftotext(pdf))
    findings = text[text.index("Findings") : text.index("Annex 1")]
    for ts in analysis.themes:
        assert normalise(f"{ts.theme.code}. {ts.theme.title}") in findings
    for rs in analysis.recommendations:  # every recommendation with a gap: its status
        assert normalise(f"{implementation_status(rs)} (") in findings


def test_the_status_matrix_has_a_row_per_recommendation(brief, pdftotext):
    analysis, answers_file, pdf = brief
    first = _page_of(pdf, "matrix")
    last = _page_of(pdf, "commitments")  # the next annex may start on the matrix's last page
    printed = normalise(" ".join(pdftotext(pdf, page=n) for n in range(first, last + 1)))
    printed = printed[printed.index("Status matrix") : printed.index("Commitments and where")]
    assert "Recommendation Our assessment Criteria Commitments" in printed
    html = render_html(analysis, answers_file, audience="ngo", generated_on=GENERATED_ON)
    rows = Page(html).one("table", class_="matrix").one("tbody").find_all("tr")
    assert len(rows) == len(analysis.recommendations)
    for row, rs in zip(rows, analysis.recommendations, strict=True):
        rec = rs.recommendation
        assert row["id"] == Anchors.rec(rec)
        text, status, levels, commitments = (normalise(td.text) for td in row.find_all("td"))
        assert text.startswith(normalise(f"{rec.code} {rec.text[:60]}"))
        assert status.startswith(implementation_status(rs))
        assert levels == normalise(
            " ".join(f"{r.criterion.code} {r.level_label.lower()}" for r in rs.criteria)
        )
        for commitment in analysis.checklist.commitments_for(rec):
            assert normalise(f"{commitment.code} ") in commitments
            assert normalise(commitment.paragraph) in commitments
        assert normalise(rec.code) in printed


def test_the_commitments_annex_is_compact_and_each_quote_is_in_an_ask(brief, pdftotext):
    analysis, _, pdf = brief
    first = _page_of(pdf, "commitments")
    last = _page_of(pdf, "practices")
    annex = normalise(" ".join(pdftotext(pdf, page=n) for n in range(first, last + 1)))
    annex = annex[annex.index("Commitments and where the State stands") : annex.rindex("Annex 3")]
    for ds in commitment_standing(analysis):
        for ps in ds.measured:
            c = ps.commitment
            assert normalise(f"{c.code} ") in annex
            assert normalise(c.text) not in annex  # left to the asks
            assert normalise(ps.summary) in annex


def test_each_cited_practice_is_printed_in_full_exactly_once(brief, pdftotext):
    analysis, answers_file, pdf = brief
    text = normalise(pdftotext(pdf))
    document = build_document(analysis, answers_file, audience="ngo", generated_on=GENERATED_ON)
    (annex,) = [s for s in document.sections if s.anchor == "practices"]
    cited = [p for p in analysis.checklist.good_practices if normalise(p.summary) in text]
    assert cited
    for practice in analysis.checklist.good_practices:
        count = text.count(normalise(practice.summary))
        heading = f"{practice.code}. {practice.title}"
        in_annex = any(t == heading for t in section_texts(annex))
        assert count == (1 if in_annex else 0), practice.id


def test_the_main_part_fits_a_upr_submission(brief):
    analysis, answers_file, _ = brief
    document = build_document(analysis, answers_file, audience="ngo", generated_on=GENERATED_ON)
    words = document.figures
    assert 0 < words["words_main"] <= UPR_WORDS_SINGLE < words["words_total"]


def test_saved_asks_replace_the_suggestions_in_order(osce, pdftotext):
    answers_file = all_gaps(osce, "Moldova")
    data = json.loads(answers_file.to_json())
    crit = osce.criteria
    data["asks"] = [
        {
            "title": "Fund the integration strategy",
            "text": "We ask the Ministry of Finance to fund the integration strategy in full.",
            "criteria": [crit[40].id, crit[41].id],
            "duty_bearer": "Ministry of Finance",
            "by_when": "in the 2027 budget",
        },
        {
            "title": "Count migrants properly",
            "text": "We ask the National Bureau of Statistics to publish data on migrants.",
            "criteria": [crit[0].id],
        },
    ]
    saved, _ = parse_answers_file(json.dumps(data), {osce.id: osce}.get)
    analysis = score(osce, saved.answers)
    document = build_document(analysis, saved, audience="ngo", generated_on=GENERATED_ON)
    (asks,) = [s for s in document.sections if s.anchor == "asks"]
    titles = [
        b.text
        for group in asks.content
        if not isinstance(group, Heading) and hasattr(group, "content")
        for b in getattr(group, "content", ())
        if isinstance(b, Heading)
    ]
    assert titles == ["1. Fund the integration strategy", "2. Count migrants properly"]
    text = " ".join(section_texts(asks))
    assert "Addressed to: Ministry of Finance" in text and "When: in the 2027 budget" in text
    assert text.count("Addressed to:") == 1  # the second names no one: nothing invented
    pdf = render_pdf(analysis, saved, audience="ngo", generated_on=GENERATED_ON)
    about = normalise(pdftotext(pdf, page=len(reader(pdf).pages)))
    assert "The key asks are those the organisation recorded." in about


def test_every_link_of_the_brief_lands(brief):
    analysis, answers_file, _ = brief
    document = build_document(analysis, answers_file, audience="ngo", generated_on=GENERATED_ON)
    from assessor.report.html import render_document

    html = render_document(document)
    import re

    ids = set(re.findall(r'\sid="([^"]+)"', html))
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets and targets <= ids, targets - ids
    assert all(isinstance(s, Section) for s in document.sections)
