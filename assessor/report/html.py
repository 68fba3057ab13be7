"""The report as HTML: a gap analysis rendered through the report's own Jinja templates.

Every value a user typed (titles, organisation, evidence) is escaped by Jinja's autoescape; the
checklist's own text is escaped too. The HTML refers to nothing but ``report.css`` (passed
separately) and has no external resources.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from typing import Any

import jinja2

from assessor.answers import RESPONDENTS, Answer, AnswersFile
from assessor.checklist import (
    Checklist,
    Commitment,
    Criterion,
    GoodPractice,
    Recommendation,
    Theme,
)
from assessor.commitments_view import commitment_standing
from assessor.levels import LEVELS, label_of
from assessor.plan import action_plan, status_label
from assessor.practices import split_practices
from assessor.report import AUDIENCES, DEFAULT_AUDIENCE, audience_for
from assessor.report.chart import format_score, theme_chart_svg
from assessor.scoring import (
    CLAIMED_WITHOUT_EVIDENCE,
    FLAG_LABELS,
    GapAnalysis,
    criterion_points,
)
from assessor.text import breakable

_INDENT = re.compile(r"\n[ \t]+")


class Anchors:
    """Fragment ids of the report's targets, prefixed by kind so they never collide."""

    @staticmethod
    def theme(theme: Theme) -> str:
        """The anchor of a theme's chapter."""
        return f"theme-{theme.id}"

    @staticmethod
    def rec(rec: Recommendation) -> str:
        """The anchor of a recommendation's section."""
        return f"rec-{rec.id}"

    @staticmethod
    def crit(crit: Criterion) -> str:
        """The anchor of a criterion's answer."""
        return f"crit-{crit.id}"

    @staticmethod
    def plan(crit: Criterion) -> str:
        """The anchor of a gap's entry in the action plan chapter."""
        return f"plan-{crit.id}"

    @staticmethod
    def practice(practice: GoodPractice) -> str:
        """The anchor of a good practice in Annex A."""
        return f"practice-{practice.id}"

    @staticmethod
    def collect(crit: Criterion) -> str:
        """The anchor of a criterion's entry in the summary's evidence to collect."""
        return f"collect-{crit.id}"

    @staticmethod
    def commitment(commitment: Commitment) -> str:
        """The anchor of a commitment provision in Annex B."""
        return f"commitment-{commitment.id}"


@dataclass(frozen=True)
class Words:
    """What differs between audiences: the wording, never the facts."""

    kind: str
    summary_title: str
    cover_subtitle: str
    lead: str
    top_title: str
    top_intro: str
    all_title: str
    no_gaps: str


def words_for(audience: str, analysis: GapAnalysis, answers_file: AnswersFile) -> Words:
    """The wording of the report for an audience ("government" or "ngo")."""
    info = answers_file.assessment
    checklist = analysis.checklist
    counts = analysis.counts
    n_recs = len(checklist.recommendations)
    top = len(analysis.top_gaps)
    answered = f"answering {counts.answered} of its {counts.total} criteria"
    collect = (
        f" {counts.to_collect} more, answered “Don't know” or not at all, are listed as "
        "evidence to collect."
        if counts.to_collect
        else ""
    )
    if audience == "ngo":
        return Words(
            kind=audience_for("ngo").kind,
            summary_title="Summary and asks",
            cover_subtitle=f"What we ask of the authorities of {info.country}",
            lead=(
                f"{info.organisation} assessed how far the authorities of {info.country} have put "
                f"in place the {n_recs} recommendations of “{checklist.title}”, {answered}. "
                f"{counts.gaps} criteria are not fully in place.{collect} This brief sets out "
                "what we ask "
                "of the authorities, on the evidence given in the chapters that follow."
            ),
            top_title="Our asks to the authorities",
            top_intro=(
                f"Our {top} most pressing asks, in order of priority, at most one per "
                "recommendation. Each leads to the evidence and to what good practice looks like "
                "elsewhere."
            ),
            all_title="Every gap behind our asks, by priority",
            no_gaps=(
                "Every criterion that applies is reported as fully in place: we ask the "
                "authorities to keep it so, and to publish the evidence."
            ),
        )
    if audience != "government":
        raise ValueError(f"unknown audience {audience!r}; expected one of {', '.join(AUDIENCES)}")
    return Words(
        kind=audience_for("government").kind,
        summary_title="Summary",
        cover_subtitle=f"{info.country}: where policy stands against {n_recs} recommendations",
        lead=(
            f"{info.organisation} assessed how far {info.country} has put in place the {n_recs} "
            f"recommendations of “{checklist.title}”, {answered}. This gap analysis scores "
            f"each theme and ranks the {counts.gaps} gaps found by priority.{collect}"
        ),
        top_title="Top priority gaps",
        top_intro=(
            f"The {top} gaps with the highest priority. Each leads to its evidence, the good "
            "practices that show what closing it can look like, and the commitments behind it."
        ),
        all_title="All gaps by priority",
        no_gaps="No gaps: every criterion that applies is fully in place.",
    )


