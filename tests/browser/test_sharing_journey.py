"""Working together on one assessment, in three browsers (issue 16): an owner shares it with a
contributor (one theme) and a viewer; each can do only what their role allows; the owner signs
it off and revokes the viewer's link."""

from __future__ import annotations

from typing import Any

from actions import OSCE, START, click_button, goto, start_assessment
from live import new_context
from playwright.sync_api import expect


def make_link(page: Any, base: str, name: str, role: str, theme_title: str | None = None) -> str:
    """On the owner's "Who has access" page, make a link; return its path (shown once)."""
    page.get_by_label("Who is it for?").fill(name)
    page.get_by_label(role).check()
    if theme_title is not None:
        page.get_by_label(theme_title, exact=True).check()
    click_button(page, "Make the link")
    expect(page.get_by_role("status").first).to_contain_text("Copy this link now")
    return str(page.locator("#NewLink").input_value()).removeprefix(base)


def test_owner_contributor_and_viewer_in_three_browsers(browser: Any, live_server: str) -> None:
    base = live_server
    owner_context, contributor_context, viewer_context = (new_context(browser) for _ in range(3))
    try:
        owner = owner_context.new_page()
        start_assessment(owner, base, {**START, "title": "Shared integration review"})
        home = owner.url.removeprefix(base)
        goto(owner, base + home + "access")
        first, second = OSCE.themes[0], OSCE.themes[1]
        contributor_path = make_link(
            owner,
            base,
            "Ministry of Education",
            "Contributor: answers the themes you choose below",
            f"{first.code} {first.title}",
        )
        viewer_path = make_link(
            owner, base, "Statistics Office", "Viewer: reads everything, results and downloads too"
        )
        table = owner.locator("table.access-table")
        expect(table).to_contain_text("Ministry of Education")
        expect(table).to_contain_text("Statistics Office")

        # The contributor answers its theme, and sees the next one read-only.
        contributor = contributor_context.new_page()
        goto(contributor, base + contributor_path + f"theme/{first.id}")
        criterion = first.criteria[0]
        contributor.locator(f"fieldset#{criterion.id}").get_by_role(
            "radio", name="Partially in place", exact=True
        ).check()
        click_button(contributor, "Save and continue")
        expect(contributor.get_by_role("status").first).to_contain_text("are saved")
        goto(contributor, base + contributor_path + f"theme/{second.id}")
        expect(contributor.locator("#ReadOnlyNotice")).to_contain_text("read-only")
        assert contributor.locator("#ThemeForm").count() == 0

        # The viewer reads, sees no edit button, and a forged change is refused.
        viewer = viewer_context.new_page()
        goto(viewer, base + viewer_path)
        expect(viewer.locator("#YourLink")).to_contain_text("Statistics Office")
        assert viewer.get_by_role("link", name="Who has access").count() == 0
        goto(viewer, base + viewer_path + f"theme/{first.id}")
        expect(viewer.locator(f"#{criterion.id}")).to_contain_text("Partially in place")
        assert viewer.locator("#ThemeForm").count() == 0
        goto(viewer, base + viewer_path + "compare")
        csrf = viewer.locator("input[name=csrf_token]").first.input_value()
        forged = viewer.request.post(
            base + viewer_path + f"theme/{first.id}",
            form={"csrf_token": csrf, f"{criterion.id}-level": "full"},
            headers={"Referer": base + viewer_path + "compare"},
        )
        assert forged.status == 403
        goto(viewer, base + viewer_path + "review")
        expect(viewer.locator("main")).to_contain_text("Partially in place")

        # The owner sees who did what, signs off: the contributor's page turns read-only.
        goto(owner, base + home + "versions")
        owner.get_by_label("Signed off by").fill("Minister of Education")
        click_button(owner, "Sign off as final")
        goto(contributor, base + contributor_path + f"theme/{first.id}")
        expect(contributor.locator("#ReadOnlyNotice")).to_contain_text("signed off")
        goto(viewer, base + viewer_path + "results")
        expect(viewer.locator("#SignedOffNotice")).to_contain_text("by Minister of Education")

        # The owner revokes the viewer's link: it answers like a wrong one.
        goto(owner, base + home + "access")
        owner.get_by_role("button", name="Revoke the link for Statistics Office").click()
        owner.wait_for_load_state()
        expect(owner.get_by_role("status").first).to_contain_text("is revoked")
        gone = goto(viewer, base + viewer_path)
        assert gone.status == 404
    finally:
        for context in (owner_context, contributor_context, viewer_context):
            context.close()
