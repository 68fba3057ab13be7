"""Screenshots for humans: every kind of page that matters, at desktop and phone width, and the
first pages of the reports. Run by `make screenshots`; writes PNGs into docs/screenshots/.

It starts the real server and takes the same tour of the app as the accessibility tests (a
ministry's assessment: its pages and its gap analysis), then imports an NGO's assessment of the
same checklist (:data:`NGO_ANSWERS`) for the key asks page, the results page's download section
and the advocacy brief, as a PDF and as its Word document opened by LibreOffice.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pypdf
from actions import OSCE, click_button, fetch_pdf, goto, load, upload_answers
from live import HOW_TO_GET_THEM, launch_chromium, missing_tools, new_context, serve
from tour import tour

from tests.support.office import convert

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
    # The interface in Romanian and Russian (issue 18).
    "ro-theme": 1500,
    "ru-theme": 1500,
    "ro-results": 1400,
    "ru-results": 1400,
}
PHONE_SHOTS = ("start", "theme-1", "results", "plan")
PDF_PAGES = 3
WORD_PAGES = 2
PDF_RESOLUTION = 96  # pixels per inch: an A4 page 794 pixels wide, its text readable
ASKS_HEIGHT = 1500  # the key asks page, desktop: the introduction and the first suggestion
DOWNLOAD_HEIGHT = 750  # the results page's download section
WRITER = "libreoffice-writer-nogui"  # the Debian package that converts Word documents

# An NGO's answers to the OSCE checklist: a mix of every level, evidence from its own
# monitoring on about half of them (invented for the screenshots, plausible for Moldova).
NGO = {
    "title": "Shadow assessment of migrant integration in Moldova, 2026",
    "organisation": "Legal Centre for Advocacy",
    "country": "Moldova",
    "respondent": "ngo",
}
NGO_ANSWERS: dict[str, tuple[str, str]] = {
    # 1. Integration policies and their implementation
    "statistics-collected": (
        "partial",
        "The General Inspectorate for Migration publishes quarterly figures on residence "
        "permits and temporary protection; nothing on employment, schooling or health.",
    ),
    "statistics-disaggregated": (
        "partial",
        "The published tables give sex and country of origin, not age or protection status.",
    ),
    "statistics-gender": ("not_in_place", ""),
    "statistics-evidence-base": (
        "not_in_place",
        "The 2024 integration programme cites no data on migrants' needs; our request for its "
        "background analysis (14 May 2025) went unanswered.",
    ),
    "statistics-host-community": ("unknown", ""),
    "coordination-authority": (
        "full",
        "Law no. 274/2011 on the integration of foreigners designates the migration authority.",
    ),
    "coordination-all-actors": (
        "partial",
        "Municipalities outside Chișinău take no part; the mayors' offices we met in Bălți and "
        "Cahul in 2025 had not heard of the working group.",
    ),
    "coordination-agreements": (
        "planned",
        "A memorandum with UN agencies and NGOs was announced in March 2025; unsigned in "
        "January 2026.",
    ),
    "stakeholders-engaged": (
        "partial",
        "NGOs are invited to the working group, but no minutes are shared and none of our "
        "proposals has had a reply.",
    ),
    "stakeholders-volunteering": ("not_in_place", ""),
    "stakeholders-networking": (
        "full",
        "The refugee coordination forum and its working groups meet monthly.",
    ),
    "stakeholders-roles": ("planned", ""),
    "participation-development": (
        "not_in_place",
        "No migrant or refugee organisation was consulted on the 2024 programme: the "
        "consultation file lists ministries only.",
    ),
    "participation-implementation": ("not_in_place", ""),
    "participation-monitoring": ("not_in_place", ""),
    "anti-discrimination-in-policy": (
        "partial",
        "The Equality Council covers discrimination by nationality and origin; the integration "
        "programme has no measure against it.",
    ),
    "anti-discrimination-effective": ("planned", ""),
    "anti-discrimination-communities": ("unknown", ""),
    "anti-discrimination-media": (
        "not_in_place",
        "Our 2025 media monitoring found 42 articles with hostile language about refugees; no "
        "authority responded to any of them.",
    ),
    "monitoring-system": (
        "not_in_place",
        "The 2024 programme has no indicators and no monitoring report has been published.",
    ),
    "monitoring-evaluation": ("not_in_place", ""),
    "monitoring-national-situation": ("not_in_place", ""),
    "monitoring-long-term": ("planned", ""),
    # 2. Welcome programmes and education
    "innovation-considered": ("not_in_place", ""),
    "innovation-access": ("not_applicable", "No integration service is offered online yet."),
    "individual-policy": ("partial", ""),
    "individual-plans": (
        "planned",
        "Individual integration plans are in the draft amendment to Law no. 274/2011.",
    ),
    "individual-incentives": ("not_in_place", ""),
    "language-priority": (
        "partial",
        "Free Romanian courses at the integration centre in Chișinău; none in the regions.",
    ),
    "language-central": ("partial", ""),
    "language-sufficient": (
        "not_in_place",
        "310 people on the waiting list for the spring 2025 courses (the Inspectorate's reply "
        "to our information request of 2 April 2025).",
    ),
    "language-qualified-staff": ("full", ""),
    "language-quality-criteria": ("unknown", ""),
    "education-access": (
        "full",
        "Refugee children may enrol in public schools without documents (Ministry of "
        "Education order of 2022).",
    ),
    "education-involvement": (
        "partial",
        "Fewer than half of the refugee children of school age we counsel attend school.",
    ),
    "education-unaccompanied": ("planned", ""),
    "education-over-age": ("not_in_place", ""),
    # 3. Access to employment and health care
    "job-information-support": (
        "partial",
        "Leaflets in Romanian and Russian only at the three employment offices we visited; "
        "nothing in Ukrainian, Arabic or English.",
    ),
    "job-information-entitlements": ("partial", ""),
    "job-information-labour-migrants": ("planned", ""),
    "job-information-throughout-stay": ("unknown", ""),
    "labour-support-units-considered": ("not_in_place", ""),
    "labour-support-staff-considered": ("planned", ""),
    "residence-allocation-skills": (
        "not_applicable",
        "Moldova does not allocate places of residence to migrants or refugees.",
    ),
    "residence-allocation-labour-market": ("not_applicable", ""),
    "health-mental-identified": (
        "not_in_place",
        "No screening at reception; our clients wait three months or more to see a psychologist.",
    ),
    "health-physical-identified": ("partial", ""),
    "health-addressed": ("partial", ""),
    # 4. Funding of migrant integration measures
    "sufficient-funding-allocated": (
        "partial",
        "The 2025 state budget funds the Chișinău integration centre only.",
    ),
    "sufficient-funding-measures": ("not_in_place", ""),
    "sufficient-funding-level": ("not_in_place", ""),
    "funding-sources-external": (
        "full",
        "EU and UN funds pay for most language courses and legal counselling.",
    ),
    "funding-sources-public": ("planned", ""),
    "funding-sources-core-regular": ("not_in_place", ""),
    "funding-sources-no-interruption": (
        "not_in_place",
        "Language courses stopped for four months in 2024 when a donor's project ended.",
    ),
    "fair-budgets-solutions": ("unknown", ""),
    "fair-budgets-no-restriction": ("full", ""),
    "fair-budgets-cost-free-services": (
        "full",
        "Social assistance rules are the same for citizens and beneficiaries of protection.",
    ),
}


def wrote(path: Path) -> None:
    """Say which file was written (relative to the repository when in it)."""
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def shoot(page: Any, path: Path, width: int, height: int) -> None:
    """A screenshot of the top of the page at this window size (not full-page: those can fail)."""
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(path), animations="disabled", caret="initial")
    wrote(path)


def pdf_pages(
    pdf: bytes, out: Path, workdir: Path, name: str = "report", pages: int = PDF_PAGES
) -> None:
    """A PDF's first ``pages`` pages as PNGs (``{name}-page-1.png``, ...), through pdftoppm."""
    work = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=workdir))
    source = work / "document.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(PDF_RESOLUTION), "-f", "1", "-l", str(pages)]
        + [str(source), str(work / "page")],
        check=True,
    )
    # pdftoppm pads the page numbers to the width of the document's page count (page-01.png).
    made = sorted(work.glob("page-*.png"), key=lambda png: int(png.stem.rsplit("-", 1)[1]))
    for number, png in enumerate(made, start=1):
        target = out / f"{name}-page-{number}.png"
        target.write_bytes(png.read_bytes())
        wrote(target)


