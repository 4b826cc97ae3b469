from types import SimpleNamespace

import pytest


@pytest.fixture
def world(db, make):
    """An edition in judging (0–10, step 1, three criteria), an organiser, two jurors from France and Germany,
    three eligible entries from the Czech Republic, each juror assigned every entry."""
    edition = make.edition(phase="judging")
    organiser = make.organiser(name="Olga Organiser")
    alice = make.juror(name="Alice Juror", country="FR")
    bruno = make.juror(name="Bruno Juror", country="DE")
    members = [make.jury_member(edition, alice, is_chair=True), make.jury_member(edition, bruno)]
    entries = [make.application(edition_=edition, status="eligible") for _ in range(3)]
    assignments = {
        (juror.id, entry.id): make.assignment(entry, juror) for entry in entries for juror in (alice, bruno)
    }
    db.session.commit()
    return SimpleNamespace(
        edition=edition,
        organiser=organiser,
        alice=alice,
        bruno=bruno,
        members=members,
        entries=entries,
        criteria=list(edition.criteria),
        assignment=lambda juror, entry: assignments[(juror.id, entry.id)],
    )
