"""The organisers' jury page: invite, add an existing juror, remove, name the chair."""

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from app.auth.models import User
from app.auth.tokens import read_token
from app.db import utcnow
from app.judging.models import Assignment, JuryMember, ScoreSheet
from tests.judging.helpers import page


def jury_url(edition) -> str:
    return f"/manage/editions/{edition.id}/jury"


def invite(auth, edition, name, email, country):
    return auth.post(
        f"{jury_url(edition)}/invite",
        {"name": name, "email": email, "country": country},
        form_url=jury_url(edition),
    )


def test_jury_page_lists_jurors_with_country_chair_and_progress(client, auth, world, make, db):
    make.score_sheet(world.assignment(world.bruno, world.entries[0]))
    db.session.commit()
    auth.login(world.organiser.email)

    html = page(client.get(jury_url(world.edition)))

    assert "Alice Juror" in html and "Bruno Juror" in html
    assert "France" in html and "Germany" in html
    assert "Chair</span>" in html
    assert "1 of 3" in html and "0 of 3" in html


def test_invite_new_juror_creates_account_and_sends_set_password_link(client, auth, world, db, outbox):
    auth.login(world.organiser.email)

    response = invite(auth, world.edition, "Chiara Nuova", " Chiara@Example.TEST ", "IT")

    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "chiara@example.test"))
    assert (user.role, user.country, user.password_hash, user.name) == ("juror", "IT", None, "Chiara Nuova")
    assert user.invited_at is not None
    assert (
        db.session.scalar(select(JuryMember).where(JuryMember.user_id == user.id)).edition_id
        == world.edition.id
    )
    assert [m.recipients for m in outbox] == [["chiara@example.test"]]
    body = outbox[0].body
    assert world.edition.name in outbox[0].subject
    link = next(line for line in body.splitlines() if line.startswith("http"))
    token = urlsplit(link).path.rstrip("/").split("/")[-1]
    assert read_token(token, "invite").id == user.id
    assert "Chiara Nuova is invited" in page(client.get(jury_url(world.edition)))


def test_invite_existing_juror_just_adds_them(client, auth, world, make, db, outbox):
    other = make.edition(phase="open")
    db.session.commit()
    auth.login(world.organiser.email)

    response = invite(auth, other, "Ignored name", world.bruno.email, "PL")

    assert response.status_code == 302
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.email == world.bruno.email)) == 1
    )
    db.session.refresh(world.bruno)
    assert (world.bruno.name, world.bruno.country) == ("Bruno Juror", "DE")
    assert db.session.scalar(
        select(JuryMember).where(JuryMember.edition_id == other.id, JuryMember.user_id == world.bruno.id)
    )
    assert "Log in with your usual account" in outbox[0].body
    assert "an existing juror account" in page(client.get(jury_url(other)))


def test_invite_refuses_a_juror_already_on_the_jury(client, auth, world, db, outbox):
    auth.login(world.organiser.email)

    response = invite(auth, world.edition, "Bruno", world.bruno.email, "DE")

    assert response.status_code == 422
    assert "Bruno Juror is already on the jury." in page(response)
    assert outbox == []


def test_invite_refuses_an_applicant_address(client, auth, world, make, db, outbox):
    applicant = make.applicant()
    db.session.commit()
    auth.login(world.organiser.email)

    response = invite(auth, world.edition, "X", applicant.email, "FR")

    assert response.status_code == 422
    assert "not a juror" in page(response)
    db.session.refresh(applicant)
    assert applicant.role == "applicant"
    assert outbox == []


def test_invite_requires_name_valid_email_and_country(client, auth, world, db):
    auth.login(world.organiser.email)

    response = invite(auth, world.edition, "", "not-an-email", "")

    html = page(response)
    assert response.status_code == 422
    assert "Give the juror&#39;s name." in html or "Give the juror's name." in html
    assert "Choose the juror" in html
    assert db.session.scalar(select(func.count()).select_from(JuryMember)) == 2


