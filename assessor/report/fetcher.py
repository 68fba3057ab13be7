"""A WeasyPrint URL fetcher that serves the report's own static files and nothing else."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = Path(__file__).resolve().parent / "static"

_TYPES = {".css": "text/css", ".otf": "font/otf", ".ttf": "font/ttf", ".svg": "image/svg+xml"}


class RefusedURL(ValueError):
    """A URL the report may not fetch (network, outside the static folder, missing)."""


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Serve ``file:`` URLs inside the static folder; refuse everything else.

    No network (http, https, ftp), no ``data:``, no file outside the folder (symlinks and ``..``
    are resolved first), no redirects. ``refused`` lists the URLs turned away, for tests and logs.
    """

    def __init__(self, root: Path = STATIC_DIR) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=False)
        self.root = root.resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        """Return the static file a ``file:`` URL names, or raise :class:`RefusedURL`."""
        try:
            path = self.resolve(url)
            body = path.read_bytes()
        except (RefusedURL, OSError) as exc:
            self.refused.append(url)
            raise RefusedURL(f"the report may not fetch {url!r}: {exc}") from None
        content_type = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        headers_out = {"Content-Type": content_type or "application/octet-stream"}
        return URLFetcherResponse(path.as_uri(), body, headers_out)

    def resolve(self, url: str) -> Path:
        """The file inside the static folder a URL names; :class:`RefusedURL` otherwise."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file":
            raise RefusedURL(f"scheme {parts.scheme or '(none)'!r} is not allowed")
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"host {parts.netloc!r} is not allowed")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not path.is_relative_to(self.root):
            raise RefusedURL("outside the report's static folder")
        if not path.is_file():
            raise RefusedURL("no such file")
        return path
