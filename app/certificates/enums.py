"""Kinds of certificate and the languages they are printed in."""

import enum


class CertificateKind(enum.StrEnum):
    AWARD = "award"
    PARTICIPATION = "participation"


class CertificateLanguage(enum.StrEnum):
    ENGLISH = "en"
    FRENCH = "fr"
    BOTH = "both"
