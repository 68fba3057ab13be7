"""Web forms. Theme forms are built at run time from the checklist: no per-criterion code.

A theme form has two fields per criterion, named after its stable id: ``<id>-level`` (a radio
group of the answer levels) and ``<id>-evidence`` (free text). Limits come from
:mod:`assessor.answers`, levels from :mod:`assessor.levels`. Typed text is cleaned and
limited by the one rule for user text in :mod:`assessor.text` (forms drop what no one types;
answers files refuse it).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from flask_babel import LazyString, format_decimal, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import DateInput

from assessor.access import MAX_LINK_NAME_CHARS
from assessor.answers import (
    ACTION_STATUSES,
    MAX_ACTION_CHARS,
    MAX_BUDGET_CHARS,
    MAX_EVIDENCE_CHARS,
    MAX_ORGANISATION_CHARS,
    MAX_OWNER_CHARS,
    MAX_TITLE_CHARS,
    RESPONDENTS,
    TARGET_LEVEL_KEYS,
    Action,
    Answer,
    action_fingerprint,
    fingerprint,
    parse_due,
)
from assessor.checklist import Checklist, Criterion, Theme
from assessor.countries import OSCE_PARTICIPATING_STATES, country_name
from assessor.levels import LEVEL_KEYS, LEVELS, LEVELS_BY_KEY, label_of
from assessor.text import MAX_LINES, clean_line, clean_text, joined_problems, limit_problems
from assessor.translation import LANGUAGE_NAMES, LANGUAGES, N_

LEVEL_SUFFIX = "-level"
EVIDENCE_SUFFIX = "-evidence"
SAVED_SUFFIX = "-saved"


def lazy_numbers(message: str, **numbers: int) -> LazyString:
    """``message`` (marked with ``N_``) translated when shown, with ``numbers`` written in the
    reader's language ("10,000", "10 000")."""
    return LazyString(
        lambda: gettext(message, **{key: format_decimal(n) for key, n in numbers.items()})
    )


EVIDENCE_LABEL = _l("Evidence")
EVIDENCE_HINT = lazy_numbers(
    N_(
        "Laws, programmes, budgets, links, or who can confirm. "
        "Up to %(chars)s characters and %(lines)s lines."
    ),
    chars=MAX_EVIDENCE_CHARS,
    lines=MAX_LINES,
)


def one_of(keys: Sequence[str], message: str, required: bool = False) -> Callable[..., None]:
    """A validator accepting only these keys (and nothing chosen, unless ``required``)."""

    def validate(_form: Any, field: Field) -> None:
        if field.data in (None, ""):
            if required:
                raise ValidationError(message)
            return
        if field.data not in keys:
            raise ValidationError(message)

    return validate


def max_chars(limit: int, message: str) -> Callable[..., None]:
    """A length limit that, unlike ``Length``, puts no ``maxlength`` on the input.

    Browsers silently cut pasted text at ``maxlength``; here the text is kept and the
    message says by how much it is over. ``message`` (marked with ``N_``, translated when the
    error is raised) may use ``%(length)s`` and ``%(limit)s``.
    """

    def validate(_form: Any, field: Field) -> None:
        length = len(field.data or "")
        if length > limit:
            raise ValidationError(
                gettext(message, length=format_decimal(length), limit=format_decimal(limit))
            )

    return validate


def strip_line(value: Any) -> Any:
    """Filter for a single-line text: cleaned by the one rule for user text
    (:func:`assessor.text.clean_line`: what no one types dropped, trimmed)."""
    return clean_line(value) if isinstance(value, str) else value


def strip_text(value: Any) -> Any:
    """Filter for a multi-line text: cleaned by the one rule for user text
    (:func:`assessor.text.clean_text`: what no one types dropped, one kind of line break,
    long runs of blank lines shortened, trimmed)."""
    return clean_text(value) if isinstance(value, str) else value


def within_text_limits(what: str) -> Callable[..., None]:
    """A validator for the limits on lines and unbroken runs (:func:`assessor.text.limit_problems`),
    naming the field as ``what`` ("The evidence", marked with ``N_``); the text is kept for the
    person to shorten."""

    def validate(_form: Any, field: Field) -> None:
        if field.errors:  # already too long: one message at a time, as for answers files
            return
        problems = limit_problems(field.data or "", multiline=True)
        if problems:
            raise ValidationError(
                gettext(
                    "%(what)s %(problems)s. Shorten it (your text is kept below).",
                    what=gettext(what),
                    problems=joined_problems(problems),
                )
            )

    return validate


