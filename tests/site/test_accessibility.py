"""The accessibility statement: public in both languages, linked from every page, with the contact that the
organisers keep (app/site/)."""

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.site.models import SiteSettings


@pytest.fixture
def organiser(make, db, auth):
    user = make.organiser(email="olga@coe.example")
    db.session.commit()
    auth.login(user.email)
    return user


def test_statement_follows_the_eu_model_in_english(client):
    page = client.get("/accessibility", headers={"Accept-Language": "en"}).get_data(as_text=True)
    headings = [
        "Accessibility statement",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this statement",
        "Feedback and contact information",
        "Enforcement procedure",
    ]
    positions = [page.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "partially compliant with EN 301 549 and WCAG 2.1 level AA" in page
    assert "prepared on 7 December 2026" in page


def test_statement_in_french(client):
    page = client.get("/accessibility", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Déclaration d'accessibilité" in page
    assert "établie le 7 décembre 2026" in page
    assert "Accessibility statement" not in page


def test_every_page_links_to_the_statement(client):
    for url in ("/", "/login", "/no-such-page"):
        assert 'href="/accessibility"' in client.get(url).get_data(as_text=True)


def test_statement_without_contact_says_so(client):
    page = client.get("/accessibility").get_data(as_text=True)
    assert "The organisers have not yet named a contact for accessibility feedback." in page
    assert "/manage/accessibility" not in page  # a visitor is not offered the organisers' form


def test_organiser_sets_the_contact_and_the_statement_shows_it(client, auth, organiser, db):
    response = auth.post(
        "/manage/accessibility",
        {"email": " access@coe.example ", "phone": "+33 3 88 41 20 00", "reviewed_on": "2027-01-15"},
    )

    assert response.headers["Location"] == "/manage/accessibility"
    settings = db.session.get(SiteSettings, 1)
    assert (
        settings.accessibility_email,
        settings.accessibility_phone,
        str(settings.accessibility_reviewed_on),
    ) == (
        "access@coe.example",
        "+33 3 88 41 20 00",
        "2027-01-15",
    )
    assert db.session.scalar(select(AuditEvent.action)) == "site.accessibility_contact"
    page = client.get("/accessibility").get_data(as_text=True)
    assert '<a href="mailto:access@coe.example">access@coe.example</a>' in page
    assert 'href="tel:+33388412000"' in page
    assert "last reviewed on 15 January 2027" in page


def test_saving_the_same_contact_again_records_nothing_new(client, auth, organiser, db):
    data = {"email": "access@coe.example", "phone": "", "reviewed_on": ""}
    auth.post("/manage/accessibility", data)
    auth.post("/manage/accessibility", data)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not an address", "Enter an email address, such as access@coe.int."),
        ("phone", "call us", "Enter a telephone number, such as +33 3 88 41 20 00."),
        ("reviewed_on", "31/02/2027", "Not a valid date value."),
    ],
)
def test_bad_contact_is_refused_and_changes_nothing(client, auth, organiser, db, field, value, message):
    data = {"email": "access@coe.example", "phone": "", "reviewed_on": ""} | {field: value}
    response = auth.post("/manage/accessibility", data)

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.get(SiteSettings, 1) is None


def test_only_organisers_change_the_contact(client, auth, make, db):
    juror = make.juror(email="jules@jury.example")
    db.session.commit()
    auth.login(juror.email)

    assert client.get("/manage/accessibility").status_code == 403
    response = auth.post("/manage/accessibility", {"email": "x@y.example"}, form_url="/account")
    assert response.status_code == 403
    assert db.session.get(SiteSettings, 1) is None
