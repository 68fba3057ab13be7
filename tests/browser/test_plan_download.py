"""Downloading the action plan in a real browser: the XLSX and CSV links of the plan page."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
from actions import answers_file, goto, planned_answers, upload_answers
from live import new_context

OWNER = "Biroul Migrație și Azil"


def test_download_the_plan_as_xlsx_and_csv(browser: Any, live_server: str, tmp_path: Path):
    answers = planned_answers()
    gap_id = next(i for i, a in answers.items() if a["level"] == "not_in_place")
    data = answers_file(answers, title="Plan download")
    data["actions"] = {
        gap_id: {
            "action": "Adopt the integration programme by decree.",
            "owner": OWNER,
            "due": "2027-06-30",
            "target_level": "full",
            "status": "in_progress",
            "budget": "EUR 40,000, AMIF",
        }
    }
    context = new_context(browser)
    page = context.new_page()
    response = upload_answers(page, live_server, json.dumps(data, ensure_ascii=False).encode())
    assert response.status == 200
    goto(page, page.url + "plan")

    files = {}
    for name in ("Action plan (Excel, .xlsx)", "Action plan (CSV, UTF-8)"):
        with page.expect_download() as info:
            page.get_by_role("link", name=name).click()
        download = info.value
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        files[path.suffix] = path
    assert files[".xlsx"].name.startswith("plan-download-action-plan-")

    sheet = openpyxl.load_workbook(files[".xlsx"])["Action plan"]
    header, *body = sheet.values
    rows = [dict(zip(header, row, strict=True)) for row in body]
    planned = next(r for r in rows if r["criterion_id"] == gap_id)
    assert (planned["owner"], planned["due"]) == (OWNER, datetime(2027, 6, 30))
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))

    text = files[".csv"].read_bytes().decode("utf-8-sig")
    csv_rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["criterion_id"] for r in csv_rows] == [r["criterion_id"] for r in rows]
    assert next(r for r in csv_rows if r["criterion_id"] == gap_id)["owner"] == OWNER
    context.close()
