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
from dataclasses import asdict, dataclass, field, replace
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from assessor import db, history_store, models, tokens
from assessor.answers import (
    Action,
    Answer,
    AnswersError,
    AnswersFile,
    AssessmentInfo,
    SignOff,
    action_fingerprint,
    fingerprint,
    parse_answers_file,
    without_unknown_criteria,
)
from assessor.asks import Ask, asks_fingerprint
from assessor.checklist import Checklist
from assessor.history import (
    Change,
    Diff,
    action_diffs,
    answer_diffs,
    asks_diffs,
    detail_diffs,
    language_diffs,
)
from assessor.translation import DEFAULT_LANGUAGE, normalise_language

log = logging.getLogger(__name__)

#: A follow-up's baseline: the assessment it started from, as it was then.
BASELINE = "baseline"
#: The assessment a user chose to compare with (an uploaded answers file or PDF).
PARTNER = "partner"
COMPARISON_ROLES = (BASELINE, PARTNER)


class SignedOff(Exception):
    """Raised by a write to an assessment that is signed off (read-only until re-opened)."""

    def __init__(self) -> None:
        super().__init__("this assessment is signed off: re-open it to change it")


#: The name of the link an assessment is created with.
OWNER_LINK_NAME = "Owner"


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
    *,
    actor: str | None = None,
    history: Sequence[Change] | None = None,
) -> models.Assessment:
    """Start a new assessment of a checklist (with answers, actions and asks, if any, the
    baseline it follows up, if any, and the language of its reports); return it.

    The answers, actions and asks it starts with are recorded in its history as changes made
    by ``actor``; unless ``history`` is given (an imported file's), which is kept instead.
    """
    token = tokens.new_token()
    with db.write_transaction() as session:
        assessment = models.Assessment(
            token=token,
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
        session.add(
            models.Link(
                assessment_id=assessment.id,
                token_hash=assessment.token_hash,
                name=OWNER_LINK_NAME,
                role="owner",
            )
        )
        if answers:
            _upsert(session, assessment.id, answers)
        if actions:
            for cid, action in actions.items():
                _write_action(session, assessment.id, cid, action)
        _write_asks(session, assessment.id, asks)
        if answers or actions or asks:
            assessment.revision = 1
        if history is not None:
            history_store.restore(session, assessment.id, history)
        else:
            history_store.record(
                session, assessment.id, actor, _initial_diffs(answers, actions, asks)
            )
        if baseline is not None:
            _write_comparison(session, assessment.id, BASELINE, baseline)
    return assessment


def get_by_token(token: str) -> models.Assessment | None:
    """The assessment one of whose links (not revoked) has this token, or ``None`` (also for a
    malformed one)."""
    found = find_link(token)
    return None if found is None else found[0]


def find_link(token: str) -> tuple[models.Assessment, models.Link] | None:
    """The assessment and the link (not revoked) with this private-link token, or ``None``
    (also for a malformed token).

    Only the token's SHA-256 digest is stored and looked up, so the database compares digests,
    never the secret itself; the digest found is compared again in constant time.
    """
    if not tokens.is_token(token):
        return None
    wanted = tokens.hash_token(token)
    stmt = (
        sa.select(models.Link)
        .where(models.Link.token_hash == wanted, models.Link.revoked_at.is_(None))
        .options(joinedload(models.Link.assessment))  # one query for both
    )
    link = db.session().scalars(stmt).one_or_none()
    if link is None or not tokens.same_digest(link.token_hash, wanted):
        return None
    assessment = link.assessment
    assessment.opened_with(token)  # not stored: known to this request only
    return assessment, link


def is_signed_off(assessment: models.Assessment, session: Any = None) -> bool:
    """Whether the assessment is signed off: its latest version is not re-opened."""
    stmt = (
        sa.select(models.Version.id)
        .where(
            models.Version.assessment_id == _id_of(assessment),
            models.Version.reopened_at.is_(None),
        )
        .limit(1)
    )
    return (session or db.session()).scalars(stmt).first() is not None


def check_not_signed_off(session: Any, assessment: models.Assessment) -> None:
    """Refuse (:class:`SignedOff`) a write to a signed-off assessment, inside its transaction."""
    if is_signed_off(assessment, session):
        raise SignedOff()


def count_assessments() -> int:
    """How many assessments are stored."""
    return db.session().scalar(sa.select(sa.func.count()).select_from(models.Assessment)) or 0


def load_answers(assessment: models.Assessment) -> dict[str, Answer]:
    """The saved answers of an assessment, by criterion id."""
    # The columns, not ORM objects: every page of an assessment reads them.
    stmt = sa.select(models.Answer.criterion_id, models.Answer.level, models.Answer.evidence).where(
        models.Answer.assessment_id == _id_of(assessment)
    )
    return {
        criterion_id: Answer(level=level, evidence=evidence)
        for criterion_id, level, evidence in db.session().execute(stmt)
    }


def save_answers(
    assessment: models.Assessment,
    answers: Mapping[str, Answer],
    checklist: Checklist,
    started_from: Mapping[str, str] | None = None,
    *,
    actor: str | None = None,
) -> SaveResult:
    """Save answers to some criteria of an assessment, in one transaction.

    An empty answer (no level, no evidence) removes a saved one. With ``started_from`` (the
    :func:`fingerprint` of each answer as the user first saw it), an answer someone else has
    changed since is not overwritten but reported in ``conflicts``. The checklist version the
    answers were given against is recorded with the assessment, and every real change in its
    history, as made by ``actor``.
    """
    assessment_id = _id_of(assessment)
    with db.write_transaction() as session:
        revision = _bump_revision(session, assessment, checklist.version)
        conflicts: dict[str, Answer | None] = {}
        to_write = dict(answers)
        # The posted criteria's saved answers: for the conflict check and the history.
        current = _current_answers(session, assessment_id, list(answers)) if answers else {}
        if started_from is not None and answers:
            for cid, mine in answers.items():
                theirs = current.get(cid)
                before = started_from.get(cid)
                if before is None or fingerprint(theirs) in (before, fingerprint(mine)):
                    continue
                conflicts[cid] = theirs
                del to_write[cid]
        _upsert(session, assessment_id, to_write)
        diffs = [
            diff
            for cid, mine in to_write.items()
            for diff in answer_diffs(cid, _answer_pair(current.get(cid)), _answer_pair(mine))
        ]
        history_store.record(session, assessment_id, actor, diffs)
    return SaveResult(revision=revision, conflicts=conflicts)


def _answer_pair(answer: Answer | None) -> tuple[str | None, str] | None:
    return None if answer is None else (answer.level, answer.evidence)


def _initial_diffs(
    answers: Mapping[str, Answer] | None,
    actions: Mapping[str, Action] | None,
    asks: Sequence[Ask],
) -> list[Diff]:
    """The changes that make a new assessment's first answers, actions and asks."""
    diffs = [
        diff
        for cid, answer in (answers or {}).items()
        for diff in answer_diffs(cid, None, _answer_pair(answer))
    ]
    diffs += [
        diff
        for cid, action in (actions or {}).items()
        for diff in action_diffs(cid, None, action.to_dict())
    ]
    diffs += asks_diffs([], [ask.to_dict() for ask in asks])
    return diffs


def _id_of(assessment: models.Assessment) -> int:
    """An assessment's id, without loading it again: a write transaction first ends the read
    transaction, which expires the loaded assessment (one more SELECT per save otherwise)."""
    identity = sa.inspect(assessment).identity
    return int(identity[0]) if identity else assessment.id


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
    session.execute(_upsert_statement(session.get_bind().dialect.name), rows)


#: The answers' upsert of each dialect, made once: its rows are parameters of the execution,
#: so SQLAlchemy compiles it once too (a statement holding its rows is compiled every time).
_UPSERTS: dict[str, Any] = {}


def _upsert_statement(dialect: str) -> Any:
    """INSERT INTO answers ... ON CONFLICT (assessment, criterion) DO UPDATE, for ``dialect``."""
    stmt = _UPSERTS.get(dialect)
    if stmt is None:
        insert = _dialect_insert(dialect)(models.Answer.__table__)
        stmt = insert.on_conflict_do_update(
            index_elements=["assessment_id", "criterion_id"],
            set_={
                "level": insert.excluded.level,
                "evidence": insert.excluded.evidence,
                "updated_at": insert.excluded.updated_at,
            },
        )
        _UPSERTS[dialect] = stmt
    return stmt


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
        .where(models.Assessment.id == _id_of(assessment))
        .values(
            revision=models.Assessment.revision + 1,
            updated_at=models.utcnow(),
            checklist_version=version,
        )
        .returning(models.Assessment.revision)
    ).scalar_one()
    check_not_signed_off(session, assessment)
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
    *,
    actor: str | None = None,
) -> ActionSaveResult:
    """Save (or, with ``None``, remove) the action for one criterion, in one transaction.

    With ``started_from`` (the :func:`~assessor.answers.action_fingerprint` of the action as
    the user first saw it), an action someone else has changed since is not overwritten: the
    result says so and carries theirs. Saving what they saved anyway is no conflict. Every
    real change is recorded in the history, as made by ``actor``.
    """
    with db.write_transaction() as session:
        revision = _bump_revision(session, assessment, checklist.version)
        theirs = _current_action(session, assessment.id, criterion_id)
        if started_from is not None and action_fingerprint(theirs) not in (
            started_from,
            action_fingerprint(action),
        ):
            return ActionSaveResult(revision=revision, saved=False, theirs=theirs)
        _write_action(session, assessment.id, criterion_id, action)
        history_store.record(
            session,
            assessment.id,
            actor,
            action_diffs(
                criterion_id,
                theirs.to_dict() if theirs else None,
                action.to_dict() if action else None,
            ),
        )
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
    *,
    actor: str | None = None,
) -> AsksSaveResult:
    """Replace the key asks of an assessment with ``change(current asks)``, in one transaction.

    ``change`` sees the list as saved at that moment (saves to one assessment wait for each
    other), so adding to it never loses someone else's addition; an exception it raises saves
    nothing. With ``started_from`` (the :func:`~assessor.asks.asks_fingerprint` of the list as
    the user first saw it), a list someone else has changed since is not overwritten: the
    result says so and carries theirs. Every real change is recorded in the history, as made
    by ``actor``.
    """
    with db.write_transaction() as session:
        revision = _bump_revision(session, assessment, checklist.version)
        current = _current_asks(session, assessment.id)
        if started_from is not None and asks_fingerprint(current) != started_from:
            return AsksSaveResult(revision=revision, asks=current, saved=False, theirs=current)
        asks = tuple(change(current))
        session.execute(sa.delete(models.Ask).where(models.Ask.assessment_id == assessment.id))
        _write_asks(session, assessment.id, asks)
        history_store.record(
            session,
            assessment.id,
            actor,
            asks_diffs([a.to_dict() for a in current], [a.to_dict() for a in asks]),
        )
    return AsksSaveResult(revision=revision, asks=asks)


