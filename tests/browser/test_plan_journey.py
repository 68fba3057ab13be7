"""Planning an action for a gap, in a real browser: from the results to the action plan."""

from __future__ import annotations

import re
from typing import Any

from actions import click_button, goto, import_answers, main_text, planned_answers
from live import new_context
from playwright.sync_api import expect


def test_record_an_action_from_the_results_and_see_it_on_the_plan(
    browser: Any, live_server: str
) -> None:
    context = new_context(browser)
    page = context.new_page()
    import_answers(page, live_server, planned_answers(), "Plan journey")
    link = page.url

    # From the results, the first (highest-priority) gap's link.
    goto(page, link + "results")
    first_gap = page.locator("ol.gap-list > li").first
    code = first_gap.locator("h3 .code").inner_text()
    plan_link = first_gap.get_by_role("link", name=f"Plan an action for {code}")
    with page.expect_navigation():
        plan_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Plan an action for {code}")

    # Start the text from a good practice: the page comes back filled, nothing saved.
    practices = page.get_by_role("complementary", name="Good practices for inspiration")
    button = practices.get_by_role("button", name=re.compile("^Start from this practice")).first
    title = button.locator(".visually-hidden").inner_text().removeprefix(": ")
    page.get_by_label("Owner").fill("Ministry of Labour and Social Protection")
    with page.expect_navigation():
        button.click()
    text = page.get_by_label(re.compile("^What will be done"))
    expect(text).to_have_value(re.compile(f"^Based on the good practice “{re.escape(title)}”"))
    expect(page.get_by_label("Owner")).to_have_value("Ministry of Labour and Social Protection")

    # Without a text: refused, the rest kept.
    text.fill("")
    page.get_by_label("Due date").fill("2027-06-30")
    click_button(page, "Save the action")
    expect(page.get_by_role("alert")).to_contain_text("Enter what will be done about this gap")
    expect(page.get_by_label("Due date")).to_have_value("2027-06-30")

    text.fill("Adopt the integration programme by decree.")
    page.get_by_label("Target level").select_option(label="Fully in place")
    page.get_by_role("radio", name="In progress").check()
    page.get_by_label("Budget (optional)").fill("EUR 40,000, AMIF")
    response = click_button(page, "Save the action")
    assert response.status == 200 and page.url.startswith(link + "plan")

    expect(page.get_by_role("heading", level=1)).to_have_text("Action plan")
    expect(page.get_by_role("status").first).to_contain_text(f"The action for {code} is saved.")
    item = page.locator("ol.plan-list > li").first
    expect(item).to_contain_text("Adopt the integration programme by decree.")
    expect(item).to_contain_text("Ministry of Labour and Social Protection")
    expect(item).to_contain_text("30 June 2027")
    expect(item).to_contain_text("In progress")
    assert "Gaps and evidence to collect with an action 1 of" in main_text(page)

    # Filtered by its owner, only it is shown.
    page.get_by_label("Owner", exact=True).select_option(
        label="Ministry of Labour and Social Protection"
    )
    click_button(page, "Filter")
    expect(page.locator("ol.plan-list > li")).to_have_count(1)
    expect(page.get_by_role("status").last).to_contain_text("Showing 1 of")
    context.close()
