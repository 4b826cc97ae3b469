"""The jury's pages issue a number of SQL queries that does not grow with the number of entries."""

import pytest

from tests.conftest import counting_queries


def build(make, db, entries: int):
    """An edition in judging, two jurors, `entries` eligible entries all assigned, sheets in every state."""
    edition = make.edition(phase="judging")
    organiser = make.organiser()
    jurors = [make.juror(country="FR"), make.juror(country="DE")]
    for juror in jurors:
        make.jury_member(edition, juror)
    first = None
    for n in range(entries):
        application = make.application(edition_=edition, status="eligible")
        make.attachment(application)
        for juror in jurors:
            assignment = make.assignment(application, juror)
            first = first or assignment
            if n % 3 == 0:
                make.score_sheet(assignment)
            elif n % 3 == 1:
                make.score_sheet(assignment, [1, None, 2], status="draft")
    make.application(edition_=edition, status="submitted")
    db.session.commit()
    return edition, organiser, jurors, first


def queries(client, db, url: str) -> int:
    with counting_queries(db) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


@pytest.mark.parametrize(
    "url",
    ["/jury", "/jury/entries/{first}"],
)
def test_juror_pages_queries_do_not_grow_with_entries(app, make, db, auth, url):
    counts = []
    for size in (5, 50):
        edition, organiser, jurors, first = build(make, db, size)
        client = app.test_client()
        auth.client = client
        auth.login(jurors[0].email)
        queries(client, db, url.format(first=first.id))  # warm up: the first request loads the session
        counts.append(queries(client, db, url.format(first=first.id)))
        db.session.expunge_all()
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("page", ["screening", "jury", "assignments", "progress"])
def test_organiser_pages_queries_do_not_grow_with_entries(app, make, db, auth, page):
    counts = []
    for size in (5, 50):
        edition, organiser, jurors, first = build(make, db, size)
        client = app.test_client()
        auth.client = client
        auth.login(organiser.email)
        url = f"/manage/editions/{edition.id}/{page}"
        queries(client, db, url)
        counts.append(queries(client, db, url))
        db.session.expunge_all()
    assert counts[0] == counts[1], counts
