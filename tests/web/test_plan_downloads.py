"""The action plan's downloads: XLSX and CSV from the Action plan page, on both databases."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl

ELIGIBILITY = "free-meals-eligibility"  # answered "partial"
UPTAKE = "monitoring-uptake"  # answered "not_in_place": the first gap
TYPED = {
    "action": "=cmd|' /C calc'!A0 then publish the rules",
    "owner": "Министерство образования",
    "due": "2027-06-30",
    "target_level": "full",
    "status": "in_progress",
    "budget": "EUR 40,000, AMIF",
}


def started_with_an_action(pages, started: str) -> str:
    pages.post(
        started + "theme/provision",
        {f"{ELIGIBILITY}-level": "partial", "free-meals-nutrition-level": "full"},
    )
    pages.post(started + "theme/oversight", {f"{UPTAKE}-level": "not_in_place"})
    form = pages.get(f"{started}plan/{ELIGIBILITY}").form_data()
    pages.post(f"{started}plan/{ELIGIBILITY}", form | TYPED | {"do": "save"})
    return started


def test_the_plan_page_offers_both_downloads(pages, started) -> None:
    path = started_with_an_action(pages, started)
    page = pages.get(path + "plan")
    links = {a.text: a["href"] for a in page.one("ul", class_="plan-downloads").find_all("a")}
    assert links == {
        "Action plan (Excel, .xlsx)": f"{path}plan.xlsx",
        "Action plan (CSV, UTF-8)": f"{path}plan.csv",
    }


def test_xlsx_download(client, pages, started) -> None:
    path = started_with_an_action(pages, started)
    response = client.get(path + "plan.xlsx")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = date.today().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="school-meals-review-2026-action-plan-{today}.xlsx"'
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert workbook.properties.title == "Action plan: School meals review 2026"
    sheet = workbook["Action plan"]
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[2] for r in rows[1:]] == [UPTAKE, ELIGIBILITY, "monitoring-quality"]
    eligibility = dict(zip(rows[0], rows[2], strict=True))
    assert eligibility["action"] == TYPED["action"] and sheet["J3"].data_type == "s"
    assert eligibility["owner"] == TYPED["owner"]
    assert eligibility["due"] == datetime(2027, 6, 30)
    assert (eligibility["status"], eligibility["target_level"]) == ("In progress", "Fully in place")
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:O4"


def test_csv_download(client, pages, started) -> None:
    path = started_with_an_action(pages, started)
    response = client.get(path + "plan.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].endswith(
        "-action-plan-" + date.today().isoformat() + '.csv"'
    )
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert rows[0][:3] == ["rank", "code", "criterion_id"] and len(rows) == 4
    assert rows[2][9] == "'" + TYPED["action"] and rows[2][10] == TYPED["owner"]
    assert rows[1][9] == "" and rows[1][12] == ""  # the first gap has no action yet


def test_downloads_of_an_unknown_link_are_404(client) -> None:
    for suffix in ("plan.xlsx", "plan.csv"):
        assert client.get(f"/a/{'x' * 43}/{suffix}").status_code == 404


def test_the_spreadsheet_is_in_the_pages_language(client, pages, started) -> None:
    path = started_with_an_action(pages, started)
    response = client.get(path + "plan.xlsx?lang=ro")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert workbook.properties.title == "Plan de acțiuni: School meals review 2026"
    rows = list(workbook["Plan de acțiuni"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Loc", "Cod", "ID criteriu")
    eligibility = dict(zip(rows[0], rows[2], strict=True))
    assert (eligibility["Stadiu"], eligibility["Nivel-țintă"]) == (
        "În curs",
        "Implementat integral",
    )
    rows = list(
        csv.reader(io.StringIO(client.get(path + "plan.csv?lang=ru").data.decode("utf-8-sig")))
    )
    assert rows[0][:3] == ["Место", "Код", "Идентификатор критерия"]
    assert rows[2][12] == "В процессе"
