"""app/submissions/services.py: what is missing, reference numbers, and two starts at once."""

import pytest
from sqlalchemy import select

from app.models import Application, AuditEvent
from app.submissions import services
from app.submissions.services import ApplicationValues


def test_missing_items_lists_everything_in_form_order(make, request_context):
    edition = make.edition(year=2013)

    missing = services.missing_items(ApplicationValues(), edition.criteria, edition.year)

    assert missing == [
        "Title",
        "Summary",
        "Answer for Integration",
        "Answer for Anti-discrimination",
        "Answer for Awareness-raising",
        "Start year",
        "Fields of action (at least one)",
        "Beneficiaries",
        "Budget",
        "Partners",
    ]


def test_missing_items_blank_text_counts_as_missing_and_zero_budget_does_not(make, request_context):
    edition = make.edition(year=2013)
    values = ApplicationValues(
        title="  ",
        summary="Summary",
        answers={criterion.id: "Answer" for criterion in edition.criteria},
        start_year=2013,
        fields_of_action=["not_a_field"],
        beneficiaries="Residents",
        budget_eur=0,
        partners="An NGO",
    )

    assert services.missing_items(values, edition.criteria, edition.year) == [
        "Title",
        "Fields of action (at least one)",
    ]


def test_missing_of_a_complete_application_is_empty(make):
    application = make.application(status="draft")

    assert services.missing(application) == []


def test_start_creates_a_draft_with_an_answer_per_criterion_and_audits_it(make, db):
    edition = make.edition(year=2015, reference_prefix="DOSTA")
    user = make.applicant()

    application, created = services.start_application(edition, user.organisation, user)

    assert created is True
    assert (application.reference, application.status, application.created_by_id) == (
        "DOSTA-2015-001",
        "draft",
        user.id,
    )
    assert sorted(answer.criterion_id for answer in application.answers) == [c.id for c in edition.criteria]
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.object_id, event.after) == (
        "application.started",
        application.id,
        {"reference": "DOSTA-2015-001"},
    )


def test_start_number_taken_meanwhile_retries_with_the_next(make, db, monkeypatch):
    edition = make.edition(year=2013)
    make.application(edition_=edition)  # number 1, taken "meanwhile"
    user = make.applicant()
    db.session.commit()
    real_next_number = services.next_number
    answers = iter([1])
    monkeypatch.setattr(services, "next_number", lambda e: next(answers, None) or real_next_number(e))

    application, created = services.start_application(edition, user.organisation, user)
    db.session.commit()

    assert created is True
    assert application.reference == "DOSTA-2013-002"
    assert len(db.session.scalars(select(Application)).all()) == 2


def test_start_by_two_colleagues_at_once_returns_the_first(make, db, monkeypatch):
    edition = make.edition()
    organisation = make.organisation()
    first = make.application(edition_=edition, organisation_=organisation)
    user = make.applicant(organisation=organisation)
    db.session.commit()
    real_find = services.find_application
    calls = []

    def find_not_yet_committed_the_first_time(edition_id, organisation_id):
        calls.append(edition_id)
        return None if len(calls) == 1 else real_find(edition_id, organisation_id)

    monkeypatch.setattr(services, "find_application", find_not_yet_committed_the_first_time)

    application, created = services.start_application(edition, organisation, user)
    db.session.commit()

    assert (application, created) == (first, False)
    assert db.session.scalars(select(Application)).all() == [first]


def test_save_values_records_what_changed(make, db):
    application = make.application(status="draft")
    values = ApplicationValues.of(application)
    values.title = "A new title"
    values.fields_of_action = ["participation", "education"]

    changed = services.save_values(application, values)

    assert changed == ["title", "fields_of_action"]
    assert application.fields_of_action == ["education", "participation"]
    event = db.session.scalars(select(AuditEvent)).one()
    assert event.after == {"changed": ["title", "fields_of_action"], "status": "draft"}


def test_save_values_adds_an_answer_for_a_criterion_added_later(make, db):
    from app.models import Criterion

    application = make.application(status="draft")
    edition = application.edition
    edition.criteria.append(Criterion(name="Sustainability", description="Will it last?", position=9))
    db.session.flush()
    values = ApplicationValues.of(application)
    values.answers[edition.criteria[-1].id] = "It is funded until 2020."

    services.save_values(application, values)

    texts = {answer.criterion.name: answer.text for answer in application.answers}
    assert texts["Sustainability"] == "It is funded until 2020."


def test_start_number_taken_twice_gives_up(make, db, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    edition = make.edition()
    make.application(edition_=edition)
    user = make.applicant()
    db.session.commit()
    monkeypatch.setattr(services, "next_number", lambda e: 1)

    with pytest.raises(IntegrityError):
        services.start_application(edition, user.organisation, user)
