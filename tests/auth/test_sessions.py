from datetime import timedelta

from flask_login import encode_cookie
from sqlalchemy import select, update

from app import jobs
from app.audit.models import AuditEvent
from app.auth.jobs import purge_login_sessions
from app.auth.models import LoginSession, User
from app.db import utcnow
from tests.auth.helpers import post_form, text
from tests.conftest import AuthActions, counting_queries


def test_login_valid_credentials_redirects_to_role_home(client, auth, make):
    user = make.applicant()

    response = auth.login(user.email)

    assert response.status_code == 302
    assert response.headers["Location"] == "/my"


def test_login_wrong_password_refused(client, auth, make):
    user = make.applicant()

    response = auth.login(user.email, "not the password")

    assert response.status_code == 200
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_logout_copied_cookie_is_anonymous_afterwards(app, client, auth, make, db):
    user = make.applicant()
    auth.login(user.email)
    copied = client.get_cookie("session").value

    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", copied)

    assert thief.get("/account").status_code == 302
    assert db.session.query(LoginSession).one().revoked_at is not None


def test_login_without_csrf_token_refused(client, make):
    user = make.applicant()

    response = client.post("/login", data={"email": user.email, "password": make.PASSWORD})

    assert response.status_code == 400
    assert client.get("/account").status_code == 302


def test_login_next_offsite_is_ignored(client, auth, make):
    user = make.organiser()
    token = auth.csrf()

    response = client.post(
        "/login?next=//evil.example/x",
        data={"email": user.email, "password": make.PASSWORD, "csrf_token": token},
    )

    assert response.headers["Location"] == "/manage/editions"


# --- How long a session lasts (app/auth/sessions.py) ------------------------------------------------------

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def _only_session(db) -> LoginSession:
    db.session.expire_all()
    return db.session.scalars(select(LoginSession)).one()


def _age(db, *, idle: timedelta = timedelta(0), signed_in: timedelta | None = None, session_id=None) -> None:
    """Make the session(s) look idle for `idle`, signed in `signed_in` ago (default: as long as idle)."""
    now = utcnow()
    statement = update(LoginSession).values(
        last_seen_at=now - idle, created_at=now - (signed_in if signed_in is not None else idle)
    )
    if session_id is not None:
        statement = statement.where(LoginSession.id == session_id)
    db.session.execute(statement)
    db.session.commit()


def test_session_idle_past_the_limit_is_revoked_and_sent_to_log_in(client, auth, make, db):
    user = make.applicant()
    auth.login(user.email)
    _age(db, idle=timedelta(minutes=31))

    response = client.get("/account")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/account"
    assert _only_session(db).revoked_at is not None
    page = client.get("/login").get_data(as_text=True)
    assert "You were signed out after 30 minutes without activity. Log in again to continue." in page
    assert "Please log in to access this page." not in page


def test_session_active_but_older_than_the_absolute_limit_is_revoked(client, auth, make, db):
    user = make.applicant()
    auth.login(user.email)
    _age(db, idle=timedelta(seconds=5), signed_in=timedelta(hours=12, minutes=1))

    response = client.get("/account", follow_redirects=True)

    assert response.request.path == "/login"
    assert "For your security, a session lasts at most 12 hours." in response.get_data(as_text=True)
    assert _only_session(db).revoked_at is not None


def test_session_within_both_limits_stays_open(client, auth, make, db):
    user = make.applicant()
    auth.login(user.email)
    _age(db, idle=timedelta(minutes=29), signed_in=timedelta(hours=11, minutes=59))

    assert client.get("/account").status_code == 200
    assert _only_session(db).revoked_at is None


def test_session_limits_follow_the_configuration(app, client, auth, make, db):
    app.config.update(SESSION_IDLE_MINUTES=60, SESSION_ABSOLUTE_HOURS=2)
    user = make.applicant()
    auth.login(user.email)
    _age(db, idle=timedelta(minutes=45), signed_in=timedelta(minutes=45))
    assert client.get("/account").status_code == 200

    _age(db, idle=timedelta(minutes=1), signed_in=timedelta(hours=2, minutes=1))

    assert client.get("/account").status_code == 302


def test_log_in_after_expiry_returns_to_the_page(client, auth, make, db):
    user = make.applicant()
    auth.login(user.email)
    _age(db, idle=timedelta(hours=1))
    login_url = client.get("/account").headers["Location"]
    token = auth.csrf(login_url)

    response = client.post(
        login_url, data={"email": user.email, "password": make.PASSWORD, "csrf_token": token}
    )

    assert response.headers["Location"] == "/account"
    assert client.get("/account").status_code == 200


def test_form_sent_after_expiry_changes_nothing_and_comes_back_to_its_page(client, auth, make, db):
    user = make.applicant(name="Ana Before")
    auth.login(user.email)
    token = auth.csrf("/account")
    _age(db, idle=timedelta(hours=1))

    response = client.post(
        "/account",
        data={"name": "Ana After", "language": "en", "csrf_token": token},
        headers={"Referer": "http://localhost/account"},
    )

    assert response.headers["Location"] == "/login?next=/account"
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Ana Before"


