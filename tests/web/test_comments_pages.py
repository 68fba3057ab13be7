"""Comments on criteria: adding, showing beside the criterion, the open-comments page, resolving,
and who may do each (on SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from assessor import db, models, store
from assessor.access import Role
from assessor.comments_store import MAX_COMMENT_CHARS
from tests.support.data import START
from tests.support.links import share, token_of

CRITERION = "free-meals-eligibility"
THEME = "provision"


def comment_rows(app: Flask) -> list[models.Comment]:
    with app.app_context():
        return list(db.session().scalars(sa.select(models.Comment).order_by(models.Comment.id)))


def test_comments_are_added_shown_listed_and_resolved(app, started, pages, pages_for) -> None:
    reviewer = share(app, started, "Legal Centre for Advocacy", Role.REVIEWER)
    other = pages_for(app)
    page = pages.get(started + f"theme/{THEME}")
    data = page.form_data() | {
        f"comment-{CRITERION}": "Which decree is this?\r\nPlease link it.",
        "comment_from": "theme",
    }
    # Nothing typed into the answers: back to the criterion.
    location = pages.post(started + f"comments/{CRITERION}", data, expected_status=303)
    assert location.endswith(f"/theme/{THEME}#{CRITERION}")
    other.post(
        reviewer + f"comments/{CRITERION}",
        {f"comment-{CRITERION}": "Agreed, and the date."},
        expected_status=303,
    )
    rows = comment_rows(app)
    assert [(r.author, r.body, r.criterion_id) for r in rows] == [
        ("Owner", "Which decree is this?\nPlease link it.", CRITERION),
        ("Legal Centre for Advocacy", "Agreed, and the date.", CRITERION),
    ]
    # Beside the criterion: who, when, what; open, so the details are open.
    page = pages.get(started + f"theme/{THEME}")
    block = page.one("details", id=f"Comments-{CRITERION}")
    assert "open" in block.attrs
    assert "2 open" in block.one("summary").text
    assert "Legal Centre for Advocacy" in block.text and "Agreed, and the date." in block.text
    assert block.find_all("time")
    # The open-comments page lists them, linked to their criterion.
    listing = pages.get(started + "comments")
    assert listing.h1 == "Open comments"
    link = listing.one("h2", id=f"Open-{CRITERION}").one("a")
    assert link["href"].endswith(f"/theme/{THEME}#{CRITERION}")
    # The reviewer may not resolve the owner's comment (403, nothing changed) ...
    first, second = rows
    other.post(reviewer + f"comments/{first.id}/resolve", {}, expected_status=403)
    assert comment_rows(app)[0].resolved_at is None
    assert len(other.get(reviewer + "comments").find_all("button")) == 1  # only its own
    # ... but its own, and the owner any.
    other.post(reviewer + f"comments/{second.id}/resolve", {}, expected_status=303)
    pages.post(
        started + f"comments/{first.id}/resolve", {"comment_from": "theme"}, expected_status=303
    )
    after = comment_rows(app)
    assert [(r.resolved_by, r.resolved_at is not None) for r in after] == [
        ("Owner", True),
        ("Legal Centre for Advocacy", True),
    ]
    assert "No comment is open." in pages.get(started + "comments").text
    summary = pages.get(started + f"theme/{THEME}").one("details", id=f"Comments-{CRITERION}")
    assert "all resolved" in summary.one("summary").text
    assert "Resolved by" in summary.text


def test_a_viewer_cannot_comment(app, started, pages, pages_for) -> None:
    viewer = share(app, started, "Statistics Office", Role.VIEWER)
    other = pages_for(app)
    pages.post(started + f"comments/{CRITERION}", {f"comment-{CRITERION}": "Mine"}, 303)
    other.post(viewer + f"comments/{CRITERION}", {f"comment-{CRITERION}": "Forged"}, 403)
    other.post(viewer + f"comments/{comment_rows(app)[0].id}/resolve", {}, 403)
    assert [(r.body, r.resolved_at) for r in comment_rows(app)] == [("Mine", None)]
    # The viewer reads the comments but gets no form and no button.
    page = other.get(viewer + f"theme/{THEME}")
    assert page.find("textarea", name=f"comment-{CRITERION}") is None
    assert "Mine" in page.one("details", id=f"Comments-{CRITERION}").text
    assert other.get(viewer + "comments").find("button") is None


def test_a_comment_typed_with_unsaved_answers_keeps_them(app, started, pages) -> None:
    page = pages.get(started + f"theme/{THEME}")
    data = page.form_data() | {
        f"{CRITERION}-level": "planned",
        f"{CRITERION}-evidence": "Typed, not saved",
        f"comment-{CRITERION}": "A question",
        "comment_from": "theme",
    }
    shown = pages.post(started + f"comments/{CRITERION}", data, expected_status=200)
    assert "Your comment is added" in shown.text
    assert shown.one("textarea", name=f"{CRITERION}-evidence").text == "Typed, not saved"
    assert shown.one("input", value="planned", name=f"{CRITERION}-level").get("checked") is not None
    with app.app_context():
        assessment = store.get_by_token(token_of(started))
        assert assessment is not None
        assert store.load_answers(assessment) == {}  # not saved: only kept as typed
    assert [r.body for r in comment_rows(app)] == ["A question"]


def test_a_bad_comment_is_refused_and_kept(app, started, pages) -> None:
    empty = pages.post(started + f"comments/{CRITERION}", {f"comment-{CRITERION}": " \n"}, 422)
    assert "Write a comment" in empty.text
    long = "word " * (MAX_COMMENT_CHARS // 5 + 1)
    page = pages.post(started + f"comments/{CRITERION}", {f"comment-{CRITERION}": long}, 422)
    assert "too long" in page.error_summary()[0][1]
    assert page.one("textarea", name=f"comment-{CRITERION}").text.strip() == long.strip()
    assert comment_rows(app) == []
    pages.post(started + "comments/no-such-criterion", {"comment-x": "Hello"}, 404)
    pages.post(started + "comments/999999/resolve", {}, 404)


def test_the_theme_page_still_saves_on_enter(started, pages) -> None:
    """Implicit submission presses the form's first submit button: it must be the save."""
    page = pages.get(started + f"theme/{THEME}")
    form = page.one("form", id="ThemeForm")
    first = form.find_all("button")[0]
    assert (first["name"], first["value"]) == ("action", "continue")
    assert first.get("formaction") is None


