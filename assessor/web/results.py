"""An assessment's results: scores per theme, ranked gaps with their good practices, the PDF.

The PDF is the one ``assessor report`` writes: both call :func:`assessor.report.render_pdf`
on the same gap analysis and answers file. A download made in the request goes through
:func:`assessor.report.cache.render_pdf_cached`, the path the benchmarks measure; made in the
background (the default), the "being prepared" page asks the report queue
(:mod:`assessor.web.report_jobs`) where the job stands, and answers 429 or 503 with Retry-After
when too many are queued. A report made ahead of time after the last save is served at once.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from assessor import comments_store, models, store
from assessor.access import Action
from assessor.answers import AnswersFile
from assessor.checklist import Checklist
from assessor.checklist_translation import in_language
from assessor.commitments_view import commitment_standing
from assessor.files import report_filename
from assessor.forms import ReportLanguageForm
from assessor.practices import cited_practices, split_practices
from assessor.report import (
    AUDIENCE_TABLE,
    AUDIENCES,
    DEFAULT_AUDIENCE,
    DEFAULT_FORMAT,
    FORMATS,
    ReportError,
    audience_for,
    build_document,
    format_for,
)
from assessor.report.brief import UPR_WORDS_JOINT, UPR_WORDS_SINGLE
from assessor.report.cache import PDFCache, render_pdf_cached, report_key
from assessor.report.chart import chart_rows, score_bar_svg
from assessor.report.review import EDITION, ReviewComments
from assessor.scoring import FLAG_LABELS, GapAnalysis, score
from assessor.translation import LANGUAGE_NAMES, N_
from assessor.web import report_jobs
from assessor.web.i18n import gettext, web_translator
from assessor.web.lookup import actor, load_or_404, require

bp = Blueprint("results", __name__)
log = logging.getLogger(__name__)


def analyse(token: str) -> tuple[models.Assessment, Checklist, AnswersFile, GapAnalysis]:
    """The assessment behind a private link, its answers file and its gap analysis (or 404)."""
    assessment, checklist = load_or_404(token)
    answers_file = store.to_answers_file(assessment, checklist)
    return assessment, checklist, answers_file, score(checklist, answers_file.answers)


def analyse_for_report(
    token: str,
) -> tuple[models.Assessment, Checklist, AnswersFile, GapAnalysis]:
    """:func:`analyse`, with the checklist in the assessment's report language (whatever the
    page's language): what the PDF and Word downloads are made from."""
    assessment, checklist = load_or_404(token)
    checklist = in_language(checklist, assessment.report_language)
    answers_file = store.to_answers_file(assessment, checklist)
    return assessment, checklist, answers_file, score(checklist, answers_file.answers)


@bp.get("/a/<token:token>/results")
def results(token: str) -> str:
    """Scores per theme as bars, the ranked gaps with their good practices and a link to plan
    an action for each, and the PDF."""
    assessment, checklist, answers_file, analysis = analyse(token)
    compared = compared_with(assessment, checklist)
    return render_template(
        "views/results/results.html",
        compared=compared,
        assessment=assessment,
        checklist=checklist,
        analysis=analysis,
        actions=answers_file.actions,
        chart_rows=chart_rows(analysis),
        score_bar=score_bar_svg,
        flag_labels=FLAG_LABELS,
        format_score=lambda value: (
            gettext("n/a") if value is None else web_translator().format_number(value, 1)
        ),
        format_priority=lambda value: web_translator().format_number(float(value), 2),
        language_form=ReportLanguageForm(report_language=assessment.report_language),
        language_name=LANGUAGE_NAMES.get(assessment.report_language, assessment.report_language),
        audiences=AUDIENCE_TABLE,
        commitment_standing=commitment_standing(analysis),
        split_practices=lambda practices: split_practices(practices, assessment.country),
        cited_practices=cited_practices(analysis),
        brief_words=build_document(
            analysis, answers_file, audience="ngo", generated_on=date.today(), compared=compared
        ).figures,
        upr_words=(UPR_WORDS_SINGLE, UPR_WORDS_JOINT),
        # An NGO gets its brief chosen; everyone else the gap analysis.
        default_audience="ngo" if assessment.respondent == "ngo" else DEFAULT_AUDIENCE,
    )


REQUEST_CACHE = "assessor.report_request_cache"
REFRESH_SECONDS = 2
BUSY_RETRY_SECONDS = 30
NOT_MADE = N_(
    "The report could not be made just now. Your answers are safe: try again in a few "
    "minutes. If it keeps failing, download the answers file and tell the service's "
    "administrators."
)


def _audience() -> str:
    audience = request.args.get("audience", DEFAULT_AUDIENCE)
    if audience not in AUDIENCES:
        abort(400, description=gettext("Choose who the report is for: a government or an NGO."))
    return audience


def compared_with(assessment: models.Assessment, checklist: Checklist) -> AnswersFile | None:
    """The assessment the reports set this one beside: the comparison partner the user kept,
    else the baseline a follow-up started from, else none."""
    for role in (store.PARTNER, store.BASELINE):
        if role in store.comparison_roles(assessment):
            other = store.load_comparison(assessment, role, checklist)
            if other is not None:
                return other
    return None


def _edition(audience: str) -> dict[str, Any]:
    """The edition asked for, as URL arguments: ``{}`` for the ordinary report, or the
    internal review of the gap analysis (the owner's only: 403 for anyone else)."""
    edition = request.args.get("edition", "")
    if not edition:
        return {}
    if edition != EDITION or audience != "government":
        abort(
            400,
            description=gettext(
                "The only other edition is the internal review of the gap analysis "
                "(edition=internal-review, audience=government)."
            ),
        )
    require(Action.MANAGE)  # the comments stay among those who review the assessment
    return {"edition": EDITION}


