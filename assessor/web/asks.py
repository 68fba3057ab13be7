"""The key asks of an NGO's advocacy brief: listed, edited, ordered, added and removed on one page.

``/a/<token>/asks`` lists the saved asks, each in its own form (title, text, duty-bearer, by
when, and the criteria it is about, chosen from the assessment's gaps and the other criteria by
recommendation), with buttons to save it, move it up or down, or remove it; a form to add one
follows (not at :data:`~assessor.asks.MAX_ASKS`). With nothing saved yet, the page drafts asks
from the top gaps (:func:`assessor.asks.suggest_asks`) in a form of their own, saved only when
the user saves them. A brief needs 3 to 7 asks: fewer is a warning, not an error.

Every button is a post (no JavaScript), with the CSRF token of :mod:`flask_wtf.csrf`. Each
change reads the list as saved and writes the new list in one transaction
(:func:`assessor.store.change_asks`); a post made from a page showing another list than the one
saved (someone else changed it meanwhile) saves nothing and shows theirs (409), what was typed
kept. A refused form (422) keeps everything typed and lists the problems at the top, each
linked to its field; so does the page after a failed CSRF check (400).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse
from wtforms import BooleanField, Field, Form, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from assessor import models, store
from assessor.asks import (
    MAX_ASK_CRITERIA,
    MAX_ASK_TEXT_CHARS,
    MAX_ASK_TITLE_CHARS,
    MAX_ASKS,
    MAX_BY_WHEN_CHARS,
    MAX_DUTY_BEARER_CHARS,
    MAX_SUGGESTIONS,
    MIN_ASKS_FOR_BRIEF,
    Ask,
    asks_fingerprint,
    criteria_problems,
    joined_criteria_problems,
    suggest_asks,
)
from assessor.checklist import Checklist, Recommendation
from assessor.forms import lazy_numbers, max_chars, strip_line, strip_text, within_text_limits
from assessor.scoring import CriterionResult, GapAnalysis, score
from assessor.translation import N_, writing_in
from assessor.web.i18n import current_language, gettext, ngettext
from assessor.web.lookup import actor, load_or_404

bp = Blueprint("asks", __name__)

NEW = "new"  # the prefix of the "Add an ask" form's fields
SUGGESTION = "suggestion"  # suggestion-1-title, ...
LIMIT_REACHED = N_(
    "You have %(max)s asks, the most a brief holds. Remove one before adding another."
)


def optional_line(label: str, description: str, message: str, limit: int) -> StringField:
    """An optional one-line text field of at most ``limit`` characters (``message``, marked
    with ``N_``, says so with ``%(limit)s``)."""
    return StringField(
        label,
        description=description,
        filters=[strip_line],
        validators=[max_chars(limit, message)],
    )


class AskFields(Form):  # type: ignore[misc]  # WTForms has no type hints
    """The fields of one ask. A plain form: the page holds several, each with its own prefix
    (``ask-2-title``); the CSRF check is the app's, on every post.

    Set :attr:`is_criterion` before validating: the criteria must be the checklist's.
    """

    title = StringField(
        _l("Title"),
        description=lazy_numbers(
            N_("A short headline, up to %(chars)s characters."), chars=MAX_ASK_TITLE_CHARS
        ),
        filters=[strip_line],
        validators=[
            DataRequired(_l("Enter the title of the ask")),
            max_chars(
                MAX_ASK_TITLE_CHARS,
                N_(
                    "The title is too long: %(length)s characters. Shorten it to %(limit)s "
                    "characters or fewer (your text is kept below)."
                ),
            ),
        ],
    )
    text = TextAreaField(
        _l("What you ask"),
        description=lazy_numbers(
            N_(
                "One or two sentences saying who should do what, for example “We ask the "
                "Ministry of Interior to ...”. Up to %(chars)s characters."
            ),
            chars=MAX_ASK_TEXT_CHARS,
        ),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Enter what you ask")),
            max_chars(
                MAX_ASK_TEXT_CHARS,
                N_(
                    "The ask is too long: %(length)s characters. Shorten it to %(limit)s "
                    "characters or fewer (your text is kept below)."
                ),
            ),
            within_text_limits(N_("The ask")),
        ],
    )
    duty_bearer = optional_line(
        _l("Duty-bearer (optional)"),
        _l("Who must act, for example “the Ministry of Interior”."),
        N_("The duty-bearer must be %(limit)s characters or fewer"),
        MAX_DUTY_BEARER_CHARS,
    )
    by_when = optional_line(
        _l("By when (optional)"),
        _l("For example “by the end of 2027” or “before the 2028 budget”."),
        N_("“By when” must be %(limit)s characters or fewer"),
        MAX_BY_WHEN_CHARS,
    )
    criteria = SelectMultipleField(
        _l("Criteria this ask is about"),
        description=lazy_numbers(
            N_("Choose 1 to %(max)s: the brief cites them with the ask."), max=MAX_ASK_CRITERIA
        ),
        choices=[],
        validate_choice=False,  # checked against the checklist below, with a clear message
    )

    is_criterion: Callable[[str], bool] = staticmethod(lambda _id: False)

    def validate_criteria(self, field: Field) -> None:
        """1 to 10 criteria of the checklist, each once."""
        chosen = [str(value) for value in field.data or []]
        if not chosen:
            raise ValidationError(
                gettext(
                    "Choose the criteria this ask is about (1 to %(max)s)", max=MAX_ASK_CRITERIA
                )
            )
        problems = criteria_problems(chosen, self.is_criterion)
        if problems:
            raise ValidationError(
                gettext("This ask %(problems)s", problems=joined_criteria_problems(problems))
            )

    def to_ask(self) -> Ask:
        """The ask the form holds (call after it validated)."""
        return Ask(
            title=self.title.data or "",
            text=self.text.data or "",
            criteria=tuple(str(value) for value in self.criteria.data or []),
            duty_bearer=self.duty_bearer.data or "",
            by_when=self.by_when.data or "",
        )

    def error_items(self, first_criterion_id: str) -> list[tuple[str, str]]:
        """(field id, message) for every error, in field order: what the error summary links."""
        items = []
        for each in self:
            anchor = f"{each.id}-{first_criterion_id}" if each is self.criteria else each.id
            items += [(anchor, str(message)) for message in each.errors]
        return items


class SuggestionFields(AskFields):
    """A suggested ask: its fields, and whether to keep it when the suggestions are saved."""

    include = BooleanField(_l("Keep this ask"), default=True)


def ask_form(
    kind: type[AskFields], checklist: Checklist, prefix: str, ask: Ask | None = None
) -> AskFields:
    """An ask's form holding ``ask`` (or nothing): what the page shows before anything is typed."""
    data = None
    if ask is not None:
        data = {
            "title": ask.title,
            "text": ask.text,
            "duty_bearer": ask.duty_bearer,
            "by_when": ask.by_when,
            "criteria": list(ask.criteria),
        }
    form = kind(prefix=prefix, data=data)
    form.is_criterion = checklist.has_criterion
    return form


