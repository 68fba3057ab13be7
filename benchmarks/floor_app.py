"""The floor of the web benchmark: a minimal Flask app on the same gunicorn set-up as Assessor.

``GET /page`` returns a fixed page (as many bytes as ``FLOOR_PAGE_BYTES``, so the floor sends as
much as the theme page it is compared with), ``POST /page`` reads the form and redirects, and
``GET /healthz`` answers 200. Served by :func:`assessor.serving.run`, the function ``assessor
serve`` uses, with the same workers, threads and logs.
"""

from __future__ import annotations

import argparse
import os

from flask import Flask, Response, redirect, request
from werkzeug.wrappers import Response as BaseResponse


def create_floor_app(page_bytes: int) -> Flask:
    """A Flask app that does no work: a fixed page, a form read, a health check."""
    app = Flask(__name__)
    head = "<!DOCTYPE html><html lang=en><title>Floor</title><p>"
    page = (head + "x" * max(0, page_bytes - len(head))).encode("ascii")

    @app.get("/page")
    def fixed_page() -> Response:
        return Response(page, mimetype="text/html")

    @app.post("/page")
    def fixed_save() -> BaseResponse:
        request.form.to_dict()  # read the body, as a save does
        return redirect("/page")

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def main() -> None:
    """Serve the floor app with Assessor's gunicorn settings."""
    from assessor import serving

    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_floor_app(int(os.environ.get("FLOOR_PAGE_BYTES", "20000")))
    serving.run(app, f"{args.host}:{args.port}")


if __name__ == "__main__":
    main()
