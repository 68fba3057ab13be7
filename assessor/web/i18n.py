"""The interface's language: Flask-Babel's message catalogues and the locale of each request.

Strings a user sees go through ``gettext`` (``_`` in templates and views, ``lazy_gettext`` for
strings defined at import time, such as form labels); the catalogues live in
``assessor/translations/<lang>/LC_MESSAGES/messages.po`` and are compiled at install.

The language of a request is, in order: ``?lang=`` in the address (remembered in the session),
the language remembered in the session, the browser's Accept-Language, English.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import flask_babel
from flask import Flask, has_request_context, request, session
from flask_babel import Babel, get_locale

from assessor.countries import country_name
from assessor.translation import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    TRANSLATIONS_DIR,
    Translator,
    normalise_language,
    set_language_source,
    translator,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "current_language",
    "gettext",
    "init_app",
    "ngettext",
    "select_locale",
]

#: The session key holding the language chosen with ``?lang=``.
SESSION_KEY = "lang"

babel = Babel()


def gettext(message: str, **variables: Any) -> str:
    """``message`` in the current request's language (Flask-Babel's ``gettext``, typed)."""
    return str(flask_babel.gettext(message, **variables))


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """The singular or plural form for ``num`` in the current request's language."""
    return str(flask_babel.ngettext(singular, plural, num, **variables))


def select_locale() -> str:
    """The language of the current request."""
    chosen = normalise_language(request.args.get("lang"))
    if chosen:
        return chosen
    remembered = normalise_language(session.get(SESSION_KEY))
    if remembered:
        return remembered
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def current_language() -> str:
    """The current request's language code ("en", "ro" or "ru")."""
    return normalise_language(str(get_locale())) or DEFAULT_LANGUAGE


def web_translator() -> Translator:
    """The current request's :class:`~assessor.translation.Translator` (dates, numbers)."""
    return translator(current_language())


def _remember_language() -> None:
    chosen = normalise_language(request.args.get("lang"))
    if chosen and session.get(SESSION_KEY) != chosen:
        session[SESSION_KEY] = chosen


def _request_language() -> str | None:
    """The current request's language (``None`` outside a request): the language pure modules
    (``assessor.translation.gettext``) speak in a request."""
    return current_language() if has_request_context() else None


def language_links() -> list[dict[str, Any]]:
    """The language switch: for each language, this page's address in it (``?lang=``)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    current = current_language()
    links = []
    for code in LANGUAGES:
        query = urlencode([*args, ("lang", code)])
        links.append(
            {
                "code": code,
                "name": LANGUAGE_NAMES[code],
                "href": f"{request.path}?{query}",
                "current": code == current,
            }
        )
    return links


def init_app(app: Flask) -> None:
    """Attach Flask-Babel to the app, with the package's catalogues."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(_remember_language)
    set_language_source(_request_language)

    # Globals, not a context processor: macros imported without context (the private link's
    # expiry notice formats a number) see them too. Each reads the request when called.
    app.jinja_env.globals.update(
        current_language=current_language,
        language_links=language_links,
        format_number=lambda value: web_translator().format_number(value),
        country_name=lambda name: country_name(name, current_language()),
    )