def test_session_last_seen_written_at_most_once_a_minute(client, auth, make, db):
    user = make.applicant()
    auth.login(user.email)
    client.get("/account")

    with counting_queries(db) as statements:
        client.get("/account")
        client.get("/my")
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE LOGIN_SESSIONS")]

    _age(db, idle=timedelta(minutes=2), signed_in=timedelta(minutes=10))
    with counting_queries(db) as statements:
        client.get("/account")
        client.get("/my")
    updates = [s for s in statements if s.lstrip().upper().startswith("UPDATE LOGIN_SESSIONS")]
    assert len(updates) == 1
    assert utcnow() - _only_session(db).last_seen_at < timedelta(minutes=1)


def test_remember_cookie_does_not_outlast_the_limits(app, client, auth, make, db):
    user = make.applicant()
    auth.login(user.email)
    token = _only_session(db).token
    remembered = app.test_client()
    remembered.set_cookie("remember_token", encode_cookie(token))
    assert remembered.get("/account").status_code == 200  # the cookie does reach the user loader

    _age(db, idle=timedelta(minutes=31))
    remembered = app.test_client()
    remembered.set_cookie("remember_token", encode_cookie(token))

    assert remembered.get("/account").status_code == 302
    assert _only_session(db).revoked_at is not None


def test_session_status_tells_the_time_left_and_is_not_activity(client, auth, make, db):
    user = make.applicant()
    auth.login(user.email)
    _age(db, idle=timedelta(minutes=10), signed_in=timedelta(minutes=10))
    seen = _only_session(db).last_seen_at

    response = client.get("/session")

    clock = response.get_json()
    assert clock["signed_in"] is True
    assert 19 * 60 < clock["expires_in"] <= 20 * 60
    assert clock["warning"] == 5 * 60
    assert clock["extendable"] is True
    assert response.headers["Cache-Control"] == "private, no-store"
    assert _only_session(db).last_seen_at == seen


def test_session_status_near_the_absolute_limit_is_not_extendable(client, auth, make, db):
    user = make.applicant()
    auth.login(user.email)
    _age(db, idle=timedelta(minutes=1), signed_in=timedelta(hours=11, minutes=50))

    clock = client.get("/session").get_json()

    assert clock["extendable"] is False
    assert 9 * 60 < clock["expires_in"] <= 10 * 60


def test_session_status_for_a_visitor_says_not_signed_in(client):
    assert client.get("/session").get_json() == {"signed_in": False}


def test_session_refresh_starts_the_idle_time_again(client, auth, make, db):
    user = make.applicant()
    auth.login(user.email)
    token = auth.csrf("/account")
    _age(db, idle=timedelta(minutes=25), signed_in=timedelta(minutes=25))

    response = client.post("/session/refresh", headers={"X-CSRFToken": token, "Accept": "application/json"})

    assert response.status_code == 200
    assert response.get_json()["expires_in"] > 29 * 60
    assert utcnow() - _only_session(db).last_seen_at < timedelta(minutes=1)


def test_session_refresh_without_csrf_token_refused(client, auth, make, db):
    user = make.applicant()
    auth.login(user.email)
    _age(db, idle=timedelta(minutes=25), signed_in=timedelta(minutes=25))
    seen = _only_session(db).last_seen_at

    response = client.post("/session/refresh", headers={"Accept": "application/json"})

    assert response.status_code == 400
    assert _only_session(db).last_seen_at == seen


def test_session_refresh_after_expiry_answers_401_in_json(client, auth, make, db):
    user = make.applicant()
    auth.login(user.email)
    token = auth.csrf("/account")
    _age(db, idle=timedelta(minutes=31))

    response = client.post("/session/refresh", headers={"X-CSRFToken": token, "Accept": "application/json"})

    assert response.status_code == 401
    assert response.get_json() == {"signed_in": False}
    assert _only_session(db).revoked_at is not None


def test_signed_in_page_carries_the_warning_dialog(client, auth, make):
    user = make.applicant()
    auth.login(user.email)

    page = client.get("/account").get_data(as_text=True)

    assert 'role="alertdialog"' in page
    assert 'data-refresh-url="/session/refresh"' in page
    assert "/static/js/session.js" in page
    auth.logout()
    assert 'role="alertdialog"' not in client.get("/account", follow_redirects=True).get_data(as_text=True)


# --- The account's open sessions (app/auth/open_sessions.py) ----------------------------------------------


def _browser(app, user, agent):
    browser = app.test_client()
    browser.environ_base["HTTP_USER_AGENT"] = agent
    AuthActions(browser).login(user.email)
    return browser


def _session_of(db, agent) -> LoginSession:
    db.session.expire_all()
    return db.session.scalars(
        select(LoginSession).where(LoginSession.user_id.is_not(None), LoginSession.user_agent == agent)
    ).one()


