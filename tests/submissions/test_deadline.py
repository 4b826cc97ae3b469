"""After the deadline nothing changes on the server, whatever the client sends."""

from datetime import timedelta

import pytest

from app.db import utcnow
from app.formatting import local_datetime
from tests.submissions.files import PDF, multipart, upload
from tests.submissions.helpers import complete_form, snapshot


@pytest.fixture
def closed(make, db, auth):
    """Two applications of the signed-in organisation whose edition closed a minute ago."""
    edition = make.edition(phase="open")
    organisation = make.organisation()
    submitted = make.application(edition_=edition, organisation_=organisation, status="submitted")
    attachment = make.attachment(submitted)
    user = make.applicant(organisation=organisation)
    other_edition = make.edition(phase="open")
    draft = make.application(edition_=other_edition, organisation_=organisation, status="withdrawn")
    for item in (edition, other_edition):
        item.submissions_close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    auth.login(user.email)
    return submitted, draft, attachment


@pytest.mark.parametrize(
    "action",
    ["edit", "submit", "withdraw", "upload", "delete_attachment"],
)
def test_after_deadline_every_change_is_refused_with_a_message(app, client, auth, db, closed, action):
    submitted, withdrawn, attachment = closed
    target = withdrawn if action == "submit" else submitted
    view_url = f"/applications/{target.id}"
    token = auth.csrf("/my")
    before = snapshot(db, app)

    if action == "edit":
        response = client.post(
            f"{view_url}/edit", data={"csrf_token": token, **complete_form(target, title="Too late")}
        )
    elif action == "upload":
        response = client.post(
            f"{view_url}/attachments", **multipart({"csrf_token": token, "file": upload(PDF, "late.pdf")})
        )
    elif action == "delete_attachment":
        response = client.post(f"/attachments/{attachment.id}/delete", data={"csrf_token": token})
    else:
        response = client.post(f"{view_url}/{action}", data={"csrf_token": token, "confirm": "y"})

    assert response.status_code == 302
    assert response.headers["Location"] == view_url
    page = client.get(view_url).get_data(as_text=True)
    deadline = local_datetime(target.edition.submissions_close_at)
    assert (
        f"The deadline passed on {deadline} (Strasbourg time): the application can no longer be changed. "
        "Nothing was saved." in page
    )
    assert snapshot(db, app) == before


def test_after_deadline_edit_page_redirects_and_view_offers_no_action(client, db, closed):
    submitted, withdrawn, _attachment = closed

    response = client.get(f"/applications/{submitted.id}/edit")
    page = client.get(f"/applications/{withdrawn.id}").get_data(as_text=True)

    assert response.headers["Location"] == f"/applications/{submitted.id}"
    assert "It was not submitted and will not be judged." in page
    for label in ("Submit again", "Withdraw application", "Upload", ">Edit<", "Remove"):
        assert label not in page


def test_after_deadline_dashboard_says_the_draft_was_not_submitted(client, db, closed):
    page = client.get("/my").get_data(as_text=True)

    assert "Not submitted before the deadline." in page
    assert "No edition is open for applications right now." in page


def test_before_opening_nothing_can_be_started(app, client, auth, make, db):
    edition = make.edition(phase="upcoming")
    user = make.applicant()
    db.session.commit()
    auth.login(user.email)
    before = snapshot(db, app)

    response = auth.post(f"/editions/{edition.slug}/apply", form_url="/my")

    assert response.headers["Location"] == "/my"
    assert snapshot(db, app) == before