def replace_asks(
    assessment: models.Assessment,
    asks: Sequence[Ask],
    checklist: Checklist,
    started_from: str | None = None,
    *,
    actor: str | None = None,
) -> AsksSaveResult:
    """Replace the whole ordered list of key asks of an assessment, in one transaction (see
    :func:`change_asks` for ``started_from`` and ``actor``)."""
    return change_asks(assessment, lambda _current: asks, checklist, started_from, actor=actor)


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


def update_details(
    assessment: models.Assessment, info: AssessmentInfo, *, actor: str | None = None
) -> bool:
    """Change an assessment's details (title, organisation, country, respondent), in one
    transaction with their history (as made by ``actor``); whether anything changed."""
    with db.write_transaction() as session:
        stmt = (
            sa.select(models.Assessment)
            .where(models.Assessment.id == assessment.id)
            .with_for_update()  # saves to one assessment wait for each other (PostgreSQL)
            .execution_options(populate_existing=True)
        )
        row = session.scalars(stmt).one_or_none()
        if row is None:
            return False
        check_not_signed_off(session, assessment)
        diffs = detail_diffs(asdict(assessment_info(row)), asdict(info))
        if not diffs:
            return False
        row.title = info.title
        row.organisation = info.organisation
        row.country = info.country
        row.respondent = info.respondent
        row.updated_at = models.utcnow()
        row.revision = row.revision + 1
        history_store.record(session, assessment.id, actor, diffs)
    return True


