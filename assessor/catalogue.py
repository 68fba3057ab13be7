"""The checklists this app offers: every valid file in the checklist folder.

Files are re-read only when they change (``load_checklist`` caches by path, size, times and
inode), so a checklist added or fixed while the app runs is picked up without a restart. An
invalid file is cached too, with its (bounded) list of problems: the catalogue is looked up on
every request, and a bad file must not be parsed again each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assessor.checklist import Checklist, ChecklistError, discover_checklists


@dataclass(frozen=True)
class Catalogue:
    """The valid checklists found in a folder, and the problems with the invalid ones."""

    checklists: tuple[Checklist, ...]
    errors: tuple[ChecklistError, ...] = ()

    def get(self, checklist_id: str) -> Checklist | None:
        """The checklist with this id, or ``None``."""
        return next((c for c in self.checklists if c.id == checklist_id), None)

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
    return Catalogue(
        checklists=tuple(sorted(found, key=lambda c: (c.title.casefold(), c.id))),
        errors=tuple(errors),
    )
