"""Accessibility: axe-core (WCAG 2.1 A and AA, and best practices) on every kind of page."""

from __future__ import annotations

from typing import Any

import pytest
from checkers import axe_findings, run_axe, svg_contrast_findings
from tour import KINDS

STATUS = {
    "report-preparing": 202,
    "start-errors": 422,
    "theme-errors": 422,
    "import-errors": 422,
    "action-errors": 422,
    "follow-up-errors": 422,
    "compare-errors": 422,
    "access-errors": 422,
    "details-errors": 422,
    "error-403": 403,
    "comment-errors": 422,
    "error-400": 400,
    "error-404": 404,
    "error-413": 413,
    "error-csrf": 400,
    "start-expired": 400,
    "ro-error-404": 404,
    "ru-error-404": 404,
}
# Rules that must have run and passed on every page: a page where axe skipped them proves
# nothing about them.
ALWAYS_CHECKED = {
    "color-contrast",
    "document-title",
    "html-has-lang",
    "html-lang-valid",
    "bypass",
    "landmark-one-main",
    "page-has-heading-one",
    "region",
}


@pytest.mark.parametrize("kind", KINDS)
def test_no_accessibility_violations(axe_present: None, toured: dict[str, Any], kind: str) -> None:
    checked = toured[kind]
    assert checked.visit.status == STATUS.get(kind, 200), checked.visit.url
    assert [str(finding) for finding in checked.findings] == []
    passed = {rule["id"] for rule in checked.axe["passes"]}
    assert passed >= ALWAYS_CHECKED, f"not checked: {ALWAYS_CHECKED - passed}"
    if checked.visit.html.count("<h2") > 0:
        assert "heading-order" in passed


def test_axe_finds_problems_when_there_are_some(axe_present: None, page: Any) -> None:
    """The checker itself works: a page with known problems is not passed."""
    page.set_content(
        "<!doctype html><title>Bad</title><main><h1>Bad</h1><h4>Skipped levels</h4>"
        '<p style="color:#bbb;background:#fff">Pale text</p><img src="data:,">'
        '<input type=text><svg width="200" height="40"><text x="4" y="24" fill="#ccc">Pale'
        "</text></svg></main>"
    )
    findings = axe_findings(run_axe(page), "known bad") + svg_contrast_findings(page, "known bad")
    rules = {finding.rule for finding in findings}
    assert {"html-has-lang", "color-contrast", "image-alt", "label", "heading-order"} <= rules
    assert "svg-text-contrast" in rules