def word_pages(docx: bytes, out: Path, workdir: Path, name: str) -> None:
    """A Word document's first pages as LibreOffice lays them out (converted to a PDF by
    LibreOffice headless, then through pdftoppm)."""
    work = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=workdir))
    source = work / "document.docx"
    source.write_bytes(docx)
    converted = convert(source, "pdf", work / "pdf", WRITER)
    pdf_pages(converted.read_bytes(), out, workdir, name, WORD_PAGES)


def ngo_answers_file() -> dict[str, Any]:
    """The NGO's answers file (as the app exports it), every criterion answered."""
    assert set(NGO_ANSWERS) == {c.id for c in OSCE.criteria}, "answer every criterion once"
    return {
        "checklist": OSCE.id,
        "checklist_version": OSCE.version,
        "assessment": NGO,
        "answers": {
            criterion_id: {"level": level, "evidence": evidence}
            for criterion_id, (level, evidence) in NGO_ANSWERS.items()
        },
    }


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
    wrote(path)


def pdf_part(pdf: bytes, out: Path, workdir: Path, destination: str, name: str) -> None:
    """The first page of a part of the report (by its named destination) as a PNG."""
    document = pypdf.PdfReader(io.BytesIO(pdf))
    index = document.get_destination_page_number(document.named_destinations[destination])
    assert index is not None, f"no page for the destination {destination!r}"
    number = index + 1
    source = workdir / "part.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(PDF_RESOLUTION), "-f", str(number), "-l", str(number)]
        + ["-singlefile", str(source), str(out / name)],
        check=True,
    )
    wrote(out / f"{name}.png")


