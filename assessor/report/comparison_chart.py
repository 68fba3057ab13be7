"""Comparison charts as inline SVG: two bars per score, the baseline's above the current one's.

Like :mod:`assessor.report.chart`: the web page draws each pair of bars without text beside
HTML that states the numbers (:func:`score_pair_svg`); a PDF chapter gets one chart with its
labels in SVG and every number in its ``<title>`` (:func:`comparison_chart_svg`).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from assessor.compare import Comparison, ScoreChange
from assessor.report.chart import BAR, BAR_WIDTH, TICKS, TRACK, WIDTH, format_score
from assessor.translation import current_translator
from assessor.translation import gettext as _

#: Baseline lighter, current darker (both keep 3:1 against white, as non-text contrast asks).
FILL = {"baseline": "#6b8fb3", "current": "#16324f"}
GAP = 4
PAIR = 2 * BAR + GAP
ROW = PAIR + 30
LABEL_SIZE = 13
MAX_LABEL_CHARS = 80


def format_delta(value: float | None) -> str:
    """A difference as shown to people: signed, one decimal ("+13.8", "−2.0", "0.0"), or
    "n/a" when either side has no score."""
    if value is None:
        return _("n/a")
    shown = current_translator().format_number(abs(value), 1)
    if round(abs(value), 1) == 0:
        return shown
    return ("+" if value > 0 else "\u2212") + shown


def _bar(y: float, value: float | None, side: str) -> str:
    parts = [f'<rect x="0" y="{y}" width="{BAR_WIDTH}" height="{BAR}" fill="{TRACK}"/>']
    if value is not None:
        width = round(BAR_WIDTH * max(0.0, min(value, 100.0)) / 100, 2)
        parts.append(
            f'<rect class="{side}" x="0" y="{y}" width="{width}" height="{BAR}"'
            f' fill="{FILL[side]}"/>'
        )
    return "".join(parts)


def _ticks(y: float) -> str:
    return "".join(
        f'<line x1="{BAR_WIDTH * t / 100:g}" y1="{y}" x2="{BAR_WIDTH * t / 100:g}"'
        f' y2="{y + PAIR}" stroke="#ffffff" stroke-width="1.5"/>'
        for t in TICKS
    )


def score_pair_svg(baseline: float | None, current: float | None) -> Markup:
    """One score's two bars (baseline above, current below), without text: decorative, for a
    page that states both numbers."""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="score-pair" aria-hidden="true"'
        f' focusable="false" viewBox="0 0 {BAR_WIDTH} {PAIR}" width="100%" height="{PAIR}"'
        f' preserveAspectRatio="none">'
        f"{_bar(0, baseline, 'baseline')}{_bar(BAR + GAP, current, 'current')}{_ticks(0)}</svg>"
    )


def _label(text: str) -> str:
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1].rstrip() + "…"


def chart_label(row: ScoreChange) -> str:
    """A score row's label: "Overall", or a theme's code and title."""
    return row.title if row.kind == "overall" else f"{row.code}. {row.title}"


def comparison_chart_svg(comparison: Comparison, *, element_id: str = "comparison-chart") -> Markup:
    """An SVG chart of the overall and theme scores of both sides, with labels, safe to inline.

    Its ``<title>`` states every score and change, as the chart's alternative text.
    """
    rows = [comparison.overall, *comparison.themes]
    height = ROW * len(rows) + 18
    body = []
    for i, row in enumerate(rows):
        y = i * ROW
        body.append(
            f'<text x="0" y="{y + LABEL_SIZE}" font-size="{LABEL_SIZE}" fill="#1b2a3a">'
            f"{escape(_label(chart_label(row)))}</text>"
            f"{_bar(y + 20, row.baseline, 'baseline')}"
            f"{_bar(y + 20 + BAR + GAP, row.current, 'current')}{_ticks(y + 20)}"
            f'<text x="{BAR_WIDTH + 10}" y="{y + 20 + BAR - 3}" font-size="11" fill="#1b2a3a">'
            f"{format_score(row.baseline)}</text>"
            f'<text x="{BAR_WIDTH + 10}" y="{y + 20 + PAIR - 3}" font-size="11"'
            f' font-weight="600" fill="#1b2a3a">{format_score(row.current)}</text>'
        )
    grid = "".join(
        f'<text x="{BAR_WIDTH * t / 100:g}" y="{height - 2}" font-size="10" fill="#5b6673"'
        f' text-anchor="{"start" if t == 0 else "end" if t == 100 else "middle"}">{t}</text>'
        for t in (0, *TICKS, 100)
    )
    description = "; ".join(
        _(
            "%(label)s: %(before)s then %(after)s (%(delta)s)",
            label=chart_label(r),
            before=format_score(r.baseline),
            after=format_score(r.current),
            delta=format_delta(r.delta),
        )
        for r in rows
    )
    title = (
        f"Scores out of 100, {comparison.baseline.info.title} (upper bar) and "
        f"{comparison.current.info.title} (lower bar). {description}."
    )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"'
        f' aria-labelledby="{escape(element_id)}-title" viewBox="0 0 {WIDTH} {height}"'
        f' width="100%" preserveAspectRatio="xMinYMin meet"'
        f" font-family=\"Inter, 'Noto Sans', 'DejaVu Sans', sans-serif\">"
        f'<title id="{escape(element_id)}-title">{escape(title)}</title>'
        f"{''.join(body)}{grid}</svg>"
    )