def posted_form(kind: type[AskFields], checklist: Checklist, prefix: str) -> AskFields:
    """An ask's form holding what was posted under ``prefix``."""
    form = kind(formdata=request.form, prefix=prefix)
    form.is_criterion = checklist.has_criterion
    return form


# -- the page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriteriaChoice:
    """The criteria offered in every ask's form: the gaps (highest priority first), then the
    other criteria grouped by recommendation, in checklist order."""

    gaps: tuple[CriterionResult, ...]
    others: tuple[tuple[Recommendation, tuple[CriterionResult, ...]], ...]


def criteria_choice(analysis: GapAnalysis) -> CriteriaChoice:
    """The criteria an ask may be about, as the forms offer them."""
    by_id = {result.criterion.id: result for result in analysis.criteria}
    gaps = tuple(by_id[gap.criterion.id] for gap in analysis.gaps)
    gap_ids = {result.criterion.id for result in gaps}
    others = []
    for rec in analysis.checklist.recommendations:
        rest = tuple(by_id[c.id] for c in rec.criteria if c.id not in gap_ids)
        if rest:
            others.append((rec, rest))
    return CriteriaChoice(gaps=gaps, others=tuple(others))


@dataclass
class Forms:
    """The forms of the page: one per saved ask, the suggestions (if shown), "Add an ask", and
    the problems found in what was posted."""

    asks: list[AskFields]
    new: AskFields
    suggestions: list[AskFields]
    error_items: list[tuple[str, str]] = field(default_factory=list)


