"""The NGO's advocacy brief as a document: a few pages in the shape civil society uses for
briefs and shadow reports (UPR and treaty-body submissions).

Main part: a cover with a one-sentence headline; the **key asks**, each with the authority it
addresses and by when, the evidence that shows the gap, a good practice from another country
that shows it can be done, and the OSCE commitment behind it, quoted; the **findings**, short
numbered paragraphs theme by theme. Annexes: the **status matrix** (one row per
recommendation: the organisation's assessment of its implementation and the commitments
behind it), the commitments and where the State stands (compact: the asks quote them), the good
practices the asks cite (in full, once) and a short note on method.

The asks are the ones the organisation saved with its assessment; without any, the drafts
:func:`assessor.asks.suggest_asks` makes from the top gaps (never from "Don't know"). Pure:
builds :mod:`assessor.report.model` blocks, renders nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from assessor.answers import AnswersFile
from assessor.asks import Ask, suggest_asks
from assessor.checklist import Commitment, GoodPractice
from assessor.checklist_translation import rewritten
from assessor.compare import Comparison
from assessor.levels import FULL, LEVELS, NOT_IN_PLACE, PARTIAL, PLANNED, label_of
from assessor.practices import split_practices
from assessor.report.comparison import comparison_section, other_view
from assessor.report.content import (
    Anchors,
    checklist_version_line,
    commitment_ref,
    commitments_annex,
    cover,
    longdate,
    practice_ref,
    practices_annex,
    report_document,
    score,
    to,
    truncate_words,
)
from assessor.report.model import (
    Block,
    Cell,
    Document,
    Group,
    Heading,
    Inline,
    ItemList,
    Link,
    ListItem,
    Paragraph,
    Quote,
    Row,
    Section,
    Table,
    Text,
    cell,
    para,
)
from assessor.scoring import CriterionResult, GapAnalysis, RecommendationScore
from assessor.translation import N_, ngettext
from assessor.translation import gettext as _

KIND = N_("Advocacy brief")
#: UPR submissions by stakeholders: words allowed for one organisation and for a joint one.
UPR_WORDS_SINGLE = 2815
UPR_WORDS_JOINT = 5630
#: How much of the evidence typed for a criterion an ask quotes.
EVIDENCE_CHARS = 320
#: How much of the evidence for a recommendation's most telling gap a finding quotes.
FINDING_EVIDENCE_CHARS = 200
#: How many good practices and quoted commitments an ask shows at most.
PRACTICES_PER_ASK = 1
COMMITMENTS_PER_ASK = 1


def brief_asks(analysis: GapAnalysis, answers_file: AnswersFile, today: date) -> tuple[Ask, ...]:
    """The asks the brief presents: those saved with the assessment, else the suggestions."""
    if answers_file.asks:
        return answers_file.asks
    return suggest_asks(analysis, answers_file.actions, answers_file.assessment.country, today)


def implementation_status(rs: RecommendationScore) -> str:
    """The organisation's assessment of a recommendation's implementation, in the words of a
    status matrix: implemented (a score of 100), not implemented (no criterion partially or
    fully in place), partially implemented (anything between), not applicable (with "evidence
    incomplete" where criteria are still to collect)."""
    if rs.score is None:
        return _("Not applicable")
    if rs.score >= 100:
        status = _("Implemented")
    elif not any(c.level in (PARTIAL.key, FULL.key) for c in rs.criteria):
        status = _("Not implemented")  # nothing in place: at most planned
    else:
        status = _("Partially implemented")
    if rs.to_collect:
        status += "; " + _("evidence incomplete")
    return status


def _headline(analysis: GapAnalysis, answers_file: AnswersFile, asks: Sequence[Ask]) -> str:
    counts = analysis.counts
    country = answers_file.assessment.country or _("The State")
    applicable = counts.total - counts.not_applicable
    return ngettext(
        "%(country)s has fully put in place %(met)s of the %(applicable)s good-practice criteria "
        "on migrant integration that apply, set by the OSCE/ODIHR's recommendations; the "
        "%(num)d step below would close the most pressing gaps.",
        "%(country)s has fully put in place %(met)s of the %(applicable)s good-practice criteria "
        "on migrant integration that apply, set by the OSCE/ODIHR's recommendations; the "
        "%(num)d steps below would close the most pressing gaps.",
        len(asks),
        country=country,
        met=counts.met,
        applicable=applicable,
    )


def quotation(text: str) -> str:
    """A provision quoted on its own: verbatim, without the ";" or "," that joined it to the
    next item of its list in the source (a translation stays one, see
    :func:`~assessor.checklist_translation.rewritten`)."""
    return rewritten(text, lambda value: value.strip().rstrip(";,").rstrip())


def _clause(text: str) -> str:
    """A criterion's text to go inside a sentence: without its final full stop."""
    return text.strip().rstrip(".")


def _criteria_count(results: Sequence[CriterionResult]) -> str:
    codes = ", ".join(r.criterion.code for r in results)
    return ngettext("%(num)d criterion", "%(num)d criteria", len(results)) + f" ({codes})"


def _level_phrase(result: CriterionResult) -> str:
    return _(result.level_label).lower()


def _ask_block(
    number: int,
    ask: Ask,
    analysis: GapAnalysis,
    country: str,
    cited: dict[str, GoodPractice],
    comparison: Comparison | None = None,
) -> Group:
    checklist = analysis.checklist
    results = {r.criterion.id: r for r in analysis.criteria}
    blocks: list[Block] = [
        Heading(2, f"{number}. {ask.title}", anchor=f"ask-{number}"),
        para(Text(ask.text, "user"), style="ask-text"),
    ]
    who: list[str | Inline] = []
    if ask.duty_bearer:
        who += [Text(_("Addressed to:") + " ", "label"), Text(ask.duty_bearer, "user")]
    if ask.by_when:
        if who:
            who.append(Text(" · "))
        who += [Text(_("When:") + " ", "label"), Text(ask.by_when, "user")]
    if who:
        blocks.append(para(*who, style="ask-who"))
    evidence: list[Block] = []
    recs = []
    for crit_id in ask.criteria:
        if not checklist.has_criterion(crit_id):
            continue
        result = results[crit_id]
        crit = result.criterion
        if result.recommendation not in recs:
            recs.append(result.recommendation)
        parts: list[str | Inline] = [
            Link(crit.code, to(Anchors.crit(crit))),
            f" {crit.text} ",
            Text(_("Our assessment: %(level)s.", level=_level_phrase(result)), "strong"),
        ]
        if result.evidence.strip():
            parts += [" ", Text(truncate_words(result.evidence.strip(), EVIDENCE_CHARS), "user")]
        elif result.to_collect:
            parts.append(" " + _("Evidence still to collect."))
        evidence.append(para(*parts, style="ask-evidence"))
        other = other_view(comparison, crit_id) if comparison is not None else None
        if other is not None:  # where the government's self-assessment differs: evidence too
            evidence.append(para(*other, style="ask-evidence other-view"))
    if evidence:
        blocks.append(para(Text(_("The evidence"), "label"), style="ask-label"))
        blocks += evidence
    practices: list[GoodPractice] = []
    at_home: list[GoodPractice] = []
    commitments: list[Commitment] = []
    for rec in recs:
        elsewhere, home = split_practices(checklist.good_practices_for(rec), country)
        practices += [p for p in elsewhere if p not in practices]
        at_home += [p for p in home if p not in at_home]
        commitments += [c for c in checklist.commitments_for(rec) if c not in commitments]
    # An operative provision is what the State committed to; a preamble only explains it.
    commitments.sort(key=lambda c: c.paragraph.lower().startswith("preamble"))
    if practices:
        shown = practices[:PRACTICES_PER_ASK]
        for practice in shown:
            cited.setdefault(practice.id, practice)
        blocks.append(para(Text(_("It can be done"), "label"), style="ask-label"))
        blocks.append(
            ItemList(
                tuple(ListItem((Paragraph(tuple(practice_ref(p))),)) for p in shown),
                style="gp-refs",
            )
        )
    if commitments:
        blocks.append(para(Text(_("What the State committed to"), "label"), style="ask-label"))
        for commitment in commitments[:COMMITMENTS_PER_ASK]:
            blocks.append(Quote(quotation(commitment.text), style="provision-text"))
            blocks.append(
                para(
                    "— ",
                    Link(commitment.code, to(Anchors.commitment(commitment))),
                    f" {commitment_ref(commitment)}",
                    style="small muted source",
                )
            )
        if len(commitments) > COMMITMENTS_PER_ASK:
            more = commitments[COMMITMENTS_PER_ASK:]
            refs: list[str | Inline] = [_("Also:") + " "]
            for index, commitment in enumerate(more):
                if index:
                    refs.append("; ")
                refs += [
                    Link(commitment.code, to(Anchors.commitment(commitment))),
                    f" {commitment_ref(commitment)}",
                ]
            refs.append(".")
            blocks.append(para(*refs, style="small muted"))
    return Group(tuple(blocks), style="ask")


def _asks_section(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    asks: Sequence[Ask],
    cited: dict[str, GoodPractice],
    comparison: Comparison | None,
) -> Section:
    info = answers_file.assessment
    blocks: list[Block] = [
        Heading(1, _("Key asks")),
        para(
            Text(info.organisation, "user"),
            " "
            + _(
                "assessed how far %(country)s has put in place the %(recs)s recommendations of "
                "“%(source)s” (%(publisher)s, %(year)s). Overall score: %(score)s / 100. We ask "
                "the authorities:",
                country=info.country or _("the State"),
                recs=len(analysis.checklist.recommendations),
                source=analysis.checklist.source.title,
                publisher=analysis.checklist.source.publisher,
                year=analysis.checklist.source.year,
                score=score(analysis.overall),
            ),
            style="lead",
        ),
    ]
    if not asks:
        blocks.append(
            para(
                _(
                    "No gap was found: every criterion that applies is reported as fully in "
                    "place. We ask the authorities to keep it so, and to publish the evidence."
                )
            )
        )
    for number, ask in enumerate(asks, start=1):
        blocks.append(_ask_block(number, ask, analysis, info.country, cited, comparison))
    return Section(tuple(blocks), anchor="asks", style="brief-first", running="Key asks", flow=True)


def _quoted_criteria(results: Sequence[CriterionResult]) -> str:
    return "; ".join(f"“{_clause(r.criterion.text)}”" for r in results)


def _finding(rs: RecommendationScore) -> Paragraph:
    """One numbered finding: a recommendation, our assessment, what is missing (quoted from
    the checklist), what is still to find out, and our evidence for the most telling gap."""
    rec = rs.recommendation
    parts: list[str | Inline] = [
        Link(rec.code, to(Anchors.rec(rec))),
        rewritten(rec.text, lambda text: f" {truncate_words(text, 110)} "),
        Text(f"{implementation_status(rs)} ({score(rs.score)} / 100).", "strong"),
    ]
    for level in (NOT_IN_PLACE, PLANNED, PARTIAL):
        found = [c for c in rs.criteria if c.level == level.key]
        if not found:
            continue
        if level is PARTIAL:
            parts.append(f" {_(level.label)}: {_criteria_count(found)}.")
        else:
            parts.append(f" {_(level.label)}: {_quoted_criteria(found)}.")
    if rs.to_collect:
        parts.append(" " + _("Still to find out:") + f" {_quoted_criteria(rs.to_collect)}.")
    shown = next(
        (
            r
            for level in (NOT_IN_PLACE, PLANNED, PARTIAL)
            for r in rs.criteria
            if r.level == level.key and r.evidence.strip()
        ),
        None,
    )
    if shown is not None:
        parts += [
            " " + _("Our evidence (%(code)s):", code=shown.criterion.code) + " ",
            Text(truncate_words(shown.evidence.strip(), FINDING_EVIDENCE_CHARS), "user"),
        ]
    return para(*parts)


def _findings_section(analysis: GapAnalysis) -> Section:
    blocks: list[Block] = [Heading(1, _("Findings"), anchor="findings")]
    number = 0
    for ts in analysis.themes:
        theme = ts.theme
        results = [r for rs in ts.recommendations for r in rs.criteria]
        counted = [
            (sum(1 for r in results if r.level == level), _(label_of(level)).lower())
            for level in [*(lv.key for lv in LEVELS), None]
        ]
        summary = (
            _("Theme score %(score)s / 100.", score=score(ts.score))
            + " "
            + ngettext("Of its %(num)d criterion:", "Of its %(num)d criteria:", len(results))
            + " "
            + ", ".join(f"{n} {label}" for n, label in counted if n)
            + "."
        )
        met = [rs for rs in ts.recommendations if rs.score is not None and rs.score >= 100]
        if met:
            summary += (
                " "
                + _("Fully implemented:")
                + " "
                + ", ".join(rs.recommendation.code for rs in met)
                + "."
            )
        items: list[ListItem] = [ListItem((para(summary),))]
        for rs in ts.recommendations:
            if rs.score is None or (rs.score >= 100 and not rs.to_collect):
                continue
            items.append(ListItem((_finding(rs),)))
        number += len(items)
        blocks.append(Heading(2, f"{theme.code}. {theme.title}", anchor=Anchors.theme(theme)))
        blocks.append(
            ItemList(tuple(items), ordered=True, style="findings", start=number - len(items) + 1)
        )
    return Section(tuple(blocks), anchor="findings-part", running=_("Findings"), flow=True)


def _status_matrix(analysis: GapAnalysis, kicker: str) -> Section:
    rows: list[Row] = []
    for rs in analysis.recommendations:
        rec = rs.recommendation
        levels = tuple(
            para(
                Text(result.criterion.code, "num"),
                f" {_level_phrase(result)}",
                Text(" (" + _("claimed without evidence") + ")", "flag")
                if result.claimed_without_evidence
                else "",
                anchor=Anchors.crit(result.criterion),
            )
            for result in rs.criteria
        )
        assessed: tuple[str | Inline, ...] = (Text(implementation_status(rs), "strong"),)
        if rs.score is not None:
            assessed += (f" ({score(rs.score)})",)
        commitments: list[str | Inline] = []
        for commitment in analysis.checklist.commitments_for(rec):
            if commitments:
                commitments.append("; ")
            commitments += [
                Link(commitment.code, to(Anchors.commitment(commitment))),
                f" {commitment_ref(commitment)}",
            ]
        rows.append(
            Row(
                (
                    cell(
                        Text(rec.code, "num"),
                        rewritten(rec.text, lambda text: f" {truncate_words(text, 150)}"),
                    ),
                    cell(*assessed),
                    Cell(levels, style="levels"),
                    Cell(
                        (
                            Paragraph(
                                tuple(Text(p) if isinstance(p, str) else p for p in commitments)
                                or (Text(_("None linked by the checklist."), "muted"),)
                            ),
                        )
                    ),
                ),
                anchor=Anchors.rec(rec),
            )
        )
    return Section(
        (
            Heading(1, _("Status matrix"), kicker=kicker, anchor="status-matrix"),
            para(
                _(
                    "One row per recommendation: our assessment of its implementation (with its "
                    "score out of 100), each criterion's level, and the OSCE commitments behind "
                    "it. “Partially implemented” means some criteria are in place or under way; "
                    "“evidence incomplete”, that some criteria are still to find out (“Don't "
                    "know” or not answered)."
                ),
                style="small muted",
            ),
            Table(
                (_("Recommendation"), _("Our assessment"), _("Criteria"), _("Commitments")),
                tuple(rows),
                style="matrix",
                widths=(36, 20, 22, 22),
            ),
        ),
        anchor="matrix",
        role="annex",
        style="matrix-annex",
        running=f"{kicker} · {_('Status matrix')}",
    )


def _about(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    *,
    kicker: str,
    saved: bool,
    generated_on: date,
    generator: str,
) -> Section:
    checklist = analysis.checklist
    info = answers_file.assessment
    if saved:
        asks_note = _("The key asks are those the organisation recorded.")
    else:
        asks_note = _(
            "The key asks were drafted by Assessor from the top gaps (at most one per "
            "recommendation; never from “Don't know”)."
        )
    version = checklist_version_line(checklist, answers_file, _("Checklist"))
    blocks: list[Block] = [
        Heading(1, _("About this brief"), kicker=kicker, anchor="methodology"),
        para(
            _("A self-assessment by") + " ",
            Text(info.organisation, "user"),
            " "
            + _(
                "with the Assessor tool, against the checklist “%(title)s”, based on:",
                title=checklist.title,
            )
            + " ",
            checklist.source.citation,
        ),
    ]
    if checklist.source.caveat:
        blocks.append(
            para(Text(_("Caveat."), "strong"), " ", checklist.source.caveat, style="small")
        )
    blocks += [
        para(
            _(
                "Each criterion was answered fully in place (1 point), partially in place (2/3), "
                "planned (1/3), not in place (0), don't know (0, listed as still to find out) or "
                "not applicable (left out). A recommendation's score is the weighted mean of its "
                "criteria × 100; the overall score, the weighted mean of the recommendations'. "
                "“Implemented” means a score of 100, “not implemented” that nothing is in place "
                "or planned."
            )
            + f" {asks_note} "
            + _("Good practices are cited from other countries only."),
            style="small",
        ),
        para(
            _(
                "%(version)s. Generated on %(date)s by %(generator)s.",
                version=version,
                date=longdate(generated_on),
                generator=generator,
            )
            + " "
            + _(
                "The PDF edition of this brief carries the answers it was made from as an "
                "attached file, %(file)s, which the Assessor tool can import again.",
                file="answers.json",
            ),
            style="small",
        ),
    ]
    return Section(
        tuple(blocks),
        anchor="about",
        role="annex",
        running=f"{kicker} · {_('About')}",
        flow=True,
    )


def _annex_kickers(comparison: Comparison | None) -> list[str]:
    """The annexes' labels in order: status matrix, [comparison], commitments, practices,
    about this brief."""
    count = 5 if comparison is not None else 4
    return [_("Annex %(number)s", number=n) for n in range(1, count + 1)]


def _annexes(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    cited: dict[str, GoodPractice],
    comparison: Comparison | None,
    generated_on: date,
    generator: str,
) -> list[Section]:
    """The annexes, numbered in order (the comparison, when there is one, second)."""
    kickers = iter(_annex_kickers(comparison))
    checklist = analysis.checklist
    annexes = [_status_matrix(analysis, next(kickers))]
    if comparison is not None:
        annexes.append(comparison_section(comparison, kicker=next(kickers), role="annex"))
    annexes += [
        commitments_annex(analysis, kicker=next(kickers), kind=_(KIND), quoted=False),
        practices_annex(
            checklist,
            [p for p in checklist.good_practices if p.id in cited],
            kicker=next(kickers),
            intro=_(
                "The good practices the key asks cite, as presented in the source, with the "
                "country, the actor and where in the source they were presented."
            ),
        ),
        _about(
            analysis,
            answers_file,
            kicker=next(kickers),
            saved=bool(answers_file.asks),
            generated_on=generated_on,
            generator=generator,
        ),
    ]
    return annexes


def build_brief(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    *,
    generated_on: date,
    generator: str,
    comparison: Comparison | None = None,
) -> Document:
    """The advocacy brief of an assessment as a document; with ``comparison`` (another
    organisation's view, or a baseline), each ask says what the other side answered where it
    differs, and an annex sets the two side by side."""
    checklist = analysis.checklist
    info = answers_file.assessment
    asks = brief_asks(analysis, answers_file, generated_on)
    cited: dict[str, GoodPractice] = {}
    asks_section = _asks_section(analysis, answers_file, asks, cited, comparison)
    headline = _headline(analysis, answers_file, asks)
    sections = [
        cover(
            answers_file,
            checklist,
            kind=_(KIND),
            title=info.title,
            subtitle=_(
                "What we ask of the authorities of %(country)s",
                country=info.country or _("the State"),
            ),
            generated_on=generated_on,
            methods=_annex_kickers(comparison)[-1],
            headline=(para(headline, style="headline-text"),),
            compact=True,
        ),
        asks_section,
        _findings_section(analysis),
        *_annexes(analysis, answers_file, cited, comparison, generated_on, generator),
    ]
    return report_document(
        _(KIND),
        answers_file,
        checklist,
        sections,
        generated_on=generated_on,
        generator=generator,
        preposition=_("on"),
        description=headline,
    )
