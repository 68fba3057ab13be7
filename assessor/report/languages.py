"""A report's checklist texts in the report's language: labels, marks and the English originals.

A report made from a checklist shown in another language (a view from
:mod:`assessor.checklist_translation`) quotes translated recommendations, commitments and good
practices. The source exists in English only, so :func:`mark_translations` goes over the built
document once, whichever report it is, and:

- after each translated recommendation quoted, says it is an unofficial translation and links
  to its English original in a last annex ("The texts in English");
- after each translated commitment quoted, gives the English text beside it, labelled;
- labels each translated good-practice summary, and gives its English original in that annex;
- marks each text the translation lacks (shown in English): ``lang`` set, "(in English)" after.

It finds the checklist's texts by what they are (:class:`~assessor.checklist_translation.Text`
strings), so a builder needs no change to take part, as long as it passes the checklist's text
on rather than a copy made with string formatting. Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from assessor.checklist import Checklist, GoodPractice, Recommendation
from assessor.checklist_translation import Text as ChecklistText
from assessor.checklist_translation import is_translated, is_untranslated, original_of
from assessor.report.model import (
    Block,
    Document,
    Facts,
    Group,
    Heading,
    Inline,
    ItemList,
    Link,
    Paragraph,
    Quote,
    Section,
    Table,
    Text,
    item,
    para,
)
from assessor.translation import Translator, translator

ANNEX_ANCHOR = "english-originals"
_LAST_TOKEN = re.compile(r"(\w+)\W*$")


def original_anchor(item_id: str) -> str:
    """The anchor of a recommendation's or practice's English original in the last annex."""
    return f"original-{item_id}"


class _Marker:
    """One pass over a document: what it quotes, and the blocks with labels and marks."""

    def __init__(self, checklist: Checklist, t: Translator, annex: str) -> None:
        self.t = t
        self.annex = annex
        self.recs = {original_of(r.text): r for r in checklist.recommendations}
        # A recommendation may be quoted cut short ("Actively collect ... in order to…").
        self.rec_starts = [(" ".join(original.split()), r) for original, r in self.recs.items()]
        self.practices = {original_of(p.summary): p for p in checklist.good_practices}
        self.seen_recs: dict[str, Recommendation] = {}
        self.seen_practices: dict[str, GoodPractice] = {}

    def mark(self, value: ChecklistText) -> str:
        """ "(in English)" after a text the translation lacks."""
        if value.language == "en":
            return self.t.gettext("(in English)")
        return self.t.gettext("(not translated)")

    def inlines(self, content: Iterable[Inline]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for part in content:
            out.append(part)
            if not isinstance(part, Text):
                continue
            if isinstance(part.text, ChecklistText) and is_untranslated(part.text):
                out[-1] = replace(part, lang=part.text.language)
                out.append(Text(f" {self.mark(part.text)}", "muted"))
            elif is_translated(part.text) and original_of(part.text) in self.practices:
                practice = self.practices[original_of(part.text)]
                self.seen_practices[practice.id] = practice
                out += self.label(practice.id)
            elif is_translated(part.text) and (rec := self.rec_cut(part.text)) is not None:
                self.seen_recs[rec.id] = rec
                out[-1] = replace(part, text=part.text.rstrip())
                out += [*self.label(rec.id), Text(" ")]
        return tuple(out)

    def rec_cut(self, value: str) -> Recommendation | None:
        """The recommendation a translated text quotes, whole or cut short, if it is one."""
        start = " ".join(original_of(value).split()).rstrip("…")
        if len(start) < 20:
            return None
        return next((rec for whole, rec in self.rec_starts if whole.startswith(start)), None)

    def label(self, item_id: str) -> list[Inline]:
        """ "(unofficial translation; in English: Annex N)", linked to the English original."""
        label = self.t.gettext("unofficial translation; in English:")
        return [
            Text(f" ({label}", "muted"),
            Link(f" {self.annex}", f"#{original_anchor(item_id)}", "muted"),
            Text(")", "muted"),
        ]

    def quote(self, block: Quote) -> list[Block]:
        text = block.text
        if isinstance(text, ChecklistText) and is_untranslated(text):
            marked = para(Text(self.mark(text), "muted"), style="small muted")
            return [replace(block, lang=text.language), marked]
        if not is_translated(text):
            return [block]
        original = original_of(text)
        rec = self.recs.get(original)
        if rec is not None:
            self.seen_recs[rec.id] = rec
            return [
                block,
                para(
                    Text(self.t.gettext("Unofficial translation; the English original:"), "muted"),
                    Link(f" {self.annex}", f"#{original_anchor(rec.id)}", "muted"),
                    Text(".", "muted"),
                    style="small muted unofficial",
                ),
            ]
        return [
            block,
            para(
                Text(self.t.gettext("Unofficial translation. The commitment in English:"), "muted"),
                style="small muted unofficial",
            ),
            Quote(original, style=block.style, lang="en"),
        ]

    def blocks(self, blocks: Iterable[Block]) -> tuple[Block, ...]:
        out: list[Block] = []
        for block in blocks:
            out.extend(self.block(block))
        return tuple(out)

    def block(self, block: Block) -> list[Block]:
        if isinstance(block, Paragraph):
            return [replace(block, content=self.inlines(block.content))]
        if isinstance(block, Quote):
            return self.quote(block)
        if isinstance(block, Group):
            return [replace(block, content=self.blocks(block.content))]
        if isinstance(block, ItemList):
            items = tuple(replace(i, content=self.blocks(i.content)) for i in block.items)
            return [replace(block, items=items)]
        if isinstance(block, Table):
            rows = tuple(
                replace(
                    row,
                    cells=tuple(replace(c, content=self.blocks(c.content)) for c in row.cells),
                )
                for row in block.rows
            )
            return [replace(block, rows=rows)]
        if isinstance(block, Facts):
            pairs = tuple((label, self.inlines(value)) for label, value in block.pairs)
            return [replace(block, pairs=pairs)]
        return [block]


def _next_kicker(sections: Iterable[Section], t: Translator) -> str:
    """The kicker of an annex after the document's last: "Annex C" gives "Annex D", "Annex 3"
    gives "Annex 4" (in the words the document uses)."""
    last = ""
    for section in sections:
        if section.role == "annex":
            for block in section.content:
                if isinstance(block, Heading) and block.kicker:
                    last = block.kicker
                    break
    match = _LAST_TOKEN.search(last)
    if match is None:
        return t.gettext("Annex")
    token = match.group(1)
    if token.isdigit():
        following = str(int(token) + 1)
    elif len(token) == 1 and token.isalpha() and token.upper() < "Z":
        following = chr(ord(token) + 1)
    else:
        return t.gettext("Annex")
    return last[: match.start(1)] + following + last[match.end(1) :]


def _annex(marker: _Marker, checklist: Checklist, kicker: str) -> Section:
    t = marker.t
    blocks: list[Block] = [
        Heading(1, t.gettext("The texts in English"), kicker=kicker, anchor=ANNEX_ANCHOR),
        para(
            t.gettext(
                "The checklist's source exists in English only. The recommendations, "
                "commitments and good practices quoted in this document are unofficial "
                "translations; here are the recommendations and good practices in the English "
                "original (the commitments are quoted in English where they are quoted)."
            )
        ),
    ]
    if checklist.translation_note:
        blocks.append(para(Text(checklist.translation_note, "muted"), style="small"))
    if marker.seen_recs:
        blocks.append(Heading(2, t.gettext("Recommendations")))
        for rec in checklist.recommendations:
            if rec.id in marker.seen_recs:
                blocks.append(
                    Paragraph(
                        (Text(rec.code, "num"), Text(" "), Text(original_of(rec.text), lang="en")),
                        anchor=original_anchor(rec.id),
                    )
                )
    if marker.seen_practices:
        blocks.append(Heading(2, t.gettext("Good practices")))
        for gp in checklist.good_practices:
            if gp.id in marker.seen_practices:
                english = (
                    f"{original_of(gp.title)} ({original_of(gp.country)}; "
                    f"{original_of(gp.actor)}). {original_of(gp.summary)}"
                )
                blocks.append(
                    Paragraph(
                        (Text(gp.code, "num"), Text(" "), Text(english, lang="en")),
                        anchor=original_anchor(gp.id),
                    )
                )
    return Section(
        tuple(blocks),
        anchor="english-originals-annex",
        role="annex",
        running=f"{kicker} · {t.gettext('The texts in English')}",
    )


def mark_translations(document: Document, checklist: Checklist) -> Document:
    """The document with its translated checklist texts labelled, its untranslated ones
    marked, and an annex of the English originals (and an entry for it in the contents);
    the document itself if the checklist is shown in its own language."""
    if checklist.shown_language is None:
        return document
    t = translator(checklist.display_language)
    kicker = _next_kicker(document.sections, t)
    marker = _Marker(checklist, t, kicker)
    sections = [replace(s, content=marker.blocks(s.content)) for s in document.sections]
    if marker.seen_recs or marker.seen_practices:
        sections.append(_annex(marker, checklist, kicker))
        title = f"{kicker}. {t.gettext('The texts in English')}"
        for index, section in enumerate(sections):
            if section.role != "contents":
                continue
            content = tuple(
                replace(b, items=(*b.items, item(Link(title, f"#{ANNEX_ANCHOR}"), style="part")))
                if isinstance(b, ItemList)
                else b
                for b in section.content
            )
            sections[index] = replace(section, content=content)
    return replace(document, sections=tuple(sections))
