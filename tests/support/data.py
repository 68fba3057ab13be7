"""Test data and paths used by more than one suite (web, security, stress, browser)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository
DATA = ROOT / "tests" / "data"
SCHOOL_MEALS = DATA / "school-meals.yaml"  # the small test checklist
REAL_CHECKLISTS = ROOT / "checklists"
OSCE = REAL_CHECKLISTS / "osce-odihr-2017-migrant-integration.yaml"

# The PostgreSQL the tests create their schemas and databases in.
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

# A valid start form for the school-meals checklist.
START = {
    "checklist": "school-meals-demo",
    "title": "School meals review 2026",
    "organisation": "Ministry of Education",
    "country": "Austria",
    "respondent": "government",
}

# A valid answers file for the school-meals checklist (two criteria answered, one with a level).
ANSWERS_FILE = {
    "checklist": "school-meals-demo",
    "checklist_version": "0.1",
    "assessment": {
        "title": "Imported review",
        "organisation": "NGO Forum",
        "country": "Moldova",
        "respondent": "ngo",
    },
    "answers": {
        "free-meals-eligibility": {"level": "planned", "evidence": "Draft decree"},
        "monitoring-quality": {"level": None, "evidence": "Inspectorate report due"},
    },
}
