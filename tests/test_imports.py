"""The package face stays light: the domain, the command line and the PDF process load no web
framework, and ``from assessor import create_app`` still works."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

WEB_FRAMEWORKS = ("flask", "flask_wtf", "wtforms")


def loaded_after(code: str) -> list[str]:
    """The web-framework modules loaded, in a fresh interpreter, after running ``code``."""
    report = (
        "import json, sys; "
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {WEB_FRAMEWORKS})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\n{report}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "module",
    [
        "assessor",
        "assessor.scoring",
        "assessor.compare",
        "assessor.answers_pdf",
        "assessor.cli",
        "assessor.report.pdf",
        "assessor.report.jobs",
        "assessor.report.queue",
    ],
)
def test_importing_loads_no_web_framework(module: str) -> None:
    assert loaded_after(f"import {module}") == []


def test_the_command_line_parser_loads_no_web_framework() -> None:
    assert loaded_after("from assessor.cli import build_parser; build_parser()") == []


def test_create_app_is_still_offered_by_the_package() -> None:
    assert "flask" in loaded_after("from assessor import create_app; assert callable(create_app)")


def test_unknown_names_are_still_missing() -> None:
    import assessor

    with pytest.raises(AttributeError, match="no_such_name"):
        assessor.no_such_name  # noqa: B018
