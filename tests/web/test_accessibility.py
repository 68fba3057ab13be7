"""Plain, accessible HTML: landmarks, labels, fieldsets, working links to fields."""

from __future__ import annotations

from collections import Counter
from typing import Any


def check_page(page: Any, lang: str = "en") -> None:
    html = page.one("html")
    assert html.get("lang") == lang
    assert page.one("meta", name="viewport")
    assert len(page.find_all("h1")) == 1
    assert page.one("main")["id"] == "Content"
    assert page.one("a", class_="skip-link")["href"] == "#Content"
    assert page.one("header") and page.one("footer")
    ids = Counter(node["id"] for node in page.iter() if "id" in node.attrs)
    assert [i for i, n in ids.items() if n > 1] == [], "duplicate ids"
    for node in page.iter():
        for ref in (node.get("aria-describedby") or "").split():
            assert ref in ids, f"aria-describedby={ref} points nowhere"
        if node.tag == "a" and (node.get("href") or "").startswith("#"):
            assert node["href"][1:] in ids, f"link to missing {node['href']}"
        if node.tag == "button":
            assert node.text
    for control in page.iter():
        if control.tag not in {"input", "select", "textarea"}:
            continue
        if control.get("type") in {"hidden", "submit"}:
            continue
        labels = page.find_all("label", for_=control["id"])
        assert len(labels) == 1 and labels[0].text, f"no label for {control}"
        if control.get("type") == "radio":
            fieldset = ancestor(control, "fieldset")
            assert fieldset is not None, f"radio outside a fieldset: {control}"
            legend = next(c for c in fieldset.children if not isinstance(c, str))
            assert legend.tag == "legend" and legend.text


def ancestor(node: Any, tag: str) -> Any:
    while node.parent is not None:
        node = node.parent
        if node.tag == tag:
            return node
    return None


def test_every_page_is_accessible(pages, started) -> None:
    check_page(pages.get("/"))
    check_page(pages.post("/", {"title": ""}, expected_status=422))
    check_page(pages.get(started))
    theme = pages.get(started + "theme/provision")
    check_page(theme)
    data = theme.form_data() | {
        "free-meals-eligibility-level": "?",
        "action": "continue",
        "free-meals-nutrition-evidence": "x" * 6000,
    }
    errors = pages.post(started + "theme/provision", data, expected_status=422)
    check_page(errors)
    assert len(errors.error_summary()) == 2
    check_page(pages.get(started + "review"))
    check_page(pages.get("/import"))
    check_page(pages.get("/a/unknown/", expected_status=404))


def test_error_summary_is_announced_and_focused(pages) -> None:
    page = pages.post("/", {"title": ""}, expected_status=422)
    summary = page.one("div", class_="error-summary")
    assert summary["role"] == "alert"
    assert "autofocus" in summary.attrs
    assert summary["tabindex"] == "-1"


def test_comment_and_history_pages_are_accessible(pages, started) -> None:
    criterion = "free-meals-eligibility"
    check_page(pages.post(started + f"comments/{criterion}", {}, expected_status=422))
    pages.post(started + f"comments/{criterion}", {f"comment-{criterion}": "Which decree?"}, 303)
    theme = pages.get(started + "theme/provision")
    check_page(theme)
    data = theme.form_data() | {f"{criterion}-level": "planned", "action": "continue"}
    pages.post(started + "theme/provision", data)
    check_page(pages.get(started + "comments"))
    check_page(pages.get(started + "history"))
    check_page(pages.get(started + f"history/{criterion}"))


def test_sharing_pages_are_accessible(pages, started) -> None:
    check_page(pages.get(started + "access"))
    check_page(pages.post(started + "access", {"role": "contributor"}, expected_status=422))
    made = pages.post(
        started + "access", {"name": "Ministry of Health", "role": "viewer"}, expected_status=200
    )
    check_page(made)
    viewer = made.one("input", id="NewLink")["value"]
    viewer_path = viewer[viewer.index("/a/") :]
    check_page(pages.get(viewer_path + "theme/provision"))
    check_page(pages.get(viewer_path + "access", expected_status=403))
    check_page(pages.get(started + "details"))
    check_page(pages.post(started + "details", {"title": ""}, expected_status=422))
    check_page(pages.get(started + "versions"))
    pages.post(started + "sign-off", {"by": "Minister"}, 302)
    check_page(pages.get(started + "versions"))
    check_page(pages.get(started + "theme/provision"))
    check_page(pages.get(started + "versions/1"))
    check_page(pages.get(started + "versions/1/compare"))
    check_page(pages.get(started + "delete"))


def test_pages_in_romanian_and_russian_are_accessible(pages, started) -> None:
    """The same checks in each interface language; the language switch's links name their
    language in it (lang attribute)."""
    for lang in ("ro", "ru"):
        for path in ("/", started, started + "theme/provision", started + "results"):
            page = pages.get(f"{path}?lang={lang}")
            check_page(page, lang)
            switch = page.one("nav", class_="language-switch")
            assert switch.get("aria-label")
            assert [a["lang"] for a in switch.find_all("a")] == ["en", "ro", "ru"]
        check_page(pages.post("/", {"title": ""}, expected_status=422), lang)
