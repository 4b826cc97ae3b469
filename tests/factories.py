"""Build a user, an edition, an application in one call; every argument has a sensible default."""

import itertools
from datetime import timedelta
from decimal import Decimal

from app.auth.enums import Role
from app.auth.models import Organisation
from app.auth.passwords import hash_password
from app.db import utcnow
from app.extensions import db
from app.judging.enums import SheetStatus
from app.models import (
    Application,
    Assignment,
    Criterion,
    CriterionAnswer,
    CriterionScore,
    Edition,
    JuryMember,
    ScoreSheet,
    User,
)
from app.submissions.enums import ApplicationStatus

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)

DEFAULT_CRITERIA = (
    ("Integration", "Effective access of Roma to housing, employment, education and health."),
    ("Anti-discrimination", "Combating discrimination, stereotypes and prejudice against Roma."),
    ("Awareness-raising", "Raising awareness of Roma culture and rights among non-Roma."),
)


def _n() -> int:
    return next(_sequence)


def edition(*, phase: str = "open", year: int | None = None, criteria=DEFAULT_CRITERIA, **fields) -> Edition:
    """An edition in the given phase relative to now: upcoming, open, judging, deliberation or published.

    `criteria` holds (name, guidance) pairs in English, or dicts of a criterion's fields."""
    now = utcnow()
    offsets = {
        "upcoming": (10, 40, 70),
        "open": (-10, 20, 50),
        "judging": (-40, -10, 20),
        "deliberation": (-70, -40, -10),
        "published": (-100, -70, -40),
    }[phase]
    n = _n()
    # Far from the real editions' years that tests name, and within what the edition form accepts.
    year = year or 2100 + n % 800
    values = dict(
        slug=f"edition-{n}",
        name_en=f"Test Edition {n}",
        ordinal=n % 100 + 1,
        year=year,
        submissions_open_at=now + timedelta(days=offsets[0]),
        submissions_close_at=now + timedelta(days=offsets[1]),
        judging_close_at=now + timedelta(days=offsets[2]),
        ceremony_date=(now + timedelta(days=offsets[2] + 10)).date(),
        results_published_at=now - timedelta(days=5) if phase == "published" else None,
    )
    values.update(fields)
    item = Edition(**values)
    for position, criterion in enumerate(criteria):
        if isinstance(criterion, dict):  # the criterion's own fields, French ones for example
            item.criteria.append(Criterion(position=position, **criterion))
        else:
            name, guidance = criterion
            item.criteria.append(
                Criterion(name_en=name, guidance_en=guidance, description_en=guidance, position=position)
            )
    db.session.add(item)
    db.session.flush()
    return item


def organisation(**fields) -> Organisation:
    n = _n()
    values = dict(name=f"Demo Municipality {n}", country="CZ", kind="municipality", population=2300)
    values.update(fields)
    item = Organisation(**values)
    db.session.add(item)
    db.session.flush()
    return item


def user(
    *, role: str = Role.APPLICANT, password: str | None = PASSWORD, confirmed: bool = True, **fields
) -> User:
    n = _n()
    values = dict(email=f"user{n}@example.test", name=f"User {n}", role=role)
    if role == Role.APPLICANT and "organisation" not in fields and "organisation_id" not in fields:
        values["organisation"] = organisation()
    if role == Role.JUROR:
        values.setdefault("country", "FR")
    values.update(fields)
    item = User(**values)
    item.password_hash = hash_password(password) if password else None
    item.email_confirmed_at = utcnow() if confirmed else None
    db.session.add(item)
    db.session.flush()
    return item


def applicant(**fields) -> User:
    return user(role=Role.APPLICANT, **fields)


def juror(**fields) -> User:
    return user(role=Role.JUROR, **fields)


def organiser(**fields) -> User:
    return user(role=Role.ORGANISER, **fields)


def application(
    *,
    edition_: Edition | None = None,
    organisation_: Organisation | None = None,
    status: str = "draft",
    **fields,
) -> Application:
    """An application; a 'submitted' (or later) one has every required field filled in."""
    edition_ = edition_ or edition()
    organisation_ = organisation_ or organisation()
    number = (
        max((a.number for a in db.session.query(Application).filter_by(edition_id=edition_.id)), default=0)
        + 1
    )
    values = dict(
        edition=edition_,
        organisation=organisation_,
        number=number,
        reference=f"{edition_.reference_prefix}-{edition_.year}-{number:03d}",
        title=f"Community life project {number}",
        summary="Joint activities of Roma and non-Roma residents in education, housing and leisure.",
        start_year=edition_.year - 2,
        fields_of_action=["education", "housing"],
        beneficiaries="About 1,000 residents, half of them Roma.",
        budget_eur=120000,
        partners="A Roma NGO, the regional school authority.",
        status=status,
    )
    if status != ApplicationStatus.DRAFT:
        values["submitted_at"] = edition_.submissions_open_at + timedelta(days=1)
    values.update(fields)
    criteria = list(edition_.criteria)  # loaded before the half-built application could be autoflushed
    item = Application(**values)
    for criterion in criteria:
        item.answers.append(CriterionAnswer(criterion=criterion, text=f"How we meet {criterion.name}."))
    db.session.add(item)
    db.session.flush()
    return item


def jury_member(edition_: Edition, juror_: User | None = None, **fields) -> JuryMember:
    item = JuryMember(edition_id=edition_.id, user=juror_ or juror(), **fields)
    db.session.add(item)
    db.session.flush()
    return item


def assignment(application_: Application, juror_: User, **fields) -> Assignment:
    item = Assignment(application=application_, juror=juror_, **fields)
    db.session.add(item)
    db.session.flush()
    return item


def score_sheet(
    assignment_: Assignment,
    scores: dict[str, float] | list[float] | None = None,
    status: str = SheetStatus.SUBMITTED,
    **fields,
) -> ScoreSheet:
    """A sheet with one score per criterion, in criterion order (default: all 5)."""
    criteria = assignment_.application.edition.criteria
    values = list(scores) if scores is not None else [5] * len(criteria)
    item = ScoreSheet(
        assignment=assignment_,
        status=status,
        submitted_at=utcnow() if status == SheetStatus.SUBMITTED else None,
        **fields,
    )
    for criterion, value in zip(criteria, values, strict=True):
        item.scores.append(
            CriterionScore(criterion_id=criterion.id, value=None if value is None else Decimal(str(value)))
        )
    db.session.add(item)
    db.session.flush()
    return item


def award(edition_: Edition, organisation_: Organisation | None = None, place: int | None = 1, **fields):
    """A prize (place given) or a special mention (place None) in an edition."""
    from app.ranking.enums import AwardKind
    from app.ranking.models import Award

    item = Award(
        edition_id=edition_.id,
        organisation=organisation_ or organisation(),
        kind=AwardKind.PRIZE if place is not None else AwardKind.SPECIAL_MENTION,
        place=place,
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    return item


def attachment(
    application_: Application,
    *,
    data: bytes = b"%PDF-1.4\n%%EOF\n",
    name: str = "project.pdf",
    content_type: str = "application/pdf",
    **fields,
):
    """An attachment whose file really is stored (in the uploads' area), under a random name."""
    import hashlib
    import secrets

    from app.models import Attachment
    from app.storage import area

    stored_name = secrets.token_hex(16)
    area("uploads").put(stored_name, data)
    item = Attachment(
        application=application_,
        original_name=name,
        stored_name=stored_name,
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    return item
