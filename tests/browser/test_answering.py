"""Nothing typed is lost, in a real browser: the draft kept in the browser, the warning before
leaving, the automatic save of each criterion (racing a manual save, and two colleagues on the
same criterion), and the evidence counter."""

from __future__ import annotations

import json
import time
from typing import Any

from actions import OSCE, click_button, goto, private_link, start_assessment
from live import new_context
from playwright.sync_api import expect

from assessor.answers import MAX_EVIDENCE_CHARS

THEME = OSCE.themes[0]
FIRST, SECOND = THEME.criteria[0], THEME.criteria[1]
AUTOSAVE_TIMEOUT = 20_000  # ms: a few seconds after typing stops, more on a busy machine


def open_theme(page: Any, base: str) -> str:
    """Start an assessment and open its first theme; return the private link."""
    start_assessment(page, base)
    link = private_link(page)
    goto(page, link + f"theme/{THEME.id}")
    return link


def evidence(page: Any, criterion: Any) -> Any:
    return page.locator(f"textarea[name='{criterion.id}-evidence']")


def radio(page: Any, criterion: Any, label: str) -> Any:
    return page.locator(f"fieldset#{criterion.id}").get_by_role("radio", name=label, exact=True)


def status(page: Any, criterion: Any) -> Any:
    """What the automatic save says beside a criterion."""
    return page.locator(f"#{criterion.id}-autosave")


def saved(context: Any, link: str) -> dict[str, Any]:
    """The answers stored on the server, as its answers file gives them."""
    response = context.request.get(link + "answers.json")
    assert response.status == 200
    answers: dict[str, Any] = json.loads(response.text())["answers"]
    return answers


def draft_written(page: Any) -> None:
    page.wait_for_function(
        "() => Object.keys(localStorage).some(k => k.startsWith('assessor-draft:'))"
    )


def offline_autosave(page: Any) -> None:
    """The automatic save cannot reach the server (as when the connection drops)."""
    page.route("**/criterion/**", lambda route: route.abort())


def offline_theme(context: Any, base: str) -> tuple[Any, str]:
    """A new tab on a new assessment's first theme, whose automatic save cannot reach the
    server; and the private link."""
    page = context.new_page()
    link = open_theme(page, base)
    offline_autosave(page)
    return page, link


def test_a_draft_comes_back_after_a_reload_and_a_crash_and_can_be_discarded(
    context: Any, live_server: str
) -> None:
    page, link = offline_theme(context, live_server)
    evidence(page, FIRST).fill("Decree 12/2025, typed but not saved.")
    radio(page, SECOND, "Partially in place").check()
    draft_written(page)
    # The private link itself is never a key or a value in the browser's storage.
    token = link.rstrip("/").rsplit("/", 1)[1]
    stored = page.evaluate("() => JSON.stringify(Object.entries(localStorage))")
    assert token not in stored

    # A reload (the browser asks first: accepted here).
    page.on("dialog", lambda dialog: dialog.accept())
    page.reload()
    notice = page.locator("#DraftNotice")
    expect(notice).to_contain_text("Restored what you typed but had not saved")
    expect(notice).to_contain_text(f"{FIRST.code}, {SECOND.code}")
    expect(evidence(page, FIRST)).to_have_value("Decree 12/2025, typed but not saved.")
    expect(radio(page, SECOND, "Partially in place")).to_be_checked()
    assert saved(context, link) == {}

    # A crash: the tab is gone without any warning; a new tab brings the draft back.
    page.close()
    page = context.new_page()
    offline_autosave(page)
    goto(page, link + f"theme/{THEME.id}")
    expect(page.locator("#DraftNotice")).to_contain_text("Restored what you typed")
    expect(evidence(page, FIRST)).to_have_value("Decree 12/2025, typed but not saved.")

    # Discarded: the saved answers (none) are back, and the draft is gone.
    page.get_by_role("button", name="Discard what was restored").click()
    expect(page.locator("#DraftNotice")).to_contain_text("Discarded what was restored")
    expect(evidence(page, FIRST)).to_have_value("")
    expect(radio(page, SECOND, "Partially in place")).not_to_be_checked()
    assert page.evaluate("() => localStorage.length") == 0
    page.reload()
    expect(page.locator("#DraftNotice")).to_have_count(0)