def to_answers_file(
    assessment: models.Assessment, checklist: Checklist, *, with_history: bool = False
) -> AnswersFile:
    """The assessment as an answers file: its answers to the checklist's criteria and its
    action plan, both in checklist order, and its key asks in their order; and its whole
    history, if asked (reports and comparisons never carry it).

    Criteria no longer in the checklist are left out, of the asks too (an ask left with none
    is left out), so the file is always one the checklist accepts. (The history keeps every
    change as it was, about criteria since removed too.)
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
        history=history_store.all_changes(assessment) if with_history else (),
        signed_off=current_sign_off(assessment),
    )


def current_sign_off(assessment: models.Assessment) -> SignOff | None:
    """The sign-off the assessment is under (its latest version, not re-opened), or ``None``."""
    stmt = (
        sa.select(models.Version)
        .where(
            models.Version.assessment_id == _id_of(assessment),
            models.Version.reopened_at.is_(None),
        )
        .order_by(models.Version.number.desc())
        .limit(1)
    )
    version = db.session().scalars(stmt).first()
    return None if version is None else sign_off_of(version)


def sign_off_of(version: models.Version) -> SignOff:
    """A stored version's sign-off, as answers files and reports carry it."""
    return SignOff(
        version=version.number, on=version.signed_off_at.date(), by=version.signed_off_by
    )


