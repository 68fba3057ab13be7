"""Follow-ups and comparisons: an assessment beside its baseline, or beside another's view.

A follow-up is a new assessment (its own private link) that starts from this one's answers and
evidence and keeps them, as they were, as its baseline. Any assessment can be compared with an
uploaded answers file or Assessor PDF: the upload is read under limits and compared, and stored
only when the user asks to keep it as the comparison partner. The comparison itself is
:func:`assessor.compare.compare`; these views only find the two sides and show it.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from assessor import models, store
from assessor.access import Action
from assessor.answers import (
    MAX_TITLE_CHARS,
    AnswersError,
    AnswersFile,
    parse_answers_file,
    without_unknown_criteria,
)
from assessor.answers_pdf import MAX_PDF_BYTES, answers_bytes
from assessor.checklist import Checklist
from assessor.compare import CHANGE_LABELS, Comparison, ComparisonError, Side, compare
from assessor.forms import CompareForm, FollowUpForm, error_items
from assessor.report.chart import format_score
from assessor.report.comparison_chart import format_delta, score_pair_svg
from assessor.web import ratelimit
from assessor.web.assessments import MAX_PROBLEMS_SHOWN, TooManyCreations, too_many_creations
from assessor.web.i18n import gettext, ngettext
from assessor.web.lookup import actor, catalogue, load_or_404, require

bp = Blueprint("compare", __name__)

FOLLOW_UP_SUFFIX = " – follow-up"


def follow_up_title(title: str) -> str:
    """The title a follow-up is offered: the baseline's, marked as a follow-up (within the
    limit)."""
    return title[: MAX_TITLE_CHARS - len(FOLLOW_UP_SUFFIX)].rstrip() + FOLLOW_UP_SUFFIX


@bp.route("/a/<token:token>/follow-up", methods=["GET", "POST"])
def follow_up(token: str) -> BaseResponse | tuple[str, int]:
    """Start a follow-up: a new assessment from this one's answers, with this one as baseline."""
    assessment, checklist = load_or_404(token)
    form = FollowUpForm(title=follow_up_title(assessment.title))
    if not form.validate_on_submit():
        return render_follow_up(assessment, form, 422 if form.is_submitted() else 200)
    wait = ratelimit.count_creation()
    if wait is not None:
        then = gettext("start the follow-up again")
        raise TooManyCreations(
            gettext("No follow-up was started: %(reason)s", reason=too_many_creations(wait, then)),
            wait,
        )
    started = store.create_follow_up(assessment, checklist, form.title.data, actor=actor())
    flash(
        gettext(
            "Your follow-up assessment has started from the answers and evidence of "
            "“%(title)s”. Change what has changed since. It has its own private link: "
            "keep it safe, it is the only way back.",
            title=assessment.title,
        )
    )
    return redirect(url_for("assessments.overview", token=started.token))


def render_follow_up(
    assessment: models.Assessment, form: FollowUpForm, status: int, notice: str | None = None
) -> tuple[str, int]:
    """The follow-up page with its form (and any errors or notice)."""
    return render_template(
        "views/compare/follow_up.html",
        assessment=assessment,
        form=form,
        error_items=error_items(form),
        notice=notice,
    ), status


def rerender_follow_up(token: str, notice: str) -> tuple[str, int] | None:
    """The follow-up form again with what was typed, after a failed CSRF check (``None`` if
    the link finds nothing: the plain page about the expired check)."""
    try:
        assessment, _ = load_or_404(token)
    except NotFound:
        return None
    return render_follow_up(assessment, FollowUpForm(formdata=request.form), 400, notice)


