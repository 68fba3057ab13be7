"""Settings, resolved once: defaults, then the environment, then what the caller passes.

:func:`resolve` is the one place the environment becomes settings; the web app
(``create_app``) and the command line (``assessor db ...``, ``assessor report``) both use it,
so they agree on the database, the checklist folder and the rest. Every default lives in
:func:`defaults` and nowhere else. Pure: no Flask.

Read from the environment: any setting prefixed ``FLASK_`` (for example
``FLASK_SESSION_COOKIE_SECURE=true`` or ``FLASK_DATABASE_URL``), read as Flask's
``from_prefixed_env`` reads them, then, taking precedence, ``SECRET_KEY``, ``DATABASE_URL``,
``CHECKLIST_DIR``, ``DEFAULT_CHECKLIST_ID`` and ``RATELIMIT_STORAGE_URI`` without the prefix.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: The key used when none is set. Only debug and testing may run with it.
DEV_SECRET_KEY = "dev-only-not-a-secret"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: The name Flask finds the templates, static files and instance folder from.
IMPORT_NAME = "assessor"
ENV_PREFIX = "FLASK_"
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
        # Make PDFs in a background process while the user sees a progress page (off: in the
        # request), and where the workers share the PDFs made (None: <instance>/report-cache;
        # "": in each process's memory only). See assessor/web/report_jobs.py.
        "REPORT_IN_BACKGROUND": True,
        "REPORT_CACHE_DIR": None,
        # Bounds on background PDFs, per web worker: seconds and MiB of address space for one
        # render, jobs queued at once, and of those at most so many per assessment and per
        # client address (over them: a 503 or 429 page saying when to try again).
        "REPORT_RENDER_TIMEOUT": 120,
        "REPORT_MEMORY_LIMIT_MB": 1536,
        "REPORT_MAX_QUEUED": 8,
        "REPORT_MAX_PER_ASSESSMENT": 2,
        "REPORT_MAX_PER_CLIENT": 4,
    }


def resolve(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The settings to run with: :func:`defaults`, then the environment, then ``overrides``."""
    environ = os.environ if environ is None else environ
    settings = defaults()
    _apply_prefixed(settings, environ)
    settings.update(from_environment(environ))
    if overrides:
        settings.update(overrides)
    return settings


def _apply_prefixed(settings: dict[str, Any], environ: Mapping[str, str]) -> None:
    """Set every ``FLASK_``-prefixed variable, as Flask's ``Config.from_prefixed_env`` does.

    A value that parses as JSON is used parsed (``true``, ``5``), else as text; ``__`` in a
    name sets a key of a nested dictionary.
    """
    for name in sorted(environ):
        if not name.startswith(ENV_PREFIX):
            continue
        text = environ[name]
        value: Any
        try:
            value = json.loads(text)
        except Exception:  # as Flask: whatever is not JSON is text
            value = text
        *parents, key = name.removeprefix(ENV_PREFIX).split("__")
        target = settings
        for parent in parents:
            target = target.setdefault(parent, {})
        target[key] = value


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
