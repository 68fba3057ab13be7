"""Checklist content in other languages: sibling translation files, keyed by the permanent ids.

A translation is a file ``<name>.<language>.yaml`` beside the checklist (format in
``checklists/README.md``, shape in ``assessor/schema/checklist-translation.schema.json``). It
names the checklist and the version it was made from, and gives any of the checklist's texts in
its language; every text is optional. Loading checks the shape, that the checklist and version
match and that every id it translates exists (with the right kind): every problem is collected
into one :class:`~assessor.checklist.ChecklistError`, as for a checklist.

:func:`translated` gives a *view* of a checklist in a language: a :class:`Checklist` like the
original (same ids, codes, links, weights and digest, so scoring and storage are unchanged) whose
texts are :class:`Text` strings that know their English original, their language and whether
they are translated. A text the translation lacks stays in the original language and says so
(``translated`` false, ``language`` the original's): pages and reports mark it, never show it
silently. Recommendations and commitments are quoted from the source: their translations are
unofficial, and the pages and reports keep the original one click (or one annex) away.

This module knows nothing of Flask or the database.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from stat import S_ISREG
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from assessor.checklist import (
    TRANSLATION_FILE_NAME,
    Checklist,
    ChecklistError,
    CommitmentDocument,
    Criterion,
    GoodPractice,
    Problem,
    Recommendation,
    Theme,
    _listed,
    _schema_problems,
    read_checklist_file,
)

MAX_TRANSLATION_BYTES = 5 * 1024 * 1024
_K = TypeVar("_K")
_V = TypeVar("_V")

# The sections of a translation file, the kind of checklist item each translates, and the
# fields of that kind a translation may give (``ask`` is a mapping of ``ask_title`` and
# ``ask_text``). The top level's fields have the id "".
_SECTIONS: Mapping[str, tuple[tuple[type, ...], tuple[str, ...]]] = {
    "themes": ((Theme,), ("title",)),
    "recommendations": ((Recommendation,), ("text",)),
    "criteria": ((Criterion,), ("text", "guidance", "ask_title", "ask_text")),
    "good_practices": ((GoodPractice,), ("title", "summary", "actor", "country")),
    "commitments": ((CommitmentDocument,), ("document",)),
}
_PROVISION_FIELDS = ("paragraph", "text")
_TOP_FIELDS = ("title", "description", "caveat")


class Text(str):
    """A checklist text as shown in a language: the string itself, plus ``original`` (the text
    in the checklist's own language), ``language`` (the language the string is in) and
    ``translated`` (false when the translation lacks it and the string is the original)."""

    original: str
    language: str
    translated: bool

    def __new__(cls, value: str, *, original: str, language: str, translated: bool) -> Text:
        """A text ``value`` in ``language``, translated from ``original`` (or not)."""
        text = super().__new__(cls, value)
        text.original = original
        text.language = language
        text.translated = translated
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the attributes (a checklist view may be cached or sent to a process)."""
        return (_make_text, (str(self), self.original, self.language, self.translated))


def _make_text(value: str, original: str, language: str, translated: bool) -> Text:
    return Text(value, original=original, language=language, translated=translated)


def is_translated(value: str) -> bool:
    """Whether a checklist text is a translation (false for an original, or a missing one)."""
    return bool(getattr(value, "translated", False))


def is_untranslated(value: str) -> bool:
    """Whether a checklist text is shown in the original language in a translated view: the
    translation lacks it, and it must be marked as such."""
    return isinstance(value, Text) and not value.translated


def rewritten(value: str, change: Callable[[str], str]) -> str:
    """``change`` applied to a checklist text, keeping what it knows about its translation (its
    original changed alike): for a text quoted without its final punctuation, say."""
    if isinstance(value, Text):
        return Text(
            change(str(value)),
            original=change(value.original),
            language=value.language,
            translated=value.translated,
        )
    return change(value)


def original_of(value: str) -> str:
    """The original (English) text of a checklist text; the text itself if it is an original."""
    return getattr(value, "original", value)


@dataclass(frozen=True, eq=False)
class ChecklistTranslation:
    """A validated translation file: the texts it gives, by (id, field); "" is the checklist."""

    checklist_id: str
    version: str
    language: str
    note: str
    texts: Mapping[tuple[str, str], str]
    digest: str = ""
    path: str | None = None

    def get(self, item_id: str, field: str) -> str | None:
        """The translation of a field of the item with this id, or ``None``."""
        return self.texts.get((item_id, field))


@dataclass(frozen=True)
class Coverage:
    """How much of a checklist a translation covers: the texts it lacks, as (id, field)."""

    total: int
    missing: tuple[tuple[str, str], ...]

    @property
    def complete(self) -> bool:
        """Whether every text is translated."""
        return not self.missing


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def translation_schema() -> dict[str, Any]:
    """The JSON Schema every checklist translation file must match."""
    path = "schema/checklist-translation.schema.json"
    schema: dict[str, Any] = json.loads(
        resources.files("assessor").joinpath(path).read_text("utf-8")
    )
    return schema


def parse_translation(
    text: str | bytes, checklist: Checklist, file: str = "<string>"
) -> ChecklistTranslation:
    """Validate translation YAML text against its checklist; ``ChecklistError`` lists every
    problem (shape, checklist id, version, language, unknown ids, fields the checklist lacks)."""
    data, digest = read_checklist_file(text, file)
    problems, examined_all = _schema_problems(file, data, translation_schema())
    if problems:
        raise ChecklistError(_listed(problems, examined_all))
    problems = []
    if data["checklist"] != checklist.id:
        problems.append(
            Problem(
                file,
                "checklist",
                f"translates {data['checklist']!r}, not the checklist {checklist.id!r}",
            )
        )
    if data["version"] != checklist.version:
        problems.append(
            Problem(
                file,
                "version",
                f"made from version {data['version']} of {checklist.id}, not version "
                f"{checklist.version}: check the texts that changed, then set the version",
            )
        )
    if data["language"] == checklist.language:
        problems.append(
            Problem(file, "language", f"is the checklist's own language ({checklist.language})")
        )
    named = TRANSLATION_FILE_NAME.fullmatch(Path(file).name)
    if named is not None and named["language"] != data["language"]:
        problems.append(
            Problem(
                file,
                "language",
                f"is {data['language']}, but the file name says {named['language']}",
            )
        )
    texts, meaning = _texts(file, data, checklist)
    problems.extend(meaning)
    if problems:
        raise ChecklistError(_listed(problems))
    return ChecklistTranslation(
        checklist_id=data["checklist"],
        version=data["version"],
        language=data["language"],
        note=" ".join(data["translation_note"].split()),
        texts=MappingProxyType(texts),
        digest=digest,
        path=file,
    )


def _texts(
    file: str, data: dict[str, Any], checklist: Checklist
) -> tuple[dict[tuple[str, str], str], list[Problem]]:
    """The texts of a (schema-valid) translation by (id, field), and the ids or fields it gives
    that the checklist lacks."""
    texts: dict[tuple[str, str], str] = {}
    problems: list[Problem] = []
    for field in ("title", "description"):
        if field in data:
            texts[("", field)] = data[field]
    if "caveat" in data.get("source", {}):
        texts[("", "caveat")] = data["source"]["caveat"]
    if ("", "description") in texts and checklist.description is None:
        problems.append(Problem(file, "description", "the checklist has no description"))
    if "caveat" in data.get("source", {}) and checklist.source.caveat is None:
        problems.append(Problem(file, "source > caveat", "the checklist has no caveat"))
    for section, (kinds, _fields) in _SECTIONS.items():
        for item_id, entry in data.get(section, {}).items():
            where = f"{section} > {item_id}"
            item = checklist.item(item_id)
            provision = (
                section == "commitments"
                and item is not None
                and item_id in {p.id for p in checklist.commitments}
            )
            if item is None:
                problems.append(
                    Problem(file, where, f"no item with id {item_id!r} in the checklist")
                )
                continue
            if not isinstance(item, kinds) and not provision:
                kind = type(item).__name__.lower()
                problems.append(Problem(file, where, f"{item_id!r} is a {kind}, not in {section}"))
                continue
            flat = dict(entry)
            if "ask" in flat:
                ask = flat.pop("ask")
                flat["ask_title"], flat["ask_text"] = ask["title"], ask["text"]
            allowed = _PROVISION_FIELDS if provision else _fields
            for field, value in flat.items():
                if field not in allowed:
                    label = "a commitment provision" if provision else "a commitment document"
                    problems.append(Problem(file, where, f"{field}: not a field of {label}"))
                elif getattr(item, field, None) is None:
                    problems.append(Problem(file, where, f"{field}: the checklist has none here"))
                else:
                    texts[(item_id, field)] = value
    return texts, problems


def load_translation(path: str | Path, checklist: Checklist) -> ChecklistTranslation:
    """Load and validate a translation file for a checklist, once per file and checklist
    content (cached, failures too); ``ChecklistError`` lists its problems."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise ChecklistError([Problem(str(path), "(file)", exc.strerror or str(exc))]) from None
    if not S_ISREG(stat.st_mode):
        raise ChecklistError([Problem(str(path), "(file)", "not a regular file")])
    # Keyed by what identifies the file's content and the checklist's (not the checklist
    # itself: hashing a whole checklist on every page costs more than the rest of this).
    key = (
        str(path),
        stat.st_mtime_ns,
        stat.st_ctime_ns,
        stat.st_size,
        stat.st_ino,
        checklist.path or "",
        checklist.digest,
    )
    loaded = _LOADED.get(key)
    if loaded is None:
        loaded = _load(str(path), checklist)
        _LOADED.put(key, loaded)
    if isinstance(loaded, ChecklistTranslation):
        return loaded
    raise ChecklistError(loaded)


class _Cache(Generic[_K, _V]):
    """A small thread-safe cache that forgets the least recently used entries."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[_K, _V] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: _K) -> _V | None:
        """The entry for ``key``, or ``None``."""
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key: _K, value: _V) -> None:
        """Keep ``value`` for ``key``, forgetting the oldest entries past the size."""
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


