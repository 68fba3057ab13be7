"""Links by role (issue 16): every role on every state-changing endpoint, and revocation.

The table-driven test enumerates the app's URL map, so a new endpoint that changes something
and is not in :data:`assessor.access.ENDPOINT_ACTIONS` fails it. A refused request must answer
403 (404 for a revoked link) and change no row of any table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

from assessor import access
from assessor.access import Action, Grant, Role, can
from tests.support.roles import (
    IN_SCOPE_CRITERION,
    IN_SCOPE_THEME,
    OUT_OF_SCOPE_THEME,
    shared_assessment,
    snapshot,
)

#: What each role may do, written out here (not derived from assessor.access): the contract.
MAY: dict[str, set[str]] = {
    "owner": {"read", "answer", "comment", "edit", "manage", "public"},
    "contributor_in": {"read", "answer", "comment", "public"},
    "contributor_out": {"read", "comment", "public"},
    "reviewer": {"read", "comment", "public"},
    "viewer": {"read", "public"},
    "revoked": set(),
}
#: Tried in this order: the owner last (it may delete the assessment).
ROLES = ("revoked", "viewer", "reviewer", "contributor_out", "contributor_in", "owner")
CHANGING = {"POST", "PUT", "PATCH", "DELETE"}

#: A form that would change something on any endpoint that accepted it.
FORM: dict[str, Any] = {
    f"{IN_SCOPE_CRITERION}-level": "full",
    f"{IN_SCOPE_CRITERION}-evidence": "Changed by a forged request",
    f"{IN_SCOPE_CRITERION}-saved": "",
    "action": "Forged action",
    "status": "in_progress",
    "title": "Forged title",
    "text": "Forged text",
    "body": "Forged comment",
    "organisation": "Forged organisation",
    "country": "Austria",
    "respondent": "ngo",
    "name": "Forged link",
    "role": "viewer",
    "by": "Forger",
    "keep": "yes",
    "criteria": IN_SCOPE_CRITERION,
}


def changing_rules(app: Flask) -> list[tuple[Rule, str]]:
    """Every (URL rule, method) that may change something."""
    return sorted(
        (
            (rule, method)
            for rule in app.url_map.iter_rules()
            for method in sorted((rule.methods or set()) & CHANGING)
        ),
        key=lambda pair: (pair[0].endpoint, pair[1]),
    )


def url_for_rule(rule: Rule, token: str, spare_link_id: int) -> str:
    """The rule's URL for this token, every other part filled with something that exists."""
    values: dict[str, Any] = {}
    for name in rule.arguments:
        if name == "token":
            values[name] = token
        elif name == "theme_id":
            values[name] = IN_SCOPE_THEME
        elif name == "criterion_id":
            values[name] = IN_SCOPE_CRITERION
        elif name == "link_id":
            values[name] = spare_link_id
        elif name == "role":
            values[name] = "partner"
        else:
            values[name] = 1
    built = rule.build(values, append_unknown=False)
    assert built is not None
    return built[1]


def test_every_state_changing_endpoint_is_in_the_access_table(app: Flask) -> None:
    missing = [
        f"{rule.endpoint} {method}"
        for rule, method in changing_rules(app)
        if (rule.endpoint, method) not in access.ENDPOINT_ACTIONS
    ]
    assert missing == []
    # And the table names no endpoint the app does not have.
    known = {(rule.endpoint, method) for rule, method in changing_rules(app)}
    assert set(access.ENDPOINT_ACTIONS) <= known


def test_every_role_on_every_state_changing_endpoint(make_app: Callable[..., Flask]) -> None:
    # The revoked link is tried on every endpoint: more failed lookups than the default allows.
    app = make_app(PRIVATE_LINK_FAILURE_LIMIT="10000 per hour")
    tried = 0
    for rule, method in changing_rules(app):
        if "token" not in rule.arguments:
            assert access.ENDPOINT_ACTIONS[(rule.endpoint, method)].action == Action.PUBLIC
            continue
        shared = shared_assessment(app)  # a fresh one: the owner may delete it
        client = app.test_client()
        needed = access.ENDPOINT_ACTIONS[(rule.endpoint, method)]
        for who in ROLES:
            url = url_for_rule(rule, shared.tokens[who], shared.spare_link_id)
            before = snapshot(app)
            response = client.open(url, method=method, data=FORM)
            where = f"{who} {method} {rule.endpoint}"
            if who == "revoked":
                assert response.status_code == 404, where
                assert snapshot(app) == before, where
            elif needed.action not in MAY[who]:
                assert response.status_code == 403, where
                assert b"Not allowed" in response.data, where
                assert snapshot(app) == before, where
            else:
                # Allowed through (a 404 here is an object the filled-in URL names that does
                # not exist, such as comment 1; the link itself was found).
                assert response.status_code not in (403, 500), where
            tried += 1
    assert tried >= 6 * 10


