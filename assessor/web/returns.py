"""Where a page returns to after saving: a ``next`` address, kept to the assessment's own pages.

"Change" on the check-your-answers page opens a theme page with ``?next=`` naming the place to
come back to; the theme page carries it through its form and, once saved, goes there instead of
on to the next theme. Anything given as ``next`` is a potential open redirect, so only a path
of the same assessment (``/a/<token>/...``, as this app writes it, with an optional fragment)
is accepted; anything else is ignored, as if no ``next`` had been given.
"""

from __future__ import annotations

import re

from flask import request, url_for

#: A path inside an assessment, after its ``/a/<token>/`` prefix: plain segments, no dots-only
#: segment, no doubled slash, no query; then an optional fragment of id characters.
_REST = re.compile(r"(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*/?)?")
_FRAGMENT = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,199}")
MAX_RETURN_CHARS = 600


def safe_return(token: str, value: str | None) -> str | None:
    """``value`` if it is a path of the assessment with this private link (as this app
    writes it, fragment allowed), else ``None``."""
    if not value or len(value) > MAX_RETURN_CHARS:
        return None
    base = url_for("assessments.overview", token=token)  # "/a/<token>/", script root included
    if not value.startswith(base):
        return None
    path, hash_, fragment = value[len(base) :].partition("#")
    if not _REST.fullmatch(path) or ".." in path:
        return None
    if hash_ and not _FRAGMENT.fullmatch(fragment):
        return None
    return value


def return_path(token: str) -> str | None:
    """The request's own ``next`` (query string), if it is a safe path of this assessment."""
    return safe_return(token, request.args.get("next"))