def page_forms(
    assessment: models.Assessment,
    checklist: Checklist,
    analysis: GapAnalysis,
    saved: Sequence[Ask],
    typed: Mapping[str, AskFields] | None = None,
) -> Forms:
    """The page's forms holding the ``saved`` asks, except those in ``typed`` (by prefix:
    "ask-2", "new", "suggestion-1"), which hold what was posted. Suggestions are drafted when
    nothing is saved, or shown as typed."""
    typed = typed or {}
    asks = [
        typed[f"ask-{n}"]
        if f"ask-{n}" in typed
        else ask_form(AskFields, checklist, f"ask-{n}", ask)
        for n, ask in enumerate(saved, start=1)
    ]
    new = typed[NEW] if NEW in typed else ask_form(AskFields, checklist, NEW)
    suggestions = [form for prefix, form in typed.items() if prefix.startswith(SUGGESTION)]
    if not suggestions and not saved:
        with writing_in(current_language()):
            drafts = suggest_asks(
                analysis, store.load_actions(assessment), assessment.country, date.today()
            )
        suggestions = [
            ask_form(SuggestionFields, checklist, f"{SUGGESTION}-{n}", ask)
            for n, ask in enumerate(drafts, start=1)
        ]
    return Forms(asks=asks, new=new, suggestions=suggestions)


def render_page(
    assessment: models.Assessment,
    checklist: Checklist,
    analysis: GapAnalysis,
    saved: Sequence[Ask],
    forms: Forms,
    status: int = 200,
    notice: str | None = None,
    fingerprint: str | None = None,
) -> tuple[str, int]:
    """The key asks page. Its forms say they started from the ``saved`` list (or from the list
    ``fingerprint`` names, when a post that failed is shown again)."""
    return render_template(
        "views/asks/edit.html",
        assessment=assessment,
        checklist=checklist,
        saved=saved,
        forms=forms,
        fingerprint=fingerprint or asks_fingerprint(saved),
        choice=criteria_choice(analysis),
        max_asks=MAX_ASKS,
        min_asks=MIN_ASKS_FOR_BRIEF,
        error_items=forms.error_items,
        notice=notice,
    ), status


def _analyse(token: str) -> tuple[models.Assessment, Checklist, GapAnalysis]:
    assessment, checklist = load_or_404(token)
    return assessment, checklist, score(checklist, store.load_answers(assessment))


@bp.get("/a/<token:token>/asks")
def edit(token: str) -> tuple[str, int]:
    """The saved key asks, each in its own form, and a form to add one; with none saved yet,
    asks drafted from the top gaps, to edit and save."""
    assessment, checklist, analysis = _analyse(token)
    saved = store.load_asks(assessment)
    forms = page_forms(assessment, checklist, analysis, saved)
    return render_page(assessment, checklist, analysis, saved, forms)


@bp.app_template_global()
def saved_asks_count(assessment: models.Assessment) -> int:
    """How many key asks an assessment has saved (for the link on the results page)."""
    return len(store.load_asks(assessment))


# -- changes ----------------------------------------------------------------------------------


class LimitReached(Exception):
    """The change would make more than :data:`~assessor.asks.MAX_ASKS` asks: nothing is saved.

    ``anchor`` is the field the message links to.
    """

    def __init__(self, message: str, anchor: str) -> None:
        super().__init__(message)
        self.message = message
        self.anchor = anchor


@dataclass(frozen=True)
class Change:
    """What a post does: the new list from the list as saved (``apply``, which may raise
    :class:`LimitReached`), and, once saved, the message to show and the anchor to go to."""

    apply: Callable[[tuple[Ask, ...]], Sequence[Ask]]
    done: Callable[[tuple[Ask, ...]], tuple[str, str]]


def appended(current: Sequence[Ask], added: Sequence[Ask], anchor: str) -> tuple[Ask, ...]:
    """``current`` followed by ``added``; :class:`LimitReached` past :data:`MAX_ASKS`."""
    if len(current) + len(added) > MAX_ASKS:
        if len(added) == 1:
            raise LimitReached(gettext(LIMIT_REACHED, max=MAX_ASKS), anchor)
        raise LimitReached(
            gettext(
                "Keeping %(kept)s suggested asks would make %(total)s; a brief holds at most "
                "%(max)s. Keep fewer.",
                kept=len(added),
                total=len(current) + len(added),
                max=MAX_ASKS,
            ),
            anchor,
        )
    return (*current, *added)


def moved(asks: Sequence[Ask], number: int, ask: Ask, step: int) -> tuple[Ask, ...]:
    """``asks`` with ask ``number`` (from 1) replaced by ``ask`` and moved ``step`` places
    (never past either end)."""
    changed = list(asks)
    index = number - 1
    changed[index] = ask
    target = index + step
    if 0 <= target < len(changed):
        changed[index], changed[target] = changed[target], changed[index]
    return tuple(changed)


def _started_from() -> str:
    """The fingerprint of the list the page showed. A post that does not say counts as having
    shown an empty list, so it never silently changes a saved one."""
    return request.form.get("saved", "") or asks_fingerprint(())