def test_a_reviewer_comments_from_the_read_only_theme_page(app, started, pages_for) -> None:
    reviewer = share(app, started, "Legal Centre for Advocacy", Role.REVIEWER)
    other = pages_for(app)
    page = other.get(reviewer + f"theme/{THEME}")
    assert page.find("form", id="ThemeForm") is None  # read-only: the comment has its own form
    form = page.one("details", id=f"Comments-{CRITERION}").one("form")
    assert form["action"].endswith(f"/comments/{CRITERION}")
    data = page.form_data(form) | {f"comment-{CRITERION}": "From the reviewer"}
    data["comment_from"] = "theme"
    location = other.post(form["action"], data, expected_status=303)
    assert location.endswith(f"#{CRITERION}")
    assert [r.author for r in comment_rows(app)] == ["Legal Centre for Advocacy"]


def test_an_expired_security_check_keeps_the_comment_and_the_answers(csrf_app, pages_for) -> None:
    pages = pages_for(csrf_app)
    start = pages.get("/")
    started = pages.post("/", start.form_data() | START)
    page = pages.get(started + f"theme/{THEME}")
    data = page.form_data() | {
        f"{CRITERION}-evidence": "Typed before the break",
        f"comment-{CRITERION}": "A question typed before the break",
        "comment_from": "theme",
        "csrf_token": "expired",
    }
    shown = pages.post(started + f"comments/{CRITERION}", data, expected_status=400)
    assert "security check expired" in shown.text
    assert shown.one("textarea", name=f"{CRITERION}-evidence").text == "Typed before the break"
    typed = shown.one("textarea", name=f"comment-{CRITERION}").text
    assert typed == "A question typed before the break"
    alone = {f"comment-{CRITERION}": "Sent on its own", "csrf_token": "expired"}
    page = pages.post(started + f"comments/{CRITERION}", alone, expected_status=400)
    assert page.one("textarea", name=f"comment-{CRITERION}").text == "Sent on its own"
    assert comment_rows(csrf_app) == []


def test_a_comment_typed_then_saved_with_the_page_is_added_too(app, started, pages) -> None:
    page = pages.get(started + f"theme/{THEME}")
    data = page.form_data() | {
        f"{CRITERION}-level": "planned",
        f"comment-{CRITERION}": "Typed, then the page saved",
        "comment-free-meals-nutrition": "word " * (MAX_COMMENT_CHARS // 5 + 1),
        "action": "continue",
    }
    shown = pages.post(started + f"theme/{THEME}", data, expected_status=422)
    assert "Your comment on 1.1.b is not added: The comment is too long" in shown.text
    kept = shown.one("textarea", name="comment-free-meals-nutrition").text
    assert kept.strip() == data["comment-free-meals-nutrition"].strip()
    assert shown.one("textarea", name=f"comment-{CRITERION}").text == ""  # added: not twice
    assert [r.body for r in comment_rows(app)] == ["Typed, then the page saved"]
    with app.app_context():
        assessment = store.get_by_token(token_of(started))
        assert assessment is not None
        assert store.load_answers(assessment)[CRITERION].level == "planned"
