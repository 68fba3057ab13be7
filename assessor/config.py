"""Settings, resolved once: defaults, then the environment, then what the caller passes.

:func:`resolve` is the one place the environment becomes settings; the web app
(``create_app``) and the command line (``assessor db ...``, ``assessor report``) both use it,
so they agree on the database, the checklist folder and the rest. Every default lives in
:func:`defaults` and nowhere else. Pure: no Flask.

Read from the environment: any setting prefixed ``FLASK_`` (for example
``FLASK_SESSION_COOKIE_SECURE=true`` or ``FLASK_DATABASE_URL``), read as Flask's
``from_prefixed_env`` reads them, then, taking precedence, ``SECRET_KEY``, ``DATABASE_URL``,
``CHECKLIST_DIR``, ``DEFAULT_CHECKLIST_ID``, ``RATELIMIT_STORAGE_URI``, ``REDIS_URL`` and
``TRUSTED_HOSTS`` without the prefix. ``TRUSTED_HOSTS`` is a comma-separated list
(``TRUSTED_HOSTS=assess.example.org,www.assess.example.org``); ``FLASK_TRUSTED_HOSTS`` may also
be a JSON list. :func:`parse_hosts` reads either.
"""

from __future__ import annotations

import json
import os
import re
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
    "REDIS_URL",
    "TRUSTED_HOSTS",
    "METRICS_ENABLED",
    "METRICS_TOKEN",
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
        # Limits per client address (assessor/web/ratelimit.py): failed private-link lookups,
        # and assessments started or imported.
        "PRIVATE_LINK_FAILURE_LIMIT": "30 per 10 minutes",
        "CREATION_LIMIT": "20 per hour",
        # Where those limits are counted, shared by every worker and server: a `limits` storage
        # URI if set; else Redis at REDIS_URL if set; else (None) the app's database.
        "RATELIMIT_STORAGE_URI": None,
        "REDIS_URL": None,
        # Days after which an assessment nobody saved is deleted by `assessor expire` (run from
        # cron; assessor/retention.py). None: kept for ever.
        "ASSESSMENT_EXPIRY_DAYS": None,
        # The host names the site is served at (behind a proxy: as the proxy's X-Forwarded-Host
        # says); a request for any other gets a 400 page, so private links and redirects never
        # carry a host a client made up. A name starting with "." also allows its subdomains.
        # None: any host (development). See parse_hosts() and assessor/web/app.py.
        "TRUSTED_HOSTS": None,
        # Strict-Transport-Security on responses served over HTTPS (0: not sent).
        "HSTS_MAX_AGE": 180 * 24 * 3600,
        # Make reports in the report queue while the user sees a progress page (off: in the
        # request). Without REDIS_URL the queue is this SQLite file (None:
        # <instance>/report-queue.sqlite), consumed by the consumer `assessor serve` starts, and
        # the machine's processes share the reports made in REPORT_CACHE_DIR (None:
        # <instance>/report-cache; "": each process's memory only); with REDIS_URL the queue,
        # its job records and the report cache are in Redis, consumed by `assessor worker`.
        # See assessor/web/report_jobs.py and assessor/report/queue.py.
        "REPORT_IN_BACKGROUND": True,
        "REPORT_QUEUE_PATH": None,
        "REPORT_CACHE_DIR": None,
        "REPORT_CACHE_MB": 512,
        # Bounds on reports made in the queue: seconds and MiB of address space for one
        # render, tries per report, reports waiting in the queue (all servers), and of those at
        # most so many per assessment and per client address (over them: a 503 or 429 page
        # saying when to try again); reports made at once by each consumer.
        "REPORT_RENDER_TIMEOUT": 120,
        "REPORT_MEMORY_LIMIT_MB": 1536,
        "REPORT_MAX_ATTEMPTS": 3,
        "REPORT_MAX_QUEUED": 32,
        "REPORT_MAX_PER_ASSESSMENT": 2,
        "REPORT_MAX_PER_CLIENT": 4,
        "REPORT_WORKER_THREADS": 2,
        # Make an assessment's reports (every audience and format) once it has been quiet for
        # this many seconds after a save, so a download is answered with the file at once.
        "REPORT_PRERENDER": True,
        "REPORT_PRERENDER_DELAY": 5,
        # Prometheus metrics at /metrics (assessor/web/metrics.py): off unless enabled; with a
        # token, a scrape must send "Authorization: Bearer <token>" (else a 404 page).
        "METRICS_ENABLED": False,
        "METRICS_TOKEN": None,
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


def parse_hosts(value: object) -> list[str] | None:
    """The ``TRUSTED_HOSTS`` setting as a list of lower-case host names; None for "any host".

    Takes a list, or text with the names separated by commas or spaces. Raises ``ValueError``
    naming the problem for anything else, or for an entry that is not a host name (a URL, say).
    """
    if value is None:
        return None
    if isinstance(value, str):
        entries = value.replace(",", " ").split()
    elif isinstance(value, list | tuple | set | frozenset) and all(
        isinstance(entry, str) for entry in value
    ):
        entries = [entry.strip() for entry in value]
    else:
        raise ValueError(
            f"TRUSTED_HOSTS must be host names separated by commas, or a list of them, "
            f"not {value!r}"
        )
    hosts = [entry.lower() for entry in entries if entry]
    for host in hosts:
        if not _HOST_RE.fullmatch(host):
            raise ValueError(
                f"TRUSTED_HOSTS holds host names such as assess.example.org (or .example.org "
                f"for every subdomain), not {host!r}"
            )
    return hosts or None


_HOST_RE = re.compile(r"\.?[^\s/\\@:?#\[\]]+(:[0-9]{1,5})?")


def default_database_url(instance_path: str | Path) -> str:
    """The SQLite database used when ``DATABASE_URL`` is not set."""
    return f"sqlite:///{Path(instance_path) / 'assessor.sqlite'}"


def has_real_secret_key(secret_key: object) -> bool:
    """Whether a secret key was set on purpose (not empty, not the development default)."""
    return isinstance(secret_key, str | bytes) and bool(secret_key) and secret_key != DEV_SECRET_KEY
