"""Finding what a URL names, for every blueprint: the checklists offered, an assessment, a theme.

A view gets what its URL names or a 404 (``load_or_404``, ``theme_or_404``); a private link
that finds nothing is counted against the client (:mod:`assessor.web.ratelimit`), wherever it
is looked up, including after a failed CSRF check (:mod:`assessor.web.errors`).
"""

from __future__ import annotations

from flask import abort, current_app

from assessor import models, store
from assessor.catalogue import Catalogue, load_catalogue
from assessor.checklist import Checklist, Theme
from assessor.web import ratelimit
from assessor.web.i18n import current_language, gettext


def catalogue() -> Catalogue:
    """The checklists this app offers, shown in the request's language (translated where the
    checklist has a translation into it, marked where not)."""
    return load_catalogue(current_app.config["CHECKLIST_DIR"]).in_language(current_language())


def load_or_404(token: str) -> tuple[models.Assessment, Checklist]:
    """The assessment behind a private link, and its checklist; 404 if either is missing."""
    assessment = store.get_by_token(token)
    if assessment is None:
        ratelimit.record_failed_lookup()
        abort(404)
    checklist = catalogue().get(assessment.checklist_id)
    if checklist is None:
        abort(
            404,
            description=gettext(
                "This assessment answers the checklist “%(checklist)s”, which this "
                "service no longer offers. Ask the service's administrators to add it back.",
                checklist=assessment.checklist_id,
            ),
        )
    return assessment, checklist


def theme_or_404(checklist: Checklist, theme_id: str) -> Theme:
    """The checklist's theme with this id; 404 if there is none."""
    try:
        return checklist.theme(theme_id)
    except KeyError:
        abort(404)