def _asks_on(checklist: Checklist, asks: Sequence[Ask]) -> tuple[Ask, ...]:
    """The asks, each naming only the criteria ``checklist`` has; those naming none left out."""
    kept = []
    for ask in asks:
        criteria = tuple(c for c in ask.criteria if checklist.has_criterion(c))
        if criteria:
            kept.append(replace(ask, criteria=criteria))
    return tuple(kept)


def import_answers_file(
    answers_file: AnswersFile, checklist: Checklist, *, actor: str | None = None
) -> models.Assessment:
    """Create a new assessment from a validated answers file (answers, action plan and key
    asks), all at once or not at all. A file with a history keeps it; without one, what it
    holds is recorded as changes made by ``actor``."""
    return create_assessment(
        answers_file.assessment,
        checklist,
        answers_file.answers,
        answers_file.actions,
        answers_file.asks,
        actor=actor,
        history=answers_file.history or None,
    )


# -- comparisons ------------------------------------------------------------------------------


def create_follow_up(
    baseline: models.Assessment, checklist: Checklist, title: str, *, actor: str | None = None
) -> models.Assessment:
    """A new assessment (its own private link) that starts from another's answers and evidence
    and keeps it, as it is now, as its baseline. The action plan is not copied: a follow-up
    plans afresh from what it finds. Its history starts with those answers, given by
    ``actor``."""
    before = to_answers_file(baseline, checklist)
    info = replace(before.assessment, title=title)
    return create_assessment(
        info,
        checklist,
        before.answers,
        baseline=before,
        report_language=baseline.report_language,
        actor=actor,
    )


def set_report_language(
    assessment: models.Assessment, language: str, *, actor: str | None = None
) -> None:
    """Make the assessment's reports in ``language`` (one of assessor.translation.LANGUAGES;
    ``ValueError`` otherwise), recorded in its history as made by ``actor``; refused
    (:class:`SignedOff`) once it is signed off. Answers are untouched, so the revision stays."""
    code = normalise_language(language)
    if code is None or code != language:
        raise ValueError(f"unknown report language {language!r}")
    with db.write_transaction() as session:
        check_not_signed_off(session, assessment)
        before = session.scalar(
            sa.select(models.Assessment.report_language).where(
                models.Assessment.id == assessment.id
            )
        )
        session.execute(
            sa.update(models.Assessment)
            .where(models.Assessment.id == assessment.id)
            .values(report_language=code)
        )
        history_store.record(session, assessment.id, actor, language_diffs(before or "", code))
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
        check_not_signed_off(session, assessment)
        _write_comparison(session, assessment.id, role, other)


def forget_comparison(assessment: models.Assessment, role: str) -> bool:
    """Stop keeping the comparison of this role; whether there was one."""
    with db.write_transaction() as session:
        check_not_signed_off(session, assessment)
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
