"""Shared data and helpers of the report tests (a module, so test files can import it)."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pypdf

from assessor.answers import AnswersFile, parse_answers_file
from assessor.checklist import Checklist

LIBRARIES = Path(__file__).parent / "data" / "libraries.yaml"
OSCE = Path(__file__).parents[2] / "checklists" / "osce-odihr-2017-migrant-integration.yaml"
GENERATED_ON = date(2026, 3, 14)

HOSTILE = (
    '<script>alert("owned")</script> and <img src="http://evil.example/pixel.png"> '
    'and <a href="file:///etc/passwd">a link</a> & more'
)

ANSWERS: dict[str, Any] = {
    "checklist": "public-libraries-demo",
    "checklist_version": "2.1",
    "assessment": {
        "title": "Libraries review <2026> & beyond",
        "organisation": "Ministry of Culture",
        "country": "Moldova",
        "respondent": "government",
    },
    "answers": {
        "hours-evening": {"level": "not_in_place", "evidence": HOSTILE},
        "hours-weekend": {"level": "planned", "evidence": "Budget line 2027.\nPilot in Bălți."},
        "hours-published": {"level": "partial", "evidence": "Romanian and Russian only."},
        "outreach-mobile": {"level": "full", "evidence": "Book bus since 2019."},
        "outreach-online": {"level": "not_applicable", "evidence": "Every village has a branch."},
        "languages-survey": {"level": "unknown", "evidence": ""},
        "languages-staff": {"level": None, "evidence": "Still to be checked."},
        # languages-books: unanswered
    },
}


def normalise(text: str) -> str:
    """Text with runs of white space collapsed and hyphens dropped, for containment checks.

    pdftotext joins lines with spaces and removes the hyphen of a word broken at a line end
    ("co-\noperation" becomes "cooperation"), so hyphens are dropped on both sides.
    """
    return re.sub(r"-\s*", "", " ".join(text.split()))


def reader(pdf: bytes) -> pypdf.PdfReader:
    """A pypdf reader over PDF bytes."""
    return pypdf.PdfReader(io.BytesIO(pdf))


def all_gaps(checklist: Checklist, country: str, *, unknown: int = 0, full: int = 0) -> AnswersFile:
    """Every criterion not in place or partially in place, evidence on two in three.

    ``unknown`` criteria after the first are answered "Don't know" and ``full`` after those
    "Fully in place" without evidence (for the evidence-to-collect and claimed-without-evidence
    checks; the page-count case has neither).
    """
    answers = {}
    for i, crit in enumerate(checklist.criteria):
        level = "not_in_place" if i % 2 else "partial"
        if 1 <= i <= unknown:
            level = "unknown"
        elif unknown < i <= unknown + full:
            level = "full"
        evidence = f"Evidence for {crit.code}: the ministry report of 2024." if i % 3 else ""
        if level == "full":
            evidence = ""
        answers[crit.id] = {"level": level, "evidence": evidence}
    data = {
        "checklist": checklist.id,
        "checklist_version": checklist.version,
        "assessment": {
            "title": "All gaps",
            "organisation": "Ministry of Interior",
            "country": country,
            "respondent": "government",
        },
        "answers": answers,
    }
    parsed, _ = parse_answers_file(json.dumps(data), {checklist.id: checklist}.get)
    return parsed