def none_if_empty(value: Any) -> Any:
    """Nothing chosen is ``None``, not an empty string."""
    return value or None


def _title_field(label: str, description: str) -> StringField:
    """An assessment's title: required, one line, within the stored limit."""
    return StringField(
        label,
        description=description,
        filters=[strip_line],
        validators=[
            DataRequired(_l("Enter a title for this assessment")),
            max_chars(MAX_TITLE_CHARS, N_("The title must be %(limit)s characters or fewer")),
        ],
    )


def _lang_of(text: str) -> dict[str, str] | None:
    """``{"lang": ...}`` for a checklist text that knows its language (a translated view)."""
    language = getattr(text, "language", None)
    return {"lang": language} if isinstance(language, str) and language else None


class StartForm(FlaskForm):  # type: ignore[misc]  # Flask-WTF has no type hints
    """Start a new assessment: which checklist, and who assesses what."""

    checklist = SelectField(
        _l("Checklist"),
        choices=[],
        invalid_choice_message=_l("Choose one of the checklists listed"),
        validators=[DataRequired(_l("Choose the checklist to answer"))],
        # A checklist is always selected (there is no empty first option), and HTML forbids
        # `required` on a select whose first option is a real choice.
        render_kw={"required": False},
    )
    title = _title_field(
        _l("Title of this assessment"),
        _l("For example: “National integration strategy review, 2026”."),
    )
    organisation = StringField(
        _l("Organisation"),
        description=_l("The ministry, agency or organisation carrying out the assessment."),
        filters=[strip_line],
        validators=[
            DataRequired(_l("Enter the name of your organisation")),
            max_chars(
                MAX_ORGANISATION_CHARS,
                N_("The organisation must be %(limit)s characters or fewer"),
            ),
        ],
    )
    country = SelectField(
        _l("Country"),
        description=_l("The OSCE participating State whose policies are assessed."),
        choices=[
            SelectChoice("", _l("Choose a country")),
            *(SelectChoice(c, c) for c in OSCE_PARTICIPATING_STATES),
        ],
        invalid_choice_message=_l("Choose one of the OSCE participating States listed"),
        validators=[DataRequired(_l("Choose the country that is assessed"))],
    )
    respondent = RadioField(
        _l("Who is answering?"),
        choices=[SelectChoice(key, _l(label)) for key, label in RESPONDENTS],
        validate_choice=False,
        validators=[
            one_of(
                [key for key, _ in RESPONDENTS],
                _l("Choose who is answering: a government body, an NGO / civil society, or other"),
                required=True,
            )
        ],
    )

    report_language = RadioField(
        _l("Language of the reports"),
        description=_l(
            "The PDF and Word reports are made in this language; you can change it later on "
            "the results page."
        ),
        choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        validate_choice=False,
        validators=[
            one_of(LANGUAGES, _l("Choose the language of the reports from the list"), True)
        ],
    )

    def set_country_names(self, lang: str) -> None:
        """Name the countries in ``lang``, in its alphabetical order (the values stay the
        stored English names)."""
        named = [(c, country_name(c, lang)) for c in OSCE_PARTICIPATING_STATES]
        if lang != "en":  # the English list keeps its own (OSCE) order
            named.sort(key=lambda pair: pair[1].casefold())
        self.country.choices = [
            SelectChoice("", gettext("Choose a country")),
            *(SelectChoice(value, label) for value, label in named),
        ]

    def set_checklists(self, checklists: Iterable[Checklist]) -> None:
        """Offer these checklists (each title marked with the language it is shown in)."""
        self.checklist.choices = [
            SelectChoice(c.id, c.title, render_kw=_lang_of(c.title)) for c in checklists
        ]


class ReportLanguageForm(FlaskForm):  # type: ignore[misc]
    """Change the language an assessment's reports are made in."""

    report_language = RadioField(
        _l("Language of the reports"),
        choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        validate_choice=False,
        validators=[
            one_of(LANGUAGES, _l("Choose the language of the reports from the list"), True)
        ],
    )


class DetailsForm(FlaskForm):  # type: ignore[misc]
    """Change an assessment's details: the start page's fields, checked the same way."""

    title = StartForm.title
    organisation = StartForm.organisation
    country = StartForm.country
    respondent = StartForm.respondent


