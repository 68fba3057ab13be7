"""An assessment shared with a link of every role, and a snapshot of every table (issue 16).

Used by the role, sign-off and deletion tests: ``shared_assessment`` makes an assessment with
answers, an action, an ask and a kept comparison, and one link per role (a contributor given
the first theme, one given the second, a reviewer, a viewer, and a revoked viewer).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask

from assessor import db, sharing, store
from assessor.access import Role
from assessor.answers import Action, Answer, AssessmentInfo
from assessor.asks import Ask
from assessor.catalogue import load_catalogue
from assessor.models import Base

IN_SCOPE_THEME = "provision"
OUT_OF_SCOPE_THEME = "oversight"
IN_SCOPE_CRITERION = "free-meals-eligibility"

#: The links of a shared assessment, by what the tests call them.
LINK_NAMES = {
    "owner": "Owner",
    "contributor_in": "Ministry of Education",
    "contributor_out": "Ministry of Health",
    "reviewer": "Legal Centre for Advocacy",
    "viewer": "Statistics Office",
    "revoked": "Former adviser",
}


@dataclass(frozen=True)
class Shared:
    """A shared assessment: its id, the token of each link, and a spare link's id."""

    assessment_id: int
    tokens: dict[str, str]
    spare_link_id: int


def shared_assessment(app: Flask) -> Shared:
    """An assessment with something in every table, and a link of every role."""
    with app.app_context():
        checklist = load_catalogue(app.config["CHECKLIST_DIR"]).get("school-meals-demo")
        assert checklist is not None
        assessment = store.create_assessment(
            AssessmentInfo("Shared review", "Ministry of Education", "Austria", "government"),
            checklist,
            answers={
                IN_SCOPE_CRITERION: Answer("partial", "A decree"),
                "monitoring-uptake": Answer("planned", "A survey"),
            },
            actions={
                IN_SCOPE_CRITERION: Action(
                    action="Extend the decree",
                    owner="Ministry",
                    due=datetime.date(2027, 6, 30),
                    target_level="full",
                    status="not_started",
                    budget="",
                )
            },
            asks=(Ask("Extend meals", "Extend free meals.", (IN_SCOPE_CRITERION,)),),
        )
        store.keep_comparison(
            assessment, store.PARTNER, store.to_answers_file(assessment, checklist)
        )
        tokens = {"owner": assessment.token}
        tokens["contributor_in"] = sharing.create_link(
            assessment, LINK_NAMES["contributor_in"], Role.CONTRIBUTOR, frozenset({IN_SCOPE_THEME})
        )
        tokens["contributor_out"] = sharing.create_link(
            assessment,
            LINK_NAMES["contributor_out"],
            Role.CONTRIBUTOR,
            frozenset({OUT_OF_SCOPE_THEME}),
        )
        tokens["reviewer"] = sharing.create_link(
            assessment, LINK_NAMES["reviewer"], Role.REVIEWER, None
        )
        tokens["viewer"] = sharing.create_link(assessment, LINK_NAMES["viewer"], Role.VIEWER, None)
        tokens["revoked"] = sharing.create_link(
            assessment, LINK_NAMES["revoked"], Role.VIEWER, None
        )
        sharing.create_link(assessment, "Spare", Role.VIEWER, None)
        by_name = {link.name: link.id for link in sharing.list_links(assessment)}
        assert sharing.revoke_link(assessment, by_name[LINK_NAMES["revoked"]])
        return Shared(assessment.id, tokens, by_name["Spare"])


#: Columns that change on reading (a link's last use) or count clients: not "a change".
IGNORED = {
    ("links", "last_used_at"),
    ("rate_limit_counts", "count"),
    ("rate_limit_counts", "expires_at"),
}


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the models describe (rate-limit counters left out)."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with app.app_context(), db.get_engine().connect() as connection:
        for name, table in sorted(Base.metadata.tables.items()):
            if name == "rate_limit_counts":
                continue
            columns = [c for c in table.columns if (name, c.name) not in IGNORED]
            result = connection.execute(sa.select(*columns).order_by(*table.primary_key.columns))
            rows[name] = [tuple(row) for row in result]
    return rows


def rows_of(app: Flask, assessment_id: int) -> dict[str, int]:
    """How many rows each table holds for one assessment (the assessment's own row included)."""
    counts: dict[str, int] = {}
    with app.app_context(), db.get_engine().connect() as connection:
        for name, table in sorted(Base.metadata.tables.items()):
            column = table.c.get("assessment_id")
            if name == "assessments":
                column = table.c.id
            if column is None:
                continue
            counts[name] = connection.execute(
                sa.select(sa.func.count()).select_from(table).where(column == assessment_id)
            ).scalar_one()
    return counts
