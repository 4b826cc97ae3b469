"""app/mail.py: a queued email leaves only once its transaction commits, never for a rolled-back change."""

from app.auth.models import Organisation
from app.mail import send_email


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
