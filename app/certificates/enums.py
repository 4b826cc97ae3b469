"""Kinds of certificate, the languages they are printed in, and where their file stands."""

import enum


class CertificateKind(enum.StrEnum):
    AWARD = "award"
    PARTICIPATION = "participation"


class CertificateLanguage(enum.StrEnum):
    ENGLISH = "en"
    FRENCH = "fr"
    BOTH = "both"


class CertificateStatus(enum.StrEnum):
    PENDING = "pending"  # recorded; a job renders its file
    ISSUED = "issued"  # its file is stored and matches its SHA-256
    FAILED = "failed"  # the job gave up; the reason is on the record, an organiser may retry
