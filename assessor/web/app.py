"""The web app factory: settings, extensions, blueprints and the protections every response gets.

``create_app`` calls a short list of ``register_*`` helpers, one per concern (URL converters and
blueprints, template helpers, error pages, security headers, the session cookie, trusted hosts,
a reverse proxy, canonical private-link addresses, log redaction, the checklist warning). It
lives here, not in ``assessor/__init__.py``, so that importing the checklist model, scoring,
the command line or the PDF process never loads Flask; ``from assessor import create_app``
still works (lazily).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from babel.dates import format_time
from flask import Flask, Response, abort, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import SecurityError
from werkzeug.routing import BaseConverter
from werkzeug.wsgi import get_host

from assessor import config as settings
from assessor.answers import MAX_ANSWERS_FILE_BYTES, MAX_EVIDENCE_CHARS, RESPONDENTS
from assessor.levels import LEVELS, label_of
from assessor.tokens import TOKEN_PATTERN
from assessor.translation import N_
from assessor.web import i18n
from assessor.web.i18n import gettext

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

csrf = CSRFProtect()
log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

#: Headers on every response; assessor/serving.py adds them to gunicorn's own error responses.
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Private links are in the URL path: never send them to another site. Same-origin requests
    # keep their Referer, which Flask-WTF's check of form posts over HTTPS requires.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web app: defaults, then the environment, then ``config``."""
    from assessor.web.request import ClosingRequest

    # Named after the package, not this module: templates, static files and the instance
    # folder are found from assessor/.
    app = Flask(settings.IMPORT_NAME, instance_relative_config=True)
    app.request_class = ClosingRequest
    app.config.from_mapping(settings.resolve(config))
    check_secret_key(app)
    register_trusted_hosts(app)  # first: refuses a bad setting, checks before the proxy fix

    from assessor import db
    from assessor.web import lookup, metrics, ratelimit, report_jobs
    from assessor.web.errors import register_error_handlers

    db.init_app(app)
    metrics.init_app(app)  # first of the request hooks: refused requests are timed too
    i18n.init_app(app)
    ratelimit.init_app(app)  # before CSRF: a blocked client learns nothing from either
    csrf.init_app(app)
    lookup.init_app(app)  # after CSRF: a forged change is refused by both
    register_blueprints(app)
    report_jobs.init_app(app)  # reports made ahead of time after a save
    register_error_handlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_session_cookie(app)
    register_proxy_fix(app)
    register_canonical_token_paths(app)
    register_log_redaction(app)
    warn_about_invalid_checklists(app)
    return app


class TokenConverter(BaseConverter):
    """A private-link token in a URL: anything else does not match (404)."""

    regex = TOKEN_PATTERN


def register_blueprints(app: Flask) -> None:
    """Add the URL converters and every blueprint."""
    from assessor.web.access import bp as access
    from assessor.web.asks import bp as asks
    from assessor.web.assessments import bp as assessments
    from assessor.web.comments import bp as comments
    from assessor.web.compare import bp as compare
    from assessor.web.health import bp as health
    from assessor.web.history import bp as history
    from assessor.web.plan import bp as plan
    from assessor.web.questionnaire import bp as questionnaire
    from assessor.web.results import bp as results

    app.url_map.converters["token"] = TokenConverter
    app.register_blueprint(access)
    app.register_blueprint(assessments)
    app.register_blueprint(asks)
    app.register_blueprint(comments)
    app.register_blueprint(compare)
    app.register_blueprint(health)
    app.register_blueprint(history)
    app.register_blueprint(plan)
    app.register_blueprint(questionnaire)
    app.register_blueprint(results)


def _respondent_label(key: str) -> str:
    return str(gettext(dict(RESPONDENTS).get(key, key)))


#: What a version's page says for a criterion without a level (a separate constant: pybabel does
#: not extract a marked string nested inside a gettext call).
NO_LEVEL_CHOSEN = N_("No level chosen")


def _level_label(key: str | None) -> str:
    return str(gettext(label_of(key, unset=NO_LEVEL_CHOSEN)))


def _date(value: datetime) -> str:
    t = i18n.web_translator()
    return t.gettext(
        "%(date)s at %(time)s UTC",
        date=t.format_date(value, "long"),
        time=format_time(value, "HH:mm", locale=t.locale),
    )


def _day(value: date) -> str:
    return i18n.web_translator().format_date(value, "long")


def register_template_helpers(app: Flask) -> None:
    """Names and filters every template can use."""
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "levels": LEVELS,
            "respondent_label": _respondent_label,
            "level_label": _level_label,
            "max_evidence_chars": MAX_EVIDENCE_CHARS,
            "max_answers_file_mb": MAX_ANSWERS_FILE_BYTES // (1024 * 1024),
        }

    app.add_template_filter(_date, "date")
    app.add_template_filter(_day, "day")


def check_secret_key(app: Flask) -> None:
    """Refuse to run outside debug and testing without a secret key set on purpose."""
    if app.debug or app.testing:
        return
    if not settings.has_real_secret_key(app.config.get("SECRET_KEY")):
        raise RuntimeError(settings.SECRET_KEY_HELP)