_LOADED: _Cache[
    tuple[str, int, int, int, int, str, str], ChecklistTranslation | tuple[Problem, ...]
]
_LOADED = _Cache(64)


def _load(path: str, checklist: Checklist) -> ChecklistTranslation | tuple[Problem, ...]:
    """The translation in a file, or its problems."""
    try:
        try:
            with open(path, "rb") as file:
                raw = file.read(MAX_TRANSLATION_BYTES + 1)
        except OSError as exc:
            raise ChecklistError([Problem(path, "(file)", exc.strerror or str(exc))]) from None
        return parse_translation(raw, checklist, path)
    except ChecklistError as exc:
        return exc.problems


def translation_path(checklist_path: str | Path, language: str) -> Path:
    """Where the translation of a checklist file into a language is: beside it, with the
    language before the extension (``x.yaml`` -> ``x.ro.yaml``)."""
    path = Path(checklist_path)
    return path.with_name(f"{path.stem}.{language}{path.suffix}")


def translated_file(path: str | Path) -> tuple[Path, str] | None:
    """The checklist file a translation file translates, and its language (``None`` for a
    name that is not a translation's)."""
    path = Path(path)
    match = TRANSLATION_FILE_NAME.fullmatch(path.name)
    if match is None:
        return None
    return path.with_name(f"{match['stem']}{path.suffix}"), match["language"]


