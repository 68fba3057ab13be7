"""The interface's language: Flask-Babel's message catalogues and the locale of each request.

Strings a user sees go through ``gettext`` (``_`` in templates and views, ``lazy_gettext`` for
strings defined at import time, such as form labels); the catalogues live in
``assessor/translations/<lang>/LC_MESSAGES/messages.po`` and are compiled at install.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel

#: The interface languages offered, in the order the language switch shows them.
LANGUAGES = ("en",)
DEFAULT_LANGUAGE = "en"

babel = Babel()


def select_locale() -> str:
    """The language of the current request."""
    return DEFAULT_LANGUAGE


def init_app(app: Flask) -> None:
    """Attach Flask-Babel to the app, with the package's catalogues."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_locale)
