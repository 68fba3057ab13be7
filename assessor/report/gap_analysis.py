"""The government's gap analysis as a document: summary, action plan, a chapter per theme, and
the annexes (good practices, commitments and where the State stands, methodology).

Every gap is shown once in its theme chapter with its evidence; good practices are printed in
full once, in Annex A, and referred to by a short line elsewhere; "Don't know" and unanswered
criteria are evidence to collect, not gaps; "Fully in place" without evidence is flagged
wherever it is shown. Pure: builds :mod:`assessor.report.model` blocks, renders nothing.
"""

from __future__ import annotations

from datetime import date

from assessor.answers import AnswersFile
from assessor.compare import Comparison
from assessor.plan import ActionPlan, PlanRow, action_plan
from assessor.practices import split_practices
from assessor.report.comparison import ANCHOR as COMPARISON_ANCHOR
from assessor.report.comparison import comparison_section
from assessor.report.content import (
    Anchors,
    commitment_ref,
    commitments_annex,
    contents,
    cover,
    evidence_to_collect,
    longdate,
    methodology_annex,
    practice_ref,
    practices_annex,
    report_document,
    score,
    theme_chart,
    to,
    truncate_words,
    weight,
)
from assessor.report.model import (
    Block,
    Cell,
    Document,
    Facts,
    Group,
    Heading,
    Inline,
    Inlines,
    ItemList,
    LineBreak,
    Link,
    ListItem,
    Meter,
    Paragraph,
    Quote,
    Row,
    Section,
    Table,
    Text,
    cell,
    inlines,
    item,
    para,
)
from assessor.report.review import ANCHOR as REVIEW_ANCHOR
from assessor.report.review import COVER_NOTE as REVIEW_COVER_NOTE
from assessor.report.review import TITLE as REVIEW_TITLE
from assessor.report.review import ReviewComments, review_section
from assessor.scoring import (
    CLAIMED_WITHOUT_EVIDENCE,
    FLAG_LABELS,
    CriterionResult,
    Gap,
    GapAnalysis,
    RecommendationScore,
    ThemeScore,
)
from assessor.translation import N_, current_translator, ngettext
from assessor.translation import gettext as _

KIND = N_("Gap analysis")


def _counts_line(pairs: list[tuple[int, str]]) -> Paragraph:
    parts: list[str | Inline] = []
    for number, label in pairs:
        parts += [Text(str(number), "n"), Text(f" {label}"), Text(" · ", "muted")]
    return para(*parts[:-1], style="counts")


