"""The ``assessor`` command line: the same pieces as the web app, without the web.

Messages for the person at the terminal (what was written, what is wrong with a file) are in
the language of :func:`message_language`: the command's ``--lang`` when given, else the
environment's (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``, the first one set) when it is
Romanian or Russian, else English. The documents a command writes are in ``--lang`` only
(default English): a shell's locale never changes a report's language. Operator messages (the
server, the worker, the database commands, logs) and ``--help`` stay in English.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessor.checklist import Checklist, ChecklistError, is_translation_file, load_checklist
from assessor.report import AUDIENCE_TABLE, AUDIENCES, DEFAULT_AUDIENCE
from assessor.report import FORMATS as REPORT_FORMATS
from assessor.translation import DEFAULT_LANGUAGE, ngettext, normalise_language, writing_in
from assessor.translation import gettext as _

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from assessor.answers import AnswersFile


def cmd_check(args: argparse.Namespace) -> int:
    """Validate checklist files; print their problems (the first 50 of each); 0 if all are valid."""
    status = 0
    for path in args.files:
        if is_translation_file(path):
            status = max(status, _check_translation(Path(path)))
            continue
        try:
            checklist = load_checklist(path)
        except ChecklistError as exc:
            status = 1
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            continue
        print(
            _(
                "%(path)s: ok - %(checklist)s %(version)s: themes: %(themes)s, recommendations: "
                "%(recommendations)s, criteria: %(criteria)s, good practices: %(practices)s, "
                "commitments: %(commitments)s",
                path=path,
                checklist=checklist.id,
                version=checklist.version,
                themes=len(checklist.themes),
                recommendations=len(checklist.recommendations),
                criteria=len(checklist.criteria),
                practices=len(checklist.good_practices),
                commitments=len(checklist.commitments),
            )
        )
    return status


def _check_translation(path: Path) -> int:
    """Validate a checklist translation file against the checklist file it translates (the
    same name without the language); print its problems, or its coverage and every text it
    lacks (shown in English, marked). 1 if either file is invalid, else 0."""
    from assessor.checklist_translation import coverage, load_translation, translated_file

    target = translated_file(path)
    assert target is not None  # checked by the caller
    try:
        checklist = load_checklist(target[0])
        translation = load_translation(path, checklist)
    except ChecklistError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    found = coverage(checklist, translation)
    print(
        _(
            "%(path)s: ok - %(language)s translation of %(checklist)s %(version)s: texts "
            "translated: %(done)s of %(total)s",
            path=path,
            language=translation.language,
            checklist=checklist.id,
            version=checklist.version,
            done=found.total - len(found.missing),
            total=found.total,
        )
        + (
            ""
            if found.complete
            else _("; missing: %(count)s (shown in English, marked):", count=len(found.missing))
        )
    )
    for item_id, field in found.missing:
        print("  " + _("missing: %(item)s %(field)s", item=item_id or "(checklist)", field=field))
    return 0


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    """The settings the web app would use (see :func:`assessor.config.resolve`), with the
    command line's options (``--checklists``, ``--database-url``) on top."""
    from assessor import config

    options = {"CHECKLIST_DIR": "checklists", "DATABASE_URL": "database_url"}
    overrides = {
        name: value for name, option in options.items() if (value := getattr(args, option, None))
    }
    return config.resolve(overrides)


def _checklist_dir(args: argparse.Namespace) -> Path:
    """The checklist folder: --checklists, else the app's setting (environment, else default)."""
    return Path(_settings(args)["CHECKLIST_DIR"])


def _load_answers(args: argparse.Namespace) -> tuple[AnswersFile, Checklist] | None:
    """Read and validate the answers file; print what is wrong and return None if it is bad."""
    return _read_answers(args.answers, _checklist_dir(args))


