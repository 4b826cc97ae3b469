"""Publishing the results: now, twice, on schedule from the CLI, and a failure half-way."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.audit.models import AuditEvent
from app.certificates.models import Certificate
from app.contests.models import Edition
from app.db import utcnow
from app.ranking import deliberation
from app.ranking.models import Award
from app.ranking.scores import load_scores
from app.results import notifications, publication
from app.results.cli import register_commands
from app.results.jobs import resume_follow_ups
from app.results.models import PublicationPlan
from tests import stored


def record_podium(small, app, db, places=None):
    """Record awards A 1st, B 2nd, C 3rd (or `places`) with citations, as the organiser."""
    places = places or {"A": 1, "B": 2, "C": 3}
    decisions = [
        deliberation.AwardDecision(small.id_of(letter), "prize", place, f"Citation for {letter}.")
        for letter, place in places.items()
    ]
    with app.test_request_context():
        scores = load_scores(small.edition)
        deliberation.record_awards(small.edition, scores, decisions, "The jury decided so.", small.organiser)
    db.session.commit()


def publish_url(small):
    return f"/manage/editions/{small.edition.id}/publication/publish"


def publication_url(small):
    return f"/manage/editions/{small.edition.id}/publication"


def post_publish(auth, small, **data):
    return auth.post(
        publish_url(small), {"certificate_language": "en", **data}, form_url=publication_url(small)
    )


def snapshot(db):
    """What publication may change, to compare before and after."""
    db.session.expire_all()
    edition = db.session.scalars(select(Edition)).one()
    awards = sorted(
        (a.application_id, a.kind, a.place, a.citation, a.justification)
        for a in db.session.scalars(select(Award))
    )
    return (
        edition.results_published_at,
        awards,
        db.session.scalars(select(Certificate.id)).all(),
        [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))],
    )


def files_in(app) -> list[str]:
    return stored.keys("certificates")


def test_publish_now_publishes_issues_certificates_and_emails(
    client, auth, small, app, db, outbox, fake_certificates
):
    record_podium(small, app, db)
    auth.login(small.organiser.email)

    response = post_publish(auth, small, participation="y", certificate_language="both")

    assert response.status_code == 302
    db.session.expire_all()
    assert small.edition.results_published_at is not None
    assert small.edition.is_published
    assert fake_certificates.calls == [(small.edition.id, True, "both")]
    assert len(db.session.scalars(select(Certificate)).all()) == 3
    assert len(files_in(app)) == 3
    plan = db.session.get(PublicationPlan, small.edition.id)
    assert (plan.certificate_language, plan.participation_certificates) == ("both", True)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "results.published")).one()
    assert event.actor_id == small.organiser.id
    page = client.get(publication_url(small)).get_data(as_text=True)
    assert "certificates are being issued, 5 emails are on their way." in page


def test_publish_now_emails_laureates_their_place_and_others_thanks(
    client, auth, small, app, db, outbox, fake_certificates
):
    record_podium(small, app, db, {"A": 1, "B": 1, "C": 2})
    auth.login(small.organiser.email)
    outbox.clear()

    post_publish(auth, small)

    by_recipient = {message.recipients[0]: message for message in outbox}
    assert len(outbox) == 5
    first = by_recipient[small.applicants["A"].email]
    assert first.subject == f"{small.edition.name}: your award"
    assert "has awarded Obrnice the joint 1st place" in first.body
    assert "Citation for A." in first.body
    assert f"http://localhost/editions/{small.edition.slug}/results" in first.body
    assert "/certificates/" in first.body
    third = by_recipient[small.applicants["C"].email]
    assert "has awarded Kocaeli the 2nd place" in third.body
    thanks = by_recipient[small.applicants["D"].email]
    assert thanks.subject == f"{small.edition.name}: the results"
    assert "was not among the laureates this time" in thanks.body
    assert "Citation" not in thanks.body


def test_publish_twice_changes_nothing(client, auth, small, app, db, outbox, fake_certificates):
    record_podium(small, app, db)
    auth.login(small.organiser.email)
    post_publish(auth, small)
    before, emails = snapshot(db), len(outbox)

    response = post_publish(auth, small)

    assert response.status_code == 302
    assert snapshot(db) == before
    assert len(outbox) == emails
    assert len(fake_certificates.calls) == 1
    page = client.get(publication_url(small)).get_data(as_text=True)
    assert "already published: nothing changed" in page


def test_publish_loses_race_to_concurrent_publication(small, app, db, outbox, fake_certificates):
    record_podium(small, app, db)
    edition = small.edition
    other_request = datetime(2030, 1, 1, tzinfo=UTC)
    db.session.execute(
        update(Edition).where(Edition.id == edition.id).values(results_published_at=other_request),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    # This request loaded the edition before the other one published it.
    set_committed_value(edition, "results_published_at", None)

    with app.test_request_context():
        result = publication.publish_results(edition, actor=small.organiser)

    assert result.published is False
    assert fake_certificates.calls == []
    assert outbox == []
    db.session.expire_all()
    assert edition.results_published_at == other_request


def test_publish_without_awards_refused(client, auth, small, db, outbox, fake_certificates):
    auth.login(small.organiser.email)
    before = snapshot(db)

    response = post_publish(auth, small)

    assert response.status_code == 302
    assert snapshot(db) == before
    assert outbox == []
    page = client.get(publication_url(small)).get_data(as_text=True)
    assert "No awards are recorded yet." in page


def test_publish_while_judging_open_refused(client, auth, make, db, app, outbox, fake_certificates):
    from tests.ranking.conftest import build_small_edition

    small = build_small_edition(make, phase="judging")
    db.session.add(
        Award(
            edition_id=small.edition.id,
            organisation_id=small.entries["A"].organisation_id,
            application_id=small.id_of("A"),
            kind="prize",
            place=1,
            citation="Early.",
        )
    )
    db.session.commit()

    with app.test_request_context(), pytest.raises(publication.NotReady, match="Judging has not closed yet."):
        publication.publish_results(small.edition)

    db.session.expire_all()
    assert small.edition.results_published_at is None
    assert fake_certificates.calls == []


def test_a_failed_follow_up_leaves_the_results_published_and_is_done_again_later(
    client, auth, small, app, db, outbox, fake_certificates
):
    record_podium(small, app, db)
    fake_certificates.fail = True
    auth.login(small.organiser.email)
    outbox.clear()

    response = post_publish(auth, small)

    # The results are public at once; the follow-up job (certificates, emails) broke and left nothing.
    assert response.status_code == 302
    db.session.expire_all()
    assert small.edition.is_published
    assert files_in(app) == []
    assert outbox == []
    assert db.session.get(PublicationPlan, small.edition.id).followed_up_at is None
    assert publication.not_followed_up() == [small.edition.id]

    # Mended: the sweep queues the follow-up again, and it happens once.
    fake_certificates.fail = False
    assert resume_follow_ups() == 1
    assert resume_follow_ups() == 0
    assert len(files_in(app)) == 3
    assert len(outbox) == 5
    assert publication.not_followed_up() == []


def test_a_follow_up_whose_commit_fails_records_nothing_and_sends_nothing(
    small, app, db, outbox, fake_certificates
):
    # That no certificate file outlives the failed commit is the certificates service's contract, tested with
    # the real service in tests/certificates/test_files.py.
    record_podium(small, app, db)
    fake_certificates.break_commit = True

    publication.publish_results(small.edition, actor=small.organiser)

    db.session.expire_all()
    assert small.edition.is_published
    assert db.session.scalars(select(Certificate)).all() == []
    assert outbox == []
    assert publication.not_followed_up() == [small.edition.id]


def test_a_follow_up_runs_once_however_often_it_is_queued(small, app, db, outbox, fake_certificates):
    record_podium(small, app, db)
    publication.publish_results(small.edition)
    sent = len(outbox)

    publication.follow_up_publication(small.edition.id)

    assert len(fake_certificates.calls) == 1
    assert len(outbox) == sent


def test_publish_refused_to_non_organisers(client, auth, small, app, db, fake_certificates):
    record_podium(small, app, db)

    for user in (small.jurors["one"], small.applicants["A"]):
        auth.login(user.email)
        response = client.post(publish_url(small), data={"csrf_token": auth.csrf("/account")})
        assert response.status_code == 403
        assert client.get(publication_url(small)).status_code == 403
        auth.logout()

    db.session.expire_all()
    assert small.edition.results_published_at is None


def test_schedule_stores_strasbourg_time_as_utc(client, auth, small, db):
    auth.login(small.organiser.email)
    when = (utcnow() + timedelta(days=30)).date()

    response = auth.post(
        f"/manage/editions/{small.edition.id}/publication/schedule",
        {"publish_at": f"{when.isoformat()}T12:00", "certificate_language": "fr", "participation": "y"},
        form_url=publication_url(small),
    )

    assert response.status_code == 302
    db.session.expire_all()
    local = small.edition.results_publish_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
    assert (local.date(), local.hour, local.minute) == (when, 12, 0)
    plan = db.session.get(PublicationPlan, small.edition.id)
    assert (plan.certificate_language, plan.participation_certificates) == ("fr", True)
    assert small.edition.results_published_at is None


def test_schedule_in_the_past_refused(client, auth, small, db):
    auth.login(small.organiser.email)

    response = auth.post(
        f"/manage/editions/{small.edition.id}/publication/schedule",
        {"publish_at": "2020-01-01T12:00", "certificate_language": "en"},
        form_url=publication_url(small),
    )

    assert response.status_code == 400
    assert "Choose a time in the future, or publish now." in response.get_data(as_text=True)
    db.session.expire_all()
    assert small.edition.results_publish_at is None


@pytest.mark.parametrize("publish_at", ["0001-01-01T00:00", "9999-12-31T23:59", "1899-12-31T23:59"])
def test_schedule_at_a_year_out_of_range_refused_in_words(client, auth, small, db, publish_at):
    auth.login(small.organiser.email)

    response = auth.post(
        f"/manage/editions/{small.edition.id}/publication/schedule",
        {"publish_at": publish_at, "certificate_language": "en"},
        form_url=publication_url(small),
    )

    assert response.status_code == 400
    assert "Enter a date between the years 1900 and 2999." in response.get_data(as_text=True)
    db.session.expire_all()
    assert small.edition.results_publish_at is None
    assert db.session.get(PublicationPlan, small.edition.id) is None


def test_schedule_nonexistent_local_time_refused(client, auth, small, db):
    auth.login(small.organiser.email)
    year = utcnow().year + 1
    # The clocks go forward at 02:00 on the last Sunday of March.
    last_sunday = max(
        datetime(year, 3, day) for day in range(25, 32) if datetime(year, 3, day).weekday() == 6
    )

    response = auth.post(
        f"/manage/editions/{small.edition.id}/publication/schedule",
        {"publish_at": f"{last_sunday:%Y-%m-%d}T02:30", "certificate_language": "en"},
        form_url=publication_url(small),
    )

    assert response.status_code == 400
    assert "does not exist in Strasbourg" in response.get_data(as_text=True)


def test_schedule_cancelled_with_empty_time(client, auth, small, db):
    small.edition.results_publish_at = utcnow() + timedelta(days=3)
    db.session.commit()
    auth.login(small.organiser.email)

    auth.post(
        f"/manage/editions/{small.edition.id}/publication/schedule",
        {"publish_at": "", "certificate_language": "en"},
        form_url=publication_url(small),
    )

    db.session.expire_all()
    assert small.edition.results_publish_at is None


def cli(app, *args):
    if "results" not in app.cli.commands:
        register_commands(app)
    return app.test_cli_runner().invoke(args=["results", *args])


def test_cli_publish_due_publishes_scheduled_edition(small, app, db, outbox, fake_certificates):
    record_podium(small, app, db)
    db.session.add(PublicationPlan(edition_id=small.edition.id, certificate_language="fr"))
    small.edition.results_publish_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    result = cli(app, "publish-due")

    assert result.exit_code == 0, result.output
    assert f"{small.edition.slug} (due" in result.output
    assert "published; 3 certificates and 5 emails handed to the workers." in result.output
    db.session.expire_all()
    assert small.edition.is_published
    assert fake_certificates.calls == [(small.edition.id, False, "fr")]
    assert len(outbox) == 5
    assert f"http://localhost/editions/{small.edition.slug}/results" in outbox[0].body


def test_cli_publish_due_leaves_future_and_published_editions(small, app, db, outbox, fake_certificates):
    record_podium(small, app, db)
    small.edition.results_publish_at = utcnow() + timedelta(hours=1)
    db.session.commit()

    first = cli(app, "publish-due")

    assert first.exit_code == 0
    assert "No edition is due for publication." in first.output
    db.session.expire_all()
    assert small.edition.results_published_at is None
    assert fake_certificates.calls == []


def test_cli_publish_due_reports_edition_not_ready(small, app, db, outbox, fake_certificates):
    small.edition.results_publish_at = utcnow() - timedelta(minutes=5)
    db.session.commit()

    result = cli(app, "publish-due")

    assert result.exit_code == 1
    assert "not published: No awards are recorded yet." in result.output
    db.session.expire_all()
    assert small.edition.results_published_at is None
    assert outbox == []


def test_cli_publish_due_twice_publishes_once(small, app, db, outbox, fake_certificates):
    record_podium(small, app, db)
    small.edition.results_publish_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    cli(app, "publish-due")
    again = cli(app, "publish-due")

    assert again.exit_code == 0
    assert "No edition is due for publication." in again.output
    assert len(fake_certificates.calls) == 1
    assert len(outbox) == 5


def test_publish_with_real_certificates_stores_their_files(small, app, db, outbox):
    record_podium(small, app, db)

    with app.test_request_context():
        result = publication.publish_results(small.edition, language="en", participation=False)

    assert (result.published, result.certificates, result.emails) == (True, 3, 5)
    certificates = db.session.scalars(select(Certificate).order_by(Certificate.id)).all()
    assert len(certificates) == 3
    for certificate in certificates:
        pdf = stored.read("certificates", certificate.file_name)
        assert pdf.startswith(b"%PDF")
        assert hashlib.sha256(pdf).hexdigest() == certificate.sha256
    assert files_in(app) == sorted(c.file_name for c in certificates)
    laureate = next(m for m in outbox if m.recipients == [small.applicants["A"].email])
    assert f"/certificates/{certificates[0].verification_code}.pdf" in laureate.body


def test_a_follow_up_failing_after_real_certificates_leaves_no_file(small, app, db, outbox, monkeypatch):
    record_podium(small, app, db)

    def broken(*args, **kwargs):
        raise RuntimeError("the mail templates are missing")

    monkeypatch.setattr(notifications, "notify_results", broken)

    publication.publish_results(small.edition)

    assert small.edition.is_published
    assert db.session.scalars(select(Certificate)).all() == []
    assert files_in(app) == []
    assert outbox == []
