"""Missing services and tools: skipped on a developer's machine, a failure in CI.

CI (``CI=true``) must run every suite, so there a test that cannot run fails; elsewhere it is
skipped with a message saying what is missing and how to get it.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """Whether this is a CI run (``CI`` set to 1, true or yes)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(message: str, in_ci_too: str = "") -> NoReturn:
    """Skip the test with ``message``; in CI fail it instead (adding ``in_ci_too``)."""
    if in_ci():
        pytest.fail(f"{message}{in_ci_too}")
    pytest.skip(message)
