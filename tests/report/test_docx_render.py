"""The report document model as a Word file, read back as Word and LibreOffice would read it.

One hand-built document holds every block and inline type, every place an anchor can sit and
the awkward cases (bookmark names that collide, a link to nowhere, control characters). It is
rendered once and read back with python-docx (structure, styles, bookmarks, links, metadata),
then opened by LibreOffice (headless, converted to PDF) and read with pdftotext.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph as WordParagraph
from lxml import etree
from report_helpers import GENERATED_ON, normalise

from assessor.answers import AnswersFile, parse_answers_file
from assessor.checklist import load_checklist
from assessor.report import AUDIENCES, build_document
from assessor.report.docx import add_hyperlink, bookmark_names, heading_text, render_docx
from assessor.report.model import (
    Block,
    Cell,
    Document,
    Facts,
    Figure,
    Group,
    Heading,
    ItemList,
    LineBreak,
    Link,
    ListItem,
    Meter,
    PageRef,
    Paragraph,
    Quote,
    Row,
    Section,
    Table,
    Text,
    cell,
    headings,
    inlines,
    item,
    para,
    with_word_counts,
)
from assessor.scoring import GapAnalysis, score
from assessor.translation import translator
from tests.support.ci import unavailable
from tests.support.office import convert, soffice

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
BOOKMARK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
LONG_ANCHOR = "recommendation-" + "x" * 60
OSCE = Path(__file__).parents[2] / "checklists" / "osce-odihr-2017-migrant-integration.yaml"


def missing_anchors(document: Document) -> set[str]:
    """The targets of internal links in ``document`` that no anchor of it answers: each would
    be plain text in Word (and a dead link in the PDF). A builder's documents should have none."""
    anchors: set[str] = set()
    targets: set[str] = set()

    def inline_targets(content: Iterable[object]) -> None:
        for part in content:
            if isinstance(part, (Link, PageRef)) and part.target.startswith("#"):
                targets.add(part.target[1:])

    def walk(blocks: Iterable[Block]) -> None:
        for block in blocks:
            if isinstance(block, (Heading, Paragraph, Group)):
                anchors.add(block.anchor)
            if isinstance(block, Paragraph):
                inline_targets(block.content)
            elif isinstance(block, Facts):
                for _, value in block.pairs:
                    inline_targets(value)
            elif isinstance(block, Group):
                walk(block.content)
            elif isinstance(block, ItemList):
                for list_item in block.items:
                    anchors.add(list_item.anchor)
                    walk(list_item.content)
            elif isinstance(block, (Table, Figure)):
                table = block if isinstance(block, Table) else block.fallback
                for row in table.rows:
                    anchors.add(row.anchor)
                    for table_cell in row.cells:
                        walk(table_cell.content)

    for section in document.sections:
        anchors.add(section.anchor)
        walk(section.content)
    return targets - anchors


