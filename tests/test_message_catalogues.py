"""The interface's message catalogues: complete in every language, and up to date with the
sources (``make messages`` was run after the last string changed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from assessor.translation import LANGUAGES, TRANSLATIONS_DIR, translator

ROOT = Path(__file__).resolve().parents[1]
# The keywords `make messages` extracts with (see the Makefile).
KEYWORDS = ("lazy_gettext", "_l", "N_")


def catalogue(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as handle:
        return read_po(handle)


def ids(messages) -> set[object]:  # type: ignore[no-untyped-def]
    return {message.id for message in messages if message.id}


@pytest.fixture(scope="module")
def template():  # type: ignore[no-untyped-def]
    return catalogue(TRANSLATIONS_DIR / "messages.pot")


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_is_translated(template, lang: str) -> None:  # type: ignore[no-untyped-def]
    po = catalogue(TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po")
    missing, fuzzy, empty = [], [], []
    for message in template:
        if not message.id:
            continue
        found = po.get(message.id, message.context)
        if found is None:
            missing.append(message.id)
        elif found.fuzzy:
            fuzzy.append(message.id)
        elif not all(found.string) if isinstance(found.string, tuple) else not found.string:
            empty.append(message.id)
    assert (missing, fuzzy, empty) == ([], [], []), (
        f"{lang}: {len(missing)} missing, {len(fuzzy)} fuzzy, {len(empty)} untranslated; "
        f"first: {(missing + fuzzy + empty)[:5]}"
    )
    # Every placeholder of the English is in the translation (a typo would raise at run time).
    for message in template:
        found = po.get(message.id, message.context) if message.id else None
        if found is None or not found.string:
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        translated = found.string if isinstance(found.string, tuple) else (found.string,)
        names = {name for text in english for name in _placeholders(text)}
        for text in translated:
            assert _placeholders(text) <= names | {"num"}, (lang, message.id, text)


def _placeholders(text: str) -> set[str]:
    import re

    return set(re.findall(r"%\((\w+)\)", text))


def test_the_template_is_up_to_date(template, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fresh = tmp_path / "messages.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg"]
    for keyword in KEYWORDS:
        command += ["-k", keyword]
    command += ["--no-location", "-o", str(fresh), "assessor"]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    extracted = ids(catalogue(fresh))
    stored = ids(template)
    assert (sorted(map(str, extracted - stored)), sorted(map(str, stored - extracted))) == (
        [],
        [],
    ), "run `make messages`: the catalogue template differs from the sources"


def test_the_compiled_catalogues_translate() -> None:
    assert translator("ro").gettext("Start a self-assessment") != "Start a self-assessment"
    assert translator("ru").gettext("Start a self-assessment") != "Start a self-assessment"
    assert translator("en").gettext("Start a self-assessment") == "Start a self-assessment"
