import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.enums import Role
from app.auth.models import LoginSession, User
from app.db import utcnow
from tests.auth.helpers import count, link_in, post_form, text
from tests.conftest import AuthActions, counting_queries

JUROR_PASSWORD = "scoring fairly since 2013"


@pytest.fixture
def organiser(make, db, auth):
    user = make.organiser(name="Olga Organiser", email="olga@coe.example")
    db.session.commit()
    auth.login(user.email)
    return user


def people_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="fw-normal">([^<]+?)(?: <span|</th>)', html)


def invite(auth, **fields):
    data = {"name": "Anna Juror", "email": "anna@jury.example", "role": "juror", "country": "HU"}
    data.update(fields)
    return auth.post("/manage/people/invite", data)


def test_invite_juror_then_accept_sets_password_and_logs_in(app, organiser, auth, db, outbox):
    response = invite(auth, email="Anna@Jury.example ")

    assert response.headers["Location"] == "/manage/people"
    juror = db.session.scalar(select(User).where(User.email == "anna@jury.example"))
    assert (juror.role, juror.country, juror.password_hash, juror.invited_at is not None) == (
        Role.JUROR,
        "HU",
        None,
        True,
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.invite"))
    assert (event.actor_id, event.object_id) == (organiser.id, juror.id)
    message = outbox[-1]
    assert message.recipients == ["anna@jury.example"]
    assert (
        "Olga Organiser invites you to join the Dosta!-Congress Prize for Municipalities as juror."
        in message.body
    )
    assert "valid for 14 days" in message.body

    browser = app.test_client()
    path = link_in(message, "/invitation/")
    accepted = post_form(
        browser, path, {"name": "Anna Kovács", "password": JUROR_PASSWORD, "password_confirm": JUROR_PASSWORD}
    )

    assert accepted.headers["Location"] == "/jury"
    account = text(browser.get("/account"))
    assert "Anna Kovács" in account
    db.session.refresh(juror)
    assert juror.name == "Anna Kovács"
    assert juror.email_confirmed_at is not None
    assert (
        AuthActions(app.test_client()).login("anna@jury.example", JUROR_PASSWORD).headers["Location"]
        == "/jury"
    )


def test_invite_organiser_without_country_accepted(organiser, auth, db):
    invite(auth, role="organiser", country="", email="second@coe.example")

    user = db.session.scalar(select(User).where(User.email == "second@coe.example"))
    assert (user.role, user.country) == (Role.ORGANISER, None)


@pytest.mark.parametrize(
    ("country", "message"), [("", "Choose the juror's country."), ("US", "member states")]
)
def test_invite_juror_needs_member_state(organiser, auth, db, outbox, country, message):
    response = invite(auth, country=country)

    assert response.status_code == 200
    assert message in text(response).replace("&#39;", "'")
    assert count(db, User) == 1
    assert outbox == []


def test_invite_applicant_role_refused(organiser, auth, db):
    response = invite(auth, role="applicant")

    assert response.status_code == 200
    assert count(db, User) == 1


def test_invite_existing_email_gets_a_clear_message(organiser, auth, make, db, outbox):
    make.juror(email="anna@jury.example", name="Anna Already")
    db.session.commit()

    response = invite(auth, email="ANNA@jury.example")

    assert "anna@jury.example already has an account: Anna Already, juror, active." in text(response)
    assert count(db, User) == 2
    assert outbox == []


def test_deactivated_juror_session_ends_and_login_refused(app, organiser, auth, make, db):
    juror = make.juror(name="Dezső Deactivated")
    db.session.commit()
    juror_browser = AuthActions(app.test_client())
    juror_browser.login(juror.email)
    assert juror_browser.client.get("/account").status_code == 200

    response = auth.post(f"/manage/people/{juror.id}/deactivate", form_url="/manage/people")

    assert response.headers["Location"] == "/manage/people"
    assert juror_browser.client.get("/account").status_code == 302
    refused = juror_browser.login(juror.email)
    assert "This account has been deactivated." in text(refused)
    assert juror_browser.client.get("/account").status_code == 302
    db.session.refresh(juror)
    assert juror.active is False
    assert (
        db.session.scalar(
            select(LoginSession).where(LoginSession.user_id == juror.id, LoginSession.revoked_at.is_(None))
        )
        is None
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.deactivate"))
    assert (event.actor_id, event.object_id, event.before, event.after) == (
        organiser.id,
        juror.id,
        {"active": True},
        {"active": False},
    )
    assert "Deactivated" in text(auth.client.get("/manage/people"))


def test_reactivated_juror_can_log_in_again(app, organiser, auth, make, db):
    juror = make.juror(active=False)
    db.session.commit()

    auth.post(f"/manage/people/{juror.id}/reactivate", form_url="/manage/people")

    db.session.refresh(juror)
    assert juror.active is True
    assert AuthActions(app.test_client()).login(juror.email).headers["Location"] == "/jury"
    assert db.session.scalar(select(AuditEvent.action)) == "user.reactivate"


def test_organiser_cannot_deactivate_himself(organiser, auth, db, client):
    response = auth.post(f"/manage/people/{organiser.id}/deactivate", form_url="/manage/people")

    assert response.status_code == 302
    assert "You cannot deactivate your own account." in text(client.get("/manage/people"))
    db.session.refresh(organiser)
    assert organiser.active is True
    assert client.get("/account").status_code == 200
    assert count(db, AuditEvent) == 0


def test_deactivate_keeps_the_filters_of_the_list(organiser, auth, make, db):
    juror = make.juror()
    db.session.commit()

    response = auth.post(
        f"/manage/people/{juror.id}/deactivate?next=/manage/people?role%3Djuror", form_url="/manage/people"
    )

    assert response.headers["Location"] == "/manage/people?role=juror"


def test_deactivate_next_offsite_ignored(organiser, auth, make, db):
    juror = make.juror()
    db.session.commit()

    response = auth.post(
        f"/manage/people/{juror.id}/deactivate?next=https://evil.example/", form_url="/manage/people"
    )

    assert response.headers["Location"] == "/manage/people"


def test_resend_invitation_sends_a_new_link(organiser, auth, make, db, outbox):
    pending = make.juror(password=None, confirmed=False, invited_at=utcnow())
    db.session.commit()

    auth.post(f"/manage/people/{pending.id}/resend", form_url="/manage/people")

    assert [m.recipients for m in outbox] == [[pending.email]]
    assert link_in(outbox[0], "/invitation/")
    assert db.session.scalar(select(AuditEvent.action)) == "user.invitation_resent"


def test_resend_invitation_refused_once_password_chosen(organiser, auth, make, db, outbox, client):
    juror = make.juror(name="Has Password")
    db.session.commit()

    auth.post(f"/manage/people/{juror.id}/resend", form_url="/manage/people")

    assert outbox == []
    assert "Has Password has already chosen a password." in text(client.get("/manage/people"))


def test_people_list_shows_status_of_each_account(organiser, auth, make, db, client):
    make.juror(name="Ivan Invited", password=None, confirmed=False)
    make.applicant(name="Una Unconfirmed", confirmed=False)
    make.juror(name="Dora Deactivated", active=False)
    make.juror(name="Alma Active")
    db.session.commit()

    body = text(client.get("/manage/people"))

    for name, status in [
        ("Ivan Invited", "Invited"),
        ("Una Unconfirmed", "Email not confirmed"),
        ("Dora Deactivated", "Deactivated"),
        ("Alma Active", "Active"),
    ]:
        row = body[body.index(name) :].split("</tr>")[0]
        assert f">{status}</span>" in row, name


@pytest.fixture
def crowd(make, db):
    obrnice = make.organisation(name="Obrnice", country="CZ")
    heraklion = make.organisation(name="Ηράκλειο", country="GR")
    make.applicant(name="Jana Nováková", organisation=obrnice, email="jana@obrnice.example")
    make.applicant(name="Eleni Papadaki", organisation=heraklion, email="eleni@heraklion.example")
    make.juror(name="Béla Juror", country="HU")
    make.juror(name="Giorgos Juror", country="GR", active=False)
    db.session.commit()
    return {"obrnice": obrnice, "heraklion": heraklion}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("role=juror", ["Béla Juror", "Giorgos Juror"]),
        ("country=GR", ["Giorgos Juror", "Eleni Papadaki"]),
        ("status=deactivated", ["Giorgos Juror"]),
        ("q=obrnice", ["Jana Nováková"]),
        ("q=PAPADAKI", ["Eleni Papadaki"]),
        ("q=%25", []),
        ("role=applicant&country=CZ", ["Jana Nováková"]),
        (
            "role=nonsense",
            ["Olga Organiser", "Béla Juror", "Giorgos Juror", "Eleni Papadaki", "Jana Nováková"],
        ),
    ],
)
def test_people_filters(organiser, client, crowd, query, expected):
    response = client.get(f"/manage/people?{query}")

    assert response.status_code == 200
    assert people_names(text(response)) == expected


