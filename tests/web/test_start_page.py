"""Starting an assessment: the checklist, who assesses what, and the private link."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from assessor import store, tokens
from assessor.answers import MAX_TITLE_CHARS
from assessor.countries import OSCE_PARTICIPATING_STATES


def test_start_form_offers_checklists_countries_and_respondents(pages) -> None:
    page = pages.get("/")
    assert page.h1 == "Start a self-assessment"
    checklist = page.one("select", name="checklist")
    options = checklist.find_all("option")
    assert [(o["value"], "selected" in o.attrs) for o in options] == [("school-meals-demo", True)]
    country = page.one("select", name="country")
    values = [o["value"] for o in country.find_all("option")]
    assert values[0] == ""
    assert country.find("option").text == "Choose a country"
    assert values[1:] == list(OSCE_PARTICIPATING_STATES)
    fieldset = page.one("input", id="respondent-0").parent.parent.parent
    assert fieldset.tag == "fieldset"
    assert fieldset.one("legend").text == "Who is answering?"
    labels = [page.one("label", for_=f"respondent-{i}").text for i in range(3)]
    assert labels == ["Government body", "NGO / civil society", "Other"]
    for name in ("title", "organisation", "checklist", "country"):
        assert page.one("label", for_=name)


def test_starting_creates_an_assessment_with_an_unguessable_link(app, pages, start_data) -> None:
    location = pages.post("/", start_data)
    token = location.strip("/").split("/")[1]
    assert location == f"/a/{token}/"
    assert len(token) == 43 and tokens.is_token(token)
    page = pages.get(location)
    assert page.private_link() == f"http://localhost/a/{token}/"
    assert "Keep its private link safe" in page.text
    with app.app_context():
        assessment = store.get_by_token(token)
        assert assessment is not None
        assert (assessment.checklist_id, assessment.checklist_version) == (
            "school-meals-demo",
            "0.1",
        )
        assert assessment.country == "Austria"
        assert assessment.respondent == "government"
    second = pages.post("/", start_data)
    assert second != location


def test_missing_answers_are_listed_and_what_was_typed_is_kept(app, pages) -> None:
    page = pages.post(
        "/", {"checklist": "school-meals-demo", "title": "  Kept title "}, expected_status=422
    )
    assert page.error_summary() == [
        ("#organisation", "Enter the name of your organisation"),
        ("#country", "Choose the country that is assessed"),
        (
            "#respondent-0",
            "Choose who is answering: a government body, an NGO / civil society, or other",
        ),
    ]
    assert page.one("input", id="title")["value"] == "Kept title"
    assert page.one("input", id="organisation")["aria-invalid"] == "true"
    with app.app_context():
        assert store.count_assessments() == 0


def test_invalid_values_are_refused(app, pages, start_data) -> None:
    bad = start_data | {
        "checklist": "no-such-checklist",
        "title": "x" * (MAX_TITLE_CHARS + 1),
        "country": "Narnia",
        "respondent": "robot",
    }
    page = pages.post("/", bad, expected_status=422)
    messages = dict(page.error_summary())
    assert messages["#checklist"] == "Choose one of the checklists listed"
    assert messages["#title"] == f"The title must be {MAX_TITLE_CHARS} characters or fewer"
    assert messages["#country"] == "Choose one of the OSCE participating States listed"
    assert messages["#respondent-0"].startswith("Choose who is answering")
    with app.app_context():
        assert store.count_assessments() == 0


def test_the_osce_checklist_is_the_default_when_present(make_app, checklist_dir) -> None:
    text = (checklist_dir / "school-meals.yaml").read_text()
    for new_id in ("osce-odihr-2017-migrant-integration", "another-demo"):
        (checklist_dir / f"{new_id}.yaml").write_text(
            text.replace("id: school-meals-demo", f"id: {new_id}").replace(
                'title: "School meals', f'title: "{new_id} school meals'
            )
        )
    page_html = make_app().test_client().get("/").get_data(as_text=True)
    assert '<option selected value="osce-odihr-2017-migrant-integration">' in page_html
    assert page_html.count("<option") - 58 == 3  # three checklists (and 58 country options)
    # Another default can be configured; an unknown one falls back to the first listed.
    other = make_app(DEFAULT_CHECKLIST_ID="another-demo").test_client().get("/")
    assert '<option selected value="another-demo">' in other.get_data(as_text=True)
    fallback = make_app(DEFAULT_CHECKLIST_ID="nope").test_client().get("/")
    assert '<option selected value="another-demo">' in fallback.get_data(as_text=True)


def test_invalid_checklist_files_are_not_offered(make_app, checklist_dir) -> None:
    (checklist_dir / "broken.yaml").write_text("id: broken\nthemes: [\n")
    page = make_app().test_client().get("/").get_data(as_text=True)
    assert 'value="broken"' not in page
    assert 'value="school-meals-demo"' in page


def test_an_invalid_checklist_is_read_once_not_on_every_request(
    make_app, checklist_dir, monkeypatch, caplog
) -> None:
    """Before: the catalogue, looked up on every request, parsed a bad file again each time."""
    from assessor import checklist as checklist_module

    parsed: list[str] = []
    real_parse = checklist_module.parse_checklist

    def counting_parse(text: str | bytes, file: str = "<string>") -> checklist_module.Checklist:
        parsed.append(Path(file).name)
        return real_parse(text, file)

    monkeypatch.setattr(checklist_module, "parse_checklist", counting_parse)
    good = (checklist_dir / "school-meals.yaml").read_text(encoding="utf-8")
    bad = good.replace("id: school-meals-demo", "id: &i other-demo").replace(
        "  - id: provision", "  - id: *i"
    )
    (checklist_dir / "other.yaml").write_text(bad, encoding="utf-8")
    caplog.set_level(logging.WARNING)
    client = make_app().test_client()
    (record,) = [r for r in caplog.records if "checklist not offered" in r.getMessage()]
    assert "other.yaml: line 3, column 5: anchors and aliases" in record.getMessage()
    for _ in range(3):
        page = client.get("/").get_data(as_text=True)
        assert 'value="other-demo"' not in page
        assert 'value="school-meals-demo"' in page
    assert parsed.count("other.yaml") == 1
    # Fixed, it is read again and offered.
    (checklist_dir / "other.yaml").write_text(
        good.replace("id: school-meals-demo", "id: other-demo"), encoding="utf-8"
    )
    for _ in range(2):
        assert 'value="other-demo"' in client.get("/").get_data(as_text=True)
    assert parsed.count("other.yaml") == 2


def test_without_any_checklist_the_page_says_so(make_app, checklist_dir) -> None:
    shutil.rmtree(checklist_dir)
    checklist_dir.mkdir()
    client = make_app().test_client()
    page = client.get("/").get_data(as_text=True)
    assert "No checklist is available" in page
    assert "<form" not in page
