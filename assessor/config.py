"""Settings: defaults, then the environment, then what the caller passes to ``create_app``.

Read from the environment: ``SECRET_KEY``, ``DATABASE_URL``, ``CHECKLIST_DIR``,
``DEFAULT_CHECKLIST_ID``, ``RATELIMIT_STORAGE_URI``, and any Flask setting prefixed ``FLASK_``
(for example ``FLASK_SESSION_COOKIE_SECURE=true``), as Flask's ``from_prefixed_env`` reads them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: The key used when none is set. Only debug and testing may run with it.
DEV_SECRET_KEY = "dev-only-not-a-secret"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OSCE_CHECKLIST_ID = "osce-odihr-2017-migrant-integration"

ENV_SETTINGS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "CHECKLIST_DIR",
    "DEFAULT_CHECKLIST_ID",
    "RATELIMIT_STORAGE_URI",
)

SECRET_KEY_HELP = (
    "Refusing to start: SECRET_KEY is not set (or is the development default). "
    "Set a long random one in the environment, for example:\n"
    "    export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')\n"
    "(the development server started with `assessor serve --debug` may run without one)."
)


def defaults() -> dict[str, Any]:
    """The settings used when neither the environment nor the caller sets them."""
    return {
        "SECRET_KEY": DEV_SECRET_KEY,
        "DATABASE_URL": None,  # None: an SQLite file in the instance folder
        "CHECKLIST_DIR": str(PROJECT_ROOT / "checklists"),
        "DEFAULT_CHECKLIST_ID": OSCE_CHECKLIST_ID,
        # A whole request; answers files have their own, smaller limit in answers.py.
        "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
        # Form fields held in memory: a theme page of long evidence texts must fit.
        "MAX_FORM_MEMORY_SIZE": 4 * 1024 * 1024,
        # Tie the CSRF token to the session: an official may pause for hours on one page.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # SQLite: seconds a writer waits for the lock before giving up.
        "SQLITE_BUSY_TIMEOUT": 15,
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted
        # (FLASK_TRUSTED_PROXY_HOPS=1 behind one), so private links use the public address.
        "TRUSTED_PROXY_HOPS": 0,
        # Failed private-link lookups allowed per client address, and where they are counted
        # (assessor/web/ratelimit.py): memory:// per process, or redis://host:6379 shared.
        "PRIVATE_LINK_FAILURE_LIMIT": "30 per 10 minutes",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Strict-Transport-Security on responses served over HTTPS (0: not sent).
        "HSTS_MAX_AGE": 180 * 24 * 3600,
    }


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The unprefixed settings present in the environment."""
    environ = os.environ if environ is None else environ
    return {name: environ[name] for name in ENV_SETTINGS if environ.get(name)}


def default_database_url(instance_path: str | Path) -> str:
    """The SQLite database used when ``DATABASE_URL`` is not set."""
    return f"sqlite:///{Path(instance_path) / 'assessor.sqlite'}"


def has_real_secret_key(secret_key: object) -> bool:
    """Whether a secret key was set on purpose (not empty, not the development default)."""
    return isinstance(secret_key, str | bytes) and bool(secret_key) and secret_key != DEV_SECRET_KEY
