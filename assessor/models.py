"""Database models: assessments, their answers, action plan, key asks and comparisons, kept
apart from the checklist.

The checklist itself never enters the database: an assessment stores only the id and version
of the checklist it answers, an answer only the criterion id, the level key and evidence, an
action only the criterion id and what will be done about it, and an ask the ids of the criteria
it is about.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from assessor.access import MAX_LINK_NAME_CHARS
from assessor.answers import (
    MAX_BUDGET_CHARS,
    MAX_ORGANISATION_CHARS,
    MAX_OWNER_CHARS,
    MAX_TITLE_CHARS,
)
from assessor.asks import MAX_ASK_TITLE_CHARS, MAX_BY_WHEN_CHARS, MAX_DUTY_BEARER_CHARS
from assessor.tokens import DIGEST_CHARS, hash_token

ID_CHARS = 80  # checklist ids (assessor/schema/checklist.schema.json)
VERSION_CHARS = 40


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base with constraint names that migrations can refer to."""

    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Assessment(Base):
    """One self-assessment of one country against one checklist.

    ``id`` is internal and never shown; the private link uses ``token``.
    """

    __tablename__ = "assessments"
    __table_args__ = (sa.UniqueConstraint("token_hash", name="uq_assessments_token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The private link's token is never stored, only its digest (assessor.tokens.hash_token):
    # a copy of the database does not give away the links. The unique constraint keeps the
    # name it had before migration 0002 renamed the column.
    token_hash: Mapped[str] = mapped_column(sa.String(DIGEST_CHARS))
    checklist_id: Mapped[str] = mapped_column(sa.String(ID_CHARS))
    checklist_version: Mapped[str] = mapped_column(sa.String(VERSION_CHARS))
    title: Mapped[str] = mapped_column(sa.String(MAX_TITLE_CHARS))
    organisation: Mapped[str] = mapped_column(sa.String(MAX_ORGANISATION_CHARS))
    country: Mapped[str] = mapped_column(sa.String(100))
    respondent: Mapped[str] = mapped_column(sa.String(20))
    # The language of the assessment's reports (assessor.translation.LANGUAGES), migration 0009.
    report_language: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Incremented by every save: tells whether anything changed since a page was loaded.
    revision: Mapped[int] = mapped_column(default=0)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", passive_deletes=True
    )
    actions: Mapped[list[Action]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", passive_deletes=True
    )
    asks: Mapped[list[Ask]] = relationship(
        back_populates="assessment",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Ask.position",
    )
    comparisons: Mapped[list[Comparison]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", passive_deletes=True
    )
    links: Mapped[list[Link]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", passive_deletes=True
    )
    versions: Mapped[list[Version]] = relationship(
        back_populates="assessment",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Version.number",
    )

    @property
    def token(self) -> str:
        """The private-link token, known only to the request that created or found this row."""
        token = self.__dict__.get("_private_token")
        if token is None:
            raise AttributeError("the private-link token is not stored; only its hash is")
        return str(token)

    @token.setter
    def token(self, token: str) -> None:
        self.__dict__["_private_token"] = token
        self.token_hash = hash_token(token)

    def opened_with(self, token: str) -> None:
        """Remember the token of the link (any role) this request opened the assessment with,
        for the links its pages show; nothing is stored."""
        self.__dict__["_private_token"] = token

    def __repr__(self) -> str:
        return f"<Assessment {self.id} {self.checklist_id} rev {self.revision}>"


class Answer(Base):
    """The stored answer to one criterion of an assessment."""

    __tablename__ = "answers"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    criterion_id: Mapped[str] = mapped_column(sa.String(ID_CHARS))
    level: Mapped[str | None] = mapped_column(sa.String(20))
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")


class Action(Base):
    """The stored action planned for one criterion (a gap) of an assessment."""

    __tablename__ = "actions"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    criterion_id: Mapped[str] = mapped_column(sa.String(ID_CHARS))
    action: Mapped[str] = mapped_column(sa.Text)
    owner: Mapped[str] = mapped_column(sa.String(MAX_OWNER_CHARS), default="")
    due: Mapped[date | None] = mapped_column(sa.Date)
    target_level: Mapped[str | None] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20))
    budget: Mapped[str] = mapped_column(sa.String(MAX_BUDGET_CHARS), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="actions")


