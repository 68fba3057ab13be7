"""Pages show the checklist in the request's language: translated texts labelled as unofficial,
with the English original one click away, and untranslated ones marked (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assessor.checklist import load_checklist
from assessor.checklist_translation import in_language

REAL_CHECKLISTS = Path(__file__).parents[2] / "checklists"
OSCE = REAL_CHECKLISTS / "osce-odihr-2017-migrant-integration.yaml"
ENGLISH = load_checklist(OSCE)
ROMANIAN = in_language(ENGLISH, "ro")
RUSSIAN = in_language(ENGLISH, "ru")

# A partial Romanian translation of the test checklist: one recommendation and one criterion.
PARTIAL = {
    "checklist": "school-meals-demo",
    "version": "0.1",
    "language": "ro",
    "translation_note": "Traducere neoficială, pentru teste.",
    "themes": {"provision": {"title": "Furnizarea"}},
    "recommendations": {"free-meals": {"text": "Oferiți o masă gratuită fiecărui elev."}},
    "criteria": {"free-meals-eligibility": {"text": "Regulile de eligibilitate sunt publicate."}},
}


def start(pages, checklist_id: str) -> str:
    """Start an assessment of a checklist; its overview's path."""
    data = pages.get("/").form_data() | {
        "checklist": checklist_id,
        "title": "Languages",
        "organisation": "Ministry",
        "country": "Moldova",
        "respondent": "government",
    }
    return pages.post("/", data)


@pytest.fixture
def osce_pages(make_app, pages_for):
    return pages_for(make_app(CHECKLIST_DIR=str(REAL_CHECKLISTS)))


def test_theme_page_in_romanian_shows_translations_labelled_with_the_original(osce_pages):
    overview = start(osce_pages, ENGLISH.id)
    page = osce_pages.get(f"{overview}theme/integration-policies?lang=ro")
    assert page.one("html")["lang"] == "ro"
    rec = ROMANIAN.recommendation("statistics")
    assert page.h1 == ROMANIAN.theme("integration-policies").title
    quote = page.find_all("blockquote", class_="recommendation-text")
    assert quote[0].text == rec.text and quote[0].get("lang") is None
    original = page.find_all("details", class_="original-text")[0]
    assert original.find("span", class_="unofficial") is not None
    english = original.one("blockquote", lang="en")
    assert english.text == " ".join(ENGLISH.recommendation("statistics").text.split())
    criterion = ROMANIAN.criterion("statistics-collected")
    legend = page.one("fieldset", id="statistics-collected").one("legend")
    assert criterion.text in legend.text
    assert criterion.guidance in page.one("p", id="statistics-collected-level-hint").text
    assert page.find("p", class_="translation-notice").text == ROMANIAN.translation_note
    assert "in English" not in page.text  # the Romanian translation is complete


def test_theme_page_in_russian_and_back_in_english(osce_pages):
    overview = start(osce_pages, ENGLISH.id)
    russian = osce_pages.get(f"{overview}theme/funding?lang=ru")
    assert RUSSIAN.recommendation("sufficient-funding").text in russian.text
    english = osce_pages.get(f"{overview}theme/funding?lang=en")
    assert ENGLISH.recommendation("sufficient-funding").text.split()[0] in english.text
    assert english.find("details", class_="original-text") is None
    assert english.find("span", class_="unofficial") is None


def test_missing_translations_are_shown_in_english_marked(make_app, pages_for, checklist_dir):
    (checklist_dir / "school-meals.ro.yaml").write_text(
        yaml.safe_dump(PARTIAL, allow_unicode=True), encoding="utf-8"
    )
    pages = pages_for(make_app())
    overview = start(pages, "school-meals-demo")
    page = pages.get(f"{overview}theme/provision?lang=ro")
    assert page.h1 == "Furnizarea"
    translated = page.one("fieldset", id="free-meals-eligibility").one("legend")
    assert "Regulile de eligibilitate sunt publicate." in translated.text
    assert translated.find("span", lang="en") is None
    missing = page.one("fieldset", id="free-meals-nutrition").one("legend")
    marked = missing.one("span", lang="en")
    assert marked.text == "Meals meet written nutrition standards."
    assert missing.find("span", class_="in-original") is not None
    other = pages.get(f"{overview}theme/oversight?lang=ro")
    quote = other.one("blockquote", class_="recommendation-text")
    assert quote["lang"] == "en" and quote.text == "Monitor uptake and quality every year."
    assert other.find("span", class_="in-original") is not None


def answer_theme(pages, overview: str, theme_id: str, level: str) -> None:
    """Answer every criterion of a theme at one level."""
    page = pages.get(f"{overview}theme/{theme_id}")
    theme = ENGLISH.theme(theme_id)
    data = page.form_data() | {f"{c.id}-level": level for c in theme.criteria}
    pages.post(f"{overview}theme/{theme_id}", data | {"action": "continue"})


def test_results_in_romanian_label_translations_and_quote_commitments_in_english(osce_pages):
    overview = start(osce_pages, ENGLISH.id)
    answer_theme(osce_pages, overview, "integration-policies", "not_in_place")
    page = osce_pages.get(f"{overview}results?lang=ro")
    gap = page.one("li", id="Gap-statistics-collected")
    assert ROMANIAN.criterion("statistics-collected").text in gap.one("h3").text
    assert ROMANIAN.recommendation("statistics").text in gap.text
    english = gap.one("details", class_="original-text").one("blockquote", lang="en")
    assert english.text == " ".join(ENGLISH.recommendation("statistics").text.split())
    # a commitment: its translation, labelled, and the English text beside it
    provision = page.one("div", id="Commitment-athens-2009-1-data")
    quotes = provision.find_all("blockquote", class_="provision-text")
    assert [q.get("lang") for q in quotes] == [None, "en"]
    assert quotes[0].text.startswith("Îmbunătățirea colectării de date comparabile")
    assert quotes[1].text.startswith("Improving the collection of comparable data")
    assert provision.find("span", class_="unofficial") is not None
    # a good practice: translated, labelled, its English original one click away
    practice = page.one("li", id="Practice-gp-iom-integration-strategy")
    assert ROMANIAN.good_practice("gp-iom-integration-strategy").title in practice.text
    assert practice.find("span", class_="unofficial") is not None
    original = practice.one("details", class_="original-text").one("p", lang="en")
    assert "IOM's migrant integration strategy" in original.text


def test_a_checklist_without_translation_is_shown_in_english_marked(app, pages):
    overview = start(pages, "school-meals-demo")
    page = pages.get(f"{overview}theme/provision?lang=ru")
    assert page.one("html")["lang"] == "ru"
    assert page.find("p", class_="translation-notice") is not None
    heading = page.one("h1")
    assert heading.one("span", lang="en").text == "Provision"
    assert heading.find("span", class_="in-original") is not None
    quote = page.one("blockquote", class_="recommendation-text")
    assert quote["lang"] == "en"
