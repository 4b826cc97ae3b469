"""Every route has a row in the role table, and each role gets exactly the access its row gives.

A new route without a row fails `test_access_table_covers_every_route`, so nothing slips in unchecked.
Object-level rules (which application, which assignment) are exercised here with one owner and one outsider
of each kind; the domain tests go further.
"""

from dataclasses import dataclass

import pytest
from flask import url_for

from app.auth.models import User
from tests.conftest import csrf_from

ANON, OWNER, OTHER_APP, JUROR, OTHER_JUROR, ORGANISER = (
    "anonymous", "applicant", "other_applicant", "juror", "other_juror", "organiser",
)  # fmt: skip
EVERYONE = frozenset({ANON, OWNER, OTHER_APP, JUROR, OTHER_JUROR, ORGANISER})
SIGNED_IN = EVERYONE - {ANON}
APPLICANTS = frozenset({OWNER, OTHER_APP})
JURORS = frozenset({JUROR, OTHER_JUROR})
ORGANISERS = frozenset({ORGANISER})

# endpoint: who may use it (for GET: who gets the page; for POST-only routes: who is not refused).
ACCESS: dict[str, frozenset[str]] = {
    "static": EVERYONE,
    "bootstrap.static": EVERYONE,
    # the probes of load balancers and process managers (JSON, no login, no cookie: tests/test_ops.py)
    "ops.healthz": EVERYONE,
    "ops.readyz": EVERYONE,
    # public pages
    "results.home": EVERYONE,
    "results.archive": EVERYONE,
    "results.edition": EVERYONE,
    "results.public_results": EVERYONE,
    "results.api_editions": EVERYONE,
    "results.api_results": EVERYONE,
    "certificates.verify": EVERYONE,
    "certificates.verify_form": EVERYONE,
    "site.accessibility": EVERYONE,
    "site.accessibility_contact": ORGANISERS,
    # the emails' delivery log
    "emails.edition_log": ORGANISERS,
    "emails.person_log": ORGANISERS,
    "emails.send_again": ORGANISERS,
    # personal data: one's own copy, the organisers' page of a person or an organisation, erasure
    "privacy.notice": EVERYONE,
    "privacy.my_data": SIGNED_IN,
    "privacy.prepare_my_data": SIGNED_IN,
    "privacy.prepare_my_organisation_data": APPLICANTS,
    "privacy.download": frozenset({OWNER, ORGANISER}),  # the owner's own data file
    "privacy.file_status": frozenset({OWNER, ORGANISER}),
    "privacy.person": ORGANISERS,
    "privacy.prepare_person_data": ORGANISERS,
    "privacy.erase_person": ORGANISERS,
    "privacy.organisation": ORGANISERS,
    "privacy.prepare_organisation_data": ORGANISERS,
    "privacy.erase_organisation": ORGANISERS,
    # accounts (links carried in emails are usable by whoever holds them)
    "auth.login": EVERYONE,
    "auth.register": EVERYONE,
    "auth.check_inbox": EVERYONE,
    "auth.confirm_email": EVERYONE,
    "auth.resend_confirmation": EVERYONE,
    "auth.forgot_password": EVERYONE,
    "auth.reset_password": EVERYONE,
    "auth.accept_invitation": EVERYONE,
    "auth.switch_language": EVERYONE,
    "auth.logout": SIGNED_IN,
    "auth.account": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.session_status": EVERYONE,  # says "not signed in" to a visitor
    "auth.session_refresh": SIGNED_IN,
    "auth.sessions": SIGNED_IN,
    "auth.end_session": SIGNED_IN,  # one's own sessions only: tests/auth/test_sessions.py
    "auth.end_other_sessions": SIGNED_IN,
    "auth.colleagues": APPLICANTS,
    "auth.invite_colleague": APPLICANTS,
    "auth.resend_colleague_invitation": frozenset({OWNER}),  # a colleague of the same organisation
    "auth.people": ORGANISERS,
    "auth.invite_person": ORGANISERS,
    "auth.deactivate_person": ORGANISERS,
    "auth.reactivate_person": ORGANISERS,
    "auth.resend_invitation": ORGANISERS,
    # applications
    "submissions.dashboard": APPLICANTS,
    "submissions.start": APPLICANTS,
    "submissions.view": frozenset({OWNER, ORGANISER}),
    "submissions.edit": frozenset({OWNER}),
    "submissions.submit": frozenset({OWNER}),
    "submissions.receipt": frozenset({OWNER}),
    "submissions.withdraw": frozenset({OWNER}),
    "submissions.upload_attachment": frozenset({OWNER}),
    "submissions.delete_attachment": frozenset({OWNER}),
    "submissions.download_attachment": frozenset({OWNER, JUROR, ORGANISER}),
    "submissions.organiser_list": ORGANISERS,
    # editions
    "contests.manage_list": ORGANISERS,
    "contests.manage_edition": ORGANISERS,
    "contests.manage_new": ORGANISERS,
    "contests.manage_edit": ORGANISERS,
    # files prepared by jobs (the certificates' ZIP, the jury report, exports)
    "contests.prepared_file": ORGANISERS,
    "contests.prepared_file_status": ORGANISERS,
    # jury
    "judging.dashboard": JURORS,
    "judging.entry": frozenset({JUROR}),
    "judging.save_sheet": frozenset({JUROR}),
    "judging.recuse": frozenset({JUROR}),
    "judging.screening": ORGANISERS,
    "judging.jury": ORGANISERS,
    "judging.invite_juror": ORGANISERS,
    "judging.remove_juror": ORGANISERS,
    "judging.name_chair": ORGANISERS,
    "judging.assignments": ORGANISERS,
    "judging.assign_all": ORGANISERS,
    "judging.assign_balanced": ORGANISERS,
    "judging.add_assignment": ORGANISERS,
    "judging.remove_assignment": ORGANISERS,
    "judging.progress": ORGANISERS,
    "judging.remind": ORGANISERS,
    # ranking, deliberation, publication
    "ranking.ranking": ORGANISERS,
    "ranking.prepare_file": ORGANISERS,
    "ranking.awards": ORGANISERS,  # and the jury's chair: tests/ranking
    "results.publication": ORGANISERS,
    "results.publish": ORGANISERS,
    "results.schedule": ORGANISERS,
    # certificates
    # an award certificate of published results is public; participation ones: tests/certificates
    "certificates.download": EVERYONE,
    "certificates.edition_list": ORGANISERS,
    "certificates.issue": ORGANISERS,
    "certificates.prepare_zip": ORGANISERS,
    "certificates.progress": ORGANISERS,
    "certificates.retry": ORGANISERS,
    "certificates.revoke": ORGANISERS,
    "certificates.design": ORGANISERS,
    "certificates.design_preview": ORGANISERS,
}


