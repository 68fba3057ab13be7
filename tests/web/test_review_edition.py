"""The owner's internal-review edition of the gap analysis, through the web: comments only there,
only for the owner (on SQLite and PostgreSQL; Word documents here, the PDF in
tests/report/test_review.py)."""

from __future__ import annotations

import io

import docx

from assessor.access import Role
from assessor.report.review import COVER_NOTE
from tests.support.links import share

CRITERION = "free-meals-eligibility"
COMMENT = "Quote the decree that sets the eligibility rules."


def word_text(data: bytes) -> str:
    return " ".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_only_the_owner_gets_the_comments_and_only_in_the_edition(
    app, started, pages, pages_for
) -> None:
    reviewer = share(app, started, "Legal Centre for Advocacy", Role.REVIEWER)
    other = pages_for(app)
    other.post(reviewer + f"comments/{CRITERION}", {f"comment-{CRITERION}": COMMENT}, 303)

    ordinary = pages.client.get(started + "report.docx?audience=government")
    assert ordinary.status_code == 200
    assert COMMENT not in word_text(ordinary.data)
    assert COVER_NOTE not in word_text(ordinary.data)

    url = started + "report.docx?audience=government&edition=internal-review"
    edition = pages.client.get(url)
    assert edition.status_code == 200
    text = word_text(edition.data)
    assert COVER_NOTE in text and COMMENT in text and "Legal Centre for Advocacy" in text
    assert "government-internal-review" in edition.headers["Content-Disposition"]
    # The ordinary report is still the ordinary one (the edition has its own cache key).
    again = pages.client.get(started + "report.docx?audience=government")
    assert COMMENT not in word_text(again.data)

    # Only the owner is offered it, and only the owner gets it.
    assert pages.get(started + "results").find("p", id="InternalReview") is not None
    assert other.get(reviewer + "results").find("p", id="InternalReview") is None
    refused = other.client.get(reviewer + "report.docx?audience=government&edition=internal-review")
    assert refused.status_code == 403
    assert COMMENT not in refused.get_data(as_text=True)
    status = other.client.get(reviewer + "report?audience=government&edition=internal-review")
    assert status.status_code == 403
    # An unknown edition, or the brief, is a clear 400.
    for query in ("audience=government&edition=draft", "audience=ngo&edition=internal-review"):
        response = pages.client.get(started + "report.docx?" + query)
        assert response.status_code == 400
        assert "internal review" in response.get_data(as_text=True)
