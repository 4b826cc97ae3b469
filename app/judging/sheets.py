"""The juror's own writes: saving a score sheet (draft, submission, revision) and recusing from an entry.

`save_sheet` guards the whole sheet with its version (optimistic locking): a save sent from a page older
than the saved sheet raises StaleSheet, and the route answers 409 with the `differences` between the two.
Permission, phase and scale checks are the caller's; both use cases audit and flush, the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.auth.models import User
from app.contests.models import Criterion
from app.db import utcnow
from app.extensions import db
from app.formatting import format_score, local_score
from app.judging import notifications
from app.judging.enums import SheetSave, SheetStatus
from app.judging.errors import JudgingError
from app.judging.models import Assignment, ConflictOfInterest, CriterionScore, ScoreSheet


@dataclass(frozen=True)
class SheetValues:
    """What a sheet says: scores and comments by criterion id, and the overall comment."""

    scores: dict[int, Decimal | None]
    comments: dict[int, str]
    overall_comment: str

    @classmethod
    def of(cls, sheet: ScoreSheet | None, criteria: list[Criterion]) -> SheetValues:
        saved = {s.criterion_id: s for s in sheet.scores} if sheet is not None else {}
        return cls(
            scores={c.id: saved[c.id].value if c.id in saved else None for c in criteria},
            comments={c.id: saved[c.id].comment if c.id in saved else "" for c in criteria},
            overall_comment=sheet.overall_comment if sheet is not None else "",
        )

    def is_complete(self) -> bool:
        return all(value is not None for value in self.scores.values())


@dataclass(frozen=True)
class Difference:
    """One field of a sheet that changed between the page the juror saw and the saved sheet."""

    label: str
    saved: str
    sent: str


def differences(saved: SheetValues, sent: SheetValues, criteria: list[Criterion]) -> list[Difference]:
    """The fields where what was sent differs from what is saved, in the order of the sheet."""
    found = []
    for c in criteria:
        if _same_score(saved.scores.get(c.id), sent.scores.get(c.id)) is False:
            found.append(
                Difference(
                    _("Score for %(criterion)s", criterion=c.name),
                    local_score(saved.scores.get(c.id)) or "—",
                    local_score(sent.scores.get(c.id)) or "—",
                )
            )
        if (saved.comments.get(c.id) or "") != (sent.comments.get(c.id) or ""):
            found.append(
                Difference(
                    _("Comment on %(criterion)s", criterion=c.name),
                    saved.comments.get(c.id) or "—",
                    sent.comments.get(c.id) or "—",
                )
            )
    if saved.overall_comment != sent.overall_comment:
        found.append(
            Difference(_("Overall comment"), saved.overall_comment or "—", sent.overall_comment or "—")
        )
    return found


def _same_score(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(a) == Decimal(b)


class StaleSheet(Exception):
    """The sheet was saved elsewhere after the page that sent these values was opened."""


def _snapshot(sheet: ScoreSheet | None, names: dict[int, str]) -> dict:
    if sheet is None:
        return {}
    return {
        "status": str(sheet.status),
        "overall_comment": sheet.overall_comment,
        "scores": {names[s.criterion_id]: format_score(s.value) or None for s in sheet.scores},
        "comments": {names[s.criterion_id]: s.comment for s in sheet.scores},
    }


def _changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, on both sides, for the audit log."""
    old, new = {}, {}
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if isinstance(a, dict) or isinstance(b, dict):
            a, b = a or {}, b or {}
            inner = [name for name in sorted(set(a) | set(b)) if a.get(name) != b.get(name)]
            if inner:
                old[key] = {name: a.get(name) for name in inner}
                new[key] = {name: b.get(name) for name in inner}
        elif a != b:
            old[key], new[key] = a, b
    return old, new


def save_sheet(
    assignment: Assignment, sent: SheetValues, sent_version: int, submit: bool, actor: User
) -> SheetSave:
    """Save the juror's sheet as sent; returns what the save came to (SheetSave).

    Raises StaleSheet when `sent_version` is not the saved sheet's version (0: no sheet yet). The caller
    must also treat StaleDataError and IntegrityError at flush or commit as a stale sheet: they mean another
    save won the race between this check and the write. Raises JudgingError for an incomplete submission and
    for a submitted sheet saved back as a draft.
    """
    criteria = list(assignment.application.edition.criteria)
    names = {c.id: c.name for c in criteria}
    sheet = assignment.sheet
    if sent_version != (sheet.version if sheet is not None else 0):
        raise StaleSheet()
    was_submitted = sheet is not None and sheet.status == SheetStatus.SUBMITTED
    if submit and not sent.is_complete():
        raise JudgingError(_("Give a score for every criterion before submitting the sheet."))
    if was_submitted and not submit:
        raise JudgingError(
            _("A submitted sheet stays submitted: save your changes with “Update submitted sheet”.")
        )
    if sheet is None and not submit and sent == SheetValues.of(None, criteria):
        return SheetSave.UNCHANGED  # an empty draft would only clutter the progress matrix
    before = _snapshot(sheet, names)
    if sheet is None:
        sheet = ScoreSheet(assignment=assignment, status=SheetStatus.DRAFT)
        db.session.add(sheet)
    by_criterion = {s.criterion_id: s for s in sheet.scores}
    for c in criteria:
        score = by_criterion.get(c.id)
        if score is None:
            score = CriterionScore(criterion_id=c.id)
            sheet.scores.append(score)
        value = sent.scores.get(c.id)
        if not _same_score(score.value, value):
            score.value = value
        score.comment = sent.comments.get(c.id, "")
    sheet.overall_comment = sent.overall_comment
    if submit:
        sheet.status = SheetStatus.SUBMITTED
    after = _snapshot(sheet, names)
    old, new = _changed(before, after)
    if not old and not new:
        return SheetSave.UNCHANGED
    action = SheetSave.REVISED if was_submitted else (SheetSave.SUBMITTED if submit else SheetSave.SAVED)
    if submit:
        sheet.submitted_at = utcnow()
    # Bumps the sheet's version even when only its scores changed: the version guards the whole sheet.
    sheet.updated_at = utcnow()
    db.session.flush()
    record(
        f"score_sheet.{action}",
        sheet,
        before=old or None,
        after=new,
        edition_id=assignment.application.edition_id,
        actor=actor,
    )
    return action


def recuse(assignment: Assignment, reason: str, actor: User) -> None:
    """The juror steps aside: the assignment is marked recused, the conflict recorded for good, and the
    organisers told. Refused (JudgingError) without a reason."""
    reason = reason.strip()
    if not reason:
        raise JudgingError(_("Say why you have a conflict of interest."))
    assignment.recused_at = utcnow()
    assignment.recusal_reason = reason
    conflict = db.session.scalar(
        select(ConflictOfInterest).where(
            ConflictOfInterest.juror_id == assignment.juror_id,
            ConflictOfInterest.application_id == assignment.application_id,
        )
    )
    if conflict is None:
        db.session.add(
            ConflictOfInterest(
                juror_id=assignment.juror_id, application_id=assignment.application_id, reason=reason
            )
        )
    else:
        conflict.reason = reason
    record(
        "assignment.recused",
        assignment,
        after={"application": assignment.application.reference, "reason": reason},
        edition_id=assignment.application.edition_id,
        actor=actor,
    )
    db.session.flush()
    notifications.notify_recusal(assignment, actor)
