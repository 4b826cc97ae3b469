"""Who may open and change what: every submissions route against the wrong people."""

import pytest

from tests.submissions.files import PDF, multipart, upload
from tests.submissions.helpers import complete_form, snapshot

SECRET = "Secret project title 7f3a"

# Every route of the blueprint: method(s) and URL pattern. A new route must be added here to pass.
ROUTES = {
    "submissions.dashboard": ("GET", "/my"),
    "submissions.start": ("POST", "/editions/{slug}/apply"),
    "submissions.edit": ("GET POST", "/applications/{application}/edit"),
    "submissions.view": ("GET", "/applications/{application}"),
    "submissions.submit": ("POST", "/applications/{application}/submit"),
    "submissions.receipt": ("GET", "/applications/{application}/receipt"),
    "submissions.withdraw": ("POST", "/applications/{application}/withdraw"),
    "submissions.upload_attachment": ("POST", "/applications/{application}/attachments"),
    "submissions.delete_attachment": ("POST", "/attachments/{attachment}/delete"),
    "submissions.download_attachment": ("GET", "/attachments/{attachment}"),
    "submissions.organiser_list": ("GET", "/manage/editions/{edition}/applications"),
}
OBJECT_ROUTES = [
    (method, endpoint)
    for endpoint, (methods, pattern) in ROUTES.items()
    for method in methods.split()
    if "{application}" in pattern or "{attachment}" in pattern
]


@pytest.fixture
def victim(make, db):
    """A submitted application of another organisation, with an attachment: what must not leak."""
    application = make.application(status="submitted", title=SECRET)
    attachment = make.attachment(application, data=PDF, name="secret-budget.pdf")
    db.session.commit()
    return application, attachment


def _url(endpoint: str, application, attachment) -> str:
    return ROUTES[endpoint][1].format(
        application=application.id,
        attachment=attachment.id,
        slug=application.edition.slug,
        edition=application.edition_id,
    )


def _request(client, auth, method, endpoint, application, attachment, *, csrf_page="/account"):
    url = _url(endpoint, application, attachment)
    if method == "GET":
        return client.get(url)
    token = auth.csrf(csrf_page)
    if endpoint == "submissions.upload_attachment":
        return client.post(url, **multipart({"csrf_token": token, "file": upload(PDF, "x.pdf")}))
    data = {"csrf_token": token, "confirm": "y"}
    if endpoint == "submissions.edit":
        data.update(complete_form(application, title="Taken over"))
    return client.post(url, data=data)


def test_route_table_covers_every_submissions_route(app):
    rules = {
        rule.endpoint: (" ".join(sorted(rule.methods - {"HEAD", "OPTIONS"})), rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("submissions.")
    }

    expected = {
        endpoint: (
            " ".join(sorted(methods.split())),
            pattern.replace("{application}", "<int:application_id>")
            .replace("{attachment}", "<int:attachment_id>")
            .replace("{slug}", "<slug>")
            .replace("{edition}", "<int:edition_id>"),
        )
        for endpoint, (methods, pattern) in ROUTES.items()
    }
    assert rules == expected


@pytest.mark.parametrize(("method", "endpoint"), OBJECT_ROUTES)
def test_other_organisation_can_neither_see_nor_touch(app, client, auth, make, db, victim, method, endpoint):
    application, attachment = victim
    intruder = make.applicant()
    db.session.commit()
    auth.login(intruder.email)
    before = snapshot(db, app)

    response = _request(client, auth, method, endpoint, application, attachment)

    assert response.status_code == 403
    assert SECRET not in response.get_data(as_text=True)
    assert snapshot(db, app) == before


def test_other_organisation_dashboard_does_not_show_the_application(client, auth, make, db, victim):
    intruder = make.applicant()
    db.session.commit()
    auth.login(intruder.email)

    page = client.get("/my").get_data(as_text=True)

    assert SECRET not in page
    assert victim[0].reference not in page


@pytest.mark.parametrize(("method", "endpoint"), [*OBJECT_ROUTES, ("GET", "submissions.dashboard")])
def test_anonymous_is_sent_to_login(app, client, auth, make, db, victim, method, endpoint):
    application, attachment = victim
    before = snapshot(db, app)

    response = _request(client, auth, method, endpoint, application, attachment, csrf_page="/login")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert snapshot(db, app) == before


@pytest.mark.parametrize(
    "url",
    [
        "/applications/99999999999999999999",
        "/applications/99999999999999999999/edit",
        "/applications/99999999999999999999/receipt",
        "/applications/2147483647",
        "/applications/0",
        "/applications/-1",
        "/attachments/99999999999999999999",
        "/attachments/12345",
        "/manage/editions/99999999999999999999/applications",
        "/manage/editions/12345/applications",
    ],
)
def test_absurd_or_unknown_ids_are_404(client, auth, make, db, url):
    organiser = make.organiser()
    db.session.commit()
    auth.login(organiser.email)

    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/applications/99999999999999999999/submit",
        "/applications/99999999999999999999/withdraw",
        "/applications/99999999999999999999/attachments",
        "/attachments/99999999999999999999/delete",
        "/applications/424242/submit",
    ],
)
def test_absurd_ids_on_post_are_404(client, auth, make, db, url):
    user = make.applicant()
    db.session.commit()
    auth.login(user.email)

    assert auth.post(url, form_url="/my").status_code == 404