def test_a_contributor_answers_only_its_themes(app: Flask) -> None:
    shared = shared_assessment(app)
    client = app.test_client()
    contributor = shared.tokens["contributor_out"]  # given "oversight" only
    page = client.get(f"/a/{contributor}/theme/{IN_SCOPE_THEME}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="ThemeForm"' not in html and "read-only" in html
    assert "A decree" in html  # the answers are shown, without inputs
    own = client.get(f"/a/{contributor}/theme/{OUT_OF_SCOPE_THEME}").get_data(as_text=True)
    assert 'id="ThemeForm"' in own
    fingerprint = re.search(r'name="monitoring-uptake-saved"[^>]*value="([^"]*)"', own)
    assert fingerprint is not None
    saved = client.post(
        f"/a/{contributor}/theme/{OUT_OF_SCOPE_THEME}",
        data={
            "monitoring-uptake-level": "full",
            "monitoring-uptake-evidence": "Done",
            "monitoring-uptake-saved": fingerprint.group(1),
        },
    )
    assert saved.status_code == 302
    assert "Done" in client.get(f"/a/{contributor}/review").get_data(as_text=True)


def test_pages_show_only_what_the_link_may_do(app: Flask) -> None:
    shared = shared_assessment(app)
    client = app.test_client()
    owner = client.get(f"/a/{shared.tokens['owner']}/").get_data(as_text=True)
    assert "Who has access" in owner and "Delete this assessment" in owner
    viewer = client.get(f"/a/{shared.tokens['viewer']}/").get_data(as_text=True)
    assert "Who has access" not in viewer and "Delete this assessment" not in viewer
    assert "Continue answering" in owner and "Continue answering" not in viewer
    assert "Statistics Office" in viewer
    theme = client.get(f"/a/{shared.tokens['viewer']}/theme/{IN_SCOPE_THEME}")
    assert 'id="ThemeForm"' not in theme.get_data(as_text=True)
    # The owner's pages are the owner's: a viewer opening them is refused.
    for page in ("access", "details", "delete"):
        assert client.get(f"/a/{shared.tokens['viewer']}/{page}").status_code == 403


def test_a_viewer_cannot_keep_a_comparison_partner(app: Flask) -> None:
    shared = shared_assessment(app)
    client = app.test_client()
    exported = client.get(f"/a/{shared.tokens['owner']}/answers.json").data
    before = snapshot(app)
    response = client.post(
        f"/a/{shared.tokens['viewer']}/compare",
        data={"file": (__import__("io").BytesIO(exported), "other.json"), "keep": "yes"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert snapshot(app) == before


def test_revocation(app: Flask) -> None:
    shared = shared_assessment(app)
    client = app.test_client()
    owner = shared.tokens["owner"]
    page = client.post(
        f"/a/{owner}/access",
        data={"name": "Ministry of Labour", "role": "viewer"},
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ministry of Labour" in html and "Copy this link now" in html
    new_url = html.split('id="NewLink"')[1].split('value="')[1].split('"')[0]
    new_token = new_url.rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/a/{new_token}/").status_code == 200
    # The token is shown once: the page does not show it again.
    assert new_token not in client.get(f"/a/{owner}/access").get_data(as_text=True)
    listed = client.get(f"/a/{owner}/access").get_data(as_text=True)
    link_id = listed.split("Ministry of Labour")[1].split("/access/")[1].split("/revoke")[0]
    revoking = client.post(f"/a/{owner}/access/{link_id}/revoke", follow_redirects=True)
    assert "“Ministry of Labour” is revoked" in revoking.get_data(as_text=True)
    wrong_token = "x" * 43
    wrong = client.get(f"/a/{wrong_token}/")
    revoked = client.get(f"/a/{new_token}/")
    assert revoked.status_code == wrong.status_code == 404
    assert revoked.get_data(as_text=True).replace(new_token, wrong_token) == wrong.get_data(
        as_text=True
    )
    # The owner's own link cannot be revoked, nor a link of another assessment.
    other = shared_assessment(app)
    assert client.post(f"/a/{owner}/access/{other.spare_link_id}/revoke").status_code == 404


def test_a_revoked_link_counts_as_a_failed_lookup(make_app: Any) -> None:
    app = make_app(PRIVATE_LINK_FAILURE_LIMIT="2 per 10 minutes")
    shared = shared_assessment(app)
    client = app.test_client()
    for _ in range(2):
        assert client.get(f"/a/{shared.tokens['revoked']}/").status_code == 404
    assert client.get(f"/a/{shared.tokens['owner']}/").status_code == 429


def test_a_new_contributor_needs_a_theme_and_a_name(app: Flask) -> None:
    shared = shared_assessment(app)
    client = app.test_client()
    page = client.post(f"/a/{shared.tokens['owner']}/access", data={"role": "contributor"})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "Enter who the link is for" in html
    assert "Choose the themes the contributor answers" in html


@pytest.mark.parametrize(
    ("grant", "action", "theme", "signed_off", "allowed"),
    [
        (Grant(Role.OWNER, "O"), "manage", None, True, True),
        (Grant(Role.OWNER, "O"), "answer", "t", True, False),
        (Grant(Role.OWNER, "O"), "edit", None, True, False),
        (Grant(Role.CONTRIBUTOR, "C", frozenset({"t"})), "answer", "t", False, True),
        (Grant(Role.CONTRIBUTOR, "C", frozenset({"t"})), "answer", "u", False, False),
        (Grant(Role.CONTRIBUTOR, "C", frozenset({"t"})), "answer", None, False, False),
        (Grant(Role.CONTRIBUTOR, "C", frozenset({"t"})), "comment", None, True, False),
        (Grant(Role.REVIEWER, "R"), "comment", None, False, True),
        (Grant(Role.REVIEWER, "R"), "answer", "t", False, False),
        (Grant(Role.VIEWER, "V"), "read", None, True, True),
        (Grant(Role.VIEWER, "V"), "comment", None, False, False),
    ],
)
def test_can(grant: Grant, action: str, theme: str | None, signed_off: bool, allowed: bool) -> None:
    assert can(grant, action, theme, signed_off) is allowed


def test_rules_for_requests() -> None:
    assert access.rule_for("results.results", "GET") == access.Rule(Action.READ)
    assert access.rule_for("access.links", "GET") == access.Rule(Action.MANAGE)
    assert access.rule_for("nowhere.view", "POST") is None
    assert access.parse_scope(access.format_scope(frozenset({"b", "a"}))) == {"a", "b"}
    assert access.parse_scope("") is None
