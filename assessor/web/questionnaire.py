"""The blank questionnaire of a checklist, as a PDF or Word download, and the site's icon.

The questionnaire holds no answers: it is made from the checklist alone
(:mod:`assessor.report.questionnaire`), in the request, and kept per checklist digest, so a
checklist version costs one rendering per format and day in each process. It is linked from the
start page and from every assessment's page.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app

from assessor.files import slug
from assessor.report import ReportError, format_for
from assessor.report.questionnaire import render_questionnaire
from assessor.translation import N_
from assessor.web.i18n import gettext
from assessor.web.lookup import catalogue

bp = Blueprint("questionnaire", __name__)
log = logging.getLogger(__name__)

NOT_MADE = N_(
    "The questionnaire could not be made just now: try again in a few minutes. If it keeps "
    "failing, tell the service's administrators."
)
ICON_MAX_AGE = 7 * 24 * 3600
ICON_TYPE = "image/vnd.microsoft.icon"


@bp.get("/questionnaire/<checklist_id>.<any(pdf, docx):fmt>")
def download(checklist_id: str, fmt: str) -> Response:
    """The blank questionnaire of an offered checklist, as a PDF or a Word document."""
    checklist = catalogue().get(checklist_id)
    if checklist is None:
        abort(404, description=gettext("This service offers no checklist by that name."))
    today = date.today()
    try:
        data = render_questionnaire(checklist, fmt, today)
    except ReportError:
        log.exception("the blank questionnaire of %s could not be made", checklist.id)
        abort(503, description=gettext(NOT_MADE))
    file_format = format_for(fmt)
    name = (
        f"questionnaire-{slug(checklist.id)}-{slug(checklist.version, 'v')}.{file_format.extension}"
    )
    response = Response(data, mimetype=file_format.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The site's icon where browsers look for it first (pages also link the SVG one)."""
    response = Response(_icon(current_app.static_folder or "static"), mimetype=ICON_TYPE)
    response.headers["Cache-Control"] = f"public, max-age={ICON_MAX_AGE}"
    return response


@lru_cache(maxsize=1)
def _icon(folder: str) -> bytes:
    return (Path(folder) / "favicon.ico").read_bytes()