def sample() -> Document:
    """A document with every block and inline type and every kind of anchor."""
    cover = Section(
        (
            Heading(1, "Gap analysis of integration policies", anchor="cover-title"),
            para("Moldova", style="lead"),
            Facts(
                (
                    ("Country", inlines(Text("Moldova", "user"))),
                    ("Assessed on:", inlines("14 March 2026")),
                )
            ),
        ),
        anchor="cover",
        role="cover",
    )
    contents = Section(
        (
            Heading(1, "Contents", anchor="contents"),
            ItemList(
                (
                    item(
                        Link("Theme 1. Integration policies", "#theme-1"),
                        " ",
                        PageRef("#theme-1"),
                        style="part",
                    ),
                    item(Link("1.1 Statistics", "#rec-statistics"), style="sub"),
                    item(
                        Link("Annex A. Good practices", "#annex-a"),
                        " ",
                        PageRef("#annex-a"),
                        style="part",
                    ),
                ),
                ordered=True,  # as the builders make it; the PDF shows no numbers either
            ),
        ),
        role="contents",
    )
    ranking = Table(
        header=("Rank", "Recommendation", "Score"),
        rows=(
            Row(
                (
                    cell("1"),
                    Cell(
                        (
                            para(Link("Statistics (1.1)", "#rec-statistics")),
                            ItemList((item("Criterion one"), item("Criterion two"))),
                            para("Second paragraph in the cell", style="small"),
                        )
                    ),
                    cell("25", Meter(25)),
                ),
                anchor="row-statistics",
            ),
            Row((Cell(()), cell("Row with an empty first cell"), cell("0")), anchor="row-empty"),
            Row((cell("3"), cell("A short row"))),
        ),
        widths=(10, 70, 20),
    )
    theme = Section(
        (
            Heading(1, "Integration policies", anchor="theme-1", kicker="Theme 1"),
            para(
                Text("Strong", "strong"),
                " ",
                Text("emphasis", "em"),
                " ",
                Text("muted", "muted"),
                " ",
                Text("small", "small"),
                " ",
                Text("Owner", "label"),
                " ",
                Text("gap", "badge"),
                " ",
                Text("claimed", "flag"),
                " ",
                Text("2.1", "num"),
                " ",
                Text("typed <b>by</b> & a user", "user"),
                anchor="styles-paragraph",
            ),
            para("First line", LineBreak(), "second line"),
            para(
                "See ",
                Link("the statistics recommendation", "#rec-statistics"),
                " ",
                PageRef("#rec-statistics"),
                ", the ",
                Link("ODIHR site", "https://www.osce.org/odihr?a=1&b=2"),
                ", a ",
                Link("dead link", "#no-such-anchor"),
                " and ",
                Link("a script", "javascript:alert(1)"),
                ".",
            ),
            para("Control\x0b characters\x01 are dropped\x00.", style="muted"),
            para(
                Link("A14", "#annex-a"),
                Text(" Austria: Integration monitoring "),
                Text("(Working Session II; page ", "muted"),
                PageRef("#annex-a"),
                Text(")", "muted"),
            ),
            para(Text("1.1.a", "num"), "Data on migrants are collected."),
            para(
                Text("Score 40 "),
                Meter(40),
                Text(" (of 100); see the practice "),
                Text("(Working Session II; ", "muted"),
                PageRef("#annex-a"),
                Text(")", "muted"),
                ", ",
                PageRef("#annex-a"),
                ".",
            ),
            Heading(2, "Statistics on migrants", anchor="rec-statistics"),
            Quote("Participating States should collect data on migrants."),
            ItemList(
                (
                    item("First of list one", anchor="item-one"),
                    ListItem(
                        (
                            para("Second of list one"),
                            para("Its second paragraph"),
                            ItemList((item("Nested bullet"),)),
                        )
                    ),
                ),
                ordered=True,
            ),
            ItemList((item("First of list two"), item("Second of list two")), ordered=True),
            ItemList(
                (
                    ListItem((Table(("Key",), (Row((cell("Table in a list"),)),)),)),
                    item("A bullet after a table"),
                )
            ),
            Heading(3, "Ranking", anchor="rec_statistics"),  # the same bookmark name as above
            ranking,
            Figure(
                svg="<svg><title>Scores by theme</title></svg>",
                alt="Scores by theme: policies 25, services 50",
                fallback=Table(("Theme", "Score"), (Row((cell("Policies"), cell("25"))),)),
            ),
            Group(
                (para("Kept one"), para("Kept two"), para("Kept three")),
                style="keep",
                anchor="kept-group",
            ),
            Group((para("Boxed practice"),), style="practice-box"),
            para("Anchored paragraph", anchor="Rec-Statistics"),  # differs only in case
            para("Long anchor", anchor=LONG_ANCHOR),
            para("Digit anchor", anchor="2-1"),
            para("Non-ASCII anchor", anchor="practică-română"),
        ),
        anchor="main-part",
        role="main",
    )
    second = Section(
        (Heading(1, "Services", anchor="theme-2", kicker="Theme 2"), para("Service text.")),
        role="main",
    )
    annex = Section(
        (
            Heading(1, "Annex A. Good practices", anchor="annex-a", kicker="Annex A"),
            para("Practice text."),
        ),
        anchor="annex",
        role="annex",
    )
    return with_word_counts(
        Document(
            title="Gap analysis: Moldova",
            kind="gap-analysis",
            language="ro-MD",
            author="Ministry of Labour",
            subject="Integration of migrants",
            created=date(2026, 3, 14),
            generator="Assessor 0.1.0",
            sections=(cover, contents, theme, second, annex),
            keywords=("integration", "migrants", "OSCE"),
            description="Self-assessment\nagainst the OSCE/ODIHR recommendations.",
        )
    )


