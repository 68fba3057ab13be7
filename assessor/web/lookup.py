"""Finding what a URL names, for every blueprint: the checklists offered, an assessment, a theme,
and what the private link used may do.

A view gets what its URL names or a 404 (``load_or_404``, ``theme_or_404``); a private link
that finds nothing (wrong or revoked) is counted against the client
(:mod:`assessor.web.ratelimit`), wherever it is looked up, including after a failed CSRF check
(:mod:`assessor.web.errors`).

Every request to an assessment is checked here, before its view runs (:func:`init_app`): the
link's role and scope (:mod:`assessor.access`) against the action the endpoint needs. A refused
change gets the 403 page and changes nothing; views only ask :func:`may` what to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, abort, current_app, g, render_template, request
from flask_babel import gettext as _

from assessor import db, models, store
from assessor.access import Action, Grant, Role, can, parse_scope, role_name, rule_for
from assessor.answers import SignOff
from assessor.catalogue import Catalogue, load_catalogue
from assessor.checklist import Checklist, Theme
from assessor.web import ratelimit
from assessor.web.i18n import current_language, gettext

#: A link's last use is written at most this often (reading pages should not write each time).
LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Access:
    """What the private link of the current request is, and may do."""

    grant: Grant
    link_id: int
    #: The sign-off the assessment is under (``None``: open for changes).
    sign_off: SignOff | None

    @property
    def signed_off(self) -> bool:
        """Whether the assessment is signed off (read-only for every link)."""
        return self.sign_off is not None

    @property
    def name(self) -> str:
        """The link's name ("Ministry of Education")."""
        return self.grant.name

    @property
    def role(self) -> Role:
        """The link's role."""
        return self.grant.role


def catalogue() -> Catalogue:
    """The checklists this app offers, shown in the request's language (translated where the
    checklist has a translation into it, marked where not)."""
    return load_catalogue(current_app.config["CHECKLIST_DIR"]).in_language(current_language())


def load_or_404(token: str) -> tuple[models.Assessment, Checklist]:
    """The assessment behind a private link, and its checklist; 404 if either is missing (or
    the link is revoked). Sets :func:`access` for the request."""
    cached = g.get("_loaded")
    if cached is not None and cached[0] == token:
        return cached[1], cached[2]
    found = store.find_link(token)
    if found is None:
        ratelimit.record_failed_lookup()
        abort(404)
    assessment, link = found
    g.assessment_id = assessment.id  # a successful POST queues its reports (report_jobs)
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
    g.access = Access(
        grant=Grant(Role(link.role), link.name, parse_scope(link.scope)),
        link_id=link.id,
        sign_off=store.current_sign_off(assessment),
    )
    _touch(link)
    g._loaded = (token, assessment, checklist)
    return assessment, checklist


def forget_loaded() -> None:
    """Forget what this request looked up (after a change of access: sign-off, revocation)."""
    g.pop("_loaded", None)
    g.pop("access", None)


def _touch(link: models.Link) -> None:
    """Record that the link was used now, at most once every :data:`LAST_USED_EVERY`."""
    now = models.utcnow()
    if link.last_used_at is not None and now - link.last_used_at < LAST_USED_EVERY:
        return
    with db.get_engine().begin() as connection:
        connection.execute(
            sa.update(models.Link).where(models.Link.id == link.id).values(last_used_at=now)
        )


def access() -> Access:
    """What the current request's private link is and may do (after :func:`load_or_404`)."""
    found: Access | None = g.get("access")
    if found is None:
        raise RuntimeError("no private link was looked up in this request")
    return found


def actor() -> str:
    """The name of the current request's private link: who did what is recorded under it."""
    return access().name


def may(action: str, theme_id: str | None = None) -> bool:
    """Whether the current link may do ``action`` (to ``theme_id``), signed off or not."""
    current: Access | None = g.get("access")
    if current is None:
        return False
    return can(current.grant, action, theme_id, current.signed_off)


def require(action: str, theme_id: str | None = None) -> None:
    """Refuse the request (403) unless the current link may do ``action`` (to ``theme_id``)."""
    if not may(action, theme_id):
        abort(403, description=refusal(action))


def refusal(action: str) -> str:
    """Why the current link may not do ``action``: the sentence the 403 page shows."""
    current = access()
    if current.signed_off and can(current.grant, action):
        return str(
            _(
                "This assessment is signed off, so it cannot be changed. Its owner can re-open it "
                "for changes."
            )
        )
    if action == Action.ANSWER and current.role == Role.CONTRIBUTOR:
        return str(
            _(
                "Your link lets you answer only the themes you were asked to: this one is shown "
                "read-only. Nothing was saved."
            )
        )
    return str(
        _(
            "Your link (%(name)s, %(role)s) does not allow this. Nothing was changed.",
            name=current.name,
            role=role_name(current.role),
        )
    )


def theme_or_404(checklist: Checklist, theme_id: str) -> Theme:
    """The checklist's theme with this id; 404 if there is none."""
    try:
        return checklist.theme(theme_id)
    except KeyError:
        abort(404)


def _scope_theme(checklist: Checklist, scope: str | None) -> str | None:
    """The theme id a request is about, from its URL (see :class:`assessor.access.Rule`)."""
    args = request.view_args or {}
    if scope == "theme":
        return str(args.get("theme_id", ""))
    if scope == "criterion":
        criterion_id = str(args.get("criterion_id", ""))
        if not checklist.has_criterion(criterion_id):
            return None
        return checklist.parents(criterion_id)[0].id
    return None


def _check_access() -> None:
    """Before a view runs: refuse what the link's role does not allow (403), and state-changing
    requests to endpoints the access table does not list."""
    if request.endpoint is None or request.endpoint == "static":
        return
    rule = rule_for(request.endpoint, request.method)
    if rule is None:
        abort(403, description=_("This address does not accept changes."))
    args = request.view_args or {}
    if "token" not in args or rule.action == Action.PUBLIC:
        return
    checklist = load_or_404(str(args["token"]))[1]
    require(rule.action, _scope_theme(checklist, rule.scope))


def init_app(app: Flask) -> None:
    """Check every request against the access rules (after the CSRF check)."""
    app.before_request(_check_access)

    @app.errorhandler(store.SignedOff)
    def _signed_off(_error: store.SignedOff) -> tuple[str, int]:
        # The store's own check: a change that got past the rules (a sign-off in between).
        message = _(
            "This assessment is signed off, so it cannot be changed. Its owner can re-open it "
            "for changes."
        )
        return render_template("views/errors/403.html", custom=message), 403

    @app.context_processor
    def _access_helpers() -> dict[str, object]:
        return {"may": may, "current_access": g.get("access")}
