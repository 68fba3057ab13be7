"""Who may do what with an assessment: the roles of its private links, and the rules.

An assessment has several private links, each with a role (issue 16). The owner's link (the one
the assessment was created with) may do everything; a contributor answers only the themes it was
given and sees the rest read-only; a reviewer reads everything and comments; a viewer reads
everything, results and downloads included. Once the owner signs the assessment off, it is
read-only for every link until the owner re-opens it.

Pure: no Flask, no database. The web app resolves a link to a :class:`Grant`, looks up the
action an endpoint needs in :data:`ENDPOINT_ACTIONS` and asks :func:`can`; a state-changing
endpoint missing from the table is refused (and fails the role tests).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

#: The longest name of a private link ("Ministry of Education", "Legal Centre for Advocacy").
MAX_LINK_NAME_CHARS = 120


class Role(StrEnum):
    """The role of a private link."""

    OWNER = "owner"
    CONTRIBUTOR = "contributor"
    REVIEWER = "reviewer"
    VIEWER = "viewer"


def role_name(role: Role) -> str:
    """The role's name as pages show it, in the page's language ("reviewer", "рецензент")."""
    from assessor.translation import current_translator

    t = current_translator()
    names = {
        Role.OWNER: t.pgettext("role", "owner"),
        Role.CONTRIBUTOR: t.pgettext("role", "contributor"),
        Role.REVIEWER: t.pgettext("role", "reviewer"),
        Role.VIEWER: t.pgettext("role", "viewer"),
    }
    return names[role]


#: Roles the owner can give to a new link (there is one owner link per assessment).
SHAREABLE_ROLES = (Role.CONTRIBUTOR, Role.REVIEWER, Role.VIEWER)


class Action(StrEnum):
    """What a request does to an assessment."""

    #: Read anything: pages, results, downloads.
    READ = "read"
    #: Answer criteria and plan actions for them (theme by theme).
    ANSWER = "answer"
    #: Comment on criteria, and resolve comments.
    COMMENT = "comment"
    #: Change what belongs to the whole assessment: key asks, comparisons, follow-ups.
    EDIT = "edit"
    #: Share and revoke links, edit the details, sign off and re-open, delete.
    MANAGE = "manage"
    #: Needs no assessment (starting or importing a new one).
    PUBLIC = "public"


#: Actions that change an assessment and so are refused once it is signed off. Managing stays
#: allowed: the owner re-opens, shares and deletes a signed-off assessment.
CHANGES = frozenset({Action.ANSWER, Action.COMMENT, Action.EDIT})

_ALLOWED: Mapping[Role, frozenset[Action]] = MappingProxyType(
    {
        Role.OWNER: frozenset(Action),
        Role.CONTRIBUTOR: frozenset({Action.READ, Action.ANSWER, Action.COMMENT, Action.PUBLIC}),
        Role.REVIEWER: frozenset({Action.READ, Action.COMMENT, Action.PUBLIC}),
        Role.VIEWER: frozenset({Action.READ, Action.PUBLIC}),
    }
)


@dataclass(frozen=True)
class Grant:
    """What one private link may do: its role, its name, and (for a contributor) the theme ids
    it may answer (``None``: every theme)."""

    role: Role
    name: str
    themes: frozenset[str] | None = None

    def in_scope(self, theme_id: str | None) -> bool:
        """Whether this link may answer the theme (any theme when ``theme_id`` is ``None`` and
        the link is not limited to some)."""
        if self.themes is None:
            return True
        return theme_id is not None and theme_id in self.themes


def can(
    grant: Grant, action: Action | str, theme_id: str | None = None, signed_off: bool = False
) -> bool:
    """Whether a link with this grant may do ``action`` (to ``theme_id`` when the action is
    about one theme), the assessment being signed off or not."""
    wanted = Action(action)
    if wanted not in _ALLOWED[grant.role]:
        return False
    if signed_off and wanted in CHANGES:
        return False
    if wanted == Action.ANSWER and grant.role == Role.CONTRIBUTOR:
        return grant.in_scope(theme_id)
    return True


@dataclass(frozen=True)
class Rule:
    """The action an endpoint's method needs, and where its theme comes from: ``"theme"`` (the
    URL's ``theme_id``), ``"criterion"`` (the theme of the URL's ``criterion_id``) or ``None``."""

    action: Action
    scope: str | None = None


#: Every state-changing endpoint (``blueprint.view``, method) and what it needs. The web app
#: refuses a state-changing request to an endpoint not listed here.
ENDPOINT_ACTIONS: Mapping[tuple[str, str], Rule] = MappingProxyType(
    {
        ("assessments.start", "POST"): Rule(Action.PUBLIC),
        ("assessments.import_answers", "POST"): Rule(Action.PUBLIC),
        ("assessments.theme", "POST"): Rule(Action.ANSWER, "theme"),
        ("assessments.save_criterion", "POST"): Rule(Action.ANSWER, "theme"),
        ("plan.action", "POST"): Rule(Action.ANSWER, "criterion"),
        ("asks.change", "POST"): Rule(Action.EDIT),
        ("asks.add", "POST"): Rule(Action.EDIT),
        ("asks.save_suggestions", "POST"): Rule(Action.EDIT),
        ("compare.follow_up", "POST"): Rule(Action.EDIT),
        ("compare.upload", "POST"): Rule(Action.READ),
        ("compare.forget_partner", "POST"): Rule(Action.EDIT),
        ("results.report_language", "POST"): Rule(Action.EDIT),
        ("access.links", "POST"): Rule(Action.MANAGE),
        ("access.revoke", "POST"): Rule(Action.MANAGE),
        # Details change the assessment: refused while it is signed off, like answers.
        ("access.details", "POST"): Rule(Action.EDIT),
        ("access.delete", "POST"): Rule(Action.MANAGE),
        ("access.sign_off", "POST"): Rule(Action.MANAGE),
        ("access.reopen", "POST"): Rule(Action.MANAGE),
        ("comments.add", "POST"): Rule(Action.COMMENT),
        ("comments.resolve", "POST"): Rule(Action.COMMENT),
    }
)

#: Pages only the owner opens (reading them needs more than ``read``).
PAGE_ACTIONS: Mapping[str, Action] = MappingProxyType(
    {
        "access.links": Action.MANAGE,
        "access.details": Action.MANAGE,
        "access.delete": Action.MANAGE,
        "compare.follow_up": Action.EDIT,
    }
)

#: HTTP methods that change nothing.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def rule_for(endpoint: str, method: str) -> Rule | None:
    """The rule for a request: what it needs (``None`` for a state-changing endpoint that is
    not in :data:`ENDPOINT_ACTIONS`, which must be refused)."""
    if method in SAFE_METHODS:
        return Rule(PAGE_ACTIONS.get(endpoint, Action.READ))
    return ENDPOINT_ACTIONS.get((endpoint, method))


def parse_scope(text: str | None) -> frozenset[str] | None:
    """A stored scope (theme ids separated by spaces; empty or ``None``: no limit) as a set."""
    if not text:
        return None
    return frozenset(text.split())


def format_scope(themes: frozenset[str] | None) -> str | None:
    """A scope as stored (see :func:`parse_scope`), its ids sorted."""
    if themes is None:
        return None
    return " ".join(sorted(themes))
