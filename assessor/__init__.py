"""Assessor: self-assessment of a policy framework against a checklist of good practice.

The package face stays light: importing ``assessor`` (or its checklist model, scoring, command
line or PDF renderer) loads no web framework. ``create_app`` and the app's ``csrf`` extension live
in :mod:`assessor.web.app` and are imported from there on first use (PEP 562), so
``from assessor import create_app`` keeps working.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assessor.web.app import SECURITY_HEADERS, create_app, csrf

__all__ = ["SECURITY_HEADERS", "create_app", "csrf"]

#: Names this package offers from its web app, imported only when asked for.
_FROM_WEB_APP = frozenset(__all__)


def __getattr__(name: str) -> Any:
    """``create_app`` and the other web-app names, imported from assessor.web.app on first use."""
    if name in _FROM_WEB_APP:
        return getattr(import_module("assessor.web.app"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