def test_sessions_page_lists_the_open_sessions_in_plain_words(app, make, db):
    user = make.applicant()
    firefox = _browser(app, user, FIREFOX)
    _browser(app, user, IPHONE)
    ended = _browser(app, user, "Old browser/1.0")
    _age(db, idle=timedelta(hours=2), session_id=_session_of(db, "Old browser/1.0").id)
    del ended

    page = firefox.get("/account/sessions").get_data(as_text=True)

    assert "Firefox on Windows" in page
    assert "Mobile Safari on iOS" in page
    assert "Old browser" not in page  # expired
    assert page.count("This browser") == 1
    assert page.index("Firefox on Windows") < page.index("This browser") < page.index("Mobile Safari on iOS")
    assert "127.0.0.1" in page
    assert "End all other sessions" in page
    assert 'href="/account/sessions"' in firefox.get("/account").get_data(as_text=True)


def test_end_session_signs_that_browser_out_and_is_audited(app, make, db):
    user = make.applicant()
    firefox = _browser(app, user, FIREFOX)
    iphone = _browser(app, user, IPHONE)
    phone_session = _session_of(db, IPHONE)

    response = post_form(
        firefox, f"/account/sessions/{phone_session.id}/end", {}, form_url="/account/sessions"
    )

    assert response.headers["Location"] == "/account/sessions"
    assert iphone.get("/account").status_code == 302
    assert "You have been signed out. Log in again to continue." in text(iphone.get("/login"))
    assert firefox.get("/account").status_code == 200
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "session.end")).one()
    assert (event.actor_id, event.object_type, event.object_id) == (user.id, "LoginSession", phone_session.id)


def test_end_session_of_someone_else_refused_and_changes_nothing(app, make, db):
    user, other = make.applicant(), make.applicant()
    mine = _browser(app, user, FIREFOX)
    theirs = _browser(app, other, IPHONE)

    response = post_form(
        mine, f"/account/sessions/{_session_of(db, IPHONE).id}/end", {}, form_url="/account/sessions"
    )

    assert response.status_code == 403
    assert theirs.get("/account").status_code == 200
    assert _session_of(db, IPHONE).revoked_at is None


def test_end_session_of_this_browser_refused_with_a_message(app, make, db):
    user = make.applicant()
    firefox = _browser(app, user, FIREFOX)

    response = post_form(
        firefox, f"/account/sessions/{_session_of(db, FIREFOX).id}/end", {}, form_url="/account/sessions"
    )

    assert response.headers["Location"] == "/account/sessions"
    assert "This is the session of this browser: to end it, log out." in text(
        firefox.get("/account/sessions")
    )
    assert _session_of(db, FIREFOX).revoked_at is None


def test_end_other_sessions_keeps_only_this_browser(app, make, db):
    user, other = make.applicant(), make.applicant()
    firefox = _browser(app, user, FIREFOX)
    iphone = _browser(app, user, IPHONE)
    third = _browser(app, user, "Third/1.0")
    stranger = _browser(app, other, "Stranger/1.0")

    response = post_form(
        firefox, "/account/sessions/end-others", {}, form_url="/account/sessions", follow_redirects=True
    )

    assert "2 other sessions have been ended." in text(response)
    assert [iphone.get("/account").status_code, third.get("/account").status_code] == [302, 302]
    assert firefox.get("/account").status_code == 200
    assert stranger.get("/account").status_code == 200
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "session.end_others")).one()
    assert event.after == {"ended": 2}


# --- The periodic job (app/auth/jobs.py) ------------------------------------------------------------------


def test_purge_deletes_ended_sessions_and_keeps_the_others(app, make, db):
    user = make.applicant()
    rows = {}
    now = utcnow()
    for name, (seen, created, revoked) in {
        "open": (now, now - timedelta(hours=1), None),
        "revoked": (now, now - timedelta(hours=1), now),
        "idle yesterday": (now - timedelta(minutes=30, hours=25), now - timedelta(hours=26), None),
        "idle an hour ago": (now - timedelta(hours=1), now - timedelta(hours=2), None),
        "too old long ago": (now - timedelta(hours=13), now - timedelta(hours=37), None),
    }.items():
        rows[name] = LoginSession(user_id=user.id, last_seen_at=seen, created_at=created, revoked_at=revoked)
        db.session.add(rows[name])
    db.session.commit()
    ids = {name: row.id for name, row in rows.items()}

    deleted = purge_login_sessions()

    left = set(db.session.scalars(select(LoginSession.id)))
    assert deleted == 3
    assert left == {ids["open"], ids["idle an hour ago"]}
    assert purge_login_sessions in jobs.periodic_jobs()


def test_login_page_when_already_signed_in_follows_next(client, auth, make):
    # Another tab logged in again meanwhile: the tab sent to /login?next=... goes back to its page.
    user = make.applicant()
    auth.login(user.email)

    response = client.get("/login?next=/account")

    assert response.headers["Location"] == "/account"
