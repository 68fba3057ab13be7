"""HTML pages parsed into a small tree, for asserting on what a user is shown.

The web tests read pages through :class:`Pages` (the Flask test client, asserting the status);
the HTTP client of the stress tests and benchmarks (:mod:`tests.support.client`) parses what
the live server sends into the same :class:`Page`. Built on the standard library's parser, so it
sees the markup exactly as sent: nothing is repaired, and a stray end tag fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the HTTP client uses this module without loading Flask
    from flask.testing import FlaskClient
    from werkzeug.test import TestResponse

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
        """Elements with this tag and attributes (``class_`` matches one class; True: present;
        False: absent)."""
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

    def hidden_inputs(self) -> dict[str, str]:
        """Name and value of every hidden input inside (CSRF token, answers' fingerprints)."""
        return {
            node["name"]: node.get("value", "") or ""
            for node in self.find_all("input", type="hidden", name=True)
        }

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"


def _attr_matches(node: Node, name: str, value: str | bool) -> bool:
    name = {"class_": "class", "for_": "for"}.get(name, name).replace("_", "-")
    actual = node.attrs.get(name)
    if value is True:
        return actual is not None
    if value is False:
        return actual is None
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
    """A parsed HTML page, with the response it came in (if any)."""

    def __init__(self, html: str, response: Any = None) -> None:
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
