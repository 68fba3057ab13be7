"""Fixtures for the report tests: a test checklist answered at every level, rendered once.

Rendering a PDF takes about a second, so the PDFs are made once per session and shared.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from report_helpers import ANSWERS, GENERATED_ON, LIBRARIES

from assessor.answers import AnswersFile, parse_answers_file
from assessor.checklist import Checklist, load_checklist
from assessor.report import render_pdf
from assessor.report.fetcher import StaticOnlyFetcher
from assessor.scoring import GapAnalysis, score


@pytest.fixture(scope="session")
def libraries() -> Checklist:
    return load_checklist(LIBRARIES)


@pytest.fixture(scope="session")
def answers_file(libraries: Checklist) -> AnswersFile:
    parsed, _ = parse_answers_file(json.dumps(ANSWERS), {libraries.id: libraries}.get)
    return parsed


@pytest.fixture(scope="session")
def analysis(libraries: Checklist, answers_file: AnswersFile) -> GapAnalysis:
    return score(libraries, answers_file.answers)


@pytest.fixture(scope="session")
def fetched() -> list[str]:
    """Every URL the report's fetcher was asked for while the session's PDFs were rendered."""
    return []


@pytest.fixture(scope="session")
def render(
    analysis: GapAnalysis, answers_file: AnswersFile, fetched: list[str]
) -> Iterator[Callable[[str], bytes]]:
    """Render (once per audience) the test checklist's PDF, recording what the fetcher is asked."""
    cache: dict[str, bytes] = {}
    original = StaticOnlyFetcher.fetch

    def recording_fetch(self: StaticOnlyFetcher, url: str, headers: object = None) -> Any:
        fetched.append(url)
        return original(self, url, headers)

    def get(audience: str) -> bytes:
        if audience not in cache:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(StaticOnlyFetcher, "fetch", recording_fetch)
                cache[audience] = render_pdf(
                    analysis, answers_file, audience=audience, generated_on=GENERATED_ON
                )
        return cache[audience]

    yield get


@pytest.fixture(scope="session")
def government_pdf(render: Callable[[str], bytes]) -> bytes:
    return render("government")


@pytest.fixture(scope="session")
def ngo_pdf(render: Callable[[str], bytes]) -> bytes:
    return render("ngo")


@pytest.fixture(scope="session")
def pdftotext(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., str]:
    """Extract a PDF's text with poppler's pdftotext, as a reader's copy-paste would."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed for the report tests")
    folder = tmp_path_factory.mktemp("pdftotext")
    counter = iter(range(1_000_000))

    def run(pdf: bytes, *, body_only: bool = False, page: int | None = None) -> str:
        path = folder / f"{next(counter)}.pdf"
        path.write_bytes(pdf)
        args = ["pdftotext", "-enc", "UTF-8"]
        if page is not None:
            args += ["-f", str(page), "-l", str(page)]
        if body_only:  # A4 without the running header and footer (margins 16 mm and 15 mm)
            args += ["-x", "0", "-y", "46", "-W", "595", "-H", "752"]
        completed = subprocess.run(
            [*args, str(path), "-"], check=True, capture_output=True, text=True
        )
        return completed.stdout

    return run
