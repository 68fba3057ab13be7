"""Saving and loading assessments: the functions the views call.

Answers, actions and asks cross this boundary as :class:`assessor.answers.Answer`,
:class:`assessor.answers.Action` and :class:`assessor.asks.Ask` dataclasses; database rows stay
inside. Every write is one
transaction: all of it is saved, or none of it. A save that started from a page shown earlier
does not overwrite what someone else saved meanwhile: it reports the conflict instead.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa

from assessor import db, models, tokens
from assessor.answers import (
    Action,
    Answer,
    AnswersError,
    AnswersFile,
    AssessmentInfo,
    action_fingerprint,
    fingerprint,
    parse_answers_file,
    without_unknown_criteria,
)
from assessor.asks import Ask, asks_fingerprint
from assessor.checklist import Checklist
from assessor.translation import DEFAULT_LANGUAGE, normalise_language

log = logging.getLogger(__name__)

#: A follow-up's baseline: the assessment it started from, as it was then.
BASELINE = "baseline"
#: The assessment a user chose to compare with (an uploaded answers file or PDF).
PARTNER = "partner"
COMPARISON_ROLES = (BASELINE, PARTNER)


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the assessment's new revision, and the answers it did not overwrite.

    ``conflicts`` maps a criterion id to the answer someone else saved since the page was
    opened (``None`` if they removed it), where the user's own change differs from it.
    """

    revision: int
    conflicts: Mapping[str, Answer | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionSaveResult:
    """What saving an action did: the assessment's new revision, and any conflict.

    ``saved`` is false when someone else changed the action since the page was opened (and
    the user's own differs from theirs); ``theirs`` is then what they saved (``None`` if they
    removed it).
    """

    revision: int
    saved: bool = True
    theirs: Action | None = None


@dataclass(frozen=True)
class AsksSaveResult:
    """What saving the key asks did: the assessment's new revision, and any conflict.

    ``saved`` is false when someone else changed the list since the page was opened; ``theirs``
    is then the list as they left it. ``asks`` is the list as it now stands.
    """

    revision: int
    asks: tuple[Ask, ...]
    saved: bool = True
    theirs: tuple[Ask, ...] = ()


def create_assessment(
    info: AssessmentInfo,
    checklist: Checklist,
    answers: Mapping[str, Answer] | None = None,
    actions: Mapping[str, Action] | None = None,
    asks: Sequence[Ask] = (),
    baseline: AnswersFile | None = None,
    report_language: str = DEFAULT_LANGUAGE,
) -> models.Assessment:
    """Start a new assessment of a checklist (with answers, actions and asks, if any, and the
    baseline it follows up, if any, and the language of its reports); return it."""
    with db.write_transaction() as session:
        assessment = models.Assessment(
            token=tokens.new_token(),
            checklist_id=checklist.id,
            checklist_version=checklist.version,
            title=info.title,
            organisation=info.organisation,
            country=info.country,
            respondent=info.respondent,
            report_language=normalise_language(report_language) or DEFAULT_LANGUAGE,
        )
        session.add(assessment)
        session.flush()
        if answers:
            _upsert(session, assessment.id, answers)
        if actions:
            for cid, action in actions.items():
                _write_action(session, assessment.id, cid, action)
        _write_asks(session, assessment.id, asks)
        if answers or actions or asks:
            assessment.revision = 1
        if baseline is not None:
            _write_comparison(session, assessment.id, BASELINE, baseline)
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
        revision = _bump_revision(session, assessment, checklist.version)
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


def _bump_revision(session: Any, assessment: models.Assessment, version: str) -> int:
    """Mark the assessment saved now; return its new revision.

    Updating the assessment first locks its row (PostgreSQL), so saves to one assessment happen
    one after another; on SQLite the whole database is locked.
    """
    revision: int = session.execute(
        sa.update(models.Assessment)
        .where(models.Assessment.id == assessment.id)
        .values(
            revision=models.Assessment.revision + 1,
            updated_at=models.utcnow(),
            checklist_version=version,
        )
        .returning(models.Assessment.revision)
    ).scalar_one()
    return revision


def _action_of(row: models.Action) -> Action:
    return Action(
        action=row.action,
        owner=row.owner,
        due=row.due,
        target_level=row.target_level,
        status=row.status,
        budget=row.budget,
    )


def load_actions(assessment: models.Assessment) -> dict[str, Action]:
    """The saved action plan of an assessment: an action by criterion id."""
    stmt = sa.select(models.Action).where(models.Action.assessment_id == assessment.id)
    return {row.criterion_id: _action_of(row) for row in db.session().scalars(stmt)}


def load_action(assessment: models.Assessment, criterion_id: str) -> Action | None:
    """The saved action for one criterion of an assessment, or ``None``."""
    return _current_action(db.session(), assessment.id, criterion_id)


def _current_action(session: Any, assessment_id: int, criterion_id: str) -> Action | None:
    stmt = sa.select(models.Action).where(
        models.Action.assessment_id == assessment_id,
        models.Action.criterion_id == criterion_id,
    )
    row = session.scalars(stmt).one_or_none()
    return None if row is None else _action_of(row)


def save_action(
    assessment: models.Assessment,
    criterion_id: str,
    action: Action | None,
    checklist: Checklist,
    started_from: str | None = None,
) -> ActionSaveResult:
    """Save (or, with ``None``, remove) the action for one criterion, in one transaction.

    With ``started_from`` (the :func:`~assessor.answers.action_fingerprint` of the action as
    the user first saw it), an action someone else has changed since is not overwritten: the
    result says so and carries theirs. Saving what they saved anyway is no conflict.
    """
    with db.write_transaction() as session:
        revision = _bump_revision(session, assessment, checklist.version)
        if started_from is not None:
            theirs = _current_action(session, assessment.id, criterion_id)
            if action_fingerprint(theirs) not in (started_from, action_fingerprint(action)):
                return ActionSaveResult(revision=revision, saved=False, theirs=theirs)
        _write_action(session, assessment.id, criterion_id, action)
    return ActionSaveResult(revision=revision)


def _write_action(
    session: Any, assessment_id: int, criterion_id: str, action: Action | None
) -> None:
    """Insert, update or (for ``None``) delete one criterion's action in one statement."""
    if action is None:
        session.execute(
            sa.delete(models.Action).where(
                models.Action.assessment_id == assessment_id,
                models.Action.criterion_id == criterion_id,
            )
        )
        return
    values = {
        "action": action.action,
        "owner": action.owner,
        "due": action.due,
        "target_level": action.target_level,
        "status": action.status,
        "budget": action.budget,
        "updated_at": models.utcnow(),
    }
    insert = _dialect_insert(session.get_bind().dialect.name)
    stmt = insert(models.Action).values(
        assessment_id=assessment_id, criterion_id=criterion_id, **values
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["assessment_id", "criterion_id"],
        set_={name: getattr(stmt.excluded, name) for name in values},
    )
    session.execute(stmt)


def _ask_of(row: models.Ask) -> Ask:
    return Ask(
        title=row.title,
        text=row.text,
        criteria=tuple(json.loads(row.criteria)),
        duty_bearer=row.duty_bearer,
        by_when=row.by_when,
    )


def load_asks(assessment: models.Assessment) -> tuple[Ask, ...]:
    """The saved key asks of an assessment, in order."""
    return _current_asks(db.session(), assessment.id)


def _current_asks(session: Any, assessment_id: int) -> tuple[Ask, ...]:
    stmt = (
        sa.select(models.Ask)
        .where(models.Ask.assessment_id == assessment_id)
        .order_by(models.Ask.position)
    )
    return tuple(_ask_of(row) for row in session.scalars(stmt))


def change_asks(
    assessment: models.Assessment,
    change: Callable[[tuple[Ask, ...]], Sequence[Ask]],
    checklist: Checklist,
    started_from: str | None = None,
) -> AsksSaveResult:
    """Replace the key asks of an assessment with ``change(current asks)``, in one transaction.

    ``change`` sees the list as saved at that moment (saves to one assessment wait for each
    other), so adding to it never loses someone else's addition; an exception it raises saves
    nothing. With ``started_from`` (the :func:`~assessor.asks.asks_fingerprint` of the list as
    the user first saw it), a list someone else has changed since is not overwritten: the
    result says so and carries theirs.
    """
    with db.write_transaction() as session:
        revision = _bump_revision(session, assessment, checklist.version)
        current = _current_asks(session, assessment.id)
        if started_from is not None and asks_fingerprint(current) != started_from:
            return AsksSaveResult(revision=revision, asks=current, saved=False, theirs=current)
        asks = tuple(change(current))
        session.execute(sa.delete(models.Ask).where(models.Ask.assessment_id == assessment.id))
        _write_asks(session, assessment.id, asks)
    return AsksSaveResult(revision=revision, asks=asks)


def replace_asks(
    assessment: models.Assessment,
    asks: Sequence[Ask],
    checklist: Checklist,
    started_from: str | None = None,
) -> AsksSaveResult:
    """Replace the whole ordered list of key asks of an assessment, in one transaction (see
    :func:`change_asks` for ``started_from``)."""
    return change_asks(assessment, lambda _current: asks, checklist, started_from)


def _write_asks(session: Any, assessment_id: int, asks: Sequence[Ask]) -> None:
    """Insert asks at positions 1, 2, 3, ... (the assessment has none at that moment)."""
    if not asks:
        return
    now = models.utcnow()
    session.execute(
        sa.insert(models.Ask),
        [
            {
                "assessment_id": assessment_id,
                "position": position,
                "title": ask.title,
                "text": ask.text,
                "criteria": json.dumps(list(ask.criteria), ensure_ascii=False),
                "duty_bearer": ask.duty_bearer,
                "by_when": ask.by_when,
                "updated_at": now,
            }
            for position, ask in enumerate(asks, start=1)
        ],
    )


def assessment_info(assessment: models.Assessment) -> AssessmentInfo:
    """The descriptive fields of an assessment."""
    return AssessmentInfo(
        title=assessment.title,
        organisation=assessment.organisation,
        country=assessment.country,
        respondent=assessment.respondent,
    )


def to_answers_file(assessment: models.Assessment, checklist: Checklist) -> AnswersFile:
    """The assessment as an answers file: its answers to the checklist's criteria and its
    action plan, both in checklist order, and its key asks in their order.

    Criteria no longer in the checklist are left out, of the asks too (an ask left with none
    is left out), so the file is always one the checklist accepts.
    """
    saved = load_answers(assessment)
    ordered = {c.id: saved[c.id] for c in checklist.criteria if c.id in saved}
    actions = load_actions(assessment)
    planned = {c.id: actions[c.id] for c in checklist.criteria if c.id in actions}
    return AnswersFile(
        checklist_id=checklist.id,
        checklist_version=assessment.checklist_version,
        assessment=assessment_info(assessment),
        answers=MappingProxyType(ordered),
        actions=MappingProxyType(planned),
        asks=_asks_on(checklist, load_asks(assessment)),
    )


def _asks_on(checklist: Checklist, asks: Sequence[Ask]) -> tuple[Ask, ...]:
    """The asks, each naming only the criteria ``checklist`` has; those naming none left out."""
    kept = []
    for ask in asks:
        criteria = tuple(c for c in ask.criteria if checklist.has_criterion(c))
        if criteria:
            kept.append(replace(ask, criteria=criteria))
    return tuple(kept)


def import_answers_file(answers_file: AnswersFile, checklist: Checklist) -> models.Assessment:
    """Create a new assessment from a validated answers file (answers, action plan and key
    asks), all at once or not at all."""
    return create_assessment(
        answers_file.assessment,
        checklist,
        answers_file.answers,
        answers_file.actions,
        answers_file.asks,
    )


# -- comparisons ------------------------------------------------------------------------------


def create_follow_up(
    baseline: models.Assessment, checklist: Checklist, title: str
) -> models.Assessment:
    """A new assessment (its own private link) that starts from another's answers and evidence
    and keeps it, as it is now, as its baseline. The action plan is not copied: a follow-up
    plans afresh from what it finds."""
    before = to_answers_file(baseline, checklist)
    info = replace(before.assessment, title=title)
    return create_assessment(
        info, checklist, before.answers, baseline=before, report_language=baseline.report_language
    )


def set_report_language(assessment: models.Assessment, language: str) -> None:
    """Make the assessment's reports in ``language`` (one of assessor.translation.LANGUAGES;
    ``ValueError`` otherwise). Answers are untouched, so the revision stays."""
    code = normalise_language(language)
    if code is None or code != language:
        raise ValueError(f"unknown report language {language!r}")
    with db.write_transaction() as session:
        session.execute(
            sa.update(models.Assessment)
            .where(models.Assessment.id == assessment.id)
            .values(report_language=code)
        )
    assessment.report_language = code


def _write_comparison(session: Any, assessment_id: int, role: str, other: AnswersFile) -> None:
    """Insert or replace an assessment's comparison of this role, in one statement."""
    insert = _dialect_insert(session.get_bind().dialect.name)
    values = {"answers_file": other.to_json(), "created_at": models.utcnow()}
    stmt = insert(models.Comparison).values(assessment_id=assessment_id, role=role, **values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["assessment_id", "role"],
        set_={name: getattr(stmt.excluded, name) for name in values},
    )
    session.execute(stmt)


def keep_comparison(assessment: models.Assessment, role: str, other: AnswersFile) -> None:
    """Keep another assessment's answers file beside this one (replacing any kept in the role)."""
    if role not in COMPARISON_ROLES:
        raise ValueError(f"unknown comparison role {role!r}")
    with db.write_transaction() as session:
        _write_comparison(session, assessment.id, role, other)


def forget_comparison(assessment: models.Assessment, role: str) -> bool:
    """Stop keeping the comparison of this role; whether there was one."""
    with db.write_transaction() as session:
        result = session.execute(
            sa.delete(models.Comparison).where(
                models.Comparison.assessment_id == assessment.id,
                models.Comparison.role == role,
            )
        )
    return bool(getattr(result, "rowcount", 0))


def comparison_roles(assessment: models.Assessment) -> tuple[str, ...]:
    """The roles of the comparisons this assessment keeps, in :data:`COMPARISON_ROLES` order."""
    stmt = sa.select(models.Comparison.role).where(models.Comparison.assessment_id == assessment.id)
    kept = set(db.session().scalars(stmt))
    return tuple(role for role in COMPARISON_ROLES if role in kept)


def load_comparison(
    assessment: models.Assessment, role: str, checklist: Checklist
) -> AnswersFile | None:
    """The answers file kept in this role, read against the checklist as it is now (answers to
    criteria a newer version no longer has are left out); ``None`` if none is kept, or it
    cannot be read."""
    stmt = sa.select(models.Comparison.answers_file).where(
        models.Comparison.assessment_id == assessment.id, models.Comparison.role == role
    )
    text = db.session().scalars(stmt).one_or_none()
    if text is None:
        return None
    readable, _ = without_unknown_criteria(text, checklist)
    try:
        other, _ = parse_answers_file(
            readable, lambda cid: checklist if cid == checklist.id else None
        )
    except AnswersError:
        log.warning("a kept comparison (%s) could not be read against %s", role, checklist.id)
        return None
    return other