class ImportForm(FlaskForm):  # type: ignore[misc]
    """Upload an answers file to create a new assessment."""

    file = FileField(
        _l("Answers file (JSON)"),
        description=_l("A file downloaded from this service with “Download answers (JSON)”."),
    )


class FollowUpForm(FlaskForm):  # type: ignore[misc]
    """Start a follow-up assessment: a new one that starts from this one's answers."""

    title = _title_field(
        _l("Title of the follow-up assessment"),
        _l("For example: “National integration strategy review, 2027”."),
    )


#: Whether an uploaded file is only compared, or kept as the comparison partner.
KEEP_CHOICES: tuple[tuple[str, str], ...] = (
    ("no", N_("Only show the comparison: nothing you upload is stored")),
    ("yes", N_("Show it, and keep the file’s answers as this assessment’s comparison partner")),
)


class CompareForm(FlaskForm):  # type: ignore[misc]
    """Upload another assessment (answers file or Assessor PDF) to compare this one with."""

    file = FileField(
        _l("Answers file (JSON) or PDF report made by Assessor"),
        description=_l(
            "Another assessment of the same checklist: its “Download answers (JSON)” "
            "file, or a PDF report downloaded from Assessor (the answers travel inside it)."
        ),
        render_kw={"accept": ".json,.pdf,application/json,application/pdf"},
    )
    keep = RadioField(
        _l("Keep it?"),
        choices=[SelectChoice(key, _l(label)) for key, label in KEEP_CHOICES],
        default="no",
        validate_choice=False,
        validators=[
            one_of([key for key, _ in KEEP_CHOICES], _l("Choose whether to keep the file"), True)
        ],
    )


def level_field_name(criterion: Criterion) -> str:
    """The form field holding a criterion's level."""
    return criterion.id + LEVEL_SUFFIX


def evidence_field_name(criterion: Criterion) -> str:
    """The form field holding a criterion's evidence."""
    return criterion.id + EVIDENCE_SUFFIX


def saved_field_name(criterion: Criterion) -> str:
    """The hidden form field holding the fingerprint of the answer the page started from."""
    return criterion.id + SAVED_SUFFIX


def _level_field(criterion: Criterion) -> RadioField:
    return RadioField(
        criterion.text,
        choices=[SelectChoice(level.key, gettext(level.label)) for level in LEVELS],
        validate_choice=False,  # an answer is optional; checked by one_of below
        filters=[none_if_empty],
        validators=[one_of(LEVEL_KEYS, gettext("Choose one of the levels listed"))],
    )


def _evidence_field(criterion: Criterion) -> TextAreaField:
    return TextAreaField(
        EVIDENCE_LABEL,
        description=EVIDENCE_HINT,
        filters=[strip_text],
        validators=[
            max_chars(
                MAX_EVIDENCE_CHARS,
                N_(
                    "The evidence is too long: %(length)s characters. Shorten it to "
                    "%(limit)s characters or fewer (your text is kept below)."
                ),
            ),
            within_text_limits(N_("The evidence")),
        ],
    )