def _summary(analysis: GapAnalysis, answers_file: AnswersFile, plan: ActionPlan) -> Section:
    info = answers_file.assessment
    counts = analysis.counts
    checklist = analysis.checklist
    n_recs = len(checklist.recommendations)
    collect = (
        " "
        + _(
            "%(count)s more, answered “Don't know” or not at all, are listed as evidence to "
            "collect.",
            count=counts.to_collect,
        )
        if counts.to_collect
        else ""
    )
    met = _(
        "fully in place (%(count)s %(claimed)s)",
        count=counts.claimed_without_evidence,
        claimed=_(CLAIMED_WITHOUT_EVIDENCE).lower(),
    )
    blocks: list[Block] = [
        Heading(1, _("Summary"), kicker=_(KIND)),
        para(
            Text(info.organisation, "user"),
            " "
            + _(
                "assessed how far %(country)s has put in place the %(recs)s recommendations of "
                "“%(checklist)s”, answering %(answered)s of its %(total)s criteria. This gap "
                "analysis scores each theme and ranks the %(gaps)s gaps found by priority.",
                country=info.country,
                recs=n_recs,
                checklist=checklist.title,
                answered=counts.answered,
                total=counts.total,
                gaps=counts.gaps,
            )
            + collect,
            style="lead",
        ),
        Group(
            (
                para(Text(score(analysis.overall), "big"), Text(" " + _("/ 100 overall"), "of")),
                para(
                    _(
                        "Scores run from 0 (nothing in place) to 100 (everything fully in "
                        "place); criteria marked not applicable are left out. See"
                    )
                    + " ",
                    Link(_("Annex C"), "#methodology"),
                    ".",
                    style="small muted",
                ),
            ),
            style="overall",
        ),
        Heading(2, _("Answers")),
        _counts_line(
            [
                (counts.answered, _("of %(total)s criteria answered", total=counts.total)),
                (
                    counts.met,
                    met if counts.claimed_without_evidence else _("fully in place"),
                ),
                (counts.gaps, _("gaps")),
                (counts.not_applicable, _("not applicable")),
                (counts.unknown, _("don't know")),
                (counts.unanswered, _("unanswered")),
            ]
        ),
        Heading(2, _("Scores by theme")),
        theme_chart(analysis),
    ]
    top = analysis.top_gaps
    if top:
        blocks.append(
            Group(
                (
                    Heading(2, _("Top priority gaps")),
                    para(
                        _(
                            "The %(count)s gaps with the highest priority, at most one per "
                            "recommendation. Each leads to its evidence, the good practices that "
                            "show what closing it can look like, and the commitments behind it.",
                            count=len(top),
                        )
                    ),
                ),
                style="keep",
            )
        )
        blocks.append(ItemList(tuple(_top_gap(gap) for gap in top), ordered=True, style="top-gaps"))
    else:
        blocks += [
            Heading(2, _("Top priority gaps")),
            para(_("No gaps: every criterion that applies is fully in place.")),
        ]
    blocks += evidence_to_collect(analysis)
    claimed = [c for c in analysis.criteria if c.claimed_without_evidence]
    if claimed:
        blocks += [
            Heading(2, _(CLAIMED_WITHOUT_EVIDENCE)),
            para(
                _(
                    "Answered fully in place with no evidence given. They count as met; the "
                    "evidence behind them is worth recording."
                ),
                style="small muted",
            ),
            ItemList(
                tuple(
                    item(
                        Link(c.criterion.code, to(Anchors.crit(c.criterion))),
                        f" {c.criterion.text}",
                    )
                    for c in claimed
                ),
                style="claimed",
            ),
        ]
    if analysis.gaps:
        blocks += [
            Heading(2, _("All gaps by priority")),
            para(
                _(
                    "Ranked by priority: recommendation weight × criterion weight × shortfall "
                    "(how far the answer is from fully in place); ties go to the theme with the "
                    "lowest score, then checklist order. Each code leads to the criterion's "
                    "evidence and what good practice looks like."
                ),
                style="small muted",
            ),
            Table(
                (_("Rank"), _("Criterion"), _("Answer"), _("Rec.")),
                tuple(
                    Row(
                        (
                            cell(str(gap.rank), style="n"),
                            cell(
                                Link(gap.criterion.code, to(Anchors.crit(gap.criterion))),
                                f" {truncate_words(gap.criterion.text, 82)}",
                            ),
                            cell(_(gap.level_label)),
                            cell(
                                Link(gap.recommendation.code, to(Anchors.rec(gap.recommendation)))
                            ),
                        )
                    )
                    for gap in analysis.gaps
                ),
                style="ranking",
                widths=(8, 62, 18, 12),
            ),
        ]
    blocks += _plan_note(analysis, plan)
    return Section(tuple(blocks), anchor="summary", running=_("Summary"))


def _top_gap(gap: Gap) -> ListItem:
    crit, rec = gap.criterion, gap.recommendation
    return ListItem(
        (
            para(crit.text, style="ask-text"),
            para(
                _(
                    "Now: %(level)s · rank %(rank)s, priority %(priority)s · recommendation",
                    level=_(gap.level_label),
                    rank=gap.rank,
                    priority=current_translator().format_number(float(gap.priority), 2),
                )
                + " ",
                Link(rec.code, to(Anchors.rec(rec))),
                " · " + _("details at") + " ",
                Link(crit.code, to(Anchors.crit(crit))),
                style="small",
            ),
        )
    )


