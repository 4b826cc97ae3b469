"""The three main journeys by keyboard alone, in Chromium: Tab and Shift+Tab to move, Enter and Space to act,
typing to fill in; no click. At each step the focused element must show a visible focus indicator
(tests/browser/focus.py), and a screenshot of the window is saved as a test artefact under
test-results/keyboard/<journey>/.

    applicant:  log in, start the application, fill it in, save the draft, submit it
    juror:      log in, open the entry, score every criterion, submit the sheet
    organiser:  log in, record the awards of the computed podium with citations, publish the results
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import Application
from app.ranking.models import Award
from app.submissions.enums import ApplicationStatus
from tests.browser.focus import assert_focus_visible
from tests.ranking.conftest import build_small_edition

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("test-results/keyboard")
MOST_TABS = (
    150  # a step that takes more Tab presses than this is a failure of the page's order, or of the test
)


class KeyboardUser:
    """Someone who uses only the keyboard; every element reached is checked and photographed."""

    def __init__(self, page, journey: str):
        self.page = page
        self.folder = SCREENSHOTS / journey
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.steps = 0

    def tab_to(self, locator, what: str, *, backwards: bool = False) -> None:
        """Tab (or Shift+Tab) until the element has the focus; then check its focus indicator."""
        target = locator.element_handle()
        for _ in range(MOST_TABS):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            if target.evaluate("el => el === document.activeElement"):
                break
        else:
            raise AssertionError(f"{MOST_TABS} Tab presses never reached {what}")
        self.steps += 1
        name = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-")
        self.page.screenshot(path=self.folder / f"{self.steps:02d}-{name}.png")  # kept when the check fails
        assert_focus_visible(self.page, target, what)

    def fill(self, locator, text: str, what: str) -> None:
        self.tab_to(locator, what)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)

    def press_and_wait(self, key: str) -> None:
        """A key that sends a form or follows a link: wait for the next page."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)

    def finish(self) -> None:
        """Let the last page finish loading (its icon too) before the browser closes."""
        self.page.wait_for_load_state("networkidle")

    def log_in(self, email: str, password: str) -> None:
        self.page.goto("/login")
        self.fill(self.page.get_by_label("Email"), email, "email")
        self.fill(self.page.get_by_label("Password"), password, "password")
        self.press_and_wait("Enter")


def test_applicant_applies_and_submits_by_keyboard(page, make, db):
    edition = make.edition(phase="open", name="Dosta!-Congress Prize 2027", year=2027)
    applicant = make.applicant(email="mayor@volos.test")
    db.session.commit()
    person = KeyboardUser(page, "applicant")

    person.log_in(applicant.email, make.PASSWORD)
    person.tab_to(page.get_by_role("button", name="Start your application"), "start your application")
    person.press_and_wait("Enter")

    person.fill(page.get_by_label("Title of the project"), "Schools open to every child", "title")
    person.fill(page.get_by_label("Summary"), "Mediators, literacy classes and a health centre.", "summary")
    for criterion in edition.criteria:
        person.fill(
            page.get_by_label(f"Answer for {criterion.name}"),
            f"What we did for {criterion.name}.",
            criterion.name,
        )
    person.fill(page.get_by_label("Start year"), "2024", "start year")
    person.tab_to(page.get_by_label("Education"), "education")
    page.keyboard.press("Space")
    person.fill(page.get_by_label("Beneficiaries"), "600 children and their families", "beneficiaries")
    person.fill(page.get_by_label("Budget in euro"), "85000", "budget")
    person.fill(page.get_by_label("Partners"), "The local Roma association", "partners")
    person.tab_to(page.get_by_role("button", name="Save draft"), "save draft")
    person.press_and_wait("Enter")
    assert page.get_by_label("Title of the project").input_value() == "Schools open to every child"

    person.tab_to(page.get_by_label("Breadcrumb").get_by_role("link").nth(1), "the application")
    person.press_and_wait("Enter")
    person.tab_to(page.get_by_role("button", name="Submit application").first, "submit application")
    person.press_and_wait("Enter")

    page.wait_for_url("**/receipt")
    person.finish()
    application = db.session.scalar(
        select(Application).where(Application.title == "Schools open to every child")
    )
    db.session.refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.fields_of_action == ["education"]
    assert person.steps >= 15


def test_juror_scores_and_submits_by_keyboard(page, make, db):
    edition = make.edition(phase="judging")
    juror = make.juror(email="juror@example.test", country="FR")
    make.jury_member(edition, juror)
    entry = make.application(edition_=edition, status="eligible", title="Community life, together")
    assignment = make.assignment(entry, juror)
    db.session.commit()
    person = KeyboardUser(page, "juror")

    person.log_in(juror.email, make.PASSWORD)
    person.tab_to(page.get_by_role("link", name="Community life, together").first, "the entry")
    person.press_and_wait("Enter")
    for score, criterion in zip(("8", "7", "9"), edition.criteria, strict=True):
        person.fill(page.get_by_label(f"Score for {criterion.name}"), score, f"score for {criterion.name}")
        person.fill(
            page.get_by_label(f"Comment on {criterion.name}"), "Well argued.", f"comment on {criterion.name}"
        )
    person.tab_to(page.get_by_role("button", name="Submit score sheet"), "submit score sheet")
    person.press_and_wait("Enter")
    person.finish()

    db.session.expire_all()
    sheet = assignment.sheet
    assert sheet.status == "submitted"
    assert sorted(float(score.value) for score in sheet.scores) == [7.0, 8.0, 9.0]


def test_organiser_records_awards_and_publishes_by_keyboard(page, make, db):
    small = build_small_edition(make)
    db.session.commit()
    person = KeyboardUser(page, "organiser")

    person.log_in(small.organiser.email, make.PASSWORD)
    page.goto(f"/manage/editions/{small.edition.id}/ranking")
    person.tab_to(page.get_by_role("link", name="Awards and citations"), "awards and citations")
    person.press_and_wait("Enter")
    for letter, citation in (
        ("A", "Roma and non-Roma together."),
        ("B", "Schools for every child."),
        ("C", "A fair plan."),
    ):
        entry = small.entries[letter]
        person.fill(page.locator(f"#citation_en_{entry.id}"), citation, f"citation {letter}")
    person.tab_to(page.get_by_role("button", name="Save the awards"), "save the awards")
    person.press_and_wait("Enter")
    awards = db.session.scalars(select(Award).where(Award.edition_id == small.edition.id)).all()
    assert sorted(a.place for a in awards) == [1, 2, 3]

    person.tab_to(page.get_by_role("link", name="Publication").first, "publication")
    person.press_and_wait("Enter")
    person.tab_to(page.get_by_role("button", name="Publish the results now"), "publish the results now")
    person.press_and_wait("Enter")
    person.finish()

    db.session.expire_all()
    assert small.edition.results_published_at is not None