@pytest.mark.parametrize(
    ("endpoint", "data"),
    [
        ("submissions.edit", {"title": "No token"}),
        ("submissions.submit", {}),
        ("submissions.withdraw", {"confirm": "y"}),
        ("submissions.delete_attachment", {}),
    ],
)
def test_post_without_csrf_token_is_400_and_changes_nothing(app, client, auth, make, db, endpoint, data):
    application = make.application(status="submitted")
    attachment = make.attachment(application)
    user = make.applicant(organisation=application.organisation)
    db.session.commit()
    auth.login(user.email)
    before = snapshot(db, app)

    response = client.post(_url(endpoint, application, attachment), data=data)

    assert response.status_code == 400
    assert snapshot(db, app) == before


def test_start_without_csrf_token_is_400(app, client, auth, make, db):
    edition = make.edition()
    user = make.applicant()
    db.session.commit()
    auth.login(user.email)
    before = snapshot(db, app)

    response = client.post(f"/editions/{edition.slug}/apply")

    assert response.status_code == 400
    assert snapshot(db, app) == before


def test_get_routes_change_nothing(app, client, auth, make, db):
    application = make.application(status="submitted")
    attachment = make.attachment(application)
    user = make.applicant(organisation=application.organisation)
    db.session.commit()
    auth.login(user.email)
    before = snapshot(db, app)

    for endpoint, (methods, _pattern) in ROUTES.items():
        if "GET" in methods and endpoint != "submissions.organiser_list":
            with client.get(_url(endpoint, application, attachment)) as response:
                assert response.status_code == 200, endpoint

    assert snapshot(db, app) == before


def test_juror_without_assignment_is_refused(client, auth, make, db):
    application = make.application(status="eligible", title=SECRET)
    attachment = make.attachment(application)
    juror = make.juror()
    make.jury_member(application.edition, juror)
    db.session.commit()
    auth.login(juror.email)

    assert client.get(f"/applications/{application.id}").status_code == 403
    assert client.get(f"/attachments/{attachment.id}").status_code == 403


def test_juror_assigned_to_an_eligible_entry_may_read_and_download(client, auth, make, db):
    application = make.application(status="eligible", title=SECRET)
    attachment = make.attachment(application, data=PDF)
    juror = make.juror()
    make.assignment(application, juror)
    db.session.commit()
    auth.login(juror.email)

    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    with client.get(f"/attachments/{attachment.id}") as response:
        assert (response.status_code, response.data) == (200, PDF)

    assert SECRET in page
    assert "Withdraw" not in page
    assert client.get(f"/applications/{application.id}/edit").status_code == 403


@pytest.mark.parametrize(("status", "recused"), [("submitted", False), ("eligible", True)])
def test_juror_assignment_not_live_is_refused(client, auth, make, db, status, recused):
    from app.db import utcnow

    application = make.application(status=status)
    attachment = make.attachment(application)
    juror = make.juror()
    make.assignment(application, juror, recused_at=utcnow() if recused else None)
    db.session.commit()
    auth.login(juror.email)

    assert client.get(f"/applications/{application.id}").status_code == 403
    assert client.get(f"/attachments/{attachment.id}").status_code == 403


def test_organiser_reads_and_downloads_but_cannot_change(app, client, auth, make, db):
    application = make.application(status="submitted", title=SECRET)
    attachment = make.attachment(application, data=PDF)
    organiser = make.organiser()
    db.session.commit()
    auth.login(organiser.email)
    before = snapshot(db, app)

    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    with client.get(f"/attachments/{attachment.id}") as response:
        assert (response.status_code, response.data) == (200, PDF)
    refused = [
        _request(client, auth, method, endpoint, application, attachment).status_code
        for method, endpoint in OBJECT_ROUTES
        if endpoint not in ("submissions.view", "submissions.download_attachment")
    ]

    assert SECRET in page
    assert refused == [403] * len(refused)
    assert client.get("/my").status_code == 403
    assert snapshot(db, app) == before


def test_applicant_cannot_see_the_organiser_list(client, auth, make, db):
    application = make.application(status="submitted")
    user = make.applicant(organisation=application.organisation)
    db.session.commit()
    auth.login(user.email)

    assert client.get(f"/manage/editions/{application.edition_id}/applications").status_code == 403
