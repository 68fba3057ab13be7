"""Assessor: self-assessment of a policy framework against a checklist of good practice."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from assessor import config as settings

csrf = CSRFProtect()
log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web app: defaults, then the environment, then ``config``."""
    from assessor.web.request import ClosingRequest

    app = Flask(__name__, instance_relative_config=True)
    app.request_class = ClosingRequest
    app.config.from_mapping(settings.defaults())
    app.config.from_prefixed_env()
    app.config.from_mapping(settings.from_environment())
    if config:
        app.config.from_mapping(config)
    check_secret_key(app)

    from assessor import db
    from assessor.web import ratelimit, register_blueprints, register_template_helpers
    from assessor.web.errors import register_error_handlers

    db.init_app(app)
    ratelimit.init_app(app)  # before CSRF: a blocked client learns nothing from either
    csrf.init_app(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_session_cookie(app)
    register_proxy_fix(app)
    register_log_redaction(app)
    warn_about_invalid_checklists(app)
    return app


def check_secret_key(app: Flask) -> None:
    """Refuse to run outside debug and testing without a secret key set on purpose."""
    if app.debug or app.testing:
        return
    if not settings.has_real_secret_key(app.config.get("SECRET_KEY")):
        raise RuntimeError(settings.SECRET_KEY_HELP)


def register_proxy_fix(app: Flask) -> None:
    """Behind a reverse proxy, trust its X-Forwarded-* headers so private links are right."""
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )


def register_security_headers(app: Flask) -> None:
    """Headers that keep private links out of referrers, caches and search engines."""

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # Private links are in the URL path: never send them to another site.
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
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