def _plan_note(analysis: GapAnalysis, plan: ActionPlan) -> list[Block]:
    """Without any action, a short note at the end of the summary (no chapter for a sentence)."""
    if plan.has_actions:
        return []
    if not plan.rows:
        text = _("No gaps, so no actions are needed.")
    else:
        text = ngettext(
            "No actions have been planned for the %(num)d gap yet. Record what will be done, by "
            "whom and by when on the assessment's Action plan page in Assessor, and this report "
            "will list the plan here.",
            "No actions have been planned for the %(num)d gaps yet. Record what will be done, by "
            "whom and by when on the assessment's Action plan page in Assessor, and this report "
            "will list the plan here.",
            plan.counts.gaps,
        )
    return [
        Group((Heading(2, _("Action plan")), para(text)), style="plan-note", anchor="action-plan")
    ]


def _plan_chapter(analysis: GapAnalysis, plan: ActionPlan) -> Section:
    pc = plan.counts
    ranked = len(analysis.gaps)
    to_collect = len(analysis.evidence_to_collect)
    if to_collect:
        lead = ngettext(
            "The %(num)d gap in priority order",
            "The %(num)d gaps in priority order",
            ranked,
        ) + ngettext(
            ", then the %(num)d criterion with evidence to collect",
            ", then the %(num)d criteria with evidence to collect",
            to_collect,
        )
    else:
        lead = ngettext(
            "The %(num)d gap in priority order", "The %(num)d gaps in priority order", ranked
        )
    items = tuple(_plan_item(row) for row in plan.rows)
    return Section(
        (
            Heading(1, _("Action plan"), kicker=_(KIND)),
            para(
                lead
                + _(
                    ", each with what will be done, by whom and by when. Those without an action "
                    "are listed too: they are what is still unplanned."
                ),
                style="lead",
            ),
            _counts_line(
                [
                    (pc.with_action, _("of %(total)s with an action", total=pc.gaps)),
                    (pc.without_action, _("without")),
                    (pc.overdue, _("overdue on %(date)s", date=longdate(plan.today))),
                    (pc.in_progress, _("in progress")),
                    (pc.done, _("done")),
                ]
            ),
            ItemList(items, ordered=True, style="plan-list"),
        ),
        anchor="action-plan",
        style="plan",
        running=_("Action plan"),
    )


def _plan_item(row: PlanRow) -> ListItem:
    act = row.action
    crit = row.criterion
    head: list[str | Inline] = [
        Text(f"{row.rank}.", "rank"),
        " ",
        Link(crit.code, to(Anchors.crit(crit)), "code"),
        f" {truncate_words(crit.text, 140)}",
    ]
    if not act:
        head += [" ", Text(_("No action yet"), "badge none")]
        return ListItem(
            (para(*head, style="plan-gap"),), anchor=Anchors.plan(crit), style="plan-item none"
        )
    blocks: list[Block] = [para(*head, style="plan-gap")]
    if act.action.strip():
        blocks.append(para(Text(act.action.strip(), "user"), style="plan-action"))
    else:
        blocks.append(para(_("No description of the action."), style="plan-action none"))
    due: list[str | Inline] = [longdate(act.due) if act.due else _("not set")]
    if row.overdue:
        due += [" ", Text(_("Overdue"), "badge overdue")]
    target = _(row.target_level_label) if row.target_level_label else _("not set")
    pairs: list[tuple[str, Inlines]] = [
        (_("Owner"), inlines(Text(act.owner, "user") if act.owner.strip() else _("not set"))),
        (_("Due"), inlines(*due)),
        (
            _("Target"),
            inlines(
                f"{target} ",
                Text(
                    "(" + _("now %(level)s", level=_(row.current_level_label).lower()) + ")",
                    "muted",
                ),
            ),
        ),
        (_("Status"), inlines(_(row.status_label))),
    ]
    if act.budget.strip():
        pairs.append((_("Budget"), inlines(Text(act.budget, "user"))))
    blocks.append(Facts(tuple(pairs), style="plan-meta", inline=True))
    state = " overdue" if row.overdue else (" done" if act.status == "done" else "")
    return ListItem(tuple(blocks), anchor=Anchors.plan(crit), style=f"plan-item{state}")


