"""A juror never sees another juror's scores or comments while judging; afterwards the edition decides."""

from datetime import timedelta

import pytest

from app.db import utcnow
from tests.judging.helpers import entry_url, page

PLANTED_COMMENT = "Zebra-quartz-7731 planted by Bruno"
PLANTED_OVERALL = "Overall-walrus-4417 from Bruno"


@pytest.fixture
def planted(world, make, db):
    """Bruno has submitted a sheet with distinctive comments and scores on every entry."""
    for entry in world.entries:
        sheet = make.score_sheet(
            world.assignment(world.bruno, entry), [3, 3, 3], overall_comment=PLANTED_OVERALL
        )
        sheet.scores[0].comment = PLANTED_COMMENT
    db.session.commit()
    return world


def alice_pages(client, world) -> list[str]:
    urls = ["/jury", *[entry_url(world.assignment(world.alice, entry)) for entry in world.entries]]
    responses = [client.get(url) for url in urls]
    assert [r.status_code for r in responses] == [200] * len(urls)
    return [page(r) for r in responses]


def test_other_jurors_comments_never_shown_while_judging(client, auth, planted):
    auth.login(planted.alice.email)

    for html in alice_pages(client, planted):
        assert PLANTED_COMMENT not in html
        assert PLANTED_OVERALL not in html
        assert planted.bruno.name not in html
        assert "The other jurors" not in html


def test_other_jurors_comments_hidden_after_close_by_default(client, auth, planted, db):
    planted.edition.judging_close_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    auth.login(planted.alice.email)

    for html in alice_pages(client, planted):
        assert PLANTED_COMMENT not in html
        assert PLANTED_OVERALL not in html


def test_other_jurors_comments_hidden_after_publication_by_default(client, auth, planted, db):
    planted.edition.results_published_at = utcnow()
    db.session.commit()
    auth.login(planted.alice.email)

    for html in alice_pages(client, planted):
        assert PLANTED_COMMENT not in html


def test_other_jurors_sheets_shown_after_close_when_the_edition_reveals_them(client, auth, planted, db):
    planted.edition.reveal_scores_to_jury = True
    planted.edition.judging_close_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    auth.login(planted.alice.email)

    html = page(client.get(entry_url(planted.assignment(planted.alice, planted.entries[0]))))

    assert "The other jurors' sheets" in html
    assert PLANTED_COMMENT in html and PLANTED_OVERALL in html and planted.bruno.name in html
    assert "<strong>Integration:</strong> 3 / 10" in html


def test_reveal_setting_has_no_effect_while_judging_is_open(client, auth, planted, db):
    planted.edition.reveal_scores_to_jury = True
    db.session.commit()
    auth.login(planted.alice.email)

    for html in alice_pages(client, planted):
        assert PLANTED_COMMENT not in html
        assert PLANTED_OVERALL not in html


def test_stale_conflict_page_shows_only_the_jurors_own_sheet(client, auth, planted, db, make):
    from tests.judging.helpers import post_sheet

    assignment = planted.assignment(planted.alice, planted.entries[0])
    make.score_sheet(assignment, [5, 5, 5], status="draft")
    db.session.commit()
    auth.login(planted.alice.email)

    response = post_sheet(auth, assignment, planted.criteria, [6, 6, 6], version="0")

    assert response.status_code == 409
    assert PLANTED_COMMENT not in page(response) and PLANTED_OVERALL not in page(response)
