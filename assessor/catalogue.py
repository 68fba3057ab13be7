"""The checklists this app offers: every valid file in the checklist folder.

Files are re-read only when they change (``load_checklist`` caches by path, size, times and
inode), so a checklist added or fixed while the app runs is picked up without a restart. An
invalid file is cached too, with its (bounded) list of problems: the catalogue is looked up on
every request, and a bad file must not be parsed again each time.

Translations (``<name>.<language>.yaml``, see :mod:`assessor.checklist_translation`) are found
in the same folder; ``get(checklist_id, language)`` gives a checklist shown in a language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from assessor.checklist import (
    Checklist,
    ChecklistError,
    Problem,
    discover_checklists,
    is_translation_file,
)
from assessor.checklist_translation import (
    ChecklistTranslation,
    in_language,
    load_translation,
    translated_file,
)


@dataclass(frozen=True)
class Catalogue:
    """The valid checklists found in a folder, and the problems with the invalid ones."""

    checklists: tuple[Checklist, ...]
    errors: tuple[ChecklistError, ...] = ()
    translations: Mapping[tuple[str, str], ChecklistTranslation] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def get(self, checklist_id: str, language: str | None = None) -> Checklist | None:
        """The checklist with this id, or ``None``; shown in ``language`` if one is given (its
        texts translated where a valid translation gives them, the others marked)."""
        found = next((c for c in self.checklists if c.id == checklist_id), None)
        if found is None or language is None:
            return found
        return in_language(found, language)

    def in_language(self, language: str) -> Catalogue:
        """This catalogue with every checklist shown in ``language`` (see :meth:`get`)."""
        return replace(self, checklists=tuple(in_language(c, language) for c in self.checklists))

    def translation(self, checklist_id: str, language: str) -> ChecklistTranslation | None:
        """The valid translation of a checklist into a language, or ``None``."""
        return self.translations.get((checklist_id, language))

    def default(self, preferred_id: str | None) -> Checklist | None:
        """The preferred checklist if it is available, else the first one (or ``None``)."""
        if preferred_id:
            preferred = self.get(preferred_id)
            if preferred is not None:
                return preferred
        return self.checklists[0] if self.checklists else None


def load_catalogue(directory: str | Path) -> Catalogue:
    """Every valid checklist in a folder, sorted by title."""
    found, errors = discover_checklists(directory)
    translations, translation_errors = discover_translations(directory, found)
    return Catalogue(
        checklists=tuple(sorted(found, key=lambda c: (c.title.casefold(), c.id))),
        errors=tuple(errors) + tuple(translation_errors),
        translations=MappingProxyType(translations),
    )


def discover_translations(
    directory: str | Path, checklists: list[Checklist]
) -> tuple[dict[tuple[str, str], ChecklistTranslation], list[ChecklistError]]:
    """Every valid translation file (``<name>.<language>.yaml``) in a folder of the given
    checklists, by (checklist id, language), and the errors of the others (the checklist file
    ``<name>.yaml`` is not there or not valid, or the translation is invalid)."""
    directory = Path(directory)
    by_name = {Path(c.path).name: c for c in checklists if c.path is not None}
    found: dict[tuple[str, str], ChecklistTranslation] = {}
    errors: list[ChecklistError] = []
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    for file in (f for f in files if is_translation_file(f)):
        target = translated_file(file)
        checklist = by_name.get(target[0].name) if target else None
        if target is None or checklist is None:
            name = target[0].name if target else "?"
            problem = Problem(
                str(file),
                "(file)",
                f"translates the checklist file {name}, which is not a "
                "valid checklist in this folder",
            )
            errors.append(ChecklistError([problem]))
            continue
        try:
            translation = load_translation(file, checklist)
        except ChecklistError as exc:
            errors.append(exc)
            continue
        found[(translation.checklist_id, translation.language)] = translation
    return found, errors
