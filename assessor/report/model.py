"""A report as a document: a pure tree of sections, headings, paragraphs, lists, tables and links.

The report's content is built once into a :class:`Document` (by
:mod:`assessor.report.gap_analysis` and :mod:`assessor.report.brief`) and then rendered, without
deciding anything more about content, to HTML for the PDF (:mod:`assessor.report.html`) and to
Word (:mod:`assessor.report.docx`). Both renderings therefore carry the same text.

Conventions every renderer follows:

- ``style`` names a presentation role ("lead", "small", "muted", "rec-text", ...): a CSS class in
  HTML, a paragraph or character style (or nothing) in Word. It never carries content.
- ``anchor`` is a fragment id ("rec-statistics"); a :class:`Link` whose ``target`` starts with
  ``#`` points at one (an internal link; a bookmark in Word), anything else is an external URL.
- Text is plain text, never markup; renderers escape it. :class:`Text` with style ``"user"`` is
  text a user typed (kept apart for bidirectional isolation and break points).
- A :class:`Section` of role ``"annex"`` is outside the document's main part, which is what
  :func:`word_count` counts for a brief's word limit.

Pure: no Flask, no database, no WeasyPrint, no python-docx.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, TypeAlias

# -- inline content ------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A run of text. ``style``: "" (plain), "strong", "em", "muted", "small", "label" (a field
    name such as "Owner"), "badge", "flag", "num" (a code), "user" (typed by a user). ``lang``:
    the language of the text when it is not the document's (an English original)."""

    text: str
    style: str = ""
    lang: str = ""


@dataclass(frozen=True)
class Link:
    """A link: internal when ``target`` is "#anchor", else an external URL."""

    text: str
    target: str
    style: str = ""

    @property
    def internal(self) -> bool:
        """Whether the link points inside the document."""
        return self.target.startswith("#")


@dataclass(frozen=True)
class PageRef:
    """The page number of an anchor ("#anchor"), after ``label``, where the rendering numbers
    its pages for it (the PDF); elsewhere nothing at all, label included."""

    target: str
    label: str = "page "
    style: str = ""


@dataclass(frozen=True)
class Meter:
    """A score drawn as a bar, 0-100 (decoration beside a score printed as text)."""

    value: float


@dataclass(frozen=True)
class LineBreak:
    """A line break inside a paragraph or cell."""


Inline: TypeAlias = Text | Link | PageRef | Meter | LineBreak
Inlines: TypeAlias = tuple[Inline, ...]


# -- blocks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """A heading of level 1 (chapter), 2 or 3. ``kicker`` is a short label printed above a
    chapter heading ("Theme 2", "Annex A"); it is part of the heading's text in Word. Style
    "user": the text was typed by a user (a title), isolated like :class:`Text` "user"."""

    level: int
    text: str
    anchor: str = ""
    kicker: str = ""
    style: str = ""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of inline content."""

    content: Inlines
    style: str = ""
    anchor: str = ""


@dataclass(frozen=True)
class Quote:
    """A verbatim quotation (a recommendation, a commitment), as a block; ``lang`` as for
    :class:`Text`."""

    text: str
    style: str = ""
    lang: str = ""


@dataclass(frozen=True)
class ListItem:
    """One item of a list: blocks (usually one paragraph)."""

    content: tuple[Block, ...]
    anchor: str = ""
    style: str = ""


@dataclass(frozen=True)
class ItemList:
    """A bulleted or numbered list; a numbered one counts from ``start`` (numbered paragraphs
    that go on across headings)."""

    items: tuple[ListItem, ...]
    ordered: bool = False
    style: str = ""
    start: int = 1


@dataclass(frozen=True)
class Cell:
    """A table cell: blocks (usually paragraphs)."""

    content: tuple[Block, ...]
    style: str = ""


@dataclass(frozen=True)
class Row:
    """A table row."""

    cells: tuple[Cell, ...]
    anchor: str = ""
    style: str = ""


@dataclass(frozen=True)
class Table:
    """A table with a header row (``header`` empty: none). ``widths`` are relative column
    widths in percent (empty: let the renderer decide)."""

    header: tuple[str, ...]
    rows: tuple[Row, ...]
    style: str = ""
    widths: tuple[int, ...] = ()


@dataclass(frozen=True)
class Facts:
    """Labelled facts (a definition list): ("Country", "Moldova"), ... ``inline``: on one
    line, label and value kept together ("Owner X   Due Y"), as in an entry's details."""

    pairs: tuple[tuple[str, Inlines], ...]
    style: str = ""
    inline: bool = False


@dataclass(frozen=True)
class Figure:
    """A chart as inline SVG (its ``<title>`` is the alt text), with a table that says the same
    for renderings that cannot draw SVG (Word)."""

    svg: str
    alt: str
    fallback: Table


