"""No key written in the code signs anything in a running app: without SECRET_KEY, development makes a random
key once and keeps it in instance/secret_key (config.instance_secret_key); production refuses to start."""

import hashlib
import stat

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from app import create_app
from app.auth.models import User
from app.auth.tokens import make_token
from app.extensions import db
from config import instance_secret_key
from tests import factories
from tests.auth.helpers import text
from tests.conftest import _forget_the_previous_request, csrf_from

# The key every deployment that forgot PRIZEJURY_CONFIG and SECRET_KEY used to sign with: it is public.
PUBLIC_KEY = "development-only-secret-key"


def development_app(tmp_path, **settings):
    """The development configuration as `make run` starts it with no environment, under tmp_path."""
    settings = {"SECRET_KEY": None, **settings}
    return create_app(
        "development",
        SECRET_KEY_FILE=str(tmp_path / "instance" / "secret_key"),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        UPLOAD_FOLDER=str(tmp_path / "uploads"),
        CERTIFICATE_FOLDER=str(tmp_path / "certificates"),
        EXPORT_FOLDER=str(tmp_path / "exports"),
        JOBS_QUEUE_URL=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        **settings,
    )


def test_development_makes_a_random_key_once_and_keeps_it(tmp_path):
    first = development_app(tmp_path)
    second = development_app(tmp_path)

    key_file = tmp_path / "instance" / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] != PUBLIC_KEY
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_each_new_instance_gets_its_own_key(tmp_path):
    one = development_app(tmp_path / "one")
    other = development_app(tmp_path / "other")

    assert one.config["SECRET_KEY"] != other.config["SECRET_KEY"]


def test_a_configured_key_is_used_and_no_file_is_made(tmp_path):
    app = development_app(tmp_path, SECRET_KEY="k" * 40)

    assert app.config["SECRET_KEY"] == "k" * 40
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_an_empty_key_file_is_refused_with_what_to_do(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("\n")

    with pytest.raises(RuntimeError, match="delete it"):
        instance_secret_key(key_file)


@pytest.mark.parametrize("secret", [None, ""])
def test_production_refuses_to_start_without_its_own_key(tmp_path, secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(
            "production",
            SECRET_KEY=secret,
            SECRET_KEY_FILE=str(tmp_path / "secret_key"),
            SQLALCHEMY_DATABASE_URI="sqlite://",
            RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
        )
    assert not (tmp_path / "secret_key").exists()


def _forged_invitation(user: User) -> str:
    """What anyone could sign with the public key: an invitation for an account with no password yet."""
    fingerprint = hashlib.sha256(b"no-password").hexdigest()[:16]
    payload = {"uid": user.id, "email": user.email, "pw": fingerprint}
    return URLSafeTimedSerializer(PUBLIC_KEY, salt="prizejury.invite").dumps(payload)


def test_invitation_forged_with_the_public_key_is_refused(tmp_path):
    app = development_app(tmp_path)
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_the_previous_request)
    with app.app_context():
        db.create_all()
        invited = factories.juror(email="invited.juror@example.test", password=None, confirmed=False)
        db.session.commit()
        genuine = make_token(invited, "invite")
        client = app.test_client()
        url = f"/invitation/{_forged_invitation(invited)}"

        page = client.get(url)
        token = csrf_from(text(client.get(f"/invitation/{genuine}")))
        taken_over = client.post(
            url,
            data={
                "csrf_token": token,
                "name": "Mallory",
                "password": "a long password of mallory",
                "password_confirm": "a long password of mallory",
            },
        )
        db.session.expire_all()
        password_hash = db.session.scalar(select(User.password_hash).where(User.id == invited.id))
        db.session.remove()
        db.engine.dispose()

    assert page.status_code == 400
    assert "This link is not valid" in text(page)
    assert taken_over.status_code == 400
    assert password_hash is None
