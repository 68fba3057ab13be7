"""Score bar charts as inline SVG, shared by the PDF report and the web results page.

The PDF gets one chart with its labels drawn in SVG (its ``<title>`` becomes the figure's alt
text). The web page gets the same bars one by one, without text, next to HTML labels: text
inside SVG cannot be checked for contrast by accessibility tools, and HTML text reflows on a
phone.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from assessor.scoring import GapAnalysis
from assessor.translation import current_translator
from assessor.translation import gettext as _

WIDTH = 640
LABEL_SIZE = 13
ROW = 46
BAR = 14
BAR_WIDTH = 520
MAX_LABEL_CHARS = 80
TRACK = "#e7ebf0"
FILL = {"overall": "#16324f", "theme": "#2f6690"}
TICKS = (25, 50, 75)


def format_score(value: float | None) -> str:
    """A score as shown to people, in the language of the document (else of the page): one
    decimal with that language's separator ("72.5", "72,5"), or "n/a" when nothing applies."""
    if value is None:
        return _("n/a")
    return current_translator().format_number(value, 1)


def _label(text: str) -> str:
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1].rstrip() + "…"


def _bar(y: float, value: float | None, kind: str) -> str:
    """The track and (if scored) the filled part of one bar, ``BAR_WIDTH`` wide, at ``y``."""
    parts = [f'<rect x="0" y="{y}" width="{BAR_WIDTH}" height="{BAR}" fill="{TRACK}"/>']
    if value is not None:
        width = round(BAR_WIDTH * max(0.0, min(value, 100.0)) / 100, 2)
        parts.append(
            f'<rect class="{kind}" x="0" y="{y}" width="{width}" height="{BAR}"'
            f' fill="{FILL[kind]}"/>'
        )
    return "".join(parts)


def score_bar_svg(value: float | None, *, overall: bool = False) -> Markup:
    """One score's bar (0-100), without text: decorative, for a page that states the score."""
    ticks = "".join(
        f'<line x1="{BAR_WIDTH * t / 100:g}" y1="0" x2="{BAR_WIDTH * t / 100:g}" y2="{BAR}"'
        ' stroke="#ffffff" stroke-width="1.5"/>'
        for t in TICKS
    )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="score-bar" aria-hidden="true"'
        f' focusable="false" viewBox="0 0 {BAR_WIDTH} {BAR}" width="100%" height="{BAR}"'
        f' preserveAspectRatio="none">'
        f"{_bar(0, value, 'overall' if overall else 'theme')}{ticks}</svg>"
    )


def _row(y: int, label: str, value: float | None, kind: str) -> str:
    parts = [
        f'<text class="label" x="0" y="{y + LABEL_SIZE}" font-size="{LABEL_SIZE}"'
        f' fill="#1b2a3a">{escape(_label(label))}</text>',
        _bar(y + 20, value, kind),
    ]
    if value is None:
        parts.append(
            f'<text x="8" y="{y + 31}" font-size="11" fill="#5b6673">not applicable</text>'
        )
    else:
        parts.append(
            f'<text x="{BAR_WIDTH + 10}" y="{y + 32}" font-size="13" font-weight="600"'
            f' fill="#1b2a3a">{format_score(value)}</text>'
        )
    return "".join(parts)


def chart_rows(analysis: GapAnalysis) -> list[tuple[str, float | None, bool]]:
    """The chart's rows: (label, score, is the overall score), overall first, then each theme
    labelled with its code."""
    rows: list[tuple[str, float | None, bool]] = [(_("Overall"), analysis.overall, True)]
    for theme in analysis.themes:
        rows.append((f"{theme.theme.code}. {theme.theme.title}", theme.score, False))
    return rows


def theme_chart_svg(analysis: GapAnalysis, *, element_id: str = "theme-chart") -> Markup:
    """An SVG bar chart of the overall and theme scores (0-100) with its labels, safe to inline.

    Its ``<title>`` states every score, as the chart's alternative text.
    """
    rows = chart_rows(analysis)
    height = ROW * len(rows) + 18
    description = "; ".join(f"{label}: {format_score(value)}" for label, value, _ in rows)
    # The scale: numbers under the last bar, and white ticks across each bar only, so no line
    # ever crosses a label (issue 13: gridlines crossed the theme labels).
    grid = "".join(
        f'<text x="{BAR_WIDTH * t / 100:g}" y="{height - 2}" font-size="10" fill="#5b6673"'
        f' text-anchor="{"start" if t == 0 else "end" if t == 100 else "middle"}">{t}</text>'
        for t in (0, *TICKS, 100)
    )
    ticks = "".join(
        f'<line x1="{BAR_WIDTH * t / 100:g}" y1="{i * ROW + 20}" x2="{BAR_WIDTH * t / 100:g}"'
        f' y2="{i * ROW + 20 + BAR}" stroke="#ffffff" stroke-width="1.2"/>'
        for i in range(len(rows))
        for t in TICKS
    )
    body = (
        "".join(
            _row(i * ROW, label, value, "overall" if overall else "theme")
            for i, (label, value, overall) in enumerate(rows)
        )
        + ticks
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"'
        f' aria-labelledby="{escape(element_id)}-title" viewBox="0 0 {WIDTH} {height}"'
        f' width="100%" preserveAspectRatio="xMinYMin meet"'
        f" font-family=\"Inter, 'Noto Sans', 'DejaVu Sans', sans-serif\">"
        f'<title id="{escape(element_id)}-title">'
        f"{escape('Scores out of 100. ' + description + '.')}</title>"
        f"{grid}{body}</svg>"
    )
    return Markup(svg)
