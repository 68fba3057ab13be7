"""Screenshots for humans: every kind of page that matters, at desktop and phone width, and the
first pages of the PDF report. Run by `make screenshots`; writes PNGs into docs/screenshots/.

It starts the real server and takes the same tour of the app as the accessibility tests.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pypdf
from actions import fetch_pdf
from live import HOW_TO_GET_THEM, launch_chromium, missing_tools, new_context, serve
from tour import tour

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = 1100
PHONE = {"width": 390, "height": 844}
# Kind of page -> height of the desktop shot (the width is DESKTOP).
DESKTOP_SHOTS = {
    "start": 1000,
    "overview-in-progress": 1150,
    "theme-errors": 900,
    "theme-1": 1500,
    "review-incomplete": 1000,
    "results": 1400,
    "action-new": 1300,
    "plan": 1300,
    "error-404": 600,
}
PHONE_SHOTS = ("start", "theme-1", "results", "plan")
PDF_PAGES = 3
PDF_RESOLUTION = 60


def shoot(page: Any, path: Path, width: int, height: int) -> None:
    """A screenshot of the top of the page at this window size (not full-page: those can fail)."""
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(path), animations="disabled", caret="initial")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def pdf_pages(pdf: bytes, out: Path, workdir: Path) -> None:
    """The report's first pages as PNGs, through pdftoppm."""
    source = workdir / "report.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(PDF_RESOLUTION), "-f", "1", "-l", str(PDF_PAGES)]
        + [str(source), str(workdir / "report")],
        check=True,
    )
    for number, made in enumerate(sorted(workdir.glob("report-*.png")), start=1):
        target = out / f"report-page-{number}.png"
        target.write_bytes(made.read_bytes())
        print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")


def shoot_section(page: Any, path: Path, heading_id: str, height: int = 1300) -> None:
    """A desktop screenshot from a section's heading down, its first disclosure opened."""
    page.set_viewport_size({"width": DESKTOP, "height": height})
    page.evaluate(
        """(id) => {
            const heading = document.getElementById(id);
            const details = heading.parentElement.querySelector("details");
            if (details) details.open = true;
            window.scrollTo(0, heading.getBoundingClientRect().top + window.scrollY - 10);
        }""",
        heading_id,
    )
    page.screenshot(path=str(path), animations="disabled", caret="initial")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def pdf_part(pdf: bytes, out: Path, workdir: Path, destination: str, name: str) -> None:
    """The first page of a part of the report (by its named destination) as a PNG."""
    document = pypdf.PdfReader(io.BytesIO(pdf))
    number = document.get_destination_page_number(document.named_destinations[destination]) + 1
    source = workdir / "part.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(PDF_RESOLUTION), "-f", str(number), "-l", str(number)]
        + ["-singlefile", str(source), str(out / name)],
        check=True,
    )
    print(f"wrote {name}.png")


def main(argv: list[str] | None = None) -> int:
    """Take the screenshots; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    missing = missing_tools("chromium", "poppler")
    if missing:
        print(f"cannot take screenshots without {', '.join(missing)}: {HOW_TO_GET_THEM}")
        return 1
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()

    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as tmp,
        serve(Path(tmp)) as base,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        context = new_context(browser)
        page = context.new_page()
        report = None
        for visit in tour(page, base):
            if visit.kind in DESKTOP_SHOTS:
                shoot(page, out / f"desktop-{visit.kind}.png", DESKTOP, DESKTOP_SHOTS[visit.kind])
            if visit.kind in PHONE_SHOTS:
                shoot(page, out / f"phone-{visit.kind}.png", PHONE["width"], PHONE["height"])
            if visit.kind == "results":
                shoot_section(page, out / "desktop-results-commitments.png", "CommitmentsTitle")
                report = fetch_pdf(context, page.url.removesuffix("results") + "report.pdf")
        browser.close()
        if report is None:
            print("no report: the tour did not reach the results page", file=sys.stderr)
            return 1
        pdf_pages(report, out, Path(tmp))
        pdf_part(report, out, Path(tmp), "commitments", "report-annex-commitments")
    return 0


if __name__ == "__main__":
    sys.exit(main())
