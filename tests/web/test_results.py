"""The results page (scores, chart, ranked gaps with good practices) and the PDF download."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pypdf
import pytest

from assessor import store
from assessor.report import ReportError, render_pdf
from assessor.report.html import render_html
from assessor.scoring import score
from tests.support.html import Page

ANSWERS = {
    "free-meals-eligibility": ("partial", "Rules <b>online</b> & in print."),
    "free-meals-nutrition": ("planned", ""),
    "monitoring-uptake": ("full", "Survey 2025."),
    "monitoring-quality": ("unknown", ""),
}


@pytest.fixture
def answered(pages, started, school_meals) -> str:
    """The private link of an assessment with every criterion answered."""
    for theme in school_meals.themes:
        data = {}
        for crit in theme.criteria:
            level, evidence = ANSWERS[crit.id]
            data[f"{crit.id}-level"] = level
            data[f"{crit.id}-evidence"] = evidence
        form = pages.get(f"{started}theme/{theme.id}").form_data()
        pages.post(f"{started}theme/{theme.id}", form | data)
    return started


def test_review_links_to_the_results(pages, answered):
    page = pages.get(f"{answered}review")
    assert page.one("a", href=f"{answered}results").text == "See the results and download the PDF"


def test_results_show_scores_chart_and_ranked_gaps(pages, answered):
    page = pages.get(f"{answered}results")
    assert page.h1 == "Results"
    assert "Overall score: 55.6 out of 100" in page.text
    chart = page.one("figure", class_="score-chart")
    rows = [row.text for row in chart.find_all("p", class_="score-row")]
    assert rows == ["Overall: 55.6", "1. Provision: 50.0", "2. Oversight: 66.7"]
    bars = chart.find_all("svg")
    assert len(bars) == 3 and all(bar["aria-hidden"] == "true" for bar in bars)
    assert [bar.find_all("rect")[1]["width"] for bar in bars] == ["288.89", "260.0", "346.67"]
    gaps = page.one("ol", class_="gap-list").find_all("li", class_="gap")
    assert [g["id"] for g in gaps] == [
        "Gap-free-meals-nutrition",
        "Gap-free-meals-eligibility",
    ]
    # One top gap per recommendation: both gaps are recommendation 1.1's.
    top = page.one("ol", class_="top-gaps").find_all("li")
    assert [li.one("a")["href"] for li in top] == ["#Gap-free-meals-nutrition"]
    first = gaps[0]
    assert first.one("h3").text == "1.1.b Meals meet written nutrition standards."
    assert "Recommendation 1.1 (Provision)" in first.text
    assert "Priority 1.33" in first.text
    assert "Offer a free, nutritious meal to every pupil in need." in first.text
    assert "Universal free meals" in first.text and "Exampleland" in first.text
    assert "Every pupil in need shall receive a free meal." in first.text
    # Don't know: evidence to collect, with the guidance on where to look, not a ranked gap.
    (quality,) = page.one("ul", class_="evidence-list").find_all("li")
    assert quality["id"] == "Collect-monitoring-quality"
    assert "Evidence needed" in quality.text
    # A practice in full once, further down; the gap links to it by a short line.
    (practice,) = page.one("ul", class_="practice-list").find_all("li")
    assert practice["id"] == "Practice-gp-universal"
    summary = practice.text.split(")", 1)[1].split("Source:")[0].strip()
    assert summary and page.text.count(summary) == 1
    assert first.one("a", href="#Practice-gp-universal").text == "Universal free meals"
    change, plan = [a for a in first.find_all("a") if not a["href"].startswith("#")]
    assert change["href"].endswith("theme/provision#free-meals-nutrition")
    assert plan["href"].endswith("plan/free-meals-nutrition")
    assert plan.text == "Plan an action for 1.1.b"


def test_a_criterion_has_one_code_on_its_theme_page_the_results_and_the_pdf(
    app, pages, answered, school_meals
):
    """Someone holding the PDF finds "1.1.b" on the results page and on the page to answer it."""
    results = pages.get(f"{answered}results")
    token = answered.strip("/").split("/")[1]
    with app.app_context():
        answers_file = store.to_answers_file(store.get_by_token(token), school_meals)
    report = Page(
        render_html(
            score(school_meals, answers_file.answers), answers_file, generated_on=date.today()
        )
    )
    seen = []
    for gap in results.one("ol", class_="gap-list").find_all("li", class_="gap"):
        criterion_id = gap["id"].removeprefix("Gap-")
        code = gap.one("h3").one("span", class_="code").text
        theme_page = pages.get(gap.find_all("a")[0]["href"].split("#")[0])
        legend = theme_page.one("fieldset", id=criterion_id).one("legend")
        assert legend.one("span", class_="code").text == code
        in_report = report.one(id=f"crit-{criterion_id}").one("span", class_="num")
        assert in_report.text == code
        recommendation_code = code.rsplit(".", 1)[0]
        assert f"Recommendation {recommendation_code}" in gap.text
        assert f"Recommendation {recommendation_code}" in [
            h2.text for h2 in theme_page.find_all("h2", class_="recommendation-title")
        ]
        seen.append((criterion_id, code))
    assert seen == [
        ("free-meals-nutrition", "1.1.b"),
        ("free-meals-eligibility", "1.1.a"),
    ]
    (quality,) = results.one("ul", class_="evidence-list").find_all("li")
    assert quality.one("span", class_="code").text == "2.1.b"
    assert report.one(id="crit-monitoring-quality").one("span", class_="num").text == "2.1.b"
    # The PDF's own text (as a reader's tools extract it) names each gap by the same code.
    pdf = pages.client.get(f"{answered}report.pdf?audience=government")
    assert pdf.mimetype == "application/pdf"
    pdf_text = " ".join(
        " ".join(page.extract_text().split())
        for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages
    )
    for criterion_id, code in seen:
        text = school_meals.criterion(criterion_id).text
        assert f"{code} {text[:20]}" in pdf_text or f"{code}. {text[:20]}" in pdf_text, code
    # The action plan, on its page and in its spreadsheet, gives each gap the same code.
    codes = dict(seen)
    plan = pages.get(f"{answered}plan")
    plan_codes = [s.text for h in plan.find_all("h3") for s in h.find_all("span", class_="code")]
    assert set(codes.values()) <= set(plan_codes)
    text = pages.client.get(f"{answered}plan.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    by_id = {row[2]: row[1] for row in rows[1:]}
    for criterion_id, code in codes.items():
        assert by_id[criterion_id] == code


def test_results_offer_the_pdf_for_each_audience(pages, answered):
    page = pages.get(f"{answered}results")
    form = page.one("form", method="get")
    assert form["method"] == "get"
    assert form["action"] == f"{answered}report"
    radios = form.find_all("input", type="radio", name="audience")
    assert [r["value"] for r in radios] == ["government", "ngo"]
    assert "checked" in radios[0].attrs
    for radio in radios:
        assert form.one("label", for_=radio["id"])
    buttons = form.find_all("button")
    assert [(b.text, b["name"], b["value"]) for b in buttons] == [
        ("Download PDF", "format", "pdf"),
        ("Download Word document", "format", "docx"),
    ]


def test_the_download_is_the_pdf_the_command_line_makes(app, pages, answered, school_meals):
    for audience in ("government", "ngo"):
        response = pages.client.get(f"{answered}report.pdf?audience={audience}")
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="school-meals-review-2026-{audience}-'
            f'{date.today().isoformat()}.pdf"'
        )
        token = answered.strip("/").split("/")[1]
        with app.app_context():
            assessment = store.get_by_token(token)
            answers_file = store.to_answers_file(assessment, school_meals)
        expected = render_pdf(
            score(school_meals, answers_file.answers), answers_file, audience=audience
        )
        assert response.data == expected
        reader = pypdf.PdfReader(io.BytesIO(response.data))
        (attached,) = reader.attachments["answers.json"]
        assert json.loads(attached)["answers"]["free-meals-eligibility"] == {
            "level": "partial",
            "evidence": "Rules <b>online</b> & in print.",
        }


def test_the_file_name_is_safe(pages, start_data):
    location = pages.post("/", start_data | {"title": 'Évaluation "finale"; 2026\r\n../x'})
    response = pages.client.get(f"{location}report.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="evaluation-finale-2026-x-government-{date.today().isoformat()}.pdf"'
    )


def test_an_unknown_audience_is_a_clear_400(pages, answered):
    page = pages.get(f"{answered}report.pdf?audience=press", expected_status=400)
    assert "Choose who the report is for" in page.text


def test_unknown_link_is_404(pages):
    pages.get("/a/" + "x" * 43 + "/results", expected_status=404)
    pages.get("/a/" + "x" * 43 + "/report.pdf", expected_status=404)


def test_a_rendering_failure_is_a_clear_page(monkeypatch, pages, answered):
    def broken(*args, **kwargs):
        raise ReportError("the PDF could not be rendered (RuntimeError: boom)")

    monkeypatch.setattr("assessor.report.render_report", broken)  # under render_pdf_cached
    page = pages.get(f"{answered}report.pdf", expected_status=503)
    assert "The report could not be made just now" in page.text
    assert "boom" not in page.text
    assert page.response.mimetype == "text/html"


def test_results_before_any_answer(pages, started):
    page = pages.get(f"{started}results")
    assert "4 of 4 criteria are unanswered" in page.text
    assert "Overall score: 0.0 out of 100" in page.text
    # Nothing answered: no ranked gaps, four criteria of evidence to collect.
    assert page.find_all("li", class_="gap") == []
    assert len(page.one("ul", class_="evidence-list").find_all("li")) == 4


def test_the_word_download_holds_what_the_command_line_makes(app, pages, answered, school_meals):
    import docx

    from assessor.report import render_report

    for audience in ("government", "ngo"):
        # The form's choice goes to the progress page, which (not in background here) sends on.
        chosen = pages.client.get(f"{answered}report?audience={audience}&format=docx")
        assert chosen.status_code == 303
        assert chosen.headers["Location"] == f"{answered}report.docx?audience={audience}"
        response = pages.client.get(chosen.headers["Location"])
        assert response.status_code == 200
        assert response.mimetype == (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="school-meals-review-2026-{audience}-'
            f'{date.today().isoformat()}.docx"'
        )
        token = answered.strip("/").split("/")[1]
        with app.app_context():
            answers_file = store.to_answers_file(store.get_by_token(token), school_meals)
        expected = render_report(
            score(school_meals, answers_file.answers), answers_file, audience=audience, fmt="docx"
        )
        got = docx.Document(io.BytesIO(response.data))
        made = docx.Document(io.BytesIO(expected))
        assert [p.text for p in got.paragraphs] == [p.text for p in made.paragraphs]
        assert got.core_properties.title == made.core_properties.title


def test_an_unknown_format_is_refused_clearly(pages, answered):
    page = pages.get(f"{answered}report?audience=ngo&format=odt", expected_status=400)
    assert "Choose the report's format: a PDF or a Word document." in page.text
    pages.get(f"{answered}report.odt?audience=ngo", expected_status=404)


def test_an_ngo_gets_its_brief_chosen_and_its_word_count(pages, start_data):
    government = pages.post("/", start_data)
    ngo = pages.post("/", {**start_data, "respondent": "ngo", "organisation": "Legal Centre"})
    for path, chosen in ((government, "government"), (ngo, "ngo")):
        page = pages.get(f"{path}results")
        checked = [
            r["value"]
            for r in page.find_all("input", type="radio", name="audience")
            if "checked" in r.attrs
        ]
        assert checked == [chosen]
        words = re.search(r"Its main part is about ([\d,]+) words \(([\d,]+) with", page.text)
        assert words and 0 < int(words[1].replace(",", "")) < int(words[2].replace(",", ""))
        assert "at most 2,815 words from one organisation, 5,630 from a joint one" in page.text


def test_a_kept_comparison_goes_into_both_reports(app, pages, answered, school_meals):
    import docx

    from assessor.answers import parse_answers_file
    from tests.support.data import ANSWERS_FILE

    shadow, _ = parse_answers_file(json.dumps(ANSWERS_FILE), {school_meals.id: school_meals}.get)
    token = answered.strip("/").split("/")[1]
    with app.app_context():
        store.keep_comparison(store.get_by_token(token), store.PARTNER, shadow)
    page = pages.get(f"{answered}results")
    assert "Both documents set this assessment beside Imported review (NGO Forum)" in (
        page.one(id="ReportsCompare").text
    )
    pdf = pages.client.get(f"{answered}report.pdf?audience=government")
    text = pypdf.PdfReader(io.BytesIO(pdf.data)).pages
    assert any("Where the assessments differ" in p.extract_text() for p in text)
    word = pages.client.get(f"{answered}report.docx?audience=ngo")
    headings = [p.text for p in docx.Document(io.BytesIO(word.data)).paragraphs]
    assert "Annex 2. Where the assessments differ" in headings
