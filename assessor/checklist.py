"""The checklist model: load a checklist file once and validate it into immutable data.

A checklist is a YAML file (format in ``checklists/README.md``, shape in
``assessor/schema/checklist.schema.json``). Loading checks the shape with JSON Schema, then the
meaning: unique ids, links that resolve, weights, no empty themes or recommendations. Every
problem found is collected into one :class:`ChecklistError` (the first 50, each cut short).
Before any of that, reading refuses YAML anchors and aliases and bounds the file's size, nesting
and number of values, so a hostile or broken file costs little; files are cached, failures too.

The model also owns the numbering people read and cite: a :class:`Checklist` gives every theme
("2"), recommendation ("2.1"), criterion ("2.1.a"), good practice ("A3") and cited commitment
("B1") its ``code`` once, when it is built, so the web pages, the PDF and the CLI all say the
same thing. Codes follow the checklist's order and may change with a new version; ids never do,
so ids remain the keys (form fields, database, JSON, anchors) and codes are only ever shown.

This module knows nothing of Flask or the database.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import string
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from stat import S_ISREG
from types import MappingProxyType
from typing import Any

import jsonschema
import yaml

from assessor.text import MAX_MESSAGE_CHARS, MAX_PROBLEMS_LISTED, MAX_QUOTED_CHARS, quoted, shorten

DEFAULT_WEIGHT = 1.0
MAX_CHECKLIST_BYTES = 5 * 1024 * 1024
# What a checklist file may hold, checked while it is read, before anything is validated: the
# OSCE checklist is about 2,000 values nested 8 deep; the benchmarks' 100x copy, 75,000.
MAX_YAML_DEPTH = 32
MAX_YAML_VALUES = 200_000
# A translation of a checklist is a sibling file named ``<name>.<language>.yaml``.
TRANSLATION_FILE_NAME = re.compile(r"(?P<stem>.+)\.(?P<language>[a-z]{2,3})\.ya?ml")
# Schema errors examined at most (the report lists fewer: see ``_listed``).
MAX_SCHEMA_ERRORS = 1000


# --------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    """A concrete statement an official can answer for their own country.

    ``code`` is its display code ("2.1.a"), given by the :class:`Checklist` that holds it.
    ``ask_title`` and ``ask_text`` are the optional advocacy phrasing of the criterion: a short
    imperative headline, and one imperative sentence, capitalised and ending with a full stop,
    that reads after "We ask <duty-bearer> to" once its first letter is lower-cased. Both are
    set, or neither.
    """

    id: str
    text: str
    guidance: str | None = None
    weight: float = DEFAULT_WEIGHT
    weight_reason: str | None = None
    code: str = ""
    ask_title: str | None = None
    ask_text: str | None = None


@dataclass(frozen=True)
class Recommendation:
    """A recommendation of the source, quoted verbatim, split into criteria.

    ``code`` is its display code ("2.1"), given by the :class:`Checklist` that holds it.
    """

    id: str
    text: str
    criteria: tuple[Criterion, ...]
    good_practice_ids: tuple[str, ...] = ()
    commitment_ids: tuple[str, ...] = ()
    weight: float = DEFAULT_WEIGHT
    weight_reason: str | None = None
    code: str = ""


@dataclass(frozen=True)
class Theme:
    """A group of recommendations, in the source's order.

    ``code`` is its display code ("2"), given by the :class:`Checklist` that holds it.
    """

    id: str
    title: str
    recommendations: tuple[Recommendation, ...]
    code: str = ""

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """All criteria of this theme, in order."""
        return tuple(c for r in self.recommendations for c in r.criteria)


@dataclass(frozen=True)
class Source:
    """Where the checklist's content comes from."""

    title: str
    publisher: str
    year: int
    citation: str
    caveat: str | None = None


@dataclass(frozen=True)
class PracticeSource:
    """Where in the source a good practice was presented."""

    section: str
    speaker: str

    def __str__(self) -> str:
        return f"{self.section}, {self.speaker}"


