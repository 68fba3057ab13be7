"""Web benchmark: Assessor under gunicorn against a minimal Flask app on the same set-up.

    python -m benchmarks.web            prints one JSON line with every figure
    python -m benchmarks.web --quick    without the measurements under PDF load
    python -m benchmarks.web --inline-pdf --under-pdf-only
                                        PDFs made in the request (as before), under load only

Both servers run with the production command's settings (``assessor serve``: gunicorn, 2 x cores
+ 1 workers of 4 threads) on a free port of 127.0.0.1, Assessor on a fresh SQLite database in a
temporary folder. The load comes from this process only: a few threads, each with a keep-alive
connection, sending a fixed number of requests at most and stopping at a time cap. Nothing but
loopback is ever contacted, and both servers are stopped at the end. The server and the client
are the stress tests' (:mod:`tests.support.server`, :mod:`tests.support.client`).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import print_result
from tests.support.client import Client, Response
from tests.support.server import LiveServer, upgrade_database
from tests.support.stats import median, percentile

CLIENTS = 8  # concurrent connections for throughput
REQUESTS = 2000  # at most, per measurement
SECONDS = 12.0  # at most, per measurement
UNDER_PDF_CLIENTS = 4  # theme-page users while PDFs are made
UNDER_PDF_SECONDS = 20.0
PDF_DOWNLOADS = 4  # concurrent PDF downloads
PDF_TIMEOUT = 180.0  # a PDF not ready by then is counted as failed
CACHE_HITS = 20
OK = (200,)
REDIRECT = (302, 303)
EVIDENCE = "Evidence for the benchmark: the 2024 action plan, section 3; minutes of 12 May."


def user(port: int) -> Client:
    """One benchmark user: waits for a PDF as long as it may take; an idle keep-alive
    connection closed by the server between measurements is reopened, for a POST too."""
    return Client(port, timeout=PDF_TIMEOUT, resend_posts=True, user_agent="assessor-bench")


# -- load ----------------------------------------------------------------------------------------


@dataclass
class Stats:
    """Requests sent by a load run, with their latencies."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0

    def summary(self) -> dict[str, Any]:
        """Requests per second and latency percentiles (ms)."""
        n = len(self.latencies)
        return {
            "requests": n,
            "errors": self.errors,
            "seconds": round(self.elapsed, 2),
            "rps": n / self.elapsed if self.elapsed else 0.0,
            "p50_ms": percentile(self.latencies, 0.50) * 1000,
            "p90_ms": percentile(self.latencies, 0.90) * 1000,
            "p99_ms": percentile(self.latencies, 0.99) * 1000,
            "max_ms": max(self.latencies, default=0.0) * 1000,
        }


def load(
    actions: list[Callable[[], Response]],
    expected: tuple[int, ...],
    requests: int = REQUESTS,
    seconds: float = SECONDS,
) -> Stats:
    """Run each action in its own thread, in a loop, until ``requests`` were sent or time is up."""
    stats = Stats()
    lock = threading.Lock()
    sent = [0]
    deadline = time.monotonic() + seconds

    def loop(action: Callable[[], Response]) -> None:
        while time.monotonic() < deadline:
            with lock:
                if sent[0] >= requests:
                    return
                sent[0] += 1
            try:
                reply = action()
                ok = reply.status in expected
                latency = reply.seconds
            except (OSError, http.client.HTTPException):
                ok, latency = False, 0.0
            with lock:
                if ok:
                    stats.latencies.append(latency)
                else:
                    stats.errors += 1

    threads = [threading.Thread(target=loop, args=(a,), daemon=True) for a in actions]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + PDF_TIMEOUT)
    stats.elapsed = time.perf_counter() - started
    return stats


# -- Assessor's pages ---------------------------------------------------------------------------


@dataclass
class Assessment:
    """An assessment made through the web forms, with the client that made it."""

    client: Client
    link: str  # /a/<token>/
    theme_id: str
    form: dict[str, str]
    saves: int = 0


_NUMBER = iter(range(1, 1_000_000))


