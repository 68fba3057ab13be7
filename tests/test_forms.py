"""Theme forms are generated from the checklist: two fields per criterion, no shared state."""

from __future__ import annotations

from flask import Flask
from werkzeug.datastructures import MultiDict

from assessor.answers import MAX_EVIDENCE_CHARS, Answer, fingerprint
from assessor.forms import ThemeFormBase, theme_form


def test_theme_form_fields_come_from_the_checklist(app: Flask, school_meals) -> None:
    checklist = school_meals
    with app.test_request_context():
        for theme in checklist.themes:
            form = theme_form(theme, None, {})
            names = [field.name for field in form if field.name != "csrf_token"]
            expected = []
            for criterion in theme.criteria:
                expected += [
                    f"{criterion.id}-level",
                    f"{criterion.id}-evidence",
                    f"{criterion.id}-saved",
                ]
            assert names == expected
        # Nothing was added to the shared base class.
        assert not [name for name in vars(ThemeFormBase) if name.endswith("-level")]
        first = theme_form(checklist.themes[0], None, {})
        second = theme_form(checklist.themes[1], None, {})
        assert type(first) is not type(second)
        assert "monitoring-uptake-level" not in first


def test_a_themes_form_class_is_made_once_and_forms_stay_apart(
    app: Flask, school_meals, tmp_path
) -> None:
    from assessor.checklist import load_checklist
    from tests.support.data import SCHOOL_MEALS

    theme = school_meals.theme("oversight")
    saved = {"monitoring-uptake": Answer("full", "Saved evidence")}
    with app.test_request_context():
        first = theme_form(theme, None, saved)
        second = theme_form(theme, MultiDict({"monitoring-uptake-level": "none"}), {})
        assert type(first) is type(second)  # one class per theme, not one per request
        assert first["monitoring-uptake-level"].data == "full"  # instances share no data
        assert second["monitoring-uptake-level"].data == "none"
        # Another checklist object (a changed file is loaded anew): its own classes.
        copy = tmp_path / SCHOOL_MEALS.name
        copy.write_bytes(SCHOOL_MEALS.read_bytes())
        reloaded = load_checklist(copy).theme("oversight")
        assert reloaded is not theme
        assert type(theme_form(reloaded, None, {})).theme is reloaded


def test_theme_form_reads_saved_answers_and_posted_data(app: Flask, school_meals) -> None:
    theme = school_meals.theme("oversight")
    saved = {"monitoring-uptake": Answer("full", "Saved evidence")}
    with app.test_request_context():
        form = theme_form(theme, None, saved)
        assert form["monitoring-uptake-level"].data == "full"
        assert form["monitoring-uptake-evidence"].data == "Saved evidence"
        assert form["monitoring-uptake-saved"].data == fingerprint(saved["monitoring-uptake"])
        assert form["monitoring-quality-saved"].data == fingerprint(None)

        posted = MultiDict(
            {
                "monitoring-uptake-level": "partial",
                "monitoring-uptake-evidence": " a\r\nb ",
                "monitoring-uptake-saved": fingerprint(saved["monitoring-uptake"]),
                "monitoring-quality-evidence": "",
                "monitoring-quality-saved": fingerprint(None),
            }
        )
        form = theme_form(theme, posted, saved)
        assert form.validate()
        assert form.answers() == {
            "monitoring-uptake": Answer("partial", "a\nb"),
            "monitoring-quality": Answer(None, ""),
        }
        assert form.changed_answers() == {"monitoring-uptake": Answer("partial", "a\nb")}


def test_levels_are_optional_but_must_be_known(app: Flask, school_meals) -> None:
    theme = school_meals.theme("oversight")
    with app.test_request_context():
        assert theme_form(theme, MultiDict(), {}).validate()
        form = theme_form(theme, MultiDict({"monitoring-uptake-level": "nope"}), {})
        assert not form.validate()
        assert form.errors == {"monitoring-uptake-level": ["Choose one of the levels listed"]}
        long_text = MultiDict({"monitoring-quality-evidence": "é" * (MAX_EVIDENCE_CHARS + 1)})
        form = theme_form(theme, long_text, {})
        assert not form.validate()
        [(href, message)] = form.error_items()
        assert href == "monitoring-quality-evidence"
        assert message.startswith(
            "2.1.b Quality is inspected every year. – The evidence is too long"
        )
