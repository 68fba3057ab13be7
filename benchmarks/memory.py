"""Where a report's memory goes: resident memory after each stage of one render, in a fresh
process, for a checklist TIMES the OSCE one (every criterion a gap).

    python -m benchmarks.memory TIMES [MODE]     prints one JSON line

Stages: the libraries and the checklist loaded; scoring; the report's HTML (Jinja); WeasyPrint
parsing it (the HTML tree and the stylesheet applied lazily); the layout of every page (what
``Document`` holds); the PDF written (pydyf's objects and the bytes). For each: the resident
memory now (``/proc/self/statm``) and the peak so far (``ru_maxrss``), in MB, and the Python
heap (``sys.getallocatedblocks``). MODE ``shipped`` renders through :func:`assessor.report.
render_pdf` and reports only its peak (the figure ``make bench`` compares with the target);
``stages`` goes through the same steps one by one to say where the memory goes.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any

from benchmarks.common import peak_rss_mb, print_result

GENERATED_ON = date(2026, 3, 14)
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """The resident memory of this process now, in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 1024 / 1024


class Stages:
    """Resident and peak memory after each named stage."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self._started = time.perf_counter()

    def mark(self, name: str) -> None:
        """Record the memory after ``name``."""
        self.rows.append(
            {
                "stage": name,
                "rss_mb": round(rss_mb(), 1),
                "peak_mb": round(peak_rss_mb(), 1),
                "python_blocks_k": sys.getallocatedblocks() // 1000,
                "seconds": round(time.perf_counter() - self._started, 2),
            }
        )


def stages(times: int) -> dict[str, Any]:
    """One render, stage by stage (the same calls as :func:`assessor.report.pdf.render`)."""
    import weasyprint

    from assessor.report.fetcher import StaticOnlyFetcher
    from assessor.report.html import render_html
    from assessor.report.pdf import STATIC_URL, _styles, generator_name
    from assessor.scoring import score
    from benchmarks.synthetic import all_gaps, scaled_checklist

    record = Stages()
    with tempfile.TemporaryDirectory() as folder:
        checklist = scaled_checklist(times, Path(folder))
        answers_file = all_gaps(checklist)
        font_config, css = _styles()
        record.mark("libraries, checklist and stylesheet loaded")
        analysis = score(checklist, answers_file.answers)
        record.mark("scored")
        html = render_html(
            analysis,
            answers_file,
            audience="government",
            generated_on=GENERATED_ON,
            generator=generator_name(),
        )
        html_chars = len(html)
        record.mark(f"HTML made ({html_chars / 1e6:.1f} M characters)")
        fetcher = StaticOnlyFetcher()
        document = weasyprint.HTML(string=html, base_url=STATIC_URL, url_fetcher=fetcher)
        del html
        record.mark("HTML parsed by WeasyPrint")
        created = datetime.combine(GENERATED_ON, clock(), tzinfo=UTC)
        attachment = weasyprint.Attachment(
            string=answers_file.to_json().encode(),
            url_fetcher=fetcher,
            name="answers.json",
            relationship="Data",
            created=created,
            modified=created,
        )
        rendered = document.render(
            stylesheets=[css], font_config=font_config, pdf_variant="pdf/ua-1"
        )
        pages = len(rendered.pages)
        record.mark(f"laid out ({pages} pages)")
        # What of that is garbage in reference cycles, waiting for a full collection.
        freed = gc.collect()
        record.mark(f"gc.collect() ({freed:,} unreachable objects)")
        pdf = rendered.write_pdf(pdf_variant="pdf/ua-1", attachments=[attachment])
        record.mark(f"PDF written ({len(pdf) / 1e6:.1f} MB)")
        del rendered, document
        gc.collect()
        record.mark("layout released")
    return {
        "times": times,
        "criteria": len(checklist.criteria),
        "pages": pages,
        "stages": record.rows,
    }


def shipped(times: int) -> dict[str, Any]:
    """One render as the app makes it: the peak only."""
    from assessor.report import render_pdf
    from assessor.scoring import score
    from benchmarks.synthetic import all_gaps, scaled_checklist

    with tempfile.TemporaryDirectory() as folder:
        checklist = scaled_checklist(times, Path(folder))
        answers_file = all_gaps(checklist)
        import weasyprint  # noqa: F401 - the libraries count as "before"

        before = peak_rss_mb()
        started = time.perf_counter()
        analysis = score(checklist, answers_file.answers)
        pdf = render_pdf(analysis, answers_file, audience="government", generated_on=GENERATED_ON)
        seconds = time.perf_counter() - started
    return {
        "times": times,
        "criteria": len(checklist.criteria),
        "before_mb": before,
        "peak_rss_mb": peak_rss_mb(),
        "seconds": seconds,
        "bytes": len(pdf),
    }


def main(argv: list[str]) -> None:
    """Run one measurement and print it."""
    times = int(argv[0]) if argv else 1
    mode = argv[1] if len(argv) > 1 else "shipped"
    print_result(stages(times) if mode == "stages" else shipped(times))


if __name__ == "__main__":
    main(sys.argv[1:])
