"""How roles, organisation kinds and account statuses are named to people: in forms, pages and emails."""

from flask_babel import lazy_gettext as _l

from app.auth.enums import AccountStatus, OrganisationKind, Role

ROLE_LABELS = {
    Role.APPLICANT: _l("Applicant"),
    Role.JUROR: _l("Juror"),
    Role.ORGANISER: _l("Organiser"),
}

KIND_LABELS = {
    OrganisationKind.MUNICIPALITY: _l("Municipality"),
    OrganisationKind.REGION: _l("Region"),
}

ACCOUNT_STATUS_LABELS = {
    AccountStatus.INVITED: _l("Invited"),
    AccountStatus.UNCONFIRMED: _l("Email not confirmed"),
    AccountStatus.ACTIVE: _l("Active"),
    AccountStatus.DEACTIVATED: _l("Deactivated"),
    AccountStatus.ERASED: _l("Erased"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def account_status_label(status: str) -> str:
    return str(ACCOUNT_STATUS_LABELS.get(status, status))
