"""Reading and saving the site's settings."""

from __future__ import annotations

from datetime import date

from app.audit import services as audit
from app.auth.models import User
from app.extensions import db
from app.site.models import SiteSettings

FIELDS = ("accessibility_email", "accessibility_phone", "accessibility_reviewed_on")


def site_settings() -> SiteSettings:
    """The saved settings, or unsaved defaults (nothing set yet) before an organiser first saves them."""
    return db.session.get(SiteSettings, 1) or SiteSettings(
        id=1, accessibility_email="", accessibility_phone=""
    )


def save_accessibility_contact(*, email: str, phone: str, reviewed_on: date | None, actor: User) -> bool:
    """Save the accessibility contact and review date; False when nothing changed. The caller commits."""
    settings = db.session.get(SiteSettings, 1)
    if settings is None:
        settings = SiteSettings(id=1, accessibility_email="", accessibility_phone="")
        db.session.add(settings)
    before = {name: getattr(settings, name) for name in FIELDS}
    after = {
        "accessibility_email": email,
        "accessibility_phone": phone,
        "accessibility_reviewed_on": reviewed_on,
    }
    if before == after:
        return False
    for name, value in after.items():
        setattr(settings, name, value)
    settings.updated_by_id = actor.id
    db.session.flush()
    audit.record(
        "site.accessibility_contact", settings, before=_plain(before), after=_plain(after), actor=actor
    )
    return True


def _plain(values: dict) -> dict:
    """The values as the audit log stores them (JSON: dates as ISO strings)."""
    return {name: value.isoformat() if isinstance(value, date) else value for name, value in values.items()}
