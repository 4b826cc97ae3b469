"""A small edition whose ranking is checked by hand, and a stand-in for the certificates domain."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from app.auth.models import User
from app.certificates.models import Certificate
from app.contests.models import Edition
from app.ranking.models import Award
from app.storage import area
from app.submissions.models import Application

# Sheet scores per criterion (three criteria of weight 1), so each total is the mean of the three:
#            Juror One    Juror Two   Juror Three
# A Obrnice  10, 9, 8 =9  8, 8, 8 =8  10,10,10 =10   mean 9    criterion means 9.33, 9, 8.67; std 0.82
# B Heraklion 8 =8        7 =7        9 =9           mean 8
# C Kocaeli   6 =6        9 =9        6 =6           mean 7    median 6: 4th; without Juror Two: 6, 4th
# D Demo      7 =7        4 =4        7 =7           mean 6    median 7: 3rd; without Juror Two: 7, 3rd
# E Demo      3 =3        -           2 =2           mean 2.5  two sheets, below the minimum of three
# Juror Four's sheets never count: recused on A (submitted), a draft on B.
SHEETS = {
    "A": {"one": [10, 9, 8], "two": [8, 8, 8], "three": [10, 10, 10]},
    "B": {"one": [8, 8, 8], "two": [7, 7, 7], "three": [9, 9, 9]},
    "C": {"one": [6, 6, 6], "two": [9, 9, 9], "three": [6, 6, 6]},
    "D": {"one": [7, 7, 7], "two": [4, 4, 4], "three": [7, 7, 7]},
    "E": {"one": [3, 3, 3], "three": [2, 2, 2]},
}
ORGANISATIONS = {
    "A": ("Obrnice", "CZ"),
    "B": ("Ηράκλειο", "GR"),
    "C": ("Kocaeli", "TR"),
    "D": ("Demo Municipality 4", "SK"),
    "E": ("Demo Municipality 5", "RO"),
}


@dataclass
class SmallEdition:
    edition: Edition
    organiser: User
    jurors: dict[str, User]
    entries: dict[str, Application]
    applicants: dict[str, User] = field(default_factory=dict)

    def id_of(self, letter: str) -> int:
        return self.entries[letter].id


def build_small_edition(make, phase: str = "deliberation", **edition_fields) -> SmallEdition:
    edition = make.edition(phase=phase, **edition_fields)
    organiser = make.organiser(name="Olga Organiser")
    jurors = {
        "one": make.juror(name="Juror One", country="FR"),
        "two": make.juror(name="Juror Two", country="DE"),
        "three": make.juror(name="Juror Three", country="IT"),
        "four": make.juror(name="Juror Four", country="PL"),
    }
    for key, juror in jurors.items():
        make.jury_member(edition, juror, is_chair=key == "one")
    entries, applicants = {}, {}
    for letter, (name, country) in ORGANISATIONS.items():
        organisation = make.organisation(name=name, country=country)
        entries[letter] = make.application(edition_=edition, organisation_=organisation, status="eligible")
        applicants[letter] = make.applicant(organisation=organisation, name=f"Contact {letter}")
        for juror_key, scores in SHEETS[letter].items():
            make.score_sheet(make.assignment(entries[letter], jurors[juror_key]), scores)
    recused = make.assignment(entries["A"], jurors["four"], recused_at=edition.judging_close_at)
    make.score_sheet(recused, [0, 0, 0])
    make.score_sheet(make.assignment(entries["B"], jurors["four"]), [0, 0, 0], status="draft")
    return SmallEdition(edition, organiser, jurors, entries, applicants)


@pytest.fixture
def small(make, db):
    item = build_small_edition(make)
    db.session.commit()
    # make.application reads edition.criteria after creating the application: loaded now, that read
    # cannot autoflush a half-built application after the commit expired everything.
    assert item.edition.criteria
    return item


@dataclass
class FakeCertificates:
    """Records the calls; writes one file and one Certificate per award, as the real service does."""

    calls: list = field(default_factory=list)
    fail: bool = False  # raise before doing anything
    break_commit: bool = False  # write the files, then leave a row the database refuses

    def __call__(self, edition, *, participation: bool, language: str, **options):
        from app.extensions import db

        self.calls.append((edition.id, participation, language))
        if self.fail:
            raise RuntimeError("the certificate renderer broke")
        issued = []
        for award in db.session.query(Award).filter_by(edition_id=edition.id).order_by(Award.id):
            name = f"{edition.slug}/{award.organisation_id}.pdf"
            area("certificates").put(name, b"%PDF-1.7 fake")
            certificate = Certificate(
                edition_id=edition.id,
                organisation_id=award.organisation_id,
                application_id=award.application_id,
                award_id=award.id,
                kind="award",
                language=language,
                content={},
                file_name=name,
                sha256="0" * 64,
                status="issued",  # its file is written above, as a job would
            )
            db.session.add(certificate)
            issued.append(certificate)
        db.session.flush()
        if self.break_commit:
            db.session.add(
                Certificate(
                    edition_id=edition.id,
                    organisation_id=award.organisation_id,
                    kind="bogus",
                    file_name="x",
                    sha256="0",
                )
            )
        return issued


@pytest.fixture
def fake_certificates(app, monkeypatch):
    """Replace app.certificates.issue.issue_certificates by a recording stand-in."""
    fake = FakeCertificates()
    monkeypatch.setattr("app.certificates.issue.issue_certificates", fake)
    return fake