def typed_forms(checklist: Checklist, posted: str, count: int) -> dict[str, AskFields]:
    """The forms holding what was posted, by prefix: "new"; "ask-N" (moved to "new" when the
    list has fewer than N asks now, so nothing typed is lost); or every "suggestion-N" the
    page held."""
    if posted == SUGGESTION:
        shown = request.form.get("suggestions", "")
        if not shown.isdigit() or not 1 <= int(shown) <= MAX_SUGGESTIONS:
            abort(
                400, description=gettext("The suggestions could not be read: open the page again.")
            )
        return {
            f"{SUGGESTION}-{n}": posted_form(SuggestionFields, checklist, f"{SUGGESTION}-{n}")
            for n in range(1, int(shown) + 1)
        }
    form = posted_form(AskFields, checklist, posted)
    if posted == NEW or int(posted.removeprefix("ask-")) <= count:
        return {posted: form}
    return {NEW: ask_form(AskFields, checklist, NEW, form.to_ask())}


def _typed_in(typed: Mapping[str, AskFields]) -> str:
    """Where the page shows what was typed again: "in ask 2", "in “Add an ask”"."""
    prefix = next(iter(typed))
    if prefix == NEW:
        return gettext("in “Add an ask”, below")
    if prefix.startswith(SUGGESTION):
        return gettext("in the suggestions")
    return gettext("in ask %(number)s", number=prefix.removeprefix("ask-"))


def problems(typed: Mapping[str, AskFields], first_criterion: str) -> list[tuple[str, str]]:
    """Validate the typed forms (of the suggestions, those kept): (field id, message) for
    every problem, as the error summary links them."""
    checked = [
        form
        for form in typed.values()
        if not isinstance(form, SuggestionFields) or form.include.data
    ]
    if not checked:
        return [
            (
                f"{SUGGESTION}-1-include",
                gettext("Keep at least one suggested ask, or write your own in “Add an ask”"),
            )
        ]
    items = []
    for form in checked:
        form.validate()
        items += form.error_items(first_criterion)
    return items


def handle_post(
    token: str,
    posted: str,
    make: Callable[[tuple[Ask, ...], Mapping[str, AskFields]], Change],
    *,
    number: int | None = None,
    check: bool = True,
) -> BaseResponse | tuple[str, int]:
    """Handle one post to the list: check the form ``posted`` names (a prefix; not with
    ``check`` false), make the change in one transaction, say what was done and go back to the
    page; or show the page again, everything typed kept (409 the list changed meanwhile, 422
    refused). ``number``: the ask the post is about, 404 if the list has none such."""
    assessment, checklist, analysis = _analyse(token)
    saved = store.load_asks(assessment)
    started_from = _started_from()
    if started_from != asks_fingerprint(saved):
        return conflict(assessment, checklist, analysis, saved, posted, keep=check)
    if number is not None and not 1 <= number <= len(saved):
        abort(404, description=gettext("There is no ask %(number)s to change.", number=number))
    typed = typed_forms(checklist, posted, len(saved))
    forms = page_forms(assessment, checklist, analysis, saved, typed)
    if check:
        forms.error_items = problems(typed, checklist.criteria[0].id)
    if not forms.error_items:
        change = make(saved, typed)
        try:
            result = store.change_asks(
                assessment, change.apply, checklist, started_from, actor=actor()
            )
        except LimitReached as exc:
            forms.error_items = [(exc.anchor, exc.message)]
        else:
            if not result.saved:
                return conflict(assessment, checklist, analysis, result.theirs, posted, check)
            message, anchor = change.done(result.asks)
            flash(message)
            return redirect(url_for(".edit", token=token, _anchor=anchor))
    return render_page(assessment, checklist, analysis, saved, forms, 422)


def conflict(
    assessment: models.Assessment,
    checklist: Checklist,
    analysis: GapAnalysis,
    theirs: Sequence[Ask],
    posted: str,
    keep: bool = True,
) -> tuple[str, int]:
    """The page with the list as someone else left it and, with ``keep``, what was typed (409)."""
    typed = typed_forms(checklist, posted, len(theirs)) if keep else {}
    forms = page_forms(assessment, checklist, analysis, theirs, typed)
    notice = gettext(
        "While this page was open, someone else changed the key asks: the list below is as "
        "they left it, and nothing of yours was saved."
    ) + _kept_notice(typed)
    return render_page(assessment, checklist, analysis, theirs, forms, 409, notice)


