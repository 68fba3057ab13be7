"""Starting, answering, reviewing, exporting and importing assessments.

Views are thin: GET renders, POST validates, saves through :mod:`assessor.store`, and
redirects. An assessment is reached only through its private link (``/a/<token>/``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import NotFound, TooManyRequests
from werkzeug.wrappers import Response as BaseResponse

from assessor import models, store
from assessor.answers import (
    MAX_EVIDENCE_CHARS,
    Answer,
    AnswersError,
    AssessmentInfo,
    fingerprint,
    parse_answers_file,
)
from assessor.checklist import Checklist, Theme
from assessor.files import answers_filename
from assessor.forms import ImportForm, StartForm, ThemeFormBase, error_items, theme_form
from assessor.levels import label_of
from assessor.progress import progress, size
from assessor.translation import N_
from assessor.web import ratelimit
from assessor.web.comments import add_typed_comments
from assessor.web.i18n import current_language, ngettext
from assessor.web.i18n import gettext as _
from assessor.web.lookup import actor, catalogue, load_or_404, theme_or_404
from assessor.web.returns import return_path

bp = Blueprint("assessments", __name__)
bp.add_app_template_global(return_path, "return_path")

MAX_PROBLEMS_SHOWN = 20
CONFLICT_EVIDENCE_CHARS = 300


class TooManyCreations(TooManyRequests):
    """A 429 for a client over ``CREATION_LIMIT``: the page says what was not made, and when
    to try again (views/errors/429.html)."""

    kind = "creations"

    def __init__(self, description: str, retry_after: int) -> None:
        super().__init__(description=description, retry_after=retry_after)


# -- starting ---------------------------------------------------------------------------------


@bp.route("/", methods=["GET", "POST"])
def start() -> BaseResponse | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Start a new assessment: choose the checklist, say who assesses what."""
    available = catalogue()
    default = available.default(current_app.config["DEFAULT_CHECKLIST_ID"])
    form = StartForm(checklist=default.id if default else None, report_language=current_language())
    form.set_checklists(available.checklists)
    form.set_country_names(current_language())
    if form.validate_on_submit():
        checklist = available.get(form.checklist.data)
        if checklist is None:  # removed between page and submit
            abort(404)
        info = AssessmentInfo(
            title=form.title.data,
            organisation=form.organisation.data,
            country=form.country.data,
            respondent=form.respondent.data,
        )
        wait = ratelimit.count_creation()
        if wait is not None:
            notice = _(
                "Nothing was started: %(reason)s",
                reason=too_many_creations(
                    wait, _("submit the form again: what you typed is below")
                ),
            )
            page, status = render_start(form, 429, notice)
            return page, status, {"Retry-After": str(wait)}
        assessment = store.create_assessment(
            info, checklist, report_language=form.report_language.data
        )
        flash(
            _("Your assessment has started. Keep its private link safe: it is the only way back.")
        )
        return redirect(url_for(".overview", token=assessment.token))
    return render_start(form, 422 if form.is_submitted() else 200)