#: Set in the WSGI environment when the request named a host not in ``TRUSTED_HOSTS``.
UNTRUSTED_HOST = "assessor.untrusted_host"
UNTRUSTED_HOST_MESSAGE = (
    "This site is not served at the address your browser asked for. Use the link you were "
    "given, or the site's own address."
)


class TrustedHostCheck:
    """WSGI middleware: a request for a host not in the list is served as a 400 page.

    The page is rendered by the app as usual (security headers and all), but for the first
    trusted host, so that nothing built during the request (links, redirects) carries the
    host the client made up. Behind :class:`~werkzeug.middleware.proxy_fix.ProxyFix` it sees
    the host the proxy forwarded (X-Forwarded-Host).
    """

    def __init__(self, app: WSGIApplication, hosts: Iterable[str]) -> None:
        self.app = app
        self.hosts = list(hosts)
        self.fallback = self.hosts[0].removeprefix(".")

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Check the host, mark the request if it is not trusted, and call the app."""
        host = environ.get("HTTP_HOST")
        if host is not None:
            environ["HTTP_HOST"] = host = host.lower()  # host names are case-insensitive
        try:
            get_host(environ, self.hosts)
        except SecurityError:
            environ[UNTRUSTED_HOST] = host or ""
            environ["HTTP_HOST"] = self.fallback
        return self.app(environ, start_response)


def register_trusted_hosts(app: Flask) -> None:
    """Serve only the hosts in ``TRUSTED_HOSTS`` (when set); any other gets a 400 page.

    Without it the Host header a client sends (or X-Forwarded-Host behind a proxy) would be
    written into the private links shown on the pages. Call it before :func:`register_proxy_fix`.
    """
    try:
        hosts = settings.parse_hosts(app.config.get("TRUSTED_HOSTS"))
    except ValueError as exc:
        raise RuntimeError(f"Refusing to start: {exc}.") from None
    app.config["TRUSTED_HOSTS"] = hosts  # Flask checks them too (a second line)
    if not hosts:
        if not (app.debug or app.testing):
            log.warning(
                "TRUSTED_HOSTS is not set: private links are built from the host each request "
                "names; set it to the site's host name in production"
            )
        return
    app.wsgi_app = TrustedHostCheck(app.wsgi_app, hosts)  # type: ignore[method-assign]

    def _refuse_untrusted_host() -> None:
        host = request.environ.get(UNTRUSTED_HOST)
        if host is not None:
            log.info("refused a request for host %r (not in TRUSTED_HOSTS)", host[:100])
            abort(400, description=UNTRUSTED_HOST_MESSAGE)

    # First of all: nothing else (rate limit, CSRF, the database) runs for such a request.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_untrusted_host)


def register_proxy_fix(app: Flask) -> None:
    """Behind a reverse proxy, trust its X-Forwarded-* headers so private links are right."""
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )


def register_canonical_token_paths(app: Flask) -> None:
    """Answer a private-link address written with ``%``-escapes (``/%61/...``) with a 404.

    The server decodes the path before routing, so such an address would open the assessment,
    while logs (and proxies) see it as sent. The app never writes one: the token and every
    other part of a private-link path are plain ASCII.
    """

    @app.before_request
    def _refuse_encoded_token_paths() -> None:
        if not request.view_args or "token" not in request.view_args:
            return
        raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
        if "%" in raw.partition("?")[0]:
            abort(404)


def register_security_headers(app: Flask) -> None:
    """Headers that keep private links out of referrers, caches and search engines."""

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure and app.config.get("HSTS_MAX_AGE"):
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={int(app.config['HSTS_MAX_AGE'])}"
            )
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, its cookie marked Secure whenever served over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure if configured so, or if this request came over HTTPS."""
        configured = bool(super().get_cookie_secure(app))
        return configured or (has_request_context() and request.is_secure)


def register_session_cookie(app: Flask) -> None:
    """Session cookie: HttpOnly and SameSite=Lax (settings), Secure when served over HTTPS.

    Behind a proxy that ends HTTPS, set ``TRUSTED_PROXY_HOPS`` so the request is seen as
    HTTPS, or force it with ``FLASK_SESSION_COOKIE_SECURE=true``.
    """
    app.session_interface = _SessionInterface()


def register_log_redaction(app: Flask) -> None:
    """Keep private links out of what the app and the development server log."""
    from assessor.logs import add_redacting_filter

    add_redacting_filter(app.logger)
    add_redacting_filter(logging.getLogger("werkzeug"))


def warn_about_invalid_checklists(app: Flask) -> None:
    """Log every problem with the checklist files, once, at start."""
    from assessor.catalogue import load_catalogue

    catalogue = load_catalogue(app.config["CHECKLIST_DIR"])
    for error in catalogue.errors:
        log.warning("checklist not offered: %s", error)
    if not catalogue.checklists:
        log.warning("no valid checklist in %s", app.config["CHECKLIST_DIR"])
