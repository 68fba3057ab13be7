"""A report document as HTML, for WeasyPrint: the PDF rendering of :mod:`assessor.report.model`.

The content is decided by the document builders (:mod:`assessor.report.gap_analysis`,
:mod:`assessor.report.brief`); this module only turns blocks into elements, with the styles as
CSS classes for ``report.css``. Every text is escaped, whoever wrote it; what a user typed sits
in ``<bdi class="user-text">`` with invisible break points in long runs. The only markup taken
as is, is a :class:`~assessor.report.model.Figure`'s SVG, which the report's own chart code
makes. The HTML refers to nothing but anchors inside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from markupsafe import escape

from assessor.answers import AnswersFile
from assessor.report.model import (
    Block,
    Cell,
    Document,
    Facts,
    Figure,
    Group,
    Heading,
    Inline,
    ItemList,
    LineBreak,
    Link,
    ListItem,
    Meter,
    PageRef,
    Paragraph,
    Quote,
    Section,
    Table,
    Text,
)
from assessor.report.review import ReviewComments
from assessor.scoring import GapAnalysis
from assessor.text import breakable
from assessor.translation import translator

_TEXT_TAGS = {"strong": "strong", "em": "em"}


def _attrs(**attrs: str) -> str:
    """HTML attributes, escaped; empty values left out. ``class_`` gives ``class``."""
    out = []
    for name, value in attrs.items():
        if value:
            out.append(f' {name.rstrip("_").replace("_", "-")}="{escape(value)}"')
    return "".join(out)


def _field_class(label: str) -> str:
    """A class for an inline fact, from its label: "Due" gives "field-due"."""
    return "field-" + "-".join("".join(c if c.isalnum() else " " for c in label.lower()).split())


def _inline(part: Inline) -> str:
    if isinstance(part, Text) and part.lang:
        return f'<span lang="{escape(part.lang)}">{_inline(replace(part, lang=""))}</span>'
    if isinstance(part, Text):
        if part.style == "user":
            return f'<bdi class="user-text">{escape(breakable(part.text))}</bdi>'
        tag = _TEXT_TAGS.get(part.style)
        if tag:
            return f"<{tag}>{escape(part.text)}</{tag}>"
        if part.style:
            return f'<span class="{escape(part.style)}">{escape(part.text)}</span>'
        return str(escape(part.text))
    if isinstance(part, Link):
        return f"<a{_attrs(href=part.target, class_=part.style)}>{escape(part.text)}</a>"
    if isinstance(part, PageRef):
        ref = f'<a class="page-ref" href="{escape(part.target)}"></a>'
        return f"<span{_attrs(class_=part.style)}>{escape(part.label)}{ref}</span>"
    if isinstance(part, Meter):
        width = max(0.0, min(part.value, 100.0))
        return f'<span class="meter"><span style="width: {width:.1f}%"></span></span>'
    if isinstance(part, LineBreak):
        return "<br>"
    raise TypeError(f"not an inline: {part!r}")


def _inlines(content: Iterable[Inline]) -> str:
    return "".join(_inline(part) for part in content)


def _bare(blocks: tuple[Block, ...]) -> str:
    """A cell's or item's content: one plain paragraph inline, anything else as blocks."""
    if len(blocks) == 1:
        only = blocks[0]
        if isinstance(only, Paragraph) and not only.style and not only.anchor:
            return _inlines(only.content)
    return _blocks(blocks)


def _cell(cell: Cell, tag: str = "td") -> str:
    return f"<{tag}{_attrs(class_=cell.style)}>{_bare(cell.content)}</{tag}>"


def _item(list_item: ListItem) -> str:
    attrs = _attrs(id=list_item.anchor, class_=list_item.style)
    return f"<li{attrs}>{_bare(list_item.content)}</li>"


def _table(table: Table) -> str:
    # Column widths are left to report.css (``table.widths`` is for renderings without it).
    parts = [f"<table{_attrs(class_=table.style)}>"]
    if table.header:
        heads = "".join(f'<th scope="col">{escape(head)}</th>' for head in table.header)
        parts.append(f"<thead><tr>{heads}</tr></thead>")
    parts.append("<tbody>")
    for row in table.rows:
        cells = "".join(_cell(c) for c in row.cells)
        parts.append(f"<tr{_attrs(id=row.anchor, class_=row.style)}>{cells}</tr>")
    parts.append("</tbody></table>")
    return "\n".join(parts)


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        tag = f"h{block.level}"
        attrs = _attrs(id=block.anchor, class_=block.style, data_kicker=block.kicker)
        text = str(escape(block.text))
        if "user" in block.style.split():  # typed by a user: isolated like user text
            text = f"<bdi>{text}</bdi>"
        return f"<{tag}{attrs}>{text}</{tag}>"
    if isinstance(block, Paragraph):
        attrs = _attrs(id=block.anchor, class_=block.style)
        return f"<p{attrs}>{_inlines(block.content)}</p>"
    if isinstance(block, Quote):
        attrs = _attrs(class_=block.style, lang=block.lang)
        return f"<blockquote{attrs}>{escape(block.text)}</blockquote>"
    if isinstance(block, ItemList):
        tag = "ol" if block.ordered else "ul"
        items = "\n".join(_item(i) for i in block.items)
        start = str(block.start) if block.ordered and block.start != 1 else ""
        # WeasyPrint ignores ``start``: the list-item counter says the same.
        reset = f"counter-reset: list-item {block.start - 1}" if start else ""
        attrs = _attrs(class_=block.style, start=start, style=reset)
        return f"<{tag}{attrs}>\n{items}\n</{tag}>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Facts) and block.inline:
        fields = " ".join(
            f'<span class="field {_field_class(label)}"><span class="label">{escape(label)}</span> '
            f"{_inlines(value)}</span>"
            for label, value in block.pairs
        )
        return f"<p{_attrs(class_=block.style)}>{fields}</p>"
    if isinstance(block, Facts):
        pairs = "".join(
            f"<dt>{escape(label)}</dt><dd>{_inlines(value)}</dd>" for label, value in block.pairs
        )
        return f"<dl{_attrs(class_=block.style)}>{pairs}</dl>"
    if isinstance(block, Figure):
        return f'<div class="figure">{block.svg}</div>'
    if isinstance(block, Group):
        attrs = _attrs(id=block.anchor, class_=block.style)
        return f"<div{attrs}>\n{_blocks(block.content)}\n</div>"
    raise TypeError(f"not a block: {block!r}")


def _blocks(blocks: Iterable[Block]) -> str:
    return "\n".join(_block(b) for b in blocks)


def _section(section: Section, document: Document) -> str:
    if section.role == "cover":
        style = " ".join(filter(None, (section.style, "flow" if section.flow else "")))
        attrs = _attrs(id=section.anchor or "cover", class_=style, data_doctitle=section.running)
        return f"<article{attrs}>\n{_blocks(section.content)}\n</article>"
    if section.role == "contents":
        label = translator(document.language).gettext("Contents")
        attrs = _attrs(
            id=section.anchor or "contents",
            class_=section.style,
            aria_label=label,
            data_running=label,
        )
        return f"<nav{attrs}>\n{_blocks(section.content)}\n</nav>"
    classes = " ".join(filter(None, ("chapter", section.style, "flow" if section.flow else "")))
    attrs = _attrs(id=section.anchor, class_=classes, data_running=section.running)
    return f"<section{attrs}>\n{_blocks(section.content)}\n</section>"


def render_document(document: Document) -> str:
    """The document as one HTML page (``<html lang>``, title and metadata in ``<head>``)."""
    meta = [
        ("author", document.author),
        ("description", document.description),
        ("keywords", ", ".join(document.keywords)),
        ("generator", document.generator),
        ("dcterms.created", document.created.isoformat()),
    ]
    head = "".join(f'<meta name="{name}" content="{escape(value)}">\n' for name, value in meta)
    body = "\n".join(_section(section, document) for section in document.sections)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(document.language)}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>{escape(document.title)}</title>\n{head}</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def render_html(
    analysis: GapAnalysis,
    answers_file: AnswersFile,
    *,
    audience: str = "government",
    generated_on: date,
    generator: str = "Assessor",
    compared: AnswersFile | None = None,
    review: ReviewComments | None = None,
) -> str:
    """The report's HTML for an audience: its document (see
    :func:`assessor.report.build_document`) rendered by :func:`render_document`."""
    from assessor.report import build_document

    document = build_document(
        analysis,
        answers_file,
        audience=audience,
        generated_on=generated_on,
        generator=generator,
        compared=compared,
        review=review,
    )
    return render_document(document)
