"""The gap-analysis report: one function, shared by the web app and the command line.

``render_pdf(analysis, answers_file, audience=..., generated_on=...)`` returns the PDF as bytes
(rendered wholly in memory, so a failure never leaves a half-written file). It raises
:class:`ReportError` with a clear message when rendering fails. WeasyPrint is imported on first
use, so importing this package (or :mod:`assessor.report.chart`) stays cheap.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from assessor.answers import AnswersFile
    from assessor.scoring import GapAnalysis


class Audience(NamedTuple):
    """Who a report is for: the key chosen (``?audience=``, ``--audience``), the kind of
    document it makes, and a description for the choice."""

    key: str
    kind: str
    description: str


#: The one table of audiences, used by the report, the results page and the command line.
AUDIENCE_TABLE: tuple[Audience, ...] = (
    Audience("government", "Gap analysis", "for government: the gaps ranked by priority"),
    Audience("ngo", "Advocacy brief", "for civil society: the same facts, phrased as asks"),
)
AUDIENCES: tuple[str, ...] = tuple(audience.key for audience in AUDIENCE_TABLE)
DEFAULT_AUDIENCE = AUDIENCES[0]

__all__ = [
    "AUDIENCES",
    "AUDIENCE_TABLE",
    "DEFAULT_AUDIENCE",
    "Audience",
    "ReportError",
    "audience_for",
    "render_pdf",
]


class ReportError(Exception):
    """The report could not be rendered; the message says why."""


def audience_for(key: str) -> Audience:
    """The audience with this key; ``KeyError`` naming the known ones otherwise."""
    for audience in AUDIENCE_TABLE:
        if audience.key == key:
            return audience
    raise KeyError(f"unknown audience {key!r}; expected one of {', '.join(AUDIENCES)}")


def render_pdf(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    *,
    audience: str = DEFAULT_AUDIENCE,
    generated_on: date | None = None,
) -> bytes:
    """The gap-analysis PDF for an audience (see :data:`AUDIENCE_TABLE`) as bytes."""
    if audience not in AUDIENCES:
        raise ReportError(f"unknown audience {audience!r}; expected one of {', '.join(AUDIENCES)}")
    from assessor.report.pdf import render

    return render(analysis, answers_file, audience=audience, generated_on=generated_on)
