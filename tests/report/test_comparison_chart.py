"""The comparison charts: signed changes, paired bars, and a labelled chart for a chapter."""

from __future__ import annotations

import re

from assessor.answers import Answer, AssessmentInfo
from assessor.checklist import load_checklist
from assessor.compare import Side, compare
from assessor.report.comparison_chart import (
    comparison_chart_svg,
    format_delta,
    score_pair_svg,
)
from tests.support.data import SCHOOL_MEALS


def test_changes_are_signed_with_one_decimal():
    assert format_delta(13.84) == "+13.8"
    assert format_delta(-2.0) == "\u22122.0"
    assert format_delta(0.04) == format_delta(-0.04) == format_delta(0) == "0.0"
    assert format_delta(None) == "n/a"


def test_scores_and_changes_use_the_documents_decimal_separator():
    from assessor.report.chart import format_score
    from assessor.translation import writing_in

    assert format_score(72.46) == "72.5"
    with writing_in("ro"):
        assert (format_score(72.46), format_delta(13.84), format_delta(0)) == (
            "72,5",
            "+13,8",
            "0,0",
        )
    with writing_in("ru"):
        assert (format_score(None), format_delta(-2.0)) == ("н/п", "\u22122,0")


def test_a_pair_of_bars_is_decorative_and_to_scale():
    svg = str(score_pair_svg(25.0, None))
    assert 'aria-hidden="true"' in svg and "<text" not in svg
    widths = re.findall(r'class="(baseline|current)" x="0" y="[\d.]+" width="([\d.]+)"', svg)
    assert widths == [("baseline", "130.0")]  # a quarter of 520; no score draws no bar


def test_the_labelled_chart_states_every_score_and_change():
    checklist = load_checklist(SCHOOL_MEALS)
    before = Side(
        AssessmentInfo("Review <2026>", "Ministry", "Austria", "government"),
        checklist,
        {"free-meals-eligibility": Answer("partial")},
    )
    after = Side(
        AssessmentInfo("Review 2027", "Ministry", "Austria", "government"),
        checklist,
        {"free-meals-eligibility": Answer("full"), "monitoring-uptake": Answer("full")},
    )
    svg = str(comparison_chart_svg(compare(before, after)))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"')
    title = re.search(r"<title[^>]*>(.*?)</title>", svg).group(1)
    assert "Review &lt;2026&gt; (upper bar) and Review 2027 (lower bar)" in title
    assert "Overall: 22.2 then 55.6 (+33.3)" in title  # (33.3 x 2 + 0) / 3, (50 x 2 + 66.7) / 3
    assert "1. Provision: 33.3 then 50.0 (+16.7)" in title
    assert "2. Oversight: 0.0 then 66.7 (+66.7)" in title
