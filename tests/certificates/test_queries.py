"""Reading certificates: an organisation's own and what an issue would make (app/certificates/queries.py)."""

from __future__ import annotations

from app.certificates.queries import IssueCounts, certificates_for_organisation, issue_counts
from app.db import utcnow
from tests.certificates.helpers import (
    plant_certificate,
)


def test_certificates_for_organisation_public_editions_and_valid_only(make, db, published):
    organisation = published.organisations["obrnice"]
    valid = plant_certificate(published.edition, organisation)
    year = published.edition.year
    archived = make.edition(phase="published", archived=True, results_published_at=None, year=year - 4)
    older = plant_certificate(archived, organisation)
    plant_certificate(make.edition(phase="deliberation"), organisation)  # not public
    plant_certificate(make.edition(phase="published", year=year - 2), organisation, revoked_at=utcnow())
    plant_certificate(published.edition, published.organisations["heraklion"])  # someone else's

    assert certificates_for_organisation(organisation.id) == [valid, older]


def test_issue_counts(published):
    assert issue_counts(published.edition) == IssueCounts(laureates=3, participants=1)
