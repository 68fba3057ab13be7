"""Checklist translations: the shipped files, validation of broken ones, the translated view,
the catalogue and `assessor check` (issue 18)."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
import yaml

from assessor.answers import Answer
from assessor.catalogue import load_catalogue
from assessor.checklist import ChecklistError, load_checklist
from assessor.checklist_translation import (
    Text,
    coverage,
    in_language,
    load_translation,
    parse_translation,
    translatable_texts,
    translated,
)
from assessor.cli import main
from assessor.scoring import score

ROOT = Path(__file__).resolve().parent.parent
CHECKLISTS = ROOT / "checklists"
OSCE = CHECKLISTS / "osce-odihr-2017-migrant-integration.yaml"
DEMO = ROOT / "tests" / "data" / "school-meals.yaml"
SHIPPED = ("ro", "ru")

# A small complete-enough translation of the demo checklist, in "French".
DEMO_TRANSLATION = {
    "checklist": "school-meals-demo",
    "version": "0.1",
    "language": "fr",
    "translation_note": "Traduction non officielle, pour les tests.",
    "title": "Repas scolaires : une petite liste de démonstration",
    "source": {"caveat": "Cette liste existe seulement pour tester le moteur."},
    "themes": {"provision": {"title": "Fourniture"}},
    "recommendations": {"free-meals": {"text": "Offrir un repas gratuit et nutritif."}},
    "criteria": {
        "free-meals-eligibility": {
            "text": "Les règles d'éligibilité sont publiées.",
            "guidance": "Un lien vers les règles publiées.",
        }
    },
    "good_practices": {"gp-universal": {"title": "Repas gratuits universels"}},
    "commitments": {
        "charter": {"document": "Charte fictive de l'alimentation scolaire 2020"},
        "charter-1": {
            "paragraph": "Article 1",
            "text": "Tout élève dans le besoin reçoit un repas.",
        },
    },
}


def demo_folder(tmp_path: Path, translation: dict | str | None = None) -> Path:
    """A checklist folder holding the demo checklist and, if given, its French translation."""
    shutil.copy(DEMO, tmp_path / "school-meals.yaml")
    if translation is not None:
        text = translation if isinstance(translation, str) else yaml.safe_dump(translation)
        (tmp_path / "school-meals.fr.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def problems_of(data: dict | str, file: str = "school-meals.fr.yaml") -> list[str]:
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    with pytest.raises(ChecklistError) as info:
        parse_translation(text, load_checklist(DEMO), file)
    return [f"{p.where}: {p.message}" for p in info.value.problems]


# -- the shipped translations -----------------------------------------------------------------


@pytest.mark.parametrize("language", SHIPPED)
def test_shipped_translation_is_valid_and_complete(language):
    checklist = load_checklist(OSCE)
    translation = load_translation(CHECKLISTS / f"{OSCE.stem}.{language}.yaml", checklist)
    assert (translation.checklist_id, translation.version) == (checklist.id, checklist.version)
    found = coverage(checklist, translation)
    assert found.missing == ()
    assert found.total == len(list(translatable_texts(checklist))) > 500
    view = in_language(checklist, language)
    originals = {(i, f): text for i, f, text in translatable_texts(checklist)}
    for item_id, field, shown in translatable_texts(view):
        assert isinstance(shown, Text) and shown.translated, (item_id, field)
        assert shown.language == language
        assert shown.original == originals[(item_id, field)]


def test_romanian_uses_comma_below_and_russian_is_cyrillic():
    ro = (CHECKLISTS / f"{OSCE.stem}.ro.yaml").read_text(encoding="utf-8")
    assert not set("şţŞŢ") & set(ro), "Romanian ș ț take a comma below, not a cedilla"
    assert {"ș", "ț", "ă", "î", "â"} <= set(ro)
    view = in_language(load_checklist(OSCE), "ru")
    assert all(any("а" <= ch <= "я" for ch in r.text.lower()) for r in view.recommendations)


def test_catalogue_offers_the_checklist_and_finds_its_translations():
    catalogue = load_catalogue(CHECKLISTS)
    assert catalogue.errors == ()
    assert [c.id for c in catalogue.checklists] == [load_checklist(OSCE).id]
    assert sorted(lang for _, lang in catalogue.translations) == sorted(SHIPPED)
    ro = catalogue.get(OSCE.stem, "ro")
    assert ro is not None and ro.display_language == "ro"
    assert ro.recommendation("statistics").text.startswith("Colectarea activă")
    assert catalogue.get(OSCE.stem, "en") is catalogue.get(OSCE.stem)


# -- the translated view ------------------------------------------------------------------------


def test_view_translates_what_is_given_and_marks_the_rest(tmp_path):
    folder = demo_folder(tmp_path, DEMO_TRANSLATION)
    checklist = load_checklist(folder / "school-meals.yaml")
    view = in_language(checklist, "fr")
    assert view.display_language == "fr" and checklist.display_language == "en"
    assert view.translation_note == DEMO_TRANSLATION["translation_note"]
    rec = view.recommendation("free-meals")
    assert rec.text == "Offrir un repas gratuit et nutritif."
    assert rec.text.translated and rec.text.original == checklist.recommendation("free-meals").text
    missing = view.recommendation("monitoring").text
    assert missing == "Monitor uptake and quality every year."
    assert isinstance(missing, Text) and not missing.translated and missing.language == "en"
    assert view.commitment("charter-1").document == "Charte fictive de l'alimentation scolaire 2020"
    # ids, codes, links, weights and digest are the checklist's: scoring does not change
    assert [c.id for c in view.criteria] == [c.id for c in checklist.criteria]
    assert [c.code for c in view.criteria] == [c.code for c in checklist.criteria]
    assert view.digest == checklist.digest and view.shown_digest != checklist.shown_digest
    answers = {"free-meals-eligibility": Answer(level="partial")}
    assert score(view, answers).overall == score(checklist, answers).overall
    # back to the original, and a view of a view is made from the original
    assert in_language(view, "en") is checklist
    assert in_language(view, "fr").recommendation("free-meals").text.original == (
        checklist.recommendation("free-meals").text
    )


def test_a_language_without_translation_marks_every_text(tmp_path):
    checklist = load_checklist(demo_folder(tmp_path) / "school-meals.yaml")
    view = in_language(checklist, "de")
    assert view.translation_note is None and view.display_language == "de"
    assert all(not text.translated for _, _, text in translatable_texts(view))
    assert translated(checklist, "en", None) is checklist


def test_a_translated_text_survives_pickling():
    text = Text("Bonjour", original="Hello", language="fr", translated=True)
    copy = pickle.loads(pickle.dumps(text))
    assert (copy, copy.original, copy.language, copy.translated) == ("Bonjour", "Hello", "fr", True)


# -- broken translations --------------------------------------------------------------------------


def test_every_problem_of_a_broken_translation_is_listed_at_once():
    data = DEMO_TRANSLATION | {
        "version": "0.0",
        "recommendations": {"no-such-recommendation": {"text": "X"}},
        "criteria": {
            "free-meals": {"text": "A recommendation, not a criterion"},
            "free-meals-nutrition": {"guidance": "The checklist gives it no guidance."},
        },
        "commitments": {"charter-1": {"document": "A provision has no document field."}},
    }
    problems = problems_of(data)
    assert any("version" in p and "version 0.0" in p and "not version 0.1" in p for p in problems)
    assert any("no item with id 'no-such-recommendation'" in p for p in problems)
    assert any("'free-meals' is a recommendation, not in criteria" in p for p in problems)
    assert any("guidance: the checklist has none here" in p for p in problems)
    assert any("document: not a field of a commitment provision" in p for p in problems)
    assert len(problems) == 5


def test_schema_problems_are_named():
    data = dict(DEMO_TRANSLATION)
    del data["translation_note"]
    data["themes"] = {"provision": {"title": " ", "subtitle": "x"}}
    data["criteria"] = {"free-meals-eligibility": {"ask": {"title": "only a title"}}}
    problems = problems_of(data)
    assert any("translation_note" in p and "required" in p for p in problems)
    assert any("must not be blank" in p for p in problems)
    assert any("unknown field: 'subtitle'" in p for p in problems)
    assert any("'text' is a required property" in p for p in problems)


def test_wrong_checklist_and_language_are_refused():
    data = DEMO_TRANSLATION | {"checklist": "another-checklist", "language": "en"}
    problems = problems_of(data, "school-meals.de.yaml")
    assert any("translates 'another-checklist', not the checklist" in p for p in problems)
    assert any("is the checklist's own language (en)" in p for p in problems)
    assert any("is en, but the file name says de" in p for p in problems)


def test_unreadable_translations_are_refused():
    assert problems_of("checklist: [unclosed")[0].startswith("line 1")
    assert problems_of("- a list")[0] == "(top level): expected a mapping, found list"


def test_an_invalid_translation_leaves_the_texts_marked_and_is_reported(tmp_path):
    folder = demo_folder(tmp_path, DEMO_TRANSLATION | {"version": "9.9"})
    catalogue = load_catalogue(folder)
    assert [c.id for c in catalogue.checklists] == ["school-meals-demo"]
    assert catalogue.translations == {}
    assert len(catalogue.errors) == 1 and "version 9.9" in str(catalogue.errors[0])
    view = catalogue.get("school-meals-demo", "fr")
    assert view is not None and not view.recommendation("free-meals").text.translated


def test_a_translation_of_a_missing_checklist_is_reported(tmp_path):
    (tmp_path / "gone.ro.yaml").write_text(yaml.safe_dump(DEMO_TRANSLATION), encoding="utf-8")
    catalogue = load_catalogue(tmp_path)
    assert catalogue.checklists == ()
    assert "gone.yaml, which is not a valid checklist" in str(catalogue.errors[0])


# -- assessor check -----------------------------------------------------------------------------


def test_check_validates_translations_and_lists_what_is_missing(tmp_path, capsys):
    folder = demo_folder(tmp_path, DEMO_TRANSLATION)
    assert (
        main(["check", str(folder / "school-meals.yaml"), str(folder / "school-meals.fr.yaml")])
        == 0
    )
    out = capsys.readouterr().out
    assert "school-meals.fr.yaml: ok - fr translation of school-meals-demo 0.1: " in out
    assert "(shown in English, marked):" in out
    assert "  missing: monitoring text" in out
    assert "  missing: (checklist) description" in out
    assert "  missing: free-meals text" not in out


def test_check_reports_a_broken_translation_and_fails(tmp_path, capsys):
    folder = demo_folder(tmp_path, DEMO_TRANSLATION | {"criteria": {"nope": {"text": "x"}}})
    assert main(["check", str(folder / "school-meals.fr.yaml")]) == 1
    err = capsys.readouterr().err
    assert "school-meals.fr.yaml: criteria > nope: no item with id 'nope' in the checklist" in err
    assert "Traceback" not in err


def test_check_accepts_the_shipped_translations(capsys):
    files = [str(p) for p in sorted(CHECKLISTS.glob("*.yaml"))]
    assert main(["check", *files]) == 0
    out = capsys.readouterr().out
    for language in SHIPPED:
        assert f"{OSCE.stem}.{language}.yaml: ok - {language} translation" in out
    assert "missing" not in out
