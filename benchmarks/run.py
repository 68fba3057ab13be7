"""``make bench``: run every benchmark, each in its own process, and write docs/benchmarks.md.

    python -m benchmarks.run            the full suite (about 25 minutes on 2 cores)
    python -m benchmarks.run --quick    the figures with targets only (pages, memory at 1x, 3x
                                        and 10x, click-to-file, throughput against the floors):
                                        a few minutes; no feature costs, 100x report or PDF load

The raw figures go to reports/benchmarks.json; the document compares them with their targets and
with the figures recorded before the work on speed (benchmarks/baseline.json).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, machine, run_child
from benchmarks.writeup import render_markdown

BASELINE = Path(__file__).with_name("baseline.json")


class Steps:
    """Each step's name and measured seconds (``results["steps"]``), said as it starts."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.done: list[dict[str, Any]] = []
        self._current: tuple[str, float] | None = None

    def __call__(self, name: str) -> None:
        """End the step under way (its time is recorded) and start ``name``; on standard
        error, so the output stays one JSON line per child."""
        now = time.monotonic()
        if self._current is not None:
            self.done.append({"name": self._current[0], "seconds": now - self._current[1]})
        self._current = (name, now) if name else None
        if name:
            print(f"[{now - self.started:6.0f} s] {name}", file=sys.stderr, flush=True)

    def finish(self) -> tuple[list[dict[str, Any]], float]:
        """The steps and the whole run's seconds, both measured here."""
        self("")
        return self.done, time.monotonic() - self.started


def main(argv: list[str] | None = None) -> int:
    """Run the suite; write the JSON and the Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the figures with targets only")
    parser.add_argument("--skip-web", action="store_true", help="only the PDF benchmarks")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--json", default=str(ROOT / "reports" / "benchmarks.json"))
    parser.add_argument(
        "--render-only", action="store_true", help="rewrite the Markdown from the saved JSON"
    )
    parser.add_argument(
        "--redo-pages",
        action="store_true",
        help="measure the pages again into the saved JSON (the step is added, with its date)",
    )
    args = parser.parse_args(argv)
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else None
    if args.redo_pages:
        results = json.loads(Path(args.json).read_text())
        started = time.monotonic()
        results["pages"] = run_child("benchmarks.pages", "5" if results["quick"] else "9")
        seconds = time.monotonic() - started
        when = machine()["date"]
        results["steps"].append({"name": f"Pages measured again ({when})", "seconds": seconds})
        results["total_seconds"] += seconds
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
        Path(args.output).write_text(render_markdown(results, baseline))
        return 0
    if args.render_only:
        results = json.loads(Path(args.json).read_text())
        Path(args.output).write_text(render_markdown(results, baseline))
        return 0

    pdf_runs, feature_runs, scale_runs, page_rounds = (1, 2, 1, 5) if args.quick else (7, 3, 2, 9)
    step = Steps()
    results: dict[str, Any] = {"machine": machine(), "quick": args.quick}
    step("Pages: theme page, save and autosave in one process, and Jinja alone")
    results["pages"] = run_child("benchmarks.pages", str(page_rounds))
    step("PDF: ours and the floor, interleaved")
    results["osce"] = run_child("benchmarks.pdf", "osce", str(pdf_runs))
    step("PDF: peak memory of one render in a fresh process")
    results["memory"] = run_child("benchmarks.pdf", "memory")
    sizes = {str(times): ("benchmarks.memory", str(times)) for times in (1, 3, 10)}
    stages = ("benchmarks.memory", "10", "stages")
    if args.quick:
        # Peak memory is each process's own, whatever else runs: the sizes and the stages run
        # side by side (their render times are then not comparable, and the document says so).
        step("PDF: peak memory at 1x, 3x and 10x, and the 10x stages (fresh processes at once)")
        with ThreadPoolExecutor(max_workers=4) as pool:
            found = {
                name: pool.submit(run_child, *command, timeout=1800)
                for name, command in [*sizes.items(), ("stages", stages)]
            }
            results["memory_sizes"] = {t: found[t].result() for t in sizes}
            results["memory_stages"] = found["stages"].result()
        results["memory_side_by_side"] = True
    else:
        results["memory_sizes"] = {}
        for times, command in sizes.items():
            step(f"PDF: peak memory at {times}x the OSCE criteria (a fresh process)")
            results["memory_sizes"][times] = run_child(*command, timeout=1200)
        step("PDF: where the memory of the 10x report goes, stage by stage")
        results["memory_stages"] = run_child(*stages, timeout=1200)
    if not args.quick:
        step("PDF: the cost of each feature of the template")
        results["features"] = run_child("benchmarks.pdf", "features", str(feature_runs))
    step("PDF: the content-keyed cache")
    results["cache"] = run_child("benchmarks.pdf", "cache", "20")
    results["scale"] = {}
    for times in () if args.quick else (10, 100):
        runs = scale_runs if times == 10 else 1
        step(f"PDF: a checklist {times} times the OSCE criteria ({runs} run(s))")
        results["scale"][str(times)] = run_child(
            "benchmarks.pdf", "scale", str(times), str(runs), timeout=2400
        )
    if not args.skip_web:
        step("Web: gunicorn, Assessor against the floor app (loopback only)")
        quick = ["--quick"] if args.quick else []
        results["web"] = run_child("benchmarks.web", *quick, timeout=1200)
        if not args.quick:
            step("Web: under PDF load, PDFs made in the request workers (as before)")
            results["web_inline"] = run_child(
                "benchmarks.web", "--inline-pdf", "--under-pdf-only", timeout=1200
            )
    results["steps"], results["total_seconds"] = step.finish()
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]

    json_path = Path(args.json)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_markdown(results, baseline))
    print(f"wrote {output} and {json_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
