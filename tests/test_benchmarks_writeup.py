"""docs/benchmarks.md prints only what a run measured: the run's length from its timed steps,
"not measured" otherwise (a total entered by hand, or one its steps do not explain)."""

from __future__ import annotations

from benchmarks.writeup import _run_lines, measured_total


def test_a_total_without_timed_steps_is_not_measured() -> None:
    assert measured_total({"total_seconds": 2400.0}) is None
    assert _run_lines({"total_seconds": 2400.0}) == [
        "- Whole run: not measured",
        "- Load average at the end: not measured",
    ]


def test_a_total_its_steps_do_not_explain_is_not_measured() -> None:
    steps = [{"name": "Pages", "seconds": 60.0}]
    assert measured_total({"total_seconds": 2400.0, "steps": steps}) is None
    assert measured_total({"total_seconds": 30.0, "steps": steps}) is None


def test_the_measured_steps_are_printed_with_their_total() -> None:
    results = {
        "total_seconds": 100.2,
        "steps": [{"name": "Pages", "seconds": 60.0}, {"name": "PDF", "seconds": 40.1}],
        "load_average_end": [1.5, 2.0, 3.25],
    }
    assert measured_total(results) == 100.2
    assert _run_lines(results) == [
        "- Whole run: 1.7 minutes (Pages: 60 s; PDF: 40 s)",
        "- Load average at the end: 1.5, 2.0, 3.25",
    ]
