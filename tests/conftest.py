"""Fixtures: a fresh app and database per test, a client, a login helper and factories."""

import os
import re
import socket
import uuid
from contextlib import contextmanager

import pytest
from flask import g
from sqlalchemy import event, text

from app import create_app
from app.extensions import db as _db
from tests import factories

POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
# The storage every test runs on ("local" or "s3"); tests marked `both_backends` run on both whatever it is.
STORAGE_BACKEND = os.environ.get("TEST_STORAGE_BACKEND", "local")
S3_TEST_BUCKET = "prizejury-test"


def pytest_generate_tests(metafunc):
    if "storage_backend" not in metafunc.fixturenames or not metafunc.definition.get_closest_marker(
        "both_backends"
    ):
        return
    chosen = any(
        "storage_backend" in str(marker.args[0]) for marker in metafunc.definition.iter_markers("parametrize")
    )
    if not chosen:  # a test that names its backend keeps it
        metafunc.parametrize("storage_backend", ["local", "s3"], indirect=True)


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server for the session: moto's, on a free port of 127.0.0.1, with one bucket.

    boto3 reads the (fake) credentials and region from the environment, as it does in production.
    """
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    saved = {
        key: os.environ.get(key)
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")
    }
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1"
    )
    url = f"http://127.0.0.1:{port}"
    import boto3

    boto3.client("s3", endpoint_url=url).create_bucket(Bucket=S3_TEST_BUCKET)
    yield url
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def storage_backend(request) -> str:
    """'local' or 's3': TEST_STORAGE_BACKEND, or each in turn for a test marked `both_backends`."""
    return getattr(request, "param", STORAGE_BACKEND)


def storage_settings(backend: str, request, folder) -> dict:
    """The app settings for `backend`: the folders under `folder`, and for S3 a prefix of its own."""
    settings = {
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "CERTIFICATE_FOLDER": str(folder / "certificates"),
        "EXPORT_FOLDER": str(folder / "exports"),
    }
    if backend == "s3":
        settings.update(
            STORAGE_BACKEND="s3",
            S3_BUCKET=S3_TEST_BUCKET,
            S3_ENDPOINT_URL=request.getfixturevalue("s3_server"),
            S3_PREFIX=f"{uuid.uuid4().hex}/",
        )
    return settings


@pytest.fixture(scope="session")
def _schema_ready():
    """On PostgreSQL the schema is built once and emptied after each test; SQLite starts empty each time."""
    if POSTGRES:
        app = create_app("testing")
        with app.app_context():
            _db.drop_all()
            _db.create_all()
            _db.engine.dispose()
    yield


def _forget_the_previous_request():
    # The fixture keeps one app context open for the whole test, so requests would share one `g`
    # (Flask-Login's user, Flask-WTF's token): a copied cookie could look logged in. Each request starts
    # with an empty `g`, as it does in production where each request has its own app context.
    for name in list(g):
        g.pop(name)


def _empty_the_database():
    _db.session.remove()
    if POSTGRES:
        tables = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
        with _db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        _db.drop_all()
    _db.engine.dispose()


def fresh_requests(app):
    """An app a test keeps one app context open for: each request still starts with an empty `g`."""
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_the_previous_request)
    return app


@pytest.fixture
def app_settings() -> dict:
    """Settings over TestingConfig for the `app` fixture; a test module overrides it to change them."""
    return {}


@pytest.fixture
def app(tmp_path, _schema_ready, app_settings, storage_backend, request):
    settings = {
        **storage_settings(storage_backend, request, tmp_path),
        "JOBS_QUEUE_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        **app_settings,
    }
    app = create_app("testing", **settings)
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_the_previous_request)
    with app.app_context():
        if not POSTGRES:
            _db.create_all()
        yield app
        _empty_the_database()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def outbox(app):
    """Emails sent during the test, newest last."""
    return app.extensions["outbox"]


@contextmanager
def counting_queries(db):
    """The SQL statements run inside the block: `with counting_queries(db) as statements: ...`."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no csrf_token field in the page"
    return match.group(1)


class AuthActions:
    """Log in and out through the real forms, as a browser would."""

    def __init__(self, client):
        self.client = client

    def csrf(self, url: str = "/login") -> str:
        return csrf_from(self.client.get(url).get_data(as_text=True))

    def login(self, email: str, password: str = factories.PASSWORD, follow_redirects: bool = False):
        token = self.csrf("/login")
        return self.client.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": token},
            follow_redirects=follow_redirects,
        )

    def logout(self):
        token = self.csrf("/account")
        return self.client.post("/logout", data={"csrf_token": token})

    def post(self, url: str, data: dict | None = None, *, form_url: str | None = None, **kwargs):
        """POST with a CSRF token taken from form_url (default: the same url)."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf(form_url or url))
        return self.client.post(url, data=data, **kwargs)


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def make(db):
    """The factories, bound to the test's database: make.user(...), make.edition(...), ..."""
    return factories


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, _schema_ready, request):
    """An app whose database holds the demo (app/demo.py), shared by the tests of one module.

    Loading it takes about 3 s (the 2013 certificates are rendered), hence once per module. A module that
    changes it says so (tests/crawl.py's form_states may save what a form accepts empty).
    """
    from app.demo import load_demo

    folder = tmp_path_factory.mktemp("demo")
    app = create_app("testing", **storage_settings(STORAGE_BACKEND, request, folder))
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_the_previous_request)
    with app.app_context():
        if not POSTGRES:
            _db.create_all()
        load_demo()
        _db.session.commit()
        yield app
        _empty_the_database()


@pytest.fixture
def rate_limits(app):
    """The app with its rate limits on, counted afresh for the test (in memory), and off again after it."""
    from app.extensions import limiter

    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    yield limiter
    limiter.enabled = False
