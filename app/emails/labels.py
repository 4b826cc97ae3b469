"""The words for an email's status, shown beside its badge's colour."""

from flask_babel import lazy_gettext as _l

from app.mail import EmailStatus

STATUS_LABELS = {
    EmailStatus.QUEUED: _l("Waiting"),
    EmailStatus.SENDING: _l("Sending"),
    EmailStatus.SENT: _l("Sent"),
    EmailStatus.FAILED: _l("Failed"),
}
STATUS_COLOURS = {
    EmailStatus.QUEUED: "warning",
    EmailStatus.SENDING: "info",
    EmailStatus.SENT: "success",
    EmailStatus.FAILED: "danger",
}