def _read_answers(
    path: str,
    directory: Path,
    *,
    from_pdf: bool = False,
    versions: dict[tuple[str, str], Checklist] | None = None,
) -> tuple[AnswersFile, Checklist] | None:
    """Read and validate an answers file (or, ``from_pdf``, the one a PDF carries) against the
    checklists in a folder; print what is wrong and return None if it is bad.

    ``versions`` (by id and version) supplies the checklist of the file's own version when the
    folder holds several; otherwise the folder's checklist of that id is used.
    """
    from assessor.answers import (
        MAX_ANSWERS_FILE_BYTES,
        AnswersError,
        parse_answers_file,
        without_unknown_criteria,
    )
    from assessor.answers_pdf import MAX_PDF_BYTES, answers_bytes
    from assessor.catalogue import load_catalogue

    limit = MAX_PDF_BYTES if from_pdf else MAX_ANSWERS_FILE_BYTES
    try:
        with open(path, "rb") as file:
            raw = file.read(limit + 1)  # enough to tell "too large"
    except OSError as exc:
        print(
            _("assessor: cannot read %(path)s: %(why)s", path=path, why=exc.strerror or exc),
            file=sys.stderr,
        )
        return None
    catalogue = load_catalogue(directory)
    missing: list[str] = []
    named: tuple[str, str] | None = None

    def find(checklist_id: str) -> Checklist | None:
        found = (versions or {}).get(named or ("", "")) or catalogue.get(checklist_id)
        if found is None:
            missing.append(checklist_id)
        return found

    content: str | bytes = raw
    try:
        if from_pdf:
            content = answers_bytes(raw)
        if versions is not None:
            named = _named(content)
            fallback = catalogue.get(named[0]) if named else None
            if named not in versions and fallback is not None:
                content, left_out = without_unknown_criteria(content, fallback)
                if left_out:
                    print(
                        _(
                            "assessor: note: %(path)s answers criteria that version %(version)s "
                            "of %(checklist)s does not have (%(count)s); they are left out: "
                            "%(criteria)s",
                            path=path,
                            version=fallback.version,
                            checklist=fallback.id,
                            count=len(left_out),
                            criteria=", ".join(left_out),
                        ),
                        file=sys.stderr,
                    )
        answers_file, checklist = parse_answers_file(content, find)
    except AnswersError as exc:
        print(_("assessor: %(path)s is not a valid answers file:", path=path), file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        if missing:
            known = ", ".join(c.id for c in catalogue.checklists) or _("none")
            print(
                "  " + _("(checklists in %(folder)s: %(known)s)", folder=directory, known=known),
                file=sys.stderr,
            )
            for error in catalogue.errors:
                for checklist_problem in error.problems:
                    print(
                        "  " + _("(invalid checklist: %(problem)s)", problem=checklist_problem),
                        file=sys.stderr,
                    )
        return None
    if answers_file.checklist_version != checklist.version:
        print(
            _(
                "assessor: note: the answers were given for version %(given)s of "
                "%(checklist)s; scoring them against version %(version)s",
                given=answers_file.checklist_version,
                checklist=checklist.id,
                version=checklist.version,
            ),
            file=sys.stderr,
        )
    return answers_file, checklist


def _named(raw: str | bytes) -> tuple[str, str] | None:
    """The checklist id and version an answers file names (``None`` if it cannot tell): a
    first look, to pick that version's checklist; the file is checked in full afterwards."""
    from assessor.answers import MAX_ANSWERS_FILE_BYTES

    if len(raw) > MAX_ANSWERS_FILE_BYTES:
        return None
    try:
        data = json.loads(raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    checklist_id, version = data.get("checklist"), data.get("checklist_version")
    if isinstance(checklist_id, str) and isinstance(version, str):
        return checklist_id, version
    return None


def cmd_score(args: argparse.Namespace) -> int:
    """Print the gap analysis of an answers file as JSON; 1 if the file is bad."""
    from assessor.scoring import gap_analysis_to_dict, score

    loaded = _load_answers(args)
    if loaded is None:
        return 1
    answers_file, checklist = loaded
    data = gap_analysis_to_dict(score(checklist, answers_file.answers), answers_file.actions)
    info = answers_file.assessment
    result = {
        "checklist": data.pop("checklist"),
        "assessment": {
            "title": info.title,
            "organisation": info.organisation,
            "country": info.country,
            "respondent": info.respondent,
        },
        **data,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write a report of an answers file (PDF or Word, from ``--format`` or the output's
    extension); print its path. Exit status 2 for an output naming no known format, 1 if the
    answers file is bad, the report cannot be made or the file cannot be written."""
    from assessor.files import report_filename
    from assessor.report import FORMATS, ReportError, render_report
    from assessor.scoring import score

    chosen = _output_and_format(args, FORMATS, "report")
    if isinstance(chosen, int):
        return chosen
    output, file_format = chosen
    loaded = _load_answers(args)
    if loaded is None:
        return 1
    answers_file, checklist = loaded
    compared = None
    if args.compare_with:
        other = _read_answers(args.compare_with, _checklist_dir(args), from_pdf=True)
        if other is None:
            return 2
        compared, other_checklist = other
        if other_checklist.id != checklist.id:
            print(
                _(
                    "assessor report: cannot compare: %(other)s answers the checklist "
                    "“%(other_id)s”, %(answers)s answers “%(checklist)s”",
                    other=args.compare_with,
                    other_id=other_checklist.id,
                    answers=args.answers,
                    checklist=checklist.id,
                ),
                file=sys.stderr,
            )
            return 2
    today = date.today()
    if output.name == _UNNAMED:
        name = report_filename(
            answers_file.assessment.title, args.audience, today, checklist.id, file_format
        )
        output = output.with_name(name)
    from assessor.checklist_translation import in_language

    try:
        data = render_report(
            score(in_language(checklist, args.lang), answers_file.answers),
            answers_file,
            audience=args.audience,
            fmt=file_format,
            generated_on=today,
            compared=compared,
        )
    except ReportError as exc:
        print(_("assessor: could not render the report: %(why)s", why=exc), file=sys.stderr)
        return 1
    return _write_output(output, data)


def _add_language_option(command: argparse.ArgumentParser, what: str) -> None:
    """``--lang en|ro|ru``: the language of the document written (default: English) and of
    the command's messages (default: see :func:`message_language`)."""
    from assessor.translation import LANGUAGES

    command.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help=f"the language of {what}: its fixed text and the checklist's texts, translated "
        "where the checklist has a translation (labelled unofficial), and of the messages "
        f"(default: {DEFAULT_LANGUAGE}; messages follow LANG when it is ro or ru)",
    )


def message_language(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> str:
    """The language of the command's messages: its ``--lang`` when given, else the first of
    ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set, when it names one of
    the interface's languages ("ro_MD.UTF-8" is Romanian), else English."""
    given = getattr(args, "lang", None)
    if given:
        return str(given)
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return normalise_language(value.split(":", 1)[0].split(".", 1)[0]) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def cmd_questionnaire(args: argparse.Namespace) -> int:
    """Write the blank questionnaire of a checklist (PDF or Word, from ``--format`` or the
    output's extension); print its path. Exit status 2 for an output naming no known format, 1
    for a checklist the folder does not hold, a questionnaire that cannot be made or a file that
    cannot be written."""
    from assessor.catalogue import load_catalogue
    from assessor.files import slug
    from assessor.report import FORMATS, ReportError, format_for
    from assessor.report.questionnaire import render_questionnaire

    chosen = _output_and_format(args, FORMATS, "questionnaire")
    if isinstance(chosen, int):
        return chosen
    output, file_format = chosen
    directory = _checklist_dir(args)
    catalogue = load_catalogue(directory)
    checklist = catalogue.get(args.checklist_id)
    if checklist is None:
        offered = ", ".join(c.id for c in catalogue.checklists) or _("none")
        print(
            _(
                "assessor questionnaire: no valid checklist “%(checklist)s” in %(folder)s "
                "(offered: %(offered)s)",
                checklist=args.checklist_id,
                folder=directory,
                offered=offered,
            ),
            file=sys.stderr,
        )
        return 1
    if output.name == _UNNAMED:
        extension = format_for(file_format).extension
        name = f"questionnaire-{slug(checklist.id)}-{slug(checklist.version, 'v')}.{extension}"
        output = output.with_name(name)
    from assessor.checklist_translation import in_language

    try:
        data = render_questionnaire(in_language(checklist, args.lang), file_format, date.today())
    except ReportError as exc:
        print(_("assessor: could not make the questionnaire: %(why)s", why=exc), file=sys.stderr)
        return 1
    return _write_output(output, data)


# The default output name needs the assessment's title, read later; until then a name no
# argument can hold.
_UNNAMED = "\0"


def _output_and_format(
    args: argparse.Namespace, formats: Sequence[str], what: str
) -> tuple[Path, str] | int:
    """Where a command writes (``-o``: a file, or a folder to hold the default name, which is
    then :data:`_UNNAMED`) and in which of ``formats``: ``--format``, else the file's
    extension, else the first. An exit status instead when they cannot be used, told on
    stderr before anything is read or made."""
    from assessor.files import OutputPathError, output_path

    try:
        output = output_path(args.output, _UNNAMED, Path("reports"))
    except OutputPathError as exc:
        print(
            _("assessor: cannot write to %(path)s: %(why)s", path=args.output, why=exc),
            file=sys.stderr,
        )
        return 1
    file_format: str = args.format or formats[0]
    if output.name != _UNNAMED:  # a file name was given: its extension decides the format
        extension = output.suffix.lower().lstrip(".")
        if extension not in formats:
            known = ", ".join(f".{f}" for f in formats)
            print(
                _(
                    "assessor %(command)s: cannot tell the format of %(path)s: give a file "
                    "name ending in %(known)s, or a folder",
                    command=what,
                    path=args.output,
                    known=known,
                ),
                file=sys.stderr,
            )
            return 2
        if args.format and args.format != extension:
            print(
                _(
                    "assessor %(command)s: --format %(format)s does not match %(path)s",
                    command=what,
                    format=args.format,
                    path=args.output,
                ),
                file=sys.stderr,
            )
            return 2
        file_format = extension
    return output, file_format


def _checklist_versions(directory: Path) -> dict[tuple[str, str], Checklist]:
    """Every valid checklist in a folder by id and version, several versions of one id too
    (the first file, by name, of an id and version wins)."""
    versions: dict[tuple[str, str], Checklist] = {}
    for file in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
        if is_translation_file(file):
            continue
        try:
            checklist = load_checklist(file)
        except ChecklistError:
            continue  # told by the catalogue, if the file is needed
        versions.setdefault((checklist.id, checklist.version), checklist)
    return versions


def cmd_compare(args: argparse.Namespace) -> int:
    """Print the comparison of two answers files (or Assessor PDFs) as JSON.

    Each side is scored on the checklist of its own version when the folder holds it (else on
    the folder's checklist of that id), as ``assessor score`` would. Exit status 2 when either
    file cannot be read or is invalid, or the two answer different checklists.
    """
    from assessor.compare import ComparisonError, Side, compare, comparison_to_dict

    directory = _checklist_dir(args)
    versions = _checklist_versions(directory)
    sides: list[tuple[AnswersFile, Checklist]] = []
    for path in (args.baseline, args.current):
        loaded = _read_answers(path, directory, from_pdf=True, versions=versions)
        if loaded is None:
            return 2
        sides.append(loaded)
    (base_file, base_checklist), (cur_file, cur_checklist) = sides
    try:
        comparison = compare(
            Side(base_file.assessment, base_checklist, base_file.answers),
            Side(cur_file.assessment, cur_checklist, cur_file.answers),
        )
    except ComparisonError as exc:
        print(_("assessor compare: cannot compare: %(why)s", why=exc), file=sys.stderr)
        return 2
    print(json.dumps(comparison_to_dict(comparison), ensure_ascii=False, indent=2))
    return 0


def _write_output(output: Path, data: bytes) -> int:
    """Write a command's file whole (or not at all) and print its path; the exit status."""
    from assessor.files import write_atomically

    try:
        write_atomically(output, data)
    except OSError as exc:
        print(
            _("assessor: cannot write %(path)s: %(why)s", path=output, why=exc.strerror or exc),
            file=sys.stderr,
        )
        return 1
    print(output)
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    """Write the action plan of an answers file as XLSX or CSV; print its path.

    The format comes from the file's extension (or ``--format``); exit status 2 for an output
    that names no known format, 1 if the answers file is bad or the file cannot be written.
    """
    from assessor.files import plan_filename
    from assessor.plan import action_plan
    from assessor.report.spreadsheet import FORMATS, render
    from assessor.scoring import score

    chosen = _output_and_format(args, FORMATS, "plan")
    if isinstance(chosen, int):
        return chosen
    output, file_format = chosen
    today = date.today()
    loaded = _load_answers(args)
    if loaded is None:
        return 1
    answers_file, checklist = loaded
    title = answers_file.assessment.title
    if output.name == _UNNAMED:
        output = output.with_name(plan_filename(title, today, file_format, checklist.id))
    plan = action_plan(score(checklist, answers_file.answers), answers_file.actions, today)
    if plan.other_actions:
        print(
            ngettext(
                "assessor: note: %(num)d action left out of the plan, for criteria that are "
                "not gaps (fully in place or not applicable): %(codes)s",
                "assessor: note: %(num)d actions left out of the plan, for criteria that are "
                "not gaps (fully in place or not applicable): %(codes)s",
                len(plan.other_actions),
                codes=", ".join(checklist.code(crit_id) for crit_id in plan.other_actions),
            ),
            file=sys.stderr,
        )
    with writing_in(args.lang):
        data = render(plan, file_format, title=_("Action plan: %(title)s", title=title))
    return _write_output(output, data)


def _engine(args: argparse.Namespace) -> Engine:
    """An engine on the database the app would use: --database-url, else the app's setting
    (``DATABASE_URL`` or ``FLASK_DATABASE_URL``), else the SQLite file in the instance folder."""
    from assessor import db

    settings = _settings(args)
    return db.make_engine(db.database_url(settings), settings["SQLITE_BUSY_TIMEOUT"])


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Bring the database schema up to date with Alembic (creating it if new)."""
    from sqlalchemy.exc import SQLAlchemyError

    from assessor import db

    engine = _engine(args)
    try:
        before = db.current_revision(engine)
        db.upgrade(engine, args.revision)
        after = db.current_revision(engine)
    except SQLAlchemyError as exc:
        print(f"database upgrade failed: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    where = engine.url.render_as_string(hide_password=True)
    if before == after:
        print(f"{where}: already at revision {after}")
    else:
        print(f"{where}: upgraded from {before or 'an empty database'} to revision {after}")
    return 0


def cmd_db_revision(args: argparse.Namespace) -> int:
    """Write a new migration, comparing the models with an up-to-date database."""
    from alembic import command

    from assessor import db

    engine = _engine(args)
    try:
        with engine.connect() as connection:
            command.revision(db.alembic_config(connection), message=args.message, autogenerate=True)
            connection.commit()
    finally:
        engine.dispose()
    return 0


def _positive_days(text: str) -> float:
    """An argparse type: a number of days more than 0."""
    try:
        days = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of days: {text!r}") from None
    if not days > 0 or days == float("inf"):
        raise argparse.ArgumentTypeError(f"the number of days must be more than 0, not {text}")
    return days


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def cmd_expire(args: argparse.Namespace) -> int:
    """Delete the assessments nobody saved for the set number of days; print how many.

    Exit status 2 if no number of days is given (``--days`` or ``ASSESSMENT_EXPIRY_DAYS``),
    1 if the database fails.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from assessor.retention import expire_untouched

    days = args.days
    if days is None:
        setting = _settings(args).get("ASSESSMENT_EXPIRY_DAYS")
        if setting is None or setting == "":
            print(
                "assessor expire: no expiry is set, so nothing was deleted. Give the number of "
                "days with --days N, or set FLASK_ASSESSMENT_EXPIRY_DAYS (assessments not "
                "saved for that many days are deleted).",
                file=sys.stderr,
            )
            return 2
        try:
            days = _positive_days(str(setting))
        except argparse.ArgumentTypeError as exc:
            print(f"assessor expire: ASSESSMENT_EXPIRY_DAYS: {exc}", file=sys.stderr)
            return 2
    engine = _engine(args)
    try:
        result = expire_untouched(engine, days, dry_run=args.dry_run)
    except SQLAlchemyError as exc:
        print(f"assessor expire: the database failed: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    since = result.cutoff.strftime("%Y-%m-%d %H:%M UTC")
    counts = (
        f"{_count(result.assessments, 'assessment')} ({_count(result.answers, 'answer')}) "
        f"not saved since {since}"
    )
    if result.deleted:
        print(f"Deleted {counts}.")
    else:
        print(f"Would delete {counts}; nothing was deleted (--dry-run).")
    return 0


def proxy_exposure_warning(host: str, trusted_proxy_hops: int) -> str | None:
    """A warning when the app trusts X-Forwarded-For but listens beyond loopback, where a
    client that reaches the port directly could forge its address; else ``None``."""
    if trusted_proxy_hops <= 0:
        return None
    try:
        loopback = ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = host.lower() == "localhost"
    if loopback:
        return None
    return (
        f"TRUSTED_PROXY_HOPS is {trusted_proxy_hops} and the app listens on {host}: any client "
        "that reaches this port directly, not through the proxy, can forge X-Forwarded-For to "
        "escape the rate limits or get another address blocked. Make sure only the proxy can "
        "reach it (bind 127.0.0.1 or a private interface, or firewall the port)."
    )


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web app: the Flask development server with --debug, else gunicorn."""
    from assessor import create_app, db

    if not args.debug:
        from assessor.logs import configure_production_logging

        configure_production_logging()
    try:
        app = create_app({"DEBUG": True} if args.debug else None)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    warning = proxy_exposure_warning(args.host, int(app.config.get("TRUSTED_PROXY_HOPS") or 0))
    if warning:
        logging.getLogger("assessor.serve").warning(warning)
    engine = db.get_engine(app)
    current, head = db.current_revision(engine), db.head_revision()
    engine.dispose()  # the server opens its own connections (after forking, for gunicorn)
    if current != head:
        print(
            f"The database is at schema revision {current or '(none)'}, not {head}: "
            "run `assessor db upgrade` first.",
            file=sys.stderr,
        )
        return 1
    from assessor.web import report_jobs

    # Reports: without REDIS_URL the queue is an SQLite file consumed here (a thread of the
    # development server's serving process; a process beside gunicorn); with it, by
    # `assessor worker` processes.
    consume = app.config["REPORT_IN_BACKGROUND"] and not app.config.get("REDIS_URL")
    if args.debug:
        if consume and os.environ.get("WERKZEUG_RUN_MAIN") == "true":  # not the reloader
            report_jobs.start_embedded(app)
        app.run(host=args.host, port=args.port, debug=True)
        return 0
    from assessor import serving

    if consume:
        report_jobs.start_consumer_process()
    serving.run(app, f"{args.host}:{args.port}", args.workers, args.threads)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Make reports from the queue (Redis at REDIS_URL, else the instance's SQLite queue)
    until stopped (SIGINT or SIGTERM)."""
    from assessor import create_app
    from assessor.logs import configure_production_logging
    from assessor.web import report_jobs

    if args.with_parent:  # started by `assessor serve`: ends with it
        from assessor.report.jobs import die_with_parent

        die_with_parent(args.with_parent)
    configure_production_logging()
    try:
        app = create_app(report_jobs.worker_overrides())
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    if not app.config.get("REDIS_URL") and not args.with_parent:
        logging.getLogger("assessor.worker").warning(
            "REDIS_URL is not set: this worker takes reports from %s, which only the app "
            "servers of this machine fill (`assessor serve` consumes it already)",
            report_jobs.queue_path(app),
        )
    report_jobs.run_worker(app, args.threads)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="assessor", description="Policy self-assessment against a checklist of good practice."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="validate checklist files")
    check.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="checklist YAML files, or their translations (NAME.LANG.yaml, beside the checklist)",
    )
    check.set_defaults(func=cmd_check)

    for name, help_text, func in (
        ("score", "print the gap analysis of an answers file as JSON", cmd_score),
        ("report", "write the gap-analysis PDF of an answers file", cmd_report),
        ("plan", "write the action plan of an answers file as XLSX or CSV", cmd_plan),
    ):
        command = sub.add_parser(name, help=help_text)
        command.add_argument("answers", metavar="ANSWERS.json", help="answers file (JSON)")
        command.add_argument(
            "--checklists",
            metavar="DIR",
            help="checklist folder (default: $CHECKLIST_DIR, else the project's checklists/)",
        )
        command.set_defaults(func=func)
        if name == "report":
            command.add_argument(
                "-o",
                "--output",
                metavar="PATH",
                help="REPORT.pdf or REPORT.docx (the extension picks the format), or existing "
                "folder (DIR/), to write (default: reports/<title>-<audience>-<date>.pdf)",
            )
            command.add_argument(
                "--compare-with",
                metavar="OTHER",
                help="another answers file or Assessor PDF of the same checklist (last year's, "
                "or another organisation's) to set this one beside, in a chapter of its own",
            )
            command.add_argument(
                "--format",
                choices=REPORT_FORMATS,
                default=None,
                help="pdf or docx (Word); default: the output's extension, else pdf",
            )
            command.add_argument(
                "--audience",
                choices=AUDIENCES,
                default=DEFAULT_AUDIENCE,
                help="; ".join(f"{a.key}: {a.kind.lower()}" for a in AUDIENCE_TABLE)
                + f" (default: {DEFAULT_AUDIENCE})",
            )
            _add_language_option(command, "the report")
        if name == "plan":
            _add_language_option(command, "the action plan")
            command.add_argument(
                "-o",
                "--output",
                metavar="PATH",
                help="PLAN.xlsx or PLAN.csv (the extension picks the format), or existing "
                "folder (DIR/), to write (default: reports/<title>-action-plan-<date>.xlsx)",
            )
            command.add_argument(
                "--format",
                choices=("xlsx", "csv"),
                default=None,
                help="the format when -o names a folder or is left out (default: xlsx)",
            )

    blank = sub.add_parser(
        "questionnaire",
        help="write the blank questionnaire of a checklist (every criterion, its guidance and "
        "the scale as tick boxes) as PDF or Word",
    )
    blank.add_argument("checklist_id", metavar="CHECKLIST_ID", help="the checklist's id")
    blank.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="FILE.pdf or FILE.docx (the extension picks the format), or existing folder "
        "(DIR/), to write (default: reports/questionnaire-<checklist>-<version>.pdf)",
    )
    blank.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default=None,
        help="pdf or docx (Word); default: the output's extension, else pdf",
    )
    blank.add_argument(
        "--checklists",
        metavar="DIR",
        help="checklist folder (default: $CHECKLIST_DIR, else the project's checklists/)",
    )
    _add_language_option(blank, "the questionnaire")
    blank.set_defaults(func=cmd_questionnaire)

    comparing = sub.add_parser(
        "compare",
        help="compare two answers files or Assessor PDFs (progress, or two views) as JSON",
    )
    comparing.add_argument(
        "baseline", metavar="BASELINE", help="answers file (JSON) or PDF made by Assessor"
    )
    comparing.add_argument(
        "current",
        metavar="CURRENT",
        help="answers file (JSON) or PDF made by Assessor, compared with BASELINE",
    )
    comparing.add_argument(
        "--checklists",
        metavar="DIR",
        help="checklist folder (default: $CHECKLIST_DIR, else the project's checklists/); "
        "it may hold several versions of a checklist",
    )
    comparing.set_defaults(func=cmd_compare)

    database = sub.add_parser("db", help="manage the database schema")
    db_sub = database.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_sub.add_parser("upgrade", help="create or upgrade the schema (keeps all data)")
    upgrade.add_argument("--revision", default="head", help="target revision (default: head)")
    revision = db_sub.add_parser("revision", help="write a new migration from the models")
    revision.add_argument("-m", "--message", required=True, help="what the migration does")
    for action in (upgrade, revision):
        action.add_argument(
            "--database-url", help="database URL (default: $DATABASE_URL, else instance SQLite)"
        )
    upgrade.set_defaults(func=cmd_db_upgrade)
    revision.set_defaults(func=cmd_db_revision)

    expire = sub.add_parser(
        "expire", help="delete the assessments nobody saved for a number of days"
    )
    expire.add_argument(
        "--days",
        type=_positive_days,
        default=None,
        metavar="N",
        help="delete those not saved for N days (default: $FLASK_ASSESSMENT_EXPIRY_DAYS)",
    )
    expire.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    expire.add_argument(
        "--database-url", help="database URL (default: $DATABASE_URL, else instance SQLite)"
    )
    expire.set_defaults(func=cmd_expire)

    serve = sub.add_parser("serve", help="run the web app")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=5000, help="port to listen on")
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: 2 x cores + 1, at most 9; not with --debug)",
    )
    serve.add_argument("--threads", type=int, default=None, help="threads per worker (default: 4)")
    serve.add_argument(
        "--debug", action="store_true", help="development server with reloader and debugger"
    )
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser(
        "worker",
        help="make reports from the queue (with REDIS_URL: on any machine that reaches Redis "
        "and the database)",
    )
    worker.add_argument(
        "--threads",
        type=int,
        default=None,
        help="reports made at once (default: $FLASK_REPORT_WORKER_THREADS, else 2)",
    )
    worker.add_argument("--with-parent", type=int, default=None, help=argparse.SUPPRESS)
    worker.set_defaults(func=cmd_worker)
    return parser


#: The commands whose messages follow :func:`message_language` (the others stay in English).
MESSAGE_COMMANDS = frozenset({"check", "score", "report", "questionnaire", "plan", "compare"})


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    # Only the commands that talk to the person at the terminal: the server and the worker
    # must not carry a language into the requests and reports they serve (a forked gunicorn
    # worker would keep it).
    messages_in = message_language(args) if args.command in MESSAGE_COMMANDS else None
    if hasattr(args, "lang"):
        args.lang = args.lang or DEFAULT_LANGUAGE  # the document's language
    try:
        with writing_in(messages_in):
            status: int = args.func(args)
    except BrokenPipeError:
        # The reader went away (e.g. `assessor score ... | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
