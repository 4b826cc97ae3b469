"""The kinds of prepared file and where a prepared file stands."""

from __future__ import annotations

from enum import StrEnum


class PreparedKind(StrEnum):
    """Listed here so that the database checks them; each is made by its domain (see ``kinds.py``)."""

    CERTIFICATES_ZIP = "certificates_zip"
    JURY_REPORT = "jury_report"
    RANKING_CSV = "ranking_csv"
    RANKING_XLSX = "ranking_xlsx"
    SHEETS_CSV = "sheets_csv"
    SHEETS_XLSX = "sheets_xlsx"
    PERSON_DATA = "person_data"  # everything held about a person (app/privacy/)
    ORGANISATION_DATA = "organisation_data"  # everything held about an organisation (app/privacy/)


class PreparedStatus(StrEnum):
    PENDING = "pending"  # recorded, a job will make it (or is making it: claimed_at)
    READY = "ready"  # stored, with its size and SHA-256
    FAILED = "failed"  # the job raised or never finished: `failure` says why
