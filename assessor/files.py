"""Files the app hands out or writes: their names, and writing them whole.

The web app and the command line name a report (and an answers file) the same way, so a PDF
downloaded from the results page and one written by ``assessor report`` look alike; a path
given on the command line (``-o``) means a folder when it ends with ``/`` or is one
(:func:`output_path`); and every file written to disk (a report, a cached PDF) is written whole
or not at all. Pure: no Flask.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from datetime import date
from pathlib import Path

from assessor.translation import gettext as _

SLUG_CHARS = 60
#: Temporary files start with this (and end like the file they become) until renamed.
TEMP_PREFIX = ".tmp-"


def slug(text: str, fallback: str = "answers", max_chars: int = SLUG_CHARS) -> str:
    """A safe, readable file-name part: lower-case ASCII letters, digits and hyphens.

    ``fallback`` is used when nothing of ``text`` is left (a title in Cyrillic, say).
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:max_chars].rstrip("-") or fallback


def report_filename(
    title: str,
    audience: str,
    generated_on: date,
    fallback: str = "answers",
    extension: str = "pdf",
) -> str:
    """The file name of an assessment's report: ``<title>-<audience>-<date>.<extension>``."""
    return f"{slug(title, fallback)}-{audience}-{generated_on.isoformat()}.{extension}"


def plan_filename(
    title: str, generated_on: date, extension: str = "xlsx", fallback: str = "answers"
) -> str:
    """The file name of an assessment's action plan: ``<title>-action-plan-<date>.<ext>``."""
    return f"{slug(title, fallback)}-action-plan-{generated_on.isoformat()}.{extension}"


def answers_filename(title: str) -> str:
    """The file name of an assessment's answers file: ``assessment-<title>.json``."""
    return f"assessment-{slug(title)}.json"


class OutputPathError(ValueError):
    """An output path that cannot be used; the message says why, for the person who typed it."""


def output_path(option: str | None, default_name: str, default_folder: Path) -> Path:
    """The file to write for an ``-o PATH`` option (``None``: ``default_folder/default_name``).

    A ``PATH`` that ends with a slash or names an existing folder gets ``default_name`` inside
    it; any other is the file itself. The folder it goes into must exist (a mistyped folder is
    not created): :class:`OutputPathError` otherwise. ``default_folder`` is made when written.
    """
    if not option:
        return default_folder / default_name
    separators = tuple(sep for sep in (os.sep, os.altsep) if sep)
    if option.endswith(separators) or Path(option).is_dir():
        folder = Path(option)
        path = folder / default_name
    else:
        path = Path(option)
        folder = path.parent
    if not folder.is_dir():
        if folder.exists():
            raise OutputPathError(_("%(folder)s is not a folder", folder=folder))
        raise OutputPathError(
            _("the folder %(folder)s does not exist (create it first)", folder=folder)
        )
    return path


def write_atomically(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write a file whole or not at all: a temporary file in the same folder, then a rename.

    The file is readable by its owner only. ``durable`` waits until the bytes are on disk before
    the rename (a report a user asked for); a cache that can make its files again skips it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            if durable:
                file.flush()
                os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
