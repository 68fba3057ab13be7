"""What a user does in the browser, as reusable steps, and the answers the tests give.

Steps act through what a user sees: labels, button names, links. Each step that loads a page
returns the server's response for it, so its exact HTML can be checked by vnu.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assessor.checklist import Checklist, Criterion, GoodPractice, Theme, load_checklist
from assessor.levels import LEVEL_KEYS, LEVELS_BY_KEY

ROOT = Path(__file__).resolve().parents[2]
OSCE = load_checklist(ROOT / "checklists" / "osce-odihr-2017-migrant-integration.yaml")

# Ranked gaps; "Don't know" and unanswered are evidence to collect, listed apart.
GAP_LEVELS = {"not_in_place", "planned", "partial"}

START = {
    "title": "National integration strategy review, 2026",
    "organisation": "Ministry of Labour and Social Protection",
    "country": "Moldova",
    "respondent": "Government body",
}

# Evidence with the characters officials type: accents, Cyrillic, quotes, dashes, links.
EVIDENCE = (
    "Hotărârea Guvernului nr. 1009/2023, art. 4 – https://example.org/hg-1009",
    "Annual report of the Bureau for Migration and Asylum (2025), section 3.2.",
    "Програма інтеграції 2024–2027; budget line 12.04 «integration courses».",
    "Minutes of the inter-ministerial working group, 14 March 2026.\nSee also the 2025 audit.",
)


def planned_answers(checklist: Checklist = OSCE) -> dict[str, dict[str, Any]]:
    """A full set of answers with every level used and evidence on two criteria in three."""
    answers: dict[str, dict[str, Any]] = {}
    for index, criterion in enumerate(checklist.criteria):
        evidence = "" if index % 3 == 2 else EVIDENCE[index % len(EVIDENCE)]
        answers[criterion.id] = {"level": LEVEL_KEYS[index % len(LEVEL_KEYS)], "evidence": evidence}
    return answers


def gaps(answers: dict[str, dict[str, Any]], checklist: Checklist = OSCE) -> list[Criterion]:
    """The criteria these answers leave as ranked gaps: not in place, planned or partial."""
    return [c for c in checklist.criteria if answers[c.id]["level"] in GAP_LEVELS]


def practices_for(criteria: list[Criterion], checklist: Checklist = OSCE) -> list[GoodPractice]:
    """The good practices linked to these criteria (through their recommendations)."""
    ids = {c.id for c in criteria}
    found: dict[str, GoodPractice] = {}
    for rec in checklist.recommendations:
        if ids & {c.id for c in rec.criteria}:
            found.update((gp.id, gp) for gp in checklist.good_practices_for(rec))
    return list(found.values())


def letters(text: str) -> str:
    """Text reduced to lower-case letters and digits: line breaks, hyphenation and spacing
    differ between the source and what a PDF's text layer gives back."""
    return re.sub(r"[\W_]+", "", text.lower())


def answers_file(
    answers: dict[str, dict[str, Any]], checklist: Checklist = OSCE, title: str | None = None
) -> dict[str, Any]:
    """An answers file (as exported by the app) holding these answers."""
    return {
        "checklist": checklist.id,
        "checklist_version": checklist.version,
        "assessment": {
            "title": title or START["title"],
            "organisation": START["organisation"],
            "country": START["country"],
            "respondent": "government",
        },
        "answers": answers,
    }


# -- loading pages ----------------------------------------------------------------------------


def load(page: Any, action: Callable[[], Any]) -> Any:
    """Do something that loads a new page (click, press Enter); return the server's response.

    Returns once the new page has loaded, with the response for the page itself (after any
    redirect), so its exact HTML can be read.
    """
    with page.expect_navigation() as navigation:
        action()
    return navigation.value


def goto(page: Any, url: str) -> Any:
    """Open an address, as typed in the address bar or opened from a bookmark."""
    return page.goto(url)


def click_button(page: Any, name: str) -> Any:
    """Press a button (by its visible name) that submits a form."""
    return load(page, lambda: page.get_by_role("button", name=name, exact=True).click())


def click_link(page: Any, name: str) -> Any:
    """Follow a link (by its visible text)."""
    return load(page, lambda: page.get_by_role("link", name=name, exact=True).first.click())


# -- the steps --------------------------------------------------------------------------------


def fill_start_form(page: Any, start: dict[str, str] = START) -> None:
    """Fill in the start page's form (the default checklist is the OSCE one)."""
    page.get_by_label("Title of this assessment").fill(start["title"])
    page.get_by_label("Organisation").fill(start["organisation"])
    page.get_by_label("Country").select_option(label=start["country"])
    page.get_by_role("radio", name=start["respondent"], exact=True).check()


def start_assessment(page: Any, base: str, start: dict[str, str] = START) -> Any:
    """Open the start page, fill it in, start; return the response (the new overview)."""
    goto(page, base + "/")
    fill_start_form(page, start)
    return click_button(page, "Start the assessment")


def private_link(page: Any) -> str:
    """The private link as shown on the page."""
    return str(page.locator("#PrivateLink .private-link-url a").get_attribute("href"))


def answer_theme(page: Any, theme: Theme, answers: dict[str, dict[str, Any]]) -> None:
    """On a theme page, choose each criterion's level and type its evidence, as planned."""
    for criterion in theme.criteria:
        answer = answers.get(criterion.id)
        if answer is None:
            continue
        group = page.locator(f"fieldset#{criterion.id}")
        if answer["level"]:
            label = LEVELS_BY_KEY[answer["level"]].label
            group.get_by_role("radio", name=label, exact=True).check()
        evidence = page.locator(f"textarea[name='{criterion.id}-evidence']")
        evidence.fill(answer["evidence"])


def upload_answers(page: Any, base: str, content: bytes, name: str = "answers.json") -> Any:
    """Open the import page, choose a file, import it; return the response."""
    goto(page, base + "/import")
    page.get_by_label("Answers file (JSON)").set_input_files(
        {"name": name, "mimeType": "application/json", "buffer": content}
    )
    return click_button(page, "Import as a new assessment")


def import_answers(page: Any, base: str, answers: dict[str, Any], title: str) -> Any:
    """Create an assessment from an answers file through the import page."""
    data = json.dumps(answers_file(answers, title=title), ensure_ascii=False).encode()
    response = upload_answers(page, base, data)
    assert response.status == 200, response.status
    return response


def fetch_pdf(context: Any, url: str, timeout: float = 90) -> bytes:
    """Get a report PDF over HTTP, as often as needed: while it is being made, the server answers
    with its "being prepared" page instead (and makes it in the background)."""
    deadline = time.monotonic() + timeout
    while True:
        response = context.request.get(url)
        if response.headers.get("content-type") == "application/pdf":
            assert response.status == 200, response.status
            body: bytes = response.body()
            return body
        assert response.status in {200, 202}, f"{url}: {response.status}"
        assert time.monotonic() < deadline, f"{url}: no PDF after {timeout} s"
        time.sleep(0.5)


def main_text(page: Any) -> str:
    """The text of the page's main content, white space collapsed."""
    return " ".join(page.locator("main").inner_text().split())
