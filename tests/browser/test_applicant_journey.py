"""A new municipality registers and submits to the open edition, in Chromium, as a person would."""

import re

import pytest
from sqlalchemy import select

from app.models import Application
from app.submissions.enums import ApplicationStatus

pytestmark = pytest.mark.browser

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n%%EOF\n"
)


def _link_in(message) -> str:
    return re.search(r"https?://\S+/confirm/\S+", message.body).group(0)


def test_applicant_journey_register_confirm_apply_submit(page, live_server, make, db, outbox, tmp_path):
    edition = make.edition(phase="open", name="Dosta!-Congress Prize 2027", year=2027)
    db.session.commit()
    attachment = tmp_path / "évaluation.pdf"
    attachment.write_bytes(PDF)

    # Register the municipality and its contact person.
    page.goto("/")
    page.get_by_role("link", name="Register your municipality").first.click()
    page.get_by_label("Name of the municipality or region").fill("Ηράκλειο Demo")
    page.get_by_label("Country").select_option(label="Greece")
    page.get_by_label("Population").fill("170000")
    page.get_by_label("Your name").fill("Eleni Demo")
    page.get_by_label("Your email address").fill("eleni@heraklion.test")
    page.get_by_label("Password", exact=True).fill("roma inclusion in crete")
    page.get_by_label("Repeat the password").fill("roma inclusion in crete")
    with page.expect_navigation():
        page.get_by_role("button", name="Register").click()
    assert page.get_by_text("eleni@heraklion.test").first.is_visible()

    # Confirm the address from the emailed link, then log in.
    page.goto(_link_in(outbox[-1]).replace("http://localhost", live_server.url))
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm my email address").click()
    page.goto("/login")
    page.get_by_label("Email").fill("eleni@heraklion.test")
    page.get_by_label("Password").fill("roma inclusion in crete")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()

    # Start, fill in and save the draft.
    with page.expect_navigation():
        page.get_by_role("button", name="Start your application").click()
    page.get_by_label("Title of the project").fill("Schools open to every child")
    page.get_by_label("Summary").fill("Mediators, literacy classes and a socio-medical centre.")
    for criterion in edition.criteria:
        page.get_by_label(f"Answer for {criterion.name}").fill(f"What we did for {criterion.name}.")
    page.get_by_label("Start year").fill("2024")
    page.get_by_label("Education").check()
    page.get_by_label("Beneficiaries").fill("600 children and their families")
    page.get_by_label("Budget in euro").fill("85000")
    page.get_by_label("Partners").fill("The 'I am a Roma' local action group")
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    assert page.get_by_label("Title of the project").input_value() == "Schools open to every child"

    # Attach a file on the application page, then submit.
    page.goto(page.url.replace("/edit", ""))
    page.get_by_label("Add a file").set_input_files(str(attachment))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload").click()
    assert page.get_by_text("évaluation.pdf").first.is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Submit application").first.click()
    page.wait_for_url("**/receipt")

    title = "Schools open to every child"
    application = db.session.scalar(select(Application).where(Application.title == title))
    db.session.refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED
    assert page.get_by_text(application.reference).first.is_visible()
    assert application.organisation.name == "Ηράκλειο Demo"
    assert [a.original_name for a in application.attachments] == ["évaluation.pdf"]
    assert any(application.reference in message.body for message in outbox)