def test_people_filter_by_organisation(organiser, client, crowd):
    body = text(client.get(f"/manage/people?organisation={crowd['heraklion'].id}"))

    assert people_names(body) == ["Eleni Papadaki"]


def queries_for_people_page(client, db, make, people: int) -> int:
    """Queries issued by the people page once the database holds this many users."""
    while count(db, User) < people:
        if count(db, User) % 2:
            make.applicant()
        else:
            make.juror()
    db.session.commit()
    with counting_queries(db) as statements:
        response = client.get("/manage/people")
    assert response.status_code == 200
    assert len(people_names(text(response))) == people
    return len(statements)


def test_people_page_queries_do_not_grow_with_rows(organiser, client, db, make):
    at_5 = queries_for_people_page(client, db, make, 5)
    at_50 = queries_for_people_page(client, db, make, 50)

    assert at_5 == at_50


def test_people_page_paginates_after_fifty(organiser, client, db, make):
    for n in range(55):
        make.applicant(name=f"Person {n:02d}")
    db.session.commit()

    first = text(client.get("/manage/people"))
    second = text(client.get("/manage/people?page=2"))

    assert len(people_names(first)) == 50
    assert len(people_names(second)) == 6
    assert "Page 1 of 2" in first
    assert "56 people" in first


@pytest.mark.parametrize(
    ("page", "status", "shown"),
    [("9" * 30, 404, None), ("100001", 404, None), ("100000", 200, 0), ("-5", 200, 1), ("x", 200, 1)],
)
def test_people_page_number_out_of_range_is_404_or_the_first_page(organiser, client, page, status, shown):
    response = client.get(f"/manage/people?page={page}")

    assert response.status_code == status
    if shown is not None:
        assert len(people_names(text(response))) == shown


