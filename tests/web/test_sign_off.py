"""Sign-off and versions (issue 16): a signed-off assessment is read-only for every link, on
every endpoint and in the store; its results and downloads say so; re-opening starts the next
version; earlier versions stay readable, downloadable and comparable."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable

import pytest
from docx import Document
from flask import Flask
from pypdf import PdfReader

from assessor import sharing, store
from assessor.access import CHANGES
from assessor.answers import Action, Answer, AssessmentInfo
from assessor.catalogue import load_catalogue
from assessor.models import Assessment
from tests.support.roles import IN_SCOPE_CRITERION, shared_assessment, snapshot
from tests.web.test_access_roles import FORM, ROLES, changing_rules, url_for_rule


def sign_off(app: Flask, token: str, by: str = "Minister of Education") -> None:
    """Sign the assessment off through its owner's page."""
    response = app.test_client().post(f"/a/{token}/sign-off", data={"by": by})
    assert response.status_code == 302


def test_signed_off_is_read_only_for_every_link_on_every_endpoint(
    make_app: Callable[..., Flask],
) -> None:
    # The revoked link is tried on every endpoint: more failed lookups than the default allows.
    app = make_app(PRIVATE_LINK_FAILURE_LIMIT="10000 per hour")
    tried = 0
    for rule, method in changing_rules(app):
        from assessor.access import ENDPOINT_ACTIONS

        needed = ENDPOINT_ACTIONS[(rule.endpoint, method)]
        if "token" not in rule.arguments or needed.action not in CHANGES:
            continue
        shared = shared_assessment(app)
        sign_off(app, shared.tokens["owner"])
        client = app.test_client()
        for who in ROLES:
            before = snapshot(app)
            url = url_for_rule(rule, shared.tokens[who], shared.spare_link_id)
            response = client.open(url, method=method, data=FORM)
            where = f"{who} {method} {rule.endpoint}"
            assert response.status_code == (404 if who == "revoked" else 403), where
            assert snapshot(app) == before, where
            tried += 1
    assert tried >= 6 * 8


def test_keeping_a_comparison_is_refused_when_signed_off(app: Flask) -> None:
    shared = shared_assessment(app)
    owner = shared.tokens["owner"]
    client = app.test_client()
    exported = client.get(f"/a/{owner}/answers.json").data
    sign_off(app, owner)
    before = snapshot(app)
    response = client.post(
        f"/a/{owner}/compare",
        data={"file": (io.BytesIO(exported), "other.json"), "keep": "yes"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert snapshot(app) == before


def test_the_store_refuses_changes_to_a_signed_off_assessment(app: Flask) -> None:
    shared = shared_assessment(app)
    sign_off(app, shared.tokens["owner"])
    with app.app_context():
        checklist = load_catalogue(app.config["CHECKLIST_DIR"]).get("school-meals-demo")
        assert checklist is not None
        found = store.find_link(shared.tokens["owner"])
        assert found is not None
        assessment: Assessment = found[0]
        attempts = [
            lambda: store.save_answers(
                assessment, {IN_SCOPE_CRITERION: Answer("full", "")}, checklist
            ),
            lambda: store.save_action(
                assessment,
                IN_SCOPE_CRITERION,
                Action("Other", "", None, None, "not_started", ""),
                checklist,
            ),
            lambda: store.replace_asks(assessment, (), checklist),
            lambda: store.forget_comparison(assessment, store.PARTNER),
            lambda: store.keep_comparison(
                assessment, store.PARTNER, store.to_answers_file(assessment, checklist)
            ),
            lambda: sharing.update_details(
                assessment, AssessmentInfo("Other", "Other", "Austria", "ngo")
            ),
        ]
        before = snapshot(app)
        for attempt in attempts:
            with pytest.raises(store.SignedOff):
                attempt()
        assert snapshot(app) == before


def test_sign_off_versions_and_reopening(app: Flask) -> None:
    shared = shared_assessment(app)
    owner = shared.tokens["owner"]
    client = app.test_client()
    # Who signs off is required.
    refused = client.post(f"/a/{owner}/sign-off", data={"by": " "})
    assert refused.status_code == 422
    assert "Enter who signs the assessment off" in refused.get_data(as_text=True)
    sign_off(app, owner, "Minister of Education")
    line = re.compile(r"Final \(version 1\), signed off on \d+ \w+ \d{4} by Minister of Education")
    for page in ("", "results", "versions"):
        html = client.get(f"/a/{shared.tokens['viewer']}/{page}").get_data(as_text=True)
        assert line.search(html), page
    exported = json.loads(client.get(f"/a/{owner}/answers.json").data)
    assert exported["signed_off"]["by"] == "Minister of Education"
    # Signing off again while signed off changes nothing.
    sign_off(app, owner, "Someone else")
    assert "version 2" not in client.get(f"/a/{owner}/versions").get_data(as_text=True).lower()
    # Only the owner re-opens.
    assert client.post(f"/a/{shared.tokens['viewer']}/reopen").status_code == 403
    assert client.post(f"/a/{owner}/reopen").status_code == 302
    changed = client.post(
        f"/a/{owner}/theme/provision/criterion/{IN_SCOPE_CRITERION}",
        data={
            f"{IN_SCOPE_CRITERION}-level": "full",
            f"{IN_SCOPE_CRITERION}-evidence": "The decree now covers every school",
        },
    )
    assert changed.status_code in (200, 409)  # saved, or conflict-checked: not refused
    sign_off(app, owner, "Minister of Education")
    versions = client.get(f"/a/{owner}/versions").get_data(as_text=True)
    assert "Version 2" in versions and "Version 1" in versions
    first = client.get(f"/a/{shared.tokens['reviewer']}/versions/1").get_data(as_text=True)
    assert "A decree" in first and "Partially in place" in first
    assert client.get(f"/a/{owner}/versions/9").status_code == 404
    comparison = client.get(f"/a/{owner}/versions/1/compare")
    assert comparison.status_code == 200
    assert "Version 1, as it was signed off" in comparison.get_data(as_text=True)


def test_downloads_carry_the_sign_off(app: Flask) -> None:
    shared = shared_assessment(app)
    owner = shared.tokens["owner"]
    client = app.test_client()
    sign_off(app, owner, "Minister of Education")
    word = client.get(f"/a/{shared.tokens['viewer']}/report.docx?audience=government")
    assert word.status_code == 200
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(word.data)).tables
        for row in table.rows
        for cell in row.cells
    ) + "\n".join(p.text for p in Document(io.BytesIO(word.data)).paragraphs)
    assert "Final (version 1), signed off on" in text and "Minister of Education" in text
    pdf = client.get(f"/a/{shared.tokens['viewer']}/versions/1/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    cover = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "signed off on" in cover and "Minister of Education" in cover
    workbook = client.get(f"/a/{owner}/plan.xlsx")
    assert workbook.status_code == 200
    from openpyxl import load_workbook

    title = load_workbook(io.BytesIO(workbook.data)).properties.title
    assert title is not None and "signed off" in title