class ThemeFormBase(FlaskForm):  # type: ignore[misc]
    """What every generated theme form has; its fields are added per criterion."""

    theme: Theme

    def criterion_fields(self, criterion: Criterion) -> tuple[Field, Field]:
        """The level and evidence fields of one criterion."""
        return self[level_field_name(criterion)], self[evidence_field_name(criterion)]

    def saved_field(self, criterion: Criterion) -> Field:
        """The hidden field with the fingerprint of the answer the page started from."""
        return self[saved_field_name(criterion)]

    def answers(self) -> dict[str, Answer]:
        """What the form holds, as answers by criterion id."""
        result = {}
        for criterion in self.theme.criteria:
            level, evidence = self.criterion_fields(criterion)
            result[criterion.id] = Answer(level=level.data or None, evidence=evidence.data or "")
        return result

    def started_from(self) -> dict[str, str]:
        """Fingerprints of the answers this page showed when it was opened, by criterion id.

        Where a request does not say (no fingerprint: not sent by this app's page), it counts
        as having shown no answer: it may fill an empty criterion, but never silently remove
        or overwrite a saved answer (that is reported as a conflict instead).
        """
        empty = fingerprint(None)
        started = {}
        for criterion in self.theme.criteria:
            value = self[saved_field_name(criterion)].data
            started[criterion.id] = value if isinstance(value, str) and value else empty
        return started

    def changed_answers(self) -> dict[str, Answer]:
        """The answers the user changed on this page (as against what the page showed)."""
        started = self.started_from()
        return {
            cid: answer
            for cid, answer in self.answers().items()
            if started.get(cid) != fingerprint(answer)
        }

    def restart_from(self, saved: Mapping[str, Answer], only: Iterable[str] | None = None) -> None:
        """Take these saved answers as the new starting point (after a conflict or a partial
        save), for the criteria ``only`` (default: all). A criterion left out keeps the
        starting point the page had, so saving it later is still checked against that."""
        ids = None if only is None else set(only)
        for criterion in self.theme.criteria:
            if ids is None or criterion.id in ids:
                self[saved_field_name(criterion)].data = fingerprint(saved.get(criterion.id))

    def shows_unsaved(self, criterion: Criterion) -> bool:
        """Whether the page shows an answer to this criterion other than the one it started
        from: typed and not saved (refused, in conflict, or the security check expired)."""
        level, evidence = self.criterion_fields(criterion)
        shown = Answer(level=level.data or None, evidence=evidence.data or "")
        return bool(fingerprint(shown) != self.saved_field(criterion).data)

    def invalid_criteria(self) -> list[str]:
        """The ids of the criteria with an error after validation, in page order."""
        return [
            criterion.id
            for criterion in self.theme.criteria
            if any(field.errors for field in self.criterion_fields(criterion))
        ]

    def add_conflict(self, criterion_id: str, message: str) -> None:
        """Flag a criterion someone else changed at the same time."""
        criterion = next(c for c in self.theme.criteria if c.id == criterion_id)
        level, _evidence = self.criterion_fields(criterion)
        level.errors = [*level.errors, message]

    def error_items(self) -> list[tuple[str, str]]:
        """(field id to link to, message) for every error, in page order."""
        items = []
        for criterion in self.theme.criteria:
            for field in self.criterion_fields(criterion):
                for message in field.errors:
                    items.append(
                        (first_input_id(field), f"{criterion.code} {criterion.text} – {message}")
                    )  # code and text: the checklist's; message: translated by the validator
        return items


#: Form classes made, by theme: a checklist and its themes are immutable (a changed file is a
#: new Checklist object), so a theme's class is made once, not on every request. Keyed by the
#: theme object's identity, holding the theme so that identity is never reused while cached;
#: bounded, as checklists may be replaced while the app runs.
_THEME_FORM_CLASSES: OrderedDict[int, tuple[Theme, type[ThemeFormBase]]] = OrderedDict()
_THEME_FORM_CLASSES_MAX = 256
_theme_form_lock = threading.Lock()


def theme_form_class(theme: Theme) -> type[ThemeFormBase]:
    """The form class of one theme: two fields and a fingerprint per criterion."""
    with _theme_form_lock:
        cached = _THEME_FORM_CLASSES.get(id(theme))
        if cached is not None and cached[0] is theme:
            _THEME_FORM_CLASSES.move_to_end(id(theme))
            return cached[1]

    class ThemeForm(ThemeFormBase):
        pass

    for criterion in theme.criteria:
        setattr(ThemeForm, level_field_name(criterion), _level_field(criterion))
        setattr(ThemeForm, evidence_field_name(criterion), _evidence_field(criterion))
        setattr(ThemeForm, saved_field_name(criterion), HiddenField())
    ThemeForm.theme = theme
    with _theme_form_lock:
        _THEME_FORM_CLASSES[id(theme)] = (theme, ThemeForm)
        while len(_THEME_FORM_CLASSES) > _THEME_FORM_CLASSES_MAX:
            _THEME_FORM_CLASSES.popitem(last=False)
    return ThemeForm


def theme_form(theme: Theme, formdata: Any | None, answers: Mapping[str, Answer]) -> ThemeFormBase:
    """A form for one theme: posted ``formdata`` if given, else the saved ``answers``.

    Posted data stands on its own: a level the browser did not send is no level, whatever
    was saved meanwhile.
    """
    form_class = theme_form_class(theme)
    if formdata is not None:
        return form_class(formdata=formdata)
    data: dict[str, Any] = {}
    for criterion in theme.criteria:
        saved = answers.get(criterion.id)
        data[saved_field_name(criterion)] = fingerprint(saved)
        if saved is not None:
            data[level_field_name(criterion)] = saved.level
            data[evidence_field_name(criterion)] = saved.evidence
    return form_class(formdata=None, data=data)


