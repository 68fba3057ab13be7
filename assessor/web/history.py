"""The history pages: who changed what, and when, in a whole assessment or one criterion.

Every role may read them. Newest first, :data:`assessor.history_store.PAGE_SIZE` changes a
page (``?page=2``, ...), so an assessment with years of changes still opens quickly.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from assessor import history, history_store, models
from assessor.answers import ACTION_STATUSES, RESPONDENTS
from assessor.checklist import Checklist
from assessor.history import Change
from assessor.levels import label_of
from assessor.web.lookup import load_or_404

bp = Blueprint("history", __name__)

#: How long a value may be on the page before it is cut (the whole is in the answers file).
SHOWN_CHARS = 600


def _page() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        abort(400, description=_("The page number must be a whole number from 1."))
    return int(raw)


def what_changed(checklist: Checklist, change: Change) -> str:
    """What a change is about, as the history page names it ("1.2.a: level", "Key ask 2")."""
    names: dict[str, str] = {
        history.LEVEL: _("level"),
        history.EVIDENCE: _("evidence"),
        "action": _("action: what will be done"),
        "owner": _("action: who"),
        "due": _("action: by when"),
        "target_level": _("action: target level"),
        "status": _("action: status"),
        "budget": _("action: budget"),
        "title": _("title"),
        "organisation": _("organisation"),
        "country": _("country"),
        "respondent": _("who is answering"),
    }
    if change.kind == history.ASK:
        return str(_("Key ask %(number)s", number=change.field.removeprefix("ask ")))
    field = names.get(change.field, change.field)
    if change.kind == history.DETAIL:
        return str(_("Details: %(field)s", field=field))
    code = (
        checklist.code(change.criterion_id)
        if change.criterion_id and checklist.has_criterion(change.criterion_id)
        else change.criterion_id or ""
    )
    return f"{code}: {field}"


def who_changed(change: Change) -> str:
    """Who made a change, as the history page names it (the link's name, or Assessor itself
    in the page's language when no link did)."""
    return _(history.SYSTEM_ACTOR) if change.who == history.SYSTEM_ACTOR else change.who


def shown_value(change: Change, value: str | None) -> str:
    """A value as the history page shows it: levels, statuses and respondents by their label,
    "(none)" for nothing, long texts cut."""
    if value is None:
        return str(_("(none)"))
    if change.field in (history.LEVEL, "target_level"):
        label = label_of(value, unset="")
        return str(_(label)) if label else str(_("no level"))
    if change.field == "status":
        return _(dict(ACTION_STATUSES)[value]) if value in dict(ACTION_STATUSES) else value
    if change.field == "respondent":
        return _(dict(RESPONDENTS)[value]) if value in dict(RESPONDENTS) else value
    if len(value) > SHOWN_CHARS:
        return value[:SHOWN_CHARS] + "…"
    return value


def _render(assessment: models.Assessment, checklist: Checklist, criterion_id: str | None) -> str:
    page = _page()
    total = history_store.count(assessment, criterion_id)
    size = history_store.PAGE_SIZE
    pages = max(1, -(-total // size))
    if page > pages:
        abort(404, description=_("This history has no page %(page)s.", page=page))
    changes = history_store.newest(assessment, criterion_id, limit=size, offset=(page - 1) * size)
    return render_template(
        "views/history/history.html",
        assessment=assessment,
        checklist=checklist,
        criterion=checklist.criterion(criterion_id) if criterion_id else None,
        criterion_id=criterion_id,
        changes=changes,
        total=total,
        page=page,
        pages=pages,
        what_changed=lambda change: what_changed(checklist, change),
        shown_value=shown_value,
        who_changed=who_changed,
    )


@bp.get("/a/<token:token>/history")
def assessment_history(token: str) -> str:
    """Every recorded change to the assessment, newest first."""
    assessment, checklist = load_or_404(token)
    return _render(assessment, checklist, None)


@bp.get("/a/<token:token>/history/<criterion_id>")
def criterion_history(token: str, criterion_id: str) -> str:
    """Every recorded change to one criterion (its answer and its action), newest first."""
    assessment, checklist = load_or_404(token)
    if not checklist.has_criterion(criterion_id):
        abort(404)
    return _render(assessment, checklist, criterion_id)
