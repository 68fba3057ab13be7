"""Valid HTML: every kind of page, exactly as the server sent it, passes the Nu HTML Checker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checkers import vnu_findings
from tour import KINDS

KNOWN_BAD = "(known bad page)"


def test_every_kind_of_page_is_valid_html(
    vnu_present: None, toured: dict[str, Any], tmp_path: Path
) -> None:
    assert set(toured) == set(KINDS)
    documents = {kind: checked.visit.html for kind, checked in toured.items()}
    # One page with a known error, checked in the same run: proves the checker works.
    documents[KNOWN_BAD] = "<!doctype html><html lang=en><title>x</title><p><div></span>"
    findings = vnu_findings(documents, tmp_path)
    assert any(f.page == KNOWN_BAD for f in findings), [str(f) for f in findings]
    assert [str(f) for f in findings if f.page != KNOWN_BAD] == []