def _kept_notice(typed: Mapping[str, AskFields]) -> str:
    """Where what was typed is shown again (empty when nothing was)."""
    if not typed:
        return ""
    return " " + gettext(
        "What you typed is kept %(where)s: check it and save again.", where=_typed_in(typed)
    )


def _named(number: int, ask: Ask) -> str:
    return gettext("Ask %(number)s, “%(title)s”,", number=number, title=ask.title)


@bp.post("/a/<token:token>/asks/<int:number>")
def change(token: str, number: int) -> BaseResponse | tuple[str, int]:
    """Save one ask as typed (``do=save``) and move it up or down (``do=up``, ``down``); or
    remove it (``do=remove``: what was typed in it is not checked)."""
    do = request.form.get("do", "save")
    if do not in ("save", "up", "down", "remove"):
        abort(400, description=gettext("Choose to save, move up, move down or remove the ask."))
    posted = f"ask-{number}"
    step = {"up": -1, "down": 1}.get(do, 0)

    def make(saved: tuple[Ask, ...], typed: Mapping[str, AskFields]) -> Change:
        if do == "remove":
            removed = saved[number - 1]
            return Change(
                apply=lambda current: (*current[: number - 1], *current[number:]),
                done=lambda asks: (
                    gettext("%(ask)s is removed.", ask=_named(number, removed)),
                    f"Ask-{min(number, len(asks))}" if asks else "AddTitle",
                ),
            )
        ask = typed[posted].to_ask()
        to = number + step if 1 <= number + step <= len(saved) else number

        def done(_asks: tuple[Ask, ...]) -> tuple[str, str]:
            if to == number:
                return gettext("%(ask)s is saved.", ask=_named(number, ask)), f"Ask-{number}"
            message = gettext(
                "%(ask)s is saved and moved: it is now ask %(to)s.", ask=_named(number, ask), to=to
            )
            return message, f"Ask-{to}"

        return Change(apply=lambda current: moved(current, number, ask, to - number), done=done)

    return handle_post(token, posted, make, number=number, check=do != "remove")


@bp.post("/a/<token:token>/asks/new")
def add(token: str) -> BaseResponse | tuple[str, int]:
    """Add an ask at the end of the list (refused at :data:`~assessor.asks.MAX_ASKS`)."""

    def make(_saved: tuple[Ask, ...], typed: Mapping[str, AskFields]) -> Change:
        ask = typed[NEW].to_ask()
        return Change(
            apply=lambda current: appended(current, [ask], f"{NEW}-title"),
            done=lambda asks: (
                gettext("%(ask)s is added.", ask=_named(len(asks), ask)),
                f"Ask-{len(asks)}",
            ),
        )

    return handle_post(token, NEW, make)


@bp.post("/a/<token:token>/asks/suggestions")
def save_suggestions(token: str) -> BaseResponse | tuple[str, int]:
    """Save the suggested asks kept (as edited), after any already saved."""

    def make(_saved: tuple[Ask, ...], typed: Mapping[str, AskFields]) -> Change:
        kept = [
            form.to_ask()
            for form in typed.values()
            if isinstance(form, SuggestionFields) and form.include.data
        ]
        first = f"{SUGGESTION}-1-include"
        return Change(
            apply=lambda current: appended(current, kept, first),
            done=lambda asks: (
                ngettext(
                    "%(num)d suggested ask is saved.",
                    "%(num)d suggested asks are saved.",
                    len(kept),
                ),
                f"Ask-{len(asks) - len(kept) + 1}",
            ),
        )

    return handle_post(token, SUGGESTION, make)


# -- after a failed CSRF check ----------------------------------------------------------------


@bp.errorhandler(CSRFError)
def csrf_failed(error: CSRFError) -> tuple[str, int]:
    """The page again, with what was typed, after a failed CSRF check (the plain page about
    the expired check if the link is gone)."""
    from assessor.web.assessments import EXPIRED

    args = request.view_args or {}
    posted = {"asks.add": NEW, "asks.save_suggestions": SUGGESTION}.get(
        request.endpoint or "", f"ask-{args.get('number', 0)}"
    )
    try:
        assessment, checklist, analysis = _analyse(str(args.get("token", "")))
    except NotFound:
        return render_template("views/errors/csrf.html", error=error), 400
    saved = store.load_asks(assessment)
    keep = request.form.get("do") != "remove"
    typed = typed_forms(checklist, posted, len(saved)) if keep else {}
    forms = page_forms(assessment, checklist, analysis, saved, typed)
    notice = gettext(EXPIRED) + _kept_notice(typed)
    return render_page(
        assessment, checklist, analysis, saved, forms, 400, notice, fingerprint=_started_from()
    )
