"""A journey by keyboard only: Tab, arrows, Space and Enter; focus visible at every step."""

from __future__ import annotations

from typing import Any

from actions import OSCE, goto, load, main_text
from playwright.sync_api import expect

# What has focus, and whether it is visibly marked (outline or box-shadow ring) and on screen.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const ring = style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name') || '',
    text: (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 80),
    marked: outline || ring,
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
  };
}"""


class Keyboard:
    """A user with a keyboard only, who checks that focus is visible at every step."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.unmarked: list[dict[str, Any]] = []

    def focused(self) -> dict[str, Any]:
        """What has focus now."""
        focus: dict[str, Any] = self.page.evaluate(FOCUSED)
        return focus

    def press(self, key: str) -> dict[str, Any]:
        """Press a key; return what has focus after it."""
        self.page.keyboard.press(key)
        focus = self.focused()
        if focus["tag"] != "body" and not (focus["marked"] and focus["onScreen"]):
            self.unmarked.append(focus)
        return focus

    def tab_to(self, text: str | None = None, name: str | None = None, limit: int = 300) -> None:
        """Press Tab until the element with this text (or form field name) has focus."""
        seen = []
        for _ in range(limit):
            focus = self.press("Tab")
            seen.append(focus["text"] or focus["name"])
            if (text is not None and focus["text"] == text) or (
                name is not None and focus["name"] == name
            ):
                return
        raise AssertionError(f"Tab never reached {text or name!r}; focus went to {seen[:40]}")

    def enter(self) -> Any:
        """Press Enter on a link or button that loads a page; return the response."""
        return load(self.page, lambda: self.page.keyboard.press("Enter"))


def test_keyboard_only_journey(page: Any, live_server: str) -> None:
    keys = Keyboard(page)
    goto(page, live_server + "/")

    # The first Tab shows the skip link; it moves focus to the main content.
    focus = keys.press("Tab")
    assert (focus["tag"], focus["text"]) == ("a", "Skip to main content")
    keys.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # Submitting the empty form: the error summary takes focus; its links lead to the fields.
    keys.tab_to("Start the assessment")
    assert keys.enter().status == 422
    expect(page.get_by_role("alert")).to_be_focused()  # autofocus, once the page is shown
    assert keys.focused()["text"].startswith("There is a problem")
    focus = keys.press("Tab")
    assert focus["text"] == "Enter a title for this assessment"
    keys.press("Enter")
    expect(page.get_by_label("Title of this assessment")).to_be_focused()
    page.keyboard.type("Keyboard review 2026")
    keys.press("Tab")
    page.keyboard.type("Ministry of the Interior")
    assert keys.press("Tab")["id"] == "country"
    page.keyboard.type("Moldova")
    expect(page.locator("#country")).to_have_value("Moldova")
    focus = keys.press("Tab")
    assert (focus["name"], focus["text"]) == ("respondent", "government")
    keys.press("Space")
    keys.tab_to("Start the assessment")
    assert keys.enter().status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Keyboard review 2026")

    # Start answering; open the levels' explanation; answer three criteria with arrows.
    keys.tab_to("Start answering")
    keys.enter()
    theme = OSCE.themes[0]
    expect(page.get_by_role("heading", level=1)).to_have_text(theme.title)
    keys.tab_to("What the levels mean")
    keys.press("Enter")
    expect(page.locator("details.levels-help")).to_have_attribute("open", "")
    chosen = {}
    for arrows, criterion in enumerate(theme.criteria[:3]):
        keys.tab_to(name=f"{criterion.id}-level")
        if arrows == 0:
            keys.press("Space")  # the first level
        for _ in range(arrows):
            keys.press("ArrowDown")  # moves to the next level and chooses it
        chosen[criterion.id] = keys.focused()["text"]
        assert keys.press("Tab")["name"] == f"{criterion.id}-evidence"
        page.keyboard.type(f"Typed for {criterion.id}.")
    assert list(chosen.values()) == ["not_in_place", "planned", "partial"]

    keys.tab_to("Save and come back later")
    keys.enter()
    assert "3 of 58 answered" in main_text(page)
    expect(page.get_by_role("status")).to_contain_text("are saved")

    keys.tab_to("Check your answers")
    keys.enter()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    assert "55 of 58 criteria have no level chosen yet" in main_text(page)

    # The results, and the PDF for an NGO: the audience chosen with an arrow key.
    keys.tab_to("See the results and download the PDF")
    keys.enter()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results")
    keys.tab_to(name="audience")
    assert keys.focused()["text"] == "government"  # the chosen one takes focus
    assert keys.press("ArrowDown")["text"] == "ngo"
    keys.tab_to("Download PDF")
    with page.expect_download(timeout=90_000) as download:  # made in the background
        page.keyboard.press("Enter")
    assert "-ngo-" in download.value.suggested_filename
    assert download.value.path().read_bytes().startswith(b"%PDF-")

    assert keys.unmarked == [], "focus was not visible on these"
