"""The key asks page: suggestions, saving, editing, ordering, adding, removing, limits,
conflicts, CSRF, and the answers file (export, import, the PDF's attachment)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask import Flask

from assessor import store
from assessor.asks import MAX_ASK_TITLE_CHARS, MAX_ASKS, Ask
from assessor.checklist import load_checklist
from tests.support.data import SCHOOL_MEALS
from tests.web.test_import_export import upload

ELIGIBILITY = "free-meals-eligibility"  # 1.1.a, "partial"
NUTRITION = "free-meals-nutrition"  # 1.1.b, "full"
UPTAKE = "monitoring-uptake"  # 2.1.a, "not_in_place": the first gap
QUALITY = "monitoring-quality"  # 2.1.b, unanswered: evidence to collect

TYPED = {
    "title": "Publish who may have a free meal",
    "text": "We ask the Ministry of Education to publish the rules.\nEvery school should see them.",
    "duty_bearer": "the Ministry of Education",
    "by_when": "before the 2027 school year",
}


@pytest.fixture
def assessment(pages, started: str) -> str:
    """An assessment with two gaps (uptake, eligibility) and one criterion to collect; its link."""
    pages.post(
        started + "theme/provision",
        {f"{ELIGIBILITY}-level": "partial", f"{NUTRITION}-level": "full"},
    )
    pages.post(started + "theme/oversight", {f"{UPTAKE}-level": "not_in_place"})
    return started


def token_of(path: str) -> str:
    return path.strip("/").split("/")[1]


def saved_asks(app: Flask, path: str) -> tuple[Ask, ...]:
    with app.app_context():
        return store.load_asks(store.get_by_token(token_of(path)))


def save_asks(app: Flask, path: str, asks: list[Ask]) -> None:
    """Save a list of asks as another user would have."""
    with app.app_context():
        assessment = store.get_by_token(token_of(path))
        store.replace_asks(assessment, asks, load_checklist(SCHOOL_MEALS))


def form_of(page, action: str) -> dict[str, Any]:
    """What the form posting to ``action`` would submit, checkboxes as lists."""
    form = page.one("form", action=action)
    data: dict[str, Any] = page.form_data(form)
    for name in {box["name"] for box in form.find_all("input", type="checkbox")}:
        data[name] = [
            box["value"]
            for box in form.find_all("input", type="checkbox", name=name)
            if "checked" in box.attrs
        ]
    return data


def typed(prefix: str, criteria: list[str], **changes: str) -> dict[str, Any]:
    return {f"{prefix}-{k}": v for k, v in (TYPED | changes).items()} | {
        f"{prefix}-criteria": criteria
    }


def ask(n: int) -> Ask:
    return Ask(f"Ask number {n}", f"We ask for {n}.", (UPTAKE,), "the State", "by 2027")


def test_with_nothing_saved_the_page_suggests_asks_from_the_top_gaps(pages, assessment) -> None:
    page = pages.get(assessment + "asks")
    assert page.h1 == "Key asks of the advocacy brief"
    assert "A brief needs 3 to 7 asks. You have not saved any yet." in page.text
    assert "the brief uses the suggestions below" in page.one("div", id="FewAsks").text
    note = page.one("section", aria_labelledby="SuggestionsTitle")
    assert "Suggested from your top gaps: edit, then save to keep them" in note.text
    assert note.one("button").text == "Save these suggestions"
    form = form_of(page, f"{assessment}asks/suggestions")
    # The gaps in priority order, one per recommendation; never the criterion to collect.
    assert form["suggestion-1-title"] == "Uptake is measured every year"
    assert form["suggestion-1-text"] == (
        "We ask the Government of Austria to ensure that uptake is measured every year."
    )
    assert form["suggestion-1-duty_bearer"] == "the Government of Austria"
    assert form["suggestion-1-criteria"] == [UPTAKE]
    assert form["suggestion-2-criteria"] == [ELIGIBILITY]
    assert form["suggestion-1-include"] == ["y"]
    assert "suggestion-3-title" not in form
    assert QUALITY not in json.dumps([form[k] for k in form if k.endswith("criteria")])
    # Checkboxes show codes and text: the gaps first, then the rest by recommendation.
    label = page.one("label", for_=f"suggestion-1-criteria-{UPTAKE}").text
    assert label.startswith("2.1.a Uptake is measured every year.") and "Not in place" in label
    legends = [
        legend.text
        for legend in page.one("form", action=f"{assessment}asks/suggestions").find_all("legend")
    ]
    assert legends[:5] == [
        "Suggestion 1",
        "Criteria this ask is about for suggestion 1",
        "Gaps, highest priority first",
        "Other criteria of recommendation 1.1",
        "Other criteria of recommendation 2.1",
    ]
    # Adding one of your own is possible from the start.
    assert page.one("form", action=f"{assessment}asks/new")
    assert saved_asks(pages.client.application, assessment) == ()


def test_save_the_suggestions_as_edited(app, pages, assessment) -> None:
    page = pages.get(assessment + "asks")
    form = form_of(page, f"{assessment}asks/suggestions")
    form["suggestion-2-by_when"] = "by June 2027"
    location = pages.post(f"{assessment}asks/suggestions", form)
    assert location == f"{assessment}asks#Ask-1"
    first, second = saved_asks(app, assessment)
    assert first.criteria == (UPTAKE,) and first.by_when == "by the end of 2027"
    assert second.criteria == (ELIGIBILITY,) and second.by_when == "by June 2027"
    page = pages.get(assessment + "asks")
    assert "2 suggested asks are saved." in page.text
    assert page.find("section", aria_labelledby="SuggestionsTitle") is None
    assert [h.text for h in page.find_all("h2") if h.text.startswith("Ask ")] == [
        "Ask 1: Uptake is measured every year",
        "Ask 2: Eligibility rules for free meals are published",
    ]
    # Fewer than 3: a warning, not an error.
    assert "With 2 asks, the brief is thin: add 1 more" in page.text
    assert page.error_summary() == []
    # Saved twice (a second click): the list changed since the page, so nothing is added.
    page = pages.post(f"{assessment}asks/suggestions", form, expected_status=409)
    notice = page.one("div", class_="notice-warning", role="status").text
    assert "someone else changed the key asks" in notice
    assert len(saved_asks(app, assessment)) == 2


def test_a_suggestion_left_out_is_not_saved_and_keeping_none_is_refused(
    app, pages, assessment
) -> None:
    form = form_of(pages.get(assessment + "asks"), f"{assessment}asks/suggestions")
    pages.post(f"{assessment}asks/suggestions", form | {"suggestion-1-include": []})
    assert [a.criteria for a in saved_asks(app, assessment)] == [(ELIGIBILITY,)]
    save_asks(app, assessment, [])
    page = pages.post(
        f"{assessment}asks/suggestions",
        form | {"suggestion-1-include": [], "suggestion-2-include": []},
        expected_status=422,
    )
    assert page.error_summary() == [
        (
            "#suggestion-1-include",
            "Keep at least one suggested ask, or write your own in “Add an ask”",
        )
    ]


def test_a_too_long_title_is_refused_and_everything_typed_is_kept(app, pages, assessment) -> None:
    save_asks(app, assessment, [ask(1), ask(2)])
    page = pages.get(assessment + "asks")
    action = f"{assessment}asks/2"
    long = "T" * 60 + " " + "t" * 60  # 121 characters
    data = form_of(page, action) | typed("ask-2", [ELIGIBILITY, UPTAKE], title=long)
    page = pages.post(action, data | {"do": "save"}, expected_status=422)
    assert page.title.startswith("Error: ")
    [(href, message)] = page.error_summary()
    assert href == "#ask-2-title"
    assert message.startswith(
        f"The title is too long: 121 characters. Shorten it to {MAX_ASK_TITLE_CHARS}"
    )
    kept = form_of(page, action)
    assert kept["ask-2-title"] == long
    assert kept["ask-2-text"] == TYPED["text"]
    assert kept["ask-2-by_when"] == TYPED["by_when"]
    assert kept["ask-2-criteria"] == [UPTAKE, ELIGIBILITY]  # gaps first, then the rest
    assert page.one("input", id="ask-2-title")["aria-invalid"] == "true"
    # The other ask is shown as saved; nothing was saved.
    assert form_of(page, f"{assessment}asks/1")["ask-1-title"] == "Ask number 1"
    assert saved_asks(app, assessment) == (ask(1), ask(2))


def test_edit_an_ask(app, pages, assessment) -> None:
    save_asks(app, assessment, [ask(1), ask(2)])
    action = f"{assessment}asks/2"
    data = form_of(pages.get(assessment + "asks"), action)
    assert data["ask-2-criteria"] == [UPTAKE]  # the saved criteria are chosen
    data |= typed("ask-2", [ELIGIBILITY, NUTRITION], title="  Publish  the rules ")
    assert pages.post(action, data | {"do": "save"}) == f"{assessment}asks#Ask-2"
    assert saved_asks(app, assessment)[1] == Ask(
        title="Publish  the rules",
        text=TYPED["text"],
        criteria=(ELIGIBILITY, NUTRITION),
        duty_bearer=TYPED["duty_bearer"],
        by_when=TYPED["by_when"],
    )
    assert "Ask 2, “Publish the rules”, is saved." in pages.get(assessment + "asks").text


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ([], "Choose the criteria this ask is about (1 to 10)"),
        (
            [UPTAKE, "no-such-criterion"],
            "This ask names 'no-such-criterion', which is not a criterion of the checklist",
        ),
        ([UPTAKE, UPTAKE], "This ask names the criterion 'monitoring-uptake' more than once"),
    ],
)
def test_no_forged_or_missing_criteria(app, pages, assessment, criteria, message) -> None:
    page = pages.get(assessment + "asks")
    data = form_of(page, f"{assessment}asks/new") | typed("new", criteria)
    page = pages.post(f"{assessment}asks/new", data, expected_status=422)
    assert page.error_summary() == [(f"#new-criteria-{ELIGIBILITY}", message)]
    assert page.one("input", id=f"new-criteria-{ELIGIBILITY}")  # the link's target exists
    assert form_of(page, f"{assessment}asks/new")["new-title"] == TYPED["title"]
    assert saved_asks(app, assessment) == ()


def test_move_up_and_down_and_remove(app, pages, assessment) -> None:
    save_asks(app, assessment, [ask(1), ask(2), ask(3)])
    page = pages.get(assessment + "asks")
    assert "3 asks are saved." in page.text
    assert page.find("div", id="FewAsks") is None
    first = page.one("form", action=f"{assessment}asks/1")
    assert [b.text for b in first.find_all("button")] == [
        "Save ask 1",
        "Move down ask 1",
        "Remove ask 1",
    ]
    last = page.one("form", action=f"{assessment}asks/3")
    assert [b["value"] for b in last.find_all("button")] == ["save", "up", "remove"]

    data = form_of(page, f"{assessment}asks/3") | {"ask-3-title": "Third, edited"}
    assert pages.post(f"{assessment}asks/3", data | {"do": "up"}) == f"{assessment}asks#Ask-2"
    assert [a.title for a in saved_asks(app, assessment)] == [
        "Ask number 1",
        "Third, edited",  # what was typed is saved with the move
        "Ask number 2",
    ]
    page = pages.get(assessment + "asks")
    assert "Ask 3, “Third, edited”, is saved and moved: it is now ask 2." in page.text
    data = form_of(page, f"{assessment}asks/1")
    assert pages.post(f"{assessment}asks/1", data | {"do": "down"}) == f"{assessment}asks#Ask-2"
    assert [a.title for a in saved_asks(app, assessment)] == [
        "Third, edited",
        "Ask number 1",
        "Ask number 2",
    ]
    # Remove: what is typed in it does not matter, even if it would be refused.
    page = pages.get(assessment + "asks")
    data = form_of(page, f"{assessment}asks/2") | {"ask-2-title": ""}
    assert pages.post(f"{assessment}asks/2", data | {"do": "remove"}) == f"{assessment}asks#Ask-2"
    assert [a.title for a in saved_asks(app, assessment)] == ["Third, edited", "Ask number 2"]
    assert "Ask 2, “Ask number 1”, is removed." in pages.get(assessment + "asks").text
    # Nothing to move past either end; no ask 5; no other action.
    data = form_of(pages.get(assessment + "asks"), f"{assessment}asks/1")
    pages.post(f"{assessment}asks/1", data | {"do": "up"})
    assert [a.title for a in saved_asks(app, assessment)] == ["Third, edited", "Ask number 2"]
    pages.post(f"{assessment}asks/5", data | {"do": "save"}, expected_status=404)
    pages.post(f"{assessment}asks/1", data | {"do": "delete-all"}, expected_status=400)


def test_add_asks_up_to_seven(app, pages, assessment) -> None:
    save_asks(app, assessment, [ask(n) for n in range(1, MAX_ASKS)])
    page = pages.get(assessment + "asks")
    assert "6 asks are saved." in page.text
    data = form_of(page, f"{assessment}asks/new") | typed("new", [ELIGIBILITY])
    assert pages.post(f"{assessment}asks/new", data) == f"{assessment}asks#Ask-7"
    assert saved_asks(app, assessment)[-1].title == TYPED["title"]
    page = pages.get(assessment + "asks")
    assert f"Ask 7, “{TYPED['title']}”, is added." in page.text
    # At seven: no form, a message; an eighth posted anyway is refused, what was typed kept.
    add = page.one("section", id="Add")
    assert add.find("form") is None
    assert "You have 7 asks, the most a brief holds. Remove one before adding another." in add.text
    data["saved"] = page.one("form", action=f"{assessment}asks/1").hidden_inputs()["saved"]
    page = pages.post(f"{assessment}asks/new", data | {"new-title": "Eighth"}, expected_status=422)
    assert page.error_summary() == [
        ("#new-title", "You have 7 asks, the most a brief holds. Remove one before adding another.")
    ]
    assert form_of(page, f"{assessment}asks/new")["new-title"] == "Eighth"
    assert len(saved_asks(app, assessment)) == MAX_ASKS


def test_a_change_made_meanwhile_is_shown_not_overwritten(
    app, pages, pages_for, assessment
) -> None:
    save_asks(app, assessment, [ask(1), ask(2)])
    mine = pages.get(assessment + "asks")
    other = pages_for(app)
    theirs = other.get(assessment + "asks")
    data = form_of(theirs, f"{assessment}asks/1")
    other.post(f"{assessment}asks/1", data | {"do": "remove"})
    # My edit of ask 2 (now gone): nothing saved, my text kept in "Add an ask".
    data = form_of(mine, f"{assessment}asks/2") | typed("ask-2", [UPTAKE])
    page = pages.post(f"{assessment}asks/2", data | {"do": "save"}, expected_status=409)
    notice = page.one("div", class_="notice-warning", role="status").text
    assert "someone else changed the key asks" in notice
    assert "What you typed is kept in “Add an ask”, below" in notice
    assert form_of(page, f"{assessment}asks/new")["new-text"] == TYPED["text"]
    assert saved_asks(app, assessment) == (ask(2),)
    # My edit of ask 1: kept in ask 1, which now starts from their list; saving it again wins.
    data = form_of(mine, f"{assessment}asks/1") | typed("ask-1", [UPTAKE])
    page = pages.post(f"{assessment}asks/1", data | {"do": "save"}, expected_status=409)
    assert "What you typed is kept in ask 1" in page.text
    again = form_of(page, f"{assessment}asks/1")
    assert again["ask-1-title"] == TYPED["title"]
    pages.post(f"{assessment}asks/1", again | {"do": "save"})
    assert saved_asks(app, assessment)[0].title == TYPED["title"]
    # A post that does not say which list it started from changes nothing saved.
    bare = {k: v for k, v in again.items() if k != "saved"}
    pages.post(f"{assessment}asks/1", bare | {"do": "remove"}, expected_status=409)
    assert len(saved_asks(app, assessment)) == 1


def test_results_link_the_page_with_the_count(app, pages, assessment) -> None:
    page = pages.get(assessment + "results")
    links = {a["href"]: a.text for a in page.find_all("a")}
    assert links[assessment + "asks"] == "Edit the key asks of the advocacy brief (0 saved)"
    save_asks(app, assessment, [ask(1), ask(2)])
    page = pages.get(assessment + "results")
    assert "Edit the key asks of the advocacy brief (2 saved)" in page.text


def test_export_carries_the_asks_and_import_restores_them(app, pages, assessment) -> None:
    data = pages.client.get(assessment + "answers.json").get_data()
    assert "asks" not in json.loads(data)
    asks = [ask(1), Ask("Second", "We ask more.", (ELIGIBILITY, UPTAKE))]
    save_asks(app, assessment, asks)
    exported = pages.client.get(assessment + "answers.json").get_data()
    assert json.loads(exported)["asks"] == [a.to_dict() for a in asks]
    location = upload(pages, exported, 302)
    assert saved_asks(app, location) == tuple(asks)
    assert pages.client.get(location + "answers.json").get_data() == exported
    page = pages.get(location + "asks")
    assert form_of(page, f"{location}asks/2")["ask-2-criteria"] == [UPTAKE, ELIGIBILITY]


def test_the_pdf_carries_the_asks_in_its_answers_file(app, pages, assessment) -> None:
    from pypdf import PdfReader

    save_asks(app, assessment, [ask(1)])
    response = pages.client.get(assessment + "report.pdf?audience=ngo")
    assert response.status_code == 200
    (attached,) = PdfReader(io.BytesIO(response.get_data())).attachments["answers.json"]
    assert json.loads(attached)["asks"] == [ask(1).to_dict()]


def test_an_unknown_link_is_a_404(pages) -> None:
    pages.get("/a/" + "x" * 43 + "/asks", expected_status=404)


# -- CSRF on, as in production ----------------------------------------------------------------


def test_every_post_needs_the_csrf_token_and_keeps_what_was_typed(
    csrf_app: Flask, pages_for, start_data
) -> None:
    pages = pages_for(csrf_app)
    overview = pages.post("/", pages.get("/").form_data() | start_data)
    page = pages.get(overview + "asks")
    data = form_of(page, f"{overview}asks/new") | typed("new", [UPTAKE])
    assert data["csrf_token"]
    for token in (None, "forged"):
        posted = dict(data)
        if token is None:
            del posted["csrf_token"]
        else:
            posted["csrf_token"] = token
        page = pages.post(f"{overview}asks/new", posted, expected_status=400)
        notice = page.one("div", class_="notice-warning", role="status").text
        assert "Nothing was saved" in notice and "What you typed is kept in “Add an ask”" in notice
        kept = form_of(page, f"{overview}asks/new")
        assert kept["new-title"] == TYPED["title"] and kept["new-criteria"] == [UPTAKE]
        assert saved_asks(csrf_app, overview) == ()
    pages.post(f"{overview}asks/new", kept)
    assert saved_asks(csrf_app, overview)[0].title == TYPED["title"]
    # Every form of the page carries the token: Move up/down and Remove are posts too.
    page = pages.get(overview + "asks")
    for form in page.find_all("form", method="post"):
        assert form.hidden_inputs()["csrf_token"]