SAMPLE = sample()
ALL_ANCHORS = {
    "cover",
    "cover-title",
    "contents",
    "main-part",
    "theme-1",
    "styles-paragraph",
    "rec-statistics",
    "item-one",
    "rec_statistics",
    "row-statistics",
    "row-empty",
    "kept-group",
    "Rec-Statistics",
    LONG_ANCHOR,
    "2-1",
    "practică-română",
    "theme-2",
    "annex",
    "annex-a",
}


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_docx(SAMPLE)


@pytest.fixture(scope="module")
def word(rendered: bytes) -> WordDocument:
    return docx.Document(io.BytesIO(rendered))


def all_paragraphs(word: WordDocument) -> Iterator[WordParagraph]:
    """Every paragraph of the body, in tables too, in document order."""
    for element in word.element.body.iter(qn("w:p")):
        yield WordParagraph(element, word._body)


def body_texts(word: WordDocument) -> list[str]:
    return [p.text for p in all_paragraphs(word)]


def paragraph_with(word: WordDocument, text: str, style: str = "") -> WordParagraph:
    """The one paragraph with ``text`` (of a style whose name starts with ``style``)."""
    found = [p for p in all_paragraphs(word) if p.text == text and p.style.name.startswith(style)]
    assert len(found) == 1, (text, body_texts(word))
    return found[0]


def word_headings(word: WordDocument) -> list[tuple[str, str]]:
    """(style name, text) of every heading, in order."""
    return [
        (p.style.name, p.text) for p in all_paragraphs(word) if p.style.name.startswith("Heading")
    ]


def bookmarks(word: WordDocument) -> list[str]:
    return list(word.element.body.xpath(".//w:bookmarkStart/@w:name"))


# -- names and texts ---------------------------------------------------------------------------


def test_bookmark_names_are_valid_unique_and_deterministic() -> None:
    names = bookmark_names(SAMPLE)
    assert set(names) == ALL_ANCHORS
    assert names == bookmark_names(sample())
    assert names["rec-statistics"] == "rec_statistics"
    assert names["rec_statistics"] == "rec_statistics_2"
    assert names["Rec-Statistics"] == "Rec_Statistics_3"  # Word ignores case
    assert names["2-1"] == "a_2_1"
    assert names["practică-română"] == "practica_romana"
    assert names[LONG_ANCHOR] == LONG_ANCHOR.replace("-", "_")[:40]
    for name in names.values():
        assert BOOKMARK_NAME.fullmatch(name), name
    assert len({name.casefold() for name in names.values()}) == len(names)


def test_bookmark_names_stay_unique_when_many_collide() -> None:
    anchors = [f"{'y' * 45}{n}" for n in range(30)] + ["Y" * 40 + "_2", "é", "€", ""]
    document = Document(
        "t", "k", "en", "a", "s", date(2026, 1, 1), "g",
        (Section(tuple(para("x", anchor=a) for a in anchors)),),
    )  # fmt: skip
    names = bookmark_names(document)
    assert set(names) == set(anchors) - {""}
    assert len({name.casefold() for name in names.values()}) == len(names)
    assert all(BOOKMARK_NAME.fullmatch(name) for name in names.values())
    assert names["é"] == "e" and names["€"] == "a_"


@pytest.mark.parametrize(
    ("kicker", "text", "expected"),
    [
        ("Annex A", "Good practices", "Annex A. Good practices"),
        ("Theme 2", "Integration policies", "Theme 2. Integration policies"),
        ("Annex A", "Annex A. Good practices", "Annex A. Good practices"),
        ("Annex A:", "Good practices", "Annex A: Good practices"),
        ("", "Methodology", "Methodology"),
    ],
)
def test_heading_text_joins_the_kicker(kicker: str, text: str, expected: str) -> None:
    assert heading_text(Heading(1, text, kicker=kicker)) == expected


def test_add_hyperlink_writes_both_kinds(tmp_path: Path) -> None:
    word = docx.Document()
    word.styles.add_style("Hyperlink", docx.enum.style.WD_STYLE_TYPE.CHARACTER)
    paragraph = word.add_paragraph("Go to ")
    run = add_hyperlink(paragraph, "the site", url="https://example.org/a b")
    run.bold = True
    paragraph.add_run(" or ")
    add_hyperlink(paragraph, "the end", bookmark="end")
    with pytest.raises(ValueError, match="either"):
        add_hyperlink(paragraph, "both", url="https://example.org", bookmark="end")
    with pytest.raises(ValueError, match="either"):
        add_hyperlink(paragraph, "neither")
    path = tmp_path / "links.docx"
    word.save(str(path))
    again = docx.Document(str(path)).paragraphs[0]
    assert again.text == "Go to the site or the end"
    external, internal = again.hyperlinks
    assert (external.text, external.address) == ("the site", "https://example.org/a b")
    assert (internal.text, internal.address, internal.fragment) == ("the end", "", "end")
    assert external.runs[0].bold and external.runs[0].style.name == "Hyperlink"


