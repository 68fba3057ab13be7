"""The action plan in the app: an action per gap, the plan page, conflicts, CSRF, export."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from flask import Flask

from assessor import store
from assessor.answers import Action
from tests.web.test_import_export import upload

ELIGIBILITY = "free-meals-eligibility"  # 1.1.a, answered "partial": only "full" is above it
UPTAKE = "monitoring-uptake"  # 2.1.a, "not_in_place"
QUALITY = "monitoring-quality"  # 2.1.b, unanswered

TYPED = {
    "action": "Publish the eligibility rules on the ministry's site.\nTell every school.",
    "owner": "Ministry of Education",
    "due": "2027-06-30",
    "target_level": "full",
    "status": "in_progress",
    "budget": "EUR 40,000, AMIF",
}


@pytest.fixture
def assessment(pages, started: str) -> str:
    """An assessment with three gaps (priority: uptake, eligibility, quality); its link."""
    pages.post(
        started + "theme/provision",
        {f"{ELIGIBILITY}-level": "partial", "free-meals-nutrition-level": "full"},
    )
    pages.post(started + "theme/oversight", {f"{UPTAKE}-level": "not_in_place"})
    return started


def token_of(path: str) -> str:
    return path.strip("/").split("/")[1]


def saved_actions(app: Flask, path: str) -> dict[str, Action]:
    with app.app_context():
        return store.load_actions(store.get_by_token(token_of(path)))


def counts_of(page) -> dict[str, str]:
    """The plan's counts: {"Gaps and evidence to collect with an action": "1 of 3",
    "Overdue": "0 ...", "Done": "0"}."""
    box = page.one("dl", class_="plan-counts")
    return {div.one("dt").text: div.one("dd").text.split(" (")[0] for div in box.find_all("div")}


def form_of(pages, path: str, criterion_id: str) -> dict[str, str]:
    return pages.get(f"{path}plan/{criterion_id}").form_data()


def test_the_plan_lists_every_gap_in_priority_order(pages, assessment) -> None:
    page = pages.get(assessment + "plan")
    assert page.h1 == "Action plan"
    items = page.one("ol", class_="plan-list").find_all("li", class_="gap")
    assert [li["id"] for li in items] == [f"Gap-{UPTAKE}", f"Gap-{ELIGIBILITY}", f"Gap-{QUALITY}"]
    assert [li.one("span", class_="code").text for li in items] == ["2.1.a", "1.1.a", "2.1.b"]
    assert all("No action yet" in li.text for li in items)
    assert counts_of(page) == {
        "Gaps and evidence to collect with an action": "0 of 3",
        "Overdue": "0",
        "Done": "0",
    }


def test_results_link_each_gap_and_the_plan(pages, assessment) -> None:
    page = pages.get(assessment + "results")
    links = {a["href"]: a.text for a in page.find_all("a")}
    assert links[assessment + "plan"] == "Action plan"
    assert links[f"{assessment}plan/{ELIGIBILITY}"] == "Plan an action for 1.1.a"


def test_the_form_shows_the_gap_and_its_practices(pages, assessment) -> None:
    page = pages.get(f"{assessment}plan/{ELIGIBILITY}")
    assert page.h1 == "Plan an action for 1.1.a"
    gap = page.one("section", class_="plan-gap").text
    assert "Eligibility rules for free meals are published." in gap
    assert "Partially in place" in gap
    practices = page.one("aside", class_="action-practices")
    assert "Universal free meals" in practices.text
    assert practices.one("button", name="start_from")["value"] == "gp-universal"
    # Targets: only the levels above the current one; the date input is labelled, with a hint.
    options = [o["value"] for o in page.one("select", id="target_level").find_all("option")]
    assert options == ["", "full"]
    due = page.one("input", id="due")
    assert due["type"] == "date"
    assert page.one("label", for_="due").text == "Due date"
    assert "2027-06-30" in page.one("p", id="due-hint").text
    assert due["aria-describedby"] == "due-hint"
    # Unanswered: every scored level above nothing in place.
    page = pages.get(f"{assessment}plan/{QUALITY}")
    options = [o["value"] for o in page.one("select", id="target_level").find_all("option")]
    assert options == ["", "planned", "partial", "full"]


def test_save_an_action_and_see_it_on_the_plan(app, pages, assessment) -> None:
    form = form_of(pages, assessment, ELIGIBILITY)
    location = pages.post(f"{assessment}plan/{ELIGIBILITY}", form | TYPED | {"do": "save"})
    assert location == f"{assessment}plan#Gap-{ELIGIBILITY}"
    assert saved_actions(app, assessment) == {
        ELIGIBILITY: Action(
            action=TYPED["action"],
            owner="Ministry of Education",
            due=date(2027, 6, 30),
            target_level="full",
            status="in_progress",
            budget="EUR 40,000, AMIF",
        )
    }
    page = pages.get(assessment + "plan")
    assert "The action for 1.1.a is saved." in page.text
    item = page.one("li", id=f"Gap-{ELIGIBILITY}")
    assert "Publish the eligibility rules" in item.text
    assert "Ministry of Education" in item.text and "In progress" in item.text
    assert item.one("time")["datetime"] == "2027-06-30"
    assert "Fully in place" in item.text
    assert counts_of(page)["Gaps and evidence to collect with an action"] == "1 of 3"
    # The form opens with the saved action; the results page says "Change the action".
    again = pages.get(f"{assessment}plan/{ELIGIBILITY}")
    assert again.h1 == "Change the action for 1.1.a"
    assert again.form_data()["action"] == TYPED["action"]
    assert again.form_data()["due"] == "2027-06-30"
    assert "Change the action for 1.1.a" in pages.get(assessment + "results").text


@pytest.mark.parametrize("due", ["2027-02-30", "30/06/2027", "20270630", "soon"])
def test_a_bad_date_is_refused_and_nothing_typed_is_lost(app, pages, assessment, due) -> None:
    form = form_of(pages, assessment, ELIGIBILITY)
    page = pages.post(
        f"{assessment}plan/{ELIGIBILITY}", form | TYPED | {"due": due}, expected_status=422
    )
    assert page.title.startswith("Error: ")
    [(href, message)] = page.error_summary()
    assert href == "#due"
    assert f"“{due}” is not a date" in message and "2027-06-30" in message
    kept = page.form_data()
    assert {k: kept[k] for k in TYPED} == TYPED | {"due": due}
    assert saved_actions(app, assessment) == {}


def test_a_target_not_above_the_current_level_is_refused(app, pages, assessment) -> None:
    form = form_of(pages, assessment, ELIGIBILITY)
    for target in ("planned", "partial", "not_applicable", "bogus"):
        page = pages.post(
            f"{assessment}plan/{ELIGIBILITY}",
            form | TYPED | {"target_level": target},
            expected_status=422,
        )
        [(href, message)] = page.error_summary()
        assert href == "#target_level"
        assert "Choose a target above the current level (Partially in place)" in message
        assert page.form_data()["action"] == TYPED["action"]
    assert saved_actions(app, assessment) == {}


def test_the_action_text_is_required_and_limited(app, pages, assessment) -> None:
    form = form_of(pages, assessment, ELIGIBILITY)
    page = pages.post(
        f"{assessment}plan/{ELIGIBILITY}", form | TYPED | {"action": "  "}, expected_status=422
    )
    assert page.error_summary() == [("#action", "Enter what will be done about this gap")]
    long = "word " * 401
    page = pages.post(
        f"{assessment}plan/{ELIGIBILITY}", form | TYPED | {"action": long}, expected_status=422
    )
    assert "The action is too long: 2,004 characters" in page.error_summary()[0][1]
    assert page.form_data()["action"] == long.strip()
    assert saved_actions(app, assessment) == {}


def test_start_from_a_practice_fills_the_text_and_saves_nothing(app, pages, assessment) -> None:
    form = form_of(pages, assessment, ELIGIBILITY)
    page = pages.post(
        f"{assessment}plan/{ELIGIBILITY}",
        form | {"owner": "Typed owner", "start_from": "gp-universal"},
        expected_status=200,
    )
    data = page.form_data()
    assert data["action"].startswith("Based on the good practice “Universal free meals”")
    assert "A fictional ministry offers free meals to every pupil." in data["action"]
    assert data["owner"] == "Typed owner"
    assert page.error_summary() == []
    # Text already typed is kept, the practice added after it.
    page = pages.post(
        f"{assessment}plan/{ELIGIBILITY}",
        data | {"action": "My own start", "start_from": "gp-universal"},
        expected_status=200,
    )
    assert page.form_data()["action"].startswith("My own start\n\nBased on the good practice")
    assert saved_actions(app, assessment) == {}
    pages.post(
        f"{assessment}plan/{ELIGIBILITY}", form | {"start_from": "gp-survey"}, expected_status=400
    )


def test_a_conflicting_save_is_shown_not_overwritten(app, pages, pages_for, assessment) -> None:
    other = pages_for(app)
    mine = form_of(pages, assessment, ELIGIBILITY)
    theirs = form_of(other, assessment, ELIGIBILITY)
    other.post(f"{assessment}plan/{ELIGIBILITY}", theirs | TYPED | {"action": "Theirs"})
    page = pages.post(
        f"{assessment}plan/{ELIGIBILITY}",
        mine | TYPED | {"action": "Mine", "owner": "My ministry"},
        expected_status=409,
    )
    notice = page.one("div", class_="notice-warning").text
    assert "someone else saved this action: “Theirs” (In progress)" in notice
    assert page.form_data()["action"] == "Mine"
    assert page.form_data()["owner"] == "My ministry"
    assert saved_actions(app, assessment)[ELIGIBILITY].action == "Theirs"
    # Saving again, having seen theirs, keeps mine.
    pages.post(f"{assessment}plan/{ELIGIBILITY}", page.form_data() | {"do": "save"})
    assert saved_actions(app, assessment)[ELIGIBILITY].action == "Mine"
    # The same text saved twice is no conflict; a post without a fingerprint overwrites nothing.
    pages.post(
        f"{assessment}plan/{ELIGIBILITY}", mine | TYPED | {"action": "Mine", "owner": "My ministry"}
    )
    bare = {k: v for k, v in (mine | TYPED).items() if k != "saved"}
    pages.post(f"{assessment}plan/{ELIGIBILITY}", bare, expected_status=409)
    assert saved_actions(app, assessment)[ELIGIBILITY].action == "Mine"


def test_remove_an_action(app, pages, assessment) -> None:
    form = form_of(pages, assessment, ELIGIBILITY)
    pages.post(f"{assessment}plan/{ELIGIBILITY}", form | TYPED)
    page = pages.get(f"{assessment}plan/{ELIGIBILITY}")
    assert page.one("button", value="remove").text == "Remove the action"
    location = pages.post(f"{assessment}plan/{ELIGIBILITY}", page.form_data() | {"do": "remove"})
    assert saved_actions(app, assessment) == {}
    assert "The action for 1.1.a is removed." in pages.get(location.split("#")[0]).text


def test_only_gaps_have_an_action_page(pages, assessment) -> None:
    page = pages.get(f"{assessment}plan/free-meals-nutrition", expected_status=404)
    assert "1.1.b is not a gap" in page.text
    pages.get(f"{assessment}plan/no-such-criterion", expected_status=404)
    pages.post(f"{assessment}plan/free-meals-nutrition", TYPED, expected_status=404)


def test_filters_and_counts(app, pages, assessment) -> None:
    past = (date.today() - timedelta(days=1)).isoformat()
    for criterion_id, owner, status in (
        (UPTAKE, "Statistics office", "done"),
        (ELIGIBILITY, "Ministry of Education", "in_progress"),
    ):
        form = form_of(pages, assessment, criterion_id)
        data = TYPED | {"owner": owner, "status": status, "due": past}
        pages.post(f"{assessment}plan/{criterion_id}", form | data)
    page = pages.get(assessment + "plan")
    assert counts_of(page) == {
        "Gaps and evidence to collect with an action": "2 of 3",
        "Overdue": "1",
        "Done": "1",
    }
    assert page.one("li", id=f"Gap-{ELIGIBILITY}").find("strong", class_="tag-overdue")
    assert not page.one("li", id=f"Gap-{UPTAKE}").find("strong", class_="tag-overdue")
    owners = [o["value"] for o in page.one("select", id="owner").find_all("option")]
    assert owners == ["", "Ministry of Education", "Statistics office"]

    def shown(query: str) -> list[str]:
        page = pages.get(f"{assessment}plan?{query}")
        # Counts are of the whole plan, whatever the filter.
        assert counts_of(page)["Gaps and evidence to collect with an action"] == "2 of 3"
        found = page.find("ol", class_="plan-list")
        return [li["id"][4:] for li in found.find_all("li", class_="gap")] if found else []

    assert shown("owner=Statistics+office") == [UPTAKE]
    assert shown("status=in_progress") == [ELIGIBILITY]
    assert shown("status=no_action") == [QUALITY]
    assert shown("status=overdue") == [ELIGIBILITY]
    assert shown("owner=statistics++OFFICE") == [UPTAKE]  # case and spaces do not matter
    assert shown("owner=Statistics+office&status=in_progress") == []
    assert shown("owner=&status=") == [UPTAKE, ELIGIBILITY, QUALITY]
    page = pages.get(f"{assessment}plan?status=done")
    assert "Showing 1 of 3 gaps." in page.text
    assert page.one("select", id="status").one("option", selected=True)["value"] == "done"
    pages.get(f"{assessment}plan?status=bogus", expected_status=400)


def test_export_carries_the_plan_and_import_restores_it(app, pages, assessment) -> None:
    form = form_of(pages, assessment, ELIGIBILITY)
    pages.post(f"{assessment}plan/{ELIGIBILITY}", form | TYPED)
    exported = pages.client.get(assessment + "answers.json").get_data()
    data = json.loads(exported)
    assert data["actions"] == {
        ELIGIBILITY: {
            "action": TYPED["action"],
            "owner": "Ministry of Education",
            "due": "2027-06-30",
            "target_level": "full",
            "status": "in_progress",
            "budget": "EUR 40,000, AMIF",
        }
    }
    location = upload(pages, exported, 302)
    assert saved_actions(app, location) == saved_actions(app, assessment)
    again = pages.client.get(location + "answers.json").get_data()
    assert again == exported
    assert "Publish the eligibility rules" in pages.get(location + "plan").text


def test_an_export_without_actions_has_no_actions_key(pages, assessment) -> None:
    data = json.loads(pages.client.get(assessment + "answers.json").get_data())
    assert "actions" not in data


# -- CSRF on, as in production ----------------------------------------------------------------


def test_saving_an_action_needs_the_csrf_token(csrf_app: Flask, pages_for, start_data) -> None:
    pages = pages_for(csrf_app)
    overview = pages.post("/", pages.get("/").form_data() | start_data)
    path = f"{overview}plan/{ELIGIBILITY}"
    form = pages.get(path).form_data()
    assert form["csrf_token"]
    for token in (None, "forged"):
        data = form | TYPED
        if token is None:
            del data["csrf_token"]
        else:
            data["csrf_token"] = token
        page = pages.post(path, data, expected_status=400)
        assert "Nothing was saved" in page.one("div", class_="notice-warning").text
        kept = page.form_data()
        assert {k: kept[k] for k in TYPED} == TYPED
        assert saved_actions(csrf_app, overview) == {}
    # The page shown has a fresh token: saving it works.
    pages.post(path, kept | {"do": "save"})
    assert saved_actions(csrf_app, overview)[ELIGIBILITY].owner == "Ministry of Education"


def test_an_action_on_a_gap_since_closed_is_kept_and_said(app, pages, assessment) -> None:
    form = form_of(pages, assessment, ELIGIBILITY)
    pages.post(f"{assessment}plan/{ELIGIBILITY}", form | TYPED)
    theme = pages.get(assessment + "theme/provision").form_data()
    pages.post(assessment + "theme/provision", theme | {f"{ELIGIBILITY}-level": "full"})
    page = pages.get(assessment + "plan")
    assert [li["id"] for li in page.find_all("li", class_="gap")] == [
        f"Gap-{UPTAKE}",
        f"Gap-{QUALITY}",
    ]
    assert "1 action is recorded for criteria that are no longer gaps" in page.text
    assert ELIGIBILITY in saved_actions(app, assessment)
    assert counts_of(page)["Gaps and evidence to collect with an action"] == "0 of 2"
