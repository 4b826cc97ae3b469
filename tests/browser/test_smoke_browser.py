import pytest

pytestmark = pytest.mark.browser


def test_login_in_browser_reaches_account(page, make, db):
    user = make.organiser(email="organiser@example.test", name="Olga Organiser")
    db.session.commit()

    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(make.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/account")

    assert page.get_by_role("heading", name="Your account").is_visible()
    assert page.get_by_text("organiser@example.test").is_visible()