# -- the rendered document, read back ------------------------------------------------------------


def test_headings_have_the_built_in_styles_and_the_kicker(word: WordDocument) -> None:
    assert word_headings(word) == [
        ("Heading 1", "Gap analysis of integration policies"),
        ("Heading 1", "Contents"),
        ("Heading 1", "Theme 1. Integration policies"),
        ("Heading 2", "Statistics on migrants"),
        ("Heading 3", "Ranking"),
        ("Heading 1", "Theme 2. Services"),
        ("Heading 1", "Annex A. Good practices"),
    ]


def test_paragraph_texts_and_styles(word: WordDocument) -> None:
    texts = body_texts(word)
    assert "Moldova" in texts and paragraph_with(word, "Moldova").style.name == "Lead"
    assert "Country: Moldova" in texts and "Assessed on: 14 March 2026" in texts
    label = paragraph_with(word, "Country: Moldova").runs[0]
    assert label.text == "Country:" and label.bold
    styled = paragraph_with(
        word, "Strong emphasis muted small Owner gap claimed 2.1 typed <b>by</b> & a user"
    )
    looks = {run.text: run.font for run in styled.runs if run.text.strip()}
    assert looks["Strong"].bold and looks["emphasis"].italic
    assert str(looks["muted"].color.rgb) == "595959" and looks["small"].size.pt == 9
    assert looks["Owner"].bold and looks["2.1"].bold
    assert looks["gap"].bold and looks["gap"].small_caps and looks["claimed"].small_caps
    assert not looks["typed <b>by</b> & a user"].bold
    assert "First line\nsecond line" in texts
    # The word "page" goes with the page number it announced; a code keeps its gap.
    assert "A14 Austria: Integration monitoring (Working Session II)" in texts
    assert "1.1.a Data on migrants are collected." in texts
    assert "Score 40 (of 100); see the practice (Working Session II)." in texts
    # The page reference says nothing, and leaves no stray space before the comma.
    assert "See the statistics recommendation, the ODIHR site, a dead link and a script." in texts
    muted = paragraph_with(word, "Control characters are dropped.")
    assert muted.style.name == "Small"
    assert paragraph_with(word, "Second paragraph in the cell").style.name == "Small"
    quote = paragraph_with(word, "Participating States should collect data on migrants.")
    assert quote.style.name == "Quote" and quote.style.paragraph_format.left_indent > 0
    assert paragraph_with(word, "Boxed practice").style.name == "Normal"


def test_every_anchor_is_one_bookmark(word: WordDocument) -> None:
    names = bookmark_names(SAMPLE)
    found = bookmarks(word)
    assert sorted(found) == sorted(names.values())
    starts = word.element.body.xpath(".//w:bookmarkStart/@w:id")
    ends = word.element.body.xpath(".//w:bookmarkEnd/@w:id")
    assert sorted(starts) == sorted(ends) and len(set(starts)) == len(starts)
    # Where they sit: the heading, the row's first cell, the list item, the group's first
    # paragraph, the section's first paragraph.
    assert paragraph_with(word, "Statistics on migrants")._p.xpath("w:bookmarkStart/@w:name") == [
        "rec_statistics"
    ]
    first_cells = [table.rows[1].cells[0] for table in word.tables if len(table.rows) > 2]
    assert first_cells[0]._tc.xpath(".//w:bookmarkStart/@w:name") == ["row_statistics"]
    assert word.tables[-2].rows[2].cells[0]._tc.xpath(".//w:bookmarkStart/@w:name") == ["row_empty"]
    assert paragraph_with(word, "First of list one")._p.xpath("w:bookmarkStart/@w:name") == [
        "item_one"
    ]
    assert paragraph_with(word, "Kept one")._p.xpath("w:bookmarkStart/@w:name") == ["kept_group"]
    assert paragraph_with(word, "Annex A. Good practices", "Heading")._p.xpath(
        "w:bookmarkStart/@w:name"
    ) == ["annex", "annex_a"]


