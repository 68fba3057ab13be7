"""Two tabs, two colleagues, many at once: no answer is silently overwritten.

A save based on an outdated page is detected (the page's fingerprints) and shown as a conflict,
with the colleague's version and the user's own input kept; saves of different criteria from
the same outdated page are all kept.
"""

from __future__ import annotations

import threading

from flask import Flask
from security_helpers import token_of

from assessor import store
from assessor.answers import Answer
from tests.support.data import START


def _saved(app: Flask, path: str) -> dict[str, Answer]:
    with app.app_context():
        assessment = store.get_by_token(token_of(path))
        assert assessment is not None
        return store.load_answers(assessment)


def test_two_tabs_of_one_browser(app: Flask, pages) -> None:
    overview = pages.post("/", START)
    path = overview + "theme/provision"
    tab_a, tab_b = pages.get(path).form_data(), pages.get(path).form_data()
    pages.post(path, tab_a | {"free-meals-eligibility-level": "full", "action": "continue"})
    pages.post(path, tab_b | {"free-meals-nutrition-level": "planned", "action": "continue"})
    assert _saved(app, overview) == {
        "free-meals-eligibility": Answer("full"),
        "free-meals-nutrition": Answer("planned"),
    }
    # The stale tab now changes what the other saved: shown as a conflict, nothing lost.
    page = pages.post(
        path,
        tab_b
        | {
            "free-meals-eligibility-level": "partial",
            "free-meals-eligibility-evidence": "Tab B's evidence",
            "free-meals-nutrition-level": "planned",
        },
        expected_status=409,
    )
    assert "someone else saved “Fully in place”" in page.text
    kept = page.form_data()
    assert kept["free-meals-eligibility-level"] == "partial"
    assert kept["free-meals-eligibility-evidence"] == "Tab B's evidence"
    assert _saved(app, overview)["free-meals-eligibility"] == Answer("full")


def _post_all_at_once(app: Flask, path: str, forms: list[dict[str, str]]) -> list[int]:
    """Post each form from its own browser at the same moment; return the statuses."""
    clients = [app.test_client() for _ in forms]
    for client in clients:
        assert client.get(path).status_code == 200
    barrier = threading.Barrier(len(forms))
    statuses: list[int] = [0] * len(forms)
    errors: list[BaseException] = []

    def post(n: int) -> None:
        try:
            barrier.wait()
            statuses[n] = clients[n].post(path, data=forms[n]).status_code
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return statuses


def test_colleagues_saving_different_criteria_at_once_are_all_kept(app: Flask, pages) -> None:
    overview = pages.post("/", START)
    path = overview + "theme/provision"
    levels = ["full", "planned", "partial", "unknown", "not_in_place"]
    for round_ in range(5):
        page = pages.get(path).form_data()  # both colleagues opened the same page
        level_a, level_b = levels[round_], levels[-1 - round_]
        forms = [
            page
            | {
                "free-meals-eligibility-level": level_a,
                "free-meals-eligibility-evidence": f"A{round_}",
            },
            page
            | {
                "free-meals-nutrition-level": level_b,
                "free-meals-nutrition-evidence": f"B{round_}",
            },
        ]
        assert _post_all_at_once(app, path, forms) == [302, 302]
        assert _saved(app, overview) == {
            "free-meals-eligibility": Answer(level_a, f"A{round_}"),
            "free-meals-nutrition": Answer(level_b, f"B{round_}"),
        }


def test_colleagues_saving_the_same_criterion_at_once_one_wins_the_others_are_told(
    app: Flask, pages
) -> None:
    overview = pages.post("/", START)
    path = overview + "theme/provision"
    page = pages.get(path).form_data()
    for round_ in range(3):
        forms = [
            page
            | {
                "free-meals-eligibility-level": "partial",
                "free-meals-eligibility-evidence": f"round {round_} colleague {n}",
            }
            for n in range(6)
        ]
        statuses = _post_all_at_once(app, path, forms)
        assert sorted(statuses) == [302] + [409] * 5, statuses
        winner = statuses.index(302)
        assert _saved(app, overview)["free-meals-eligibility"] == Answer(
            "partial", f"round {round_} colleague {winner}"
        )
        page = pages.get(path).form_data()
