"""tests/crawl.py, the page inventory: what each role's crawl finds in the demo, and what it leaves alone."""

from collections import Counter

import pytest

from tests.crawl import ERROR_URLS, endpoint_of, inventory, log_in, start_urls


@pytest.fixture(scope="module")
def pages(demo_app):
    return inventory(demo_app)


@pytest.mark.parametrize(
    ("role", "endpoints"),
    [
        (
            "visitor",
            {
                "results.home",
                "results.archive",
                "results.edition",
                "results.public_results",
                "auth.login",
                "privacy.notice",
            },
        ),
        (
            "applicant",
            {
                "submissions.dashboard",
                "submissions.edit",
                "submissions.view",
                "auth.account",
                "privacy.my_data",
            },
        ),
        ("juror", {"judging.dashboard", "judging.entry", "auth.account", "privacy.my_data"}),
        (
            "organiser",
            {
                "contests.manage_list",
                "ranking.ranking",
                "ranking.awards",
                "judging.progress",
                "auth.people",
                "emails.edition_log",
                "emails.person_log",
                "privacy.person",
                "privacy.organisation",
            },
        ),
    ],
)
def test_crawl_reaches_each_roles_pages(pages, role, endpoints):
    client, urls = pages[role].client, pages[role].urls

    reached = Counter(endpoint_of(client, url) for url in urls)

    assert endpoints <= set(reached)
    assert max(reached.values()) <= 2  # one or two URLs per endpoint
    assert all(client.get(url).status_code == 200 for url in urls[:5])


def test_crawl_never_logs_out_nor_downloads(pages):
    for found in pages.values():
        urls = found.urls
        assert not any(url.startswith(("/logout", "/api/", "/attachments/")) for url in urls)
        assert not any(url.endswith((".pdf", ".csv", ".xlsx", ".zip")) for url in urls)
    organiser = pages["organiser"].client
    assert organiser.get("/account").status_code == 200  # still logged in after the whole crawl


def test_crawl_starts_with_the_full_edition(pages):
    client, urls = pages["organiser"].client, pages["organiser"].urls

    rankings = [url for url in urls if endpoint_of(client, url) == "ranking.ranking"]

    assert rankings[0] == start_urls("organiser")[0] + "/ranking"


def test_form_states_show_an_error_summary(pages):
    client, states = pages["visitor"].client, pages["visitor"].states

    assert {state.url for state in states} >= {"/login", "/register", "/password/forgot"}
    response = next(state for state in states if state.url == "/login").submit(client)
    html = response.get_data(as_text=True)
    assert "data-error-summary" in html
    assert "<title>Error: " in html


def test_error_urls_answer_with_their_error_pages(demo_app):
    client = demo_app.test_client()
    log_in(client, "applicant")

    statuses = {name: client.get(url).status_code for name, url in ERROR_URLS.items()}

    assert statuses == {"not found": 404, "forbidden": 403, "method not allowed": 405}