def test_remove_juror_discards_drafts_and_assignments(client, auth, world, make, db):
    make.score_sheet(world.assignment(world.bruno, world.entries[0]), [1, None, None], status="draft")
    db.session.commit()
    member = world.members[1]
    auth.login(world.organiser.email)

    response = auth.post(f"{jury_url(world.edition)}/{member.id}/remove", form_url=jury_url(world.edition))

    assert response.status_code == 302
    assert db.session.get(JuryMember, member.id) is None
    assert (
        db.session.scalar(
            select(func.count()).select_from(Assignment).where(Assignment.juror_id == world.bruno.id)
        )
        == 0
    )
    assert db.session.scalar(select(func.count()).select_from(ScoreSheet)) == 0
    assert "Their 1 draft sheet was discarded." in page(client.get(jury_url(world.edition)))


def test_remove_juror_with_submitted_sheets_is_refused(client, auth, world, make, db):
    make.score_sheet(world.assignment(world.bruno, world.entries[0]))
    db.session.commit()
    member = world.members[1]
    auth.login(world.organiser.email)

    auth.post(f"{jury_url(world.edition)}/{member.id}/remove", form_url=jury_url(world.edition))

    assert db.session.get(JuryMember, member.id) is not None
    assert db.session.scalar(select(func.count()).select_from(ScoreSheet)) == 1
    assert "has submitted 1 score sheets" in page(client.get(jury_url(world.edition)))


def test_name_chair_keeps_one_chair_per_edition(client, auth, world, db):
    alice, bruno = world.members
    auth.login(world.organiser.email)

    auth.post(f"{jury_url(world.edition)}/{bruno.id}/chair", form_url=jury_url(world.edition))

    db.session.refresh(alice)
    db.session.refresh(bruno)
    assert (alice.is_chair, bruno.is_chair) == (False, True)
    assert "Bruno Juror chairs the jury." in page(client.get(jury_url(world.edition)))


def test_member_of_another_edition_is_not_found(client, auth, world, make, db):
    other = make.edition(phase="judging")
    db.session.commit()
    auth.login(world.organiser.email)

    response = auth.post(f"{jury_url(other)}/{world.members[1].id}/remove", form_url=jury_url(other))

    assert response.status_code == 404
    assert db.session.get(JuryMember, world.members[1].id) is not None


def test_jury_fixed_after_judging_closes(client, auth, world, db, outbox):
    world.edition.judging_close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    auth.login(world.organiser.email)

    invite(auth, world.edition, "Late", "late@example.test", "FR")
    auth.post(f"{jury_url(world.edition)}/{world.members[1].id}/remove", form_url=jury_url(world.edition))

    assert db.session.scalar(select(func.count()).select_from(JuryMember)) == 2
    assert db.session.scalar(select(User).where(User.email == "late@example.test")) is None
    assert outbox == []
    assert "The jury is fixed once judging has closed." in page(client.get(jury_url(world.edition)))


def test_jury_pages_forbidden_to_jurors(client, auth, world):
    auth.login(world.alice.email)

    assert client.get(jury_url(world.edition)).status_code == 403
    token = auth.csrf("/jury")
    response = client.post(
        f"{jury_url(world.edition)}/{world.members[0].id}/remove", data={"csrf_token": token}
    )
    assert response.status_code == 403


def test_invite_juror_who_never_accepted_gets_a_fresh_set_password_link(
    client, auth, world, make, db, outbox
):
    pending = make.juror(password=None, confirmed=False, country="SE")
    other = make.edition(phase="open")
    db.session.commit()
    auth.login(world.organiser.email)

    invite(auth, other, pending.name, pending.email, "SE")

    assert [m.recipients for m in outbox] == [[pending.email]]
    link = next(line for line in outbox[0].body.splitlines() if line.startswith("http"))
    assert read_token(urlsplit(link).path.rstrip("/").split("/")[-1], "invite").id == pending.id