def test_internal_links_lead_to_bookmarks_and_dead_ones_are_text(word: WordDocument) -> None:
    names = set(bookmarks(word))
    links = [link for p in all_paragraphs(word) for link in p.hyperlinks]
    internal = {link.text: link.fragment for link in links if not link.address}
    assert internal == {
        "Theme 1. Integration policies": "theme_1",
        "Annex A. Good practices": "annex_a",
        "1.1 Statistics": "rec_statistics",
        "A14": "annex_a",
        "Statistics (1.1)": "rec_statistics",
        "the statistics recommendation": "rec_statistics",
    }
    assert set(internal.values()) <= names
    assert "dead link" not in {link.text for link in links}
    assert missing_anchors(SAMPLE) == {"no-such-anchor"}
    styles = {run.style.name for link in links for run in link.runs}
    assert styles == {"Hyperlink"}
    hyperlink_style = word.styles["Hyperlink"]
    assert hyperlink_style.font.underline and str(hyperlink_style.font.color.rgb) == "0563C1"


def test_external_links_have_an_external_relationship(word: WordDocument) -> None:
    links = [link for p in all_paragraphs(word) for link in p.hyperlinks if link.address]
    assert [(link.text, link.address) for link in links] == [
        ("ODIHR site", "https://www.osce.org/odihr?a=1&b=2")
    ]
    relationship = word.part.rels[links[0]._hyperlink.rId]
    assert relationship.is_external and relationship.reltype == RT.HYPERLINK
    # A javascript: link is text only: no relationship points at it.
    targets = [rel.target_ref for rel in word.part.rels.values() if rel.is_external]
    assert targets == ["https://www.osce.org/odihr?a=1&b=2"]


def test_tables_repeat_their_header_and_keep_their_widths(word: WordDocument) -> None:
    tables = word.tables
    assert len(tables) == 3  # in the list, the ranking, the figure
    in_list, ranking, figure = tables
    assert [[c.text for c in row.cells] for row in in_list.rows] == [["Key"], ["Table in a list"]]
    assert [c.text for c in ranking.rows[0].cells] == ["Rank", "Recommendation", "Score"]
    assert len(ranking.rows) == 4
    assert [c.text for c in ranking.rows[3].cells] == ["3", "A short row", ""]
    assert ranking.style.name == "Table Grid"
    for table in tables:
        header = table.rows[0]
        assert header._tr.xpath("w:trPr/w:tblHeader"), "header row repeats on every page"
        assert all(run.bold for c in header.cells for run in c.paragraphs[0].runs)
        assert not table.rows[1]._tr.xpath("w:trPr/w:tblHeader")
    widths = [column.width for column in ranking.columns]
    assert [round(100 * w / sum(widths)) for w in widths] == [10, 70, 20]
    assert abs(sum(widths) - (Mm(210) - 2 * Mm(20))) < Mm(1)
    # Cell content is blocks: a link, a list, a second paragraph.
    content = ranking.rows[1].cells[1].paragraphs
    assert [p.text for p in content] == [
        "Statistics (1.1)",
        "Criterion one",
        "Criterion two",
        "Second paragraph in the cell",
    ]
    assert [p.style.name for p in content[1:3]] == ["List Bullet", "List Bullet"]
    assert ranking.rows[1].cells[2].text == "25"  # the meter says nothing
    # Tables are set a size smaller than the body; small print stays smaller.
    assert ranking.rows[3].cells[1].paragraphs[0].runs[0].font.size.pt == 10
    assert content[3].runs[0].font.size.pt == 9
    # A figure is its fallback table with its description, then the description in small print.
    assert figure._tbl.xpath("w:tblPr/w:tblDescription/@w:val") == [
        "Scores by theme: policies 25, services 50"
    ]
    after = figure._tbl.getnext()
    assert WordParagraph(after, word._body).text == "Scores by theme: policies 25, services 50"
    assert WordParagraph(after, word._body).style.name == "Small"


