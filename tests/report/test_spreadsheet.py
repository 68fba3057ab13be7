"""The action plan as XLSX and CSV, read back as a spreadsheet program and a script would."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest

from assessor.answers import Action
from assessor.plan import ActionPlan, action_plan
from assessor.report.spreadsheet import COLUMNS, to_csv, to_xlsx
from assessor.scoring import GapAnalysis
from tests.support.office import convert

TODAY = date(2026, 3, 14)
HEADER = [
    "rank",
    "code",
    "criterion_id",
    "criterion",
    "recommendation_id",
    "recommendation",
    "theme",
    "current_level",
    "target_level",
    "action",
    "owner",
    "due",
    "status",
    "budget",
    "good_practices",
]
CYRILLIC = "Бюро по делам мигрантов"
ROMANIAN = "Agenția Națională pentru Ocuparea Forței de Muncă, Bălți"
ACTIONS = {
    "hours-evening": Action(
        action=f"Open until 20:00 in {ROMANIAN}.\nSecond line.",
        owner=CYRILLIC,
        due=date(2027, 6, 30),
        target_level="full",
        status="in_progress",
        budget="EUR 40,000, AMIF",
    ),
    "languages-survey": Action(action="=cmd|' /C calc'!A0", owner="+Owner", budget="-5"),
    "languages-books": Action(action="@SUM(A1)", owner="Ministry", status="done"),
}


@pytest.fixture(scope="module")
def plan(analysis: GapAnalysis) -> ActionPlan:
    return action_plan(analysis, ACTIONS, TODAY)


@pytest.fixture(scope="module")
def sheet(plan: ActionPlan):
    data = to_xlsx(plan, title="Action plan: Libraries review")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.properties.title == "Action plan: Libraries review"
    assert workbook.sheetnames == ["Action plan"]
    return workbook["Action plan"]


def test_the_columns_are_the_documented_ones():
    assert list(COLUMNS) == HEADER


def test_xlsx_header_frozen_filtered_and_bold(sheet, plan):
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:O{len(plan.rows) + 1}"
    # Wide text columns, narrow rank and date columns; text wrapped.
    widths = {HEADER[i]: sheet.column_dimensions[chr(65 + i)].width for i in range(len(HEADER))}
    assert widths["rank"] < widths["due"] < widths["owner"] < widths["criterion"]
    assert sheet["D2"].alignment.wrap_text and sheet["J2"].alignment.wrap_text


def test_xlsx_rows_in_priority_order_with_their_actions(sheet, plan):
    rows = [dict(zip(HEADER, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert [r["rank"] for r in rows] == list(range(1, len(plan.rows) + 1))
    assert [r["criterion_id"] for r in rows] == [row.criterion.id for row in plan.rows]
    by_id = {r["criterion_id"]: r for r in rows}
    evening = by_id["hours-evening"]
    assert evening["action"] == f"Open until 20:00 in {ROMANIAN}.\nSecond line."
    assert evening["owner"] == CYRILLIC
    assert (evening["current_level"], evening["target_level"]) == ("Not in place", "Fully in place")
    assert (evening["status"], evening["budget"]) == ("In progress", "EUR 40,000, AMIF")
    assert evening["due"] == datetime(2027, 6, 30)
    row = next(r for r in plan.rows if r.criterion.id == "hours-evening")
    assert (evening["criterion"], evening["recommendation"]) == (
        row.criterion.text,
        row.recommendation.text,
    )
    assert (evening["recommendation_id"], evening["theme"]) == (
        row.recommendation.id,
        row.theme.title,
    )
    unplanned = by_id["hours-weekend"]
    assert (unplanned["action"], unplanned["status"], unplanned["due"]) == (None, None, None)
    practices = "; ".join(p.title for p in plan.rows[0].good_practices)
    assert rows[0]["good_practices"] == practices


def test_xlsx_due_is_a_real_date(sheet):
    due = next(c for c in sheet["L"][1:] if c.value is not None)
    assert due.is_date and due.number_format == "yyyy-mm-dd"
    assert isinstance(due.value, datetime)


def test_xlsx_never_holds_a_formula(sheet):
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    injected = {c.value: c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"}
    assert set(injected) == {"=cmd|' /C calc'!A0", "+Owner", "-5", "@SUM(A1)"}
    for cell in injected.values():
        assert cell.data_type == "s" and cell.quotePrefix  # kept text even when edited


def test_xlsx_raw_xml_has_no_formula(plan):
    import zipfile

    with zipfile.ZipFile(io.BytesIO(to_xlsx(plan))) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_columns_order_and_text(plan):
    rows = read_csv(to_csv(plan))
    assert rows[0] == HEADER
    body = [dict(zip(HEADER, r, strict=True)) for r in rows[1:]]
    assert [r["rank"] for r in body] == [str(i) for i in range(1, len(plan.rows) + 1)]
    assert [r["criterion_id"] for r in body] == [row.criterion.id for row in plan.rows]
    by_id = {r["criterion_id"]: r for r in body}
    evening = by_id["hours-evening"]
    assert evening["owner"] == CYRILLIC and ROMANIAN in evening["action"]
    assert evening["action"].endswith("\nSecond line.")
    assert (evening["due"], evening["status"]) == ("2027-06-30", "In progress")
    assert by_id["hours-weekend"]["action"] == by_id["hours-weekend"]["status"] == ""


def test_csv_defuses_formulas(plan):
    by_id = {r[2]: dict(zip(HEADER, r, strict=True)) for r in read_csv(to_csv(plan))[1:]}
    survey = by_id["languages-survey"]
    assert survey["action"] == "'=cmd|' /C calc'!A0"
    assert (survey["owner"], survey["budget"]) == ("'+Owner", "'-5")
    assert by_id["languages-books"]["action"] == "'@SUM(A1)"
    for row in by_id.values():
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row.values())


def test_an_empty_plan_is_a_header_only(analysis):
    from assessor.plan import count_rows

    empty = ActionPlan(today=TODAY, rows=(), counts=count_rows(()))
    assert read_csv(to_csv(empty)) == [HEADER]
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(empty))).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [HEADER]
    assert sheet.auto_filter.ref == "A1:O1" and sheet.freeze_panes == "A2"


def test_libreoffice_opens_the_xlsx_as_written(plan: ActionPlan, tmp_path) -> None:
    """The XLSX opens in a real spreadsheet program (LibreOffice, headless) without repair:
    converted back to CSV there, it holds the same rows, dates and text, and the would-be
    formulas stay text."""
    source = tmp_path / "plan.xlsx"
    source.write_bytes(to_xlsx(plan, title="Action plan"))
    converted = convert(
        source,
        "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, double quote, UTF-8
        tmp_path / "out",
        package="libreoffice-calc-nogui",
    )
    rows = list(csv.reader(io.StringIO(converted.read_text("utf-8"))))
    assert rows[0] == HEADER
    expected = list(csv.reader(io.StringIO(to_csv(plan).decode("utf-8-sig"))))
    assert len(rows) == len(expected)
    by_id = {row[2]: row for row in rows[1:]}
    evening = by_id["hours-evening"]
    assert evening[10] == CYRILLIC
    assert ROMANIAN in evening[9]
    assert evening[11] == "2027-06-30"
    # Text that looks like a formula is shown as typed, never computed.
    assert by_id["languages-survey"][9] == "=cmd|' /C calc'!A0"
    assert by_id["languages-books"][9] == "@SUM(A1)"
