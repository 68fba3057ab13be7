"""The reports: one document per audience, rendered to PDF or Word, shared by web and CLI.

:func:`build_document` builds a report's content once, as a pure document
(:mod:`assessor.report.model`): the government's gap analysis
(:mod:`assessor.report.gap_analysis`) or the NGO's advocacy brief (:mod:`assessor.report.brief`).
:func:`render_report` renders it to a format of :data:`FORMAT_TABLE` (PDF through WeasyPrint,
DOCX through python-docx) and returns the bytes (made wholly in memory, so a failure never
leaves a half-written file); it raises :class:`ReportError` with a clear message when rendering
fails. :func:`render_pdf` is the PDF case. WeasyPrint and python-docx are imported on first use,
so importing this package (or :mod:`assessor.report.chart`) stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from assessor.translation import N_

if TYPE_CHECKING:
    from assessor.answers import AnswersFile
    from assessor.report.model import Document
    from assessor.report.review import ReviewComments
    from assessor.scoring import GapAnalysis


class Audience(NamedTuple):
    """Who a report is for: the key chosen (``?audience=``, ``--audience``), the kind of
    document it makes, and a description for the choice."""

    key: str
    kind: str
    description: str


#: The one table of audiences, used by the report, the results page and the command line.
AUDIENCE_TABLE: tuple[Audience, ...] = (
    Audience("government", N_("Gap analysis"), N_("for government: the gaps ranked by priority")),
    Audience(
        "ngo",
        N_("Advocacy brief"),
        N_("for civil society: a short brief of key asks, findings and a status matrix"),
    ),
)
AUDIENCES: tuple[str, ...] = tuple(audience.key for audience in AUDIENCE_TABLE)
DEFAULT_AUDIENCE = AUDIENCES[0]


class Format(NamedTuple):
    """A file format a report is rendered to: its key (``--format``, ``?format=``), file
    extension, media type and name for people."""

    key: str
    extension: str
    media_type: str
    label: str


#: The one table of formats, used by the command line, the web app and the cache.
FORMAT_TABLE: tuple[Format, ...] = (
    Format("pdf", "pdf", "application/pdf", N_("PDF")),
    Format(
        "docx",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        N_("Word document"),
    ),
)
FORMATS: tuple[str, ...] = tuple(fmt.key for fmt in FORMAT_TABLE)
DEFAULT_FORMAT = FORMATS[0]

__all__ = [
    "DEFAULT_FORMAT",
    "FORMATS",
    "FORMAT_TABLE",
    "Format",
    "build_document",
    "format_for",
    "render_report",
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


def format_for(key: str) -> Format:
    """The format with this key; ``KeyError`` naming the known ones otherwise."""
    for fmt in FORMAT_TABLE:
        if fmt.key == key:
            return fmt
    raise KeyError(f"unknown format {key!r}; expected one of {', '.join(FORMATS)}")


def build_document(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    *,
    audience: str = DEFAULT_AUDIENCE,
    generated_on: date,
    generator: str = "Assessor",
    compared: AnswersFile | None = None,
    review: ReviewComments | None = None,
) -> Document:
    """The report's content for an audience, as a document (``ValueError`` for an unknown
    audience or answers made for another checklist). ``compared``: another assessment of the
    same checklist (a baseline, or another organisation's view) to set this one beside, in a
    chapter of its own (and, in the brief, beside each ask). ``review``: the comments of the
    internal-review edition (gap analysis only; :mod:`assessor.report.review`). Its fixed text
    is in the language the checklist is shown in (``analysis.checklist.display_language``)."""
    from assessor.translation import writing_in

    if review is not None and audience != "government":
        raise ValueError("the internal-review edition is an edition of the gap analysis")
    with writing_in(analysis.checklist.display_language):
        return _build_document(
            analysis,
            answers_file,
            audience=audience,
            generated_on=generated_on,
            generator=generator,
            compared=compared,
            review=review,
        )


def _build_document(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    *,
    audience: str,
    generated_on: date,
    generator: str,
    compared: AnswersFile | None,
    review: ReviewComments | None,
) -> Document:
    if answers_file.checklist_id != analysis.checklist.id:
        raise ValueError(
            f"the answers are for checklist {answers_file.checklist_id!r}, "
            f"the analysis for {analysis.checklist.id!r}"
        )
    comparison = None
    if compared is not None:
        from assessor.compare import ComparisonError, Side, compare

        try:
            comparison = compare(
                Side(compared.assessment, analysis.checklist, compared.answers),
                Side(answers_file.assessment, analysis.checklist, answers_file.answers),
            )
        except ComparisonError as exc:
            raise ValueError(str(exc)) from exc
    if audience == "government":
        from assessor.report.gap_analysis import build_gap_analysis

        document = build_gap_analysis(
            analysis,
            answers_file,
            generated_on=generated_on,
            generator=generator,
            comparison=comparison,
            review=review,
        )
    elif audience == "ngo":
        from assessor.report.brief import build_brief

        document = build_brief(
            analysis,
            answers_file,
            generated_on=generated_on,
            generator=generator,
            comparison=comparison,
        )
    else:
        raise ValueError(f"unknown audience {audience!r}; expected one of {', '.join(AUDIENCES)}")
    from assessor.report.languages import mark_translations
    from assessor.report.model import with_word_counts

    return with_word_counts(mark_translations(document, analysis.checklist))


def render_report(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    *,
    audience: str = DEFAULT_AUDIENCE,
    fmt: str = DEFAULT_FORMAT,
    generated_on: date | None = None,
    compared: AnswersFile | None = None,
    review: ReviewComments | None = None,
) -> bytes:
    """A report for an audience (see :data:`AUDIENCE_TABLE`) in a format (see
    :data:`FORMAT_TABLE`) as bytes; ``compared`` and ``review``: see :func:`build_document`."""
    if audience not in AUDIENCES:
        raise ReportError(f"unknown audience {audience!r}; expected one of {', '.join(AUDIENCES)}")
    if fmt not in FORMATS:
        raise ReportError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    render: Callable[..., bytes] = _render_docx
    if fmt == "pdf":
        from assessor.report.pdf import render
    return render(
        analysis,
        answers_file,
        audience=audience,
        generated_on=generated_on,
        compared=compared,
        review=review,
    )


def _render_docx(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    *,
    audience: str,
    generated_on: date | None,
    compared: AnswersFile | None,
    review: ReviewComments | None = None,
) -> bytes:
    from importlib.metadata import PackageNotFoundError, version

    from assessor.report.docx import render_docx

    try:
        generator = f"Assessor {version('assessor')} (python-docx {version('python-docx')})"
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        generator = "Assessor"
    try:
        document = build_document(
            analysis,
            answers_file,
            audience=audience,
            generated_on=generated_on or date.today(),
            generator=generator,
            compared=compared,
            review=review,
        )
        return render_docx(document)
    except ValueError as exc:
        raise ReportError(str(exc)) from exc
    except Exception as exc:  # python-docx, lxml: report them as one clear error
        raise ReportError(
            f"the Word document could not be made ({type(exc).__name__}: {exc})"
        ) from exc


def render_pdf(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    *,
    audience: str = DEFAULT_AUDIENCE,
    generated_on: date | None = None,
    compared: AnswersFile | None = None,
    review: ReviewComments | None = None,
) -> bytes:
    """The report for an audience as PDF bytes (:func:`render_report` in PDF)."""
    return render_report(
        analysis,
        answers_file,
        audience=audience,
        fmt="pdf",
        generated_on=generated_on,
        compared=compared,
        review=review,
    )