@dataclass(frozen=True)
class GoodPractice:
    """A case presented in the source, summarised, with its country, actor and place.

    ``code`` is its display code ("A3", as in the report's Annex A), given by the
    :class:`Checklist` that holds it.
    """

    id: str
    country: str
    actor: str
    title: str
    summary: str
    source: PracticeSource
    code: str = ""


@dataclass(frozen=True)
class Commitment:
    """One provision of a commitment document, quoted verbatim.

    ``code`` is its display code ("B1", as in the report's Annex B), given by the
    :class:`Checklist` that holds it; empty if no recommendation cites it (nothing lists it).
    """

    id: str
    document_id: str
    document: str
    year: int
    paragraph: str
    text: str
    code: str = ""


@dataclass(frozen=True)
class CommitmentDocument:
    """A document holding commitments (e.g. an OSCE Ministerial Council decision)."""

    id: str
    document: str
    year: int
    provisions: tuple[Commitment, ...]


@dataclass(frozen=True)
class Checklist:
    """A validated checklist. Immutable; build it with :func:`load_checklist`.

    Building one gives its themes, recommendations, criteria, good practices and cited
    commitments their display codes (see :meth:`code`); codes passed in are replaced.
    """

    id: str
    version: str
    title: str
    language: str
    source: Source
    themes: tuple[Theme, ...]
    good_practices: tuple[GoodPractice, ...] = ()
    commitment_documents: tuple[CommitmentDocument, ...] = ()
    description: str | None = None
    digest: str = ""
    path: str | None = None
    # Set on a view of the checklist in another language (see assessor.checklist_translation):
    # the language its texts are shown in, the translation's note on who made it and the
    # SHA-256 of its file, and the checklist itself, untranslated.
    shown_language: str | None = None
    translation_note: str | None = None
    translation_digest: str = ""
    untranslated: Checklist | None = field(default=None, repr=False, compare=False)
    _index: Mapping[str, Any] = field(
        default_factory=lambda: MappingProxyType({}),
        repr=False,
        compare=False,
        hash=False,
        init=False,
    )
    _parents: Mapping[str, tuple[Theme, Recommendation]] = field(
        default_factory=lambda: MappingProxyType({}),
        repr=False,
        compare=False,
        hash=False,
        init=False,
    )

    def __post_init__(self) -> None:
        themes, practices, documents = _coded(
            self.themes, self.good_practices, self.commitment_documents
        )
        object.__setattr__(self, "themes", themes)
        object.__setattr__(self, "good_practices", practices)
        object.__setattr__(self, "commitment_documents", documents)
        index: dict[str, Any] = {}
        for theme in self.themes:
            index[theme.id] = theme
            for rec in theme.recommendations:
                index[rec.id] = rec
                for crit in rec.criteria:
                    index[crit.id] = crit
        for practice in self.good_practices:
            index[practice.id] = practice
        for doc in self.commitment_documents:
            index[doc.id] = doc
            for provision in doc.provisions:
                index[provision.id] = provision
        parents: dict[str, tuple[Theme, Recommendation]] = {}
        for theme in self.themes:
            for rec in theme.recommendations:
                for crit in rec.criteria:
                    parents[crit.id] = (theme, rec)
        object.__setattr__(self, "_index", MappingProxyType(index))
        object.__setattr__(self, "_parents", MappingProxyType(parents))

    # -- navigation ---------------------------------------------------------------------

    @property
    def recommendations(self) -> tuple[Recommendation, ...]:
        """All recommendations, in order."""
        return tuple(r for t in self.themes for r in t.recommendations)

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """All criteria, in order."""
        return tuple(c for t in self.themes for c in t.criteria)

    @property
    def commitments(self) -> tuple[Commitment, ...]:
        """All commitment provisions, in order."""
        return tuple(p for d in self.commitment_documents for p in d.provisions)

    def walk(self) -> Iterator[tuple[Theme, Recommendation, Criterion]]:
        """Yield every criterion with its theme and recommendation, in checklist order."""
        for theme in self.themes:
            for rec in theme.recommendations:
                for crit in rec.criteria:
                    yield theme, rec, crit

    def _get(self, kind: type, item_id: str) -> Any:
        item = self._index.get(item_id)
        if not isinstance(item, kind):
            raise KeyError(f"no {kind.__name__.lower()} with id {item_id!r} in {self.id}")
        return item

    def theme(self, theme_id: str) -> Theme:
        """The theme with this id (``KeyError`` if none)."""
        result: Theme = self._get(Theme, theme_id)
        return result

    def recommendation(self, rec_id: str) -> Recommendation:
        """The recommendation with this id (``KeyError`` if none)."""
        result: Recommendation = self._get(Recommendation, rec_id)
        return result

    def criterion(self, crit_id: str) -> Criterion:
        """The criterion with this id (``KeyError`` if none)."""
        result: Criterion = self._get(Criterion, crit_id)
        return result

    def good_practice(self, practice_id: str) -> GoodPractice:
        """The good practice with this id (``KeyError`` if none)."""
        result: GoodPractice = self._get(GoodPractice, practice_id)
        return result

    def commitment(self, commitment_id: str) -> Commitment:
        """The commitment provision with this id (``KeyError`` if none)."""
        result: Commitment = self._get(Commitment, commitment_id)
        return result

    def code(self, item_id: str) -> str:
        """The display code of the item with this id ("2", "2.1", "2.1.a", "A3", "B1").

        Empty for a commitment no recommendation cites and for a commitment document;
        ``KeyError`` if the checklist has no item with this id.
        """
        item = self._index.get(item_id)
        if item is None:
            raise KeyError(f"no item with id {item_id!r} in {self.id}")
        code: str = getattr(item, "code", "")
        return code

    def item(self, item_id: str) -> Any:
        """The theme, recommendation, criterion, good practice, commitment document or
        provision with this id, or ``None``."""
        return self._index.get(item_id)

    @property
    def display_language(self) -> str:
        """The language the checklist's texts are shown in (its own, unless a view)."""
        return self.shown_language or self.language

    @property
    def shown_digest(self) -> str:
        """What the checklist's texts as shown are made from: its file's digest, and for a
        view in another language the language and the translation's digest too (a report's
        cache key)."""
        if self.shown_language is None:
            return self.digest
        parts = (self.digest, self.shown_language, self.translation_digest)
        return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()

    def has_criterion(self, crit_id: str) -> bool:
        """Whether a criterion with this id exists."""
        return isinstance(self._index.get(crit_id), Criterion)

    def parents(self, crit_id: str) -> tuple[Theme, Recommendation]:
        """The theme and recommendation a criterion belongs to."""
        return self._parents[crit_id]

    def good_practices_for(self, rec: Recommendation) -> tuple[GoodPractice, ...]:
        """The good practices linked to a recommendation, in link order."""
        return tuple(self.good_practice(i) for i in rec.good_practice_ids)

    def commitments_for(self, rec: Recommendation) -> tuple[Commitment, ...]:
        """The commitment provisions linked to a recommendation, in link order."""
        return tuple(self.commitment(i) for i in rec.commitment_ids)

    def recommendations_for_practice(self, practice_id: str) -> tuple[Recommendation, ...]:
        """The recommendations that link a good practice."""
        return tuple(r for r in self.recommendations if practice_id in r.good_practice_ids)


