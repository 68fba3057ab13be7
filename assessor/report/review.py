"""The internal-review edition of the gap analysis: the comments made on the assessment, in a
chapter of their own, and a cover that says the edition is not for circulation (issue 16).

Comments never enter the ordinary reports. The owner may ask for this edition (``?edition=
internal-review`` on the report's address): :class:`ReviewComments` carries the comments into
the report (and its cache key), and :func:`review_section` makes the chapter. Pure: no Flask, no
database.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assessor.checklist import Checklist
from assessor.report.content import Anchors, longdate, to
from assessor.report.model import (
    Block,
    Heading,
    Inline,
    ItemList,
    Link,
    ListItem,
    Section,
    Text,
    para,
)
from assessor.translation import N_
from assessor.translation import gettext as _

#: The edition's key (``?edition=``) and what its cover says.
EDITION = "internal-review"
COVER_NOTE = N_("Internal review edition — not for circulation")
ANCHOR = "review-comments"
TITLE = N_("Comments for internal review")


@dataclass(frozen=True)
class ReviewComment:
    """One comment as the internal-review edition prints it."""

    criterion_id: str
    author: str
    created_at: datetime
    body: str
    resolved_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form (for the background renderer and the cache key)."""
        return {
            "criterion": self.criterion_id,
            "author": self.author,
            "at": self.created_at.isoformat(),
            "body": self.body,
            "resolved_by": self.resolved_by,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReviewComment:
        """The comment written by :meth:`to_dict`."""
        return cls(
            criterion_id=str(data["criterion"]),
            author=str(data["author"]),
            created_at=datetime.fromisoformat(str(data["at"])),
            body=str(data["body"]),
            resolved_by=None if data.get("resolved_by") is None else str(data["resolved_by"]),
        )


@dataclass(frozen=True)
class ReviewComments:
    """The comments of an internal-review edition, oldest first."""

    comments: tuple[ReviewComment, ...] = ()

    def to_list(self) -> list[dict[str, Any]]:
        """The JSON-ready form."""
        return [comment.to_dict() for comment in self.comments]

    def to_json(self) -> str:
        """The comments as JSON text (part of the report's cache key)."""
        return json.dumps(self.to_list(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_list(cls, data: Sequence[dict[str, Any]]) -> ReviewComments:
        """The comments written by :meth:`to_list`."""
        return cls(tuple(ReviewComment.from_dict(item) for item in data))


def _comment_item(comment: ReviewComment) -> ListItem:
    meta: list[str | Inline] = [
        Text(comment.author, "user"),
        f", {longdate(comment.created_at.date())}",
    ]
    if comment.resolved_by is not None:
        meta += [" · " + _("resolved by") + " ", Text(comment.resolved_by, "user")]
    return ListItem(
        (para(*meta, style="muted"), para(Text(comment.body, "user"))),
        style="review-comment",
    )


def review_section(checklist: Checklist, review: ReviewComments, *, kicker: str) -> Section:
    """The "Comments for internal review" chapter: each commented criterion in checklist order
    (linked to its place in the report), with its comments."""
    by_criterion: dict[str, list[ReviewComment]] = {}
    for comment in review.comments:
        by_criterion.setdefault(comment.criterion_id, []).append(comment)
    blocks: list[Block] = [
        Heading(1, _(TITLE), kicker=kicker, anchor=f"{ANCHOR}-title"),
        para(
            _(
                "The comments people with a link to this assessment made on its criteria, open "
                "and resolved, with who made them and when. This edition is for the people "
                "reviewing the assessment; the ordinary reports leave the comments out."
            ),
            style="lead",
        ),
    ]
    if not review.comments:
        blocks.append(para(_("No comment has been made on this assessment.")))
    for criterion in checklist.criteria:
        comments = by_criterion.get(criterion.id)
        if not comments:
            continue
        blocks.append(
            Heading(
                2,
                f"{criterion.code} {criterion.text}",
                anchor=f"{ANCHOR}-{criterion.id}",
            )
        )
        blocks.append(
            para(
                Link(
                    _("The criterion %(code)s in the report", code=criterion.code),
                    to(Anchors.crit(criterion)),
                )
            )
        )
        blocks.append(ItemList(tuple(_comment_item(c) for c in comments), style="review-list"))
    return Section(tuple(blocks), anchor=ANCHOR, style="review", running=_(TITLE))
