"""Shared data and helpers of the report tests (a module, so test files can import it)."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pypdf

LIBRARIES = Path(__file__).parent / "data" / "libraries.yaml"
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