def test_lists_are_word_lists_and_numbered_ones_restart(word: WordDocument) -> None:
    def look(text: str) -> tuple[str, str | None]:
        paragraph = paragraph_with(word, text)
        num_ids = paragraph._p.xpath("w:pPr/w:numPr/w:numId/@w:val")
        return paragraph.style.name, num_ids[0] if num_ids else None

    one, two = look("First of list one"), look("First of list two")
    assert one[0] == two[0] == "List Number"
    assert look("Second of list one") == one and look("Second of list two") == two
    assert one[1] != two[1]
    numbering = word.part.numbering_part.element
    for _, num_id in (one, two):
        starts = numbering.xpath(
            f'w:num[@w:numId="{num_id}"]/w:lvlOverride[@w:ilvl="0"]/w:startOverride/@w:val'
        )
        assert starts == ["1"]
    # A second paragraph of an item continues it; a nested list goes one level deeper.
    assert paragraph_with(word, "Its second paragraph").style.name == "List Continue"
    assert look("Nested bullet") == ("List Bullet 2", None)
    # The contents: entries without bullets or numbers, chapters bold, sub-entries indented.
    part = paragraph_with(word, "Theme 1. Integration policies", "Normal")
    sub = paragraph_with(word, "1.1 Statistics")
    for entry in (part, sub):
        assert entry.style.name == "Normal" and not entry._p.xpath("w:pPr/w:numPr")
    assert part.hyperlinks[0].runs[0].bold and sub.paragraph_format.left_indent.cm > 0
    assert sub.hyperlinks[0].runs[0].font.size.pt == 10
    # An item that opens with a table gets its bullet on a paragraph of its own before it.
    in_list = word.tables[0]._tbl
    before = WordParagraph(in_list.getprevious(), word._body)
    assert (before.style.name, before.text) == ("List Bullet", "")
    assert look("A bullet after a table") == ("List Bullet", None)


def test_sections_start_pages_and_groups_keep_together(word: WordDocument) -> None:
    def breaks_before(text: str) -> bool:
        heading = paragraph_with(word, text, "Heading")
        return bool(heading.paragraph_format.page_break_before)

    assert not breaks_before("Gap analysis of integration policies")
    assert breaks_before("Contents")  # after the cover
    assert breaks_before("Theme 1. Integration policies")  # after the contents
    assert breaks_before("Theme 2. Services") and breaks_before("Annex A. Good practices")
    assert not breaks_before("Statistics on migrants")
    kept = [
        paragraph_with(word, f"Kept {n}").paragraph_format.keep_with_next
        for n in ("one", "two", "three")
    ]
    assert kept == [True, True, None]


def test_page_language_and_running_texts(word: WordDocument, rendered: bytes) -> None:
    page = word.sections[0]
    assert (page.page_width.twips, page.page_height.twips) == (11906, 16838)  # A4
    margins = {page.left_margin, page.right_margin, page.top_margin, page.bottom_margin}
    assert {round(margin.mm, 1) for margin in margins} == {20.0}
    assert page.header.paragraphs[0].text == "Gap analysis: Moldova"
    assert page.header.paragraphs[0].runs[0].font.size.pt == 9
    footer = page.footer.paragraphs[0]
    assert footer.text.startswith("Pagina ")  # the document's language (ro-MD) writes it
    assert footer._p.xpath("w:r/w:instrText/text()") == [" PAGE "]
    assert page.different_first_page_header_footer  # the cover has none
    styles = etree.fromstring(zipfile.ZipFile(io.BytesIO(rendered)).read("word/styles.xml"))
    for path in (
        "w:docDefaults/w:rPrDefault/w:rPr/w:lang",
        "w:style[@w:styleId='Normal']/w:rPr/w:lang",
    ):
        (lang,) = styles.xpath(path, namespaces=NS)
        assert [lang.get(f"{{{W}}}{a}") for a in ("val", "eastAsia", "bidi")] == ["ro-MD"] * 3


def test_core_and_app_properties(word: WordDocument, rendered: bytes) -> None:
    props = word.core_properties
    assert props.title == "Gap analysis: Moldova"
    assert props.author == "Ministry of Labour"
    assert props.subject == "Integration of migrants"
    assert props.keywords == "integration; migrants; OSCE"
    assert props.category == "gap-analysis"
    assert props.language == "ro-MD"
    assert props.created == datetime(2026, 3, 14, tzinfo=UTC)
    words = SAMPLE.figures
    assert words["words_main"] < words["words_total"]
    t = translator("ro")  # the document is in Romanian (ro-MD): so are the counts' words
    assert props.comments == (
        "Self-assessment against the OSCE/ODIHR recommendations. "
        f"Cuvinte: {t.format_number(words['words_main'])} în partea principală, "
        f"{t.format_number(words['words_total'])} în total."
    )
    package = zipfile.ZipFile(io.BytesIO(rendered))
    assert "docProps/thumbnail.jpeg" not in package.namelist()  # the template's blank page
    app = etree.fromstring(package.read("docProps/app.xml"))
    ep = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    assert app.findtext(f"{ep}Words") == str(words["words_total"])
    assert app.findtext(f"{ep}Application") == "Assessor 0.1.0"


