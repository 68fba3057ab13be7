"""The whole journey of an official, as the issue describes it, on each database."""

from __future__ import annotations

import io
import json

from flask import Flask

from assessor import store

THEME_1 = {
    "free-meals-eligibility-level": "full",
    "free-meals-eligibility-evidence": "Decree 12/2024, art. 3 – https://example.org/rules",
    "free-meals-nutrition-level": "partial",
    "free-meals-nutrition-evidence": "Standards cover primary schools only.\nSecondary: 2027.",
}
THEME_2 = {
    "monitoring-uptake-level": "unknown",
    "monitoring-uptake-evidence": "Ask the statistics office (Ms Novák).",
}


def fill(page, answers, action):
    """What the browser sends: the form as shown, with the user's answers and button."""
    data = page.form_data()
    data.update(answers)
    data["action"] = action
    return data


def test_start_answer_come_back_finish_export_import(app: Flask, pages, pages_for, start_data):
    # Start: the private link is shown straight away.
    overview_path = pages.post("/", start_data)
    overview = pages.get(overview_path)
    link = overview.private_link()
    assert link == "http://localhost" + overview_path
    assert overview.h1 == start_data["title"]
    assert "0 of 4 answered" in overview.text

    # Theme 1, "Save and continue" goes to theme 2.
    theme1 = pages.get(overview_path + "theme/provision")
    assert theme1.private_link() == link
    next_path = pages.post(theme1.response.request.path, fill(theme1, THEME_1, "continue"))
    assert next_path.endswith("/theme/oversight")

    # Theme 2, partly, then "Save and come back later": back to the private link page.
    theme2 = pages.get(next_path)
    assert "2 of 4 answered" in theme2.text  # overall progress counts what is saved
    later = pages.post(next_path, fill(theme2, THEME_2, "later"))
    assert later.startswith(overview_path)
    after = pages.get(later)
    assert "are saved" in after.text
    assert "3 of 4 answered" in after.text

    # Close the browser; open the private link in a new one (no cookies): all is there.
    fresh = pages_for(app)
    again = fresh.get(link.removeprefix("http://localhost"))
    assert "3 of 4 answered" in again.text
    theme1_again = fresh.get(overview_path + "theme/provision").form_data()
    for name, value in THEME_1.items():
        assert theme1_again[name] == value
    theme2_page = fresh.get(overview_path + "theme/oversight")
    theme2_again = theme2_page.form_data()
    assert theme2_again["monitoring-uptake-level"] == "unknown"
    assert theme2_again["monitoring-uptake-evidence"] == THEME_2["monitoring-uptake-evidence"]
    assert "monitoring-quality-level" not in theme2_again

    # The review lists the one criterion left, with a link to it.
    review = fresh.get(overview_path + "review")
    left = review.find("section", class_="unanswered")
    assert [a["href"] for a in left.find_all("a")] == [
        overview_path + "theme/oversight#monitoring-quality"
    ]
    assert left.one("h3").text.startswith("2. Oversight")
    assert left.one("a").text == "2.1.b Quality is inspected every year."
    # ... the link's anchor is on that criterion's fieldset.
    assert theme2_page.one("fieldset", id="monitoring-quality")

    # Finish the rest; the last theme's "Save and continue" goes to the review.
    done = fresh.post(
        overview_path + "theme/oversight",
        fill(theme2_page, {"monitoring-quality-level": "not_applicable"}, "continue"),
    )
    assert done.endswith("/review")
    review = fresh.get(done)
    assert review.find("section", class_="unanswered") is None
    assert "Every criterion is answered" in review.text
    assert "4 of 4 answered" in review.text

    # Export.
    response = fresh.client.get(overview_path + "answers.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="assessment-school-meals-review-2026.json"'
    )
    exported = json.loads(response.get_data(as_text=True))
    assert exported["checklist"] == "school-meals-demo"
    assert exported["answers"]["free-meals-nutrition"] == {
        "level": "partial",
        "evidence": THEME_1["free-meals-nutrition-evidence"],
    }
    assert len(exported["answers"]) == 4

    # Import it as a new assessment: same answers, a different private link.
    imported_path = fresh.post(
        "/import",
        {"file": (io.BytesIO(response.get_data()), "answers.json", "application/json")},
        content_type="multipart/form-data",
    )
    assert imported_path != overview_path
    imported = fresh.get(imported_path)
    assert "Imported" in imported.text
    assert "4 of 4 answered" in imported.text
    reexported = fresh.client.get(imported_path + "answers.json").get_data(as_text=True)
    assert json.loads(reexported) == exported

    with app.app_context():
        assert store.count_assessments() == 2
