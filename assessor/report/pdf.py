"""HTML to PDF with WeasyPrint: tagged (PDF/UA-1), with metadata and the answers attached.

The stylesheet and its fonts are loaded once per process and reused; rendering is serialised
by a lock because WeasyPrint and its font configuration are not meant to be shared between
threads.
"""

from __future__ import annotations

import gc
import logging
import threading
from datetime import UTC, date, datetime, time
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

import pydyf
import weasyprint
from weasyprint.text.fonts import FontConfiguration

from assessor.answers import AnswersFile
from assessor.report import DEFAULT_AUDIENCE, ReportError
from assessor.report.fetcher import STATIC_DIR, StaticOnlyFetcher
from assessor.report.html import render_html
from assessor.report.review import ReviewComments
from assessor.scoring import GapAnalysis

LOG = logging.getLogger(__name__)
STATIC_URL = STATIC_DIR.as_uri() + "/"
_LOCK = threading.Lock()


def _cache_page_references() -> None:
    """Make pydyf's ``PDF.page_references`` cost O(1) instead of O(pages) per call.

    pydyf (0.13) builds the tuple of every page's reference anew on each access, and WeasyPrint
    reads it once per tagged element (PDF/UA) and per link: pages x elements, quadratic in the
    report's length (measured: most of a 100x report's time; see docs/benchmarks.md). Pages are
    only ever appended, so the tuple is kept while their number is unchanged. Same bytes out.
    """
    original = pydyf.PDF.page_references
    if not isinstance(original, property) or getattr(original.fget, "cached", False):
        return
    compute = original.fget
    if compute is None:  # pragma: no cover - not the property this was written for
        return

    def page_references(self: pydyf.PDF) -> tuple[bytes, ...]:
        count = len(self.pages["Kids"])
        cached = self.__dict__.get("_page_references")
        if cached is None or cached[0] != count:
            cached = (count, compute(self))
            self.__dict__["_page_references"] = cached
        return cached[1]  # type: ignore[no-any-return]

    page_references.cached = True  # type: ignore[attr-defined]
    pydyf.PDF.page_references = property(page_references)


_cache_page_references()


def generator_name() -> str:
    """The name and version of this tool, as written into the PDF metadata."""
    try:
        return f"Assessor {version('assessor')} (WeasyPrint {weasyprint.__version__})"
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return f"Assessor (WeasyPrint {weasyprint.__version__})"


@lru_cache(maxsize=1)
def _styles() -> tuple[FontConfiguration, weasyprint.CSS]:
    """The font configuration and the parsed print stylesheet, loaded once."""
    font_config = FontConfiguration()
    css = weasyprint.CSS(
        url=STATIC_URL + "report.css",
        url_fetcher=StaticOnlyFetcher(),
        font_config=font_config,
    )
    return font_config, css


def html_to_pdf(html: str, answers_json: str | None, *, created: datetime | None = None) -> bytes:
    """Render report HTML into PDF bytes, with ``answers_json`` attached as answers.json
    (``None``: nothing attached, as for the blank questionnaire).

    ``created`` dates the attachment; with it fixed, the same HTML gives the same bytes.
    """
    fetcher = StaticOnlyFetcher()
    with _LOCK:
        font_config, css = _styles()
        document = weasyprint.HTML(string=html, base_url=STATIC_URL, url_fetcher=fetcher)
        attachments = []
        if answers_json is not None:
            attachments.append(
                weasyprint.Attachment(
                    string=answers_json.encode("utf-8"),
                    url_fetcher=fetcher,
                    name="answers.json",
                    description="The answers this report was made from (Assessor answers file, "
                    "JSON)",
                    relationship="Data",
                    created=created,
                    modified=created,
                )
            )
        # What HTML.write_pdf does, in its two steps: render(), then Document.write_pdf().
        options = {"stylesheets": [css], "pdf_variant": "pdf/ua-1", "attachments": attachments}
        rendered = document.render(font_config, **options)
        del document
        # Laying out leaves hundreds of thousands of objects in reference cycles (boxes made
        # and dropped while pages are cut), which Python frees only at its next full
        # collection: free them before the PDF is written, so writing reuses their memory
        # instead of adding to it (benchmarks/memory.py; docs/benchmarks.md).
        gc.collect()
        pdf = rendered.write_pdf(**options)
        del rendered
    if fetcher.refused:
        LOG.warning("the report asked for resources it may not fetch: %s", fetcher.refused)
    if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF-"):
        raise ReportError("WeasyPrint returned no PDF")
    return pdf


def render(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    *,
    audience: str = DEFAULT_AUDIENCE,
    generated_on: date | None = None,
    compared: AnswersFile | None = None,
    review: ReviewComments | None = None,
) -> bytes:
    """The report as PDF bytes; any failure is raised as :class:`ReportError`."""
    generated_on = generated_on or date.today()
    try:
        html = render_html(
            analysis,
            answers_file,
            audience=audience,
            generated_on=generated_on,
            generator=generator_name(),
            compared=compared,
            review=review,
        )
        created = datetime.combine(generated_on, time(), tzinfo=UTC)
        return html_to_pdf(html, answers_file.to_json(), created=created)
    except ReportError:
        raise
    except ValueError as exc:
        raise ReportError(str(exc)) from exc
    except Exception as exc:  # WeasyPrint, Pango, fonts: report them as one clear error
        LOG.exception("rendering the report failed")
        raise ReportError(f"the PDF could not be rendered ({type(exc).__name__}: {exc})") from exc
