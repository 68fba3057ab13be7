"""PDF benchmarks, each run in its own process by ``benchmarks/run.py`` (it prints one JSON line).

    python -m benchmarks.pdf osce RUNS          ours vs. the floor, interleaved, on the OSCE report
    python -m benchmarks.pdf memory             one render in a fresh process: its peak memory
    python -m benchmarks.pdf features RUNS      the cost of each feature of the template
    python -m benchmarks.pdf cache RUNS         a repeated render of unchanged content (cache hit)
    python -m benchmarks.pdf scale TIMES RUNS [1]   synthetic checklists TIMES the OSCE criteria
                                                (1: pydyf's page_references as shipped)

"Ours" is :func:`assessor.report.render_pdf` from the gap analysis (scoring, Jinja, WeasyPrint).
"The floor" is WeasyPrint alone turning the very same final HTML string into a PDF with the same
stylesheet (parsed once, as ours is), fonts, PDF/UA-1 variant and attachment: what any code
producing this document would pay. Every report is "every criterion a gap" (see synthetic.py).
"""

from __future__ import annotations

import io
import re
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from benchmarks.common import Timer, peak_rss_mb, print_result
from benchmarks.synthetic import all_gaps, osce_checklist, scaled_checklist

GENERATED_ON = date(2026, 3, 14)
AUDIENCE = "government"


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF (pypdf, its safety limits raised for a 100x report)."""
    import pypdf

    limits = {
        "array_maximum_element_count": 10**8,
        "dictionary_maximum_element_count": 10**8,
        "page_tree_maximum_entries": 10**8,
    }
    with pypdf.apply_configuration(**limits):
        return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def ours(checklist: Any, answers_file: Any) -> bytes:
    """The report as the web app and the command line make it, from the answers."""
    from assessor.report import render_pdf
    from assessor.scoring import score

    analysis = score(checklist, answers_file.answers)
    return render_pdf(analysis, answers_file, audience=AUDIENCE, generated_on=GENERATED_ON)


def final_html(checklist: Any, answers_file: Any) -> str:
    """The HTML string our code hands to WeasyPrint."""
    from assessor.report.html import render_html
    from assessor.report.pdf import generator_name
    from assessor.scoring import score

    return render_html(
        score(checklist, answers_file.answers),
        answers_file,
        audience=AUDIENCE,
        generated_on=GENERATED_ON,
        generator=generator_name(),
    )


class Floor:
    """WeasyPrint alone: the same HTML, stylesheet, fonts, options and attachment."""

    def __init__(self, css_text: str | None = None) -> None:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        from assessor.report.fetcher import STATIC_DIR

        self.base_url = STATIC_DIR.as_uri() + "/"
        self.font_config = FontConfiguration()
        text = css_text if css_text is not None else (STATIC_DIR / "report.css").read_text()
        self.css = weasyprint.CSS(string=text, base_url=self.base_url, font_config=self.font_config)

    def render(self, html: str, answers_json: str, **options: Any) -> bytes:
        """The PDF of ``html``; ``options`` override the shipped ones (variant, attachments)."""
        import weasyprint

        created = datetime.combine(GENERATED_ON, time(), tzinfo=UTC)
        attachment = weasyprint.Attachment(
            string=answers_json.encode("utf-8"),
            name="answers.json",
            description="The answers this report was made from (Assessor answers file, JSON)",
            relationship="Data",
            created=created,
            modified=created,
        )
        settings: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "attachments": [attachment]}
        settings.update(options)
        pdf: bytes = weasyprint.HTML(string=html, base_url=self.base_url).write_pdf(
            stylesheets=[self.css], font_config=self.font_config, **settings
        )
        return pdf


def timed(function: Callable[[], bytes]) -> tuple[bytes, dict[str, float]]:
    """Call ``function``; its result and its wall-clock and CPU seconds."""
    with Timer() as timer:
        result = function()
    return result, {"wall": timer.wall, "cpu": timer.cpu}


def task_osce(runs: int) -> dict[str, Any]:
    """Ours and the floor, interleaved (alternating which goes first), after one warm-up each."""
    checklist = osce_checklist()
    answers_file = all_gaps(checklist)
    html = final_html(checklist, answers_file)
    answers_json = answers_file.to_json()
    floor = Floor()
    ours_pdf = ours(checklist, answers_file)  # warm-up: fonts, stylesheet, templates
    floor_pdf = floor.render(html, answers_json)
    samples: dict[str, list[dict[str, float]]] = {"ours": [], "floor": []}
    for run in range(runs):
        order = ("ours", "floor") if run % 2 == 0 else ("floor", "ours")
        for name in order:
            if name == "ours":
                _, t = timed(lambda: ours(checklist, answers_file))
            else:
                _, t = timed(lambda: floor.render(html, answers_json))
            samples[name].append(t)
    return {
        "samples": samples,
        "pages": page_count(ours_pdf),
        "bytes": len(ours_pdf),
        "criteria": len(checklist.criteria),
        "html_chars": len(html),
        "same_bytes_as_floor": ours_pdf == floor_pdf,
        "peak_rss_mb": peak_rss_mb(),
    }


def task_memory() -> dict[str, Any]:
    """One render of the OSCE report in a fresh process: memory before and at peak."""
    checklist = osce_checklist()
    answers_file = all_gaps(checklist)
    import weasyprint  # noqa: F401  - count the library's import as "before"

    before = peak_rss_mb()
    pdf, t = timed(lambda: ours(checklist, answers_file))
    return {"before_mb": before, "peak_rss_mb": peak_rss_mb(), "first_render": t, "bytes": len(pdf)}


# -- what each feature of the template costs ---------------------------------------------------

NO_PAGE_NUMBERS_IN_CONTENTS = "\n#contents a::after { content: none; }\n"
NO_BOOKMARKS = "\nh1, h2, h3, h4, h5, h6 { bookmark-level: none !important; }\n"
NO_RUNNING = (
    "\n@page { @top-left { content: none } @top-right { content: none }"
    " @bottom-right { content: none } }\n"
)
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.S)
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def dejavu(css: str) -> str:
    """The stylesheet without the bundled Inter font: DejaVu Sans, the system font."""
    return _FONT_FACE.sub("", css).replace("Inter,", '"DejaVu Sans",')


def variants(css: str) -> dict[str, tuple[str, Callable[[str], str], dict[str, Any]]]:
    """Name -> (stylesheet, HTML transformation, write_pdf options): one feature less each."""
    same: Callable[[str], str] = lambda html: html  # noqa: E731
    return {
        "as shipped": (css, same, {}),
        "no target-counter page numbers in the contents": (
            css + NO_PAGE_NUMBERS_IN_CONTENTS,
            same,
            {},
        ),
        "DejaVu Sans (system) instead of the bundled Inter": (dejavu(css), same, {}),
        "no SVG chart": (css, lambda html: _SVG.sub("", html), {}),
        "no PDF/UA-1 tagging (plain PDF)": (css, same, {"pdf_variant": None}),
        "no bookmarks (PDF outline)": (css + NO_BOOKMARKS, same, {}),
        "no running headers and page X / Y footers": (css + NO_RUNNING, same, {}),
        "no answers.json attachment": (css, same, {"attachments": []}),
    }


def task_features(runs: int) -> dict[str, Any]:
    """Each variant rendered ``runs`` times, interleaved, after a warm-up of each."""
    from assessor.report.fetcher import STATIC_DIR

    checklist = osce_checklist()
    answers_file = all_gaps(checklist)
    html = final_html(checklist, answers_file)
    answers_json = answers_file.to_json()
    css = (STATIC_DIR / "report.css").read_text()
    prepared = {
        name: (Floor(text), transform(html), options)
        for name, (text, transform, options) in variants(css).items()
    }
    pages: dict[str, int] = {}
    for name, (floor, variant_html, options) in prepared.items():
        pages[name] = page_count(floor.render(variant_html, answers_json, **options))
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in prepared}
    names = list(prepared)
    for run in range(runs):
        for name in names if run % 2 == 0 else reversed(names):
            floor, variant_html, options = prepared[name]
            _, t = timed(lambda: floor.render(variant_html, answers_json, **options))  # noqa: B023
            samples[name].append(t)
    return {"samples": samples, "pages": pages}


# -- the content-keyed cache ---------------------------------------------------------------------


def task_cache(runs: int) -> dict[str, Any]:
    """A download of unchanged content: scoring, the key, and the cache lookup (memory, file)."""
    from assessor.report.cache import PDFCache, render_pdf_cached
    from assessor.scoring import score

    checklist = osce_checklist()
    answers_file = all_gaps(checklist)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        cache = PDFCache(Path(folder))

        def download(cache: PDFCache) -> bytes:
            analysis = score(checklist, answers_file.answers)
            return render_pdf_cached(
                cache, analysis, answers_file, audience=AUDIENCE, generated_on=GENERATED_ON
            )

        first, miss = timed(lambda: download(cache))
        results["miss"] = miss
        hits = [timed(lambda: download(cache))[1] for _ in range(runs)]
        # Another worker process: its memory is empty, the file cache is shared.
        file_hits = []
        for _ in range(runs):
            other = PDFCache(Path(folder))
            pdf, t = timed(lambda: download(other))  # noqa: B023
            assert pdf == first
            file_hits.append(t)
        results["memory_hit"] = hits
        results["file_hit"] = file_hits
        results["same_bytes"] = first == ours(checklist, answers_file)
    return results


# -- growth --------------------------------------------------------------------------------------


def unpatch_page_references() -> None:
    """Undo :func:`assessor.report.pdf._cache_page_references`: pydyf as shipped (for "before")."""
    import pydyf

    import assessor.report.pdf  # noqa: F401 - applies the patch, which this then undoes

    patched = pydyf.PDF.page_references
    closure = patched.fget.__closure__ or ()
    for cell in closure:
        if isinstance(cell.cell_contents, property):
            pydyf.PDF.page_references = cell.cell_contents


def task_scale(times: int, runs: int, unpatched: int = 0) -> dict[str, Any]:
    """Renders of the checklist ``times`` times the OSCE size, after a 1x warm-up render.

    With ``unpatched`` = 1, pydyf's ``page_references`` is left as shipped (quadratic).
    """
    if unpatched:
        unpatch_page_references()
    with tempfile.TemporaryDirectory() as folder:
        base = osce_checklist()
        ours(base, all_gaps(base))  # warm-up: fonts, stylesheet, templates
        warm_rss = peak_rss_mb()
        with Timer() as load:
            checklist = scaled_checklist(times, Path(folder))
        answers_file = all_gaps(checklist)
        samples = []
        pdf = b""
        for _ in range(runs):
            pdf = b""
            pdf, t = timed(lambda: ours(checklist, answers_file))
            samples.append(t)
        peak = peak_rss_mb()
    return {
        "times": times,
        "criteria": len(checklist.criteria),
        "load_seconds": load.wall,
        "samples": samples,
        "warm_rss_mb": warm_rss,
        "peak_rss_mb": peak,
        "pages": page_count(pdf),
        "bytes": len(pdf),
    }


def main(argv: list[str]) -> None:
    """Run one task and print its result."""
    task, *args = argv
    numbers = [int(a) for a in args]
    tasks: dict[str, Callable[..., dict[str, Any]]] = {
        "osce": task_osce,
        "memory": task_memory,
        "features": task_features,
        "cache": task_cache,
        "scale": task_scale,
    }
    print_result(tasks[task](*numbers))


if __name__ == "__main__":
    main(sys.argv[1:])