def _truncate_words(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


def _points(value: Fraction | None) -> str:
    if value is None:
        return "left out"
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def _weight(value: float) -> str:
    return f"{value:g}"


def _priority(value: Fraction) -> str:
    return f"{float(value):.2f}"


def _longdate(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The report's Jinja environment (autoescaping, strict), separate from the web app's."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("assessor.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        score=format_score,
        points=_points,
        weight=_weight,
        priority=_priority,
        longdate=_longdate,
        truncate_words=_truncate_words,
        breakable=breakable,
        level_label=label_of,
        status_label=status_label,
    )
    return env


def _links(checklist: Checklist, attr: str) -> dict[str, list[Recommendation]]:
    links: dict[str, list[Recommendation]] = {}
    for rec in checklist.recommendations:
        for item_id in getattr(rec, attr):
            links.setdefault(item_id, []).append(rec)
    return links


def report_context(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    *,
    audience: str,
    generated_on: date,
    generator: str,
) -> Mapping[str, Any]:
    """Everything the report templates need."""
    checklist = analysis.checklist
    weighted: list[tuple[str, str, Any]] = []
    for rec in checklist.recommendations:
        if rec.weight != 1:
            weighted.append(("Recommendation", rec.code, rec))
        for crit in rec.criteria:
            if crit.weight != 1:
                weighted.append(("Criterion", crit.code, crit))
    words = words_for(audience, analysis, answers_file)
    practice_recs = _links(checklist, "good_practice_ids")
    # Overdue as of the date printed on the report (part of its cache key).
    plan = action_plan(analysis, answers_file.actions, generated_on)
    commitment_recs = _links(checklist, "commitment_ids")
    return {
        "analysis": analysis,
        "checklist": checklist,
        "info": answers_file.assessment,
        "answers_version": answers_file.checklist_version,
        "respondent": dict(RESPONDENTS).get(answers_file.assessment.respondent, ""),
        "audience": audience,
        "words": words,
        "doc_title": f"{words.kind}: {answers_file.assessment.title}",
        "generated_on": generated_on,
        "generator": generator,
        "anchor": Anchors,
        "gap_by_crit": {gap.criterion.id: gap for gap in analysis.gaps},
        "plan": plan,
        "plan_by_crit": {row.criterion.id: row for row in plan.rows},
        "top_gaps": analysis.top_gaps,
        "flag_labels": FLAG_LABELS,
        "claimed": [c for c in analysis.criteria if c.claimed_without_evidence],
        "claimed_label": CLAIMED_WITHOUT_EVIDENCE,
        "split_practices": lambda practices: split_practices(
            practices, answers_file.assessment.country
        ),
        "levels": [(level, criterion_points(Answer(level.key))) for level in LEVELS],
        "weighted": weighted,
        "practice_recs": {p.id: practice_recs.get(p.id, []) for p in checklist.good_practices},
        "commitment_recs": commitment_recs,
        "commitment_standing": commitment_standing(analysis),
        "uncited_commitments": sum(1 for c in checklist.commitments if c.id not in commitment_recs),
        "chart": theme_chart_svg(analysis),
    }


def render_html(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    *,
    audience: str = DEFAULT_AUDIENCE,
    generated_on: date,
    generator: str = "Assessor",
) -> str:
    """The report's HTML for an audience; the same facts whatever the audience."""
    if answers_file.checklist_id != analysis.checklist.id:
        raise ValueError(
            f"the answers are for checklist {answers_file.checklist_id!r}, "
            f"the analysis for {analysis.checklist.id!r}"
        )
    context = report_context(
        analysis, answers_file, audience=audience, generated_on=generated_on, generator=generator
    )
    html = environment().get_template("report.html").render(context)
    # Drop the templates' indentation: less to parse, and no change to what is shown, since no
    # element of the report preserves spaces (white-space is normal or pre-line everywhere).
    return _INDENT.sub("\n", html)
