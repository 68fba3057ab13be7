"""Links in evidence are printed, never fetched: a local HTTP server proves no request arrives."""

from __future__ import annotations

import http.server
import io
import re
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pypdf
import pytest

from assessor.answers import Answer, AnswersFile, AssessmentInfo
from assessor.checklist import load_checklist
from assessor.report import render_pdf
from assessor.report.fetcher import RefusedURL, StaticOnlyFetcher
from assessor.scoring import score

SCHOOL_MEALS = Path(__file__).parent.parent / "data" / "school-meals.yaml"


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def _record(self) -> None:
        self.requests.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    do_GET = do_POST = do_HEAD = _record

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server on 127.0.0.1 that records every request it gets."""
    requests: list[str] = []
    handler = type("Recorder", (_Recorder,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _hostile(base: str) -> dict[str, str]:
    return {
        "img": f'<img src="{base}/img.png">',
        "link": f'<link rel="stylesheet" href="{base}/style.css">',
        "css": f"<style>@import url({base}/import.css); "
        + f"p {{ background: url({base}/bg.png) }}</style>",
        "attachment": '<a rel="attachment" href="file:///etc/passwd">passwd</a>',
        "file": "file:///etc/passwd",
        "object": f'<object data="{base}/object"></object><iframe src="{base}/frame"></iframe>',
        "svg": f'<svg><image href="{base}/svg.png"/></svg>',
        "plain": f"{base}/plain-url",
    }


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", "", text)


def test_links_in_evidence_are_never_fetched_and_print_as_text(listener) -> None:
    base, requests = listener
    checklist = load_checklist(SCHOOL_MEALS)
    hostile = _hostile(base)
    criteria = [c.id for c in checklist.criteria]
    evidence = {
        criteria[0]: hostile["img"] + " " + hostile["link"],
        criteria[1]: hostile["css"],
        criteria[2]: hostile["attachment"] + " " + hostile["file"],
        criteria[3]: hostile["object"] + " " + hostile["svg"] + " " + hostile["plain"],
    }
    answers = {cid: Answer("partial", text) for cid, text in evidence.items()}
    info = AssessmentInfo(f'<img src="{base}/title.png">', f"{base}/org", "Austria", "ngo")
    answers_file = AnswersFile(checklist.id, checklist.version, info, answers)
    pdf = render_pdf(score(checklist, answers), answers_file, generated_on=date(2026, 1, 1))

    assert requests == []  # nothing was fetched from the network
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    for piece in evidence.values():
        assert re.sub(r"\s+", "", piece) in text  # printed literally, as typed
    # The only embedded file is the answers file: no /etc/passwd, nothing fetched.
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert list(reader.attachments) == ["answers.json"]
    assert b"root:x:0:0" not in pdf


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.css",
        "ftp://example.org/x",
        "data:text/plain,hello",
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file:///../../etc/passwd",
    ],
)
def test_the_fetcher_refuses_everything_outside_its_folder(url: str, listener) -> None:
    _base, requests = listener
    fetcher = StaticOnlyFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    with pytest.raises(RefusedURL):
        fetcher.fetch(f"{_base}/direct")
    assert requests == []