def test_access_table_covers_every_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}

    assert sorted(endpoints - set(ACCESS)) == [], "routes missing from the access table"
    assert sorted(set(ACCESS) - endpoints) == [], "rows for routes that no longer exist"


@dataclass
class World:
    users: dict[str, User]
    args: dict[str, dict[str, object]]

    def values_for(self, rule) -> dict[str, object]:
        prefix = rule.endpoint.split(".")[0]
        values = {}
        for name in rule.arguments:
            values[name] = self.args.get(f"{rule.endpoint}:{name}", self.args.get(f"{prefix}:{name}"))
            if values[name] is None:
                values[name] = self.args[name]
        return values


@pytest.fixture
def world(app, db, make):
    from app.certificates.issue import issue_certificates
    from app.mail import send_email
    from app.prepared.enums import PreparedKind
    from app.prepared.requests import request_file
    from app.privacy.prepared import ask_for_person

    owner = make.applicant(email="owner@example.test")
    other = make.applicant(email="other@example.test")
    juror = make.juror(email="juror@example.test", country="FR")
    other_juror = make.juror(email="other-juror@example.test", country="DE")
    organiser = make.organiser(email="organiser@example.test")
    colleague = make.applicant(organisation=owner.organisation, email="colleague@example.test", password=None)

    open_edition = make.edition(phase="open")
    draft = make.application(edition_=open_edition, organisation_=owner.organisation, status="submitted")
    judging_edition = make.edition(phase="judging")
    entry = make.application(edition_=judging_edition, organisation_=owner.organisation, status="eligible")
    attachment = make.attachment(entry)
    make.jury_member(judging_edition, juror)
    member = make.jury_member(judging_edition, other_juror)
    assignment = make.assignment(entry, juror)

    published = make.edition(phase="published")
    laureate = make.application(edition_=published, organisation_=owner.organisation, status="eligible")
    make.award(published, owner.organisation, place=1, application=laureate)
    with app.test_request_context():
        (certificate,) = issue_certificates(published)
        email = send_email(owner.email, "Receipt", "auth_password_changed", user=owner, forgot_link="/")
        prepared, _new = request_file(
            PreparedKind.RANKING_CSV,
            judging_edition.id,
            parameters={"language": "en", "method": judging_edition.aggregation},
            download_name="ranking.csv",
            user_id=organiser.id,
        )
        data_file, _new = ask_for_person(owner, asked_by=owner, language="en")
    db.session.commit()  # the file is made at once (JOBS_EAGER)

    return World(
        users={OWNER: owner, OTHER_APP: other, JUROR: juror, OTHER_JUROR: other_juror, ORGANISER: organiser},
        args={
            "edition_id": judging_edition.id,
            "application_id": draft.id,
            "attachment_id": attachment.id,
            "assignment_id": assignment.id,
            "member_id": member.id,
            "user_id": colleague.id,
            "session_id": 1,
            "slug": published.slug,
            "submissions:slug": open_edition.slug,
            "token": "not-a-valid-token",
            "code": certificate.verification_code,
            "auth.switch_language:code": "fr",
            "certificate_id": certificate.id,
            "email_id": email.id,
            "file_id": prepared.id,
            "privacy:file_id": data_file.id,
            "organisation_id": owner.organisation.id,
            "filename": "css/prizejury.css",
            "bootstrap.static:filename": "css/bootstrap.min.css",
        },
    )