def first_input_id(field: Field) -> str:
    """The id of the first input of a field: what an error message should link to."""
    return f"{field.id}-0" if field.type == "RadioField" else str(field.id)


def error_items(form: FlaskForm) -> list[tuple[str, str]]:
    """(field id, "label: message") for every error of an ordinary form, in field order."""
    items = []
    for field in form:
        for message in field.errors:
            items.append((first_input_id(field), str(message)))
    return items


# -- an action for a gap ----------------------------------------------------------------------

DUE_HINT = _l("For example 2027-06-30 (year-month-day). Leave it empty if there is no date yet.")


def target_levels_above(level: str | None) -> tuple[str, ...]:
    """The levels an action on a criterion answered ``level`` may aim for: the scored levels
    above it (above *Not in place* for *Don't know* and unanswered, which earn no points)."""
    points = LEVELS_BY_KEY[level].points if level in LEVELS_BY_KEY else None
    floor = points if points is not None else 0
    return tuple(
        key
        for key in TARGET_LEVEL_KEYS
        if (above := LEVELS_BY_KEY[key].points) is not None and above > floor
    )


def valid_due(_form: Any, field: Field) -> None:
    """A due date, if given, must be a real date written YYYY-MM-DD (what a date input sends)."""
    if field.data and parse_due(field.data) is None:
        raise ValidationError(
            gettext(
                "“%(typed)s” is not a date: enter the due date as year-month-day, for example "
                "2027-06-30 (your other answers are kept below)",
                typed=field.data,
            )
        )


class ActionForm(FlaskForm):  # type: ignore[misc]
    """What will be done about one gap, by whom, by when: the fields of an :class:`Action`.

    Call :meth:`set_current_level` before validating: the target must be above it.
    """

    action = TextAreaField(
        _l("What will be done"),
        description=lazy_numbers(
            N_(
                "The measure, law, programme or change planned to close this gap. Up to "
                "%(chars)s characters."
            ),
            chars=MAX_ACTION_CHARS,
        ),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Enter what will be done about this gap")),
            max_chars(
                MAX_ACTION_CHARS,
                N_(
                    "The action is too long: %(length)s characters. Shorten it to "
                    "%(limit)s characters or fewer (your text is kept below)."
                ),
            ),
            within_text_limits(N_("The action")),
        ],
    )
    owner = StringField(
        _l("Owner"),
        description=_l("The institution or unit responsible, for example “Ministry of Labour”."),
        filters=[strip_line],
        validators=[
            max_chars(MAX_OWNER_CHARS, N_("The owner must be %(limit)s characters or fewer"))
        ],
    )
    due = StringField(
        _l("Due date"),
        description=DUE_HINT,
        widget=DateInput(),
        filters=[strip_line],
        validators=[valid_due],
    )
    target_level = SelectField(
        _l("Target level"),
        description=_l("The level this action should bring the criterion to."),
        choices=[],
        validate_choice=False,  # checked against the current level below
        filters=[none_if_empty],
    )
    status = RadioField(
        _l("Status"),
        choices=[SelectChoice(key, _l(label)) for key, label in ACTION_STATUSES],
        default="not_started",
        validate_choice=False,
        validators=[
            one_of(
                [key for key, _ in ACTION_STATUSES],
                _l("Choose the status: not started, in progress or done"),
                required=True,
            )
        ],
    )
    budget = StringField(
        _l("Budget (optional)"),
        description=_l("Amount and source, for example “EUR 40,000, AMIF”."),
        filters=[strip_line],
        validators=[
            max_chars(MAX_BUDGET_CHARS, N_("The budget must be %(limit)s characters or fewer"))
        ],
    )
    saved = HiddenField()

    current_level: str | None = None

    def set_current_level(self, level: str | None) -> None:
        """Offer as targets the levels above the criterion's current ``level``."""
        self.current_level = level
        self.target_level.choices = [
            SelectChoice("", gettext("No target set")),
            *(
                SelectChoice(key, gettext(LEVELS_BY_KEY[key].label))
                for key in target_levels_above(level)
            ),
        ]

    def validate_target_level(self, field: Field) -> None:
        """The target, if chosen, must be a scored level above the current one."""
        if field.data is None:
            return
        if field.data not in target_levels_above(self.current_level):
            raise ValidationError(
                gettext(
                    "Choose a target above the current level (%(current)s): %(targets)s",
                    current=gettext(label_of(self.current_level)),
                    targets=", ".join(
                        gettext(label_of(key)) for key in target_levels_above(self.current_level)
                    ),
                )
            )

    def to_action(self) -> Action:
        """The action the form holds (call after it validated)."""
        return Action(
            action=self.action.data or "",
            owner=self.owner.data or "",
            due=parse_due(self.due.data) if self.due.data else None,
            target_level=self.target_level.data,
            status=self.status.data,
            budget=self.budget.data or "",
        )

    def started_from(self) -> str:
        """The fingerprint of the action the page showed when it was opened.

        A request that does not say counts as having shown no action: it may plan a gap that
        has none, but never silently overwrite a saved action.
        """
        value = self.saved.data
        return value if isinstance(value, str) and value else action_fingerprint(None)


