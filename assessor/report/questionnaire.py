"""The blank questionnaire: every criterion of a checklist with its guidance and the answer
scale as tick boxes, for offline consultation with other institutions.

Built, like the reports, as a pure :class:`~assessor.report.model.Document` and rendered by the
same renderers (PDF through WeasyPrint, Word through python-docx), so it reads like them and
carries the same codes ("2.1.a"). It needs no answers: it depends on the checklist alone, so
:func:`render_questionnaire` is cached per checklist digest, format and date in the process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date

from assessor.checklist import Checklist, Criterion, Theme
from assessor.levels import LEVELS
from assessor.report.content import Anchors, longdate, publisher_phrase
from assessor.report.languages import mark_translations
from assessor.report.model import (
    Block,
    Document,
    Facts,
    Group,
    Heading,
    ItemList,
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
    with_word_counts,
)
from assessor.translation import N_, ngettext, writing_in
from assessor.translation import gettext as _

KIND = N_("Blank questionnaire")
TICK_BOX = "☐"
#: Lines left for the evidence under each criterion.
EVIDENCE_LINES = 3
BLANK = "…" * 30


def _cover(checklist: Checklist, generated_on: date) -> Section:
    band = Group(
        (
            para(_(KIND), style="kind"),
            Heading(1, checklist.title),
            para(
                ngettext(
                    "%(num)d criterion in %(themes)s, to answer on paper and return",
                    "%(num)d criteria in %(themes)s, to answer on paper and return",
                    len(checklist.criteria),
                    themes=ngettext("%(num)d theme", "%(num)d themes", len(checklist.themes)),
                ),
                style="subtitle",
            ),
        ),
        style="band",
    )
    facts = Facts(
        (
            (_("Organisation"), inlines(BLANK)),
            (_("Country"), inlines(BLANK)),
            (_("Answered by (name, role, contact)"), inlines(BLANK)),
            (_("Date"), inlines(BLANK)),
            (
                _("Checklist"),
                inlines(
                    checklist.title, ", " + _("version %(version)s", version=checklist.version)
                ),
            ),
            (_("Based on"), inlines(checklist.source.citation)),
        )
    )
    foot = para(
        _(
            "Printed on %(date)s. A questionnaire for self-assessment; it is not an evaluation "
            "by %(publisher)s. How to answer: see “How to answer”, next page.",
            date=longdate(generated_on),
            publisher=publisher_phrase(checklist.source.publisher),
        ),
        style="foot",
    )
    return Section(
        (band, Group((facts,), style="facts"), foot),
        anchor="cover",
        role="cover",
        running=f"{_(KIND)} · {checklist.title}",
    )


def _how_to_answer(checklist: Checklist) -> Section:
    rows = tuple(Row((cell(_(level.label)), cell(_(level.description)))) for level in LEVELS)
    caveat: list[Block] = []
    if checklist.source.caveat:
        caveat.append(para(Text(_("Caveat."), "strong"), " ", checklist.source.caveat))
    themes = ItemList(
        tuple(
            item(
                _("Theme %(code)s.", code=theme.code) + " ",
                theme.title,
                " (" + ngettext("%(num)d criterion", "%(num)d criteria", len(theme.criteria)) + ")",
            )
            for theme in checklist.themes
        )
    )
    blocks: list[Block] = [
        Heading(1, _("How to answer"), anchor="how-to-answer"),
        para(
            _(
                "For each criterion, tick the one level that describes the situation today, and "
                "note the evidence: laws, programmes, budgets, reports, links, or who holds them. "
                "A criterion may be left unanswered; “Don't know” says that the evidence is still "
                "to be found. The answers can then be typed into the Assessor tool, where the "
                "codes (“2.1.a”) are the same."
            )
        ),
        Heading(2, _("The answer scale")),
        Table((_("Answer"), _("Meaning")), rows, style="scale", widths=(28, 72)),
        Heading(2, _("The themes")),
        themes,
        Heading(2, _("Source")),
        para(_("The recommendations are quoted verbatim from:") + " ", checklist.source.citation),
        *caveat,
    ]
    return Section(tuple(blocks), anchor="how-to-answer-part", running=_("How to answer"))


def tick_boxes() -> str:
    """The scale as a line of tick boxes: "☐ Not in place  ☐ Planned ...", each level's box
    and label kept together on a line (no-break spaces), an em space between levels."""
    nbsp = "\u00a0"
    return "\u2003".join(f"{TICK_BOX}{nbsp}{_(level.label).replace(' ', nbsp)}" for level in LEVELS)


def _question(crit: Criterion) -> Group:
    blocks: list[Block] = [
        para(Text(crit.code, "num"), " ", crit.text, style="crit-text", anchor=Anchors.crit(crit))
    ]
    if crit.guidance:
        blocks.append(
            para(Text(_("Evidence that shows it:") + " ", "label"), crit.guidance, style="guidance")
        )
    blocks.append(para(tick_boxes(), style="tick-boxes"))
    blocks.append(para(Text(_("Evidence:"), "label"), style="evidence-label"))
    blocks += [Paragraph((), style="write-line") for _ in range(EVIDENCE_LINES)]
    return Group(tuple(blocks), style="keep question")


def _theme_part(theme: Theme) -> Section:
    blocks: list[Block] = [
        Heading(
            1, theme.title, anchor=Anchors.theme(theme), kicker=_("Theme %(code)s", code=theme.code)
        )
    ]
    for rec in theme.recommendations:
        blocks.append(
            Group(
                (
                    Heading(
                        2, _("Recommendation %(code)s", code=rec.code), anchor=Anchors.rec(rec)
                    ),
                    Quote(rec.text, style="rec-text"),
                ),
                style="keep",
            )
        )
        blocks += [_question(crit) for crit in rec.criteria]
    return Section(
        tuple(blocks),
        anchor=f"part-{theme.id}",
        running=_("Theme %(code)s", code=theme.code) + f" · {theme.title}",
    )


def build_questionnaire(
    checklist: Checklist, generated_on: date, generator: str = "Assessor"
) -> Document:
    """The blank questionnaire of a checklist: a cover with spaces for who answers, how to
    answer (the scale and what each level means), then every theme, its recommendations quoted
    and each criterion with its code, guidance, the scale as tick boxes and room for evidence.
    In the language the checklist is shown in."""
    with writing_in(checklist.display_language):
        return _build_questionnaire(checklist, generated_on, generator)


def _build_questionnaire(checklist: Checklist, generated_on: date, generator: str) -> Document:
    sections = (
        _cover(checklist, generated_on),
        _how_to_answer(checklist),
        *(_theme_part(theme) for theme in checklist.themes),
    )
    document = Document(
        title=f"{_(KIND)}: {checklist.title}",
        kind=_(KIND),
        language=checklist.display_language,
        author=checklist.source.publisher,
        subject=f"{checklist.title}, " + _("version %(version)s", version=checklist.version),
        created=generated_on,
        generator=generator,
        sections=sections,
        keywords=("questionnaire", "self-assessment", checklist.id),
        description=_(
            "Every criterion of “%(title)s” (version %(version)s) with its guidance and the "
            "answer scale, to answer on paper.",
            title=checklist.title,
            version=checklist.version,
        ),
    )
    return with_word_counts(mark_translations(document, checklist))


# -- rendering, cached -----------------------------------------------------------------------

_CACHE: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()
_CACHE_SIZE = 8
_CACHE_LOCK = threading.Lock()


def render_questionnaire(checklist: Checklist, fmt: str, generated_on: date | None = None) -> bytes:
    """The blank questionnaire as PDF or DOCX bytes (``fmt``: a key of
    :data:`assessor.report.FORMAT_TABLE`); :class:`~assessor.report.ReportError` if it cannot
    be made. The last few made are kept in this process, by checklist digest, format and date
    (the only things they depend on; the digest of its texts as shown, in a language)."""
    from assessor.report import FORMATS, ReportError

    if fmt not in FORMATS:
        raise ReportError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    generated_on = generated_on or date.today()
    key = (checklist.shown_digest, fmt, generated_on.isoformat())
    with _CACHE_LOCK:
        data = _CACHE.get(key)
        if data is not None:
            _CACHE.move_to_end(key)
            return data
    data = _render(checklist, fmt, generated_on)
    with _CACHE_LOCK:
        _CACHE[key] = data
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return data


def _render(checklist: Checklist, fmt: str, generated_on: date) -> bytes:
    from assessor.report import ReportError

    try:
        if fmt == "docx":
            from assessor.report.docx import render_docx

            return render_docx(build_questionnaire(checklist, generated_on, "Assessor"))
        from assessor.report.html import render_document
        from assessor.report.pdf import generator_name, html_to_pdf

        document = build_questionnaire(checklist, generated_on, generator_name())
        return html_to_pdf(render_document(document), None)
    except ReportError:
        raise
    except Exception as exc:  # WeasyPrint, python-docx: one clear error
        raise ReportError(
            f"the questionnaire could not be made ({type(exc).__name__}: {exc})"
        ) from exc
