"""A real Chromium (Debian's, through Playwright) against the app served on a loopback port."""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from app.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _browser_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("PRIZEJURY_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="session")
def chromium():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        message = f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package for browser tests"
        if _browser_required():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    """The test's app (its fresh database included) served on a free loopback port."""
    db.session.commit()
    with LiveServer(app) as server:
        yield server


def sign_in(page, email: str, password: str) -> None:
    """Log in through the login form, as a person would."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


@pytest.fixture(scope="module")
def demo_server(demo_app):
    """The demo (tests/conftest.py's demo_app) served for a whole module."""
    with LiveServer(demo_app) as server:
        yield server


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors in the page: {errors}"