def test_without_word_counts_the_comments_say_none() -> None:
    document = Document(
        "Brief", "brief", "en", "A", "S", date(2026, 1, 2), "g", (Section((para("x"),)),)
    )  # fmt: skip
    props = docx.Document(io.BytesIO(render_docx(document))).core_properties
    assert props.comments == "Brief" and "Words" not in props.comments


def test_hostile_text_is_escaped_or_dropped() -> None:
    nasty = "<w:p>&amp;\x01\x0b\ud800 ]]> \ufffe\t tab"
    document = Document(
        nasty, nasty, "en\x00", nasty, nasty, date(2026, 1, 2), nasty,
        (Section((Heading(1, nasty, anchor=nasty, kicker=nasty), para(nasty, Link(nasty, "#" + nasty)), Quote(nasty), Facts(((nasty, inlines(nasty)),)), Table((nasty,), (Row((cell(nasty),), anchor=nasty + "x"),)))),),  # noqa: E501
        keywords=(nasty,) * 40,
        description=nasty * 40,
    )  # fmt: skip
    word = docx.Document(io.BytesIO(render_docx(document)))
    clean = "<w:p>&amp; ]]> \t tab"
    assert all(p.text.startswith(clean) for p in all_paragraphs(word))
    assert word.paragraphs[1].hyperlinks[0].text == clean
    assert len(word.core_properties.keywords) == 255


def test_a_document_without_sections_is_still_a_document() -> None:
    document = Document("Empty", "brief", "", "", "", date(2026, 1, 2), "", ())
    word = docx.Document(io.BytesIO(render_docx(document)))
    assert word.paragraphs == [] and word.core_properties.title == "Empty"


def test_a_hundred_pages_render_whole() -> None:
    """A long report (104 pages in LibreOffice) renders whole: every bookmark, every table,
    a numbering of its own for every numbered list. (Time is for benchmarks, not tests: this
    one takes about 1.5 s on the development machine.)"""
    blocks: list[Block] = []
    count = 150
    for n in range(count):
        blocks += [
            Heading(2, f"Recommendation {n}", anchor=f"rec-{n}"),
            para("Text ", Link("next", f"#rec-{(n + 1) % count}"), " words" * 200, style="lead"),
            ItemList(tuple(item(f"Point {n}.{k}") for k in range(4)), ordered=True),
            Table(("A", "B"), tuple(Row((cell(f"{n}.{k}"), cell("x" * 40))) for k in range(6))),
        ]
    document = Document(
        "Long", "k", "en", "a", "s", date(2026, 1, 2), "g", (Section(tuple(blocks)),)
    )  # fmt: skip
    word = docx.Document(io.BytesIO(render_docx(document)))
    assert len(bookmarks(word)) == count and len(word.tables) == count
    num_ids = {
        p._p.xpath("string(w:pPr/w:numPr/w:numId/@w:val)")
        for p in word.paragraphs
        if p.style.name == "List Number"
    }
    assert len(num_ids) == count


# -- the builders' documents -----------------------------------------------------------------


def osce_document(audience: str) -> Document:
    """The OSCE checklist's report with every criterion a gap (the longest there is)."""
    checklist = load_checklist(OSCE)
    data = {
        "checklist": checklist.id,
        "checklist_version": checklist.version,
        "assessment": {
            "title": "Every gap",
            "organisation": "Test ministry",
            "country": "Latvia",
            "respondent": "government",
        },
        "answers": {c.id: {"level": "not_in_place", "evidence": "E."} for c in checklist.criteria},
    }
    answers_file, _ = parse_answers_file(json.dumps(data), {checklist.id: checklist}.get)
    analysis = score(checklist, answers_file.answers)
    return build_document(analysis, answers_file, audience=audience, generated_on=GENERATED_ON)


