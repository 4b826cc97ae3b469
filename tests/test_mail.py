"""app/mail: a queued email is a row of the log committed with its change, and leaves only once it commits,
never for a rolled-back change."""

from sqlalchemy import select

from app.auth.models import Organisation
from app.mail import EmailStatus, OutgoingEmail, send_email


def _queue(to="jana@obrnice.example"):
    return send_email(to, "Subject", "auth_password_changed", user=None, forgot_link="http://x/forgot")


def test_queued_email_leaves_on_commit(app, db, outbox):
    _queue()
    assert outbox == []
    db.session.commit()
    assert [m.recipients for m in outbox] == [["jana@obrnice.example"]]


def test_queued_email_is_dropped_on_rollback(app, db, outbox):
    db.session.add(Organisation(name="Obrnice", country="CZ"))
    _queue()
    db.session.rollback()
    db.session.commit()
    assert outbox == []


def test_email_queued_after_the_last_commit_leaves_when_the_request_ends(app, db, outbox):
    @app.get("/_test/after-commit")
    def after_commit():
        db.session.commit()
        _queue()
        return "ok"

    assert app.test_client().get("/_test/after-commit").status_code == 200
    assert len(outbox) == 1


def test_email_of_a_request_that_failed_is_dropped(app, db, outbox):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_test/fails")
    def fails():
        _queue()
        raise RuntimeError("boom")

    assert app.test_client().get("/_test/fails").status_code == 500
    db.session.commit()
    assert outbox == []


# --- The delivery log: one row per message, committed with its change -------------------------------------


def _logged(db):
    return list(db.session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id)))


def test_queued_email_is_a_row_committed_with_its_change(app, db, outbox):
    db.session.add(Organisation(name="Obrnice", country="CZ"))
    email = _queue()
    assert email.status == EmailStatus.QUEUED and email.id is not None
    db.session.commit()

    (row,) = _logged(db)
    assert (row.recipients, row.subject, row.template) == (
        "jana@obrnice.example",
        "Subject",
        "auth_password_changed",
    )
    assert row.body == outbox[0].body and "http://x/forgot" in row.body
    assert (row.status, row.attempts, row.last_error) == (EmailStatus.SENT, 1, None)
    assert row.sent_at is not None and row.created_at <= row.sent_at


def test_rolled_back_email_leaves_no_row(app, db, outbox):
    db.session.add(Organisation(name="Obrnice", country="CZ"))
    _queue()
    db.session.rollback()
    db.session.commit()
    assert _logged(db) == []
    assert outbox == []


def test_email_records_the_edition_and_person_it_is_about(app, db, make, outbox):
    edition, person = make.edition(), make.juror()
    db.session.commit()
    send_email(person.email, "Subject", "auth_password_changed", edition_id=edition.id, user_id=person.id,
               user=person, forgot_link="http://x/forgot")  # fmt: skip
    db.session.commit()
    (row,) = _logged(db)
    assert (row.edition_id, row.user_id) == (edition.id, person.id)


def test_email_to_several_recipients_is_one_row(app, db, outbox):
    _queue(["a@example.org", "b@example.org"])
    db.session.commit()
    (row,) = _logged(db)
    assert row.recipient_list == ["a@example.org", "b@example.org"]
    assert [m.recipients for m in outbox] == [["a@example.org", "b@example.org"]]
