"""Nothing typed is lost: a page saves what is valid and keeps the rest, and the theme page's
automatic save stores one criterion through the same conflict-checked save."""

from __future__ import annotations

from assessor.answers import MAX_EVIDENCE_CHARS, Answer, fingerprint
from tests.web.test_theme_pages import saved_answers

PATH = "theme/provision"
ELIGIBILITY = "free-meals-eligibility"
NUTRITION = "free-meals-nutrition"


def autosave_url(started: str, criterion_id: str, theme: str = "provision") -> str:
    return f"{started}theme/{theme}/criterion/{criterion_id}"


def test_an_error_and_a_conflict_save_nothing_of_theirs_and_say_so(app, started, pages_for):
    alice, bob = pages_for(app), pages_for(app)
    alice_page, bob_page = alice.get(started + PATH), bob.get(started + PATH)
    alice.post(
        started + PATH,
        alice_page.form_data() | {f"{ELIGIBILITY}-level": "full", "action": "continue"},
    )
    page = bob.post(
        started + PATH,
        bob_page.form_data()
        | {
            f"{ELIGIBILITY}-level": "planned",
            f"{NUTRITION}-level": "partial",
            f"{NUTRITION}-evidence": "y" * (MAX_EVIDENCE_CHARS + 5),
            "action": "continue",
        },
        expected_status=422,
    )
    notice = page.one("div", class_="notice-warning").text
    assert "Nothing on this page was saved this time." in notice
    assert "Not saved, because of an error (marked below): 1.1.b." in notice
    assert "Not saved yet, because someone else changed them (marked below): 1.1.a." in notice
    assert [href for href, _ in page.error_summary()] == [
        f"#{ELIGIBILITY}-level-0",
        f"#{NUTRITION}-evidence",
    ]
    assert saved_answers(app, started) == {ELIGIBILITY: Answer("full", "")}
    kept = page.form_data()
    assert kept[f"{ELIGIBILITY}-level"] == "planned"
    assert kept[f"{NUTRITION}-evidence"] == "y" * (MAX_EVIDENCE_CHARS + 5)


def test_a_partial_save_never_overwrites_what_the_page_did_not_change(app, started, pages_for):
    """After a partial save, an answer someone else saved meanwhile, which this page showed
    older and left alone, is not overwritten by saving the page again."""
    alice, bob = pages_for(app), pages_for(app)
    bob_page = bob.get(started + PATH)
    alice_page = alice.get(started + PATH)
    alice.post(
        started + PATH,
        alice_page.form_data()
        | {f"{ELIGIBILITY}-level": "full", f"{ELIGIBILITY}-evidence": "Alice", "action": "later"},
    )
    page = bob.post(
        started + PATH,
        bob_page.form_data()
        | {f"{NUTRITION}-evidence": "z" * (MAX_EVIDENCE_CHARS + 1), "action": "continue"},
        expected_status=422,
    )
    bob.post(started + PATH, page.form_data() | {f"{NUTRITION}-evidence": "Short now"})
    assert saved_answers(app, started) == {
        ELIGIBILITY: Answer("full", "Alice"),
        NUTRITION: Answer(None, "Short now"),
    }


def test_autosave_stores_one_criterion_and_answers_its_fingerprint(app, pages, started):
    page = pages.get(started + PATH)
    box = page.one("div", data_criterion=ELIGIBILITY)
    assert box["data-autosave"] == autosave_url(started, ELIGIBILITY)
    assert box["data-code"] == "1.1.a"
    response = pages.client.post(
        box["data-autosave"],
        data={
            f"{ELIGIBILITY}-level": "partial",
            f"{ELIGIBILITY}-evidence": "  A decree of 2025.  ",
            f"{ELIGIBILITY}-saved": page.form_data()[f"{ELIGIBILITY}-saved"],
        },
    )
    assert response.status_code == 200
    answer = Answer("partial", "A decree of 2025.")
    assert response.get_json() == {
        "status": "saved",
        "code": "1.1.a",
        "fingerprint": fingerprint(answer),
    }
    assert saved_answers(app, started) == {ELIGIBILITY: answer}
    # The page shows it, with the new fingerprint; the overview counts it.
    again = pages.get(started + PATH).form_data()
    assert again[f"{ELIGIBILITY}-saved"] == fingerprint(answer)
    assert "1 of 4" in pages.get(started).text