def ngo_brief(page: Any, context: Any, base: str, out: Path) -> tuple[bytes, bytes]:
    """Import the NGO's assessment; photograph its key asks page (the suggestions, at desktop
    and phone width), save the suggestions, photograph the results page's download section;
    the advocacy brief as a PDF and as a Word document (downloaded from that section)."""
    data = json.dumps(ngo_answers_file(), ensure_ascii=False).encode()
    response = upload_answers(page, base, data)
    assert response.status == 200, response.status
    assessment = page.url.removesuffix("/") + "/"
    goto(page, assessment + "asks")
    shoot(page, out / "desktop-asks-suggested.png", DESKTOP, ASKS_HEIGHT)
    shoot(page, out / "phone-asks-suggested.png", PHONE["width"], PHONE["height"])
    page.set_viewport_size({"width": DESKTOP, "height": ASKS_HEIGHT})
    click_button(page, "Save these suggestions")
    goto(page, assessment + "results")
    shoot_section(page, out / "desktop-results-download.png", "ReportTitle", DOWNLOAD_HEIGHT)
    pdf = fetch_pdf(context, assessment + "report.pdf?audience=ngo")
    # As a user gets it: the brief is chosen for an NGO; the page that says the document is
    # being prepared starts the download once it is made.
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name="Download Word document").click()
    name = download.value.suggested_filename
    assert "-ngo-" in name and name.endswith(".docx"), f"not the brief in Word: {name}"
    docx = Path(download.value.path()).read_bytes()
    return pdf, docx


def report_in(page: Any, context: Any, lang: str) -> bytes:
    """On a results page: make the assessment's reports in ``lang`` (its report-language
    form), then get the gap analysis PDF, in that language."""
    page.locator(f"input[name=report_language][value={lang}]").check()
    load(page, page.locator("form.report-language button").click)
    url = page.url.split("#")[0].removesuffix("results") + "report.pdf"
    return fetch_pdf(context, url, timeout=300)  # a second report in a row, on a busy machine


def main(argv: list[str] | None = None) -> int:
    """Take the screenshots; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    missing = missing_tools("chromium", "poppler")
    if shutil.which("soffice") is None:
        missing.append(f"LibreOffice (apt-get install {WRITER})")
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
        in_languages: dict[str, bytes] = {}
        for visit in tour(page, base):
            if visit.kind in DESKTOP_SHOTS:
                shoot(page, out / f"desktop-{visit.kind}.png", DESKTOP, DESKTOP_SHOTS[visit.kind])
            if visit.kind in PHONE_SHOTS:
                shoot(page, out / f"phone-{visit.kind}.png", PHONE["width"], PHONE["height"])
            if visit.kind == "results":
                shoot_section(page, out / "desktop-results-commitments.png", "CommitmentsTitle")
                report = fetch_pdf(context, page.url.removesuffix("results") + "report.pdf")
            if visit.kind in ("ro-results", "ru-results"):
                in_languages[visit.kind[:2]] = report_in(page, context, visit.kind[:2])
        if report is None:
            print("no report: the tour did not reach the results page", file=sys.stderr)
            return 1
        brief, brief_docx = ngo_brief(page, context, base, out)
        browser.close()
        pdf_pages(report, out, Path(tmp))
        pdf_part(report, out, Path(tmp), "commitments", "report-annex-commitments")
        for lang, pdf in in_languages.items():
            pdf_part(pdf, out, Path(tmp), "summary", f"report-{lang}-summary")
        pdf_pages(brief, out, Path(tmp), "report-brief")
        word_pages(brief_docx, out, Path(tmp), "report-brief-word")
    return 0


if __name__ == "__main__":
    sys.exit(main())
