"""Details and deletion (issue 16): the owner edits the details, and deletes an assessment with
every row of it (every table queried) and its cached reports; every link then answers 404."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask

from assessor import comments_store, store
from tests.support.roles import IN_SCOPE_CRITERION, rows_of, shared_assessment


def test_the_owner_edits_the_details(app: Flask) -> None:
    shared = shared_assessment(app)
    owner = shared.tokens["owner"]
    client = app.test_client()
    page = client.get(f"/a/{owner}/details").get_data(as_text=True)
    assert 'value="Shared review"' in page
    refused = client.post(
        f"/a/{owner}/details",
        data={"title": "", "organisation": "Ministry", "country": "Atlantis", "respondent": "x"},
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Choose one of the OSCE participating States listed" in html
    assert 'value="Ministry"' in html  # what was typed survives
    saved = client.post(
        f"/a/{owner}/details",
        data={
            "title": "Renamed review",
            "organisation": "Ministry of Social Affairs",
            "country": "Moldova",
            "respondent": "ngo",
        },
        follow_redirects=True,
    )
    assert saved.status_code == 200
    overview = saved.get_data(as_text=True)
    assert "Renamed review" in overview and "Ministry of Social Affairs" in overview
    # A contributor may not.
    forged = client.post(
        f"/a/{shared.tokens['contributor_in']}/details",
        data={"title": "Forged", "organisation": "X", "country": "Moldova", "respondent": "ngo"},
    )
    assert forged.status_code == 403


def test_deletion_leaves_no_row_and_no_cached_report(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    cache_dir = tmp_path / "report-cache"
    app = make_app(REPORT_CACHE_DIR=str(cache_dir))
    shared = shared_assessment(app)
    kept = shared_assessment(app)  # another assessment: untouched
    owner = shared.tokens["owner"]
    client = app.test_client()
    # Something in every table: a comment, history (a saved answer), a version, a report.
    with app.app_context():
        found = store.find_link(owner)
        assert found is not None
        comments_store.add_comment(
            found[0], IN_SCOPE_CRITERION, "Which decree?", author="Owner", link_id=None
        )
    client.post(
        f"/a/{owner}/theme/provision/criterion/{IN_SCOPE_CRITERION}",
        data={f"{IN_SCOPE_CRITERION}-level": "full", f"{IN_SCOPE_CRITERION}-evidence": "Law"},
    )
    assert client.post(f"/a/{owner}/sign-off", data={"by": "Minister"}).status_code == 302
    assert client.get(f"/a/{owner}/report.docx?audience=ngo").status_code == 200
    assert list(cache_dir.glob("*.pdf"))
    before = rows_of(app, shared.assessment_id)
    empty = {name for name, count in before.items() if count == 0}
    assert empty <= {"rate_limit_counts"}, f"nothing to delete in {empty}"

    page = client.get(f"/a/{owner}/delete")
    assert page.status_code == 200
    assert "Delete “Shared review”?" in page.get_data(as_text=True)
    assert client.post(f"/a/{shared.tokens['viewer']}/delete").status_code == 403
    deleted = client.post(f"/a/{owner}/delete", follow_redirects=True)
    assert deleted.status_code == 200
    assert "“Shared review” is deleted" in deleted.get_data(as_text=True)

    assert all(count == 0 for count in rows_of(app, shared.assessment_id).values())
    assert not list(cache_dir.glob("*.pdf"))
    for who, token in shared.tokens.items():
        assert client.get(f"/a/{token}/").status_code == 404, who
    assert rows_of(app, kept.assessment_id) == {
        **before,
        "comments": 0,
        "history": rows_of(app, kept.assessment_id)["history"],
        "versions": 0,
    }
    assert client.get(f"/a/{kept.tokens['owner']}/").status_code == 200
