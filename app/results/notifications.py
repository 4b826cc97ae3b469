"""The result emails: each applicant of an edition hears of its award (email/results_laureate.txt) or is
thanked for taking part (email/results_thanks.txt) when the results are published.

Queued on the session by `notify_results` before the publication commits: they leave only if it does.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth.models import Organisation, User
from app.certificates.enums import CertificateKind
from app.certificates.models import Certificate
from app.contests.models import Edition
from app.extensions import db
from app.formatting import page_ordinal
from app.links import external_url
from app.mail import in_language, send_email
from app.ranking.awards import edition_awards, joint_places
from app.ranking.enums import AwardKind
from app.ranking.models import Award
from app.results.queries import RECEIVED_STATUSES
from app.submissions.models import Application


def notify_results(edition: Edition, certificates: Sequence[Certificate]) -> int:
    """Queue one email per active contact of every organisation that applied; returns how many."""
    awards = {a.organisation_id: a for a in edition_awards(edition)}
    codes = {c.organisation_id: c.verification_code for c in certificates if c.kind == CertificateKind.AWARD}
    joint = joint_places(awards.values())
    rows = db.session.execute(
        _recipients(
            edition,
            User.id,
            User.email,
            User.name,
            User.language,
            Organisation.id,
            Organisation.name,
            Application.reference,
            Application.title,
        ).order_by(Organisation.name, User.email)
    ).all()
    results_url = external_url("results.public_results", slug=edition.slug)
    for user_id, email, name, language, organisation_id, organisation, reference, title in rows:
        with in_language(language):
            _notify_one(
                (email, user_id),
                edition,
                awards.get(organisation_id),
                joint,
                codes.get(organisation_id),
                dict(
                    name=name,
                    organisation=organisation,
                    reference=reference,
                    title=title,
                    results_url=results_url,
                ),
            )
    return len(rows)


def recipient_count(edition: Edition) -> int:
    """How many result emails `notify_results` sends for this edition."""
    return db.session.scalar(_recipients(edition, func.count()))


def _recipients(edition: Edition, *columns):
    """The active contacts of every organisation that applied to the edition: one row each."""
    return (
        select(*columns)
        .select_from(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .join(Application, Application.organisation_id == Organisation.id)
        .where(
            Application.edition_id == edition.id,
            Application.status.in_(RECEIVED_STATUSES),
            User.active.is_(True),
        )
    )


def _notify_one(
    to: tuple[str, int],
    edition: Edition,
    award: Award | None,
    joint: set[int],
    code: str | None,
    context: dict,
) -> None:
    """One applicant's result email (to their address and user id), composed in the language of the call."""
    email, user_id = to
    about = dict(edition_id=edition.id, user_id=user_id)
    context["edition"] = edition.name
    if award is None:
        subject = _("%(edition)s: the results", edition=edition.name)
        send_email(email, subject, "results_thanks", **about, **context)
        return
    context.update(
        place=award.place,
        joint=award.place in joint,
        special_mention=award.kind == AwardKind.SPECIAL_MENTION,
        citation=award.citation,
        place_words=_place_words(award.place, award.place in joint),
        certificate_url=_certificate_download_url(code),
    )
    send_email(
        email, _("%(edition)s: your award", edition=edition.name), "results_laureate", **about, **context
    )


def _certificate_download_url(code: str | None) -> str | None:
    if code is None:
        return None
    return external_url("certificates.download", code=code)


def _place_words(place: int | None, joint: bool) -> str:
    if place is None:
        return _("a special mention")
    if joint:
        return _("the joint %(place)s place", place=page_ordinal(place))
    return _("the %(place)s place", place=page_ordinal(place))
