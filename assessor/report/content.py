"""What the gap analysis and the advocacy brief say alike, as document blocks.

Anchors, number and date formats, the cover, the chart, the good-practices annex, the
commitments annex (quoted in full, or compact for the brief), evidence to collect and the
methodology: each is built here once and used by both documents, so the two can never say the
same thing differently. Pure: no Flask, no database, no rendering library.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from fractions import Fraction

from assessor.answers import RESPONDENTS, Answer, AnswersFile
from assessor.checklist import (
    Checklist,
    Commitment,
    Criterion,
    GoodPractice,
    Recommendation,
    Theme,
)
from assessor.commitments_view import LevelCount, commitment_standing
from assessor.levels import LEVELS
from assessor.report.chart import format_score, theme_chart_svg
from assessor.report.model import (
    Block,
    Cell,
    Document,
    Facts,
    Figure,
    Group,
    Heading,
    Inline,
    Inlines,
    ItemList,
    Link,
    ListItem,
    PageRef,
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
from assessor.scoring import CLAIMED_WITHOUT_EVIDENCE, GapAnalysis, criterion_points
from assessor.translation import DAY_MONTH_YEAR, current_translator, ngettext
from assessor.translation import gettext as _


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
        """The anchor of a criterion's entry in the evidence to collect."""
        return f"collect-{crit.id}"

    @staticmethod
    def commitment(commitment: Commitment) -> str:
        """The anchor of a commitment provision in Annex B."""
        return f"commitment-{commitment.id}"


def to(anchor: str) -> str:
    """A link target for an anchor."""
    return f"#{anchor}"


# -- formats -----------------------------------------------------------------------------


def longdate(value: date) -> str:
    """A date as people write it in the report's language: "5 March 2027", "5 martie 2027"."""
    return current_translator().format_date(value, DAY_MONTH_YEAR)


def score(value: float | None) -> str:
    """A score of 0-100 with one decimal, or "n/a"."""
    return format_score(value)


def points(value: Fraction | None) -> str:
    """A criterion's points as a fraction ("2/3"), or "left out" (not applicable)."""
    if value is None:
        return _("left out")
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def weight(value: float) -> str:
    """A weight without trailing zeros."""
    return f"{value:g}"


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 gap", "3 gaps" (``many`` for irregular plurals: "criteria")."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def standing_summary(counts: Iterable[LevelCount]) -> str:
    """Counts of criteria by level, in words: "2 fully in place, 1 not in place"."""
    parts = []
    for count in counts:
        label = _(count.label)
        parts.append(f"{count.count} {label[:1].lower()}{label[1:]}")
    return ", ".join(parts)


