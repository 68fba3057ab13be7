"""Comments on criteria: adding one, marking one resolved, and the "Open comments" page.

Comments are shown beside each criterion on its theme page (``views/comments/_criterion.html``,
through the :func:`criterion_comments` template global). The form to add one sits inside the
theme page's own form, its button posting the whole page here (``formaction``): the comment is
added, and what was typed into the answers and not saved yet comes back as typed (the theme
page is shown again, with a notice); with nothing unsaved, the browser goes back to the
criterion. It works without JavaScript.

Who may comment is decided by the access rules (:mod:`assessor.access`: the owner, contributors
and reviewers; a viewer's post is refused before the view runs). A comment is marked resolved
by the owner or by its own author (:func:`assessor.comments_store.may_resolve`).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from assessor import comments_store, models, store
from assessor.access import Action, Role
from assessor.checklist import Checklist, Theme
from assessor.comments_store import MAX_COMMENT_CHARS, Comment, CommentError
from assessor.forms import theme_form
from assessor.web.lookup import access, load_or_404, may

bp = Blueprint("comments", __name__)

#: The name of a criterion's comment field on the theme page.
FIELD_PREFIX = "comment-"
#: Sent by the theme page's "Add comment" buttons: the post carries the page's answers too.
FROM_FIELD = "comment_from"
FROM_THEME_PAGE = "theme"


def comment_field(criterion_id: str) -> str:
    """The form field of the comment typed beside a criterion."""
    return FIELD_PREFIX + criterion_id


def criterion_comments(assessment: models.Assessment, criterion_id: str) -> list[Comment]:
    """The comments on one criterion, oldest first (read once per request for every
    criterion: a theme page asks for each of its criteria)."""
    cached = g.get("_comments")
    if cached is None or cached[0] != assessment.id:
        cached = (
            assessment.id,
            comments_store.by_criterion(comments_store.load_comments(assessment)),
        )
        g._comments = cached
    found: list[Comment] = cached[1].get(criterion_id, [])
    return found


def typed_comment(criterion_id: str) -> str:
    """The comment typed beside a criterion, when a page is shown again with what was typed
    (after an expired security check); else ``""``."""
    typed: dict[str, str] = g.get("_typed_comments", {})
    return typed.get(comment_field(criterion_id), "")


def may_resolve(comment: Comment) -> bool:
    """Whether the current link may mark this comment resolved."""
    current = access()
    return may(Action.COMMENT) and comments_store.may_resolve(
        comment, link_id=current.link_id, is_owner=current.role == Role.OWNER
    )


def open_comment_count(assessment: models.Assessment) -> int:
    """How many comments of the assessment are open."""
    return len(comments_store.load_comments(assessment, open_only=True))


bp.add_app_template_global(open_comment_count, "open_comment_count")
bp.add_app_template_global(criterion_comments, "criterion_comments")
bp.add_app_template_global(may_resolve, "may_resolve_comment")
bp.add_app_template_global(comment_field, "comment_field")
bp.add_app_template_global(typed_comment, "typed_comment")


def _criterion_or_404(checklist: Checklist, criterion_id: str) -> None:
    if not checklist.has_criterion(criterion_id):
        abort(404)


@bp.post("/a/<token:token>/comments/<criterion_id>")
def add(token: str, criterion_id: str) -> BaseResponse | tuple[str, int]:
    """Add a comment to a criterion, then go back to it (see the module's docstring)."""
    assessment, checklist = load_or_404(token)
    _criterion_or_404(checklist, criterion_id)
    body = request.form.get(comment_field(criterion_id), "")
    try:
        comments_store.add_comment(
            assessment, criterion_id, body, author=access().name, link_id=access().link_id
        )
    except CommentError as exc:
        return render_comment_page(assessment, checklist, criterion_id, body, str(exc), 422)
    theme = checklist.parents(criterion_id)[0]
    kept = _typed_answers_page(assessment, checklist, theme.id)
    if kept is not None:
        return kept
    flash(_("Your comment on %(code)s is added.", code=checklist.code(criterion_id)))
    return redirect(
        url_for("assessments.theme", token=token, theme_id=theme.id, _anchor=criterion_id), 303
    )


def add_typed_comments(
    assessment: models.Assessment, checklist: Checklist, theme: Theme
) -> list[str]:
    """Add the comments typed beside a theme page's criteria and sent with one of its save
    buttons (the link permitting); return why each refused one was not added (it is kept as
    typed for the page shown again)."""
    if not may(Action.COMMENT):
        return []
    refused: list[str] = []
    kept: dict[str, str] = {}
    for criterion in theme.criteria:
        body = request.form.get(comment_field(criterion.id), "")
        if not body.strip():
            continue
        try:
            comments_store.add_comment(
                assessment, criterion.id, body, author=access().name, link_id=access().link_id
            )
            flash(_("Your comment on %(code)s is added.", code=criterion.code))
        except CommentError as exc:
            kept[comment_field(criterion.id)] = body
            refused.append(
                _("Your comment on %(code)s is not added: %(why)s", code=criterion.code, why=exc)
            )
    g._typed_comments = kept
    return refused


def render_comment_page(
    assessment: models.Assessment,
    checklist: Checklist,
    criterion_id: str,
    body: str,
    error: str,
    status: int,
) -> tuple[str, int]:
    """The page of one comment not added, with why and what was typed, to add it again."""
    return render_template(
        "views/comments/add.html",
        assessment=assessment,
        checklist=checklist,
        criterion=checklist.criterion(criterion_id),
        body=body,
        error=error,
        error_items=[(f"Comment-{criterion_id}", error)],
        max_chars=MAX_COMMENT_CHARS,
    ), status


def rerender_after_csrf_error(
    token: str, criterion_id: str, expired: str
) -> tuple[str, int] | None:
    """After a failed security check, the comment as typed: on its theme page (with the
    answers typed there too) if it was sent from there, else on the comment page; ``None``
    when there is nothing to show again."""
    from assessor.web.assessments import render_theme

    try:
        assessment, checklist = load_or_404(token)
    except NotFound:
        return None
    if not checklist.has_criterion(criterion_id) or not may(Action.COMMENT):
        return None
    notice = _("%(expired)s Your comment is below: add it again.", expired=expired)
    if request.form.get(FROM_FIELD) != FROM_THEME_PAGE:
        body = request.form.get(comment_field(criterion_id), "")
        return render_comment_page(assessment, checklist, criterion_id, body, notice, 400)
    current = checklist.parents(criterion_id)[0]
    saved = store.load_answers(assessment)
    g._typed_comments = {k: v for k, v in request.form.items() if k.startswith(FIELD_PREFIX)}
    form = theme_form(current, request.form, saved)
    return render_theme(assessment, checklist, current, form, saved, 400, notice)


def _typed_answers_page(
    assessment: models.Assessment, checklist: Checklist, theme_id: str
) -> tuple[str, int] | None:
    """When the comment came with the theme page's answers and some were changed and not
    saved, that page again with them as typed (and a notice); else ``None``."""
    from assessor.web.assessments import render_theme

    if request.form.get(FROM_FIELD) != FROM_THEME_PAGE or not may(Action.ANSWER, theme_id):
        return None
    current = checklist.theme(theme_id)
    saved = store.load_answers(assessment)
    form = theme_form(current, request.form, saved)
    if not form.changed_answers():
        return None
    notice = _(
        "Your comment is added. Your answers on this page are not saved yet: they are kept "
        "below as you typed them. Save them when you are ready."
    )
    return render_theme(assessment, checklist, current, form, saved, 200, notice)


@bp.post("/a/<token:token>/comments/<int:comment_id>/resolve")
def resolve(token: str, comment_id: int) -> BaseResponse:
    """Mark a comment resolved (its author or the owner), then go back where it was shown."""
    assessment, checklist = load_or_404(token)
    comment = comments_store.get_comment(assessment, comment_id)
    if comment is None:
        abort(404)
    if not may_resolve(comment):
        abort(
            403,
            description=_(
                "Only the comment's author or the assessment's owner can mark it resolved. "
                "Nothing was changed."
            ),
        )
    comments_store.resolve_comment(assessment, comment_id, by=access().name)
    flash(
        _("The comment on %(code)s is marked resolved.", code=checklist.code(comment.criterion_id))
    )
    if request.form.get("back") == "criterion":
        theme = checklist.parents(comment.criterion_id)[0]
        return redirect(
            url_for(
                "assessments.theme", token=token, theme_id=theme.id, _anchor=comment.criterion_id
            ),
            303,
        )
    return redirect(url_for(".open_comments", token=token), 303)


@bp.get("/a/<token:token>/comments")
def open_comments(token: str) -> str:
    """The open comments of an assessment, criterion by criterion in checklist order, each
    linked to its criterion."""
    assessment, checklist = load_or_404(token)
    comments = comments_store.load_comments(assessment)
    grouped = comments_store.by_criterion([c for c in comments if c.is_open])
    ordered = [(c, grouped[c.id]) for c in checklist.criteria if c.id in grouped]
    return render_template(
        "views/comments/open.html",
        assessment=assessment,
        checklist=checklist,
        ordered=ordered,
        open_count=sum(len(group) for _c, group in ordered),
        resolved_count=sum(1 for c in comments if not c.is_open),
    )
