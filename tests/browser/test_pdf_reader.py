"""The PDF as a reader (and a screen reader) meets it: tagged, titled, in reading order, with
fonts embedded, the language set and the answers attached. Checked with poppler and pypdf.
"""

from __future__ import annotations

import io
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from actions import (
    OSCE,
    START,
    fetch_pdf,
    gaps,
    import_answers,
    letters,
    planned_answers,
    practices_for,
)
from live import new_context
from pypdf import PdfReader

KIND = {"government": "Gap analysis", "ngo": "Advocacy brief"}


@dataclass(frozen=True)
class Report:
    """A downloaded report: its audience, file and bytes."""

    audience: str
    path: Path
    data: bytes


@pytest.fixture(scope="session")
def reports(
    poppler_present: None,
    browser: Any,
    live_server: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Any:
    """Both reports (government and NGO) of a fully answered assessment, from the server."""
    folder = tmp_path_factory.mktemp("reports")
    ctx = new_context(browser)
    try:
        page = ctx.new_page()
        import_answers(page, live_server, planned_answers(), START["title"])
        overview = page.url
        found = {}
        for audience in KIND:
            data = fetch_pdf(ctx, f"{overview}report.pdf?audience={audience}")
            path = folder / f"{audience}.pdf"
            path.write_bytes(data)
            found[audience] = Report(audience, path, data)
        return found
    finally:
        ctx.close()


@pytest.fixture(params=list(KIND))
def report(request: pytest.FixtureRequest, reports: dict[str, Report]) -> Report:
    """Each report in turn."""
    return reports[request.param]


def poppler(tool: str, *args: str) -> str:
    """The output of a poppler-utils command."""
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


def test_tagged_titled_and_paged(report: Report) -> None:
    lines = poppler("pdfinfo", str(report.path)).splitlines()
    info = {key.strip(): value.strip() for key, value in (line.split(":", 1) for line in lines)}
    assert info["Tagged"] == "yes"
    assert info["Title"] == f"{KIND[report.audience]}: {START['title']}"
    reader = PdfReader(io.BytesIO(report.data))
    # The gap analysis runs to tens of pages; the brief is a few (issue 13: at most 10).
    least = 10 if report.audience == "government" else 4
    assert int(info["Pages"]) == len(reader.pages) >= least
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])  # the title, not the file name
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()  # declares PDF/UA


def test_language_is_set(report: Report) -> None:
    root = PdfReader(io.BytesIO(report.data)).trailer["/Root"]
    assert root["/Lang"] == OSCE.language == "en"


def test_fonts_are_embedded(report: Report) -> None:
    rows = poppler("pdffonts", str(report.path)).splitlines()[2:]
    assert rows, "no fonts listed"
    # Columns end with: emb sub uni object-number generation.
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not_embedded == []


def test_answers_are_attached(report: Report) -> None:
    attached = PdfReader(io.BytesIO(report.data)).attachments
    assert list(attached) == ["answers.json"]
    (content,) = attached["answers.json"]
    answers_file = json.loads(content)
    assert answers_file["checklist"] == OSCE.id
    assert answers_file["assessment"]["title"] == START["title"]
    assert answers_file["answers"] == planned_answers()


def test_text_in_reading_order(report: Report) -> None:
    text = poppler("pdftotext", "-enc", "UTF-8", str(report.path), "-")
    pages = text.split("\f")
    assert KIND[report.audience] in pages[0]
    assert letters(START["title"]) in letters(pages[0])
    flat = letters(text)
    if report.audience == "ngo":
        # Cover and key asks on the first page, findings theme by theme, then the annexes:
        # status matrix, commitments, the practices the asks cite, and the method's caveat.
        assert "Key asks" in pages[0] and "Contents" not in text
        _in_order(
            flat,
            [
                letters(START["title"]),
                letters("Key asks"),
                letters("Findings"),
                *(letters(theme.title) for theme in OSCE.themes),
                letters("Status matrix"),
                letters("Commitments and where the State stands"),
                letters("Good practices"),
                letters(OSCE.source.caveat or ""),
            ],
        )
        return
    assert "Contents" in pages[1] and "Contents" not in pages[0]

    # Cover, contents, summary, each recommendation (quoted in full only in its chapter), the
    # good practices annex, and the methodology with the source's caveat: in this order.
    markers = [
        letters(START["title"]),
        letters("Contents"),
        letters("Summary"),
        *(letters(rec.text) for rec in OSCE.recommendations),
        *(letters(gp.summary) for gp in OSCE.good_practices),
        letters(OSCE.source.caveat or ""),
    ]
    _in_order(flat, markers)


def _without_running_heads(text: str) -> list[str]:
    """Each page's text without its running header (two lines) and page number (last line),
    so that a paragraph broken across pages reads on."""
    pages = []
    for page in text.split("\f"):
        lines = [line for line in page.splitlines() if line.strip()]
        pages.append("\n".join(lines[2:-1]))
    return pages


def _in_order(flat: str, markers: list[str]) -> None:
    positions: list[int] = []
    for marker in markers:
        start = positions[-1] + 1 if positions else 0
        found = flat.find(marker, start)
        assert found >= 0, f"not found in order: {marker[:80]}"
        positions.append(found)


def test_gaps_and_good_practices_are_in_the_text(report: Report) -> None:
    text = letters(poppler("pdftotext", "-enc", "UTF-8", str(report.path), "-"))
    answers = planned_answers()
    gap_criteria = gaps(answers)
    assert gap_criteria
    if report.audience == "ngo":
        # The brief names what is not in place (findings) and every recommendation's standing
        # (status matrix), by code; practices and evidence only where an ask cites them.
        missing = [c for c in gap_criteria if answers[c.id]["level"] in ("not_in_place", "planned")]
        assert missing
        body = letters(
            " ".join(_without_running_heads(poppler("pdftotext", str(report.path), "-")))
        )
        assert [c.text for c in missing if letters(c.text.rstrip(".")) not in body] == []
        raw = poppler("pdftotext", "-enc", "UTF-8", str(report.path), "-")
        matrix = raw[raw.index("Status matrix") :]
        assert [r.code for r in OSCE.recommendations if f"{r.code} " not in matrix] == []
        assert "It can be done" in raw
        return
    assert [c.text for c in gap_criteria if letters(c.text) not in text] == []
    assert [gp.title for gp in practices_for(gap_criteria) if letters(gp.title) not in text] == []
    assert [gp.title for gp in OSCE.good_practices if letters(gp.title) not in text] == []
    evidence = {a["evidence"] for a in answers.values() if a["evidence"]}
    assert [e for e in evidence if letters(e) not in text] == []
