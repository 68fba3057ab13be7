"""Saving and loading assessments: the functions the views call.

Answers cross this boundary as :class:`assessor.answers.Answer` dataclasses; database rows stay
inside. Every write is one transaction: all of it is saved, or none of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa

from assessor import db, models, tokens
from assessor.answers import Answer, AnswersFile, AssessmentInfo, fingerprint
from assessor.checklist import Checklist


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the assessment's new revision, and the answers it did not overwrite.

    ``conflicts`` maps a criterion id to the answer someone else saved since the page was
    opened (``None`` if they removed it), where the user's own change differs from it.
    """

    revision: int
    conflicts: Mapping[str, Answer | None] = field(default_factory=dict)


def create_assessment(
    info: AssessmentInfo, checklist: Checklist, answers: Mapping[str, Answer] | None = None
) -> models.Assessment:
    """Start a new assessment of a checklist (with answers, if any), and return it."""
    with db.write_transaction() as session:
        assessment = models.Assessment(
            token=tokens.new_token(),
            checklist_id=checklist.id,
            checklist_version=checklist.version,
            title=info.title,
            organisation=info.organisation,
            country=info.country,
            respondent=info.respondent,
        )
        session.add(assessment)
        session.flush()
        if answers:
            _upsert(session, assessment.id, answers)
            assessment.revision = 1
    return assessment


def get_by_token(token: str) -> models.Assessment | None:
    """The assessment with this private-link token, or ``None`` (also for a malformed one).

    Only the token's SHA-256 digest is stored and looked up, so the database compares digests,
    never the secret itself; the digest found is compared again in constant time.
    """
    if not tokens.is_token(token):
        return None
    wanted = tokens.hash_token(token)
    stmt = sa.select(models.Assessment).where(models.Assessment.token_hash == wanted)
    assessment = db.session().scalars(stmt).one_or_none()
    if assessment is None or not tokens.same_digest(assessment.token_hash, wanted):
        return None
    assessment.token = token  # not stored: known to this request only
    return assessment


def count_assessments() -> int:
    """How many assessments are stored."""
    return db.session().scalar(sa.select(sa.func.count()).select_from(models.Assessment)) or 0


def load_answers(assessment: models.Assessment) -> dict[str, Answer]:
    """The saved answers of an assessment, by criterion id."""
    stmt = sa.select(models.Answer).where(models.Answer.assessment_id == assessment.id)
    return {
        row.criterion_id: Answer(level=row.level, evidence=row.evidence)
        for row in db.session().scalars(stmt)
    }


def save_answers(
    assessment: models.Assessment,
    answers: Mapping[str, Answer],
    checklist: Checklist,
    started_from: Mapping[str, str] | None = None,
) -> SaveResult:
    """Save answers to some criteria of an assessment, in one transaction.

    An empty answer (no level, no evidence) removes a saved one. With ``started_from`` (the
    :func:`fingerprint` of each answer as the user first saw it), an answer someone else has
    changed since is not overwritten but reported in ``conflicts``. The checklist version the
    answers were given against is recorded with the assessment.
    """
    with db.write_transaction() as session:
        # Updating the assessment first locks its row (PostgreSQL), so saves to one
        # assessment happen one after another; on SQLite the whole database is locked.
        revision: int = session.execute(
            sa.update(models.Assessment)
            .where(models.Assessment.id == assessment.id)
            .values(
                revision=models.Assessment.revision + 1,
                updated_at=models.utcnow(),
                checklist_version=checklist.version,
            )
            .returning(models.Assessment.revision)
        ).scalar_one()
        conflicts: dict[str, Answer | None] = {}
        to_write = dict(answers)
        if started_from is not None and answers:
            current = _current_answers(session, assessment.id, list(answers))
            for cid, mine in answers.items():
                theirs = current.get(cid)
                before = started_from.get(cid)
                if before is None or fingerprint(theirs) in (before, fingerprint(mine)):
                    continue
                conflicts[cid] = theirs
                del to_write[cid]
        _upsert(session, assessment.id, to_write)
    return SaveResult(revision=revision, conflicts=conflicts)


def _current_answers(
    session: Any, assessment_id: int, criterion_ids: list[str]
) -> dict[str, Answer]:
    stmt = sa.select(models.Answer).where(
        models.Answer.assessment_id == assessment_id,
        models.Answer.criterion_id.in_(criterion_ids),
    )
    return {
        row.criterion_id: Answer(level=row.level, evidence=row.evidence)
        for row in session.scalars(stmt)
    }


def _upsert(session: Any, assessment_id: int, answers: Mapping[str, Answer]) -> None:
    """Insert or update answers in one statement; delete those left empty."""
    empty = [cid for cid, a in answers.items() if a.level is None and not a.evidence]
    if empty:
        session.execute(
            sa.delete(models.Answer).where(
                models.Answer.assessment_id == assessment_id,
                models.Answer.criterion_id.in_(empty),
            )
        )
    rows = [
        {
            "assessment_id": assessment_id,
            "criterion_id": cid,
            "level": a.level,
            "evidence": a.evidence,
            "updated_at": models.utcnow(),
        }
        for cid, a in answers.items()
        if cid not in empty
    ]
    if not rows:
        return
    insert = _dialect_insert(session.get_bind().dialect.name)
    stmt = insert(models.Answer).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["assessment_id", "criterion_id"],
        set_={
            "level": stmt.excluded.level,
            "evidence": stmt.excluded.evidence,
            "updated_at": stmt.excluded.updated_at,
        },
    )
    session.execute(stmt)


def _dialect_insert(dialect: str) -> Any:
    """The INSERT construct with ON CONFLICT support of the database in use."""
    from sqlalchemy.dialects import postgresql, sqlite

    inserts: dict[str, Any] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
    if dialect not in inserts:
        raise RuntimeError(f"unsupported database: {dialect}")
    return inserts[dialect]


def assessment_info(assessment: models.Assessment) -> AssessmentInfo:
    """The descriptive fields of an assessment."""
    return AssessmentInfo(
        title=assessment.title,
        organisation=assessment.organisation,
        country=assessment.country,
        respondent=assessment.respondent,
    )


def to_answers_file(assessment: models.Assessment, checklist: Checklist) -> AnswersFile:
    """The assessment as an answers file: its answers to the checklist's criteria, in order."""
    saved = load_answers(assessment)
    ordered = {c.id: saved[c.id] for c in checklist.criteria if c.id in saved}
    return AnswersFile(
        checklist_id=checklist.id,
        checklist_version=assessment.checklist_version,
        assessment=assessment_info(assessment),
        answers=MappingProxyType(ordered),
    )


def import_answers_file(answers_file: AnswersFile, checklist: Checklist) -> models.Assessment:
    """Create a new assessment from a validated answers file, all at once or not at all."""
    return create_assessment(answers_file.assessment, checklist, answers_file.answers)