class Ask(Base):
    """One stored key ask of an assessment's advocacy brief, at its place in the list."""

    __tablename__ = "asks"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    # 1, 2, 3, ...: the order the brief lists them in.
    position: Mapped[int] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.String(MAX_ASK_TITLE_CHARS))
    text: Mapped[str] = mapped_column(sa.Text)
    # The criterion ids, as a JSON list of strings (the checklist is not in the database).
    criteria: Mapped[str] = mapped_column(sa.Text)
    duty_bearer: Mapped[str] = mapped_column(sa.String(MAX_DUTY_BEARER_CHARS), default="")
    by_when: Mapped[str] = mapped_column(sa.String(MAX_BY_WHEN_CHARS), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="asks")


class Comparison(Base):
    """Another assessment kept beside this one, as the answers file it was when kept.

    ``role`` is "baseline" (the assessment a follow-up started from) or "partner" (the one
    the user chose to compare with, uploaded or as a PDF's answers): at most one of each per
    assessment. ``answers_file`` holds the other side's answers file (JSON): a copy, so the
    comparison stays as it was when made even if the other assessment changes or is deleted.
    """

    __tablename__ = "comparisons"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(sa.String(20))
    answers_file: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="comparisons")


class Link(Base):
    """One private link to an assessment, with its role (see :mod:`assessor.access`).

    Only the token's digest is stored (:func:`assessor.tokens.hash_token`). ``scope`` holds the
    theme ids a contributor may answer, separated by spaces (``None``: every theme). A revoked
    link (``revoked_at`` set) finds nothing, like a wrong one.
    """

    __tablename__ = "links"
    __table_args__ = (sa.UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(sa.String(DIGEST_CHARS))
    name: Mapped[str] = mapped_column(sa.String(MAX_LINK_NAME_CHARS))
    role: Mapped[str] = mapped_column(sa.String(20))
    scope: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    assessment: Mapped[Assessment] = relationship(back_populates="links")


class Version(Base):
    """A signed-off version of an assessment: its answers file (JSON: answers, evidence,
    actions, asks) frozen when the owner signed it off. The assessment is read-only while its
    latest version is not re-opened (``reopened_at`` is ``None``)."""

    __tablename__ = "versions"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(sa.Integer)
    signed_off_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    signed_off_by: Mapped[str] = mapped_column(sa.String(MAX_LINK_NAME_CHARS))
    answers_file: Mapped[str] = mapped_column(sa.Text)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    assessment: Mapped[Assessment] = relationship(back_populates="versions")


class RateLimitCount(Base):
    """One rate-limit counter (a client's failed lookups or creations in the current window).

    Kept in the database so every web worker and app server shares the count, and a replaced
    worker does not start from zero (see :mod:`assessor.rate_counts`).
    """

    __tablename__ = "rate_limit_counts"

    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    count: Mapped[int] = mapped_column(sa.Integer)
    # Epoch seconds at which the current window ends.
    expires_at: Mapped[float] = mapped_column(sa.Float)


class Comment(Base):
    """A comment on one criterion of an assessment, by the link that wrote it (its name kept
    as it was then, so a renamed or revoked link's comments still say who wrote them).

    ``resolved_at`` and ``resolved_by`` are set when the owner or the comment's author marks
    it resolved (see :mod:`assessor.comments_store`).
    """

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[str] = mapped_column(sa.String(ID_CHARS))
    author: Mapped[str] = mapped_column(sa.String(MAX_LINK_NAME_CHARS))
    link_id: Mapped[int | None] = mapped_column(sa.Integer)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(sa.String(MAX_LINK_NAME_CHARS))


class HistoryEntry(Base):
    """One recorded change to an assessment (see :mod:`assessor.history`): append-only.

    Migration 0008 adds triggers that refuse to update a row, or to delete one while its
    assessment exists: rows go only with their assessment (ON DELETE CASCADE).
    """

    __tablename__ = "history"
    __table_args__ = (sa.Index("ix_history_assessment_criterion", "assessment_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(MAX_LINK_NAME_CHARS))
    kind: Mapped[str] = mapped_column(sa.String(20))
    criterion_id: Mapped[str | None] = mapped_column(sa.String(ID_CHARS))
    field: Mapped[str] = mapped_column(sa.String(40))
    old_value: Mapped[str | None] = mapped_column(sa.Text)
    new_value: Mapped[str | None] = mapped_column(sa.Text)
