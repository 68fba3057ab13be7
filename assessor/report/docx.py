"""A report :class:`~assessor.report.model.Document` as a Word file (DOCX), with python-docx.

The renderer decides nothing about content: it lays the document model out with Word's own
means, so the file works as a Word user expects.

- Headings use the built-in "Heading 1".."Heading 3" styles (navigation pane, table of contents);
  a kicker joins the heading's text ("Annex A. Good practices").
- Every ``anchor`` is a bookmark; internal links are hyperlinks to that bookmark, external links
  (http, https, mailto only: anything else, ``file:`` above all, would be fetched or run by Word)
  are hyperlinks through an external relationship. A link to an anchor the document does not
  have is written as plain text. python-docx has no hyperlink or bookmark API (its issue #74),
  so :func:`add_hyperlink` and the bookmark code write the XML with its oxml layer.
- Bookmark names are what Word accepts (a letter first, then letters, digits and underscores,
  at most 40 characters, compared without case); :func:`bookmark_names` maps each anchor to a
  unique name, in document order, and links are resolved through the same table.
- Lists are real Word lists ("List Bullet", "List Number" and their 2 and 3 levels). Every
  numbered list gets a numbering instance of its own (a new ``w:num`` on the style's abstract
  numbering, with ``w:startOverride`` 1), so each one starts again at 1; later paragraphs of an
  item use "List Continue". The contents' list has no bullets or numbers, as in the PDF: its
  "part" entries bold, its "sub" entries indented.
- Tables are Word tables ("Table Grid"): the header row bold and repeated on every page, the
  widths given in percent as fixed column widths, the text at 10 pt. A figure is its fallback
  table followed by its description (alt text) in small print, which is also the table's
  ``tblDescription``.
- Page references and meters say nothing here (Word has no page number to give them without an
  update of fields); the whitespace around them is tidied and the word "page" that announced
  the number goes with it, so the text still reads well. A code (text style "num") keeps the
  gap the PDF's style sheet gives it, as a space.
- Page breaks are "page break before" on the next paragraph: after the cover, after the
  contents, and before every main or annex section but the first part of the document.
- A4, 2 cm margins, the title in the header (small, grey), "Page N" in the footer; the language
  on the document defaults and on Normal; the metadata in the core properties (the comments
  carry the word counts) and the word count in ``docProps/app.xml``. python-docx's template
  brings a thumbnail of a blank page; it is left out.

Text that XML cannot hold (control characters other than tab and line breaks, lone surrogates)
is dropped. The work is linear in the size of the document.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time
from urllib.parse import quote, urlsplit

import docx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Emu, Mm, Pt, RGBColor
from docx.table import Table as WordTable
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run
from lxml import etree

from assessor.report.model import (
    Block,
    Document,
    Facts,
    Figure,
    Group,
    Heading,
    Inline,
    Inlines,
    ItemList,
    LineBreak,
    Link,
    Meter,
    PageRef,
    Paragraph,
    Quote,
    Section,
    Table,
    Text,
)
from assessor.translation import translator

__all__ = ["add_hyperlink", "bookmark_names", "heading_text", "render_docx"]

#: What Word accepts as a bookmark name, and how long it may be.
BOOKMARK_MAX = 40
#: Schemes an external link may have; any other link is written as plain text.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Mm(210), Mm(297), Cm(2)
TEXT_WIDTH = Emu(PAGE_WIDTH - 2 * MARGIN)
#: What a cell's margins take from its column's width (Word's default 0.19 cm each side).
CELL_PADDING = Cm(0.38)
GREY = RGBColor(0x59, 0x59, 0x59)  # 7:1 on white
FLAG_RED = RGBColor(0x9C, 0x00, 0x06)
LINK_BLUE = RGBColor(0x05, 0x63, 0xC1)
SMALL, LEAD = Pt(9), Pt(12)

# Characters XML 1.0 cannot hold (tab, line feed and carriage return can).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_NOT_BOOKMARK = re.compile(r"[^A-Za-z0-9_]")
_NOT_LANGUAGE = re.compile(r"[^A-Za-z0-9-]")


def _clean(text: str) -> str:
    """``text`` without the characters XML cannot hold."""
    return _NOT_XML.sub("", text)


# -- names and texts -------------------------------------------------------------------------


def _bookmark_base(anchor: str) -> str:
    """The bookmark name ``anchor`` would have if no other anchor wanted it."""
    ascii_text = unicodedata.normalize("NFKD", anchor).encode("ascii", "ignore").decode()
    name = _NOT_BOOKMARK.sub("_", ascii_text)
    if not name[:1].isalpha():
        name = "a_" + name
    return name[:BOOKMARK_MAX]


def _anchors(document: Document) -> Iterator[str]:
    """Every anchor of the document, in document order (repeats included)."""

    def walk(blocks: Iterable[Block]) -> Iterator[str]:
        for block in blocks:
            if isinstance(block, (Heading, Paragraph)):
                yield block.anchor
            elif isinstance(block, ItemList):
                for list_item in block.items:
                    yield list_item.anchor
                    yield from walk(list_item.content)
            elif isinstance(block, (Table, Figure)):
                table = block if isinstance(block, Table) else block.fallback
                for row in table.rows:
                    yield row.anchor
                    for table_cell in row.cells:
                        yield from walk(table_cell.content)
            elif isinstance(block, Group):
                yield block.anchor
                yield from walk(block.content)

    for section in document.sections:
        yield section.anchor
        yield from walk(section.content)


def bookmark_names(document: Document) -> dict[str, str]:
    """The Word bookmark name of every anchor in ``document``.

    Deterministic: anchors are named in document order, "rec-statistics" -> "rec_statistics";
    a name that starts with anything but a letter gets "a_" in front; one that another anchor
    already has (Word compares names without case) gets "_2", "_3", ... (within 40 characters).
    """
    names: dict[str, str] = {}
    used: set[str] = set()
    next_suffix: dict[str, int] = {}
    for anchor in _anchors(document):
        if not anchor or anchor in names:
            continue
        base = _bookmark_base(anchor)
        name = base
        if name.casefold() in used:
            number = next_suffix.get(base.casefold(), 2)
            while True:
                suffix = f"_{number}"
                name = base[: BOOKMARK_MAX - len(suffix)] + suffix
                number += 1
                if name.casefold() not in used:
                    break
            next_suffix[base.casefold()] = number
        used.add(name.casefold())
        names[anchor] = name
    return names


def heading_text(heading: Heading) -> str:
    """A heading's text in Word, its kicker in front: "Annex A. Good practices" (unless the
    text starts with the kicker already)."""
    text, kicker = heading.text.strip(), heading.kicker.strip()
    if not kicker or text.casefold().startswith(kicker.casefold()):
        return text
    separator = " " if kicker[-1] in ".:)" else ". "
    return f"{kicker}{separator}{text}"


_CLOSING = frozenset(".,;:!?)]}»”’")
#: The word that announces a page number ("page " before a page reference): without the
#: number it would dangle, so it goes with it.
_PAGE_WORD = re.compile(r"\b(?:page|p\.)\s*$", re.IGNORECASE)
#: A separator left before the end of a sentence or bracket where a page number stood
#: ("(Working Session I; " + page + ")").
_DANGLING = re.compile(r"[;,:]?\s*$")


def _readable(content: Inlines) -> list[Inline]:
    """Inline content as Word shows it: without page references and meters, what stood
    around them tidied (no space at either end of the paragraph or line, nor a space or
    separator before closing punctuation, one space where there were two) and the word "page"
    that announced a page number dropped with it; a space after a code ("num") that runs
    into the next text."""
    out: list[Inline] = []
    seam = False
    for part in content:
        if isinstance(part, (PageRef, Meter)):
            if isinstance(part, PageRef) and out and isinstance(out[-1], Text):
                out[-1] = replace(out[-1], text=_PAGE_WORD.sub("", out[-1].text))
            seam = True
            continue
        if seam:
            previous = out[-1] if out else None
            following = part.text[:1] if isinstance(part, (Text, Link)) else ""
            if isinstance(part, Text) and (previous is None or isinstance(previous, LineBreak)):
                part = replace(part, text=part.text.lstrip())
            elif isinstance(previous, Text):
                if isinstance(part, LineBreak) or following in _CLOSING:
                    out[-1] = replace(previous, text=_DANGLING.sub("", previous.text))
                elif following.isspace():
                    out[-1] = replace(previous, text=previous.text.rstrip())
            seam = False
        out.append(part)
    if seam and out and isinstance(out[-1], Text):
        out[-1] = replace(out[-1], text=_DANGLING.sub("", out[-1].text))
    spaced: list[Inline] = []
    for part in out:
        if isinstance(part, Text) and part.text == "":
            continue
        previous = spaced[-1] if spaced else None
        if (
            isinstance(previous, (Text, Link))
            and previous.style == "num"
            and isinstance(part, (Text, Link))
            and not previous.text[-1:].isspace()
            and not part.text[:1].isspace()
            and part.text[:1] not in _CLOSING
        ):
            spaced.append(Text(" "))  # the gap the PDF leaves after a code
        spaced.append(part)
    return spaced


def _external_target(url: str) -> str:
    """``url`` as a relationship target if it may be one (an allowed scheme), else ""."""
    url = _clean(url).strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    if scheme not in LINK_SCHEMES:
        return ""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")


# -- formatting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Look:
    """Direct run formatting (None: as the style says)."""

    bold: bool = False
    italic: bool = False
    small_caps: bool = False
    size: int | None = None
    color: RGBColor | None = None

    def over(self, base: _Look) -> _Look:
        """This look on top of ``base``."""
        return _Look(
            bold=self.bold or base.bold,
            italic=self.italic or base.italic,
            small_caps=self.small_caps or base.small_caps,
            size=self.size if self.size is not None else base.size,
            color=self.color if self.color is not None else base.color,
        )

    def apply(self, run: Run) -> None:
        """Format ``run`` so."""
        font = run.font
        if self.bold:
            font.bold = True
        if self.italic:
            font.italic = True
        if self.small_caps:
            font.small_caps = True
        if self.size is not None:
            font.size = Emu(self.size)
        if self.color is not None:
            font.color.rgb = self.color


PLAIN = _Look()
TEXT_LOOKS: dict[str, _Look] = {
    "strong": _Look(bold=True),
    "em": _Look(italic=True),
    "muted": _Look(color=GREY),
    "small": _Look(size=SMALL),
    "label": _Look(bold=True),
    "badge": _Look(bold=True, small_caps=True),
    "flag": _Look(bold=True, small_caps=True, color=FLAG_RED),
    "num": _Look(bold=True),
    "user": PLAIN,
}
#: Paragraph styles of the model -> the Word paragraph styles this module adds.
PARAGRAPH_STYLES = {"lead": "Lead", "small": "Small", "muted": "Small"}
#: The same styles as run formatting, for paragraphs that must have a list style.
_STYLE_LOOKS = {
    "Lead": _Look(size=LEAD),
    "Small": _Look(size=SMALL, color=GREY),
    "Quote": _Look(italic=True),
}
_BODY_STYLES = frozenset({"Normal", "Lead", "Small", "Quote"})
#: Text in tables, a size smaller than the body's (styles and text styles may set their own).
CELL_LOOK = _Look(size=Pt(10))
#: The contents' entries: a part (chapter, annex) and a sub-entry under it.
_CONTENTS_LOOKS = {"part": _Look(bold=True), "sub": _Look(size=Pt(10))}


def _set_language(rpr: BaseOxmlElement, language: str) -> None:
    """Set ``w:lang`` (val, eastAsia, bidi) in a run-properties element."""
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), language)


def _add_field(paragraph: WordParagraph, instruction: str, shown: str) -> None:
    """A field (PAGE, ...) at the end of ``paragraph``, showing ``shown`` until updated."""

    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def _hyperlink(
    paragraph: WordParagraph, text: str, *, r_id: str = "", bookmark: str = "", style_id: str
) -> Run:
    """A ``w:hyperlink`` (to relationship ``r_id`` or to ``bookmark``) holding one run."""
    link = OxmlElement("w:hyperlink")
    if r_id:
        link.set(qn("r:id"), r_id)
    else:
        link.set(qn("w:anchor"), bookmark)
        link.set(qn("w:history"), "1")
    paragraph._p.append(link)
    run = Run(link.add_r(), paragraph)
    run._r.style = style_id
    run.text = " ".join(_NEWLINE.split(_clean(text)))
    return run


def add_hyperlink(paragraph: WordParagraph, text: str, *, url: str = "", bookmark: str = "") -> Run:
    """Add a hyperlink to the end of ``paragraph``: to an external ``url`` (through an external
    relationship) or to a ``bookmark`` of the document (Word's ``w:anchor``). The text has the
    "Hyperlink" character style, which the document must have. Returns the link's run, for
    more formatting. Which URLs are safe to link is the caller's decision."""
    if bool(url) == bool(bookmark):
        raise ValueError("a hyperlink needs either a url or a bookmark")
    if url:
        r_id = paragraph.part.relate_to(_clean(url), RT.HYPERLINK, is_external=True)
        return _hyperlink(paragraph, text, r_id=r_id, style_id="Hyperlink")
    return _hyperlink(paragraph, text, bookmark=bookmark, style_id="Hyperlink")


# -- where blocks go -------------------------------------------------------------------------


class _Box:
    """Where blocks go: the document body or a table cell, and the width they may fill."""

    def __init__(self, container: WordDocument | _Cell, width: int) -> None:
        self.container = container
        self.width = width
        self.body = isinstance(container, WordDocument)
        self.last_was_table = False
        # A cell starts with an empty paragraph (Word wants one); the first paragraph written
        # into the cell is that one, as is the one python-docx puts after a table in a cell.
        self._reuse: WordParagraph | None = None
        self._initial: WordParagraph | None = None
        if isinstance(container, _Cell):
            self._reuse = self._initial = container.paragraphs[0]

    def paragraph(self) -> WordParagraph:
        """A new paragraph at the end."""
        self.last_was_table = False
        if self._reuse is not None:
            paragraph, self._reuse, self._initial = self._reuse, None, None
            return paragraph
        return self.container.add_paragraph()

    def table(self, columns: int) -> WordTable:
        """A new table of ``columns`` columns and no rows at the end."""
        if self.last_was_table:
            self.paragraph()  # two tables in a row would join into one
        self.last_was_table = True
        table: WordTable = self.container.add_table(0, columns)
        if isinstance(self.container, WordDocument):
            return table
        if self._initial is not None:
            self._initial._p.getparent().remove(self._initial._p)
            self._initial = None
        self._reuse = WordParagraph(table._tbl.getnext(), self.container)
        return table


def _add_row(table: WordTable) -> _Row:
    """A new row at the end of ``table`` (python-docx's ``add_row`` has no annotations)."""
    row: _Row = table.add_row()  # type: ignore[no-untyped-call]
    return row


@dataclass
class _ListLevel:
    """A list being written: its depth (1-3), kind and numbering instance, and whether its
    current item still needs the paragraph that carries the bullet or number."""

    depth: int
    ordered: bool
    num_id: int | None
    marker_pending: bool = False
    #: The contents' list: entries as plain paragraphs, no bullets or numbers (as in the PDF).
    plain: bool = False
    item_style: str = ""

    def style(self, kind: str) -> str:
        """The Word style of this depth: "List Bullet", "List Number 2", "List Continue 3"."""
        return kind if self.depth == 1 else f"{kind} {self.depth}"


def _opens_with_text(blocks: Sequence[Block]) -> bool:
    """Whether ``blocks`` start with a paragraph that can carry a list item's bullet."""
    if not blocks:
        return False
    first = blocks[0]
    if isinstance(first, Facts):
        return bool(first.pairs)
    if isinstance(first, Group):
        return _opens_with_text(first.content)
    return isinstance(first, (Paragraph, Quote))


# -- the renderer ----------------------------------------------------------------------------


class _Renderer:
    """One rendering: the Word document and what is pending while blocks are written."""

    def __init__(self, document: Document) -> None:
        self.source = document
        self.doc = docx.Document()
        self.names = bookmark_names(document)
        self.placed: set[str] = set()
        self.bookmark_id = 0
        self.pending: list[str] = []
        self.break_pending = False
        self.body_started = False
        self.in_contents = False
        self.keeps: list[list[WordParagraph]] = []
        self.lists: list[_ListLevel] = []
        self.style_ids: dict[str, str | None] = {}
        self.relationships: dict[str, str] = {}
        self.abstract_nums: dict[str, int] = {}
        self.box = _Box(self.doc, TEXT_WIDTH)
        self._prepare_styles()

    # -- styles

    def _prepare_styles(self) -> None:
        """Add the styles the rendering uses and the template lacks."""
        styles = self.doc.styles
        names = {style.name for style in styles}
        if "Hyperlink" not in names:
            link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER, builtin=True)
            link.base_style = styles["Default Paragraph Font"]
            link.priority, link.unhide_when_used = 99, True
            link.font.color.rgb = LINK_BLUE
            link.font.underline = True
        if "Quote" not in names:
            quote_style = styles.add_style("Quote", WD_STYLE_TYPE.PARAGRAPH, builtin=True)
            quote_style.base_style = styles["Normal"]
            quote_style.font.italic = True
        styles["Quote"].paragraph_format.left_indent = Cm(1)
        for name, look in (("Lead", _STYLE_LOOKS["Lead"]), ("Small", _STYLE_LOOKS["Small"])):
            if name in names:
                continue
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Normal"]
            style.quick_style = True
            if look.size is not None:
                style.font.size = Emu(look.size)
            if look.color is not None:
                style.font.color.rgb = look.color
        self.hyperlink_style = styles["Hyperlink"].style_id

    def _style_id(self, name: str) -> str | None:
        """The id of paragraph style ``name`` (None for Normal), looked up once."""
        if name not in self.style_ids:
            style = self.doc.styles[name]
            self.style_ids[name] = None if name == "Normal" else style.style_id
        return self.style_ids[name]

    def _numbering(self, style_name: str, start: int = 1) -> int:
        """A new numbering instance, starting at ``start``, for a list of ``style_name``."""
        numbering = self.doc.part.numbering_part.element
        if style_name not in self.abstract_nums:
            style_ppr = self.doc.styles[style_name].element.pPr
            num_id = style_ppr.numPr.numId.val
            abstract = numbering.num_having_numId(num_id).abstractNumId.val
            self.abstract_nums[style_name] = int(abstract)
        num = numbering.add_num(self.abstract_nums[style_name])
        num.add_lvlOverride(ilvl=0).add_startOverride(start)
        return int(num.numId)

    def expect(self, anchor: str) -> None:
        """Bookmark ``anchor`` at the start of the next paragraph written."""
        if anchor and anchor not in self.placed and anchor not in self.pending:
            self.pending.append(anchor)

    # -- paragraphs

    def paragraph(
        self, box: _Box, style: str, content: Inlines, anchor: str = "", look: _Look = PLAIN
    ) -> WordParagraph:
        """Write one paragraph of Word style ``style`` (a list style instead when it carries a
        list item's bullet), with the pending bookmarks and ``anchor``'s."""
        paragraph = box.paragraph()
        num_id: int | None = None
        level = self.lists[-1] if self.lists else None
        if style in _BODY_STYLES and not box.body:
            look = look.over(_STYLE_LOOKS.get(style, PLAIN)).over(CELL_LOOK)
        if level is not None and level.plain and style in _BODY_STYLES:
            look = look.over(_CONTENTS_LOOKS.get(level.item_style, PLAIN))
            if level.item_style == "sub":
                paragraph.paragraph_format.left_indent = Cm(0.8)
            elif level.item_style == "part":
                paragraph.paragraph_format.space_before = Pt(6)
        elif level is not None and style in _BODY_STYLES:
            look = look.over(_STYLE_LOOKS.get(style, PLAIN))
            if level.marker_pending:
                level.marker_pending = False
                style = level.style("List Number" if level.ordered else "List Bullet")
                num_id = level.num_id
            elif style != "Quote":
                style = level.style("List Continue")
        style_id = self._style_id(style)
        if style_id is not None:
            paragraph._p.style = style_id
        if num_id is not None:
            numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            numbering.get_or_add_ilvl().val = 0
            numbering.get_or_add_numId().val = num_id
        if box.body:
            if self.break_pending:
                paragraph.paragraph_format.page_break_before = True
                self.break_pending = False
            self.body_started = True
        opened = self._open_bookmarks(paragraph, [*self.pending, anchor])
        self.pending.clear()
        self._inlines(paragraph, content, look)
        for bookmark_id in opened:
            end = OxmlElement("w:bookmarkEnd")
            end.set(qn("w:id"), str(bookmark_id))
            paragraph._p.append(end)
        for keep in self.keeps:
            keep.append(paragraph)
        return paragraph

    def _open_bookmarks(self, paragraph: WordParagraph, anchors: Iterable[str]) -> list[int]:
        """Start a bookmark in ``paragraph`` for each anchor not placed yet; their ids."""
        opened: list[int] = []
        for anchor in anchors:
            name = self.names.get(anchor)
            if name is None or anchor in self.placed:
                continue
            self.placed.add(anchor)
            start = OxmlElement("w:bookmarkStart")
            start.set(qn("w:id"), str(self.bookmark_id))
            start.set(qn("w:name"), name)
            paragraph._p.append(start)
            opened.append(self.bookmark_id)
            self.bookmark_id += 1
        return opened

    def _inlines(self, paragraph: WordParagraph, content: Inlines, look: _Look) -> None:
        """Write inline content into ``paragraph``."""
        for part in _readable(content):
            if isinstance(part, LineBreak):
                paragraph.add_run().add_break()
            elif isinstance(part, Link):
                self._link(paragraph, part, look)
            elif isinstance(part, Text):
                look_of = TEXT_LOOKS.get(part.style, PLAIN).over(look)
                self._text(paragraph, part.text, look_of, part.lang)

    def _text(self, paragraph: WordParagraph, text: str, look: _Look, lang: str = "") -> None:
        """Runs of ``text`` (its line breaks as Word line breaks), in ``lang`` if given (an
        English original in a translated report), else the document's language."""
        for number, line in enumerate(_NEWLINE.split(_clean(text))):
            run = paragraph.add_run()
            if number:
                run.add_break()
            if line:
                run.text = line
            look.apply(run)
            if lang:
                _set_language(run._r.get_or_add_rPr(), lang)

    def _link(self, paragraph: WordParagraph, link: Link, look: _Look) -> None:
        """A hyperlink, or its text when it leads nowhere it may."""
        look = TEXT_LOOKS.get(link.style, PLAIN).over(look)
        if link.internal:
            bookmark = self.names.get(link.target[1:])
            if bookmark is None:
                self._text(paragraph, link.text, look)
                return
            run = _hyperlink(paragraph, link.text, bookmark=bookmark, style_id=self.hyperlink_style)
        else:
            target = _external_target(link.target)
            if not target:
                self._text(paragraph, link.text, look)
                return
            if target not in self.relationships:
                self.relationships[target] = paragraph.part.relate_to(
                    target, RT.HYPERLINK, is_external=True
                )
            run = _hyperlink(
                paragraph,
                link.text,
                r_id=self.relationships[target],
                style_id=self.hyperlink_style,
            )
        look.apply(run)

    # -- blocks

    def blocks(self, box: _Box, blocks: Iterable[Block]) -> None:
        """Write ``blocks`` in order."""
        for block in blocks:
            self.block(box, block)

    def block(self, box: _Box, block: Block) -> None:
        """Write one block."""
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 3)
            self.paragraph(box, f"Heading {level}", (Text(heading_text(block)),), block.anchor)
        elif isinstance(block, Paragraph):
            style = PARAGRAPH_STYLES.get(block.style, "Normal")
            self.paragraph(box, style, block.content, block.anchor)
        elif isinstance(block, Quote):
            self.paragraph(box, "Quote", (Text(block.text, lang=block.lang),))
        elif isinstance(block, ItemList):
            self.item_list(box, block)
        elif isinstance(block, Table):
            self.table(box, block)
        elif isinstance(block, Facts) and block.inline:  # one line: "Owner: X · Due: Y"
            content: list[Inline] = []
            for label, value in block.pairs:
                if content:
                    content.append(Text(" · "))
                content += [Text(f"{label.strip().rstrip(':')}:", "label"), Text(" "), *value]
            self.paragraph(box, "Normal", tuple(content))
        elif isinstance(block, Facts):
            for label, value in block.pairs:
                label = label.strip()
                shown = label if label.endswith(":") else f"{label}:"
                self.paragraph(box, "Normal", (Text(shown, "label"), Text(" "), *value))
        elif isinstance(block, Figure):
            self.table(box, block.fallback, description=block.alt)
            self.paragraph(box, "Small", (Text(block.alt),))
        elif isinstance(block, Group):
            self.group(box, block)

    def group(self, box: _Box, group: Group) -> None:
        """A group's blocks; kept on one page with the next when its style has "keep"."""
        self.expect(group.anchor)
        if "keep" not in group.style.split():
            self.blocks(box, group.content)
            return
        kept: list[WordParagraph] = []
        self.keeps.append(kept)
        try:
            self.blocks(box, group.content)
        finally:
            self.keeps.pop()
        for paragraph in kept[:-1]:
            paragraph.paragraph_format.keep_with_next = True

    def item_list(self, box: _Box, item_list: ItemList) -> None:
        """A bulleted or numbered list (numbered from its ``start``, whatever came before); in
        the contents, its entries as paragraphs ("part" bold, "sub" indented)."""
        depth = min(len(self.lists) + 1, 3)
        level = _ListLevel(depth, item_list.ordered, None, plain=self.in_contents)
        if item_list.ordered and not level.plain:
            level.num_id = self._numbering(level.style("List Number"), item_list.start)
        self.lists.append(level)
        try:
            for list_item in item_list.items:
                self.expect(list_item.anchor)
                level.marker_pending, level.item_style = not level.plain, list_item.style
                if level.marker_pending and not _opens_with_text(list_item.content):
                    self.paragraph(box, "Normal", ())  # the bullet, before a table or list
                self.blocks(box, list_item.content)
                level.marker_pending = False
        finally:
            self.lists.pop()

    def table(self, box: _Box, table: Table, description: str = "") -> None:
        """A Word table: the header row bold and repeated on every page, the row anchors as
        bookmarks in the rows' first cells."""
        columns = max([len(table.header), *(len(row.cells) for row in table.rows)])
        if columns == 0:
            return
        if box.body and self.break_pending:
            self.paragraph(box, "Normal", ())  # a table cannot carry "page break before"
        word_table = box.table(columns)
        word_table._tbl.tblStyle_val = self._table_style()
        widths = self._widths(table, columns, box.width)
        for column, width in zip(word_table.columns, widths, strict=True):
            column.width = Emu(width)
        table_width = word_table._tbl.tblPr.find(qn("w:tblW"))
        if table_width is not None:
            table_width.set(qn("w:type"), "dxa")
            table_width.set(qn("w:w"), str(sum(widths) // 635))
        if table.widths:
            word_table.autofit = False
        saved_lists, self.lists = self.lists, []
        try:
            if table.header:
                row = _add_row(word_table)
                row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
                for text, word_cell, width in zip(
                    [*table.header, *[""] * (columns - len(table.header))],
                    row.cells,
                    widths,
                    strict=True,
                ):
                    box_ = _Box(word_cell, max(width - CELL_PADDING, CELL_PADDING))
                    self.paragraph(box_, "Normal", (Text(text, "strong"),))
            for source_row in table.rows:
                row = _add_row(word_table)
                self.expect(source_row.anchor)
                for index, (word_cell, width) in enumerate(zip(row.cells, widths, strict=True)):
                    box_ = _Box(word_cell, max(width - CELL_PADDING, CELL_PADDING))
                    if index < len(source_row.cells):
                        self.blocks(box_, source_row.cells[index].content)
                    if self.pending:  # an empty first cell still carries the row's bookmark
                        self.paragraph(box_, "Normal", ())
        finally:
            self.lists = saved_lists
        if description:
            element = OxmlElement("w:tblDescription")
            element.set(qn("w:val"), _clean(description))
            word_table._tbl.tblPr.insert_element_before(element, "w:tblPrChange")

    def _table_style(self) -> str | None:
        """The id of the tables' style, "Table Grid"."""
        if "Table Grid" not in self.style_ids:
            self.style_ids["Table Grid"] = self.doc.styles["Table Grid"].style_id
        return self.style_ids["Table Grid"]

    @staticmethod
    def _widths(table: Table, columns: int, available: int) -> list[int]:
        """Column widths in EMU: ``widths`` in percent of the width available, when there is
        one sensible width for each column; else equal widths."""
        given = table.widths
        if len(given) == columns and all(width > 0 for width in given):
            total = sum(given)
            return [available * width // total for width in given]
        return [available // columns] * columns

    # -- sections and the document

    def section(self, section: Section) -> None:
        """A section: the cover and the contents end their page; a main or annex section
        starts a new one unless it opens the document; a section that flows does neither."""
        if section.role in ("main", "annex") and self.body_started and not section.flow:
            self.break_pending = True
        self.expect(section.anchor)
        self.in_contents = section.role == "contents"
        self.blocks(self.box, section.content)
        self.in_contents = False
        if section.role in ("cover", "contents") and not section.flow:
            self.break_pending = True

    def render(self) -> bytes:
        """The whole document, as DOCX bytes."""
        self._page_setup()
        self._language()
        for section in self.source.sections:
            self.section(section)
        if self.pending:  # anchors of sections or groups that hold no paragraph
            self.break_pending = False
            self.paragraph(self.box, "Normal", ())
        self._properties()
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def _page_setup(self) -> None:
        """A4, 2 cm margins, the title in the header and "Page N" in the footer."""
        page = self.doc.sections[0]
        page.page_width, page.page_height = PAGE_WIDTH, PAGE_HEIGHT
        page.top_margin = page.bottom_margin = MARGIN
        page.left_margin = page.right_margin = MARGIN
        page.header_distance = page.footer_distance = Cm(1)
        sections = self.source.sections
        if sections and sections[0].role == "cover":
            page.different_first_page_header_footer = True  # the cover: no header or footer
        title = _clean(" ".join(self.source.title.split()))
        if title:
            header = page.header.paragraphs[0]
            header.style = self.doc.styles["Header"]
            self._text(header, title, _Look(size=SMALL, color=GREY))
        footer = page.footer.paragraphs[0]
        footer.style = self.doc.styles["Footer"]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run(translator(self.source.language).gettext("Page") + " ")
        _add_field(footer, "PAGE", "1")

    def _language(self) -> None:
        """The document's language on the document defaults and on Normal."""
        language = _NOT_LANGUAGE.sub("", self.source.language)[:35]
        if not language:
            return
        styles = self.doc.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is None:
            defaults = OxmlElement("w:docDefaults")
            styles.insert(0, defaults)
        run_default = defaults.find(qn("w:rPrDefault"))
        if run_default is None:
            run_default = OxmlElement("w:rPrDefault")
            defaults.insert(0, run_default)
        rpr = run_default.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            run_default.append(rpr)
        _set_language(rpr, language)
        _set_language(self.doc.styles["Normal"].element.get_or_add_rPr(), language)

    def _properties(self) -> None:
        """Core properties (title, author, ... and a summary with the word counts) and the word
        count in docProps/app.xml."""
        source = self.source

        def line(text: str, limit: int = 255) -> str:
            return _clean(" ".join(text.split()))[:limit]

        props = self.doc.core_properties
        props.title = line(source.title)
        props.author = line(source.author)
        props.last_modified_by = line(source.author)
        props.subject = line(source.subject)
        props.keywords = line("; ".join(k.strip() for k in source.keywords if k.strip()))
        props.category = line(source.kind)
        props.language = line(source.language)
        created = datetime.combine(source.created, time(0), tzinfo=UTC)
        props.created = props.modified = created
        props.revision = 1
        words = ""
        main, total = source.figures.get("words_main"), source.figures.get("words_total")
        if main is not None and total is not None:
            t = translator(source.language)
            words = t.gettext(
                "Words: %(main)s in the main part, %(total)s in all.",
                main=t.format_number(main),
                total=t.format_number(total),
            )
        summary = line(source.description or source.title, 255 - len(words) - 1)
        props.comments = " ".join(part for part in (summary, words) if part)
        self._app_properties(total)

    def _app_properties(self, words: int | None) -> None:
        """docProps/app.xml: the word count (when known) and the generator as the application.
        The template's thumbnail (a blank Letter page a file manager would show as the
        document's preview) is dropped."""
        package = self.doc.part.package
        for r_id, relationship in list(package.rels.items()):
            if relationship.reltype == RT.THUMBNAIL:
                del package.rels[r_id]
            if relationship.is_external or relationship.reltype != RT.EXTENDED_PROPERTIES:
                continue
            old = relationship.target_part
            root = etree.fromstring(old.blob, etree.XMLParser(resolve_entities=False))
            namespace = etree.QName(root).namespace
            changes = {"Application": _clean(" ".join(self.source.generator.split()))}
            if words is not None:
                changes["Words"] = str(words)
            for tag, value in changes.items():
                element = root.find(f"{{{namespace}}}{tag}")
                if element is not None and value:
                    element.text = value
            blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            new = Part(old.partname, old.content_type, blob, package)
            package.rels.add_relationship(RT.EXTENDED_PROPERTIES, new, r_id)


def render_docx(document: Document) -> bytes:
    """The report ``document`` as a Word file (DOCX bytes)."""
    return _Renderer(document).render()
