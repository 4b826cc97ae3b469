"""The organisers' assignment page: every pair, balanced, manual add and remove, conflicts shown."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db import utcnow
from app.judging.models import Assignment, ConflictOfInterest
from app.submissions.models import Application
from tests.judging.helpers import page


def assignments_url(edition) -> str:
    return f"/manage/editions/{edition.id}/assignments"


def pairs(db) -> set[tuple[int, int]]:
    return {tuple(row) for row in db.session.execute(select(Assignment.juror_id, Assignment.application_id))}


@pytest.fixture
def unassigned(db, make):
    """An edition in judging: jurors from FR, DE, IT; entries from FR, CZ, CZ, CZ; a declared conflict."""
    edition = make.edition(phase="judging")
    organiser = make.organiser()
    jurors = [make.juror(name=f"Juror {c}", country=c) for c in ("FR", "DE", "IT")]
    for juror in jurors:
        make.jury_member(edition, juror)
    entries = [
        make.application(
            edition_=edition, status="eligible", organisation_=make.organisation(country=country)
        )
        for country in ("FR", "CZ", "CZ", "CZ")
    ]
    make.application(edition_=edition, status="submitted")  # not screened yet: never assigned
    db.session.add(ConflictOfInterest(juror_id=jurors[1].id, application_id=entries[1].id, reason="Advisor."))
    db.session.commit()
    return edition, organiser, jurors, entries


def test_assign_all_assigns_every_allowed_pair(client, auth, db, unassigned):
    edition, organiser, jurors, entries = unassigned
    auth.login(organiser.email)

    response = auth.post(f"{assignments_url(edition)}/all", form_url=assignments_url(edition))

    assert response.status_code == 302
    expected = {(j.id, e.id) for j in jurors for e in entries} - {
        (jurors[0].id, entries[0].id),
        (jurors[1].id, entries[1].id),
    }
    assert pairs(db) == expected
    assert "10 assignments added." in page(client.get(assignments_url(edition)))


def test_assign_all_twice_adds_nothing_more(client, auth, db, unassigned):
    edition, organiser, *_ = unassigned
    auth.login(organiser.email)
    auth.post(f"{assignments_url(edition)}/all", form_url=assignments_url(edition))

    auth.post(f"{assignments_url(edition)}/all", form_url=assignments_url(edition))

    assert len(pairs(db)) == 10
    assert "Every juror already has every entry they may score." in page(client.get(assignments_url(edition)))


def test_assignment_page_shows_every_excluded_pair_and_why(client, auth, db, unassigned):
    edition, organiser, jurors, entries = unassigned
    auth.login(organiser.email)

    html = page(client.get(assignments_url(edition)))

    assert "2 excluded pairs" in html
    assert "same country" in html
    assert "declared conflict of interest" in html
    assert "1 submitted application still awaits its eligibility decision" in html


def test_balanced_assignment_gives_k_jurors_and_reports_shortfall(client, auth, db, unassigned):
    edition, organiser, jurors, entries = unassigned
    auth.login(organiser.email)

    response = auth.post(
        f"{assignments_url(edition)}/balanced", {"jurors_per_entry": "3"}, form_url=assignments_url(edition)
    )

    assert response.status_code == 302
    assigned = pairs(db)
    per_entry = {e.id: sum(1 for _, a in assigned if a == e.id) for e in entries}
    assert per_entry == {entries[0].id: 2, entries[1].id: 2, entries[2].id: 3, entries[3].id: 3}
    html = page(client.get(assignments_url(edition)))
    assert f"{entries[0].reference} (1 short)" in html and f"{entries[1].reference} (1 short)" in html


def test_balanced_assignment_is_reproducible(client, auth, db, unassigned):
    edition, organiser, *_ = unassigned
    auth.login(organiser.email)
    url = f"{assignments_url(edition)}/balanced"
    auth.post(url, {"jurors_per_entry": "2"}, form_url=assignments_url(edition))
    first = pairs(db)

    auth.post(url, {"jurors_per_entry": "2"}, form_url=assignments_url(edition))

    assert pairs(db) == first
    loads = [sum(1 for j, _ in first if j == juror) for juror in {j for j, _ in first}]
    assert max(loads) - min(loads) <= 1


def test_balanced_assignment_refused_once_jurors_started(client, auth, db, make, unassigned):
    edition, organiser, jurors, entries = unassigned
    make.score_sheet(make.assignment(entries[2], jurors[0]), status="draft")
    db.session.commit()
    auth.login(organiser.email)

    auth.post(
        f"{assignments_url(edition)}/balanced", {"jurors_per_entry": "1"}, form_url=assignments_url(edition)
    )

    assert pairs(db) == {(jurors[0].id, entries[2].id)}
    assert "automatic assignment would undo" in page(client.get(assignments_url(edition)))


@pytest.mark.parametrize("k", ["0", "-1", "abc", ""])
def test_balanced_assignment_refuses_a_bad_number(client, auth, db, unassigned, k):
    edition, organiser, *_ = unassigned
    auth.login(organiser.email)

    response = auth.post(
        f"{assignments_url(edition)}/balanced", {"jurors_per_entry": k}, form_url=assignments_url(edition)
    )

    assert response.status_code == 422
    assert pairs(db) == set()


def test_manual_add_and_remove(client, auth, db, unassigned):
    edition, organiser, jurors, entries = unassigned
    auth.login(organiser.email)
    url = assignments_url(edition)

    auth.post(
        f"{url}/add", {"juror_id": str(jurors[0].id), "application_id": str(entries[2].id)}, form_url=url
    )
    assert pairs(db) == {(jurors[0].id, entries[2].id)}
    assignment = db.session.scalar(select(Assignment))

    auth.post(f"{url}/{assignment.id}/remove", form_url=url)
    assert pairs(db) == set()
    assert "no longer scores" in page(client.get(url))


@pytest.mark.parametrize("which", ["same_country", "declared"])
def test_manual_add_of_a_conflicted_pair_is_refused(client, auth, db, unassigned, which):
    edition, organiser, jurors, entries = unassigned
    juror, entry = (jurors[0], entries[0]) if which == "same_country" else (jurors[1], entries[1])
    auth.login(organiser.email)
    url = assignments_url(edition)

    auth.post(f"{url}/add", {"juror_id": str(juror.id), "application_id": str(entry.id)}, form_url=url)

    assert pairs(db) == set()
    message = "same country" if which == "same_country" else "declared conflict of interest"
    assert f"may not score {entry.reference}: {message}" in page(client.get(url))


def test_manual_add_of_a_non_member_or_unscreened_entry_is_refused(client, auth, db, make, unassigned):
    edition, organiser, jurors, entries = unassigned
    stranger = make.juror(country="SE")
    unscreened = db.session.scalar(select(Application).where(Application.status == "submitted"))
    db.session.commit()
    auth.login(organiser.email)
    url = assignments_url(edition)

    auth.post(
        f"{url}/add", {"juror_id": str(stranger.id), "application_id": str(entries[2].id)}, form_url=url
    )
    auth.post(
        f"{url}/add", {"juror_id": str(jurors[0].id), "application_id": str(unscreened.id)}, form_url=url
    )

    assert pairs(db) == set()


def test_remove_assignment_with_submitted_sheet_is_refused(client, auth, db, make, unassigned):
    edition, organiser, jurors, entries = unassigned
    assignment = make.assignment(entries[2], jurors[0])
    make.score_sheet(assignment)
    db.session.commit()
    auth.login(organiser.email)

    auth.post(f"{assignments_url(edition)}/{assignment.id}/remove", form_url=assignments_url(edition))

    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 1
    assert "the assignment stays" in page(client.get(assignments_url(edition)))


def test_assignments_frozen_outside_judging(client, auth, db, unassigned):
    edition, organiser, *_ = unassigned
    edition.judging_close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    auth.login(organiser.email)

    auth.post(f"{assignments_url(edition)}/all", form_url=assignments_url(edition))

    assert pairs(db) == set()
    assert "Assignments can be changed only while judging is open" in page(
        client.get(assignments_url(edition))
    )


def test_assignments_forbidden_to_jurors(client, auth, db, unassigned):
    edition, organiser, jurors, entries = unassigned
    auth.login(jurors[0].email)

    assert client.get(assignments_url(edition)).status_code == 403
    token = auth.csrf("/jury")
    assert client.post(f"{assignments_url(edition)}/all", data={"csrf_token": token}).status_code == 403
    assert pairs(db) == set()
