"""Assessor: self-assessment of a policy framework against a checklist of good practice."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request
from flask_wtf.csrf import CSRFProtect

from assessor import config as settings

csrf = CSRFProtect()
log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web app: defaults, then the environment, then ``config``."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(settings.defaults())
    app.config.from_prefixed_env()
    app.config.from_mapping(settings.from_environment())
    if config:
        app.config.from_mapping(config)
    check_secret_key(app)

    from assessor import db
    from assessor.web import register_blueprints, register_template_helpers
    from assessor.web.errors import register_error_handlers

    db.init_app(app)
    csrf.init_app(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_proxy_fix(app)
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
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response


def warn_about_invalid_checklists(app: Flask) -> None:
    """Log every problem with the checklist files, once, at start."""
    from assessor.catalogue import load_catalogue

    catalogue = load_catalogue(app.config["CHECKLIST_DIR"])
    for error in catalogue.errors:
        log.warning("checklist not offered: %s", error)
    if not catalogue.checklists:
        log.warning("no valid checklist in %s", app.config["CHECKLIST_DIR"])
