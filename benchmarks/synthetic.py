"""Synthetic checklists: the OSCE checklist with its themes repeated, and answers that are all gaps.

``scaled_checklist(n)`` repeats the OSCE themes, recommendations and criteria ``n`` times with new
unique ids (``-r2``, ``-r3``, ... appended), reusing the good practices and commitments, writes the
result to a YAML file and loads it with the real loader. ``all_gaps(checklist)`` answers every
criterion "Not in place" with a sentence of evidence, so the report holds every part it can.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from assessor.answers import Answer, AnswersFile, AssessmentInfo
from assessor.checklist import Checklist, load_checklist
from assessor.config import OSCE_CHECKLIST_ID, PROJECT_ROOT

OSCE_FILE = PROJECT_ROOT / "checklists" / f"{OSCE_CHECKLIST_ID}.yaml"
EVIDENCE = (
    "The ministry has no published plan for this yet. The 2024 annual report (pages 12-14) "
    "mentions a working group; its minutes are not public.\nNext review: spring 2027."
)
INFO = AssessmentInfo(
    title="Benchmark assessment",
    organisation="Ministry of Labour and Social Protection",
    country="Moldova",
    respondent="government",
)


def osce_checklist() -> Checklist:
    """The OSCE checklist, through the real loader."""
    return load_checklist(OSCE_FILE)


def scaled_data(times: int) -> dict[str, Any]:
    """The OSCE checklist's data with its themes repeated ``times`` times under new ids."""
    data = yaml.safe_load(OSCE_FILE.read_text(encoding="utf-8"))
    if times == 1:
        return data
    themes = data["themes"]
    scaled = []
    for copy_number in range(1, times + 1):
        suffix = "" if copy_number == 1 else f"-r{copy_number}"
        for theme in themes:
            new = copy.deepcopy(theme)
            new["id"] += suffix
            if suffix:
                new["title"] += f" (copy {copy_number})"
            for rec in new["recommendations"]:
                rec["id"] += suffix
                for crit in rec["criteria"]:
                    crit["id"] += suffix
            scaled.append(new)
    data["themes"] = scaled
    data["id"] = f"{data['id']}-x{times}"
    data["title"] += f" x{times}"
    return data


def scaled_checklist(times: int, folder: Path) -> Checklist:
    """Write the checklist scaled ``times`` times into ``folder`` and load it (real loader)."""
    if times == 1:
        return osce_checklist()
    path = folder / f"osce-x{times}.yaml"
    if not path.exists():
        # Flow style keeps the 100x file under the loader's size limit; it is still YAML.
        text = yaml.safe_dump(scaled_data(times), allow_unicode=True, sort_keys=False, width=10**6)
        path.write_text(text, encoding="utf-8")
    return load_checklist(path)


def all_gaps(checklist: Checklist) -> AnswersFile:
    """An answers file answering every criterion "Not in place", with evidence."""
    return AnswersFile(
        checklist_id=checklist.id,
        checklist_version=checklist.version,
        assessment=INFO,
        answers={c.id: Answer("not_in_place", EVIDENCE) for c in checklist.criteria},
    )