def start_assessment(port: int, checklist: Any, fill_all: bool) -> Assessment:
    """Start an assessment through the start page and answer its first theme (or all)."""
    from assessor.forms import evidence_field_name, level_field_name

    client = user(port)
    token = client.request("GET", "/").page().hidden_inputs()["csrf_token"]
    reply = client.request(
        "POST",
        "/",
        {
            "csrf_token": token,
            "checklist": checklist.id,
            # Each its own content, so no two share a cached PDF.
            "title": f"Benchmark assessment {next(_NUMBER)} {os.urandom(4).hex()}",
            "organisation": "Ministry of Labour and Social Protection",
            "country": "Moldova",
            "respondent": "government",
        },
    )
    assert reply.status in (302, 303), reply.status
    link = reply.location
    themes = checklist.themes if fill_all else checklist.themes[:1]
    for theme in themes:
        path = f"{link}theme/{theme.id}"
        form = client.request("GET", path).page().hidden_inputs()
        for crit in theme.criteria:
            form[level_field_name(crit)] = "not_in_place"
            form[evidence_field_name(crit)] = EVIDENCE
        saved = client.request("POST", path, form)
        assert saved.status in (302, 303), saved.status
    theme = checklist.themes[0]
    form = client.request("GET", f"{link}theme/{theme.id}").page().hidden_inputs()
    for crit in theme.criteria:
        form[level_field_name(crit)] = "not_in_place"
        form[evidence_field_name(crit)] = EVIDENCE
    return Assessment(client, link, theme.id, form)


def save_once(assessment: Assessment, checklist: Any) -> Response:
    """Save the first theme with one evidence text changed: a real save, never a conflict."""
    from assessor.answers import Answer, fingerprint
    from assessor.forms import evidence_field_name, saved_field_name

    crit = checklist.themes[0].criteria[0]
    before = assessment.form[evidence_field_name(crit)]
    after = f"{EVIDENCE} Save {assessment.saves + 1}."
    assessment.form[saved_field_name(crit)] = fingerprint(Answer("not_in_place", before))
    assessment.form[evidence_field_name(crit)] = after
    reply = assessment.client.request(
        "POST", f"{assessment.link}theme/{assessment.theme_id}", assessment.form
    )
    if reply.status in (302, 303):
        assessment.saves += 1
    else:  # keep what the server has: the previous text
        assessment.form[evidence_field_name(crit)] = before
    return reply


_REFRESH = re.compile(rb'http-equiv="refresh"\s+content="(\d+);\s*url=([^"]+)"', re.I)


def download_pdf(assessment: Assessment, timeout: float = PDF_TIMEOUT) -> tuple[bytes, float]:
    """Download the PDF as a browser does: through the "being prepared" page, checking again
    as its script does (every ``Retry-After`` seconds), then following the "ready" page."""
    started = time.perf_counter()
    path = f"{assessment.link}report.pdf?audience=government"
    while time.perf_counter() - started < timeout:
        reply = assessment.client.request("GET", path)
        if reply.status == 200 and reply.headers.get("content-type", "").startswith(
            "application/pdf"
        ):
            return reply.body, time.perf_counter() - started
        if reply.status in (302, 303):  # to the "being prepared" page
            path = reply.location
            continue
        if reply.status == 202:  # not yet: check the same page again
            time.sleep(float(reply.headers.get("retry-after", "2")))
            continue
        match = _REFRESH.search(reply.body)
        if reply.status != 200 or match is None:
            raise RuntimeError(f"the PDF download answered {reply.status}")
        time.sleep(int(match.group(1)))  # "ready": the page starts the download
        path = match.group(2).decode().replace("&amp;", "&")
    raise TimeoutError("the PDF was not ready in time")


@contextlib.contextmanager
def pdf_downloads(assessments: list[Assessment], checklist: Any) -> Iterator[list[float]]:
    """Keep ``len(assessments)`` users downloading PDFs, each after changing an answer."""
    stop = threading.Event()
    seconds: list[float] = []
    failures: list[str] = []

    def loop(assessment: Assessment) -> None:
        while not stop.is_set():
            try:
                saved = save_once(assessment, checklist)  # new content: a new PDF to make
                if saved.status not in REDIRECT:
                    raise RuntimeError(f"the save answered {saved.status}")
                _, took = download_pdf(assessment)
                seconds.append(took)
            except (OSError, http.client.HTTPException, RuntimeError) as exc:
                failures.append(str(exc))
                time.sleep(1)

    threads = [threading.Thread(target=loop, args=(a,), daemon=True) for a in assessments]
    for thread in threads:
        thread.start()
    time.sleep(3)  # let the renders start
    try:
        yield seconds
    finally:
        stop.set()
        for thread in threads:
            thread.join(PDF_TIMEOUT)
        if failures:
            seconds.append(float("nan"))
            print(f"PDF download failures: {failures[:3]}", file=sys.stderr)


_SAMPLE = re.compile(
    rb"^(assessor_report_renders_total|assessor_report_queue_depth"
    rb"|assessor_report_prerenders_pending|assessor_report_render_seconds_sum)\b\S* (\S+)$",
    re.M,
)


