"""The session's time limit in Chromium (static/js/session.js): the warning before the end, staying signed
in by keyboard, several tabs, and nothing typed lost when the session ends.

The idle limit is made tiny by configuration (`app_settings`): 15 s, with the warning 12 s before the end.
The tests wait for what the page does (the dialog, the log-in page), never for a fixed time.
"""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select, update

from app.auth.models import LoginSession
from app.db import utcnow
from app.models import Application
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

TINY = {"SESSION_IDLE_MINUTES": 0.25, "SESSION_WARNING_MINUTES": 0.2}
USUAL = {}  # the configuration's own limits: 30 minutes
EXPIRY = 60_000  # ms: time enough for a 15 s limit on a busy machine
WARNING_TITLE = "You will soon be signed out"


@pytest.fixture
def app_settings(request):
    return getattr(request, "param", TINY)


def _last_seen(db):
    db.session.expire_all()
    open_session = select(LoginSession.last_seen_at).where(LoginSession.revoked_at.is_(None))
    return db.session.scalars(open_session).one()


def _draft_edition(make, db):
    user = make.applicant()
    application = make.application(
        edition_=make.edition(phase="open"), organisation_=user.organisation, title="Saved title"
    )
    db.session.commit()
    return user, application


def test_warning_is_an_accessible_dialog_and_enter_stays_signed_in(page, make, db):
    user = make.applicant()
    db.session.commit()
    sign_in(page, user.email, make.PASSWORD)
    page.goto("/account")
    seen = _last_seen(db)

    dialog = page.get_by_role("alertdialog", name=WARNING_TITLE)
    dialog.wait_for(state="visible", timeout=EXPIRY)
    focused = page.evaluate("document.activeElement.textContent.trim()")
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    violations = Axe().run(page, options=options).response["violations"]
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")

    assert focused == "Stay signed in"
    assert [v["id"] for v in violations] == []
    assert "signed out in" in page.locator("#session-warning-text").inner_text()
    assert _last_seen(db) > seen
    page.goto("/account")
    assert page.url.endswith("/account")


def test_stay_signed_in_in_one_tab_closes_the_warning_in_the_other(page, make, db):
    user = make.applicant()
    db.session.commit()
    sign_in(page, user.email, make.PASSWORD)
    other = page.context.new_page()
    page.goto("/account")
    other.goto("/my")
    warning = page.get_by_role("alertdialog", name=WARNING_TITLE)
    other_warning = other.get_by_role("alertdialog", name=WARNING_TITLE)
    warning.wait_for(state="visible", timeout=EXPIRY)
    other_warning.wait_for(state="visible", timeout=EXPIRY)

    other_warning.get_by_role("button", name="Stay signed in").click()

    other_warning.wait_for(state="hidden")
    warning.wait_for(state="hidden")
    assert page.url.endswith("/account")


def test_expiry_keeps_what_was_typed_and_puts_it_back_after_log_in(page, make, db):
    user, application = _draft_edition(make, db)
    sign_in(page, user.email, make.PASSWORD)
    edit = f"/applications/{application.id}/edit"
    page.goto(edit)
    csrf = page.locator("form[method=post] input[name=csrf_token]").first.get_attribute("value")
    page.get_by_label("Title of the project").fill("Typed, never saved")
    page.get_by_label("Summary").fill("Half an hour of writing.")

    page.wait_for_url("**/login?next=*", timeout=EXPIRY)
    kept = page.evaluate("sessionStorage.getItem('prizejury.draft')")
    assert page.get_by_text("without activity. Log in again to continue.").is_visible()
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(make.PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()

    assert page.url.endswith(edit)
    assert page.get_by_label("Title of the project").input_value() == "Typed, never saved"
    assert page.get_by_label("Summary").input_value() == "Half an hour of writing."
    assert page.get_by_role("status").filter(has_text="has been put back").is_visible()
    assert "Typed, never saved" in kept and csrf not in kept
    assert page.evaluate("sessionStorage.getItem('prizejury.draft')") is None
    db.session.expire_all()
    assert db.session.get(Application, application.id).title == "Saved title"


def test_expiry_never_keeps_passwords(page, make, db):
    user = make.applicant()
    db.session.commit()
    sign_in(page, user.email, make.PASSWORD)
    page.goto("/account/password")
    page.get_by_label("Current password").fill(make.PASSWORD)

    page.wait_for_url("**/login?next=*", timeout=EXPIRY)

    assert page.evaluate("sessionStorage.getItem('prizejury.draft')") is None


@pytest.mark.parametrize("app_settings", [USUAL], indirect=True)
def test_form_sent_after_the_server_ended_the_session_is_put_back(page, make, db):
    user, application = _draft_edition(make, db)
    sign_in(page, user.email, make.PASSWORD)
    edit = f"/applications/{application.id}/edit"
    page.goto(edit)
    page.get_by_label("Title of the project").fill("Typed while the laptop slept")
    # The laptop slept: the server's idle limit passed while the page's timer did not run.
    db.session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(hours=1)))
    db.session.commit()

    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    assert "/login?next=" in page.url
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(make.PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()

    assert page.url.endswith(edit)
    assert page.get_by_label("Title of the project").input_value() == "Typed while the laptop slept"
    db.session.expire_all()
    assert db.session.get(Application, application.id).title == "Saved title"