def test_a_draft_is_cleared_once_saved(context: Any, live_server: str) -> None:
    page, link = offline_theme(context, live_server)
    evidence(page, FIRST).fill("Saved with the button.")
    draft_written(page)
    click_button(page, "Save and continue")
    assert saved(context, link)[FIRST.id]["evidence"] == "Saved with the button."
    goto(page, link + f"theme/{THEME.id}")
    expect(evidence(page, FIRST)).to_have_value("Saved with the button.")
    expect(page.locator("#DraftNotice")).to_have_count(0)
    assert page.evaluate("() => localStorage.length") == 0


def test_leaving_with_unsaved_changes_asks_first(context: Any, live_server: str) -> None:
    page, link = offline_theme(context, live_server)
    asked = []

    def stay(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    evidence(page, FIRST).fill("Not saved yet.")
    page.locator("nav.breadcrumbs a").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url == link + f"theme/{THEME.id}"
    expect(evidence(page, FIRST)).to_have_value("Not saved yet.")


def test_nothing_unsaved_leaves_without_a_question(context: Any, live_server: str) -> None:
    page = context.new_page()
    link = open_theme(page, live_server)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    evidence(page, FIRST).fill("Saved automatically.")
    expect(status(page, FIRST)).to_contain_text("Saved automatically", timeout=AUTOSAVE_TIMEOUT)
    with page.expect_navigation():
        page.locator("nav.breadcrumbs a").click()
    assert asked == []
    assert page.url == link


def test_autosave_saves_a_changed_criterion(context: Any, live_server: str) -> None:
    page = context.new_page()
    link = open_theme(page, live_server)
    radio(page, FIRST, "Planned").check()
    evidence(page, FIRST).fill("Programme 2026–2030, adopted in May.")
    expect(status(page, FIRST)).to_contain_text("Saved automatically", timeout=AUTOSAVE_TIMEOUT)
    assert saved(context, link) == {
        FIRST.id: {"level": "planned", "evidence": "Programme 2026–2030, adopted in May."}
    }
    goto(page, link)
    assert "1 of 58" in page.locator("main").inner_text()
    assert page.evaluate("() => localStorage.length") == 0


def test_autosave_racing_a_manual_save_is_no_conflict(context: Any, live_server: str) -> None:
    page = context.new_page()
    link = open_theme(page, live_server)
    held: list[Any] = []
    page.route("**/criterion/**", lambda route: held.append(route))
    evidence(page, FIRST).fill("First words")
    deadline = time.monotonic() + AUTOSAVE_TIMEOUT / 1000
    while not held:
        assert time.monotonic() < deadline, "no automatic save was sent"
        page.wait_for_timeout(100)
    # The automatic save reaches the server (which saves "First words"), but its answer is
    # held on its way back: the person types on and saves with the button meanwhile. The
    # page's save waits for the answer (and its new fingerprint) instead of meeting the
    # automatic save as someone else's change.
    answer = held[0].fetch()
    assert answer.status == 200
    assert saved(context, link)[FIRST.id]["evidence"] == "First words"
    evidence(page, FIRST).fill("First words, and more typed after them.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_timeout(300)
        held[0].fulfill(response=answer)
    expect(page.get_by_role("heading", level=1)).to_have_text(OSCE.themes[1].title)
    assert saved(context, link) == {
        FIRST.id: {"level": None, "evidence": "First words, and more typed after them."}
    }


def test_two_browsers_autosaving_one_criterion_get_a_conflict(
    browser: Any, context: Any, live_server: str
) -> None:
    alice = context.new_page()
    link = open_theme(alice, live_server)
    other = new_context(browser)
    try:
        bob = other.new_page()
        goto(bob, link + f"theme/{THEME.id}")
        evidence(alice, FIRST).fill("Alice's evidence")
        expect(status(alice, FIRST)).to_contain_text(
            "Saved automatically", timeout=AUTOSAVE_TIMEOUT
        )
        evidence(bob, FIRST).fill("Bob's evidence")
        bob_status = status(bob, FIRST)
        expect(bob_status).to_contain_text("Not saved", timeout=AUTOSAVE_TIMEOUT)
        expect(bob_status).to_contain_text("someone else saved")
        expect(bob_status).to_contain_text("Alice's evidence")
        assert saved(context, link)[FIRST.id]["evidence"] == "Alice's evidence"
        # Bob's text stays; saving the page shows both, and saving again keeps his.
        assert click_button(bob, "Save and continue").status == 409
        expect(evidence(bob, FIRST)).to_have_value("Bob's evidence")
        assert saved(context, link)[FIRST.id]["evidence"] == "Alice's evidence"
        click_button(bob, "Save and continue")
        assert saved(context, link)[FIRST.id]["evidence"] == "Bob's evidence"
    finally:
        other.close()


def test_the_evidence_counter_counts_and_speaks_only_at_thresholds(
    context: Any, live_server: str
) -> None:
    page = context.new_page()
    open_theme(page, live_server)
    offline_autosave(page)
    field = evidence(page, FIRST)
    counter = page.locator(f"#{FIRST.id}-evidence-count")
    expect(counter).to_have_text(f"0 of {MAX_EVIDENCE_CHARS:,} characters")
    assert f"{FIRST.id}-evidence-count" in (field.get_attribute("aria-describedby") or "")
    spoken = counter.locator("xpath=following-sibling::*[1]")
    assert spoken.get_attribute("aria-live") == "polite"
    field.fill("Zürich – 12")
    expect(counter).to_have_text(f"11 of {MAX_EVIDENCE_CHARS:,} characters")
    expect(spoken).to_have_text("")
    field.fill("x" * (MAX_EVIDENCE_CHARS - 10))
    expect(spoken).to_have_text("10 characters left in the evidence.")
    field.fill("x" * (MAX_EVIDENCE_CHARS + 7))
    expect(counter).to_have_text(
        f"{MAX_EVIDENCE_CHARS + 7:,} of {MAX_EVIDENCE_CHARS:,} characters: 7 too many"
    )
    expect(spoken).to_have_text(
        f"The evidence is 7 characters over the limit of {MAX_EVIDENCE_CHARS:,}."
    )
    field.fill("Short again")
    expect(spoken).to_have_text("The evidence is within the limit again.")


def test_without_javascript_the_page_saves_what_is_valid_and_keeps_the_rest(
    browser: Any, live_server: str
) -> None:
    context = new_context(browser, java_script_enabled=False)
    try:
        page = context.new_page()
        link = open_theme(page, live_server)
        expect(page.locator(".char-count")).to_have_count(0)
        evidence(page, FIRST).fill("Valid evidence.")
        evidence(page, SECOND).fill("Too long. " * 600)
        assert click_button(page, "Save and continue").status == 422
        notice = page.locator(".notice-warning")
        expect(notice).to_contain_text(f"Saved: {FIRST.code}.")
        expect(notice).to_contain_text(
            f"Not saved, because of an error (marked below): {SECOND.code}."
        )
        expect(evidence(page, SECOND)).to_have_value(("Too long. " * 600).strip())
        assert saved(context, link) == {FIRST.id: {"level": None, "evidence": "Valid evidence."}}
    finally:
        context.close()


def test_after_an_expired_security_check_what_was_typed_stays_in_a_draft(
    context: Any, live_server: str
) -> None:
    page, link = offline_theme(context, live_server)
    context.clear_cookies()  # the session the page's security token belongs to is gone
    evidence(page, FIRST).fill("Typed before the check expired.")
    assert click_button(page, "Save and continue").status == 400
    expect(evidence(page, FIRST)).to_have_value("Typed before the check expired.")
    draft_written(page)
    page.close()  # closed without saving: the draft brings it back
    page = context.new_page()
    goto(page, link + f"theme/{THEME.id}")
    expect(page.locator("#DraftNotice")).to_contain_text(FIRST.code)
    expect(evidence(page, FIRST)).to_have_value("Typed before the check expired.")
    assert saved(context, link) == {}