def report_figures(client: Client) -> dict[str, float]:
    """From ``/metrics`` (the benchmark's server runs with them on, in multiprocess mode):
    ``renders`` (reports made so far by every process of the server), ``depth`` (the queue's),
    ``pending`` (pre-renders not done yet; absent if the server does not say) and ``mean_s``
    (the mean seconds of a render)."""
    reply = client.request("GET", "/metrics")
    if reply.status != 200:
        raise RuntimeError(f"/metrics answered {reply.status}")
    sums: dict[bytes, float] = {}
    for name, value in _SAMPLE.findall(reply.body):
        sums[name] = sums.get(name, 0.0) + float(value)
    renders = sums.get(b"assessor_report_renders_total", 0.0)
    seconds = sums.get(b"assessor_report_render_seconds_sum", 0.0)
    figures = {
        "renders": renders,
        "depth": sums.get(b"assessor_report_queue_depth", 0.0),
        "mean_s": seconds / renders if renders else 0.0,
    }
    if b"assessor_report_prerenders_pending" in sums:
        figures["pending"] = sums[b"assessor_report_prerenders_pending"]
    return figures


def wait_for_prerenders(
    client: Client, before: float, at_least: int, timeout: float = 4 * PDF_TIMEOUT
) -> float:
    """Wait until the server's pre-renders are done: the queue's gauge of pending pre-renders
    (``assessor_report_prerenders_pending``: assessments in their quiet delay after a save, and
    reports queued or being made ahead of time, on every server) is zero, and at least
    ``at_least`` reports were made since ``before``. Returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        figures = report_figures(client)
        if "pending" not in figures:
            raise RuntimeError("/metrics does not say how many pre-renders are pending")
        if figures["pending"] == 0 and figures["renders"] >= before + at_least:
            return time.monotonic() - started
        time.sleep(0.2)
    raise TimeoutError("the pre-renders did not finish in time")


def click_to_file(assessments: list[Assessment], checklist: Any) -> dict[str, Any]:
    """Save each assessment once, let them be quiet until their reports are pre-rendered,
    then click "Download PDF" on each: the time until the file is in hand, and whether the
    click was answered with the file itself (not the "being prepared" page)."""
    probe = assessments[0].client
    before = report_figures(probe)["renders"]
    for assessment in assessments:
        saved = save_once(assessment, checklist)
        if saved.status not in REDIRECT:
            raise RuntimeError(f"the save answered {saved.status}")
    waited = wait_for_prerenders(probe, before, at_least=len(assessments))
    seconds: list[float] = []
    direct: list[float] = []
    for assessment in assessments:
        path = f"{assessment.link}report.pdf?audience=government"
        started = time.perf_counter()
        reply = assessment.client.request("GET", path)
        if reply.status == 200 and reply.body.startswith(b"%PDF-"):
            direct.append(time.perf_counter() - started)
            seconds.append(direct[-1])
        else:  # through the progress page, as a browser would
            _, took = download_pdf(assessment)
            seconds.append(time.perf_counter() - started + took)
    return {
        "clicks": len(seconds),
        "answered_with_the_file": len(direct),
        "median_ms": median(seconds) * 1000,
        "max_ms": max(seconds) * 1000,
        "file_itself_median_ms": median(direct) * 1000 if direct else None,
        "prerender_wait_s": waited,
    }


def bench_assessor(
    tmp: Path,
    checklist: Any,
    inline_pdf: bool = False,
    under_pdf_only: bool = False,
    quick: bool = False,
) -> dict[str, Any]:
    """Theme page, save, both while PDFs are made (not with ``quick``), a repeated download,
    and click-to-file for assessments left unchanged since their last save."""
    db = tmp / "bench.sqlite"
    url = f"sqlite:///{db}"
    upgrade_database(url)
    metrics_dir = tmp / "prometheus"
    metrics_dir.mkdir(exist_ok=True)
    env = {
        "FLASK_REPORT_CACHE_DIR": str(tmp / "report-cache"),  # empty: every PDF made afresh
        # The reports made, counted over every process of the server (click-to-file waits
        # for the pre-renders by them). Loopback only, like the whole benchmark.
        "FLASK_METRICS_ENABLED": "true",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    if inline_pdf:  # as before the background renderer: PDFs made in the request
        env["FLASK_REPORT_IN_BACKGROUND"] = "false"
    result: dict[str, Any] = {}
    server = LiveServer(tmp, database_url=url, env=env, name="assessor", start_timeout=90)
    with server:
        readers = [start_assessment(server.port, checklist, False) for _ in range(CLIENTS)]
        writers = [start_assessment(server.port, checklist, False) for _ in range(CLIENTS)]
        makers = [start_assessment(server.port, checklist, True) for _ in range(PDF_DOWNLOADS)]
        theme_path = f"theme/{readers[0].theme_id}"
        page = readers[0].client.request("GET", readers[0].link + theme_path)
        result["theme_page_bytes"] = len(page.body)
        result["theme_id"] = readers[0].theme_id

        def get(a: Assessment) -> Callable[[], Response]:
            return lambda: a.client.request("GET", a.link + theme_path)

        def post(a: Assessment) -> Callable[[], Response]:
            return lambda: save_once(a, checklist)

        if not under_pdf_only:
            # First, before the loads below save again and again (each of their saves queues
            # pre-renders too, which click-to-file would then wait for as well).
            result["click_to_file"] = click_to_file(makers, checklist)
            # A repeated download of an unchanged assessment (after it was made once).
            save_once(makers[0], checklist)
            first, took = download_pdf(makers[0])
            hits = []
            for _ in range(CACHE_HITS):
                body, seconds = download_pdf(makers[0])
                assert body == first
                hits.append(seconds)
            result["repeat_download"] = {
                "first_s": took,
                "median_ms": median(hits) * 1000,
                "p90_ms": percentile(hits, 0.9) * 1000,
            }
            # That save's other reports are pre-rendered: not while the loads are measured.
            wait_for_prerenders(makers[0].client, before=0.0, at_least=0)
        load([get(a) for a in readers], OK, requests=100, seconds=10)  # warm-up
        if not under_pdf_only:
            result["get"] = load([get(a) for a in readers], OK).summary()
            result["post"] = load([post(a) for a in writers], REDIRECT).summary()

        if not quick:
            with pdf_downloads(makers, checklist) as pdf_seconds:
                result["get_under_pdf"] = load(
                    [get(a) for a in readers[:UNDER_PDF_CLIENTS]], OK, seconds=UNDER_PDF_SECONDS
                ).summary()
                result["post_under_pdf"] = load(
                    [post(a) for a in writers[:UNDER_PDF_CLIENTS]],
                    REDIRECT,
                    seconds=UNDER_PDF_SECONDS,
                ).summary()
            result["pdf_downloads"] = {
                "count": len(pdf_seconds),
                "median_s": median(pdf_seconds),
                "max_s": max(pdf_seconds, default=0.0),
            }
        if under_pdf_only:
            return result
    return result


def bench_floor(tmp: Path, page_bytes: int) -> dict[str, Any]:
    """The minimal Flask app: GET a fixed page, POST a form."""
    server = LiveServer(
        tmp,
        env={"FLOOR_PAGE_BYTES": str(page_bytes)},
        command=[sys.executable, "-m", "benchmarks.floor_app"],
        name="floor",
        start_timeout=90,
    )
    with server:
        clients = [user(server.port) for _ in range(CLIENTS)]
        form = {"csrf_token": "x" * 90, "evidence": EVIDENCE}

        def get(c: Client) -> Callable[[], Response]:
            return lambda: c.request("GET", "/page")

        def post(c: Client) -> Callable[[], Response]:
            return lambda: c.request("POST", "/page", form)

        load([get(c) for c in clients], OK, requests=200, seconds=10)  # warm-up
        return {
            "get": load([get(c) for c in clients], OK).summary(),
            "post": load([post(c) for c in clients], REDIRECT).summary(),
        }


def main() -> None:
    """Measure the floor and Assessor, one after the other, on the same machine.

    ``--inline-pdf``: PDFs made in the request workers, as before the background renderer;
    ``--under-pdf-only``: only the theme page and the save while PDFs are made;
    ``--quick``: everything but the measurements under PDF load.
    """
    from benchmarks.synthetic import osce_checklist

    inline_pdf = "--inline-pdf" in sys.argv[1:]
    under_pdf_only = "--under-pdf-only" in sys.argv[1:]
    quick = "--quick" in sys.argv[1:]

    checklist = osce_checklist()
    from assessor.serving import default_workers, gunicorn_options

    options = gunicorn_options("127.0.0.1:0")
    with tempfile.TemporaryDirectory(prefix="assessor-bench-") as folder:
        tmp = Path(folder)
        assessor = bench_assessor(tmp, checklist, inline_pdf, under_pdf_only, quick)
        floor = {} if under_pdf_only else bench_floor(tmp, assessor["theme_page_bytes"])
    print_result(
        {
            "assessor": assessor,
            "floor": floor,
            "server": {
                "workers": default_workers(),
                "worker_class": options["worker_class"],
                "threads": options["threads"],
                "clients": CLIENTS,
                "under_pdf_clients": UNDER_PDF_CLIENTS,
                "pdf_downloads": PDF_DOWNLOADS,
                "pdf_in_background": not inline_pdf,
                "requests_cap": REQUESTS,
                "seconds_cap": SECONDS,
                "under_pdf_seconds": UNDER_PDF_SECONDS,
            },
        }
    )


if __name__ == "__main__":
    main()
