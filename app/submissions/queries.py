"""Counts of an edition's applications and answers, for the organiser's edition pages (asked by contests'
routes: contests sits below submissions)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.contests.models import Criterion, Edition
from app.extensions import db
from app.submissions.models import Application, CriterionAnswer


def application_counts(edition_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """{edition_id: {status: count}} in one query."""
    query = select(Application.edition_id, Application.status, func.count(Application.id)).group_by(
        Application.edition_id, Application.status
    )
    if edition_ids is not None:
        query = query.where(Application.edition_id.in_(edition_ids))
    counts: dict[int, dict[str, int]] = {}
    for edition_id, status, count in db.session.execute(query):
        counts.setdefault(edition_id, {})[status] = count
    return counts


def answer_counts(edition: Edition) -> dict[int, int]:
    """{criterion_id: number of applications with a non-empty answer to it}."""
    rows = db.session.execute(
        select(CriterionAnswer.criterion_id, func.count(CriterionAnswer.id))
        .join(Criterion, Criterion.id == CriterionAnswer.criterion_id)
        .where(Criterion.edition_id == edition.id, CriterionAnswer.text != "")
        .group_by(CriterionAnswer.criterion_id)
    ).all()
    return dict(rows)
