"""The whole journey of an official, in a real browser against the real server."""

from __future__ import annotations

import io
import json
from typing import Any

from actions import (
    OSCE,
    START,
    answer_theme,
    click_button,
    click_link,
    gaps,
    goto,
    letters,
    main_text,
    planned_answers,
    practices_for,
    private_link,
    start_assessment,
)
from live import new_context
from playwright.sync_api import expect
from pypdf import PdfReader

PDF_TIMEOUT = 90_000  # ms: a PDF takes seconds to make, more on a busy machine


def saved_answers_on_page(page: Any) -> dict[str, dict[str, Any]]:
    """The answers a theme page shows: checked level and evidence text, by criterion id."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('fieldset[id]')].map(f => {
            const checked = f.querySelector('input[type=radio]:checked');
            const text = document.querySelector(`textarea[name="${f.id}-evidence"]`);
            return [f.id, {level: checked ? checked.value : null, evidence: text.value}];
        }))"""
    )


def test_start_answer_leave_come_back_finish_and_download_the_report(
    browser: Any, live_server: str
) -> None:
    answers = planned_answers()
    themes = OSCE.themes
    total = len(OSCE.criteria)

    # Start: the overview shows the private link straight away.
    first_visit = new_context(browser)
    page = first_visit.new_page()
    assert start_assessment(page, live_server).status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(START["title"])
    link = private_link(page)
    assert link == page.url and link.startswith(live_server + "/a/")
    expect(page.get_by_role("status")).to_contain_text("Keep its private link safe")

    # Theme 1, with one evidence text too long: an error, and nothing typed is lost.
    click_link(page, "Start answering")
    expect(page.get_by_role("heading", level=1)).to_have_text(themes[0].title)
    answer_theme(page, themes[0], answers)
    too_long = themes[0].criteria[3]
    long_text = "Decree 5/2025. " * 400
    page.locator(f"textarea[name='{too_long.id}-evidence']").fill(long_text)
    assert click_button(page, "Save and continue").status == 422
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: ")
    summary.get_by_role("link").click()
    evidence = page.locator(f"textarea[name='{too_long.id}-evidence']")
    expect(evidence).to_be_focused()
    expect(evidence).to_have_value(long_text.strip())
    assert saved_answers_on_page(page) | {too_long.id: answers[too_long.id]} == {
        c.id: answers[c.id] for c in themes[0].criteria
    }
    evidence.fill(answers[too_long.id]["evidence"])
    click_button(page, "Save and continue")
    expect(page.get_by_role("heading", level=1)).to_have_text(themes[1].title)
    expect(page.get_by_role("status")).to_contain_text(f"“{themes[0].title}” are saved")

    # Theme 2, then leave: "Save and come back later" returns to the private link.
    answer_theme(page, themes[1], answers)
    click_button(page, "Save and come back later")
    assert page.url == link
    done = len(themes[0].criteria) + len(themes[1].criteria)
    assert f"{done} of {total} answered" in main_text(page)
    first_visit.close()

    # Another day, another browser (no cookies): the private link brings everything back.
    second_visit = new_context(browser)
    page = second_visit.new_page()
    goto(page, link)
    assert f"{done} of {total} answered" in main_text(page)
    goto(page, link + f"theme/{themes[0].id}")
    assert saved_answers_on_page(page) == {c.id: answers[c.id] for c in themes[0].criteria}
    goto(page, link)
    click_link(page, "Continue answering")
    expect(page.get_by_role("heading", level=1)).to_have_text(themes[2].title)
    for theme in themes[2:]:
        answer_theme(page, theme, answers)
        click_button(page, "Save and continue")

    # Finished: the review says so.
    assert page.url == link + "review"
    expect(page.get_by_text("Every criterion is answered.")).to_be_visible()
    assert f"{total} of {total} answered" in main_text(page)

    # The answers file holds exactly what was entered.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download answers (JSON)").click()
    exported = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert exported["answers"] == answers

    # The results: scores, and the gaps ranked, each with what good practice looks like.
    click_link(page, "See the results and download the PDF")
    assert page.url == link + "results"
    expect(page.get_by_role("heading", level=1)).to_have_text("Results")
    gap_criteria = gaps(answers)
    gap_list = page.locator("ol.gap-list > li")
    expect(gap_list).to_have_count(len(gap_criteria))
    shown = {item.get_attribute("id") for item in gap_list.all()}
    assert shown == {f"Gap-{c.id}" for c in gap_criteria}
    scores = page.get_by_role("region", name="Scores")
    expect(scores).to_contain_text("Overall score")
    for theme in themes:
        expect(scores).to_contain_text(theme.title)

    # The PDF, downloaded as a user does: the government gap analysis (the default choice).
    # It may be made in the background: a page says so, reloads itself, then downloads it.
    with page.expect_download(timeout=PDF_TIMEOUT) as download:
        page.get_by_role("button", name="Download PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert "-government-" in download.value.suggested_filename
    pdf = download.value.path().read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 10
    (attached,) = reader.attachments["answers.json"]
    answers_file = json.loads(attached)
    assert answers_file["answers"] == answers
    assert answers_file["assessment"] == {
        "title": START["title"],
        "organisation": START["organisation"],
        "country": START["country"],
        "respondent": "government",
    }
    text = letters("".join(sheet.extract_text() for sheet in reader.pages))
    assert letters("Gap analysis") in text
    assert [c.text for c in gap_criteria if letters(c.text) not in text] == []
    practices = practices_for(gap_criteria)
    assert practices
    assert [gp.title for gp in practices if letters(gp.title) not in text] == []

    # The advocacy brief, for an NGO.
    goto(page, link + "results")
    page.get_by_role("radio", name="Advocacy brief", exact=False).check()
    with page.expect_download(timeout=PDF_TIMEOUT) as download:
        page.get_by_role("button", name="Download PDF").click()
    assert "-ngo-" in download.value.suggested_filename
    brief = PdfReader(download.value.path())
    assert "Advocacy brief" in brief.metadata.title
    second_visit.close()
