"""The theme page and the save in one process, without a server: CPU per request, and the floor
of the page itself (the same template rendered by Jinja alone from in-memory data).

    python -m benchmarks.pages [RUNS]               prints one JSON line with every figure
    python -m benchmarks.pages --profile KIND [N]   cProfile of N requests of one kind (get, post,
                                                    autosave, jinja): the top 40 by own time

The app runs on a fresh SQLite database in a temporary folder with the OSCE checklist, through
Flask's test client (no sockets): every figure is the app's own CPU, which is what halving "CPU
per request" is about. Each kind is timed in rounds, interleaved, and the medians are reported.

"Jinja alone" renders ``views/assessments/theme.html`` with the app's Jinja environment from
data prepared once (the form, the progress, the assessment row): what any code producing this
very page would pay, without the request, the database, the checklist lookup and the form.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import print_result
from tests.support.stats import median

EVIDENCE = "Evidence for the benchmark: the 2024 action plan, section 3; minutes of 12 May."
ROUND = 50  # requests per timed round


class Pages:
    """An app with one assessment whose first theme is answered, and the requests to time."""

    def __init__(self, folder: Path) -> None:
        from assessor import db
        from assessor.answers import Answer, fingerprint
        from assessor.config import OSCE_CHECKLIST_ID, PROJECT_ROOT
        from assessor.forms import evidence_field_name, level_field_name, saved_field_name
        from assessor.web.app import create_app
        from tests.support.data import START

        self.app = create_app(
            {
                "SECRET_KEY": "bench-secret",
                "TESTING": False,
                "DEBUG": False,
                "DATABASE_URL": f"sqlite:///{folder / 'pages.sqlite'}",
                "CHECKLIST_DIR": str(PROJECT_ROOT / "checklists"),
                "WTF_CSRF_ENABLED": False,
                "CREATION_LIMIT": "100000 per hour",
                "REPORT_CACHE_DIR": "",
            }
        )
        self.app.testing = True  # the test client's errors surface; no effect on the views
        db.upgrade(db.get_engine(self.app))
        self.client = self.app.test_client()
        start = {**START, "checklist": OSCE_CHECKLIST_ID}
        reply = self.client.post("/", data=start)
        assert reply.status_code in (302, 303), reply.status_code
        self.link = reply.headers["Location"]
        from assessor.web.lookup import catalogue

        with self.app.test_request_context(self.link):  # the catalogue is per language
            self.checklist = catalogue().get(OSCE_CHECKLIST_ID)
        assert self.checklist is not None
        self.theme = self.checklist.themes[0]
        self.path = f"{self.link}theme/{self.theme.id}"
        self.form: dict[str, str] = {}
        for crit in self.theme.criteria:
            self.form[level_field_name(crit)] = "not_in_place"
            self.form[evidence_field_name(crit)] = EVIDENCE
            self.form[saved_field_name(crit)] = fingerprint(None)
        assert self.client.post(self.path, data=self.form).status_code in (302, 303)
        for crit in self.theme.criteria:
            self.form[saved_field_name(crit)] = fingerprint(Answer("not_in_place", EVIDENCE))
        self.crit = self.theme.criteria[0]
        self.saves = 0
        self.page_bytes = len(self.get())
        self._answer = Answer
        self._fingerprint = fingerprint
        self._names = (evidence_field_name, level_field_name, saved_field_name)

    def get(self) -> bytes:
        """GET the theme page."""
        reply = self.client.get(self.path)
        assert reply.status_code == 200, reply.status_code
        return reply.data

    def _change(self) -> tuple[dict[str, str], str]:
        """The form with the first criterion's evidence changed (a real save, never a conflict)."""
        evidence_name, _level_name, saved_name = self._names
        before = self.form[evidence_name(self.crit)]
        after = f"{EVIDENCE} Save {self.saves + 1}."
        form = dict(self.form)
        form[saved_name(self.crit)] = self._fingerprint(self._answer("not_in_place", before))
        form[evidence_name(self.crit)] = after
        return form, after

    def post(self) -> None:
        """Save the whole theme page with one evidence text changed."""
        form, after = self._change()
        reply = self.client.post(self.path, data=form)
        assert reply.status_code in (302, 303), reply.status_code
        self.form[evidence_name_of(self, self.crit)] = after
        self.saves += 1
        # The save's message waits in the session for the page the redirect leads to, which a
        # browser shows at once (and so empties the session); this client does not follow the
        # redirect, so it drops the cookie instead of carrying a growing list of messages.
        self.client.delete_cookie(self.app.config["SESSION_COOKIE_NAME"])

    def autosave(self) -> None:
        """Save one criterion as the page's autosave does."""
        evidence_name, level_name, saved_name = self._names
        form, after = self._change()
        fields = {
            name: form[name]
            for name in (evidence_name(self.crit), level_name(self.crit), saved_name(self.crit))
        }
        reply = self.client.post(f"{self.path}/criterion/{self.crit.id}", data=fields)
        assert reply.status_code == 200, (reply.status_code, reply.data[:300])
        self.form[evidence_name(self.crit)] = after
        self.saves += 1

    def jinja_alone(self) -> Callable[[], str]:
        """The theme page's template rendered from data prepared once, with the app's Jinja."""
        from flask import g, render_template

        from assessor import store
        from assessor.forms import theme_form
        from assessor.progress import progress
        from assessor.web import assessments, comments, lookup

        # url_for and the CSRF token need a request: one context, entered for each render and
        # left after it. (Left entered, it would lend its ``g`` to the test client's requests,
        # which then skip the lookups this request caches in it.) The link's access (what the
        # page may show: the form, the comment fields) and the comments are looked up once
        # here, as a request would, and put back in each render's ``g``: the render below is
        # the same page as the GET's.
        context = self.app.test_request_context(self.path)
        with context:
            assessment, _checklist = lookup.load_or_404(self.link.strip("/").split("/")[-1])
            comments.criterion_comments(assessment, self.theme.criteria[0].id)
            kept = {name: g.get(name) for name in ("access", "_loaded", "_comments")}
            saved = store.load_answers(assessment)
            form = theme_form(self.theme, None, saved)
            data: dict[str, Any] = {
                "assessment": assessment,
                "checklist": self.checklist,
                "theme": self.theme,
                "form": form,
                "progress": progress(self.checklist, saved),
                "error_items": [],
                "notice": None,
                "baseline": None,
                "draft_key": assessments.draft_key(assessment.token),
                "max_evidence_chars": 10_000,
            }

        def render() -> str:
            with context:
                for name, value in kept.items():
                    setattr(g, name, value)
                return render_template("views/assessments/theme.html", **data)

        return render


