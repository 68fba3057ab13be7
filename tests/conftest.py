"""Test fixtures: the app on each database backend, clients, and an HTML page helper.

Storage and web tests run twice: on SQLite (a file in ``tmp_path``) and on PostgreSQL (a fresh
schema per test in the database at ``TEST_DATABASE_URL``). If PostgreSQL cannot be reached, its
tests are skipped, or fail when ``CI`` is set: CI must test both.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url
from werkzeug.test import TestResponse

from assessor import create_app, db
from assessor.checklist import Checklist, load_checklist

DATA = Path(__file__).parent / "data"
SCHOOL_MEALS = DATA / "school-meals.yaml"
REAL_CHECKLISTS = Path(__file__).parent.parent / "checklists"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


# -- databases --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[sa.Engine]:
    """An autocommit engine on the test PostgreSQL, for creating and dropping schemas."""
    engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as exc:
        engine.dispose()
        message = f"PostgreSQL at {PG_URL} cannot be reached: {exc}".splitlines()[0]
        if _in_ci():
            pytest.fail(f"{message} (CI must test PostgreSQL; .ci/run starts it)")
        pytest.skip(message)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database: an SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'assessor.sqlite'}"
        return
    admin: sa.Engine = request.getfixturevalue("pg_admin")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL to an empty SQLite file (tests about SQLite only)."""
    return f"sqlite:///{tmp_path / 'sqlite-only.sqlite'}"


# -- the app ----------------------------------------------------------------------------------


@pytest.fixture
def checklist_dir(tmp_path: Path) -> Path:
    """A checklist folder holding only the school-meals test checklist."""
    folder = tmp_path / "checklists"
    folder.mkdir()
    shutil.copy(SCHOOL_MEALS, folder / SCHOOL_MEALS.name)
    return folder


@pytest.fixture
def make_app(database_url: str, checklist_dir: Path) -> Iterator[Callable[..., Flask]]:
    """Build an app on the test database, migrated to the latest schema; closed afterwards."""
    apps: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "CHECKLIST_DIR": str(checklist_dir),
            "WTF_CSRF_ENABLED": False,
            **overrides,
        }
        app = create_app(config)
        apps.append(app)
        db.upgrade(db.get_engine(app))
        return app

    yield make
    for app in apps:
        db.dispose(app)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """The app, with CSRF protection off (see ``csrf_app`` for it on)."""
    return make_app()


@pytest.fixture
def csrf_app(make_app: Callable[..., Flask]) -> Flask:
    """The app with CSRF protection on, as in production."""
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser on the app (its own cookie jar)."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    """A runner for the app's Flask CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def pages(client: FlaskClient) -> Pages:
    """Get and post pages on ``client``, asserting the status and parsing the HTML."""
    return Pages(client)


@pytest.fixture
def pages_for() -> Callable[[Flask], Pages]:
    """Make a new browser (own cookie jar) on an app, like ``pages``."""
    return lambda app: Pages(app.test_client())


@pytest.fixture
def school_meals() -> Checklist:
    """The school-meals test checklist."""
    return load_checklist(SCHOOL_MEALS)


# -- HTML pages -------------------------------------------------------------------------------

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class Node:
    """An element of a parsed page: tag, attributes, children, and text."""

    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None = None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node | str] = []

    def __getitem__(self, name: str) -> str:
        return self.attrs[name]

    def get(self, name: str, default: str | None = None) -> str | None:
        """An attribute's value, or ``default``."""
        return self.attrs.get(name, default)

    @property
    def text(self) -> str:
        """All text inside, with white space collapsed."""
        parts: list[str] = []

        def walk(node: Node) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                else:
                    walk(child)

        walk(self)
        return " ".join("".join(parts).split())

    def iter(self) -> Iterator[Node]:
        """Every element inside, in document order."""
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str | bool) -> list[Node]:
        """Elements with this tag and attributes (``class_`` matches one class; True: present)."""
        found = []
        for node in self.iter():
            if tag is not None and node.tag != tag:
                continue
            if all(_attr_matches(node, name, value) for name, value in attrs.items()):
                found.append(node)
        return found

    def find(self, tag: str | None = None, **attrs: str | bool) -> Node | None:
        """The first element with this tag and attributes, or ``None``."""
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def one(self, tag: str | None = None, **attrs: str | bool) -> Node:
        """The only element with this tag and attributes (fails otherwise)."""
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"


