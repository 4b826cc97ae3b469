"""How far the rendering of an edition's certificates has got, in words, for the organisers' pages and the
progress bar that polls ``certificates.progress``."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from app import jobs
from app.certificates.models import Certificate
from app.certificates.queries import Progress, certificate_progress, failed_certificates


@dataclass(frozen=True)
class ProgressView:
    progress: Progress
    failures: list[Certificate]
    queue_ok: bool

    def as_json(self) -> dict:
        return {
            "issued": self.progress.issued,
            "pending": self.progress.pending,
            "failed": self.progress.failed,
            "total": self.progress.total,
            "done": self.progress.done,
            "queue_ok": self.queue_ok,
            "text": progress_text(self.progress),
        }


def progress_view(edition_id: int) -> ProgressView:
    progress = certificate_progress(edition_id)
    return ProgressView(
        progress=progress,
        failures=failed_certificates(edition_id) if progress.failed else [],
        # Only asked while work waits: a page that has nothing pending does not touch the queue.
        queue_ok=jobs.queue_is_reachable() if progress.pending else True,
    )


def progress_text(progress: Progress) -> str:
    """'Certificates issued: 312 of 1,000.', then what failed or is still being prepared."""
    if not progress.total:
        return _("The certificates are being recorded.")
    text = _(
        "Certificates issued: %(issued)s of %(total)s.",
        issued=format_decimal(progress.issued),
        total=format_decimal(progress.total),
    )
    if progress.failed:
        text += " " + ngettext(
            "%(failed)s failed.",
            "%(failed)s failed.",
            progress.failed,
            failed=format_decimal(progress.failed),
        )
    if progress.pending:
        text += " " + _("The others are being prepared.")
    return text
