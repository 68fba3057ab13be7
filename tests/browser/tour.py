"""A tour of every kind of page, in one browser tab, as a user reaches each.

``tour(page, base)`` yields a :class:`Visit` while each kind of page is on screen: the
accessibility test runs axe on it, the HTML test collects its HTML for vnu, and
`make screenshots` photographs it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from actions import (
    OSCE,
    START,
    answer_theme,
    answers_file,
    click_button,
    click_link,
    fill_start_form,
    goto,
    import_answers,
    load,
    planned_answers,
    upload_answers,
)

from tests.support.pdf_files import pdf_without_attachments

#: Every kind of page the tour shows, in order (names are stable: tests and files use them).
KINDS = (
    "start",
    "start-errors",
    "overview-new",
    "theme-empty",
    "theme-restored",
    "theme-errors",
    "overview-in-progress",
    "review-incomplete",
    "theme-change",
    "review-after-change",
    "import",
    "import-errors",
    "overview-complete",
    *(f"theme-{n}" for n in range(1, len(OSCE.themes) + 1)),
    "review-complete",
    "results",
    "plan-empty",
    "action-new",
    "action-errors",
    "plan",
    "asks-suggested",
    "asks-saved",
    "comment-errors",
    "theme-comments",
    "comments-open",
    "history",
    "history-criterion",
    "follow-up",
    "follow-up-errors",
    "theme-follow-up",
    "comparison-progress",
    "compare",
    "compare-errors",
    "comparison-differences",
    "access",
    "access-errors",
    "access-new-link",
    "theme-read-only",
    "error-403",
    "details",
    "details-errors",
    "versions",
    "versions-signed-off",
    "theme-signed-off",
    "version",
    "version-compare",
    "delete",
    "report-preparing",
    "report-ready",
    "error-400",
    "error-404",
    "error-413",
    "error-csrf",
    "start-expired",
    # The interface in Romanian and Russian (issue 18): a few kinds of page in each language.
    *(
        f"{lang}-{kind}"
        for lang in ("ro", "ru")
        for kind in ("start", "theme", "results", "plan", "error-404")
    ),
)


@dataclass(frozen=True)
class Visit:
    """One kind of page, as the server sent it."""

    kind: str
    url: str
    status: int
    html: str


def _visit(kind: str, response: Any) -> Visit:
    return Visit(kind, response.url, response.status, response.text())


def tour(page: Any, base: str) -> Iterator[Visit]:
    """Show every kind of page in ``page`` in turn; yield each while it is on screen."""
    answers = planned_answers()
    first = OSCE.themes[0]

    yield _visit("start", goto(page, base + "/"))
    yield _visit("start-errors", click_button(page, "Start the assessment"))

    fill_start_form(page)
    yield _visit("overview-new", click_button(page, "Start the assessment"))
    token_path = page.url.removeprefix(base)
    yield _visit("theme-empty", click_link(page, "Start answering"))

    # Typed while the service cannot be reached (the automatic save says so, and one evidence
    # is over its limit), then reloaded: the draft kept in the browser comes back.
    page.route("**/criterion/**", lambda route: route.abort())
    page.locator(f"textarea[name='{first.criteria[0].id}-evidence']").fill("Typed, not saved.")
    page.locator(f"textarea[name='{first.criteria[2].id}-evidence']").fill("Long. " * 1000)
    page.locator(f"#{first.criteria[0].id}-autosave").filter(has_text="Not saved").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    restored = page.reload()
    page.locator(f"textarea[name='{first.criteria[1].id}-evidence']").fill("Typed after.")
    page.locator(f"#{first.criteria[1].id}-autosave").filter(has_text="Not saved").wait_for()
    page.locator("#DraftNotice").wait_for()
    yield _visit("theme-restored", restored)
    page.unroute("**/criterion/**")
    page.locator(f"textarea[name='{first.criteria[1].id}-evidence']").fill("")
    page.get_by_role("button", name="Discard what was restored").click()

    answer_theme(page, first, {c.id: answers[c.id] for c in first.criteria[:6]})
    too_long = [first.criteria[1].id, first.criteria[4].id]
    for criterion_id in too_long:
        page.locator(f"textarea[name='{criterion_id}-evidence']").fill("Long evidence. " * 400)
    yield _visit("theme-errors", click_button(page, "Save and continue"))

    for criterion_id in too_long:
        evidence = page.locator(f"textarea[name='{criterion_id}-evidence']")
        evidence.fill(answers[criterion_id]["evidence"])
    yield _visit("overview-in-progress", click_button(page, "Save and come back later"))
    yield _visit("review-incomplete", goto(page, base + token_path + "review"))
    # "Change" on the check-your-answers page: the criterion on its theme page, then back.
    change = page.get_by_role("link", name=re.compile("^Change the answer to")).nth(6)
    yield _visit("theme-change", load(page, change.click))
    yield _visit("review-after-change", click_button(page, "Save and go back to your answers"))

    yield _visit("import", goto(page, base + "/import"))
    wrong = {"checklist": OSCE.id, "assessment": {"title": ""}, "answers": {"nope": {}}}
    yield _visit("import-errors", upload_answers(page, base, json.dumps(wrong).encode()))

    title = "Integration framework assessment 2026"
    yield _visit("overview-complete", import_answers(page, base, answers, title))
    complete = page.url.removeprefix(base)
    for number, theme in enumerate(OSCE.themes, start=1):
        url = f"{base}{complete}theme/{theme.id}"
        yield _visit(f"theme-{number}", goto(page, url))
    yield _visit("review-complete", goto(page, base + complete + "review"))
    yield _visit("results", goto(page, base + complete + "results"))

    # The action plan: empty, then an action recorded for the first gap (once refused).
    yield _visit("plan-empty", goto(page, base + complete + "plan"))
    plan_first = page.get_by_role("link", name=re.compile("^Plan an action")).first
    yield _visit("action-new", load(page, plan_first.click))
    page.get_by_label("Due date").fill("2027-06-30")
    yield _visit("action-errors", click_button(page, "Save the action"))
    page.get_by_label("What will be done", exact=False).fill("Adopt the programme by decree.")
    page.get_by_label("Owner", exact=True).fill("Ministry of Labour")
    yield _visit("plan", click_button(page, "Save the action"))

    # The key asks of the advocacy brief: suggested from the top gaps, then saved.
    yield _visit("asks-suggested", goto(page, base + complete + "asks"))
    yield _visit("asks-saved", click_button(page, "Save these suggestions"))

    # A comment beside a criterion (refused once, empty), the open comments, and the history
    # of the assessment and of one criterion.
    commented = OSCE.themes[0].criteria[0]
    goto(page, f"{base}{complete}theme/{OSCE.themes[0].id}")
    page.locator(f"#Comments-{commented.id} summary").click()
    yield _visit("comment-errors", click_button(page, f"Add comment on {commented.code}"))
    page.get_by_label("Your comment", exact=True).fill("Which decree sets this out?")
    yield _visit("theme-comments", click_button(page, "Add comment"))
    yield _visit("comments-open", goto(page, base + complete + "comments"))
    yield _visit("history", goto(page, base + complete + "history"))
    yield _visit("history-criterion", goto(page, f"{base}{complete}history/{commented.id}"))
    # A follow-up of the complete assessment (once refused), with one answer raised since.
    goto(page, base + complete)
    yield _visit("follow-up", click_link(page, "Start a follow-up assessment"))
    title_field = page.get_by_label("Title of the follow-up assessment")
    title_field.fill("")
    yield _visit("follow-up-errors", click_button(page, "Start the follow-up"))
    title_field = page.get_by_label("Title of the follow-up assessment")
    title_field.fill("Integration framework assessment 2027")
    click_button(page, "Start the follow-up")
    follow_up = page.url.removeprefix(base)
    yield _visit("theme-follow-up", goto(page, f"{base}{follow_up}theme/{first.id}"))
    raised = page.locator(f"fieldset#{first.criteria[0].id}")
    raised.get_by_role("radio", name="Fully in place", exact=True).check()
    click_button(page, "Save and continue")
    yield _visit("comparison-progress", goto(page, base + follow_up + "comparison/baseline"))

    # Compared with another's view: first a PDF that carries no answers, then an NGO's file.
    yield _visit("compare", goto(page, base + complete + "compare"))
    chooser = page.get_by_label("Answers file (JSON) or PDF report made by Assessor")
    chooser.set_input_files(
        {"name": "printed.pdf", "mimeType": "application/pdf", "buffer": pdf_without_attachments()}
    )
    yield _visit("compare-errors", click_button(page, "Compare"))
    shadow = answers_file(
        {cid: {**a, "level": "not_in_place"} for cid, a in list(answers.items())[::4]},
        title="Shadow assessment 2026",
    )
    shadow["assessment"]["organisation"] = "Migrant Rights Forum"
    shadow["assessment"]["respondent"] = "ngo"
    chooser = page.get_by_label("Answers file (JSON) or PDF report made by Assessor")
    chooser.set_input_files(
        {
            "name": "shadow.json",
            "mimeType": "application/json",
            "buffer": json.dumps(shadow, ensure_ascii=False).encode(),
        }
    )
    yield _visit("comparison-differences", click_button(page, "Compare"))

    # Sharing: who has access (a refused form, then a contributor's link, shown once); that
    # contributor sees another theme read-only and is refused the owner's page; the details;
    # sign-off (the theme pages read-only), a version, what changed since; re-opening; the
    # confirmation before deleting.
    yield _visit("access", goto(page, base + complete + "access"))
    yield _visit("access-errors", click_button(page, "Make the link"))
    page.get_by_label("Who is it for?").fill("Ministry of Education")
    page.get_by_label("Contributor: answers the themes you choose below").check()
    page.get_by_label(f"{OSCE.themes[0].code} {OSCE.themes[0].title}", exact=True).check()
    yield _visit("access-new-link", click_button(page, "Make the link"))
    shared = page.locator("#NewLink").input_value().removeprefix(base)
    yield _visit("theme-read-only", goto(page, f"{base}{shared}theme/{OSCE.themes[1].id}"))
    yield _visit("error-403", goto(page, base + shared + "access"))
    yield _visit("details", goto(page, base + complete + "details"))
    page.get_by_label("Title of this assessment").fill("")
    yield _visit("details-errors", click_button(page, "Save the details"))
    yield _visit("versions", goto(page, base + complete + "versions"))
    page.get_by_label("Signed off by").fill("Minister of the Interior")
    yield _visit("versions-signed-off", click_button(page, "Sign off as final"))
    yield _visit("theme-signed-off", goto(page, f"{base}{complete}theme/{OSCE.themes[0].id}"))
    yield _visit("version", goto(page, base + complete + "versions/1"))
    yield _visit("version-compare", goto(page, base + complete + "versions/1/compare"))
    goto(page, base + complete + "versions")
    click_button(page, "Re-open for changes")
    yield _visit("delete", goto(page, base + complete + "delete"))

    # The PDF is made in the background: a page says so, checks until it is ready (a script,
    # not a reload), then starts the download by itself and stays on screen.
    status = f"{base}{complete}report?audience=ngo"
    with page.expect_download(timeout=90_000):
        yield _visit("report-preparing", goto(page, status))
    with page.expect_download():
        ready = page.goto(status, wait_until="commit")  # made: the download starts at once
    page.wait_for_load_state()
    yield _visit("report-ready", ready)

    yield _visit("error-400", goto(page, base + complete + "report.pdf?audience=minister"))
    yield _visit("error-404", goto(page, base + "/a/" + "x" * 43 + "/"))
    yield _visit("error-413", upload_answers(page, base, b" " * (5 * 1024 * 1024)))

    # A form sent without the session its security token belongs to (cookies lost).
    goto(page, base + "/import")
    page.context.clear_cookies()
    yield _visit("error-csrf", click_button(page, "Import as a new assessment"))
    goto(page, base + "/")
    fill_start_form(page, {**START, "title": "Typed before the cookies were lost"})
    page.context.clear_cookies()
    yield _visit("start-expired", click_button(page, "Start the assessment"))

    # The same kinds of page in Romanian and Russian (the language is then remembered).
    for lang in ("ro", "ru"):
        yield _visit(f"{lang}-start", goto(page, f"{base}/?lang={lang}"))
        yield _visit(f"{lang}-theme", goto(page, f"{base}{complete}theme/{first.id}"))
        yield _visit(f"{lang}-results", goto(page, f"{base}{complete}results"))
        yield _visit(f"{lang}-plan", goto(page, f"{base}{complete}plan"))
        yield _visit(f"{lang}-error-404", goto(page, base + "/a/" + "x" * 43 + "/"))
    goto(page, f"{base}/?lang=en")
