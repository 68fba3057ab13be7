"""The report's URL fetcher serves its own static files and refuses everything else."""

from __future__ import annotations

from pathlib import Path
from urllib.request import HTTPRedirectHandler

import pytest
import weasyprint

from assessor.report.fetcher import STATIC_DIR, RefusedURL, StaticOnlyFetcher


@pytest.fixture
def fetcher() -> StaticOnlyFetcher:
    return StaticOnlyFetcher()


def test_serves_the_stylesheet_and_fonts(fetcher):
    response = fetcher.fetch((STATIC_DIR / "report.css").as_uri())
    try:
        assert response.content_type == "text/css"
        assert b"@font-face" in response.read()
    finally:
        response.close()
    for font in (STATIC_DIR / "fonts").glob("*.otf"):
        fetcher.fetch(font.as_uri()).close()
    assert fetcher.refused == []


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.png",
        "https://example.org/style.css",
        "ftp://example.org/file",
        "data:text/css,body{color:red}",
        "file:///etc/passwd",
        "file://remote-host" + str(STATIC_DIR / "report.css"),
        (STATIC_DIR / ".." / "fetcher.py").as_uri(),
        STATIC_DIR.as_uri() + "/%2e%2e/fetcher.py",
        STATIC_DIR.as_uri() + "/fonts",  # a folder, not a file
        STATIC_DIR.as_uri() + "/missing.css",
        "report.css",  # not absolute
    ],
)
def test_refuses_anything_else(fetcher, url):
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_refuses_a_symlink_out_of_the_folder(tmp_path: Path):
    root = tmp_path / "static"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (root / "link.css").symlink_to(secret)
    (root / "ok.css").write_text("p {}")
    fetcher = StaticOnlyFetcher(root)
    fetcher.fetch((root / "ok.css").as_uri()).close()
    with pytest.raises(RefusedURL):
        fetcher.fetch((root / "link.css").as_uri())


def test_follows_no_redirects(fetcher):
    assert not any(isinstance(h, HTTPRedirectHandler) for h in fetcher.handlers)


def test_weasyprint_gets_nothing_from_outside(tmp_path: Path):
    """A document naming outside resources renders without them (and without a request)."""
    outside = tmp_path / "outside.css"
    outside.write_text("p { color: red }")
    fetcher = StaticOnlyFetcher()
    html = (
        f'<link rel="stylesheet" href="{outside.as_uri()}">'
        '<img src="http://evil.example/x.png" alt="x">'
        '<a rel="attachment" href="file:///etc/passwd">passwd</a><p>text</p>'
    )
    pdf = weasyprint.HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
    assert pdf.write_pdf().startswith(b"%PDF")
    assert outside.as_uri() in fetcher.refused
    assert "http://evil.example/x.png" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