def _criterion_row(
    cr: CriterionResult, gap: Gap | None, row: PlanRow | None, plan: ActionPlan
) -> Row:
    crit = cr.criterion
    main: list[Block] = [para(Text(crit.code, "num"), " ", crit.text, style="crit-text")]
    if cr.evidence.strip():
        main.append(
            para(
                Text(_("Evidence:") + " ", "label"),
                Text(cr.evidence.strip(), "user"),
                style="evidence",
            )
        )
    if crit.weight != 1:
        main.append(
            para(
                _("Weight %(weight)s:", weight=weight(crit.weight)),
                " ",
                crit.weight_reason or "",
                style="muted small",
            )
        )
    if row and row.action:
        act = row.action
        parts: list[str | Inline] = [
            Text(_("Action"), "label"),
            Link(" (" + _("plan") + ")", to(Anchors.plan(crit)), "small"),
            Text(": ", "label"),
        ]
        parts.append(
            Text(act.action.strip(), "user")
            if act.action.strip()
            else Text(_("no description"), "muted")
        )
        main.append(para(*parts, style="crit-action"))
        meta: list[str | Inline] = [_("Status: %(status)s", status=_(row.status_label))]
        if act.owner.strip():
            meta += [" · ", Text(act.owner, "user")]
        if act.due:
            meta.append(" · " + _("due %(date)s", date=longdate(act.due)))
        if row.overdue:
            meta += [" ", Text(_("Overdue"), "badge overdue")]
        if row.target_level_label:
            meta.append(" · " + _("target %(level)s", level=_(row.target_level_label).lower()))
        main.append(para(*meta, style="crit-action meta"))
    elif row and plan.has_actions:
        main.append(
            para(
                Link(_("No action yet"), to(Anchors.plan(crit))),
                " " + _("in the action plan."),
                style="crit-action none",
            )
        )
    answer: list[str | Inline] = [
        Text(_(cr.level_label), "badge met" if cr.status == "met" else "badge")
    ]
    if gap:
        answer += [LineBreak(), Text(_("Gap, rank %(rank)s", rank=gap.rank), "rank")]
    if cr.to_collect:
        label = (
            _(FLAG_LABELS[cr.flag]) if cr.flag == "evidence_needed" else _("Evidence to collect")
        )
        answer += [LineBreak(), Link(label, to(Anchors.collect(crit)), "flag")]
    if cr.claimed_without_evidence:
        answer += [LineBreak(), Text(_(CLAIMED_WITHOUT_EVIDENCE), "flag")]
    elif not cr.evidence.strip():
        answer += [LineBreak(), Text(_("No evidence given"), "evidence none")]
    style = f"criterion {cr.status}" + (" to-collect" if cr.to_collect else "")
    return Row(
        (Cell(tuple(main)), Cell((para(*answer),), style="answer")),
        anchor=Anchors.crit(crit),
        style=style,
    )


