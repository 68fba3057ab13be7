"""The action plan: an action per gap (what, who, by when, towards which level), and the plan.

A gap is what the results page lists: an applicable criterion below *Fully in place*. From each
gap the user records one action; the "Action plan" page lists every gap in the results' priority
order with its action or "No action yet", filtered by owner and status (the plan, its order,
counts and filters are :mod:`assessor.plan`'s, as in the PDF and the spreadsheets).

Saving follows the rules of answers (:mod:`assessor.web.assessments`): one transaction, a
conflict with someone else's save shown rather than overwritten, nothing typed lost on an error
(422), CSRF on every post. The good practices of a gap's recommendation stand beside the form as
inspiration; a button per practice starts the action's text from it (a post that only fills the
form: no JavaScript).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from assessor import models, store
from assessor.answers import Action, action_fingerprint
from assessor.checklist import Checklist, GoodPractice
from assessor.forms import ActionForm, action_form, error_items
from assessor.levels import label_of
from assessor.plan import STATUS_FILTERS, PlanFilterError, action_plan, status_label
from assessor.scoring import Gap, GapAnalysis, score
from assessor.translation import N_
from assessor.web.i18n import gettext
from assessor.web.lookup import actor, load_or_404

bp = Blueprint("plan", __name__)

CONFLICT_TEXT_CHARS = 300


def _analyse(token: str) -> tuple[models.Assessment, Checklist, GapAnalysis, dict[str, Action]]:
    assessment, checklist = load_or_404(token)
    analysis = score(checklist, store.load_answers(assessment))
    return assessment, checklist, analysis, store.load_actions(assessment)


@bp.get("/a/<token:token>/plan")
def plan(token: str) -> str:
    """The action plan: every gap in priority order with its action, filtered by owner and
    status (``?owner=...&status=...``), with the counts of the whole plan."""
    assessment, checklist, analysis, actions = _analyse(token)
    owner = request.args.get("owner", "")
    status = request.args.get("status", "")
    whole = action_plan(analysis, actions, date.today())
    try:
        shown = whole.filtered(owner=owner, status=status)
    except PlanFilterError:
        abort(
            400,
            description=gettext(
                "Choose a status from the list: the plan cannot be filtered by it."
            ),
        )
    return render_template(
        "views/plan/plan.html",
        assessment=assessment,
        checklist=checklist,
        plan=whole,
        rows=shown.rows,
        counts=whole.counts,
        owners=whole.owners,
        owner=owner,
        status=status,
        status_filters=STATUS_FILTERS,
        status_label=lambda key: gettext(status_label(key)),
        filtered=bool(owner or status),
    )


def gap_or_404(analysis: GapAnalysis, criterion_id: str) -> Gap:
    """The gap on this criterion; 404 if the checklist has no such criterion or it is no gap.

    Evidence to collect (Don't know, unanswered) is in the plan too, after the ranked gaps.
    """
    for gap in analysis.gaps + analysis.evidence_to_collect:
        if gap.criterion.id == criterion_id:
            return gap
    if analysis.checklist.has_criterion(criterion_id):
        code = analysis.checklist.code(criterion_id)
        abort(
            404,
            description=gettext(
                "Criterion %(code)s is not a gap (it is fully in place or not applicable), so "
                "there is no action to plan for it.",
                code=code,
            ),
        )
    abort(404)


def starting_text(practice: GoodPractice) -> str:
    """The start of an action's text taken from a good practice."""
    return gettext(
        "Based on the good practice “%(title)s” (%(country)s; %(actor)s): %(summary)s",
        title=practice.title,
        country=practice.country,
        actor=practice.actor,
        summary=practice.summary,
    )


@bp.route("/a/<token:token>/plan/<criterion_id>", methods=["GET", "POST"])
def action(token: str, criterion_id: str) -> BaseResponse | tuple[str, int]:
    """Record, change or remove the action for one gap."""
    assessment, checklist, analysis, _ = _analyse(token)
    gap = gap_or_404(analysis, criterion_id)
    saved = store.load_action(assessment, criterion_id)
    if request.method == "GET":
        return render_action(assessment, checklist, gap, action_form(None, saved, gap.level), saved)

    form = action_form(request.form, saved, gap.level)
    practice_id = request.form.get("start_from")
    if practice_id is not None:  # fill the text from a practice; nothing is saved
        practice = next((p for p in gap.good_practices if p.id == practice_id), None)
        if practice is None:
            abort(400, description=gettext("That good practice is not linked to this gap."))
        typed = (form.action.data or "").strip()
        form.action.data = (
            f"{typed}\n\n{starting_text(practice)}" if typed else starting_text(practice)
        )
        return render_action(assessment, checklist, gap, form, saved)

    remove = request.form.get("do") == "remove"
    if not remove and not form.validate():
        return render_action(assessment, checklist, gap, form, saved, status=422)
    result = store.save_action(
        assessment,
        criterion_id,
        None if remove else form.to_action(),
        checklist,
        form.started_from(),
        actor=actor(),
    )
    if not result.saved:  # theirs is the new starting point: saving again keeps mine
        form.saved.data = action_fingerprint(result.theirs)
        notice = conflict_message(result.theirs, remove)
        return render_action(assessment, checklist, gap, form, result.theirs, 409, notice)
    code = gap.criterion.code
    if remove:
        flash(gettext("The action for %(code)s is removed.", code=code))
    else:
        flash(gettext("The action for %(code)s is saved.", code=code))
    return redirect(url_for(".plan", token=token, _anchor=f"Gap-{criterion_id}"))


def conflict_message(theirs: Action | None, removing: bool) -> str:
    """Explain that someone else changed this action while the page was open."""
    if theirs is None:
        other = gettext("removed this action")
    else:
        text = theirs.action
        if len(text) > CONFLICT_TEXT_CHARS:
            text = text[:CONFLICT_TEXT_CHARS] + "…"
        other = gettext(
            "saved this action: “%(text)s” (%(status)s)",
            text=text,
            status=gettext(status_label(theirs.status)),
        )
    if removing:
        yours = gettext("Nothing was removed")
    else:
        yours = gettext("Your version, below, is not saved yet")
    return gettext(
        "While this page was open, someone else %(other)s. %(yours)s: keep it or change it, "
        "then save again.",
        other=other,
        yours=yours,
    )


def render_action(
    assessment: models.Assessment,
    checklist: Checklist,
    gap: Gap,
    form: ActionForm,
    saved: Action | None,
    status: int = 200,
    notice: str | None = None,
) -> tuple[str, int]:
    """The page for one gap's action: the gap, its good practices, the form."""
    return render_template(
        "views/plan/action.html",
        assessment=assessment,
        checklist=checklist,
        gap=gap,
        form=form,
        saved=saved,
        current_label=gettext(label_of(gap.level)),
        error_items=error_items(form),
        notice=notice,
    ), status


def rerender_after_csrf_error(token: str, criterion_id: str) -> tuple[str, int] | None:
    """The action page again, with what was typed, after a failed CSRF check (``None`` if the
    link or the gap is gone)."""
    from assessor.web.assessments import expired_notice

    try:
        assessment, checklist, analysis, _ = _analyse(token)
        gap = gap_or_404(analysis, criterion_id)
    except NotFound:
        return None
    saved = store.load_action(assessment, criterion_id)
    form = action_form(request.form, saved, gap.level)
    notice = expired_notice(N_("What you typed is below: check it and save again."))
    return render_action(assessment, checklist, gap, form, saved, 400, notice)


# -- downloads (the spreadsheets of assessor.report.spreadsheet, as `assessor plan` writes) ----


def plan_download(token: str, file_format: str) -> Response:
    """The whole plan as a spreadsheet download, named as the command line names it."""
    from assessor.files import plan_filename
    from assessor.report.spreadsheet import MEDIA_TYPES, render

    assessment, checklist, analysis, actions = _analyse(token)
    today = date.today()
    title = gettext("Action plan: %(title)s", title=assessment.title)
    signed_off = store.current_sign_off(assessment)
    if signed_off is not None:  # in the workbook's title (a CSV has no place for it)
        title = f"{title} – {signed_off.line()}"
    data = render(action_plan(analysis, actions, today), file_format, title=title)
    response = Response(data, mimetype=MEDIA_TYPES[file_format])
    filename = plan_filename(assessment.title, today, file_format, checklist.id)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/a/<token:token>/plan.xlsx")
def plan_xlsx(token: str) -> Response:
    """The action plan as an XLSX workbook (one row per gap, in priority order)."""
    return plan_download(token, "xlsx")


@bp.get("/a/<token:token>/plan.csv")
def plan_csv(token: str) -> Response:
    """The action plan as CSV (UTF-8 with a byte-order mark, for spreadsheet programs)."""
    return plan_download(token, "csv")
