"""A year later, in a real browser: start a follow-up, change answers, see the progress."""

from __future__ import annotations

from typing import Any

from actions import (
    OSCE,
    click_button,
    click_link,
    goto,
    import_answers,
    main_text,
    planned_answers,
)
from live import new_context
from playwright.sync_api import expect

from assessor.answers import Answer
from assessor.levels import LEVELS_BY_KEY
from assessor.scoring import score


def scores(answers: dict[str, dict[str, Any]]) -> list[str]:
    """Overall and theme scores as the pages show them (one decimal)."""
    analysis = score(OSCE, {cid: Answer(a["level"], a["evidence"]) for cid, a in answers.items()})
    return [f"{value:.1f}" for value in (analysis.overall, *(t.score for t in analysis.themes))]


def test_a_follow_up_starts_from_the_baseline_and_shows_the_progress(
    browser: Any, live_server: str
) -> None:
    answers = planned_answers()
    context = new_context(browser)
    page = context.new_page()
    import_answers(page, live_server, answers, "Integration review 2026")
    baseline = page.url

    click_link(page, "Start a follow-up assessment")
    page.get_by_label("Title of the follow-up assessment").fill("Integration review 2027")
    click_button(page, "Start the follow-up")
    expect(page.get_by_role("heading", level=1)).to_have_text("Integration review 2027")
    expect(page.get_by_role("status")).to_contain_text("has started from the answers and evidence")
    follow_up = page.url
    assert follow_up != baseline
    total = len(OSCE.criteria)
    assert f"{total} of {total} answered" in main_text(page)

    # Beside each criterion, what the baseline said; two answers change since.
    theme = OSCE.themes[0]
    goto(page, follow_up + f"theme/{theme.id}")
    raised, lowered = theme.criteria[0], theme.criteria[1]
    said = page.locator(".criterion").first.locator(".baseline-said")
    expect(said).to_contain_text("In the baseline, “Integration review 2026”")
    expect(said).to_contain_text(LEVELS_BY_KEY[answers[raised.id]["level"]].label)
    assert (answers[raised.id]["level"], answers[lowered.id]["level"]) == (
        "not_in_place",
        "planned",
    )
    for criterion, label in ((raised, "Fully in place"), (lowered, "Not in place")):
        group = page.locator(f"fieldset#{criterion.id}")
        group.get_by_role("radio", name=label, exact=True).check()
    click_button(page, "Save and continue")

    goto(page, follow_up)
    click_link(page, "See the progress since its baseline")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Progress since Integration review 2026"
    )
    later = {
        **answers,
        raised.id: {**answers[raised.id], "level": "full"},
        lowered.id: {**answers[lowered.id], "level": "not_in_place"},
    }
    rows = page.locator("table.comparison-table tbody tr")
    expect(rows).to_have_count(1 + len(OSCE.themes))
    before, after = scores(answers), scores(later)
    for index, row in enumerate(rows.all()):
        cells = row.locator("td")
        expect(cells.nth(0)).to_have_text(before[index])
        expect(cells.nth(1)).to_have_text(after[index])
    changes = page.locator("ol.comparison-list > li")
    expect(changes).to_have_count(2)
    expect(changes.nth(0)).to_have_id(f"Change-{raised.id}")
    expect(changes.nth(0)).to_contain_text("Better")
    expect(changes.nth(0)).to_contain_text("3 steps apart")
    expect(changes.nth(1)).to_contain_text("Worse")

    # The baseline is as it was, and is no follow-up itself.
    goto(page, baseline + f"theme/{theme.id}")
    expect(page.locator(".baseline-said")).to_have_count(0)
    group = page.locator(f"fieldset#{raised.id}")
    expect(group.get_by_role("radio", name="Not in place", exact=True)).to_be_checked()
    context.close()