def _practice_box(rs: RecommendationScore, country: str) -> Group:
    rec = rs.recommendation
    elsewhere, at_home = split_practices(rs.good_practices, country)
    blocks: list[Block] = [Heading(3, _("What good practice looks like"))]
    if elsewhere:
        gaps: list[str | Inline] = []
        for index, cr in enumerate(rs.gaps):
            if index:
                gaps.append(", ")
            gaps.append(Link(cr.criterion.code, to(Anchors.crit(cr.criterion))))
        blocks.append(
            para(
                _(
                    "Linked by the checklist to recommendation %(code)s, these show what closing",
                    code=rec.code,
                )
                + " ",
                *gaps,
                " " + _("has looked like elsewhere (each in full in Annex A):"),
                style="for",
            )
        )
        blocks.append(
            ItemList(
                tuple(ListItem((Paragraph(tuple(practice_ref(gp))),)) for gp in elsewhere),
                style="gp-refs",
            )
        )
    elif not at_home:
        blocks.append(
            para(
                _("The checklist links no good practice to this recommendation."),
                style="none-linked",
            )
        )
    else:
        blocks.append(
            para(
                _("The checklist links no practice from another country to this recommendation."),
                style="none-linked",
            )
        )
    if at_home:
        parts: list[str | Inline] = [Text(_("Already in your country:"), "label"), " "]
        for index, gp in enumerate(at_home):
            if index:
                parts.append("; ")
            parts += [Link(gp.code, to(Anchors.practice(gp))), f" {gp.title}"]
        parts.append(
            ". "
            + _(
                "Presented in the source as %(country)s's own practice, so not given here as the "
                "model for its own gap.",
                country=country,
            )
        )
        blocks.append(para(*parts, style="at-home"))
    refs: list[str | Inline] = [Text(_("Commitments behind it:"), "label"), " "]
    if rs.commitments:
        for index, c in enumerate(rs.commitments):
            if index:
                refs.append("; ")
            refs += [
                Link(c.code, to(Anchors.commitment(c))),
                f" {commitment_ref(c)}",
            ]
        refs.append(".")
    else:
        refs.append(Text(_("none linked by the checklist."), "none-linked"))
    blocks.append(para(*refs, style="commitment-refs"))
    return Group(tuple(blocks), style="practice-box")


def _theme_chapter(
    ts: ThemeScore, analysis: GapAnalysis, plan: ActionPlan, country: str
) -> Section:
    theme = ts.theme
    gap_by_crit = {gap.criterion.id: gap for gap in analysis.gaps}
    plan_by_crit = {row.criterion.id: row for row in plan.rows}
    head: list[str | Inline] = [_("Theme score") + " ", Text(score(ts.score), "strong"), " / 100"]
    if ts.score is not None:
        head.append(Meter(ts.score))
    recs = ngettext("%(num)d recommendation", "%(num)d recommendations", len(ts.recommendations))
    head.append(Text(f" · {recs}", "muted small"))
    blocks: list[Block] = [
        Heading(1, theme.title, kicker=_("Theme %(code)s", code=theme.code)),
        para(*head, style="theme-score"),
    ]
    for rs in ts.recommendations:
        rec = rs.recommendation
        if rs.score is None:
            meta = _(
                "Not applicable: every criterion of this recommendation is marked not "
                "applicable, so it has no score and is left out of the theme score."
            )
        else:
            meta = (
                _("Score %(score)s / 100", score=score(rs.score))
                + " · "
                + ngettext("%(num)d criterion", "%(num)d criteria", len(rs.criteria))
                + ", "
                + ngettext("%(num)d gap", "%(num)d gaps", len(rs.gaps))
            )
            if rs.to_collect:
                meta += ", " + _("%(count)s to collect", count=len(rs.to_collect))
            if rec.weight != 1:
                meta += " · " + _("weight %(weight)s:", weight=weight(rec.weight))
                meta += f" {rec.weight_reason}"
        rec_blocks: list[Block] = [
            Group(
                (
                    Heading(2, _("Recommendation %(code)s", code=rec.code)),
                    Quote(rec.text, style="rec-text"),
                    para(meta, style="rec-meta"),
                ),
                style="rec-head",
            ),
            Table(
                (),
                tuple(
                    _criterion_row(
                        cr,
                        gap_by_crit.get(cr.criterion.id),
                        plan_by_crit.get(cr.criterion.id),
                        plan,
                    )
                    for cr in rs.criteria
                ),
                style="criteria",
                widths=(78, 22),
            ),
        ]
        if rs.gaps:
            rec_blocks.append(_practice_box(rs, country))
        blocks.append(Group(tuple(rec_blocks), style="rec", anchor=Anchors.rec(rec)))
    return Section(
        tuple(blocks),
        anchor=Anchors.theme(theme),
        style="theme",
        running=_("Theme %(code)s", code=theme.code) + f" · {theme.title}",
    )


