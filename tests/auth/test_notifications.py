"""Account emails are queued with the change they announce: delivered on its commit, dropped on rollback."""

from app.auth import notifications
from app.auth.people import invite
from tests.auth.helpers import link_in


def test_invitation_delivered_on_commit(app, db, outbox):
    with app.test_request_context():
        person = invite(email="new.juror@example.org", name="New Juror", role="juror", country="FR")
        notifications.notify_invitation(person)

        assert outbox == []
        db.session.commit()

    assert [m.recipients for m in outbox] == [["new.juror@example.org"]]
    assert link_in(outbox[0], "/invitation/")


def test_invitation_dropped_on_rollback(app, db, outbox):
    with app.test_request_context():
        person = invite(email="new.juror@example.org", name="New Juror", role="juror", country="FR")
        notifications.notify_invitation(person)
        db.session.rollback()

    assert outbox == []


def test_password_changed_notice_links_to_forgotten_password(app, make, db, outbox):
    user = make.juror(email="ana@example.org")
    with app.test_request_context():
        notifications.notify_password_changed(user)
        db.session.commit()

    assert [m.subject for m in outbox] == ["Your Dosta!-Congress Prize password was changed"]
    assert link_in(outbox[0], "/password/forgot")


def test_registration_attempt_notice_in_the_owners_language_with_a_reset_link(app, make, db, outbox):
    user = make.applicant(email="maire@commune.example", language="fr")
    with app.test_request_context():
        notifications.notify_registration_attempt(user)
        db.session.commit()

    message = outbox[0]
    assert message.subject == "Tentative d'inscription avec votre adresse au Prix Dosta!-Congrès"
    assert "Cette adresse a déjà un compte, aussi rien n'a été inscrit." in message.body
    assert link_in(message, "/login")
    assert link_in(message, "/password/reset/")
