"""A comparison as a report chapter: progress since a baseline, or where two views differ.

The same content as the app's comparison page, from the same :class:`assessor.compare.Comparison`:
both sides named, the overall and theme scores side by side with the change (a chart, and the
same numbers as a table), the criteria counted by change, then the criteria that changed or
differ most, furthest apart first, with both sides' level and evidence. Pure: builds
:mod:`assessor.report.model` blocks.
"""

from __future__ import annotations

from assessor.compare import Comparison, CriterionChange
from assessor.report.chart import format_score
from assessor.report.comparison_chart import chart_label, comparison_chart_svg, format_delta
from assessor.report.content import Anchors, to, truncate_words
from assessor.report.model import (
    Block,
    Cell,
    Figure,
    Heading,
    Inline,
    LineBreak,
    Link,
    Row,
    Section,
    Table,
    Text,
    cell,
    para,
)
from assessor.translation import gettext as _

ANCHOR = "comparison"
#: How much of each side's evidence a criterion's row quotes.
EVIDENCE_CHARS = 240


def _side_cell(label: str, evidence: str) -> Cell:
    parts: list[str | Inline] = [Text(label, "strong")]
    if evidence.strip():
        parts += [LineBreak(), Text(truncate_words(evidence.strip(), EVIDENCE_CHARS), "user")]
    return cell(*parts)


def _criterion_row(row: CriterionChange, comparison: Comparison, linked: bool) -> Row:
    crit = row.criterion
    code: Inline = Link(crit.code, to(Anchors.crit(crit))) if linked else Text(crit.code, "num")
    return Row(
        (
            cell(code, f" {crit.text}"),
            _side_cell(row.baseline_label, row.baseline_evidence),
            _side_cell(row.current_label, row.current_evidence),
            cell(comparison.change_label(row.change)),
        )
    )


def comparison_section(
    comparison: Comparison, *, kicker: str, role: str = "main", linked: bool = True
) -> Section:
    """The chapter (``role`` "main") or annex ("annex") setting the two sides side by side.
    ``linked``: criterion codes link to their place in the document (the gap analysis)."""
    base, cur = comparison.baseline, comparison.current
    rows = [comparison.overall, *comparison.themes]
    scores = Table(
        ("", base.info.title, cur.info.title, _("Change")),
        tuple(
            Row(
                (
                    cell(chart_label(r)),
                    cell(format_score(r.baseline)),
                    cell(format_score(r.current)),
                    cell(format_delta(r.delta)),
                )
            )
            for r in rows
        ),
        style="comparison-scores",
        widths=(46, 18, 18, 18),
    )
    svg = str(comparison_chart_svg(comparison, element_id="comparison-chart-report"))
    changed = comparison.most_different
    blocks: list[Block] = [
        Heading(1, comparison.heading, kicker=kicker, anchor=f"{ANCHOR}-title"),
        para(
            _("This assessment,") + " ",
            Text(cur.name, "user"),
            ", " + _("set beside") + " ",
            Text(base.name, "user"),
            " "
            + _(
                "(checklist version %(base)s and %(current)s). Every difference is this "
                "assessment minus the other; each side is scored on its own, as its own report "
                "shows it.",
                base=base.checklist_version,
                current=cur.checklist_version,
            ),
            style="lead",
        ),
        para(
            Text(
                _("Overall: %(score)s", score=format_score(comparison.overall.baseline)), "strong"
            ),
            " "
            + _(
                "then %(score)s / 100 (%(delta)s). Criteria: %(summary)s.",
                score=format_score(comparison.overall.current),
                delta=format_delta(comparison.overall.delta),
                summary=comparison.summary,
            ),
        ),
        Figure(svg, alt=_("Scores of both assessments by theme, out of 100"), fallback=scores),
    ]
    if changed:
        blocks += [
            Heading(
                2,
                _("What changed, furthest apart first")
                if comparison.same_organisation
                else _("Where the answers differ, furthest apart first"),
            ),
            Table(
                (_("Criterion"), base.info.title, cur.info.title, _("Change")),
                tuple(_criterion_row(row, comparison, linked) for row in changed),
                style="comparison-criteria",
                widths=(34, 27, 27, 12),
            ),
        ]
    else:
        blocks.append(para(_("Every criterion is answered the same on both sides.")))
    return Section(
        tuple(blocks),
        anchor=ANCHOR,
        role="main" if role == "main" else "annex",
        running=f"{kicker} · {comparison.heading}" if kicker else comparison.heading,
    )


def other_view(comparison: Comparison, criterion_id: str) -> list[str | Inline] | None:
    """What the other side says of a criterion, for the brief's asks when two organisations
    differ: "Ministry of Interior's self-assessment: Fully in place: <evidence>"; ``None``
    when they answered it the same (or it is progress over time)."""
    if comparison.same_organisation:
        return None
    for row in comparison.criteria:
        if row.criterion.id == criterion_id and row.change not in ("same", "added"):
            parts: list[str | Inline] = [
                Text(
                    _("%(organisation)s says:", organisation=comparison.baseline.info.organisation)
                    + " ",
                    "label",
                ),
                Text(row.baseline_label, "strong"),
            ]
            if row.baseline_evidence.strip():
                parts += [
                    " — ",
                    Text(truncate_words(row.baseline_evidence.strip(), EVIDENCE_CHARS), "user"),
                ]
            return parts
    return None