def _routes(app, method):
    rules = [r for r in app.url_map.iter_rules() if method in r.methods]
    if method == "POST":
        rules = [r for r in rules if "GET" not in r.methods]
    return sorted(rules, key=lambda r: r.endpoint)


def _principals():
    return sorted(EVERYONE)


def _login(client, user):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": user.email, "password": "correct horse battery staple", "csrf_token": token}
    )
    assert response.status_code == 302, f"could not log in {user.email}"


def _is_refused(response, principal) -> bool:
    if response.status_code in (403, 404):
        return True
    location = response.headers.get("Location", "")
    return principal == ANON and response.status_code == 302 and "/login" in location


@pytest.mark.parametrize("principal", _principals())
def test_access_get_routes_follow_the_table(app, world, principal):
    client = app.test_client()
    if principal != ANON:
        _login(client, world.users[principal])
    failures = []
    for rule in _routes(app, "GET"):
        with app.test_request_context():
            url = url_for(rule.endpoint, **world.values_for(rule))
        response = client.get(url)
        response.close()
        allowed = principal in ACCESS[rule.endpoint]
        if response.status_code >= 500:
            failures.append(f"{url}: {response.status_code}")
        elif allowed and _is_refused(response, principal):
            failures.append(f"{url}: refused ({response.status_code}) but the table allows {principal}")
        elif not allowed and not _is_refused(response, principal):
            failures.append(f"{url}: answered {response.status_code} but the table refuses {principal}")

    assert failures == []


@pytest.mark.parametrize("principal", _principals())
def test_access_post_routes_refuse_whom_the_table_refuses(app, world, principal):
    client = app.test_client()
    if principal != ANON:
        _login(client, world.users[principal])
    token = csrf_from(client.get("/login" if principal == ANON else "/account").get_data(as_text=True))
    failures = []
    for rule in _routes(app, "POST"):
        if principal in ACCESS[rule.endpoint]:
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **world.values_for(rule))
        response = client.post(url, data={"csrf_token": token})
        if not _is_refused(response, principal):
            failures.append(f"POST {url}: answered {response.status_code} but the table refuses {principal}")

    assert failures == []
