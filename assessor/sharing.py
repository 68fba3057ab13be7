"""Sharing, signing off and removing an assessment: the store functions of the owner's pages.

Links (:class:`assessor.models.Link`) give other people a role on an assessment (see
:mod:`assessor.access`); only their digests are stored, so a new link's token is shown once, when
it is made. Versions (:class:`assessor.models.Version`) are the signed-off states of an
assessment, each a frozen answers file. Like :mod:`assessor.store`, every write is one
transaction and rows stay inside: views get tokens, dataclasses and plain values.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa

from assessor import db, models, store, tokens
from assessor.access import Role, format_scope, parse_scope
from assessor.answers import AnswersError, AnswersFile, AssessmentInfo, parse_answers_file
from assessor.checklist import Checklist


@dataclass(frozen=True)
class LinkInfo:
    """One private link as the "Who has access" page shows it (never its token)."""

    id: int
    name: str
    role: Role
    themes: frozenset[str] | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class VersionInfo:
    """One signed-off version of an assessment."""

    number: int
    signed_off_at: datetime
    signed_off_by: str
    reopened_at: datetime | None


def create_link(
    assessment: models.Assessment, name: str, role: Role, themes: frozenset[str] | None
) -> str:
    """Make a new private link to the assessment with this name, role and (for a contributor)
    themes; return its token, which is not stored and cannot be shown again."""
    if role == Role.OWNER:
        raise ValueError("an assessment has one owner link, made with it")
    token = tokens.new_token()
    with db.write_transaction() as session:
        session.add(
            models.Link(
                assessment_id=assessment.id,
                token_hash=tokens.hash_token(token),
                name=name,
                role=role.value,
                scope=format_scope(themes) if role == Role.CONTRIBUTOR else None,
            )
        )
    return token


def list_links(assessment: models.Assessment) -> list[LinkInfo]:
    """The assessment's links, the owner's first, then by creation (revoked ones included)."""
    stmt = (
        sa.select(models.Link)
        .where(models.Link.assessment_id == assessment.id)
        .order_by(models.Link.role != Role.OWNER.value, models.Link.created_at, models.Link.id)
    )
    return [
        LinkInfo(
            id=row.id,
            name=row.name,
            role=Role(row.role),
            themes=parse_scope(row.scope),
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )
        for row in db.session().scalars(stmt)
    ]


def revoke_link(assessment: models.Assessment, link_id: int) -> str | None:
    """Revoke one of the assessment's links (not the owner's); its name, or ``None`` if there is
    no such link to revoke."""
    with db.write_transaction() as session:
        link = session.scalars(
            sa.select(models.Link).where(
                models.Link.id == link_id,
                models.Link.assessment_id == assessment.id,
                models.Link.role != Role.OWNER.value,
                models.Link.revoked_at.is_(None),
            )
        ).one_or_none()
        if link is None:
            return None
        link.revoked_at = models.utcnow()
        return link.name


# -- sign-off and versions ----------------------------------------------------------------------


def sign_off(assessment: models.Assessment, checklist: Checklist, by: str) -> int:
    """Sign the assessment off: keep its answers file as the next numbered version, and make it
    read-only until re-opened. Returns the version's number (the current one if it was already
    signed off)."""
    frozen = store.to_answers_file(assessment, checklist)
    with db.write_transaction() as session:
        # Lock the assessment's row (PostgreSQL) so two sign-offs cannot take one number.
        session.execute(
            sa.update(models.Assessment)
            .where(models.Assessment.id == assessment.id)
            .values(revision=models.Assessment.revision + 1)
        )
        latest = session.scalars(
            sa.select(models.Version)
            .where(models.Version.assessment_id == assessment.id)
            .order_by(models.Version.number.desc())
            .limit(1)
        ).first()
        if latest is not None and latest.reopened_at is None:
            return latest.number
        number = 1 if latest is None else latest.number + 1
        now = models.utcnow()
        version = models.Version(
            assessment_id=assessment.id,
            number=number,
            signed_off_at=now,
            signed_off_by=by,
            answers_file="",
        )
        version.answers_file = replace(frozen, signed_off=store.sign_off_of(version)).to_json()
        session.add(version)
    return number


def reopen(assessment: models.Assessment) -> int | None:
    """Re-open a signed-off assessment for changes (the next sign-off is the next version);
    the number of the version re-opened, or ``None`` if it was not signed off."""
    with db.write_transaction() as session:
        version = session.scalars(
            sa.select(models.Version).where(
                models.Version.assessment_id == assessment.id,
                models.Version.reopened_at.is_(None),
            )
        ).first()
        if version is None:
            return None
        version.reopened_at = models.utcnow()
        return version.number


def list_versions(assessment: models.Assessment) -> list[VersionInfo]:
    """The assessment's signed-off versions, newest first."""
    stmt = (
        sa.select(models.Version)
        .where(models.Version.assessment_id == assessment.id)
        .order_by(models.Version.number.desc())
    )
    return [
        VersionInfo(row.number, row.signed_off_at, row.signed_off_by, row.reopened_at)
        for row in db.session().scalars(stmt)
    ]


def load_version(
    assessment: models.Assessment, number: int, checklist: Checklist
) -> AnswersFile | None:
    """The frozen answers file of one version, read against the checklist; ``None`` if there
    is no such version (or it cannot be read against the checklist any more)."""
    stmt = sa.select(models.Version.answers_file).where(
        models.Version.assessment_id == assessment.id, models.Version.number == number
    )
    text = db.session().scalars(stmt).one_or_none()
    if text is None:
        return None
    try:
        frozen, _ = parse_answers_file(text, lambda cid: checklist if cid == checklist.id else None)
    except AnswersError:
        return None
    return frozen


# -- details and deletion -----------------------------------------------------------------------


def update_details(
    assessment: models.Assessment, info: AssessmentInfo, *, actor: str | None = None
) -> bool:
    """Change the assessment's title, organisation, country and respondent type, each change
    recorded in its history as made by ``actor`` (:func:`assessor.store.update_details`);
    whether any changed. Refused (:class:`assessor.store.SignedOff`) while signed off."""
    changed = store.update_details(assessment, info, actor=actor)
    db.session().refresh(assessment)
    return changed


#: Every table that holds rows of an assessment, deleted before it. The history is append-only
#: (its rows may not be deleted while their assessment exists): it goes after, with the
#: assessment (ON DELETE CASCADE), and then explicitly, in case any row is left.
ASSESSMENT_TABLES = (
    "comments",
    "versions",
    "links",
    "comparisons",
    "asks",
    "actions",
    "answers",
)
AFTER_ASSESSMENT_TABLES = ("history",)


def delete_assessment(assessment: models.Assessment) -> None:
    """Remove the assessment and every row of it (answers, actions, asks, comparisons, links,
    versions, comments, history) in one transaction: afterwards none of its links finds it."""
    tables = models.Base.metadata.tables
    with db.write_transaction() as session:
        for name in ASSESSMENT_TABLES:
            table = tables.get(name)
            if table is not None:
                session.execute(sa.delete(table).where(table.c.assessment_id == assessment.id))
        session.execute(sa.delete(models.Assessment).where(models.Assessment.id == assessment.id))
        for name in AFTER_ASSESSMENT_TABLES:
            table = tables.get(name)
            if table is not None:
                session.execute(sa.delete(table).where(table.c.assessment_id == assessment.id))
    db.session().expunge_all()
