"""Private links and redirects carry only the site's own host (``TRUSTED_HOSTS``).

The private link shown on an assessment's pages is built from the host the request names (the
Host header, or X-Forwarded-Host behind a proxy). With ``TRUSTED_HOSTS`` set, a request for
any other host gets a clear 400 page (with the security headers, never a 500), and nothing
runs for it: nothing is stored, no link is built with the made-up host.
"""

from __future__ import annotations

import logging

import pytest
from flask.testing import FlaskClient
from security_helpers import snapshot

from assessor import config, create_app
from assessor.web.app import SECURITY_HEADERS, UNTRUSTED_HOST_MESSAGE
from tests.support.data import START
from tests.support.html import Page

SITE = "assess.example.org"
EVIL = "evil.example"


def get(client: FlaskClient, path: str, host: str, **headers: str) -> Page:
    response = client.get(path, headers={"Host": host, **headers})
    return Page(response.get_data(as_text=True), response)


def start(client: FlaskClient, host: str = SITE) -> str:
    response = client.post("/", data=START, headers={"Host": host})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location: str = response.headers["Location"]
    assert location.startswith("/a/")  # a redirect names no host at all
    return location


def assert_refused(page: Page) -> None:
    response = page.response
    assert response.status_code == 400
    assert page.h1 == "Something in the request was wrong"
    assert UNTRUSTED_HOST_MESSAGE in " ".join(page.text.split())
    assert EVIL not in response.get_data(as_text=True)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["Cache-Control"] == "no-store"
    assert "Location" not in response.headers


def test_another_host_gets_a_400_page_and_nothing_runs(make_app) -> None:
    app = make_app(TRUSTED_HOSTS=[SITE])
    client = app.test_client()
    overview = start(client)
    before = snapshot(app)

    for path in ("/", overview, overview + "theme/provision", overview + "results", "/import"):
        assert_refused(get(client, path, EVIL))
        assert_refused(get(client, path, f"{EVIL}:443"))
    response = client.post("/", data=START, headers={"Host": EVIL})
    assert_refused(Page(response.get_data(as_text=True), response))
    response = client.post(
        overview + "theme/provision",
        data={"free-meals-eligibility-level": "full"},
        headers={"Host": EVIL},
    )
    assert_refused(Page(response.get_data(as_text=True), response))
    assert snapshot(app) == before  # nothing started, nothing saved


def test_the_trusted_host_is_served_and_its_links_name_it(make_app) -> None:
    app = make_app(TRUSTED_HOSTS=[SITE, ".example.net"])
    client = app.test_client()
    overview = start(client)
    for host in (SITE, SITE.upper(), f"{SITE}:8443", "eu.example.net", "example.net"):
        page = get(client, overview, host)
        assert page.response.status_code == 200, host
        assert page.private_link() == f"http://{host.lower()}{overview}"
    assert_refused(get(client, overview, "example.org"))
    assert_refused(get(client, overview, "eu.example.net.evil.example"))


def test_behind_a_proxy_the_forwarded_host_is_checked(make_app) -> None:
    app = make_app(TRUSTED_HOSTS=SITE, TRUSTED_PROXY_HOPS=1)
    client = app.test_client()
    internal = "127.0.0.1:8000"  # what the proxy connects to: not a trusted name
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    response = client.post(
        "/", data=START, headers={"Host": internal, "X-Forwarded-Host": SITE, **forwarded}
    )
    assert response.status_code == 302
    overview = response.headers["Location"]
    page = get(client, overview, internal, **{"X-Forwarded-Host": SITE}, **forwarded)
    assert page.response.status_code == 200
    assert page.private_link() == f"https://{SITE}{overview}"

    assert_refused(get(client, overview, SITE, **{"X-Forwarded-Host": EVIL}, **forwarded))
    assert_refused(get(client, overview, internal, **forwarded))  # the proxy sent no host


def test_the_refusal_is_logged_for_the_operator(make_app, caplog) -> None:
    caplog.set_level(logging.INFO, logger="assessor")
    client = make_app(TRUSTED_HOSTS=[SITE]).test_client()
    assert get(client, "/", EVIL).response.status_code == 400
    assert f"refused a request for host '{EVIL}' (not in TRUSTED_HOSTS)" in caplog.text


def test_without_the_setting_any_host_is_served(make_app) -> None:
    client = make_app().test_client()
    overview = start(client, EVIL)
    assert get(client, overview, EVIL).private_link() == f"http://{EVIL}{overview}"


def test_without_the_setting_production_warns_at_start(make_app, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="assessor")
    make_app(TESTING=False)
    assert "TRUSTED_HOSTS is not set" in caplog.text
    caplog.clear()
    make_app(TESTING=False, TRUSTED_HOSTS=SITE)
    assert "TRUSTED_HOSTS" not in caplog.text


# -- the setting ------------------------------------------------------------------------------


def test_the_setting_from_the_environment() -> None:
    def hosts(environ: dict[str, str]) -> list[str] | None:
        return config.parse_hosts(config.resolve(environ=environ)["TRUSTED_HOSTS"])

    assert hosts({}) is None
    assert hosts({"TRUSTED_HOSTS": f"{SITE}, www.{SITE}"}) == [SITE, f"www.{SITE}"]
    assert hosts({"FLASK_TRUSTED_HOSTS": f'["{SITE}", ".example.net"]'}) == [SITE, ".example.net"]
    assert hosts({"FLASK_TRUSTED_HOSTS": SITE.upper()}) == [SITE]
    both = {"FLASK_TRUSTED_HOSTS": '["other.example"]', "TRUSTED_HOSTS": SITE}
    assert hosts(both) == [SITE]  # the unprefixed name wins, as for the other settings
    assert hosts({"FLASK_TRUSTED_HOSTS": "[]"}) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (f"https://{SITE}", f"not 'https://{SITE}'"),
        (f"{SITE}/path", f"not '{SITE}/path'"),
        (5, "not 5"),
        ([SITE, 5], "or a list of them"),
    ],
)
def test_a_bad_setting_stops_the_app_with_a_clear_message(sqlite_url, value, problem) -> None:
    with pytest.raises(RuntimeError) as excinfo:
        create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "TRUSTED_HOSTS": value})
    assert "TRUSTED_HOSTS" in str(excinfo.value) and problem in str(excinfo.value)
