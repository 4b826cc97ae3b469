"""Who people are on the platform: their roles, and the kinds of organisation that apply."""

import enum


class Role(enum.StrEnum):
    APPLICANT = "applicant"
    JUROR = "juror"
    ORGANISER = "organiser"


class OrganisationKind(enum.StrEnum):
    MUNICIPALITY = "municipality"
    REGION = "region"
