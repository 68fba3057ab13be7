"""The pages with the real checklists in checklists/, the OSCE one first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessor.answers import parse_answers_file
from assessor.catalogue import load_catalogue

REAL_CHECKLISTS = Path(__file__).parent.parent.parent / "checklists"
OSCE = REAL_CHECKLISTS / "osce-odihr-2017-migrant-integration.yaml"
catalogue = load_catalogue(REAL_CHECKLISTS)


@pytest.mark.parametrize("checklist", catalogue.checklists, ids=lambda c: c.id)
def test_a_real_checklist_can_be_answered(make_app, pages_for, checklist) -> None:
    app = make_app(CHECKLIST_DIR=str(REAL_CHECKLISTS))
    pages = pages_for(app)
    start = pages.get("/").form_data()
    assert start["checklist"] == "osce-odihr-2017-migrant-integration"
    start |= {
        "checklist": checklist.id,
        "title": "Real",
        "organisation": "Ministry",
        "country": "Moldova",
        "respondent": "government",
    }
    overview = pages.post("/", start)
    for theme in checklist.themes:
        page = pages.get(f"{overview}theme/{theme.id}")
        data = page.form_data() | {f"{c.id}-level": "unknown" for c in theme.criteria}
        pages.post(f"{overview}theme/{theme.id}", data | {"action": "continue"})
    review = pages.get(overview + "review")
    assert "Every criterion is answered" in review.text
    exported = pages.client.get(overview + "answers.json").get_data()
    answers_file, _ = parse_answers_file(exported, catalogue.get)
    assert len(answers_file.answers) == len(checklist.criteria)
    assert json.loads(exported)["checklist"] == checklist.id


def test_osce_checklist_is_offered() -> None:
    assert catalogue.get("osce-odihr-2017-migrant-integration") is not None, catalogue.errors
    assert Path(OSCE).stat().st_size > 0
