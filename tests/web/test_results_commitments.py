"""The results page's "Commitments: where the State stands": each provision quoted once, its
criteria at the levels answered, each linked to the theme page where it is answered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessor.checklist import load_checklist

ANSWERS = {
    "free-meals-eligibility": ("partial", "Rules online."),
    "free-meals-nutrition": ("full", ""),  # claimed without evidence
    "monitoring-uptake": ("not_in_place", ""),
    # monitoring-quality: unanswered
}


@pytest.fixture
def answered(pages, started, school_meals) -> str:
    """The private link of an assessment answered as in ANSWERS."""
    for theme in school_meals.themes:
        data = {}
        for crit in theme.criteria:
            if crit.id in ANSWERS:
                level, evidence = ANSWERS[crit.id]
                data[f"{crit.id}-level"] = level
                data[f"{crit.id}-evidence"] = evidence
        form = pages.get(f"{started}theme/{theme.id}").form_data()
        pages.post(f"{started}theme/{theme.id}", form | data)
    return started


def _section(page):
    (section,) = [
        s for s in page.find_all("section") if s.get("aria-labelledby") == "CommitmentsTitle"
    ]
    return section


def test_each_provision_is_quoted_once_with_its_criteria_and_levels(pages, answered, school_meals):
    page = pages.get(f"{answered}results")
    section = _section(page)
    assert section.one("h2").text == "Commitments: where the State stands"
    assert [h.text for h in section.find_all("h3")] == ["Fictional School Food Charter 2020"]
    assert [h.text for h in section.find_all("h4")] == ["B1 Article 1", "B2 Article 2"]
    quotes = [q.text for q in section.find_all("blockquote", class_="provision-text")]
    assert quotes == [c.text for c in school_meals.commitments]

    first, second = section.find_all("div", class_="provision")
    assert first["id"] == "Commitment-charter-1"
    assert "Where it stands: 1 fully in place, 1 partially in place." in first.text
    assert "Recommendation 1.1 (Provision)" in first.text
    items = [li.text for li in first.find_all("ul")[1].find_all("li")]
    assert items == [
        "1.1.a Eligibility rules for free meals are published. – Partially in place",
        "1.1.b Meals meet written nutrition standards. – Fully in place Claimed without evidence",
    ]
    assert "Where it stands: 1 not in place, 1 unanswered." in second.text
    assert "2.1.b Quality is inspected every year. – Unanswered" in second.text

    # Each criterion leads to the place on its theme page where it is answered.
    token = answered.strip("/").split("/")[1]
    links = [a["href"] for a in section.find_all("a")]
    assert links == [
        f"/a/{token}/theme/provision#free-meals-eligibility",
        f"/a/{token}/theme/provision#free-meals-nutrition",
        f"/a/{token}/theme/oversight#monitoring-uptake",
        f"/a/{token}/theme/oversight#monitoring-quality",
    ]
    theme_page = pages.get(links[1])
    assert theme_page.find("fieldset", id="free-meals-nutrition") is not None


def test_headings_on_the_results_page_never_skip_a_level(pages, answered):
    page = pages.get(f"{answered}results")
    levels = [int(node.tag[1]) for node in page.iter() if re.fullmatch(r"h[1-6]", node.tag)]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert 4 in levels


def test_osce_every_provision_once_quoted_or_named(make_app, pages_for):
    """With the OSCE checklist: each cited provision quoted exactly once in the section (the
    gap list above may quote it too), each other provision named under its document."""
    checklists = Path(__file__).parents[2] / "checklists"
    osce = load_checklist(checklists / "osce-odihr-2017-migrant-integration.yaml")
    pages = pages_for(make_app(CHECKLIST_DIR=str(checklists)))
    start = pages.get("/").form_data() | {
        "checklist": osce.id,
        "title": "Commitments",
        "organisation": "Ministry",
        "country": "Moldova",
        "respondent": "government",
    }
    overview = pages.post("/", start)
    section = _section(pages.get(f"{overview}results"))
    text = section.text
    cited = {i for rec in osce.recommendations for i in rec.commitment_ids}
    assert [h.text for h in section.find_all("h3")] == [
        d.document + ("" if str(d.year) in d.document else f" ({d.year})")
        for d in osce.commitment_documents
    ]
    quotes = [q.text for q in section.find_all("blockquote", class_="provision-text")]
    assert quotes == [" ".join(c.text.split()) for c in osce.commitments if c.id in cited]
    for commitment in osce.commitments:
        if commitment.id in cited:
            assert text.count(" ".join(commitment.text.split())) == 1, commitment.id
            provision = section.one("div", id=f"Commitment-{commitment.id}")
            criteria = {
                c.id
                for r in osce.recommendations
                if commitment.id in r.commitment_ids
                for c in r.criteria
            }
            assert f"Where it stands: {len(criteria)} unanswered." in provision.text
            assert len(provision.find_all("a")) == len(criteria)
        else:
            assert " ".join(commitment.text.split()) not in text
            assert commitment.paragraph in text