def build_gap_analysis(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    *,
    generated_on: date,
    generator: str,
    comparison: Comparison | None = None,
    review: ReviewComments | None = None,
) -> Document:
    """The gap analysis of an assessment as a document; with ``comparison``, a chapter setting
    it beside the other assessment, after the action plan; with ``review`` (the internal-review
    edition), a chapter of the comments made on it, after the theme chapters, and a cover that
    says the edition is not for circulation."""
    checklist = analysis.checklist
    info = answers_file.assessment
    # Overdue as of the date printed on the report (part of its cache key).
    plan = action_plan(analysis, answers_file.actions, generated_on)
    n_recs = len(checklist.recommendations)
    entries: list[tuple[str, str, str]] = [
        ("summary", _("Summary"), "part"),
        ("action-plan", _("Action plan"), "part" if plan.has_actions else "sub"),
    ]
    if comparison is not None:
        entries.append((COMPARISON_ANCHOR, comparison.heading, "part"))
    for ts in analysis.themes:
        entries.append((Anchors.theme(ts.theme), f"{ts.theme.code}. {ts.theme.title}", "part"))
        for rs in ts.recommendations:
            rec = rs.recommendation
            entries.append((Anchors.rec(rec), f"{rec.code} {truncate_words(rec.text, 78)}", "sub"))
    if review is not None:
        entries.append((REVIEW_ANCHOR, _(REVIEW_TITLE), "part"))
    entries += [
        ("practices", _("Annex A. Good practices"), "part"),
        ("commitments", _("Annex B. Commitments and where the State stands"), "part"),
        ("methodology", _("Annex C. Methodology"), "part"),
    ]
    sections: list[Section] = [
        cover(
            answers_file,
            checklist,
            kind=_(KIND),
            title=info.title,
            subtitle=_(
                "%(country)s: where policy stands against %(recs)s recommendations",
                country=info.country,
                recs=n_recs,
            ),
            generated_on=generated_on,
            methods=_("Annex C"),
            headline=() if review is None else (para(_(REVIEW_COVER_NOTE), style="edition-note"),),
        ),
        contents(entries),
        _summary(analysis, answers_file, plan),
    ]
    if plan.has_actions:
        sections.append(_plan_chapter(analysis, plan))
    if comparison is not None:
        sections.append(comparison_section(comparison, kicker=_(KIND)))
    sections += [_theme_chapter(ts, analysis, plan, info.country) for ts in analysis.themes]
    if review is not None:
        sections.append(review_section(checklist, review, kicker=_(KIND)))
    sections += [
        practices_annex(
            checklist,
            checklist.good_practices,
            kicker=_("Annex A"),
            intro=_(
                "The good practices presented in the source, summarised, with the country, the "
                "actor and where in the source they were presented. Each lists the "
                "recommendations it illustrates; this is the only place their text is printed, "
                "and the theme chapters refer to it."
            ),
        ),
        commitments_annex(analysis, kicker=_("Annex B"), kind=_(KIND)),
        methodology_annex(
            analysis,
            answers_file,
            kicker=_("Annex C"),
            kind=_(KIND),
            generated_on=generated_on,
            generator=generator,
        ),
    ]
    return report_document(
        _(KIND),
        answers_file,
        checklist,
        sections,
        generated_on=generated_on,
        generator=generator,
        preposition=_("of"),
    )