def truncate_words(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


def code_links(anchor_of: object, items: Sequence[Criterion], sep: str = ", ") -> list[Inline]:
    """Links to criteria by code, separated by ``sep``."""
    parts: list[Inline] = []
    for index, crit in enumerate(items):
        if index:
            parts.append(Text(sep))
        parts.append(Link(crit.code, to(Anchors.crit(crit))))
    return parts


def short_document(commitment: Commitment) -> str:
    """A commitment's document without its parenthesised long title."""
    return commitment.document.split(" (")[0]


def commitment_ref(commitment: Commitment) -> str:
    """A commitment named after its code: "Helsinki 1975, Aims, 5th indent", "Helsinki 1992
    (37)"."""
    paragraph = commitment.paragraph.strip()
    separator = " " if paragraph.startswith("(") else ", "
    return f"{short_document(commitment)}{separator}{paragraph}"


def publisher_phrase(publisher: str) -> str:
    """A publisher after "by": "the OSCE Office for ..." (unless it starts with "the")."""
    if current_translator().lang != "en":
        return publisher
    return publisher if publisher.lower().startswith("the ") else f"the {publisher}"


# -- shared blocks -----------------------------------------------------------------------


def cover(
    answers_file: AnswersFile,
    checklist: Checklist,
    *,
    kind: str,
    title: str,
    subtitle: str,
    generated_on: date,
    methods: str,
    headline: Sequence[Block] = (),
    compact: bool = False,
) -> Section:
    """The cover: kind, title, subtitle, an optional headline, and the facts of the assessment.
    ``methods`` names the annex that explains the method ("Annex C"); ``compact``: the top of
    the first page (a brief), not a page of its own."""
    info = answers_file.assessment
    respondent = _(dict(RESPONDENTS).get(info.respondent, "")) if info.respondent else ""
    organisation: list[str | Inline] = [Text(info.organisation, "user")]
    if respondent:
        organisation += [" ", Text(f"({respondent})", "muted")]
    band = Group(
        (
            para(kind, style="kind"),
            Heading(1, title, style="user"),
            para(subtitle, style="subtitle"),
        ),
        style="band",
    )
    pairs: tuple[tuple[str, Inlines], ...] = (
        (_("Organisation"), inlines(*organisation)),
        (_("Country"), inlines(info.country)),
        (_("Date"), inlines(longdate(generated_on))),
    )
    if answers_file.signed_off is not None:
        pairs += ((_("Status"), inlines(answers_file.signed_off.line())),)
    if not compact:
        pairs += (
            (
                _("Checklist"),
                inlines(
                    checklist.title,
                    ", " + _("version %(version)s", version=checklist.version),
                ),
            ),
            (_("Based on"), inlines(checklist.source.citation)),
        )
    facts = Facts(pairs)
    foot = para(
        _("A self-assessment by") + " ",
        Text(info.organisation, "user"),
        "; "
        + _(
            "it is not an evaluation by %(publisher)s. Scores, weights and methods are "
            "explained in",
            publisher=publisher_phrase(checklist.source.publisher),
        )
        + " ",
        Link(methods, "#methodology"),
        ".",
        style="foot",
    )
    blocks: list[Block] = [band]
    if headline:
        blocks.append(Group(tuple(headline), style="headline"))
    blocks += [Group((facts,), style="facts"), foot]
    return Section(
        tuple(blocks),
        anchor="cover",
        role="cover",
        style="compact" if compact else "",
        running=f"{kind} · {info.country}",
        flow=compact,
    )


def contents(entries: Iterable[tuple[str, str, str]]) -> Section:
    """The contents: (anchor, text, "part" or "sub") in order, as a list of internal links."""
    items = tuple(item(Link(text, to(anchor)), style=kind) for anchor, text, kind in entries)
    return Section(
        (Heading(1, _("Contents"), anchor="contents-title"), ItemList(items, ordered=True)),
        anchor="contents",
        role="contents",
    )


def theme_chart(analysis: GapAnalysis) -> Figure:
    """The scores by theme as a bar chart, with the same numbers as a table."""
    rows = [Row((cell(_("Overall")), cell(score(analysis.overall))))]
    rows += [
        Row((cell(f"{ts.theme.code}. {ts.theme.title}"), cell(score(ts.score))))
        for ts in analysis.themes
    ]
    svg = str(theme_chart_svg(analysis))
    fallback = Table((_("Theme"), _("Score / 100")), tuple(rows), style="scores", widths=(80, 20))
    return Figure(svg, alt=_("Scores by theme, out of 100"), fallback=fallback)


def evidence_to_collect(analysis: GapAnalysis, *, with_links: bool = True) -> list[Block]:
    """The "Evidence to collect" heading, note and table (nothing if there is none)."""
    if not analysis.evidence_to_collect:
        return []
    rows = []
    for gap in analysis.evidence_to_collect:
        crit = gap.criterion
        code: Inline = Link(crit.code, to(Anchors.crit(crit))) if with_links else Text(crit.code)
        rows.append(
            Row(
                (
                    cell(code, " ", crit.text),
                    cell(_(gap.level_label)),
                    cell(gap.where_to_look or _("The checklist gives no guidance.")),
                ),
                anchor=Anchors.collect(crit),
            )
        )
    return [
        Group(
            (
                Heading(2, _("Evidence to collect")),
                para(
                    _(
                        "Criteria answered “Don't know” or not answered. They score no points but "
                        "are not ranked as gaps: find out first. “Where to look” is the "
                        "checklist's guidance on the evidence that shows each one, and so on who "
                        "might hold it."
                    ),
                    style="small muted",
                ),
                Table(
                    (_("Criterion"), _("Answer"), _("Where to look")),
                    tuple(rows),
                    style="ranking collect",
                    widths=(50, 14, 36),
                ),
            ),
            anchor="evidence-to-collect",
        )
    ]


def practices_annex(
    checklist: Checklist, practices: Sequence[GoodPractice], *, kicker: str, intro: str
) -> Section:
    """The good-practices annex: each practice in full, once, with country, actor and source."""
    linked: dict[str, list[Recommendation]] = {}
    for rec in checklist.recommendations:
        for practice_id in rec.good_practice_ids:
            linked.setdefault(practice_id, []).append(rec)
    blocks: list[Block] = [Heading(1, _("Good practices"), kicker=kicker), para(intro)]
    entries: list[Block] = []
    for gp in practices:
        recs = linked.get(gp.id, [])
        tail: list[str | Inline] = [
            _(
                "Where in the source: %(section)s, %(speaker)s.",
                section=gp.source.section,
                speaker=gp.source.speaker,
            )
        ]
        if recs:
            tail.append(
                " "
                + ngettext("Illustrates recommendation", "Illustrates recommendations", len(recs))
                + " "
            )
            for index, rec in enumerate(recs):
                if index:
                    tail.append(", ")
                tail.append(Link(rec.code, to(Anchors.rec(rec))))
            tail.append(".")
        entries.append(
            Group(
                (
                    Heading(2, f"{gp.code}. {gp.title}"),
                    para(
                        Text(f"{gp.country} · {gp.actor}.", "who"),
                        " ",
                        gp.summary,
                        " ",
                        *[Text(t, "links") if isinstance(t, str) else t for t in tail],
                    ),
                ),
                style="entry",
                anchor=Anchors.practice(gp),
            )
        )
    if not entries:
        entries.append(para(_("This checklist lists no good practices."), style="none-linked"))
    blocks.append(Group(tuple(entries), style="entries"))
    return Section(
        tuple(blocks),
        anchor="practices",
        role="annex",
        style="catalogue",
        running=f"{kicker} · {_('Good practices')}",
    )


def practice_ref(gp: GoodPractice) -> list[Inline]:
    """A practice named by a short line that leads to its full text in the annex."""
    return [
        Link(gp.code, to(Anchors.practice(gp))),
        Text(f" {gp.country}: {gp.title} "),
        Text(f"({gp.source.section}", "muted"),
        PageRef(to(Anchors.practice(gp)), label="; " + _("page") + " ", style="muted"),
        Text(")", "muted"),
    ]


def commitments_annex(
    analysis: GapAnalysis, *, kicker: str, kind: str, quoted: bool = True
) -> Section:
    """Annex: each commitment document, its provisions, and the criteria that implement each
    with their level. ``quoted``: the provisions' text in full (the gap analysis); otherwise a
    compact table (the brief, whose asks quote the provisions they rest on)."""
    checklist = analysis.checklist
    cited = {c for rec in checklist.recommendations for c in rec.commitment_ids}
    uncited = sum(1 for c in checklist.commitments if c.id not in cited)
    title = _("Commitments and where the State stands")
    if quoted:
        intro = _(
            "What the State committed to, and where it stands: each commitment document of the "
            "checklist, its provisions quoted verbatim, and under each the criteria that put it "
            "into practice, as answered in this %(kind)s. The checklist links commitments to "
            "recommendations, so a provision is followed by the recommendations that cite it "
            "and their criteria, by code and level; a criterion can appear under several "
            "provisions.",
            kind=kind.lower(),
        )
    else:
        intro = _(
            "What the State committed to, and where it stands: each commitment document of the "
            "checklist, its provisions by paragraph (the key asks quote those they rest on), and "
            "under each the criteria that put it into practice, as answered in this %(kind)s. "
            "The checklist links commitments to recommendations, so a provision is followed by "
            "the recommendations that cite it and their criteria, by code and level; a criterion "
            "can appear under several provisions.",
            kind=kind.lower(),
        )
    if uncited:
        intro += " " + ngettext(
            "The checklist holds %(num)d further provision that no recommendation cites: it is "
            "named under its document but not quoted, as no criterion measures it.",
            "The checklist holds %(num)d further provisions that no recommendation cites: they "
            "are named under their document but not quoted, as no criterion measures them.",
            uncited,
        )
    blocks: list[Block] = [Heading(1, title, kicker=kicker), para(intro)]
    standing = commitment_standing(analysis)
    if not standing:
        blocks.append(para(_("This checklist holds no commitments."), style="none-linked"))
    for ds in standing:
        doc = ds.document
        name = doc.document if str(doc.year) in doc.document else f"{doc.document} ({doc.year})"
        blocks.append(Heading(2, name, style="commitment-doc"))
        rows: list[Row] = []
        for ps in ds.measured:
            c = ps.commitment
            per_rec: list[list[Inline]] = []
            for rs in ps.by_recommendation:
                parts: list[Inline] = [
                    Link(rs.recommendation.code, to(Anchors.rec(rs.recommendation)), "num")
                ]
                if quoted:
                    parts.append(
                        Text(f" {truncate_words(rs.recommendation.text, 64)}", "rec-short")
                    )
                parts.append(Text(" — "))
                for gindex, group in enumerate(rs.groups):
                    if gindex:
                        parts.append(Text(" · "))
                    parts.append(Text(f"{_(group.label)}: ", "level"))
                    for cindex, cr in enumerate(group.criteria):
                        if cindex:
                            parts.append(Text(", "))
                        parts.append(Link(cr.criterion.code, to(Anchors.crit(cr.criterion))))
                        if cr.claimed_without_evidence:
                            parts.append(Text(" (" + _("claimed without evidence") + ")", "flag"))
                per_rec.append(parts)
            if quoted:
                summary = para(
                    Text(_("Where it stands:"), "label"),
                    f" {standing_summary(ps.counts)}",
                    Text(
                        " ("
                        + ngettext("%(num)d criterion", "%(num)d criteria", len(ps.criteria))
                        + ")",
                        "muted",
                    )
                    if len(ps.counts) > 1
                    else "",
                    ".",
                    style="standing-summary",
                )
                rec_items = tuple(ListItem((Paragraph(tuple(p)),)) for p in per_rec)
                blocks.append(
                    Group(
                        (
                            Heading(3, f"{c.code}. {c.paragraph}"),
                            Quote(c.text, style="provision-text"),
                            summary,
                            ItemList(rec_items, style="standing-recs"),
                        ),
                        style="entry provision",
                        anchor=Anchors.commitment(c),
                    )
                )
            else:
                rows.append(
                    Row(
                        (
                            cell(Text(c.code, "num"), f" {c.paragraph}"),
                            cell(standing_summary(ps.counts)),
                            Cell(tuple(Paragraph(tuple(p)) for p in per_rec)),
                        ),
                        anchor=Anchors.commitment(c),
                    )
                )
        if rows:
            blocks.append(
                Table(
                    (_("Provision"), _("Where it stands"), _("Criteria by level")),
                    tuple(rows),
                    style="standing-table",
                    widths=(22, 28, 50),
                )
            )
        if ds.unmeasured:
            lead = (
                _("Not measured by this checklist")
                if ds.measured
                else _("No provision of this document is measured by this checklist")
            )
            names = "; ".join(ps.commitment.paragraph for ps in ds.unmeasured)
            blocks.append(para(f"{lead}: {names}.", style="unmeasured"))
    return Section(
        tuple(blocks),
        anchor="commitments",
        role="annex",
        style="catalogue standing",
        running=f"{kicker} · {title}",
    )


def checklist_version_line(checklist: Checklist, answers_file: AnswersFile, lead: str) -> str:
    """ "<lead> <id>, version <v>", with the version the answers were given for if it differs."""
    line = _(
        "%(lead)s %(id)s, version %(version)s",
        lead=lead,
        id=checklist.id,
        version=checklist.version,
    )
    if answers_file.checklist_version != checklist.version:
        line += " " + _(
            "(answers given for version %(version)s)", version=answers_file.checklist_version
        )
    return line


def report_document(
    kind: str,
    answers_file: AnswersFile,
    checklist: Checklist,
    sections: Sequence[Section],
    *,
    generated_on: date,
    generator: str,
    preposition: str,
    description: str = "",
) -> Document:
    """A report's document with its metadata: title, author, subject ("<kind> <preposition>
    <country> against the checklist ..."), keywords; ``description`` defaults to the subject."""
    info = answers_file.assessment
    about = _(
        "%(kind)s %(preposition)s %(country)s against the checklist %(checklist)s "
        "(version %(version)s)",
        kind=kind,
        preposition=preposition,
        country=info.country,
        checklist=checklist.title,
        version=checklist.version,
    )
    return Document(
        title=f"{kind}: {info.title}",
        kind=kind,
        language=checklist.display_language,
        author=info.organisation,
        subject=about,
        created=generated_on,
        generator=generator,
        sections=tuple(sections),
        keywords=(checklist.id, info.country, kind.lower()),
        description=description or about,
    )


def methodology_annex(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    *,
    kicker: str,
    kind: str,
    generated_on: date,
    generator: str,
    extra: Sequence[Block] = (),
) -> Section:
    """The methodology annex: source and status, scale, scores, weights, priority, data."""
    checklist = analysis.checklist
    info = answers_file.assessment
    caveat: list[Block] = []
    if checklist.source.caveat:
        caveat.append(para(Text(_("Caveat."), "strong"), " ", checklist.source.caveat))
    caveat.append(
        para(
            _("This %(kind)s is a self-assessment made by", kind=kind.lower()) + " ",
            Text(info.organisation, "user"),
            " "
            + _(
                "with the Assessor tool. It is not an evaluation by %(publisher)s, and neither "
                "its scores nor its priorities have any official status.",
                publisher=publisher_phrase(checklist.source.publisher),
            ),
        )
    )
    scale_rows = [
        Row(
            (
                cell(_(level.label)),
                cell(points(criterion_points(Answer(level.key)))),
                cell(_(level.description)),
            )
        )
        for level in LEVELS
    ]
    scale_rows.append(
        Row(
            (
                cell(_("Unanswered")),
                cell("0"),
                cell(_("No answer was given; scores 0 and is listed as evidence to collect.")),
            )
        )
    )
    weighted: list[Block] = []
    exceptions = []
    for rec in checklist.recommendations:
        if rec.weight != 1:
            exceptions.append(
                item(
                    _(
                        "Recommendation %(code)s: weight %(weight)s.",
                        code=rec.code,
                        weight=weight(rec.weight),
                    ),
                    " ",
                    rec.weight_reason or "",
                )
            )
        for crit in rec.criteria:
            if crit.weight != 1:
                exceptions.append(
                    item(
                        _(
                            "Criterion %(code)s: weight %(weight)s.",
                            code=crit.code,
                            weight=weight(crit.weight),
                        ),
                        " ",
                        crit.weight_reason or "",
                    )
                )
    if exceptions:
        weighted += [
            para(_("Every recommendation and criterion weighs 1, except:")),
            ItemList(tuple(exceptions)),
        ]
    else:
        weighted.append(para(_("Every recommendation and criterion of this checklist weighs 1.")))
    version = checklist_version_line(checklist, answers_file, _("Checklist:"))
    blocks: list[Block] = [
        Heading(1, _("Methodology"), kicker=kicker),
        Heading(2, _("Source and status")),
        para(
            _(
                "The checklist “%(title)s” (version %(version)s) is based on:",
                title=checklist.title,
                version=checklist.version,
            ),
            " ",
            checklist.source.citation,
        ),
        Group(tuple(caveat), style="caveat"),
        Heading(2, _("The answer scale")),
        para(
            _(
                "Each criterion is answered with one level of this scale, with evidence where "
                "available."
            )
        ),
        Table(
            (_("Answer"), _("Points"), _("Meaning")),
            tuple(scale_rows),
            style="scale",
            widths=(22, 12, 66),
        ),
        Heading(2, _("Scores")),
        para(
            Text(_("Recommendation score"), "strong"),
            " "
            + _(
                "= the weighted mean of the points of its criteria (weighted by criterion "
                "weight) × 100, leaving out criteria marked not applicable. A recommendation "
                "whose criteria are all not applicable has no score."
            ),
            style="formula",
        ),
        para(
            Text(_("Theme score"), "strong"),
            " "
            + _(
                "= the weighted mean of the scores of its recommendations (weighted by "
                "recommendation weight), leaving out those without a score."
            ),
            style="formula",
        ),
        para(
            Text(_("Overall score"), "strong"),
            " "
            + _(
                "= the weighted mean of the scores of all recommendations (weighted by "
                "recommendation weight), leaving out those without a score. A recommendation "
                "counts by its own weight however many criteria it is split into."
            ),
            style="formula",
        ),
        para(
            _(
                "Raising any answer along the scale never lowers any score, and marking a "
                "criterion not applicable changes no other criterion's points."
            )
        ),
        Heading(2, _("Weights")),
        *weighted,
        Heading(2, _("Gaps and priority")),
        para(
            _(
                "A gap is a criterion that applies and is answered not in place, planned or "
                "partially in place. Its shortfall is 1 minus its points."
            )
        ),
        para(
            Text(_("Priority"), "strong"),
            " "
            + _(
                "= recommendation weight × criterion weight × shortfall. Gaps are ranked by "
                "priority, highest first; ties go to the gap whose theme has the lowest score, "
                "then to checklist order."
            ),
            style="formula",
        ),
        para(
            Text(_("Top gaps"), "strong"),
            " "
            + _(
                "are taken from the top of the ranking with at most one per recommendation: a "
                "gap whose recommendation already has a top gap is passed over, so the top gaps "
                "name as many different recommendations as there are top gaps."
            ),
            style="formula",
        ),
        para(
            Text(_("Evidence to collect."), "strong"),
            " "
            + _(
                "A criterion answered “Don't know” or left unanswered scores 0 points, but is "
                "not ranked as a gap: it is listed apart as evidence to collect, with the "
                "checklist's guidance on the evidence that shows it."
            )
            + " ",
            Text(_(CLAIMED_WITHOUT_EVIDENCE), "strong"),
            " "
            + _(
                "marks a criterion answered fully in place with no evidence given; it counts as "
                "met."
            ),
        ),
        para(
            _(
                "Each gap leads to the good practices and commitments the checklist links to its "
                "recommendation. They show what others have done; they are not an assessment of "
                "this country. A practice from the assessed country itself is listed apart, as "
                "already in that country, not as the model for its own gap."
            )
        ),
        *extra,
        Heading(2, _("Data")),
        para(
            _(
                "The PDF edition of this document carries the answers it was made from as an "
                "attached file, %(file)s, which the Assessor tool can import again.",
                file="answers.json",
            ),
            " "
            + _(
                "%(version)s. Generated on %(date)s by %(generator)s.",
                version=version,
                date=longdate(generated_on),
                generator=generator,
            ),
        ),
    ]
    return Section(
        tuple(blocks),
        anchor="methodology",
        role="annex",
        running=f"{kicker} · {_('Methodology')}",
    )