def too_many_creations(seconds: int, then: str) -> str:
    """Say that the client's network made too many assessments lately, and when to go on."""
    minutes = -(-seconds // 60)
    return ngettext(
        "too many assessments were started or imported from your network in a short time, so "
        "new ones are paused for it for a while (assessments already started are not affected: "
        "their private links work as before). Wait %(num)d minute, then %(then)s.",
        "too many assessments were started or imported from your network in a short time, so "
        "new ones are paused for it for a while (assessments already started are not affected: "
        "their private links work as before). Wait %(num)d minutes, then %(then)s.",
        minutes,
        then=then,
    )


def render_start(form: StartForm, status: int, notice: str | None = None) -> tuple[str, int]:
    """The start page with a form (and any errors)."""
    return render_template(
        "views/assessments/start.html",
        form=form,
        offered=[(checklist, size(checklist)) for checklist in catalogue().checklists],
        has_checklists=bool(form.checklist.choices),
        error_items=error_items(form),
        notice=notice,
    ), status


# -- an assessment ----------------------------------------------------------------------------


@bp.get("/a/<token:token>/")
def overview(token: str) -> str:
    """The assessment's home: private link, details, and progress through each theme."""
    assessment, checklist = load_or_404(token)
    saved = store.load_answers(assessment)
    return render_template(
        "views/assessments/overview.html",
        assessment=assessment,
        checklist=checklist,
        progress=progress(checklist, saved),
        kept=store.comparison_roles(assessment),
    )


@bp.route("/a/<token:token>/theme/<theme_id>", methods=["GET", "POST"])
def theme(token: str, theme_id: str) -> BaseResponse | tuple[str, int]:
    """One theme's criteria: choose a level and give evidence for each; save."""
    assessment, checklist = load_or_404(token)
    current = theme_or_404(checklist, theme_id)
    if request.method == "GET":
        saved = store.load_answers(assessment)
        form = theme_form(current, None, saved)
        return render_theme(assessment, checklist, current, form, saved)

    # A posted form stands on its own (what the page started from travels in it): the saved
    # answers are read again only if the page is shown again.
    form = theme_form(current, request.form, {})
    form.validate()
    # A field with an error never blocks the others: the valid changes are saved, the invalid
    # criteria are kept as typed with their errors, and the page says which is which.
    invalid = form.invalid_criteria()
    changed = {cid: a for cid, a in form.changed_answers().items() if cid not in invalid}
    conflicts: Mapping[str, Answer | None] = {}
    if changed:
        conflicts = store.save_answers(
            assessment, changed, checklist, form.started_from(), actor=actor()
        ).conflicts
    # Comments typed beside the criteria and sent with a save button are added too.
    refused_comments = add_typed_comments(assessment, checklist, current)
    if invalid or conflicts or refused_comments:
        stored = [cid for cid in changed if cid not in conflicts]
        saved = store.load_answers(assessment)
        form.restart_from(saved, [*stored, *conflicts])
        for criterion_id, theirs in conflicts.items():
            form.add_conflict(criterion_id, conflict_message(theirs))
        notice = " ".join(
            [
                *(
                    [partial_save_notice(checklist, stored, invalid, list(conflicts))]
                    if invalid or conflicts
                    else []
                ),
                *refused_comments,
            ]
        )
        status = 409 if conflicts and not invalid else 422
        return render_theme(assessment, checklist, current, form, saved, status, notice)
    if request.form.get("action") == "later":
        flash(
            _(
                "Your answers to “%(theme)s” are saved. To come back to them later, "
                "use your private link, below.",
                theme=current.title,
            )
        )
        return redirect(url_for(".overview", token=token))
    flash(_("Your answers to “%(theme)s” are saved.", theme=current.title))
    return redirect(next_location(token, checklist, current))


def partial_save_notice(
    checklist: Checklist, stored: list[str], invalid: list[str], conflicts: list[str]
) -> str:
    """Say exactly which criteria of a page were saved and which were not, and why."""

    def codes(ids: list[str]) -> str:
        return ", ".join(checklist.code(cid) for cid in ids)

    parts = []
    if conflicts and not invalid:
        parts.append(_("Someone else saved answers on this page while you had it open."))
    if stored:
        parts.append(_("Saved: %(codes)s.", codes=codes(stored)))
    else:
        parts.append(_("Nothing on this page was saved this time."))
    if invalid:
        parts.append(
            _("Not saved, because of an error (marked below): %(codes)s.", codes=codes(invalid))
        )
    if conflicts:
        parts.append(
            _(
                "Not saved yet, because someone else changed them (marked below): %(codes)s.",
                codes=codes(conflicts),
            )
        )
    parts.append(_("What you typed is kept below: check it and save again."))
    return " ".join(parts)


def next_location(token: str, checklist: Checklist, current: Theme) -> str:
    """Where "Save and continue" goes: back where the page was opened from (a safe ``next``,
    such as the check-your-answers page), else the next theme, or the review after the last."""
    back = return_path(token)
    if back is not None:
        return back
    index = checklist.themes.index(current)
    if index + 1 < len(checklist.themes):
        return url_for(".theme", token=token, theme_id=checklist.themes[index + 1].id)
    return url_for(".review", token=token)


#: A saved answer without a level, in :func:`conflict_message` (a constant: pybabel does not
#: extract a marked string nested inside a gettext call).
NO_LEVEL = N_("no level")


def conflict_message(theirs: Answer | None) -> str:
    """Explain that someone else saved a different answer while this page was open."""
    if theirs is None or (theirs.level is None and not theirs.evidence):
        other = _("removed the answer")
    else:
        level = _(label_of(theirs.level, unset=NO_LEVEL))
        evidence = theirs.evidence
        if len(evidence) > CONFLICT_EVIDENCE_CHARS:
            evidence = evidence[:CONFLICT_EVIDENCE_CHARS] + "…"
        if evidence:
            other = _(
                "saved “%(level)s” with the evidence “%(evidence)s”", level=level, evidence=evidence
            )
        else:
            other = _("saved “%(level)s”", level=level)
    return _(
        "While this page was open, someone else %(other)s. Your answer, below, is not saved yet: "
        "keep it or change it, then save again.",
        other=other,
    )


def render_theme(
    assessment: models.Assessment,
    checklist: Checklist,
    current: Theme,
    form: ThemeFormBase,
    saved: Mapping[str, Answer],
    status: int = 200,
    notice: str | None = None,
) -> tuple[str, int]:
    """A theme page with its form (and any errors or notice); progress counts what is saved.
    A follow-up shows beside each criterion what its baseline said."""
    return render_template(
        "views/assessments/theme.html",
        assessment=assessment,
        checklist=checklist,
        theme=current,
        form=form,
        progress=progress(checklist, saved),
        error_items=form.error_items(),
        notice=notice,
        baseline=store.load_comparison(assessment, store.BASELINE, checklist),
        draft_key=draft_key(assessment.token),
        max_evidence_chars=MAX_EVIDENCE_CHARS,
    ), status


@bp.post("/a/<token:token>/theme/<theme_id>/criterion/<criterion_id>")
def save_criterion(token: str, theme_id: str, criterion_id: str) -> tuple[Response, int]:
    """Save one criterion of a theme page (the page's autosave, a few seconds after typing
    stops), through the same conflict-checked save as the page's form.

    The request carries the criterion's fields as the form names them, with the fingerprint
    of the answer the page started from. The answer is JSON: 200 with the new fingerprint,
    409 with a message if someone else changed the answer meanwhile (nothing is saved), 422
    with the messages if the answer is not valid (nothing is saved).
    """
    assessment, checklist = load_or_404(token)
    current = theme_or_404(checklist, theme_id)
    criterion = next((c for c in current.criteria if c.id == criterion_id), None)
    if criterion is None:
        abort(404)
    form = theme_form(current, request.form, {})  # the posted fields stand on their own
    form.validate()
    level, evidence = form.criterion_fields(criterion)
    errors = [str(message) for field in (level, evidence) for message in field.errors]
    if errors:
        return jsonify(status="invalid", code=criterion.code, errors=errors), 422
    mine = form.answers()[criterion.id]
    started = form.started_from()[criterion.id]
    result = store.save_answers(
        assessment, {criterion.id: mine}, checklist, {criterion.id: started}, actor=actor()
    )
    if criterion.id in result.conflicts:
        theirs = result.conflicts[criterion.id]
        return jsonify(
            status="conflict",
            code=criterion.code,
            message=conflict_message(theirs).replace("below", "on this page"),
            fingerprint=fingerprint(theirs),
        ), 409
    return jsonify(status="saved", code=criterion.code, fingerprint=fingerprint(mine)), 200


def draft_key(token: str) -> str:
    """The key under which a browser keeps unsaved input of an assessment (never the private
    token itself: a keyed digest of it, which says nothing about the token)."""
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(secret, b"draft:" + token.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


@bp.get("/a/<token:token>/review")
def review(token: str) -> str:
    """Check your answers: every criterion with its level and evidence, theme by theme and
    recommendation by recommendation, the unanswered marked, each with a link to change it
    that comes back here after saving. Prints as it reads."""
    assessment, checklist = load_or_404(token)
    saved = store.load_answers(assessment)
    return render_template(
        "views/assessments/review.html",
        assessment=assessment,
        checklist=checklist,
        answers=saved,
        progress=progress(checklist, saved),
    )


@bp.get("/a/<token:token>/answers.json")
def export(token: str) -> Response:
    """Download the assessment as an answers file (JSON); with ``?history=1``, its history too
    (who changed what, when: off by default, as it names the people who worked on it)."""
    assessment, checklist = load_or_404(token)
    with_history = request.args.get("history") == "1"
    text = store.to_answers_file(assessment, checklist, with_history=with_history).to_json()
    response = Response(text, mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{answers_filename(assessment.title)}"'
    )
    return response


# -- importing --------------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
def import_answers() -> BaseResponse | tuple[str, int]:
    """Create a new assessment from an uploaded answers file; nothing if the file is wrong."""
    form = ImportForm()
    if not form.validate_on_submit():
        return render_import(form, [], 422 if form.is_submitted() else 200)
    upload = form.file.data
    if not upload:
        return render_import(form, [_("Choose an answers file to upload")], 422)
    available = catalogue()
    try:
        answers_file, checklist = parse_answers_file(upload.read(), available.get)
    except AnswersError as exc:
        return render_import(form, list(exc.problems[: exc.count]), 422, total=exc.count)
    wait = ratelimit.count_creation()
    if wait is not None:
        then = _("import it again: the file is still on your computer")
        raise TooManyCreations(
            _(
                "Your answers file was not imported: %(reason)s",
                reason=too_many_creations(wait, then),
            ),
            wait,
        )
    assessment = store.import_answers_file(answers_file, checklist, actor=store.OWNER_LINK_NAME)
    answered = sum(1 for a in answers_file.answers.values() if a.is_answered)
    flash(
        _(
            "Imported “%(title)s” as a new assessment, with %(answered)s of %(total)s criteria "
            "answered. It has its own private link, below.",
            title=assessment.title,
            answered=answered,
            total=len(checklist.criteria),
        )
    )
    if answers_file.checklist_version != checklist.version:
        flash(
            _(
                "The file was made with version %(theirs)s of the checklist; this service has "
                "version %(ours)s. Answers were matched by criterion.",
                theirs=answers_file.checklist_version,
                ours=checklist.version,
            )
        )
    return redirect(url_for(".overview", token=assessment.token))


def render_import(
    form: ImportForm, problems: list[str], status: int, total: int | None = None
) -> tuple[str, int]:
    """The import page, with the problems found in a file (if any; ``total`` found in all)."""
    items = error_items(form)
    total = len(problems) if total is None else total
    if total > MAX_PROBLEMS_SHOWN:
        more = total - MAX_PROBLEMS_SHOWN
        problems = [*problems[:MAX_PROBLEMS_SHOWN], _("… and %(more)s more problems", more=more)]
    items += [(form.file.id, problem) for problem in problems]
    return render_template("views/assessments/import.html", form=form, error_items=items), status


# -- after a failed CSRF check ----------------------------------------------------------------

EXPIRED = N_(
    "Nothing was saved: this page was open so long that its security check expired "
    "(or your browser was restarted)."
)
TYPED_BELOW = N_("What you typed is below: check it and submit again.")


def expired_notice(then: str = TYPED_BELOW) -> str:
    """Say that the security check expired, and ``then`` (a marked message) what to do."""
    return f"{_(EXPIRED)} {_(then)}"


def rerender_after_csrf_error() -> tuple[str, int] | None:
    """Show the submitted form again, with what was typed, after a failed CSRF check."""
    args = request.view_args or {}
    if request.endpoint == "assessments.theme":
        try:
            assessment, checklist = load_or_404(args.get("token", ""))
            current = theme_or_404(checklist, args.get("theme_id", ""))
        except NotFound:  # nothing to show again: the plain page about the expired check
            return None
        saved = store.load_answers(assessment)
        form = theme_form(current, request.form, saved)
        notice = expired_notice(N_("Your answers are below: check them and save again."))
        return render_theme(assessment, checklist, current, form, saved, 400, notice)
    if request.endpoint == "plan.action":
        from assessor.web.plan import rerender_after_csrf_error as rerender_action

        return rerender_action(args.get("token", ""), args.get("criterion_id", ""))
    if request.endpoint == "comments.add":
        from assessor.web.comments import rerender_after_csrf_error as rerender_comment

        return rerender_comment(args.get("token", ""), args.get("criterion_id", ""), EXPIRED)
    if request.endpoint == "compare.follow_up":
        from assessor.web.compare import rerender_follow_up

        return rerender_follow_up(args.get("token", ""), expired_notice())
    if request.endpoint == "assessments.start":
        form = StartForm(formdata=request.form)
        form.set_checklists(catalogue().checklists)
        form.set_country_names(current_language())
        return render_start(form, 400, expired_notice())
    return None
