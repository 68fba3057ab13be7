"""How big a checklist is to answer, and the time estimate the start page gives."""

from __future__ import annotations

from assessor.checklist import load_checklist
from assessor.progress import MINUTES_PER_CRITERION, Size, size
from tests.support.data import OSCE, SCHOOL_MEALS


def test_the_osce_checklist_is_58_criteria_in_4_themes_of_1_to_3_hours() -> None:
    osce = size(load_checklist(OSCE))
    assert (osce.criteria, osce.themes) == (58, 4)
    low, high = MINUTES_PER_CRITERION
    assert (osce.minutes_low, osce.minutes_high) == (
        round(58 * low / 5) * 5,
        round(58 * high / 5) * 5,
    )
    assert osce.duration() == "about 1 to 3 hours"


def test_small_checklists_are_told_in_minutes_never_zero() -> None:
    small = size(load_checklist(SCHOOL_MEALS))
    assert (small.criteria, small.themes) == (4, 2)
    assert small.duration() == "about 5 to 10 minutes"
    assert Size(1, 1, 5, 5).duration() == "about 5 minutes"
    assert Size(60, 3, 60, 90).duration() == "about 60 to 90 minutes"
    assert Size(70, 3, 70, 210).duration() == "about 1 to 3½ hours"
    assert Size(40, 3, 40, 100).duration() == "about ½ to 1½ hours"
