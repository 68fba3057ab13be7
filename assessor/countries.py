"""The OSCE participating States, offered as the country of an assessment."""

from __future__ import annotations

import functools

OSCE_PARTICIPATING_STATES: tuple[str, ...] = (
    "Albania",
    "Andorra",
    "Armenia",
    "Austria",
    "Azerbaijan",
    "Belarus",
    "Belgium",
    "Bosnia and Herzegovina",
    "Bulgaria",
    "Canada",
    "Croatia",
    "Cyprus",
    "Czech Republic",
    "Denmark",
    "Estonia",
    "Finland",
    "France",
    "Georgia",
    "Germany",
    "Greece",
    "Holy See",
    "Hungary",
    "Iceland",
    "Ireland",
    "Italy",
    "Kazakhstan",
    "Kyrgyzstan",
    "Latvia",
    "Liechtenstein",
    "Lithuania",
    "Luxembourg",
    "Malta",
    "Moldova",
    "Monaco",
    "Mongolia",
    "Montenegro",
    "Netherlands",
    "North Macedonia",
    "Norway",
    "Poland",
    "Portugal",
    "Romania",
    "Russian Federation",
    "San Marino",
    "Serbia",
    "Slovakia",
    "Slovenia",
    "Spain",
    "Sweden",
    "Switzerland",
    "Tajikistan",
    "Türkiye",
    "Turkmenistan",
    "Ukraine",
    "United Kingdom",
    "United States of America",
    "Uzbekistan",
)


#: The OSCE names Babel (CLDR) spells otherwise, by ISO 3166 code.
_CODES_BY_OSCE_NAME = {
    "Bosnia and Herzegovina": "BA",
    "Czech Republic": "CZ",
    "Holy See": "VA",
    "Russian Federation": "RU",
    "United States of America": "US",
}


def country_name(name: str, lang: str) -> str:
    """An OSCE participating State's name in ``lang`` (CLDR's, through Babel), as stored
    (English) when it is not one of them or the language is English."""
    if lang == "en":
        return name
    from babel import Locale

    code = _CODES_BY_OSCE_NAME.get(name) or _english_codes().get(name)
    if code is None:
        return name
    return str(Locale.parse(lang).territories.get(code, name))


@functools.cache
def _english_codes() -> dict[str, str]:
    from babel import Locale

    return {str(v): k for k, v in Locale("en").territories.items() if len(k) == 2}
