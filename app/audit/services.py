"""Writing audit events; the caller's transaction commits them with the change."""

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from app.audit.models import AuditEvent
from app.extensions import db


def record(
    action: str,
    obj: Any = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    edition_id: int | None = None,
    actor=None,
) -> AuditEvent:
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        edition_id=edition_id if edition_id is not None else getattr(obj, "edition_id", None),
        before=before,
        after=after,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
