"""Comments on an assessment's criteria: adding, listing and resolving them (issue 16).

A comment belongs to one criterion and carries its author's link name as it was when written.
Anyone whose link may comment (:mod:`assessor.access`) adds comments; a comment is marked
resolved by the assessment's owner or by its own author (the link that wrote it), never by
someone else: a reviewer cannot close a contributor's question. Resolved comments are kept (the
criterion shows them, marked resolved); they go only with their assessment.

Comments never go into the reports, except the owner's internal-review edition of the gap
analysis (:func:`review_comments`, :mod:`assessor.report.gap_analysis`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from assessor import db, models
from assessor.history_store import actor_name
from assessor.report.review import ReviewComment, ReviewComments
from assessor.text import clean_text, limit_problems
from assessor.translation import current_translator

#: The longest comment.
MAX_COMMENT_CHARS = 2000


@dataclass(frozen=True)
class Comment:
    """A comment as pages and reports show it."""

    id: int
    criterion_id: str
    author: str
    link_id: int | None
    body: str
    created_at: datetime
    resolved_at: datetime | None = None
    resolved_by: str | None = None

    @property
    def is_open(self) -> bool:
        """Whether nobody has marked it resolved yet."""
        return self.resolved_at is None


class CommentError(ValueError):
    """A comment cannot be added as written; the message says why."""


def clean_comment(body: str) -> str:
    """A comment as typed, cleaned as a form cleans text; :class:`CommentError` if it is
    empty or over the limits (the message says which)."""
    t = current_translator()  # the page's language in a request, else English
    text = clean_text(body)
    if not text:
        raise CommentError(t.gettext("Write a comment before adding it."))
    if len(text) > MAX_COMMENT_CHARS:
        raise CommentError(
            t.gettext(
                "The comment is too long: %(count)s characters; the limit is %(limit)s. "
                "Shorten it and add it again.",
                count=t.format_number(len(text)),
                limit=t.format_number(MAX_COMMENT_CHARS),
            )
        )
    problems = limit_problems(text, multiline=True)
    if problems:
        raise CommentError(
            t.gettext("The comment %(problem)s. Change it and add it again.", problem=problems[0])
        )
    return text


def _comment(row: models.Comment) -> Comment:
    return Comment(
        id=row.id,
        criterion_id=row.criterion_id,
        author=row.author,
        link_id=row.link_id,
        body=row.body,
        created_at=row.created_at,
        resolved_at=row.resolved_at,
        resolved_by=row.resolved_by,
    )


def add_comment(
    assessment: models.Assessment,
    criterion_id: str,
    body: str,
    *,
    author: str,
    link_id: int | None,
) -> Comment:
    """Add a comment (cleaned and checked by :func:`clean_comment`) to a criterion."""
    text = clean_comment(body)
    with db.write_transaction() as session:
        row = models.Comment(
            assessment_id=assessment.id,
            criterion_id=criterion_id,
            author=actor_name(author),
            link_id=link_id,
            body=text,
        )
        session.add(row)
        session.flush()
        comment = _comment(row)
    return comment


def get_comment(assessment: models.Assessment, comment_id: int) -> Comment | None:
    """One comment of an assessment, or ``None``."""
    stmt = sa.select(models.Comment).where(
        models.Comment.assessment_id == assessment.id, models.Comment.id == comment_id
    )
    row = db.session().scalars(stmt).one_or_none()
    return None if row is None else _comment(row)


def may_resolve(comment: Comment, *, link_id: int | None, is_owner: bool) -> bool:
    """Whether a link may mark the comment resolved: the owner may, and the comment's author."""
    return is_owner or (link_id is not None and comment.link_id == link_id)


def resolve_comment(assessment: models.Assessment, comment_id: int, *, by: str) -> bool:
    """Mark a comment resolved by ``by`` (a link's name); whether it was open until now."""
    with db.write_transaction() as session:
        result = session.execute(
            sa.update(models.Comment)
            .where(
                models.Comment.assessment_id == assessment.id,
                models.Comment.id == comment_id,
                models.Comment.resolved_at.is_(None),
            )
            .values(resolved_at=models.utcnow(), resolved_by=actor_name(by))
        )
    return bool(getattr(result, "rowcount", 0))


def load_comments(assessment: models.Assessment, *, open_only: bool = False) -> list[Comment]:
    """An assessment's comments, oldest first (only those not resolved, if asked)."""
    stmt = sa.select(models.Comment).where(models.Comment.assessment_id == assessment.id)
    if open_only:
        stmt = stmt.where(models.Comment.resolved_at.is_(None))
    return [_comment(row) for row in db.session().scalars(stmt.order_by(models.Comment.id))]


def by_criterion(comments: Sequence[Comment]) -> dict[str, list[Comment]]:
    """Comments grouped by criterion id, each group in the order given."""
    grouped: dict[str, list[Comment]] = {}
    for comment in comments:
        grouped.setdefault(comment.criterion_id, []).append(comment)
    return grouped


def review_comments(assessment: models.Assessment) -> ReviewComments:
    """Every comment of an assessment, open and resolved, for its internal-review edition."""
    return ReviewComments(
        tuple(
            ReviewComment(
                criterion_id=c.criterion_id,
                author=c.author,
                created_at=c.created_at,
                body=c.body,
                resolved_by=c.resolved_by,
            )
            for c in load_comments(assessment)
        )
    )