def test_autosave_refuses_to_overwrite_a_colleague(app, pages, started):
    url = autosave_url(started, ELIGIBILITY)
    empty = fingerprint(None)
    first = {f"{ELIGIBILITY}-level": "full", f"{ELIGIBILITY}-saved": empty}
    assert pages.client.post(url, data=first).status_code == 200
    # A second browser, whose page started from no answer either.
    second = {f"{ELIGIBILITY}-level": "not_in_place", f"{ELIGIBILITY}-saved": empty}
    response = pages.client.post(url, data=second)
    assert response.status_code == 409
    body = response.get_json()
    assert body["status"] == "conflict"
    assert "someone else saved “Fully in place”" in body["message"]
    assert body["fingerprint"] == fingerprint(Answer("full", ""))
    assert saved_answers(app, started) == {ELIGIBILITY: Answer("full", "")}
    # Without a fingerprint it counts as having seen no answer: no silent overwrite either.
    response = pages.client.post(url, data={f"{ELIGIBILITY}-level": "planned"})
    assert response.status_code == 409
    assert saved_answers(app, started) == {ELIGIBILITY: Answer("full", "")}


def test_autosave_refuses_an_invalid_answer_and_saves_nothing(app, pages, started):
    url = autosave_url(started, NUTRITION)
    response = pages.client.post(
        url,
        data={
            f"{NUTRITION}-level": "partial",
            f"{NUTRITION}-evidence": "x" * (MAX_EVIDENCE_CHARS + 1),
            f"{NUTRITION}-saved": fingerprint(None),
        },
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == "invalid"
    assert f"{MAX_EVIDENCE_CHARS + 1:,} characters" in body["errors"][0]
    response = pages.client.post(url, data={f"{NUTRITION}-level": "excellent"})
    assert response.status_code == 422
    assert saved_answers(app, started) == {}


def test_autosave_of_an_unknown_criterion_or_one_of_another_theme_is_404(pages, started):
    for url in (
        autosave_url(started, "no-such-criterion"),
        autosave_url(started, "monitoring-uptake"),
        autosave_url(started, ELIGIBILITY, theme="no-such-theme"),
    ):
        assert pages.client.post(url, data={}).status_code == 404


def test_autosave_needs_the_pages_csrf_token(csrf_app, pages_for, start_data):
    pages = pages_for(csrf_app)
    start = pages.get("/").form_data()["csrf_token"]
    started = pages.post("/", start_data | {"csrf_token": start})
    page = pages.get(started + PATH)
    url = autosave_url(started, ELIGIBILITY)
    data = {f"{ELIGIBILITY}-level": "full", f"{ELIGIBILITY}-saved": fingerprint(None)}
    assert pages.client.post(url, data=data).status_code == 400
    assert saved_answers(csrf_app, started) == {}
    token = page.form_data()["csrf_token"]
    assert pages.client.post(url, data=data | {"csrf_token": token}).status_code == 200
    assert saved_answers(csrf_app, started) == {ELIGIBILITY: Answer("full", "")}


def test_theme_page_carries_what_its_script_needs(pages, started):
    page = pages.get(started + PATH)
    form = page.one("form", id="ThemeForm")
    assert form["data-max-evidence"] == str(MAX_EVIDENCE_CHARS)
    token = started.strip("/").split("/")[1]
    assert token not in form["data-draft-key"]
    assert form["data-draft-key"].endswith(":provision")
    scripts = page.find_all("script", src=True)
    assert [(s["src"], s.get("defer")) for s in scripts] == [("/static/js/answering.js", "")]
    # What the script says comes from the page, in its language (data, never run).
    assert page.one("script", id="AnsweringMessages")["type"] == "application/json"


def unsaved(page) -> list[str]:
    return [box["data-criterion"] for box in page.find_all("div", data_unsaved=True)]


def test_the_page_marks_what_it_shows_unsaved(app, pages, started):
    """The page's script keeps a draft of (and warns before leaving) what the server marks as
    shown but not saved: nothing on a fresh page, the refused criterion after a partial save."""
    page = pages.get(started + PATH)
    assert unsaved(page) == []
    data = page.form_data() | {
        f"{ELIGIBILITY}-level": "full",
        f"{NUTRITION}-evidence": "x" * (MAX_EVIDENCE_CHARS + 1),
    }
    page = pages.post(started + PATH, data, expected_status=422)
    assert unsaved(page) == [NUTRITION]
    assert page.one("form", id="ThemeForm").get("data-posted") == ""
    assert unsaved(pages.get(started + PATH)) == []


def test_after_an_expired_security_check_everything_typed_is_marked_unsaved(
    csrf_app, pages_for, start_data
):
    pages = pages_for(csrf_app)
    started = pages.post("/", start_data | {"csrf_token": pages.get("/").form_data()["csrf_token"]})
    data = pages.get(started + PATH).form_data() | {
        f"{ELIGIBILITY}-level": "full",
        "csrf_token": "expired",
    }
    page = pages.post(started + PATH, data, expected_status=400)
    assert unsaved(page) == [ELIGIBILITY]
    assert saved_answers(csrf_app, started) == {}
