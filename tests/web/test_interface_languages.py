"""The interface in Romanian and Russian: the language of a request, the switch, the report
language of an assessment, and no English left on a page shown in Russian.

The Russian walk is the test that fails when a string a user sees is outside the catalogue
(or the catalogue lacks its translation): Russian is written in Cyrillic, so any run of two or
more Latin words on a page in Russian is English that was not translated, unless it is user
data, a checklist text the translation lacks (marked ``lang="en"`` and skipped, with its
subtree), or in the allowlist of proper names below.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from assessor.countries import OSCE_PARTICIPATING_STATES
from tests.support.data import SCHOOL_MEALS
from tests.support.html import Node

SCHOOL_MEALS_RU = SCHOOL_MEALS.with_name("school-meals.ru.yaml")

# Proper names and technical words that stay in Latin letters in a Russian interface.
ALLOWED = (
    "Assessor",
    "OSCE",
    "ODIHR",
    "PDF",
    "JSON",
    "Word",
    "Excel",
    "CSV",
    "UTF-8",
    "xlsx",
    "English",
    "Română",
    "Universal Periodic Review",
    "Referer",
    "https",
    "Test author",  # a speaker's name in the demo checklist's source (names are not translated)
    *OSCE_PARTICIPATING_STATES,  # the country list: names as the answers files store them
)
# User data typed in this test (in Russian, so that it cannot hide English) and the demo
# checklist's English texts shown as they are (marked lang="en" and skipped).
ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[\s,;:.'’()/-]+[A-Za-z]{2,})+")
ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
RUSSIAN_START = {
    "checklist": "school-meals-demo",
    "title": "Оценка школьного питания",
    "organisation": "Министерство образования",
    "country": "Moldova",
    "respondent": "government",
    "report_language": "ru",
}


@pytest.fixture
def checklist_dir(checklist_dir: Path) -> Path:
    """The demo checklist with its Russian translation beside it."""
    shutil.copy(SCHOOL_MEALS_RU, checklist_dir / SCHOOL_MEALS_RU.name)
    return checklist_dir


def texts(page: Any) -> list[str]:
    """The visible text of a page (and the attributes read aloud), outside ``lang="en"``
    subtrees, scripts and styles."""
    found: list[str] = []

    def walk(node: Node) -> None:
        if node.tag in ("script", "style", "template") or node.get("lang") == "en":
            return
        if node.get("aria-hidden") == "true":
            return
        found.extend(node.get(name) or "" for name in ATTRIBUTES)
        if node.tag == "title" or node.tag not in ("head", "meta", "link"):
            for child in node.children:
                if isinstance(child, str):
                    found.append(child)
                else:
                    walk(child)

    walk(page.one("html"))
    return [text for text in found if text.strip()]


def english_runs(page: Any) -> list[str]:
    """The runs of Latin words on a page not in the allowlist."""
    runs = []
    for text in texts(page):
        for allowed in ALLOWED:
            text = text.replace(allowed, " ")
        text = re.sub(r"https?://\S+|/\S*", " ", text)
        runs += [m.group(0) for m in ENGLISH_RUN.finditer(text)]
    return runs


def check_russian(page: Any, where: str, found: dict[str, list[str]]) -> None:
    """Check a page in Russian; record its English runs in ``found``, by page."""
    assert page.one("html")["lang"] == "ru", where
    switch = page.one("nav", class_="language-switch")
    links = switch.find_all("a")
    assert [a["lang"] for a in links] == ["en", "ro", "ru"]
    assert [a.text for a in links] == ["English", "Română", "Русский"]
    runs = english_runs(page)
    if runs:
        found[where] = runs


def token_path(location: str) -> str:
    return location if location.endswith("/") else location + "/"


def test_every_page_in_russian_is_in_russian(pages) -> None:
    found: dict[str, list[str]] = {}
    check_russian(pages.get("/?lang=ru"), "start page", found)
    check_russian(pages.post("/", {"title": ""}, expected_status=422), "start page, errors", found)
    path = token_path(pages.post("/", RUSSIAN_START))
    overview = pages.get(path)
    check_russian(overview, "overview", found)
    theme = pages.get(path + "theme/provision")
    check_russian(theme, "theme", found)
    data = theme.form_data() | {
        "free-meals-eligibility-level": "?",
        "free-meals-nutrition-evidence": "x" * 6000,
        "action": "continue",
    }
    check_russian(
        pages.post(path + "theme/provision", data, expected_status=422), "theme, errors", found
    )
    answered = theme.form_data() | {
        "free-meals-eligibility-level": "partial",
        "free-meals-nutrition-level": "not_in_place",
        "action": "continue",
    }
    pages.post(path + "theme/provision", answered)
    for page, where in (
        ("review", "check your answers"),
        ("results", "results"),
        ("plan", "action plan"),
        ("plan/free-meals-nutrition", "an action"),
        ("asks", "key asks"),
        ("compare", "compare"),
        ("follow-up", "follow-up"),
    ):
        check_russian(pages.get(path + page), where, found)
    check_russian(pages.get("/import"), "import", found)
    check_russian(pages.get("/nothing-here", expected_status=404), "404", found)
    check_russian(pages.get(path + "report?audience=nobody", expected_status=400), "400", found)
    assert found == {}, "\n".join(f"{where}: {runs}" for where, runs in found.items())


def test_the_pages_of_sharing_sign_off_comments_and_history_in_russian(pages) -> None:
    from assessor.web.comments import comment_field

    found: dict[str, list[str]] = {}
    pages.get("/?lang=ru")
    path = token_path(pages.post("/", RUSSIAN_START))
    theme = pages.get(path + "theme/provision")
    pages.post(
        path + "theme/provision",
        theme.form_data()
        | {"free-meals-eligibility-level": "partial", "free-meals-nutrition-level": "planned"},
    )
    pages.post(
        path + "comments/free-meals-nutrition",
        {comment_field("free-meals-nutrition"): "Проверить данные за 2026 год"},
        expected_status=303,
    )
    made = pages.post(path + "access", {"name": "Бюро", "role": "viewer"}, expected_status=200)
    check_russian(made, "access, a new link", found)
    shown = re.search(r"https?://[^/\s\"<]+(/a/[^\s\"<]+)", made.response.get_data(as_text=True))
    assert shown, "the new link is shown once"
    viewer = token_path(shown.group(1))
    for page, where in (
        ("access", "who has access"),
        ("details", "details"),
        ("delete", "delete, confirmation"),
        ("comments", "open comments"),
        ("history", "history"),
        ("history/free-meals-nutrition", "history of a criterion"),
        ("versions", "versions, none yet"),
    ):
        check_russian(pages.get(path + page), where, found)
    pages.post(path + "sign-off", {"by": "Иван Петров"})
    for page, where in (
        ("versions", "versions"),
        ("versions/1", "a version's results"),
        ("versions/1/compare", "a version beside now"),
        ("theme/provision", "a signed-off theme, read-only"),
        ("results", "results, signed off"),
    ):
        check_russian(pages.get(path + page), where, found)
    check_russian(pages.get(viewer + "theme/provision"), "a viewer's theme, read-only", found)
    check_russian(pages.get(viewer + "access", expected_status=403), "403", found)
    assert found == {}, "\n".join(f"{where}: {runs}" for where, runs in found.items())


def test_the_language_comes_from_the_address_then_the_session_then_the_browser(
    client,
) -> None:
    def lang_of(url: str, **headers: str) -> str:
        html = client.get(url, headers=headers).get_data(as_text=True)
        found = re.search(r'<html lang="([a-z]+)">', html)
        assert found
        return found.group(1)

    assert lang_of("/") == "en"
    assert lang_of("/", **{"Accept-Language": "ro-MD,ro;q=0.9,en;q=0.5"}) == "ro"
    assert lang_of("/", **{"Accept-Language": "de, ru;q=0.8"}) == "ru"
    assert lang_of("/", **{"Accept-Language": "de"}) == "en"
    assert lang_of("/?lang=zz") == "en"  # not offered: ignored
    assert lang_of("/import?lang=ro", **{"Accept-Language": "ru"}) == "ro"
    assert lang_of("/", **{"Accept-Language": "ru"}) == "ro"  # remembered in the session
    assert lang_of("/?lang=en") == "en"
    assert lang_of("/", **{"Accept-Language": "ru"}) == "en"


def test_the_switch_keeps_the_page_and_its_query(pages) -> None:
    page = pages.get("/import?lang=ro&x=1")
    links = page.one("nav", class_="language-switch").find_all("a")
    assert [a["href"] for a in links] == [
        "/import?x=1&lang=en",
        "/import?x=1&lang=ro",
        "/import?x=1&lang=ru",
    ]
    assert [a.get("aria-current") for a in links] == [None, "true", None]
    assert page.one("html")["lang"] == "ro"


@pytest.mark.parametrize("lang", ["ro", "ru"])
def test_an_assessment_keeps_its_report_language(app, pages, lang) -> None:
    from assessor import store
    from assessor.web.results import LANGUAGE_NAMES

    path = token_path(pages.post("/?lang=en", {**RUSSIAN_START, "report_language": lang}))
    results = pages.get(path + "results")
    chosen = [
        r["value"]
        for r in results.find_all("input", type="radio", name="report_language")
        if "checked" in r.attrs
    ]
    assert chosen == [lang]
    labels = results.find_all("label", for_="report_language-1")
    assert labels[0]["lang"] == "ro" and labels[0].text == LANGUAGE_NAMES["ro"]
    pages.post(path + "report-language", {"report_language": "en"})
    token = path.rstrip("/").rsplit("/", 1)[1]
    with app.app_context():
        assessment = store.get_by_token(token)
        assert assessment is not None and assessment.report_language == "en"
    pages.post(path + "report-language", {"report_language": "xx"}, expected_status=400)


def test_the_start_page_offers_the_report_language_of_the_page(pages) -> None:
    page = pages.get("/?lang=ru")
    checked = [
        r["value"]
        for r in page.find_all("input", type="radio", name="report_language")
        if "checked" in r.attrs
    ]
    assert checked == ["ru"]
