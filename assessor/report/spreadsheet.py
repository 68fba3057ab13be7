"""The action plan as a spreadsheet people can edit: XLSX (openpyxl) and CSV.

Beside the PDF renderer and fed by the same plan (:mod:`assessor.plan`), so the spreadsheet, the
PDF's action-plan chapter and the app's page list the same rows in the same order. One row per
gap, in priority order, with the columns of :data:`COLUMNS`; ``code`` is the criterion's display
code ("2.1.a"), as on every page and in the PDF.

What makes it safe and pleasant to open:

- Formula injection (OWASP "CSV injection"): a cell that starts with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return could run as a formula when the file is opened or edited. In the
  CSV such a cell gets a leading apostrophe, as OWASP recommends; in the XLSX every text cell is
  stored as a string (never a formula) and such a cell also gets Excel's "quote prefix", so
  editing it does not turn it into a formula either.
- Text is wrapped, the header row is bold and frozen, filters are on, the due date is a real date
  (``yyyy-mm-dd``), and the CSV is UTF-8 with a byte-order mark so spreadsheet programs read
  Cyrillic and Romanian letters right.

Levels and statuses are written as their labels ("Partially in place", "In progress"): this file
is for people. The header, the labels and the sheet's name are in the language of the document
being made (:func:`assessor.translation.writing_in`; in the app, the page's language): in English
the header is the column keys of :data:`COLUMNS`, which scripts may rely on. The JSON answers
file stays the way to move a plan between installations.
Pure: no Flask, no database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from assessor.plan import ActionPlan, PlanRow
from assessor.translation import N_, current_translator
from assessor.translation import gettext as _

#: The columns, in order, with their width in the XLSX (in characters).
COLUMN_WIDTHS: tuple[tuple[str, int], ...] = (
    ("rank", 6),
    ("code", 8),
    ("criterion_id", 22),
    ("criterion", 48),
    ("recommendation_id", 20),
    ("recommendation", 56),
    ("theme", 28),
    ("current_level", 18),
    ("target_level", 18),
    ("action", 48),
    ("owner", 26),
    ("due", 12),
    ("status", 14),
    ("budget", 24),
    ("good_practices", 48),
)
COLUMNS: tuple[str, ...] = tuple(name for name, _ in COLUMN_WIDTHS)
#: What a cell may not start with, lest a spreadsheet program read it as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE = N_("Action plan")

Cell = str | int | date | None


def header() -> tuple[str, ...]:
    """The header row in the document's language (the keys of :data:`COLUMNS` in English)."""
    t = current_translator()
    names = {
        "rank": t.pgettext("column", "rank"),
        "code": t.pgettext("column", "code"),
        "criterion_id": t.pgettext("column", "criterion_id"),
        "criterion": t.pgettext("column", "criterion"),
        "recommendation_id": t.pgettext("column", "recommendation_id"),
        "recommendation": t.pgettext("column", "recommendation"),
        "theme": t.pgettext("column", "theme"),
        "current_level": t.pgettext("column", "current_level"),
        "target_level": t.pgettext("column", "target_level"),
        "action": t.pgettext("column", "action"),
        "owner": t.pgettext("column", "owner"),
        "due": t.pgettext("column", "due"),
        "status": t.pgettext("column", "status"),
        "budget": t.pgettext("column", "budget"),
        "good_practices": t.pgettext("column", "good_practices"),
    }
    return tuple(names[column] for column in COLUMNS)


def plan_cells(row: PlanRow) -> tuple[Cell, ...]:
    """One plan row's values, in :data:`COLUMNS` order (``due`` a date, ``rank`` a number)."""
    action = row.action
    return (
        row.rank,
        row.criterion.code,
        row.criterion.id,
        row.criterion.text,
        row.recommendation.id,
        row.recommendation.text,
        row.theme.title,
        _(row.current_level_label),
        _(row.target_level_label) if row.target_level_label else "",
        action.action if action else "",
        action.owner if action else "",
        action.due if action else None,
        _(row.status_label) if action else "",
        action.budget if action else "",
        "; ".join(practice.title for practice in row.good_practices),
    )


def table(plan: ActionPlan) -> Iterator[tuple[Cell, ...]]:
    """The plan's rows as cells, in priority order (without the header)."""
    for row in plan.rows:
        yield plan_cells(row)


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet program could take this text for a formula."""
    return text.startswith(FORMULA_STARTS)


def csv_safe(text: str) -> str:
    """Text for a CSV cell: an apostrophe before anything that could read as a formula."""
    return "'" + text if is_formula_like(text) else text


def to_csv(plan: ActionPlan) -> bytes:
    """The plan as CSV: UTF-8 with a byte-order mark, a header row, one row per gap."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header())
    for cells in table(plan):
        writer.writerow([_csv_cell(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(cell: Cell) -> str | int:
    if cell is None:
        return ""
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, str):
        return csv_safe(cell)
    return cell


def to_xlsx(plan: ActionPlan, *, title: str = SHEET_TITLE) -> bytes:
    """The plan as an XLSX workbook; ``title`` goes into the document properties."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = _(SHEET_TITLE)[:31]  # Excel's limit on a sheet's name
    workbook.properties.title = _clean(_(title) if title == SHEET_TITLE else title)[:255]
    workbook.properties.creator = "Assessor"
    workbook.properties.subject = _("Action plan: the gaps in priority order and their actions")

    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append(header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCE6F0")
        cell.alignment = wrap
    for cells in table(plan):
        sheet.append([_clean(c) if isinstance(c, str) else c for c in cells])
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a string, even if it starts with "="
                if is_formula_like(cell.value):
                    cell.quotePrefix = True
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    for index, (_column, width) in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


#: The formats the plan is written in: file extension -> media type.
MEDIA_TYPES: Mapping[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
FORMATS: tuple[str, ...] = tuple(MEDIA_TYPES)


def render(plan: ActionPlan, file_format: str, *, title: str = SHEET_TITLE) -> bytes:
    """The plan in one of :data:`FORMATS` ("xlsx" or "csv"); ``ValueError`` for any other."""
    renderers: dict[str, Callable[[], bytes]] = {
        "xlsx": lambda: to_xlsx(plan, title=title),
        "csv": lambda: to_csv(plan),
    }
    if file_format not in renderers:
        raise ValueError(f"unknown format {file_format!r}; expected one of {', '.join(FORMATS)}")
    return renderers[file_format]()


def _clean(text: str) -> str:
    """Text without the control characters an XLSX file cannot hold (the answers file refuses
    them already; this keeps a file readable whatever reaches it)."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", text))