def action_form(
    formdata: Any | None, saved: Action | None, current_level: str | None
) -> ActionForm:
    """The form for a gap's action: posted ``formdata`` if given, else the ``saved`` action."""
    data: dict[str, Any] = {"saved": action_fingerprint(saved)}
    if formdata is None and saved is not None:
        data |= {
            "action": saved.action,
            "owner": saved.owner,
            "due": saved.due.isoformat() if saved.due else "",
            "target_level": saved.target_level,
            "status": saved.status,
            "budget": saved.budget,
        }
    form = ActionForm(formdata=formdata, data=data if formdata is None else None)
    form.set_current_level(current_level)
    return form


# -- sharing, signing off, deleting -----------------------------------------------------------

#: The roles a new link can have, as the form offers them.
ROLE_CHOICES: tuple[tuple[str, str], ...] = (
    ("contributor", _l("Contributor: answers the themes you choose below")),
    ("reviewer", _l("Reviewer: reads everything and comments, changes nothing")),
    ("viewer", _l("Viewer: reads everything, results and downloads too")),
)


class LinkForm(FlaskForm):  # type: ignore[misc]
    """Make a new named private link with a role (and, for a contributor, its themes)."""

    name = StringField(
        _l("Who is it for?"),
        description=_l(
            "For example: “Ministry of Education” or “Legal Centre for Advocacy”. "
            "Their changes and comments are shown under this name."
        ),
        filters=[strip_line],
        validators=[
            DataRequired(_l("Enter who the link is for")),
            Length(
                max=MAX_LINK_NAME_CHARS,
                message=_l(
                    "The name must be %(limit)s characters or fewer", limit=MAX_LINK_NAME_CHARS
                ),
            ),
        ],
    )
    role = RadioField(
        _l("What may they do?"),
        choices=[SelectChoice(key, label) for key, label in ROLE_CHOICES],
        validate_choice=False,
        validators=[
            one_of(
                [key for key, _ in ROLE_CHOICES],
                _l("Choose what the link lets them do"),
                required=True,
            )
        ],
    )
    themes = SelectMultipleField(_l("Themes a contributor answers"), choices=[])

    def set_themes(self, checklist: Checklist) -> None:
        """Offer the checklist's themes."""
        self.themes.choices = [SelectChoice(t.id, f"{t.code} {t.title}") for t in checklist.themes]

    def validate_themes(self, field: Field) -> None:
        """A contributor answers at least one theme."""
        if self.role.data == "contributor" and not field.data:
            raise ValidationError(_l("Choose the themes the contributor answers"))


class SignOffForm(FlaskForm):  # type: ignore[misc]
    """Sign an assessment off as final: who signs it off."""

    by = StringField(
        _l("Signed off by"),
        description=_l(
            "The name printed on the results and downloads: “Final, signed off on … by …”."
        ),
        filters=[strip_line],
        validators=[
            DataRequired(_l("Enter who signs the assessment off")),
            Length(
                max=MAX_LINK_NAME_CHARS,
                message=_l(
                    "The name must be %(limit)s characters or fewer", limit=MAX_LINK_NAME_CHARS
                ),
            ),
        ],
    )


class ConfirmForm(FlaskForm):  # type: ignore[misc]
    """A button that only confirms (revoking a link, re-opening, deleting): its CSRF token."""
