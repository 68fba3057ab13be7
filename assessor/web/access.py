"""The owner's pages: who has access, the assessment's details, sign-off and versions, deletion.

Views are thin: what a link may do is checked before they run (:mod:`assessor.web.lookup` and
the table in :mod:`assessor.access`); they validate, call :mod:`assessor.sharing`, and redirect
(or, for a new link, show its address once: it is not stored).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from itertools import product

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from assessor import comments_store, models, sharing, store
from assessor.access import Role, role_name
from assessor.answers import AnswersFile, AssessmentInfo
from assessor.checklist import Checklist
from assessor.checklist_translation import in_language
from assessor.compare import CHANGE_LABELS, Side, compare
from assessor.files import report_filename
from assessor.forms import ConfirmForm, DetailsForm, LinkForm, SignOffForm, error_items
from assessor.report import AUDIENCES, FORMATS, ReportError
from assessor.report.cache import render_pdf_cached, report_key
from assessor.report.chart import format_score
from assessor.report.comparison_chart import format_delta, score_pair_svg
from assessor.scoring import score
from assessor.translation import LANGUAGES
from assessor.web import report_jobs
from assessor.web.lookup import access, actor, forget_loaded, load_or_404
from assessor.web.results import NOT_MADE

bp = Blueprint("access", __name__)
log = logging.getLogger(__name__)

#: How many days back cached reports may be dated (the cache keeps files two days).
CACHED_REPORT_DAYS = 3


# -- who has access -----------------------------------------------------------------------------


@bp.route("/a/<token:token>/access", methods=["GET", "POST"])
def links(token: str) -> tuple[str, int]:
    """Who has access: every link with its role, scope and last use, a revoke button each, and
    a form to make a new named link (shown once, after it is made)."""
    assessment, checklist = load_or_404(token)
    form = LinkForm()
    form.set_themes(checklist)
    new_link = None
    status = 200
    if form.is_submitted():
        if form.validate():
            role = Role(form.role.data)
            themes = frozenset(form.themes.data) if role == Role.CONTRIBUTOR else None
            new_token = sharing.create_link(assessment, form.name.data, role, themes)
            new_link = (
                form.name.data,
                role,
                url_for("assessments.overview", token=new_token, _external=True),
            )
            form = LinkForm(formdata=None)
            form.set_themes(checklist)
        else:
            status = 422
    return render_template(
        "views/access/links.html",
        assessment=assessment,
        checklist=checklist,
        form=form,
        # The themes are check boxes: their error links to the first.
        error_items=[
            ("themes-0" if field_id == "themes" else field_id, message)
            for field_id, message in error_items(form)
        ],
        links=sharing.list_links(assessment),
        new_link=new_link,
        role_name=role_name,
        confirm=ConfirmForm(),
        current_link=access().link_id,
    ), status


@bp.post("/a/<token:token>/access/<int:link_id>/revoke")
def revoke(token: str, link_id: int) -> BaseResponse:
    """Revoke a link: from now on it finds nothing, like a wrong one."""
    assessment, _checklist = load_or_404(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = sharing.revoke_link(assessment, link_id)
    if name is None:
        abort(404)
    flash(_("The link for “%(name)s” is revoked: it no longer opens this assessment.", name=name))
    return redirect(url_for(".links", token=token))


# -- details ------------------------------------------------------------------------------------


@bp.route("/a/<token:token>/details", methods=["GET", "POST"])
def details(token: str) -> BaseResponse | tuple[str, int]:
    """Change the title, organisation, country and respondent type."""
    assessment, _checklist = load_or_404(token)
    info = store.assessment_info(assessment)
    form = DetailsForm(
        title=info.title,
        organisation=info.organisation,
        country=info.country,
        respondent=info.respondent,
    )
    if form.validate_on_submit():
        changed = sharing.update_details(
            assessment,
            AssessmentInfo(
                title=form.title.data,
                organisation=form.organisation.data,
                country=form.country.data,
                respondent=form.respondent.data,
            ),
            actor=actor(),
        )
        flash(_("The details are saved.") if changed else _("The details were not changed."))
        return redirect(url_for("assessments.overview", token=token))
    return render_template(
        "views/access/details.html",
        assessment=assessment,
        form=form,
        error_items=error_items(form),
    ), 422 if form.is_submitted() else 200


# -- deletion -----------------------------------------------------------------------------------


@bp.route("/a/<token:token>/delete", methods=["GET", "POST"])
def delete(token: str) -> BaseResponse | tuple[str, int]:
    """Delete the assessment, after a confirmation that names it: every row of it and its
    cached reports go; every link answers 404 afterwards."""
    assessment, checklist = load_or_404(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = assessment.title
        forget_reports(assessment, checklist)
        sharing.delete_assessment(assessment)
        forget_loaded()
        flash(_("“%(title)s” is deleted, with everything saved in it.", title=title))
        return redirect(url_for("assessments.start"))
    return render_template(
        "views/access/delete.html",
        assessment=assessment,
        form=form,
        links=sharing.list_links(assessment),
        versions=sharing.list_versions(assessment),
    ), 200


def forget_reports(assessment: models.Assessment, checklist: Checklist) -> int:
    """Remove the assessment's reports from the report cache: those of its current answers and
    of each version, for every audience and format, beside each kept comparison or none, in the
    ordinary and the internal-review edition, in every report language, dated the last few days
    (the cache keeps them no longer); how many were found."""
    cache = report_jobs.cache()
    files = [store.to_answers_file(assessment, checklist)]
    files += [
        found
        for version in sharing.list_versions(assessment)
        if (found := sharing.load_version(assessment, version.number, checklist)) is not None
    ]
    compared = [None, *_kept_comparisons(assessment, checklist)]
    editions = [None, comments_store.review_comments(assessment)]  # and the internal review
    today = date.today()
    removed = 0
    for answers_file, language in product(files, LANGUAGES):  # reports in every language
        analysis = score(in_language(checklist, language), answers_file.answers)
        for days, audience, fmt, other, review in product(
            range(CACHED_REPORT_DAYS), AUDIENCES, FORMATS, compared, editions
        ):
            on = today - timedelta(days)
            key = report_key(analysis, answers_file, audience, on, fmt, other, review)
            removed += cache.discard(key)
    return removed


def _kept_comparisons(assessment: models.Assessment, checklist: Checklist) -> list[AnswersFile]:
    kept = (store.load_comparison(assessment, role, checklist) for role in store.COMPARISON_ROLES)
    return [other for other in kept if other is not None]


# -- sign-off and versions ----------------------------------------------------------------------


@bp.get("/a/<token:token>/versions")
def versions(token: str) -> tuple[str, int]:
    """The signed-off versions, and (for the owner) signing off or re-opening."""
    assessment, _checklist = load_or_404(token)
    return render_versions(assessment, SignOffForm(by=actor()), 200)


def render_versions(
    assessment: models.Assessment, form: SignOffForm, status: int
) -> tuple[str, int]:
    """The versions page, with the sign-off form (and its errors)."""
    return render_template(
        "views/access/versions.html",
        assessment=assessment,
        versions=sharing.list_versions(assessment),
        signed_off=store.current_sign_off(assessment),
        form=form,
        error_items=error_items(form),
        confirm=ConfirmForm(),
    ), status


@bp.post("/a/<token:token>/sign-off")
def sign_off(token: str) -> BaseResponse | tuple[str, int]:
    """Sign the assessment off as final: a new numbered version, read-only for every link."""
    assessment, checklist = load_or_404(token)
    form = SignOffForm()
    if not form.validate_on_submit():
        return render_versions(assessment, form, 422)
    number = sharing.sign_off(assessment, checklist, form.by.data)
    flash(
        _(
            "Version %(number)s is signed off as final. It is read-only for every link until "
            "you re-open it.",
            number=number,
        )
    )
    return redirect(url_for(".versions", token=token))


@bp.post("/a/<token:token>/reopen")
def reopen(token: str) -> BaseResponse:
    """Re-open a signed-off assessment for changes; the next sign-off is the next version."""
    assessment, _checklist = load_or_404(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    number = sharing.reopen(assessment)
    if number is not None:
        flash(
            _(
                "The assessment is open for changes again. Version %(number)s stays as it was "
                "signed off.",
                number=number,
            )
        )
    return redirect(url_for(".versions", token=token))


def _version_or_404(token: str, number: int) -> tuple[models.Assessment, Checklist, AnswersFile]:
    assessment, checklist = load_or_404(token)
    frozen = sharing.load_version(assessment, number, checklist)
    if frozen is None:
        abort(404)
    return assessment, checklist, frozen


@bp.get("/a/<token:token>/versions/<int:number>")
def version(token: str, number: int) -> tuple[str, int]:
    """One signed-off version's results, read-only."""
    assessment, checklist, frozen = _version_or_404(token, number)
    analysis = score(checklist, frozen.answers)
    return render_template(
        "views/access/version.html",
        assessment=assessment,
        checklist=checklist,
        frozen=frozen,
        number=number,
        analysis=analysis,
        format_score=format_score,
    ), 200