def in_language(checklist: Checklist, language: str) -> Checklist:
    """The checklist shown in ``language``: translated by the file beside it if there is a
    valid one, else every text marked as shown in the original (an invalid translation is
    reported by ``assessor check`` and at start-up, not here, on every page)."""
    checklist = checklist.untranslated or checklist
    if language == checklist.language:
        return checklist
    translation = None
    if checklist.path is not None:
        path = translation_path(checklist.path, language)
        if path.exists():
            try:
                translation = load_translation(path, checklist)
            except ChecklistError:
                translation = None
    return translated(checklist, language, translation)


# --------------------------------------------------------------------------------------------
# Coverage and views
# --------------------------------------------------------------------------------------------


def translatable_texts(checklist: Checklist) -> Iterator[tuple[str, str, str]]:
    """Every text of a checklist a translation can give, as (id, field, original), in order."""
    yield "", "title", checklist.title
    if checklist.description:
        yield "", "description", checklist.description
    if checklist.source.caveat:
        yield "", "caveat", checklist.source.caveat
    for theme in checklist.themes:
        yield theme.id, "title", theme.title
        for rec in theme.recommendations:
            yield rec.id, "text", rec.text
            for crit in rec.criteria:
                for field in _SECTIONS["criteria"][1]:
                    value = getattr(crit, field)
                    if value is not None:
                        yield crit.id, field, value
    for practice in checklist.good_practices:
        for field in _SECTIONS["good_practices"][1]:
            yield practice.id, field, getattr(practice, field)
    for doc in checklist.commitment_documents:
        yield doc.id, "document", doc.document
        for provision in doc.provisions:
            for field in _PROVISION_FIELDS:
                yield provision.id, field, getattr(provision, field)


