"""Reading accounts and organisations: by email, by name, an organisation's colleagues, the organisers' list
of people with its filters, and where an account stands (AccountStatus). Nothing here writes."""

import unicodedata
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager

from app.auth.enums import AccountStatus
from app.auth.models import Organisation, User
from app.extensions import db


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _name_key(name: str) -> str:
    # "Ηράκλειο", "ΗΡΆΚΛΕΙΟ" and " Ηράκλειο " name the same municipality; the stored name stays as typed.
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def find_organisation(name: str, country: str) -> Organisation | None:
    """The organisation of that country whose name matches, ignoring case, accents' encoding and spacing."""
    key = _name_key(name)
    candidates = db.session.scalars(select(Organisation).where(Organisation.country == country.upper()))
    return next((organisation for organisation in candidates if _name_key(organisation.name) == key), None)


def account_status(user: User) -> AccountStatus:
    if user.erased_at is not None:
        return AccountStatus.ERASED
    if not user.active:
        return AccountStatus.DEACTIVATED
    if not user.password_hash:
        return AccountStatus.INVITED
    if user.email_confirmed_at is None:
        return AccountStatus.UNCONFIRMED
    return AccountStatus.ACTIVE


def _status_condition(status: str):
    # The same rule as account_status, as SQL.
    has_password = User.password_hash.is_not(None) & (User.password_hash != "")
    return {
        AccountStatus.ERASED: User.erased_at.is_not(None),
        AccountStatus.DEACTIVATED: User.active.is_(False) & User.erased_at.is_(None),
        AccountStatus.INVITED: User.active.is_(True) & ~has_password,
        AccountStatus.UNCONFIRMED: User.active.is_(True) & has_password & User.email_confirmed_at.is_(None),
        AccountStatus.ACTIVE: User.active.is_(True) & has_password & User.email_confirmed_at.is_not(None),
    }[AccountStatus(status)]


def colleagues_of(organisation_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.organisation_id == organisation_id).order_by(User.name, User.id)
        )
    )


@dataclass(frozen=True)
class PeopleFilter:
    role: str = ""
    country: str = ""
    organisation_id: int | None = None
    status: str = ""
    q: str = ""


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def people_query(filters: PeopleFilter) -> Select:
    """Users matching the organisers' filters, their organisation loaded in the same query."""
    query = (
        select(User)
        .outerjoin(Organisation, User.organisation_id == Organisation.id)
        .options(contains_eager(User.organisation))
        .order_by(User.role.desc(), User.name, User.id)
    )
    if filters.role:
        query = query.where(User.role == filters.role)
    if filters.country:
        query = query.where(or_(User.country == filters.country, Organisation.country == filters.country))
    if filters.organisation_id:
        query = query.where(User.organisation_id == filters.organisation_id)
    if filters.status:
        query = query.where(_status_condition(filters.status))
    if filters.q.strip():
        pattern = _like_pattern(filters.q.strip().lower())
        query = query.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
                func.lower(Organisation.name).like(pattern, escape="\\"),
            )
        )
    return query


def organisations_by_name() -> list[Organisation]:
    """Every organisation, by name, for the people filter."""
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name, Organisation.id)))
