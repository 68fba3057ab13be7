"""Check your answers (the review page), the way back after "Change", and the assessment's
home page: results and downloads once finished, "Continue answering" at the first gap."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from assessor.web.returns import safe_return

LONG_EVIDENCE = "Decree 12/2024, art. 3.\nSecond line kept. " + "x" * 900 + " end-of-evidence"


def answer(pages, started: str, theme: str, answers: dict[str, str], action: str = "later") -> str:
    """Save answers on a theme page as the browser would; return where it went."""
    page = pages.get(f"{started}theme/{theme}")
    form = page.find("form", method="post")
    return pages.post(form["action"], page.form_data() | answers | {"action": action})


@pytest.fixture
def partly(pages, started: str) -> str:
    """An assessment with theme 1 answered (long evidence on one) and theme 2 not."""
    answer(
        pages,
        started,
        "provision",
        {
            "free-meals-eligibility-level": "full",
            "free-meals-eligibility-evidence": LONG_EVIDENCE,
            "free-meals-nutrition-level": "planned",
        },
    )
    return started


def test_check_your_answers_lists_every_criterion_with_level_and_evidence(pages, partly) -> None:
    page = pages.get(partly + "review")
    assert page.h1 == "Check your answers"
    themes = page.find_all("section", class_="check-theme")
    assert [t.one("h2").text for t in themes] == [
        "Theme 1. Provision (2 of 2 answered)",
        "Theme 2. Oversight (0 of 2 answered)",
    ]
    recs = page.find_all("section", class_="check-recommendation")
    assert [r.one("h3").text for r in recs] == ["Recommendation 1.1", "Recommendation 2.1"]
    assert recs[0].one("blockquote").text.strip() == (
        "Offer a free, nutritious meal to every pupil in need."
    )
    items = page.find_all("li", class_="check-criterion")
    assert [i["id"] for i in items] == [
        "Answer-free-meals-eligibility",
        "Answer-free-meals-nutrition",
        "Answer-monitoring-uptake",
        "Answer-monitoring-quality",
    ]
    assert [i.one("h4").text for i in items] == [
        "1.1.a Eligibility rules for free meals are published.",
        "1.1.b Meals meet written nutrition standards.",
        "2.1.a Uptake is measured every year.",
        "2.1.b Quality is inspected every year.",
    ]
    levels = [i.one("dl").find_all("dd")[0].text for i in items]
    assert levels == ["Fully in place", "Planned", "Not answered", "Not answered"]
    # The unanswered are marked, the answered not.
    marked = ["is-unanswered" in i["class"].split() for i in items]
    assert marked == [False, False, True, True]
    # The evidence whole, line breaks and all; none given says so.
    evidence = items[0].one("bdi", class_="check-evidence")
    assert evidence.text == " ".join(LONG_EVIDENCE.split())
    assert f'<bdi class="check-evidence">{LONG_EVIDENCE}</bdi>' in page.html
    assert items[1].one("dl").find_all("dd")[1].text == "None given"
    # The page's own stylesheet, with the print rules.
    assert page.find("link", href="/static/css/review.css")


def test_each_change_link_opens_the_criterion_and_names_this_page_to_return_to(
    pages, partly
) -> None:
    page = pages.get(partly + "review")
    for item in page.find_all("li", class_="check-criterion"):
        crit = item["id"].removeprefix("Answer-")
        link = item.one("p", class_="check-change").one("a")
        assert link.text.startswith("Change")
        url = urlsplit(link["href"])
        theme = "provision" if crit.startswith("free-meals") else "oversight"
        assert url.path == f"{partly}theme/{theme}"
        assert url.fragment == crit
        assert parse_qs(url.query) == {"next": [f"{partly}review#Answer-{crit}"]}


def test_saving_after_change_returns_to_the_criterion_on_the_review(pages, partly) -> None:
    review = pages.get(partly + "review")
    link = review.one("li", id="Answer-monitoring-uptake").one("p", class_="check-change").one("a")
    theme = pages.get(link["href"])
    form = theme.find("form", method="post")
    # The way back is carried through the form, and the button says where it goes.
    assert parse_qs(urlsplit(form["action"]).query) == {
        "next": [f"{partly}review#Answer-monitoring-uptake"]
    }
    button = form.one("button", value="continue", class_="button")
    assert button.text == "Save and go back to your answers"
    data = theme.form_data() | {"monitoring-uptake-level": "partial", "action": "continue"}
    back = pages.post(form["action"], data)
    assert back == f"{partly}review#Answer-monitoring-uptake"
    again = pages.get(back.partition("#")[0])
    uptake = again.one("li", id="Answer-monitoring-uptake")
    assert uptake.one("dl").find_all("dd")[0].text == "Partially in place"
    # "Save and come back later" still goes to the assessment's page.
    later = answer(pages, partly, "oversight", {"monitoring-quality-level": "full"})
    assert later.startswith(partly) and "review" not in later


def test_a_failed_save_keeps_the_way_back(pages, partly) -> None:
    url = f"{partly}theme/oversight?next={partly}review%23Answer-monitoring-uptake"
    theme = pages.get(url)
    form = theme.find("form", method="post")
    data = theme.form_data() | {"monitoring-uptake-evidence": "x " * 5000, "action": "continue"}
    refused = pages.post(form["action"], data, expected_status=422)
    again = refused.find("form", method="post")
    assert parse_qs(urlsplit(again["action"]).query) == {
        "next": [f"{partly}review#Answer-monitoring-uptake"]
    }


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/a/",
        "/\\evil.example",
        "/a/{other}/review",
        "/a/{token}/../../elsewhere",
        "/a/{token}/review?x=1",
        "/a/{token}//evil.example",
        "/a/{token}/review#x y",
        "/a/{token}/review#<script>",
        "/a/{token}/review\r\nX: y",
        "javascript:alert(1)",
        "/results",
        "",
    ],
)
def test_the_way_back_is_only_ever_this_assessments_own_page(pages, partly, target) -> None:
    token = partly.strip("/").split("/")[1]
    other = "B" * 43
    bad = target.format(token=token, other=other)
    theme = pages.get(f"{partly}theme/oversight?" + _query(bad))
    form = theme.find("form", method="post")
    assert "next=" not in form["action"]
    assert form.one("button", value="continue", class_="button").text == "Save and continue"
    data = theme.form_data() | {"monitoring-uptake-level": "full", "action": "continue"}
    # Posted with the bad value anyway: it is ignored, the usual next step follows.
    went = pages.post(f"{partly}theme/oversight?" + _query(bad), data)
    assert went == f"{partly}review"


def _query(value: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": value})


def test_safe_return_accepts_only_paths_of_the_assessment(app: Flask) -> None:
    token = "A" * 43
    with app.test_request_context("/"):
        good = [
            f"/a/{token}/review",
            f"/a/{token}/review#Answer-free-meals-nutrition",
            f"/a/{token}/",
            f"/a/{token}/theme/provision",
        ]
        for value in good:
            assert safe_return(token, value) == value
        for value in (
            None,
            "",
            f"/a/{'B' * 43}/review",
            f"/a/{token}",
            f"/a/{token}/../x",
            f"/a/{token}/./x",
            f"/a/{token}/%2e%2e/x",
            f"/a/{token}/review#",
            f"https://localhost/a/{token}/review",
            f"/a/{token}/" + "x" * 700,
        ):
            assert safe_return(token, value) is None, value


def test_under_a_path_prefix_the_way_back_carries_the_prefix(app: Flask) -> None:
    token = "A" * 43
    with app.test_request_context("/", base_url="http://localhost/assessor"):
        assert safe_return(token, f"/assessor/a/{token}/review") == f"/assessor/a/{token}/review"
        assert safe_return(token, f"/a/{token}/review") is None


# -- the assessment's home page ------------------------------------------------------------


def test_continue_answering_opens_the_first_unanswered_criterion(pages, started) -> None:
    overview = pages.get(started)
    first = overview.find("a", class_="button")
    assert first.text == "Start answering"
    assert first["href"] == f"{started}theme/provision"
    answer(pages, started, "provision", {"free-meals-eligibility-level": "full"})
    overview = pages.get(started)
    go_on = overview.find("a", class_="button")
    assert go_on.text == "Continue answering"
    assert go_on["href"] == f"{started}theme/provision#free-meals-nutrition"
    # ... whose anchor is that criterion's fieldset on the theme page.
    theme = pages.get(go_on["href"].partition("#")[0])
    assert theme.one("fieldset", id="free-meals-nutrition")
    answer(pages, started, "provision", {"free-meals-nutrition-level": "unknown"})
    answer(pages, started, "oversight", {"monitoring-quality-level": "planned"})
    go_on = pages.get(started).find("a", class_="button")
    assert go_on["href"] == f"{started}theme/oversight#monitoring-uptake"


def _finish(pages, started: str) -> None:
    answer(
        pages,
        started,
        "provision",
        {"free-meals-eligibility-level": "full", "free-meals-nutrition-level": "planned"},
    )
    answer(
        pages,
        started,
        "oversight",
        {"monitoring-uptake-level": "partial", "monitoring-quality-level": "not_in_place"},
    )


def test_an_unfinished_assessment_has_no_results_section(pages, started) -> None:
    overview = pages.get(started)
    assert overview.find("section", class_="results-ready") is None
    assert overview.one("a", href=f"{started}review").text == "Check your answers"


def test_a_finished_assessment_leads_to_its_results_and_downloads(pages, started) -> None:
    _finish(pages, started)
    overview = pages.get(started)
    ready = overview.one("section", class_="results-ready")
    assert ready.one("h2").text == "Results and reports"
    assert ready.one("a", href=f"{started}results").text == "See the results"
    assert ready.one("a", href=f"{started}review").text == "Check your answers"
    hrefs = [a["href"] for a in ready.one("ul", class_="downloads").find_all("a")]
    assert hrefs[:4] == [
        f"{started}report?audience=government&format=pdf",
        f"{started}report?audience=government&format=docx",
        f"{started}report?audience=ngo&format=pdf",
        f"{started}report?audience=ngo&format=docx",
    ]
    assert f"{started}plan" in hrefs
    assert overview.find("a", string="Continue answering") is None
    assert all(a.text != "Continue answering" for a in overview.find_all("a"))
    # The download links work (made in the request in the tests).
    response = pages.client.get(hrefs[0], follow_redirects=True)
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")


def test_a_finished_ngo_assessment_offers_the_brief_first(pages, start_data) -> None:
    started = pages.post("/", start_data | {"respondent": "ngo"})
    _finish(pages, started)
    ready = pages.get(started).one("section", class_="results-ready")
    first = ready.one("ul", class_="downloads").find("li")
    assert first.text.startswith("Advocacy brief")
    assert f"{started}asks" in [a["href"] for a in ready.find_all("a")]


# -- the start page, and the icon ----------------------------------------------------------


def test_start_page_says_how_many_criteria_and_how_long(pages) -> None:
    page = pages.get("/")
    size = page.one("p", id="Size-school-meals-demo")
    assert size.text.startswith(
        "4 criteria in 2 themes. Answering takes about 5 to 10 minutes in all: a minute or so "
        "per criterion when you know the answer, up to three when you look up the evidence"
    )
    assert [a["href"] for a in size.find_all("a")] == [
        "/questionnaire/school-meals-demo.pdf",
        "/questionnaire/school-meals-demo.docx",
    ]


def test_start_page_counts_the_osce_checklist(make_app, checklist_dir) -> None:
    import shutil

    from tests.support.data import OSCE

    shutil.copy(OSCE, checklist_dir / OSCE.name)
    page = make_app().test_client().get("/").get_data(as_text=True)
    assert "58 criteria in 4 themes. Answering takes about 1 to 3 hours:" in page


def test_every_page_links_the_icon_and_the_icon_is_served(pages, started) -> None:
    for path in ("/", started, started + "review", "/import"):
        page = pages.get(path)
        icons = {link["href"]: link.get("type") for link in page.find_all("link", rel="icon")}
        assert icons == {"/favicon.ico": None, "/static/favicon.svg": "image/svg+xml"}
    response = pages.client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\0\0\1\0"  # an ICO file
    assert "max-age" in response.headers["Cache-Control"]
    svg = pages.client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    svg.close()
