"""Exporting an assessment as an answers file, and importing one as a new assessment."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from assessor import store
from assessor.answers import MAX_ANSWERS_FILE_BYTES
from assessor.files import slug
from tests.support.data import ANSWERS_FILE

VALID: dict[str, Any] = ANSWERS_FILE


def upload(pages, content: bytes | None, expected_status: int, filename: str = "answers.json"):
    """Post the import form as a browser would (encoded in memory: the test client would
    leave a temporary file open for large bodies)."""
    fields = {}
    if content is not None:
        fields["file"] = FileStorage(io.BytesIO(content), filename, content_type="application/json")
    stream, _length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    return pages.post(
        "/import",
        stream.getvalue(),
        expected_status,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def count(app) -> int:
    with app.app_context():
        return store.count_assessments()


def test_import_creates_a_new_assessment(app, pages) -> None:
    location = upload(pages, json.dumps(VALID).encode(), 302)
    page = pages.get(location)
    assert page.h1 == "Imported review"
    assert "1 of 4 answered" in page.text
    assert "with 1 of 4 criteria answered" in page.text
    token = location.strip("/").split("/")[1]
    with app.app_context():
        assessment = store.get_by_token(token)
        answers = store.load_answers(assessment)
    assert answers["monitoring-quality"].level is None
    assert answers["monitoring-quality"].evidence == "Inspectorate report due"
    theme = pages.get(location + "theme/provision").form_data()
    assert theme["free-meals-eligibility-level"] == "planned"


def test_import_of_another_version_says_so(pages) -> None:
    location = upload(pages, json.dumps(VALID | {"checklist_version": "0.0.9"}).encode(), 302)
    assert "made with version 0.0.9" in pages.get(location).text


def _with(**changes: Any) -> bytes:
    data = json.loads(json.dumps(VALID))
    for path, value in changes.items():
        node = data
        *parents, last = path.split("__")
        for key in parents:
            node = node[key]
        node[last.replace("_", "-")] = value
    return json.dumps(data).encode()


BAD_FILES = {
    "not JSON": (b"{not json", "not valid JSON"),
    "not UTF-8": (b"\xff\xfe{}", "not UTF-8"),
    "empty": (b"", "the file is empty"),
    "a list": (b"[]", "must hold a JSON object, not a list"),
    "unknown checklist": (
        _with(checklist="no-such-checklist"),
        "unknown checklist 'no-such-checklist'",
    ),
    "unknown criterion": (
        _with(answers__no_such_criterion={"level": "full"}),
        "unknown criterion id 'no-such-criterion'",
    ),
    "invalid level": (
        _with(answers__free_meals_eligibility={"level": "superb"}),
        "invalid level 'superb'",
    ),
    "wrong type of answers": (_with(answers=["full"]), "'answers' must be an object, not a list"),
    "wrong type of evidence": (
        _with(answers__free_meals_eligibility={"level": "full", "evidence": 5}),
        "evidence must be a string, not a number",
    ),
    "unknown country": (_with(assessment__country="Narnia"), "not an OSCE participating State"),
    "too large": (
        b'{"checklist": "' + b"x" * MAX_ANSWERS_FILE_BYTES + b'"}',
        f"the file is too large ({MAX_ANSWERS_FILE_BYTES + 17} bytes; the limit is "
        f"{MAX_ANSWERS_FILE_BYTES})",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_is_refused_naming_the_problem_and_creates_nothing(app, pages, case) -> None:
    content, problem = BAD_FILES[case]
    page = upload(pages, content, 422)
    assert page.one("div", class_="error-summary").one("h2").text == "The file was not imported"
    texts = [text for _href, text in page.error_summary()]
    assert any(problem in text for text in texts), texts
    assert all(href == "#file" for href, _text in page.error_summary())
    assert count(app) == 0


def test_no_file_chosen(app, pages) -> None:
    page = upload(pages, None, 422)
    assert page.error_summary() == [("#file", "Choose an answers file to upload")]
    page = pages.post(
        "/import", {"file": (io.BytesIO(b""), "")}, 422, content_type="multipart/form-data"
    )
    assert page.error_summary() == [("#file", "Choose an answers file to upload")]
    assert count(app) == 0


def test_many_problems_are_cut_short(app, pages) -> None:
    answers = {f"bad-{i}": {"level": "full"} for i in range(50)}
    page = upload(pages, _with(answers=answers), 422)
    texts = [text for _href, text in page.error_summary()]
    assert len(texts) == 21
    assert texts[-1] == "… and 30 more problems"
    assert count(app) == 0


def test_a_request_over_the_size_cap_gets_a_413_page(app, pages) -> None:
    content = b" " * (app.config["MAX_CONTENT_LENGTH"] + 1)
    page = upload(pages, content, 413)
    assert page.h1 == "Too much was sent"
    assert "Nothing was saved" in page.text
    assert count(app) == 0


def test_export_file_name_is_safe() -> None:
    assert slug("School meals review 2026") == "school-meals-review-2026"
    assert slug("Évaluation «intégration» / 2026") == "evaluation-integration-2026"
    assert slug('"; rm -rf / ; \r\nX-Header: 1') == "rm-rf-x-header-1"
    assert slug("Интеграция") == "answers"
    assert len(slug("word " * 100)) <= 60


def test_export_only_lists_answered_criteria(app, pages, started) -> None:
    response = pages.client.get(started + "answers.json")
    assert response.status_code == 200
    data = json.loads(response.get_data(as_text=True))
    assert data["answers"] == {}
    assert data["assessment"]["title"] == "School meals review 2026"