@dataclass(frozen=True)
class Group:
    """Blocks kept together or styled as one box ("keep", "practice-box", "rec-head")."""

    content: tuple[Block, ...]
    style: str = ""
    anchor: str = ""


Block: TypeAlias = Heading | Paragraph | Quote | ItemList | Table | Facts | Figure | Group


@dataclass(frozen=True)
class Section:
    """A part of the document. ``role``: "cover", "contents", "main" or "annex". In paged
    renderings a cover or contents ends its page and a main or annex section starts a new
    one, unless ``flow``: then it runs on from (or into) what is before (or after) it, as in
    a brief. ``running`` is its running header there."""

    content: tuple[Block, ...]
    anchor: str = ""
    role: Literal["cover", "contents", "main", "annex"] = "main"
    style: str = ""
    running: str = ""
    flow: bool = False


@dataclass(frozen=True)
class Document:
    """A whole report: metadata and its sections in reading order."""

    title: str
    kind: str
    language: str
    author: str
    subject: str
    created: date
    generator: str
    sections: tuple[Section, ...]
    keywords: tuple[str, ...] = ()
    description: str = ""
    #: Key figures a rendering may show or store (e.g. {"words_main": 1234}); filled by
    #: :func:`with_word_counts`.
    figures: dict[str, int] = field(default_factory=dict)


# -- building helpers ----------------------------------------------------------------------


def inlines(*parts: str | Inline) -> Inlines:
    """Inline content from strings (plain text) and inline items, empty strings dropped."""
    return tuple(Text(part) if isinstance(part, str) else part for part in parts if part != "")


def para(*parts: str | Inline, style: str = "", anchor: str = "") -> Paragraph:
    """A paragraph from strings and inline items."""
    return Paragraph(inlines(*parts), style=style, anchor=anchor)


def item(*parts: str | Inline, style: str = "", anchor: str = "") -> ListItem:
    """A list item holding one paragraph."""
    return ListItem((para(*parts),), anchor=anchor, style=style)


def cell(*parts: str | Inline, style: str = "") -> Cell:
    """A cell holding one paragraph."""
    return Cell((para(*parts),), style=style)


# -- reading back ----------------------------------------------------------------------------


def inline_text(content: Iterable[Inline]) -> str:
    """The plain text of inline content (page references and meters say nothing)."""
    out: list[str] = []
    for part in content:
        if isinstance(part, (Text, Link)):
            out.append(part.text)
        elif isinstance(part, LineBreak):
            out.append("\n")
    return "".join(out)


def block_texts(block: Block) -> Iterator[str]:
    """The plain texts of a block, in reading order (tables: header, then cells by row)."""
    if isinstance(block, Heading):
        if block.kicker:
            yield block.kicker
        yield block.text
    elif isinstance(block, Paragraph):
        yield inline_text(block.content)
    elif isinstance(block, Quote):
        yield block.text
    elif isinstance(block, ItemList):
        for list_item in block.items:
            for inner in list_item.content:
                yield from block_texts(inner)
    elif isinstance(block, Table):
        yield from block.header
        for row in block.rows:
            for table_cell in row.cells:
                for inner in table_cell.content:
                    yield from block_texts(inner)
    elif isinstance(block, Facts):
        for label, value in block.pairs:
            yield label
            yield inline_text(value)
    elif isinstance(block, Figure):
        yield block.alt
    elif isinstance(block, Group):
        for inner in block.content:
            yield from block_texts(inner)


def section_texts(section: Section) -> Iterator[str]:
    """The plain texts of a section, in reading order."""
    for block in section.content:
        yield from block_texts(block)


_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*|\d+(?:[.,]\d+)*")


def count_words(text: str) -> int:
    """Words as a word processor counts them, near enough: runs of letters or digits, with
    hyphens and apostrophes inside a word ("self-assessment", "State's") counting once."""
    return sum(1 for _ in _WORD.finditer(text))


def word_counts(document: Document) -> dict[str, int]:
    """Words in the main part (cover and main sections, not the contents or annexes) and in
    the whole document (without the contents list)."""
    main = whole = 0
    for section in document.sections:
        if section.role == "contents":
            continue
        words = sum(count_words(text) for text in section_texts(section))
        whole += words
        if section.role != "annex":
            main += words
    return {"words_main": main, "words_total": whole}


def with_word_counts(document: Document) -> Document:
    """The document with its word counts recorded in ``figures``."""
    document.figures.update(word_counts(document))
    return document


def headings(document: Document) -> Iterator[Heading]:
    """Every heading of the document, in order (groups and list items included)."""

    def walk(blocks: Iterable[Block]) -> Iterator[Heading]:
        for block in blocks:
            if isinstance(block, Heading):
                yield block
            elif isinstance(block, Group):
                yield from walk(block.content)

    for section in document.sections:
        yield from walk(section.content)