@bp.get("/a/<token:token>/versions/<int:number>/report.pdf")
def version_report(token: str, number: int) -> Response:
    """One signed-off version's gap analysis, as a PDF made from its frozen answers."""
    assessment, checklist, frozen = _version_or_404(token, number)
    checklist = in_language(checklist, assessment.report_language)  # as the other downloads
    today = date.today()
    try:
        data = render_pdf_cached(
            report_jobs.cache(),
            score(checklist, frozen.answers),
            frozen,
            generated_on=today,
        )
    except ReportError:
        log.exception("a version's report could not be rendered")
        abort(503, description=_(NOT_MADE))
    filename = report_filename(f"{frozen.assessment.title} v{number}", "government", today)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/a/<token:token>/versions/<int:number>/compare")
def version_compare(token: str, number: int) -> tuple[str, int]:
    """What changed since a signed-off version: the version (before) beside the assessment as
    it is now, by the comparison engine."""
    assessment, checklist, frozen = _version_or_404(token, number)
    now = store.to_answers_file(assessment, checklist)
    comparison = compare(
        Side(frozen.assessment, checklist, frozen.answers),
        Side(now.assessment, checklist, now.answers),
    )
    return render_template(
        "views/compare/comparison.html",
        assessment=assessment,
        comparison=comparison,
        role="version",
        version=number,
        change_labels=CHANGE_LABELS,
        format_score=format_score,
        format_delta=format_delta,
        score_pair=score_pair_svg,
    ), 200
