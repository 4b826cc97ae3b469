"""Who people are on the platform: roles, the kinds of organisation that apply, where an account stands."""

import enum


class Role(enum.StrEnum):
    APPLICANT = "applicant"
    JUROR = "juror"
    ORGANISER = "organiser"


class OrganisationKind(enum.StrEnum):
    MUNICIPALITY = "municipality"
    REGION = "region"


class AccountStatus(enum.StrEnum):
    """Where an account stands, derived from the user's row (see queries.account_status), never stored."""

    INVITED = "invited"  # created by someone else, no password yet
    UNCONFIRMED = "unconfirmed"  # registered, email not yet confirmed
    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    ERASED = "erased"  # pseudonymised by an organiser (app/privacy/erasure.py): for good