def coverage(checklist: Checklist, translation: ChecklistTranslation) -> Coverage:
    """Which of the checklist's texts the translation lacks."""
    expected = [(item_id, field) for item_id, field, _ in translatable_texts(checklist)]
    missing = tuple(key for key in expected if key not in translation.texts)
    return Coverage(total=len(expected), missing=missing)


def translated(
    checklist: Checklist, language: str, translation: ChecklistTranslation | None
) -> Checklist:
    """The checklist shown in ``language``: each text a :class:`Text`, translated where the
    translation gives it (``translation`` may be ``None``: nothing is), else the original,
    marked. The checklist itself when ``language`` is its own."""
    base = checklist.untranslated or checklist
    if language == base.language:
        return base
    key = (
        base.path or "",
        base.digest,
        language,
        translation.path or "" if translation else "",
        translation.digest if translation else "",
    )
    view = _VIEWS.get(key)
    if view is None:
        view = _view(base, language, translation)
        _VIEWS.put(key, view)
    return view


_VIEWS: _Cache[tuple[str, str, str, str, str], Checklist] = _Cache(32)


def _view(
    checklist: Checklist, language: str, translation: ChecklistTranslation | None
) -> Checklist:
    def text(item_id: str, field: str, original: str) -> Text:
        given = translation.get(item_id, field) if translation else None
        if given is None:
            return Text(original, original=original, language=checklist.language, translated=False)
        value = " ".join(given.split()) if field in _ONE_LINE else given.strip()
        return Text(value, original=original, language=language, translated=True)

    def optional(item_id: str, field: str, original: str | None) -> Text | None:
        return None if original is None else text(item_id, field, original)

    themes = tuple(
        replace(
            theme,
            title=text(theme.id, "title", theme.title),
            recommendations=tuple(
                replace(
                    rec,
                    text=text(rec.id, "text", rec.text),
                    criteria=tuple(
                        replace(
                            crit,
                            text=text(crit.id, "text", crit.text),
                            guidance=optional(crit.id, "guidance", crit.guidance),
                            ask_title=optional(crit.id, "ask_title", crit.ask_title),
                            ask_text=optional(crit.id, "ask_text", crit.ask_text),
                        )
                        for crit in rec.criteria
                    ),
                )
                for rec in theme.recommendations
            ),
        )
        for theme in checklist.themes
    )
    practices = tuple(
        replace(
            p,
            title=text(p.id, "title", p.title),
            summary=text(p.id, "summary", p.summary),
            actor=text(p.id, "actor", p.actor),
            country=text(p.id, "country", p.country),
        )
        for p in checklist.good_practices
    )
    documents = []
    for doc in checklist.commitment_documents:
        name = text(doc.id, "document", doc.document)
        documents.append(
            replace(
                doc,
                document=name,
                provisions=tuple(
                    replace(
                        p,
                        document=name,
                        paragraph=text(p.id, "paragraph", p.paragraph),
                        text=text(p.id, "text", p.text),
                    )
                    for p in doc.provisions
                ),
            )
        )
    return replace(
        checklist,
        title=text("", "title", checklist.title),
        description=optional("", "description", checklist.description),
        source=replace(checklist.source, caveat=optional("", "caveat", checklist.source.caveat)),
        themes=themes,
        good_practices=practices,
        commitment_documents=tuple(documents),
        shown_language=language,
        translation_note=translation.note if translation else None,
        translation_digest=translation.digest if translation else "",
        untranslated=checklist,
    )


# Texts the checklist keeps on one line (as :func:`assessor.checklist._build` does).
_ONE_LINE = frozenset({"summary", "ask_title", "ask_text"})