def evidence_name_of(pages: Pages, crit: Any) -> str:
    """The evidence field's name of ``crit``."""
    return pages._names[0](crit)


def cpu_per_call(action: Callable[[], object], n: int = ROUND) -> float:
    """CPU seconds per call of ``action`` over ``n`` calls."""
    started = time.process_time()
    for _ in range(n):
        action()
    return (time.process_time() - started) / n


def statements_per_request(pages: Pages, action: Callable[[], object]) -> int:
    """How many SQL statements one call of ``action`` sends to the database, counted on the
    app's engine (SQLite's BEGIN statements included)."""
    import sqlalchemy as sa

    from assessor import db

    engine = db.get_engine(pages.app)
    sent: list[str] = []

    def count(*args: Any) -> None:
        sent.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(sent)


def measure(rounds: int) -> dict[str, Any]:
    """Every kind, ``rounds`` rounds each, interleaved; medians of CPU ms per request."""
    with tempfile.TemporaryDirectory(prefix="assessor-pages-") as folder:
        pages = Pages(Path(folder))
        jinja = pages.jinja_alone()
        jinja_bytes = len(jinja().encode())
        kinds: dict[str, Callable[[], object]] = {
            "get": pages.get,
            "post": pages.post,
            "autosave": pages.autosave,
            "jinja": jinja,
        }
        for action in kinds.values():  # warm-up
            cpu_per_call(action, 10)
        samples: dict[str, list[float]] = {name: [] for name in kinds}
        for run in range(rounds):
            names = list(kinds) if run % 2 == 0 else list(reversed(kinds))
            for name in names:
                samples[name].append(cpu_per_call(kinds[name]) * 1000)
        result = {f"{name}_ms": median(values) for name, values in samples.items()}
        result["statements"] = {
            name: statements_per_request(pages, kinds[name]) for name in ("get", "post", "autosave")
        }
        result.update(
            {
                "samples_ms": samples,
                "rounds": rounds,
                "per_round": ROUND,
                "page_bytes": pages.page_bytes,
                "jinja_bytes": jinja_bytes,
                "criteria_on_page": len(pages.theme.criteria),
                "get_over_jinja": result["get_ms"] / result["jinja_ms"],
            }
        )
        return result


def profile(kind: str, n: int) -> None:
    """Print cProfile's top 40 functions by own time for ``n`` requests of one kind."""
    with tempfile.TemporaryDirectory(prefix="assessor-pages-") as folder:
        pages = Pages(Path(folder))
        action = {
            "get": pages.get,
            "post": pages.post,
            "autosave": pages.autosave,
            "jinja": pages.jinja_alone(),
        }[kind]
        cpu_per_call(action, 10)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            action()
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(60)


def main(argv: list[str]) -> None:
    """Measure (``[RUNS]``) or profile (``--profile KIND [N]``)."""
    if argv[:1] == ["--profile"]:
        profile(argv[1], int(argv[2]) if len(argv) > 2 else 200)
        return
    print_result(measure(int(argv[0]) if argv else 7))


if __name__ == "__main__":
    main(sys.argv[1:])