def _criterion_letters(index: int) -> str:
    """The letters of the criterion at this 0-based place in its recommendation: a..z, aa, ab..."""
    result = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        result = string.ascii_lowercase[rest] + result
    return result


def _coded(
    themes: tuple[Theme, ...],
    practices: tuple[GoodPractice, ...],
    documents: tuple[CommitmentDocument, ...],
) -> tuple[tuple[Theme, ...], tuple[GoodPractice, ...], tuple[CommitmentDocument, ...]]:
    """Copies of a checklist's parts with their display codes: the one numbering of the app.

    Themes 1, 2...; recommendations 1.1, 1.2... within their theme; criteria 1.1.a, 1.1.b...
    within their recommendation; good practices A1, A2...; the commitments some recommendation
    cites B1, B2... in document order (the others get none: no page or report lists them).
    """
    coded_themes = tuple(
        replace(
            theme,
            code=str(t),
            recommendations=tuple(
                replace(
                    rec,
                    code=f"{t}.{r}",
                    criteria=tuple(
                        replace(crit, code=f"{t}.{r}.{_criterion_letters(c)}")
                        for c, crit in enumerate(rec.criteria)
                    ),
                )
                for r, rec in enumerate(theme.recommendations, start=1)
            ),
        )
        for t, theme in enumerate(themes, start=1)
    )
    coded_practices = tuple(
        replace(practice, code=f"A{p}") for p, practice in enumerate(practices, start=1)
    )
    cited = {c for theme in themes for rec in theme.recommendations for c in rec.commitment_ids}
    numbers: dict[str, str] = {}
    for provision in (p for doc in documents for p in doc.provisions if p.id in cited):
        numbers[provision.id] = f"B{len(numbers) + 1}"
    coded_documents = tuple(
        replace(
            doc, provisions=tuple(replace(p, code=numbers.get(p.id, "")) for p in doc.provisions)
        )
        for doc in documents
    )
    return coded_themes, coded_practices, coded_documents


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a checklist file: where, and what."""

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


class ChecklistError(Exception):
    """A checklist file is invalid; ``problems`` lists everything wrong with it."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def checklist_schema() -> dict[str, Any]:
    """The JSON Schema every checklist file must match."""
    text = resources.files("assessor").joinpath("schema/checklist.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _where(path: Iterable[Any], data: Any) -> str:
    """Describe a JSON path as the nearest id plus the remaining keys."""
    label = "(top level)"
    trail: list[str] = []
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            trail.append(str(part))
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            label = f"id {node['id']!r}"
            trail = []
        else:
            trail.append(f"[{part}]" if isinstance(part, int) else str(part))
    if trail:
        return f"{label} > {'.'.join(trail).replace('.[', '[')}"
    return label


def _listed(problems: Sequence[Problem], examined_all: bool = True) -> list[Problem]:
    """The problems as they are reported: the first :data:`MAX_PROBLEMS_LISTED`, each cut short.

    A broken file can hold thousands of problems and values megabytes long; the report (a log
    line, a terminal) names the first ones and how many more there are.
    """
    listed = [
        Problem(p.file, shorten(p.where, MAX_QUOTED_CHARS), shorten(p.message, MAX_MESSAGE_CHARS))
        for p in problems[:MAX_PROBLEMS_LISTED]
    ]
    rest = len(problems) - len(listed)
    if rest > 0 or not examined_all:
        count = f"{rest}" if examined_all else f"at least {rest + 1}"
        listed.append(Problem(problems[0].file, "(file)", f"... and {count} more problems"))
    return listed


def _path_order(error: jsonschema.ValidationError) -> list[tuple[bool, Any]]:
    """Sort key for errors: by where they are, list items in their order (2 before 10)."""
    return [(isinstance(p, str), p if isinstance(p, int) else str(p)) for p in error.path]


def _schema_problems(
    file: str, data: Any, schema: dict[str, Any] | None = None
) -> tuple[list[Problem], bool]:
    """The problems the JSON Schema finds (at most :data:`MAX_SCHEMA_ERRORS`), and whether all were.

    ``schema`` is the checklist's unless another is given (a translation's). Looking stops after
    that many: each costs time and memory, and no one reads a thousand.
    """
    schema = schema or checklist_schema()
    validator = jsonschema.Draft202012Validator(schema)
    errors = list(itertools.islice(validator.iter_errors(data), MAX_SCHEMA_ERRORS + 1))
    examined_all = len(errors) <= MAX_SCHEMA_ERRORS
    problems = []
    for error in sorted(errors[:MAX_SCHEMA_ERRORS], key=_path_order):
        message = error.message
        if error.validator == "pattern" and error.schema.get("$ref") is None:
            if error.schema is schema["$defs"]["id"]:
                message = (
                    f"{quoted(error.instance)} is not a valid id "
                    "(lower-case letters, digits, - or _)"
                )
            elif error.schema.get("pattern") == "\\S":
                message = "must not be blank"
        elif error.validator == "additionalProperties":
            message = f"unknown field: {error.message.split('(')[-1].rstrip(')')}"
        elif error.validator == "maxLength" and isinstance(error.instance, str):
            message = (
                f"{quoted(error.instance)} is too long ({len(error.instance)} characters; "
                f"the limit is {error.validator_value})"
            )
        elif isinstance(error.instance, (str, list, dict)):
            # jsonschema quotes the whole value ("[...] is not of type", "'...' is not one of")
            full = repr(error.instance)
            if len(full) > MAX_QUOTED_CHARS:
                message = message.replace(full, shorten(full, MAX_QUOTED_CHARS))
        problems.append(Problem(file, _where(error.absolute_path, data), message))
    return problems, examined_all


def _meaning_problems(file: str, data: dict[str, Any]) -> list[Problem]:
    """Check what the schema cannot: unique ids, links, weights, empty groups."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}

    def claim(item_id: str, kind: str) -> None:
        if item_id in seen:
            problems.append(
                Problem(
                    file, f"id {item_id!r}", f"duplicate id (already used by a {seen[item_id]})"
                )
            )
        else:
            seen[item_id] = kind

    claim(data["id"], "checklist")
    practice_ids: set[str] = set()
    commitment_ids: set[str] = set()
    for practice in data.get("good_practices", []):
        claim(practice["id"], "good practice")
        practice_ids.add(practice["id"])
    for doc in data.get("commitments", []):
        claim(doc["id"], "commitment document")
        if not doc["provisions"]:
            problems.append(
                Problem(file, f"id {doc['id']!r}", "commitment document has no provisions")
            )
        for provision in doc["provisions"]:
            claim(provision["id"], "commitment")
            commitment_ids.add(provision["id"])

    for theme in data["themes"]:
        claim(theme["id"], "theme")
        if not theme["recommendations"]:
            problems.append(Problem(file, f"id {theme['id']!r}", "theme has no recommendations"))
        for rec in theme["recommendations"]:
            claim(rec["id"], "recommendation")
            where = f"id {rec['id']!r}"
            if not rec["criteria"]:
                problems.append(Problem(file, where, "recommendation has no criteria"))
            for crit in rec["criteria"]:
                claim(crit["id"], "criterion")
                problems.extend(_weight_problems(file, crit))
            problems.extend(_weight_problems(file, rec))
            for key, known, kind in (
                ("good_practices", practice_ids, "good practice"),
                ("commitments", commitment_ids, "commitment"),
            ):
                links = rec.get(key, [])
                for link in links:
                    if link not in known:
                        problems.append(
                            Problem(file, where, f"{key}: links to unknown {kind} {link!r}")
                        )
                for dup in sorted({x for x in links if links.count(x) > 1}):
                    problems.append(Problem(file, where, f"{key}: {dup!r} is listed twice"))
    return problems


def _weight_problems(file: str, item: dict[str, Any]) -> list[Problem]:
    weight = item.get("weight", DEFAULT_WEIGHT)
    where = f"id {item['id']!r}"
    if not math.isfinite(weight):
        return [Problem(file, where, "weight must be a finite number")]
    if weight != DEFAULT_WEIGHT and not item.get("weight_reason"):
        return [Problem(file, where, "a weight other than 1 needs a weight_reason")]
    return []


def _build(data: dict[str, Any], digest: str, path: str | None) -> Checklist:
    def criterion(c: dict[str, Any]) -> Criterion:
        ask = c.get("ask") or {}
        return Criterion(
            id=c["id"],
            text=c["text"].strip(),
            guidance=(c.get("guidance") or "").strip() or None,
            weight=float(c.get("weight", DEFAULT_WEIGHT)),
            weight_reason=c.get("weight_reason"),
            ask_title=" ".join(ask["title"].split()) if ask else None,
            ask_text=" ".join(ask["text"].split()) if ask else None,
        )

    def recommendation(r: dict[str, Any]) -> Recommendation:
        return Recommendation(
            id=r["id"],
            text=r["text"].strip(),
            criteria=tuple(criterion(c) for c in r["criteria"]),
            good_practice_ids=tuple(r.get("good_practices", [])),
            commitment_ids=tuple(r.get("commitments", [])),
            weight=float(r.get("weight", DEFAULT_WEIGHT)),
            weight_reason=r.get("weight_reason"),
        )

    source = data["source"]
    return Checklist(
        id=data["id"],
        version=data["version"],
        title=data["title"].strip(),
        language=data["language"],
        description=(data.get("description") or "").strip() or None,
        source=Source(
            title=source["title"].strip(),
            publisher=source["publisher"].strip(),
            year=source["year"],
            citation=source["citation"].strip(),
            caveat=(source.get("caveat") or "").strip() or None,
        ),
        themes=tuple(
            Theme(
                id=t["id"],
                title=t["title"].strip(),
                recommendations=tuple(recommendation(r) for r in t["recommendations"]),
            )
            for t in data["themes"]
        ),
        good_practices=tuple(
            GoodPractice(
                id=g["id"],
                country=g["country"].strip(),
                actor=g["actor"].strip(),
                title=g["title"].strip(),
                summary=" ".join(g["summary"].split()),
                source=PracticeSource(
                    section=g["source"]["section"].strip(), speaker=g["source"]["speaker"].strip()
                ),
            )
            for g in data.get("good_practices", [])
        ),
        commitment_documents=tuple(
            CommitmentDocument(
                id=d["id"],
                document=d["document"].strip(),
                year=d["year"],
                provisions=tuple(
                    Commitment(
                        id=p["id"],
                        document_id=d["id"],
                        document=d["document"].strip(),
                        year=d["year"],
                        paragraph=p["paragraph"].strip(),
                        text=p["text"].strip(),
                    )
                    for p in d["provisions"]
                ),
            )
            for d in data.get("commitments", [])
        ),
        digest=digest,
        path=path,
    )


class _Refused(yaml.MarkedYAMLError):
    """YAML that is valid but not allowed in a checklist (aliases, too deep, too many values)."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader for checklists: no key twice in a mapping, no anchors or aliases, and
    at most :data:`MAX_YAML_DEPTH` levels and :data:`MAX_YAML_VALUES` values.

    The limits are checked while the document is composed, before anything is built or
    validated: an "alias bomb" (a few hundred bytes of aliases to aliases) would otherwise
    expand into billions of values for the validator to walk and quote. Checklists have no use
    for anchors, so they are refused outright rather than bounded.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._values = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Compose the next value, refusing anchors, aliases and nesting or size past the limits."""
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            problem = "anchors and aliases (&name, *name) are not allowed in a checklist"
            raise _Refused(None, None, problem, event.start_mark)
        self._values += 1
        if self._values > MAX_YAML_VALUES:
            problem = f"the file holds more than {MAX_YAML_VALUES} values"
            raise _Refused(None, None, problem, event.start_mark)
        if self._depth >= MAX_YAML_DEPTH:
            problem = f"values are nested more than {MAX_YAML_DEPTH} levels deep"
            raise _Refused(None, None, problem, event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {quoted(key)}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _read_yaml(decoded: str, file: str) -> Any:
    """The data of a checklist's YAML text; ``ChecklistError`` if it cannot or may not be read."""
    try:
        return yaml.load(decoded, Loader=_UniqueKeyLoader)  # noqa: S506 - safe loader subclass
    except RecursionError:
        problems = [Problem(file, "(file)", "YAML nested too deeply")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        problem = getattr(exc, "problem", None) or str(exc)
        if not isinstance(exc, _Refused):
            problem = f"YAML syntax error: {problem}"
        problems = [Problem(file, where, problem)]
    raise ChecklistError(_listed(problems))


def parse_checklist(text: str | bytes, file: str = "<string>") -> Checklist:
    """Validate checklist YAML text into a :class:`Checklist`; raise ``ChecklistError`` if bad.

    The error lists the first :data:`MAX_PROBLEMS_LISTED` problems and says how many more.
    """
    data, digest = read_checklist_file(text, file)
    problems, examined_all = _schema_problems(file, data)
    if problems:
        raise ChecklistError(_listed(problems, examined_all))
    problems = _meaning_problems(file, data)
    if problems:
        raise ChecklistError(_listed(problems))
    return _build(data, digest, file)


def read_checklist_file(text: str | bytes, file: str) -> tuple[dict[str, Any], str]:
    """The mapping a checklist (or checklist translation) file holds, and the SHA-256 of its
    bytes: bounded in size, UTF-8, safe YAML; ``ChecklistError`` if it cannot be read."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    if len(raw) > MAX_CHECKLIST_BYTES:
        raise ChecklistError(
            [Problem(file, "(file)", f"file is larger than {MAX_CHECKLIST_BYTES} bytes")]
        )
    digest = hashlib.sha256(raw).hexdigest()
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ChecklistError([Problem(file, "(file)", f"not UTF-8 text ({exc.reason})")]) from None
    data = _read_yaml(decoded, file)
    if data is None:
        raise ChecklistError([Problem(file, "(file)", "the file is empty")])
    if not isinstance(data, dict):
        raise ChecklistError(
            [Problem(file, "(top level)", f"expected a mapping, found {type(data).__name__}")]
        )
    return data, digest


def load_checklist(path: str | Path) -> Checklist:
    """Load and validate a checklist file, once per file content (cached).

    Failures are cached as well as checklists, so a bad file in a checklist folder costs one
    reading per change, not one per request; a file is read again when its size, times or
    inode change.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise ChecklistError([Problem(str(path), "(file)", exc.strerror or str(exc))]) from None
    if not S_ISREG(stat.st_mode):  # a folder, a pipe or /dev/zero: nothing to read, or no end
        raise ChecklistError([Problem(str(path), "(file)", "not a regular file")])
    loaded = _load_cached(str(path), stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)
    if isinstance(loaded, Checklist):
        return loaded
    raise ChecklistError(loaded)  # a fresh exception each time: a cached one would gather frames


@lru_cache(maxsize=64)
def _load_cached(
    path: str, mtime_ns: int, ctime_ns: int, size: int, inode: int
) -> Checklist | tuple[Problem, ...]:
    """The checklist in a file, or its problems; cached by the file's path and stat."""
    try:
        try:
            with open(path, "rb") as file:
                raw = file.read(MAX_CHECKLIST_BYTES + 1)  # enough for parse_checklist to refuse
        except OSError as exc:
            raise ChecklistError([Problem(path, "(file)", exc.strerror or str(exc))]) from None
        return parse_checklist(raw, path)
    except ChecklistError as exc:
        return exc.problems


def is_translation_file(path: str | Path) -> bool:
    """Whether a file in a checklist folder is a translation (``<name>.<language>.yaml``, the
    language two or three lower-case letters), not a checklist."""
    return TRANSLATION_FILE_NAME.fullmatch(Path(path).name) is not None


def discover_checklists(directory: str | Path) -> tuple[list[Checklist], list[ChecklistError]]:
    """Load every ``*.yaml``/``*.yml`` file in a folder: the valid checklists and the errors."""
    found: list[Checklist] = []
    errors: list[ChecklistError] = []
    directory = Path(directory)
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    for file in (f for f in files if not is_translation_file(f)):
        try:
            found.append(load_checklist(file))
        except ChecklistError as exc:
            errors.append(exc)
    ids: dict[str, str] = {}
    for checklist in list(found):
        if checklist.id in ids:
            found.remove(checklist)
            errors.append(
                ChecklistError(
                    [
                        Problem(
                            checklist.path or "?",
                            f"id {checklist.id!r}",
                            f"the same checklist id is already used by {ids[checklist.id]}",
                        )
                    ]
                )
            )
        else:
            ids[checklist.id] = checklist.path or "?"
    return found, errors