@pytest.mark.parametrize("parameter", ["role", "status", "country", "organisation"])
def test_people_filter_of_blank_space_is_no_filter(organiser, client, make, db, parameter):
    make.applicant(name="Ann Applicant")
    db.session.commit()

    response = client.get(f"/manage/people?{parameter}=%20")

    assert response.status_code == 200
    assert "Ann Applicant" in people_names(text(response))


PEOPLE_PAGES = [
    ("get", "/manage/people"),
    ("get", "/manage/people/invite"),
    ("post", "/manage/people/invite"),
    ("post", "/manage/people/{id}/deactivate"),
    ("post", "/manage/people/{id}/reactivate"),
    ("post", "/manage/people/{id}/resend"),
]


@pytest.mark.parametrize(("method", "path"), PEOPLE_PAGES)
@pytest.mark.parametrize("role", ["applicant", "juror"])
def test_people_pages_refused_to_non_organisers(client, auth, make, db, method, path, role):
    target = make.juror(password=None, confirmed=False)
    me = make.user(role=role)
    db.session.commit()
    auth.login(me.email)
    url = path.format(id=target.id)

    if method == "get":
        response = client.get(url)
    else:
        response = auth.post(
            url, {"name": "X", "email": "x@x.example", "role": "organiser"}, form_url="/account"
        )

    assert response.status_code == 403
    db.session.refresh(target)
    assert target.active is True
    assert count(db, User) == 2
    assert count(db, AuditEvent) == 0


@pytest.mark.parametrize(("method", "path"), PEOPLE_PAGES)
def test_people_pages_send_anonymous_to_login(client, auth, make, db, method, path):
    target = make.juror()
    db.session.commit()
    url = path.format(id=target.id)

    response = client.get(url) if method == "get" else auth.post(url, form_url="/login")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    db.session.refresh(target)
    assert target.active is True


def test_people_unknown_user_id_not_found(organiser, auth):
    response = auth.post("/manage/people/2147483647/deactivate", form_url="/manage/people")

    assert response.status_code == 404