@bp.route("/a/<token:token>/compare", methods=["GET", "POST"])
def upload(token: str) -> BaseResponse | tuple[str, int]:
    """Compare with an uploaded answers file or Assessor PDF; keep it only if asked."""
    assessment, checklist = load_or_404(token)
    form = CompareForm()
    if not form.validate_on_submit():
        return render_upload(assessment, form, [], 422 if form.is_submitted() else 200)
    if not form.file.data:
        return render_upload(
            assessment, form, [gettext("Choose an answers file or an Assessor PDF to upload")], 422
        )
    try:
        raw = answers_bytes(form.file.data.read(MAX_PDF_BYTES + 1))
        readable, left_out = without_unknown_criteria(raw, checklist)
        other, other_checklist = parse_answers_file(readable, catalogue().get)
    except AnswersError as exc:
        return render_upload(assessment, form, list(exc.problems[: exc.count]), 422, exc.count)
    try:
        comparison = compare_with(assessment, checklist, other, other_checklist)
    except ComparisonError as exc:
        message = gettext(
            "This file cannot be compared with this assessment: %(reason)s.", reason=exc
        )
        return render_upload(assessment, form, [message], 422)
    if left_out:
        flash(left_out_notice(other.checklist_version, checklist, left_out))
    if form.keep.data == "yes":
        require(Action.EDIT)  # comparing only reads; keeping changes the assessment
        store.keep_comparison(assessment, store.PARTNER, other)
        flash(
            gettext(
                "“%(title)s” is kept as this assessment's comparison partner: "
                "come back to this comparison from the assessment's page.",
                title=other.assessment.title,
            )
        )
        return redirect(url_for(".comparison", token=token, role=store.PARTNER))
    return render_comparison(assessment, comparison, None)


def left_out_notice(version: str, checklist: Checklist, left_out: tuple[str, ...]) -> str:
    """Say that a file of another checklist version had answers to criteria this one lacks."""
    count = len(left_out)
    return ngettext(
        "The file was made with version %(theirs)s of the checklist; this service has version "
        "%(ours)s. %(num)d answer to criteria this version no longer has (%(ids)s) is left "
        "out; the rest are compared criterion by criterion.",
        "The file was made with version %(theirs)s of the checklist; this service has version "
        "%(ours)s. %(num)d answers to criteria this version no longer has (%(ids)s) are left "
        "out; the rest are compared criterion by criterion.",
        count,
        theirs=version,
        ours=checklist.version,
        ids=", ".join(left_out[:5]) + (", …" if count > 5 else ""),
    )


def render_upload(
    assessment: models.Assessment,
    form: CompareForm,
    problems: list[str],
    status: int,
    total: int | None = None,
) -> tuple[str, int]:
    """The upload page, with the problems found in a file (if any; ``total`` found in all)."""
    items = error_items(form)
    total = len(problems) if total is None else total
    if total > MAX_PROBLEMS_SHOWN:
        more = total - MAX_PROBLEMS_SHOWN
        problems = [*problems[:MAX_PROBLEMS_SHOWN], gettext("… and %(more)s more", more=more)]
    items += [(form.file.id, problem) for problem in problems]
    return render_template(
        "views/compare/upload.html",
        assessment=assessment,
        form=form,
        error_items=items,
        kept=store.comparison_roles(assessment),
    ), status


def compare_with(
    assessment: models.Assessment,
    checklist: Checklist,
    other: AnswersFile,
    other_checklist: Checklist,
) -> Comparison:
    """This assessment (the current side) compared with another (the baseline)."""
    mine = store.to_answers_file(assessment, checklist)
    return compare(
        Side(other.assessment, other_checklist, other.answers),
        Side(mine.assessment, checklist, mine.answers),
    )


@bp.get("/a/<token:token>/comparison/<any(baseline, partner):role>")
def comparison(token: str, role: str) -> tuple[str, int]:
    """The comparison with the baseline or the kept partner (404 if there is none)."""
    assessment, checklist = load_or_404(token)
    other = store.load_comparison(assessment, role, checklist)
    if other is None:
        abort(404)
    return render_comparison(
        assessment, compare_with(assessment, checklist, other, checklist), role
    )


@bp.post("/a/<token:token>/comparison/partner/forget")
def forget_partner(token: str) -> BaseResponse:
    """Stop keeping the comparison partner (the assessment itself is unchanged)."""
    assessment, _ = load_or_404(token)
    if store.forget_comparison(assessment, store.PARTNER):
        flash(gettext("The comparison partner is no longer kept. Your own answers are unchanged."))
    return redirect(url_for("assessments.overview", token=token))


def render_comparison(
    assessment: models.Assessment, comparison: Comparison, role: str | None
) -> tuple[str, int]:
    """The comparison page; ``role`` is the kept comparison shown, ``None`` for an upload."""
    return render_template(
        "views/compare/comparison.html",
        assessment=assessment,
        comparison=comparison,
        role=role,
        change_labels=CHANGE_LABELS,
        format_score=format_score,
        format_delta=format_delta,
        score_pair=score_pair_svg,
    ), 200
