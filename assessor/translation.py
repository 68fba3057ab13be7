"""The interface's languages and their message catalogues, without Flask.

The web app (through Flask-Babel), the command line and the background report jobs all read the
same compiled catalogues (``assessor/translations/<lang>/LC_MESSAGES/messages.mo``, built by
``make install``), so a report made anywhere in a given language has the same bytes. Pure
modules (the report, the levels) take a language and call :func:`translator`; strings defined
at import time are marked with :func:`N_` and translated where they are shown.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

#: The languages offered, in the order the language switch shows them.
LANGUAGES: tuple[str, ...] = ("en", "ro", "ru")
DEFAULT_LANGUAGE = "en"
#: A date written out ("31 March 2027", "31 martie 2027", "31 марта 2027"): Babel's pattern.
DAY_MONTH_YEAR = "d MMMM y"
#: Each language's name in itself (the language switch and the choice of a report's language).
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "ro": "Română", "ru": "Русский"}

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (it is translated when shown)."""
    return message


def normalise_language(value: str | None) -> str | None:
    """``value`` as one of :data:`LANGUAGES` ("ro", "ro-MD" and "RO" give "ro"), else None."""
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-", 1)[0].lower()
    return code if code in LANGUAGES else None


@functools.cache
def _catalogue(lang: str) -> NullTranslations:
    if lang == DEFAULT_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [lang])


@dataclass(frozen=True)
class Translator:
    """The strings, dates and numbers of one language."""

    lang: str

    def gettext(self, message: str, **variables: Any) -> str:
        """``message`` translated, then ``%(name)s`` placeholders filled from ``variables``."""
        text = _catalogue(self.lang).gettext(message)
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        """The singular or plural form for ``num`` (``%(num)d`` is filled in)."""
        variables.setdefault("num", num)
        return _catalogue(self.lang).ngettext(singular, plural, num) % variables

    def pgettext(self, context: str, message: str, **variables: Any) -> str:
        """``message`` translated in ``context`` (for short words with several meanings)."""
        text = str(_catalogue(self.lang).pgettext(context, message))
        return text % variables if variables else text

    def format_date(self, value: dt.date | dt.datetime, format: str = "long") -> str:
        """``value`` as a date in this language ("1 December 2026", "1 decembrie 2026")."""
        return babel_format_date(value, format=format, locale=self.locale)

    def format_number(self, value: float, decimals: int | None = None) -> str:
        """``value`` with this language's separators ("1,234.5", "1 234,5")."""
        if decimals is None:
            return format_decimal(value, locale=self.locale)
        return format_decimal(value, format="#,##0." + "0" * decimals, locale=self.locale)

    def format_percent(self, fraction: float) -> str:
        """``fraction`` (0.5) as a whole percentage in this language ("50%", "50 %")."""
        return format_percent(fraction, locale=self.locale)

    @property
    def locale(self) -> Locale:
        """Babel's locale for this language's dates and numbers (English as written in the
        OSCE region's English documents: "30 June 2027", not the US "June 30, 2027")."""
        return _babel_locale(FORMAT_LOCALES.get(self.lang, self.lang))


#: The Babel locale that formats each language's dates and numbers, where it is not the
#: language itself.
FORMAT_LOCALES = {"en": "en_GB"}


@functools.lru_cache(maxsize=8)
def _babel_locale(code: str) -> Locale:
    return Locale.parse(code)


def translator(lang: str | None) -> Translator:
    """The :class:`Translator` of ``lang`` (English when it is not one of :data:`LANGUAGES`)."""
    return Translator(normalise_language(lang) or DEFAULT_LANGUAGE)


#: The language of the document being made (a report, a questionnaire, a spreadsheet): set
#: by :func:`writing_in` around the making, read by :func:`gettext` in the pure report modules.
_WRITING_IN: ContextVar[str | None] = ContextVar("assessor_writing_in", default=None)
#: Where the language comes from outside a :func:`writing_in` block (the web app: the page's
#: language during a request); English when unset or when it gives none.
_language_source: Callable[[], str | None] | None = None


def set_language_source(source: Callable[[], str | None] | None) -> None:
    """Take the language from ``source`` outside any :func:`writing_in` block (the web app
    gives the language of the current request, ``None`` outside one)."""
    global _language_source
    _language_source = source


@contextmanager
def writing_in(lang: str | None) -> Iterator[Translator]:
    """Make what is built inside this block in ``lang`` (English when unknown)."""
    t = translator(lang)
    token = _WRITING_IN.set(t.lang)
    try:
        yield t
    finally:
        _WRITING_IN.reset(token)


def current_translator() -> Translator:
    """The :class:`Translator` of the document being made (see :func:`writing_in`), else of
    the language source (the page's, in a request), else English."""
    lang = _WRITING_IN.get()
    if lang is None and _language_source is not None:
        lang = _language_source()
    return translator(lang)


def gettext(message: str, **variables: Any) -> str:
    """``message`` in the language of the document being made (see :func:`writing_in`)."""
    return current_translator().gettext(message, **variables)


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """The singular or plural form for ``num`` in the document's language."""
    return current_translator().ngettext(singular, plural, num, **variables)
