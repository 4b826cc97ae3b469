from app.auth.models import LoginSession


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