def _review(assessment: models.Assessment, edition: dict[str, Any]) -> ReviewComments | None:
    """The comments for the internal-review edition, or ``None`` for the ordinary report."""
    return comments_store.review_comments(assessment) if edition else None


def _format() -> str:
    fmt = request.args.get("format", DEFAULT_FORMAT)
    if fmt not in FORMATS:
        abort(400, description=gettext("Choose the report's format: a PDF or a Word document."))
    return fmt


def _request_cache() -> PDFCache:
    """The cache of reports made in the request (``REPORT_IN_BACKGROUND`` off): memory only,
    or the shared folder when ``REPORT_CACHE_DIR`` names one."""
    found: PDFCache | None = current_app.extensions.get(REQUEST_CACHE)
    if found is None:
        folder = current_app.config["REPORT_CACHE_DIR"]
        found = current_app.extensions.setdefault(
            REQUEST_CACHE, PDFCache(Path(folder) if folder else None)
        )
    assert found is not None
    return found


@bp.get("/a/<token:token>/report.<any(pdf, docx):fmt>")
def report_pdf(token: str, fmt: str) -> BaseResponse:
    """The report (``?audience=government`` or ``ngo``) as a PDF or Word download.

    Served from the cache when nothing changed since it was last made; otherwise made in the
    background while :func:`report_status` shows progress (or here, when not in background).
    """
    audience = _audience()
    edition = _edition(audience)
    assessment, checklist, answers_file, analysis = analyse_for_report(token)
    review = _review(assessment, edition)
    compared = compared_with(assessment, checklist)
    today = date.today()
    if report_jobs.in_background():
        # Made ahead of time after the last save (or asked for before): the file itself.
        cache = report_jobs.cache()
        data = cache.get(report_key(analysis, answers_file, audience, today, fmt, compared, review))
        if data is None:
            return redirect(
                url_for(
                    ".report_status",
                    token=token,
                    audience=audience,
                    format=fmt,
                    **edition,
                ),
                303,
            )
    else:
        try:  # the same cached render as the command line's benchmarks measure
            data = render_pdf_cached(
                _request_cache(),
                analysis,
                answers_file,
                audience=audience,
                fmt=fmt,
                generated_on=today,
                compared=compared,
                review=review,
            )
        except ReportError:
            log.exception("the report of an assessment could not be rendered")
            abort(503, description=gettext(NOT_MADE))
    file_format = format_for(fmt)
    filename = report_filename(
        assessment.title,
        audience if review is None else f"{audience}-{EDITION}",
        today,
        extension=file_format.extension,
    )
    response = Response(data, mimetype=file_format.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/a/<token:token>/report")
def report_status(token: str) -> BaseResponse | tuple[str, int, dict[str, str]]:
    """The "Your PDF is being prepared" page: checked again until the report is made, then
    the download starts (``?format=docx``: a Word document)."""
    audience = _audience()
    fmt = _format()
    edition = _edition(audience)
    pdf_url = url_for(".report_pdf", token=token, audience=audience, fmt=fmt, **edition)
    if not report_jobs.in_background():
        return redirect(pdf_url, 303)
    assessment, checklist, answers_file, analysis = analyse_for_report(token)
    review = _review(assessment, edition)
    compared = compared_with(assessment, checklist)
    today = date.today()
    limits = report_jobs.owners(assessment.id)
    job = report_jobs.spec(
        checklist,
        answers_file,
        analysis,
        audience=audience,
        fmt=fmt,
        generated_on=today,
        compared=compared,
        owners=tuple(limits),
        review=review,
    )
    try:
        state = report_jobs.queue().state(job, limits)
    except Exception:  # the queue's store does not answer (Redis down, SQLite locked)
        log.exception("the report queue does not answer")
        state = "busy"  # "try again in 30 s", never a 500
    if state == "failed":
        abort(503, description=gettext(NOT_MADE))
    kind = audience_for(audience).kind
    page = render_template(
        "views/results/preparing.html",
        assessment=assessment,
        state=state,
        kind=kind,
        file_label=gettext(format_for(fmt).label),
        pdf_url=pdf_url,
        status_url=url_for(".report_status", token=token, audience=audience, format=fmt, **edition),
        refresh_seconds=REFRESH_SECONDS,
        retry_seconds=BUSY_RETRY_SECONDS,
    )
    if state == "ready":
        return page, 200, {}
    if state == "limited":  # this assessment or client has enough PDFs being made
        return page, 429, {"Retry-After": str(BUSY_RETRY_SECONDS)}
    if state == "busy":  # the queue is full (or does not answer)
        return page, 503, {"Retry-After": str(BUSY_RETRY_SECONDS)}
    return page, 202, {"Retry-After": str(REFRESH_SECONDS)}


@bp.post("/a/<token:token>/report-language")
def report_language(token: str) -> BaseResponse:
    """Change the language the assessment's reports are made in."""
    assessment, _checklist = load_or_404(token)
    form = ReportLanguageForm()
    if not form.validate_on_submit():
        abort(400, description=gettext("Choose the language of the reports from the list."))
    store.set_report_language(assessment, form.report_language.data, actor=actor())
    flash(
        gettext(
            "The reports of this assessment are now made in %(language)s.",
            language=LANGUAGE_NAMES[form.report_language.data],
        )
    )
    return redirect(url_for(".results", token=token, _anchor="ReportTitle"))