@pytest.fixture(scope="module")
def built(analysis: GapAnalysis, answers_file: AnswersFile) -> dict[str, Document]:
    """The documents the builders make: both audiences, on the test and the OSCE checklists."""
    documents = {
        f"libraries-{audience}": build_document(
            analysis, answers_file, audience=audience, generated_on=GENERATED_ON
        )
        for audience in AUDIENCES
    }
    documents |= {f"osce-{audience}": osce_document(audience) for audience in AUDIENCES}
    return documents


def test_the_builders_documents_render_whole(built: dict[str, Document]) -> None:
    """Every report the app makes: no link without its anchor, every anchor a bookmark, every
    internal hyperlink leading to one, the headings as in the document, the word count."""
    for key, document in built.items():
        assert missing_anchors(document) == set(), key
        rendered = render_docx(document)
        word = docx.Document(io.BytesIO(rendered))
        names = bookmarks(word)
        assert sorted(names) == sorted(bookmark_names(document).values()), key
        anchors = set(word.element.body.xpath(".//w:hyperlink/@w:anchor"))
        assert anchors and anchors <= set(names), key
        expected = [(f"Heading {h.level}", heading_text(h)) for h in headings(document)]
        assert word_headings(word) == expected, key
        assert f"{document.figures['words_total']:,} in all" in word.core_properties.comments
        assert not [p.text for p in all_paragraphs(word) if re.search(r"\bpage\)", p.text)], key


# -- LibreOffice ---------------------------------------------------------------------------------


def test_libreoffice_opens_the_docx(rendered: bytes, tmp_path: Path) -> None:
    """LibreOffice Writer opens the file and prints it to PDF with its headings, tables,
    restarted numbering and page numbers."""
    soffice("libreoffice-writer-nogui")
    if shutil.which("pdftotext") is None:
        unavailable("pdftotext is not installed (apt-get install poppler-utils)")
    source = tmp_path / "report.docx"
    source.write_bytes(rendered)
    pdf = convert(source, "pdf", tmp_path / "out", package="libreoffice-writer-nogui")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for heading in (
        "Gap analysis of integration policies",
        "Theme 1. Integration policies",
        "Statistics on migrants",
        "Annex A. Good practices",
    ):
        assert heading in lines, heading
    assert any("Row with an empty first cell" in line for line in lines)
    assert "1. First of list one" in lines and "1. First of list two" in lines
    assert "2. Second of list two" in lines
    assert "Pagina 2" in lines  # the footer, in the document's language (ro-MD)
    assert "Control characters are dropped." in lines
    pages = text.count("\f")
    assert pages >= 5  # cover, contents, theme 1 (long), theme 2, annex


def test_libreoffice_opens_the_longest_report(built: dict[str, Document], tmp_path: Path) -> None:
    """The OSCE gap analysis with every criterion a gap (the longest report) opens in
    LibreOffice Writer: every heading is printed, and no page number is left dangling."""
    soffice("libreoffice-writer-nogui")
    if shutil.which("pdftotext") is None:
        unavailable("pdftotext is not installed (apt-get install poppler-utils)")
    document = built["osce-government"]
    source = tmp_path / "gap-analysis.docx"
    source.write_bytes(render_docx(document))
    pdf = convert(source, "pdf", tmp_path / "out", package="libreoffice-writer-nogui")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert text.count("\f") >= 20
    flat = normalise(text)
    for heading in headings(document):
        assert normalise(heading_text(heading)) in flat, heading.text
    assert "(Working Session I)" in flat and "; page)" not in flat


def test_inline_facts_are_one_line() -> None:
    document = Document(
        title="Plan",
        kind="Gap analysis",
        language="en",
        author="Ministry",
        subject="Plan",
        created=GENERATED_ON,
        generator="test",
        sections=(
            Section(
                (
                    Heading(1, "Action plan"),
                    Facts(
                        (
                            ("Owner", inlines(Text("Бюро", "user"))),
                            ("Due", inlines("31 January 2026", " ", Text("Overdue", "badge"))),
                        ),
                        inline=True,
                    ),
                )
            ),
        ),
    )
    word = docx.Document(io.BytesIO(render_docx(document)))
    texts = [p.text for p in word.paragraphs if p.text]
    assert "Owner: Бюро · Due: 31 January 2026 Overdue" in texts
    line = paragraph_with(word, "Owner: Бюро · Due: 31 January 2026 Overdue")
    assert [r.text for r in line.runs if r.bold][:2] == ["Owner:", "Due:"]
