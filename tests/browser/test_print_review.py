"""Printing "Check your answers" in Chromium: no criterion split across pages, no evidence
clipped. The page is printed to PDF (page.pdf, print media) and read as a reader's tools do."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from actions import OSCE, goto, import_answers, planned_answers

# Long evidence of many lines and a long unbroken run (a URL), as officials paste it.
LONG_URL = "https://example.org/" + "a1b2c3d4e5" * 30
LONG = "\n".join(f"Line {n}: the decree, its annex and the budget line {n}." for n in range(1, 31))
LONG += "\n" + LONG_URL + "\nLast line of the long evidence."


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_printed_review_keeps_each_criterion_whole(
    poppler_present: None, page: Any, live_server: str, tmp_path: Path
) -> None:
    answers = planned_answers()
    long_ones = [OSCE.criteria[3].id, OSCE.criteria[30].id, OSCE.criteria[-1].id]
    for criterion_id in long_ones:
        answers[criterion_id] = {"level": "partial", "evidence": LONG}
    unanswered = OSCE.criteria[7].id
    del answers[unanswered]
    import_answers(page, live_server, answers, "Printed review")
    goto(page, page.url + "review")
    page.emulate_media(media="print")
    # Printed: no site chrome or "Change" links; the unanswered one marked.
    assert page.locator(".check-change").first.is_hidden()
    assert page.locator(".site-header").is_hidden()
    marked = page.locator(f"#Answer-{unanswered}")
    assert "Not answered" in marked.inner_text()
    pdf = tmp_path / "review.pdf"
    pdf.write_bytes(page.pdf(format="A4", print_background=True))

    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [_normal(p) for p in text.split("\f") if p.strip()]
    assert len(pages) > 5
    openings = [_normal(f"{crit.code} {crit.text}") for crit in OSCE.criteria]
    for index, crit in enumerate(OSCE.criteria):
        opening = _normal(f"{crit.code} {crit.text}")
        holding = [n for n, p in enumerate(pages) if opening in p]
        assert len(holding) == 1, f"{crit.code} opens on pages {holding}"
        on_page = pages[holding[0]]
        # The criterion's whole text, level and evidence are on the page where it opens.
        rest = on_page.split(opening, 1)[1]
        following = openings[index + 1] if index + 1 < len(openings) else None
        block = rest.split(following, 1)[0] if following else rest
        answer = answers.get(crit.id)
        assert "Evidence" in block, crit.code
        if answer is None:
            assert "Notanswered" in block, crit.code
        elif answer["evidence"]:
            assert _normal(answer["evidence"]) in block, crit.code
    # Long evidence whole: every line, and the long link unclipped (wrapped, not cut).
    for criterion_id in long_ones:
        code = OSCE.code(criterion_id)
        page_text = next(p for p in pages if _normal(code) in p and "Line30" in p)
        assert _normal(LONG_URL) in page_text.replace("-", "") or _normal(LONG_URL) in page_text
        assert "Lastlineofthelongevidence." in page_text
