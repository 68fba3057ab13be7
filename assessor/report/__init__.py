"""The gap-analysis report: one function, shared by the web app and the command line.

``render_pdf(analysis, answers_file, audience=..., generated_on=...)`` returns the PDF as bytes
(rendered wholly in memory, so a failure never leaves a half-written file). It raises
:class:`ReportError` with a clear message when rendering fails. WeasyPrint is imported on first
use, so importing this package (or :mod:`assessor.report.chart`) stays cheap.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assessor.answers import AnswersFile
    from assessor.scoring import GapAnalysis

AUDIENCES: tuple[str, ...] = ("government", "ngo")

__all__ = ["AUDIENCES", "ReportError", "render_pdf"]


class ReportError(Exception):
    """The report could not be rendered; the message says why."""


def render_pdf(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    *,
    audience: str = "government",
    generated_on: date | None = None,
) -> bytes:
    """The gap-analysis PDF ("government": Gap analysis; "ngo": Advocacy brief) as bytes."""
    if audience not in AUDIENCES:
        raise ReportError(f"unknown audience {audience!r}; expected one of {', '.join(AUDIENCES)}")
    from assessor.report.pdf import render

    return render(analysis, answers_file, audience=audience, generated_on=generated_on)
