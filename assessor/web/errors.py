"""Error pages: a clear page and a 4xx for what a user can cause, never a traceback."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

PAGES = {400: "400", 403: "403", 404: "404", 405: "405", 413: "413", 429: "429"}


def register_error_handlers(app: Flask) -> None:
    """Render the error pages from templates."""

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> tuple[str, int]:
        from assessor.web.assessments import rerender_after_csrf_error

        return rerender_after_csrf_error() or (
            render_template("views/errors/csrf.html", error=error),
            400,
        )

    @app.errorhandler(HTTPException)
    def _http_error(
        error: HTTPException,
    ) -> tuple[str, int, list[tuple[str, str]]] | HTTPException:
        code = error.code or 500
        if code < 400:
            return error  # e.g. redirects raised by routing
        template = PAGES.get(code, "generic")
        custom = error.description if error.description != type(error).description else None
        # Keep the error's own headers (Allow on a 405, Retry-After on a 429).
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        page = render_template(f"views/errors/{template}.html", error=error, custom=custom)
        return page, code, headers

    @app.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError) -> tuple[str, int]:
        return render_template("views/errors/500.html"), 500