def _attr_matches(node: Node, name: str, value: str | bool) -> bool:
    name = {"class_": "class", "for_": "for"}.get(name, name).replace("_", "-")
    actual = node.attrs.get(name)
    if value is True:
        return actual is not None
    if name == "class":
        return actual is not None and str(value) in actual.split()
    return actual == value


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v if v is not None else "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(
            Node(tag, {k: v if v is not None else "" for k, v in attrs}, self.current)
        )

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None and node.parent is not None, f"stray </{tag}>"
        self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


class Page(Node):
    """A parsed HTML page."""

    def __init__(self, html: str, response: TestResponse) -> None:
        builder = _TreeBuilder()
        builder.feed(html)
        builder.close()
        super().__init__("#document", {})
        self.children = builder.root.children
        self.html = html
        self.response = response

    @property
    def title(self) -> str:
        """The page's <title> text."""
        return self.one("title").text

    @property
    def h1(self) -> str:
        """The text of the page's one <h1>."""
        return self.one("h1").text

    def error_summary(self) -> list[tuple[str, str]]:
        """(link target, text) of each entry of the error summary (empty if none)."""
        box = self.find("div", class_="error-summary")
        if box is None:
            return []
        return [(a["href"], a.text) for a in box.find_all("a")]

    def form_data(self, form: Node | None = None) -> dict[str, str]:
        """What the (first) form would submit as it stands: values, checked radios, text."""
        form = form or self.find("form", method="post")
        assert form is not None, "no form on the page"
        data: dict[str, str] = {}
        for node in form.iter():
            name = node.get("name")
            if not name:
                continue
            if node.tag == "input":
                kind = node.get("type", "text")
                if kind in {"radio", "checkbox"}:
                    if "checked" in node.attrs:
                        data[name] = node.get("value", "on") or ""
                elif kind not in {"submit", "file", "button"}:
                    data[name] = node.get("value", "") or ""
            elif node.tag == "textarea":
                text = "".join(c for c in node.children if isinstance(c, str))
                # HTML drops one line break right after <textarea>.
                data[name] = re.sub(r"\A\r?\n", "", text)
            elif node.tag == "select":
                chosen = [o for o in node.find_all("option") if "selected" in o.attrs]
                data[name] = (chosen or node.find_all("option"))[0].get("value", "") or ""
        return data

    def private_link(self) -> str:
        """The private link shown on the page."""
        box = self.one("section", class_="private-link")
        return box.one("p", class_="private-link-url").one("a")["href"]


class Pages:
    """Requests through one client that check the status and return parsed pages."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, expected_status: int = 200) -> Page:
        """GET a page; assert its status; return it parsed."""
        response = self.client.get(url)
        assert response.status_code == expected_status, _explain(response)
        return Page(response.get_data(as_text=True), response)

    def post(self, url: str, data: Any = None, expected_status: int = 302, **kw: Any) -> Any:
        """POST a form; assert the status; return the redirect target or the parsed page."""
        response = self.client.post(url, data=data, **kw)
        assert response.status_code == expected_status, _explain(response)
        if 300 <= response.status_code < 400:
            return response.headers["Location"]
        return Page(response.get_data(as_text=True), response)


def _explain(response: TestResponse) -> str:
    text = response.get_data(as_text=True)
    main = re.search(r"<main.*?</main>", text, re.S)
    shown = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main.group(0) if main else text))
    return f"status {response.status_code}: {shown[:1500]}"


# -- test data --------------------------------------------------------------------------------

START = {
    "checklist": "school-meals-demo",
    "title": "School meals review 2026",
    "organisation": "Ministry of Education",
    "country": "Austria",
    "respondent": "government",
}


@pytest.fixture
def start_data() -> dict[str, str]:
    """A valid start form for the school-meals checklist."""
    return dict(START)


@pytest.fixture
def started(pages: Pages, start_data: dict[str, str]) -> str:
    """Start an assessment through the web; return the path of its private link."""
    location: str = pages.post("/", start_data)
    return location
