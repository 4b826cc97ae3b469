"""Ranking an edition from its score sheets, the jury's deliberation, and the publication of the results.

Reading: `load_scores` turns the database into the plain dataclasses of `scoring` in a fixed number of
queries, and `ranking_view` adds what the organiser's page shows. Deliberation: `record_awards` saves the
jury's decision (it refuses a departure from the computed ranking without a justification). Publication:
`publish_results` is the one place that publishes, for the web and for `flask results publish-due`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.models import Organisation, User
from app.certificates.models import Certificate
from app.contests.enums import Phase
from app.contests.models import Criterion, Edition
from app.contests.services import results_are_public
from app.db import utcnow
from app.extensions import db
from app.judging.enums import SheetStatus
from app.judging.models import Assignment, CriterionScore, JuryMember, ScoreSheet
from app.links import external_url
from app.mail import send_email
from app.ranking import scoring
from app.ranking.enums import AwardKind
from app.ranking.models import Award
from app.results.models import PublicationPlan
from app.submissions.enums import ApplicationStatus
from app.submissions.models import Application

log = logging.getLogger(__name__)

METHOD_LABELS = {
    scoring.MEAN: _l("mean"),
    scoring.MEDIAN: _l("median"),
    scoring.TRIMMED_MEAN: _l("trimmed mean"),
    scoring.ZSCORE: _l("z-scores"),
}
# Applications that took part: their applicants hear the results when they are published.
TOOK_PART = (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE)
CITATION_MAX = 3000
JUSTIFICATION_MAX = 10000


# --- Loading the score sheets ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """An eligible application as the ranking shows it."""

    id: int
    reference: str
    title: str
    summary: str
    organisation_id: int
    organisation: str
    organisation_kind: str
    country: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Juror:
    id: int
    name: str
    country: str | None
    is_chair: bool


@dataclass(frozen=True)
class EditionScores:
    """An edition's eligible entries, criteria, jury and counted sheets (submitted, not recused)."""

    edition: Edition
    entries: Mapping[int, Entry]  # by application id, in reference order
    criteria: tuple[Criterion, ...]  # in the edition's order
    jurors: Mapping[int, Juror]  # the jury, by user id, in name order
    sheets: tuple[scoring.Sheet, ...]
    incomplete_sheets: int  # submitted sheets lacking a score: left out rather than failing the page

    @property
    def scale(self) -> scoring.Scale:
        edition = self.edition
        return scoring.Scale(float(edition.score_min), float(edition.score_max), float(edition.score_step))

    @property
    def scoring_criteria(self) -> tuple[scoring.Criterion, ...]:
        return tuple(scoring.Criterion(c.id, float(c.weight), c.position) for c in self.criteria)

    @property
    def tie_break(self) -> tuple[int, ...]:
        known = {criterion.id for criterion in self.criteria}
        return tuple(cid for cid in (self.edition.tie_break_criteria or ()) if cid in known)

    def totals(self) -> dict[tuple[int, int], float]:
        """Each counted sheet's total, by (juror id, entry id)."""
        criteria = self.scoring_criteria
        return {(s.juror_id, s.entry_id): scoring.sheet_total(s, criteria) for s in self.sheets}


def load_scores(edition: Edition) -> EditionScores:
    """Read what the ranking needs in four queries, whatever the number of entries, jurors or sheets.

    A sheet counts when it is submitted, its assignment is not recused, its application is eligible and its
    juror is still on the edition's jury.
    """
    criteria = tuple(
        db.session.scalars(
            select(Criterion)
            .where(Criterion.edition_id == edition.id)
            .order_by(Criterion.position, Criterion.id)
        )
    )
    entry_rows = db.session.execute(
        select(Application, Organisation)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(Application.edition_id == edition.id, Application.status == ApplicationStatus.ELIGIBLE)
        .order_by(Application.number)
    ).all()
    entries = {
        application.id: Entry(
            id=application.id,
            reference=application.reference,
            title=application.title,
            summary=application.summary,
            organisation_id=organisation.id,
            organisation=organisation.name,
            organisation_kind=organisation.kind,
            country=organisation.country,
        )
        for application, organisation in entry_rows
    }
    juror_rows = db.session.execute(
        select(User.id, User.name, User.country, JuryMember.is_chair)
        .join(JuryMember, JuryMember.user_id == User.id)
        .where(JuryMember.edition_id == edition.id)
        .order_by(User.name, User.id)
    ).all()
    jurors = {row.id: Juror(row.id, row.name, row.country, row.is_chair) for row in juror_rows}
    score_rows = db.session.execute(
        select(
            Assignment.juror_id, Assignment.application_id, CriterionScore.criterion_id, CriterionScore.value
        )
        .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .join(CriterionScore, CriterionScore.sheet_id == ScoreSheet.id)
        .join(Application, Application.id == Assignment.application_id)
        .where(
            Application.edition_id == edition.id,
            Application.status == ApplicationStatus.ELIGIBLE,
            ScoreSheet.status == SheetStatus.SUBMITTED,
            Assignment.recused_at.is_(None),
            exists().where(JuryMember.edition_id == edition.id, JuryMember.user_id == Assignment.juror_id),
        )
    ).all()
    scores: dict[tuple[int, int], dict[int, float | None]] = {}
    for juror_id, entry_id, criterion_id, value in score_rows:
        scores.setdefault((juror_id, entry_id), {})[criterion_id] = None if value is None else float(value)
    criterion_ids = {criterion.id for criterion in criteria}
    sheets, incomplete = [], 0
    for (juror_id, entry_id), values in sorted(scores.items()):
        complete = {cid: value for cid, value in values.items() if cid in criterion_ids and value is not None}
        if set(complete) == criterion_ids:
            sheets.append(scoring.Sheet(juror_id, entry_id, complete))
        else:
            incomplete += 1
    return EditionScores(edition, entries, criteria, jurors, tuple(sheets), incomplete)


def rank(scores: EditionScores, method: str | None = None) -> scoring.Ranking | None:
    """The edition's ranking under `method` (default: the edition's own); None without criteria."""
    if not scores.criteria:
        return None
    edition = scores.edition
    return scoring.rank_entries(
        entry_ids=scores.entries,
        sheets=scores.sheets,
        criteria=scores.scoring_criteria,
        scale=scores.scale,
        method=method or edition.aggregation,
        prizes=edition.prizes_count,
        tie_break=scores.tie_break,
        min_sheets=edition.min_sheets_per_entry,
    )


# --- What the organiser's ranking page shows ----------------------------------------------------------------


def ordinal(number: int) -> str:
    """'1st', '2nd', '11th' in English; '1er', '2e' in French."""
    if str(get_locale() or "en").startswith("fr"):
        return "1er" if number == 1 else f"{number}e"
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def method_label(method: str) -> str:
    return str(METHOD_LABELS.get(method, method))


def podium_change_words(change: scoring.PodiumChange, current_rank: int, jurors: Mapping[int, Juror]) -> str:
    """'drops to 4th without Juror Two', '3rd under median'."""
    if change.left_out_juror is None:
        return _("%(rank)s under %(method)s", rank=ordinal(change.rank), method=method_label(change.method))
    juror = jurors.get(change.left_out_juror)
    name = juror.name if juror else _("juror #%(id)d", id=change.left_out_juror)
    if change.aggregate is None:
        return _("no sheet left without %(juror)s", juror=name)
    if change.rank > current_rank:
        return _("drops to %(rank)s without %(juror)s", rank=ordinal(change.rank), juror=name)
    return _("rises to %(rank)s without %(juror)s", rank=ordinal(change.rank), juror=name)


@dataclass(frozen=True)
class RankingRow:
    entry: Entry
    ranked: scoring.RankedEntry
    totals: tuple[float, ...]  # this entry's sheet totals, lowest first
    reasons: tuple[str, ...]  # why its podium status is fragile, in words


@dataclass(frozen=True)
class RankingView:
    scores: EditionScores
    ranking: scoring.Ranking | None
    rows: tuple[RankingRow, ...]
    panel: scoring.PanelStats | None
    juror_totals: Mapping[int, tuple[float, ...]]  # by juror id, lowest first

    @property
    def method(self) -> str:
        return self.ranking.method if self.ranking else self.scores.edition.aggregation

    @property
    def below_min_count(self) -> int:
        return sum(1 for row in self.rows if row.ranked.below_min_sheets)

    @property
    def fragile_rows(self) -> tuple[RankingRow, ...]:
        return tuple(row for row in self.rows if row.ranked.podium_fragile)


def ranking_view(scores: EditionScores, method: str | None = None) -> RankingView:
    ranking = rank(scores, method)
    if ranking is None:
        return RankingView(scores, None, (), None, {})
    totals = scores.totals()
    by_entry: dict[int, list[float]] = {}
    by_juror: dict[int, list[float]] = {}
    for (juror_id, entry_id), total in totals.items():
        by_entry.setdefault(entry_id, []).append(total)
        by_juror.setdefault(juror_id, []).append(total)
    rows = tuple(
        RankingRow(
            entry=scores.entries[ranked.entry_id],
            ranked=ranked,
            totals=tuple(sorted(by_entry.get(ranked.entry_id, ()))),
            reasons=tuple(podium_change_words(c, ranked.rank, scores.jurors) for c in ranked.podium_changes),
        )
        for ranked in ranking.rows
    )
    panel = scoring.juror_stats(scores.sheets, scores.scoring_criteria)
    return RankingView(
        scores, ranking, rows, panel, {juror_id: tuple(sorted(v)) for juror_id, v in by_juror.items()}
    )


# --- Every score sheet, for the exports ---------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRecord:
    """One score sheet of the edition, whatever its state."""

    entry_reference: str
    organisation: str
    country: str
    juror: str
    juror_country: str | None
    status: str
    recused: bool
    submitted_at: datetime | None
    scores: Mapping[int, float | None]  # by criterion id
    comments: Mapping[int, str]
    overall_comment: str
    total: float | None  # None unless every criterion is scored


def all_sheets(edition: Edition, criteria: Sequence[Criterion]) -> list[SheetRecord]:
    """Every score sheet of the edition (drafts and recused ones included) in two queries."""
    sheets = db.session.scalars(
        select(ScoreSheet)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .join(User, User.id == Assignment.juror_id)
        .where(Application.edition_id == edition.id)
        .options(
            selectinload(ScoreSheet.scores),
            selectinload(ScoreSheet.assignment).joinedload(Assignment.juror),
            selectinload(ScoreSheet.assignment)
            .joinedload(Assignment.application)
            .joinedload(Application.organisation),
        )
        .order_by(Application.number, User.name, User.id)
    ).all()
    scoring_criteria = [scoring.Criterion(c.id, float(c.weight), c.position) for c in criteria]
    records = []
    for sheet in sheets:
        assignment, application = sheet.assignment, sheet.assignment.application
        values = {s.criterion_id: None if s.value is None else float(s.value) for s in sheet.scores}
        complete = {cid: v for cid, v in values.items() if v is not None}
        total = None
        if criteria and set(complete) == {c.id for c in criteria}:
            total = scoring.sheet_total(scoring.Sheet(0, 0, complete), scoring_criteria)
        records.append(
            SheetRecord(
                entry_reference=application.reference,
                organisation=application.organisation.name,
                country=application.organisation.country,
                juror=assignment.juror.name,
                juror_country=assignment.juror.country,
                status=sheet.status,
                recused=assignment.is_recused,
                submitted_at=sheet.submitted_at,
                scores=values,
                comments={s.criterion_id: s.comment for s in sheet.scores},
                overall_comment=sheet.overall_comment,
                total=total,
            )
        )
    return records


# --- Deliberation -------------------------------------------------------------------------------------------


def is_jury_chair(user, edition: Edition) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        db.session.scalar(
            select(JuryMember.id).where(
                JuryMember.edition_id == edition.id, JuryMember.user_id == user.id, JuryMember.is_chair
            )
        )
    )


def edition_awards(edition: Edition) -> list[Award]:
    """The edition's awards by place (special mentions last), laureates and projects loaded."""
    awards = db.session.scalars(
        select(Award)
        .where(Award.edition_id == edition.id)
        .options(selectinload(Award.organisation), selectinload(Award.application))
    ).all()
    return sorted(awards, key=lambda a: (a.kind != AwardKind.PRIZE, a.place or 0, a.organisation.name, a.id))


def joint_places(awards: Iterable[Award]) -> set[int]:
    """The places shared by two or more prizes."""
    places = [a.place for a in awards if a.kind == AwardKind.PRIZE and a.place is not None]
    return {place for place in places if places.count(place) > 1}


@dataclass(frozen=True)
class AwardDecision:
    """The jury's decision for one entry: a prize at `place`, or a special mention (place None)."""

    application_id: int
    kind: str
    place: int | None
    citation: str


class DecisionRefused(ValueError):
    """The awards cannot be saved; `problems` says why, in words."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def proposed_decisions(ranking: scoring.Ranking) -> dict[int, AwardDecision]:
    """The computed podium as a decision: each entry on it at its computed rank, citation to write."""
    return {
        row.entry_id: AwardDecision(row.entry_id, AwardKind.PRIZE, row.rank, "")
        for row in ranking.rows
        if row.on_podium
    }


def current_decisions(awards: Iterable[Award]) -> dict[int, AwardDecision]:
    return {
        a.application_id: AwardDecision(a.application_id, a.kind, a.place, a.citation)
        for a in awards
        if a.application_id is not None
    }


def departures(
    ranking: scoring.Ranking, decisions: Iterable[AwardDecision], entries: Mapping[int, Entry]
) -> list[str]:
    """How the prizes depart from the computed ranking, in words; empty when they follow it.

    They follow it when the entries given a place are exactly those on the computed podium, there is a
    first place, and every pair ranked apart keeps its order with distinct places. Entries tied in the
    ranking may share a place or be split either way. Special mentions never depart.
    """
    rank_of = {row.entry_id: row.rank for row in ranking.rows}
    podium = {row.entry_id for row in ranking.rows if row.on_podium}
    places = {
        d.application_id: d.place for d in decisions if d.kind == AwardKind.PRIZE and d.place is not None
    }

    def name(entry_id: int) -> str:
        entry = entries.get(entry_id)
        return f"{entry.reference} ({entry.organisation})" if entry else f"#{entry_id}"

    def rank_words(entry_id: int) -> str:
        rank_ = rank_of.get(entry_id)
        return ordinal(rank_) if rank_ is not None else _("unranked")

    problems = []
    for entry_id in sorted(set(places) - podium, key=lambda e: (rank_of.get(e, 10**9), e)):
        problems.append(
            _(
                "%(entry)s receives the %(place)s place but is ranked %(rank)s.",
                entry=name(entry_id),
                place=ordinal(places[entry_id]),
                rank=rank_words(entry_id),
            )
        )
    for entry_id in sorted(podium - set(places), key=lambda e: (rank_of[e], e)):
        problems.append(
            _(
                "%(entry)s is ranked %(rank)s but receives no place.",
                entry=name(entry_id),
                rank=rank_words(entry_id),
            )
        )
    common = sorted(podium & set(places), key=lambda e: (rank_of[e], e))
    for index, higher in enumerate(common):
        for lower in common[index + 1 :]:
            if rank_of[higher] == rank_of[lower]:
                continue
            if places[higher] > places[lower]:
                problems.append(
                    _(
                        "%(lower)s is placed above %(higher)s, though ranked below it.",
                        lower=name(lower),
                        higher=name(higher),
                    )
                )
            elif places[higher] == places[lower]:
                problems.append(
                    _(
                        "%(a)s and %(b)s share the %(place)s place, though the ranking separates them.",
                        a=name(higher),
                        b=name(lower),
                        place=ordinal(places[higher]),
                    )
                )
    if places and min(places.values()) != 1:
        problems.append(_("No first place is awarded."))
    return problems


def _award_snapshot(award: Award, references: Mapping[int, str]) -> dict:
    return {
        "application": references.get(award.application_id, award.application_id),
        "organisation_id": award.organisation_id,
        "kind": award.kind,
        "place": award.place,
        "citation": award.citation,
    }


def record_awards(
    edition: Edition,
    scores: EditionScores,
    decisions: Sequence[AwardDecision],
    justification: str,
    actor,
    now: datetime | None = None,
) -> bool:
    """Replace the edition's awards with `decisions`; True when something changed.

    Raises DecisionRefused, having changed nothing, when a decision is invalid (an entry that is not an
    eligible entry of the edition, a place outside 1 to prizes_count, a missing citation, no prize at all)
    or when the prizes depart from the computed ranking and `justification` is blank.
    """
    now = now or utcnow()
    justification = justification.strip()
    problems = _decision_problems(edition, scores, decisions)
    if problems:
        raise DecisionRefused(problems)
    ranking = rank(scores)
    departs = departures(ranking, decisions, scores.entries) if ranking else []
    if departs and not justification:
        raise DecisionRefused(
            [_("The awards depart from the computed ranking: write the jury's justification."), *departs]
        )
    references = {entry.id: entry.reference for entry in scores.entries.values()}
    current = db.session.scalars(select(Award).where(Award.edition_id == edition.id)).all()
    before = sorted((_award_snapshot(a, references) for a in current), key=_snapshot_order)
    justification_changed = any(a.justification != justification for a in current)
    wanted = {d.application_id for d in decisions}
    kept = {}
    for award in current:
        if award.application_id in wanted:
            kept[award.application_id] = award
        else:
            db.session.delete(award)
    # Deletions reach the database before insertions: (edition, organisation) is unique.
    db.session.flush()
    for decision in decisions:
        award = kept.get(decision.application_id)
        if award is None:
            entry = scores.entries[decision.application_id]
            award = Award(
                edition_id=edition.id, organisation_id=entry.organisation_id, application_id=entry.id
            )
            db.session.add(award)
        award.kind = decision.kind
        award.place = decision.place
        award.citation = decision.citation.strip()
        award.justification = justification
        if award in db.session.new or db.session.is_modified(award):
            award.decided_by_id = getattr(actor, "id", None)
            award.decided_at = now
    db.session.flush()
    awards = db.session.scalars(select(Award).where(Award.edition_id == edition.id)).all()
    after = sorted((_award_snapshot(a, references) for a in awards), key=_snapshot_order)
    if before == after and not justification_changed:
        return False
    record(
        "awards.recorded",
        edition,
        edition_id=edition.id,
        before={"awards": before},
        after={"awards": after, "justification": justification, "departures": departs},
        actor=actor,
    )
    return True


def _snapshot_order(snapshot: dict) -> tuple:
    return (snapshot["kind"] != AwardKind.PRIZE, snapshot["place"] or 0, str(snapshot["application"]))


def _decision_problems(
    edition: Edition, scores: EditionScores, decisions: Sequence[AwardDecision]
) -> list[str]:
    problems = []
    seen = set()
    for decision in decisions:
        entry = scores.entries.get(decision.application_id)
        if entry is None:
            problems.append(_("Only the eligible applications of this edition can receive an award."))
            continue
        if decision.application_id in seen:
            problems.append(_("%(entry)s has more than one award.", entry=entry.reference))
        seen.add(decision.application_id)
        if decision.kind == AwardKind.PRIZE:
            if decision.place is None or not 1 <= decision.place <= edition.prizes_count:
                problems.append(
                    _(
                        "%(entry)s: a place runs from 1 to %(count)d.",
                        entry=entry.reference,
                        count=edition.prizes_count,
                    )
                )
        elif decision.kind != AwardKind.SPECIAL_MENTION or decision.place is not None:
            problems.append(_("%(entry)s: unknown kind of award.", entry=entry.reference))
        if not decision.citation.strip():
            problems.append(
                _(
                    "Write the citation for %(entry)s (%(organisation)s).",
                    entry=entry.reference,
                    organisation=entry.organisation,
                )
            )
        elif len(decision.citation) > CITATION_MAX:
            problems.append(_("%(entry)s: the citation is too long.", entry=entry.reference))
    if not any(d.kind == AwardKind.PRIZE for d in decisions):
        problems.append(_("Give at least one place."))
    return problems


# --- Publication --------------------------------------------------------------------------------------------


class NotReady(Exception):
    """The results cannot be published yet; the message says why."""


@dataclass(frozen=True)
class PublicationResult:
    published: bool  # False: it was already published, nothing changed
    certificates: int = 0
    emails: int = 0


def publication_plan(edition: Edition) -> PublicationPlan:
    """The organiser's certificate choices for this edition (defaults when none were saved)."""
    plan = db.session.get(PublicationPlan, edition.id)
    return plan or PublicationPlan(
        edition_id=edition.id, certificate_language="en", participation_certificates=False
    )


def publication_problems(edition: Edition, now: datetime | None = None) -> list[str]:
    """What stands between the edition and the publication of its results; empty when ready."""
    now = now or utcnow()
    if edition.archived:
        return [_("This edition is archived: its results come from before the platform.")]
    problems = []
    phase = edition.phase(now)
    if phase in (Phase.UPCOMING, Phase.OPEN, Phase.JUDGING):
        problems.append(_("Judging has not closed yet."))
    has_prize = db.session.scalar(
        select(Award.id).where(Award.edition_id == edition.id, Award.kind == AwardKind.PRIZE).limit(1)
    )
    if not has_prize:
        problems.append(_("No awards are recorded yet."))
    return problems


def schedule_publication(
    edition: Edition, when: datetime | None, *, language: str, participation: bool, actor
) -> None:
    """Plan the publication at `when` (a UTC instant; None cancels) with these certificate choices."""
    before = {
        "results_publish_at": edition.results_publish_at.isoformat() if edition.results_publish_at else None
    }
    edition.results_publish_at = when
    _save_plan(edition, language, participation, actor)
    record(
        "results.scheduled" if when else "results.unscheduled",
        edition,
        edition_id=edition.id,
        before=before,
        after={
            "results_publish_at": when.isoformat() if when else None,
            "certificate_language": language,
            "participation_certificates": participation,
        },
        actor=actor,
    )
    db.session.flush()


def _save_plan(edition: Edition, language: str, participation: bool, actor) -> PublicationPlan:
    plan = db.session.get(PublicationPlan, edition.id)
    if plan is None:
        plan = PublicationPlan(edition_id=edition.id)
        db.session.add(plan)
    plan.certificate_language = language
    plan.participation_certificates = participation
    plan.updated_by_id = getattr(actor, "id", None)
    plan.updated_at = utcnow()
    return plan


def publish_results(
    edition: Edition,
    *,
    language: str | None = None,
    participation: bool | None = None,
    actor=None,
    now: datetime | None = None,
) -> PublicationResult:
    """Publish the results, issue the certificates and email the applicants; idempotent.

    Unlike other services this one commits: the certificate files it writes must be removed when the
    commit fails, and the emails must leave only after it succeeds. Everything in the database happens in
    one transaction, guarded by a conditional UPDATE so that two concurrent calls cannot both publish.
    Raises NotReady (nothing changed) when judging is still open or no award is recorded.
    """
    now = now or utcnow()
    if edition.is_published:
        return PublicationResult(published=False)
    problems = publication_problems(edition, now)
    if problems:
        raise NotReady(" ".join(problems))
    plan = publication_plan(edition)
    language = language or plan.certificate_language
    participation = plan.participation_certificates if participation is None else participation

    # Certificate files follow this transaction: the certificates service moves them into place on commit
    # and deletes them on rollback, so a failure below leaves none behind.
    try:
        claimed = db.session.execute(
            update(Edition)
            .where(Edition.id == edition.id, Edition.results_published_at.is_(None))
            .values(results_published_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            db.session.rollback()
            return PublicationResult(published=False)
        db.session.refresh(edition, ["results_published_at"])
        _save_plan(edition, language, participation, actor)
        record(
            "results.published",
            edition,
            edition_id=edition.id,
            after={
                "results_published_at": now.isoformat(),
                "certificate_language": language,
                "participation_certificates": participation,
            },
            actor=actor,
        )
        certificates = _issue_certificates(
            edition, participation=participation, language=language, now=now, actor=actor
        )
        messages = _result_emails(edition, certificates)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for recipient, subject, template, context in messages:
        send_email(recipient, subject, template, **context)
    return PublicationResult(published=True, certificates=len(certificates), emails=len(messages))


def _issue_certificates(
    edition: Edition, *, participation: bool, language: str, now, actor
) -> list[Certificate]:
    # Imported here: the certificates domain builds on the awards, not the other way round. Its files are
    # staged until our commit moves them into place; a rollback deletes them.
    from app.certificates.issue import issue_certificates

    return list(
        issue_certificates(edition, participation=participation, language=language, now=now, actor=actor)
    )


def _result_emails(edition: Edition, certificates: Sequence[Certificate]) -> list[tuple[str, str, str, dict]]:
    """The emails to send once the results are public: (recipient, subject, template, context)."""
    awards = {a.organisation_id: a for a in edition_awards(edition)}
    codes = {c.organisation_id: c.verification_code for c in certificates if c.kind == "award"}
    joint = joint_places(awards.values())
    rows = db.session.execute(
        select(
            User.email,
            User.name,
            Organisation.id,
            Organisation.name,
            Application.reference,
            Application.title,
        )
        .join(Organisation, Organisation.id == User.organisation_id)
        .join(Application, Application.organisation_id == Organisation.id)
        .where(
            Application.edition_id == edition.id,
            Application.status.in_(TOOK_PART),
            User.active.is_(True),
        )
        .order_by(Organisation.name, User.email)
    ).all()
    results_url = external_url("ranking.public_results", slug=edition.slug)
    messages = []
    for email, name, organisation_id, organisation, reference, title in rows:
        award = awards.get(organisation_id)
        context = dict(
            name=name,
            edition=edition.name,
            organisation=organisation,
            reference=reference,
            title=title,
            results_url=results_url,
        )
        if award is not None:
            context.update(
                place=award.place,
                joint=award.place in joint,
                special_mention=award.kind == AwardKind.SPECIAL_MENTION,
                citation=award.citation,
                place_words=_place_words(award.place, award.place in joint),
                certificate_url=_certificate_download_url(codes.get(organisation_id)),
            )
            subject = _("%(edition)s: your award", edition=edition.name)
            messages.append((email, subject, "ranking_laureate", context))
        else:
            subject = _("%(edition)s: the results", edition=edition.name)
            messages.append((email, subject, "ranking_thanks", context))
    return messages


def _certificate_download_url(code: str | None) -> str | None:
    if code is None:
        return None
    return external_url("certificates.download", code=code)


def _place_words(place: int | None, joint: bool) -> str:
    if place is None:
        return _("a special mention")
    if joint:
        return _("the joint %(place)s place", place=ordinal(place))
    return _("the %(place)s place", place=ordinal(place))


def due_editions(now: datetime | None = None) -> list[Edition]:
    """Editions whose scheduled publication time has passed and which are not published yet."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Edition)
            .where(
                Edition.results_published_at.is_(None),
                Edition.results_publish_at.is_not(None),
                Edition.results_publish_at <= now,
                Edition.archived.is_(False),
            )
            .order_by(Edition.results_publish_at, Edition.id)
        )
    )


# --- Public results -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicLaureate:
    kind: str
    place: int | None
    joint: bool
    organisation: str
    organisation_kind: str
    country: str  # ISO code
    project_title: str | None  # None for editions from before the platform
    project_summary: str | None
    reference: str | None
    citation: str
    certificate: Certificate | None


def public_laureates(edition: Edition) -> list[PublicLaureate]:
    """The laureates of an edition whose results are public, prizes by place then special mentions.

    Raises LookupError for an edition whose results are not public: nothing leaks by mistake.
    """
    if not results_are_public(edition):
        raise LookupError(edition.slug)
    awards = edition_awards(edition)
    joint = joint_places(awards)
    certificates = {
        c.organisation_id: c
        for c in db.session.scalars(
            select(Certificate).where(
                Certificate.edition_id == edition.id,
                Certificate.kind == "award",
                Certificate.revoked_at.is_(None),
            )
        )
    }
    laureates = []
    for award in awards:
        application = award.application
        laureates.append(
            PublicLaureate(
                kind=award.kind,
                place=award.place,
                joint=award.kind == AwardKind.PRIZE and award.place in joint,
                organisation=award.organisation.name,
                organisation_kind=award.organisation.kind,
                country=award.organisation.country,
                project_title=application.title if application else None,
                project_summary=application.summary if application else None,
                reference=application.reference if application else None,
                citation=award.citation,
                certificate=certificates.get(award.organisation_id),
            )
        )
    return laureates


def public_editions() -> list[Edition]:
    """Editions whose results are public (published, or history from before the platform), newest first."""
    return list(
        db.session.scalars(
            select(Edition)
            .where((Edition.results_published_at.is_not(None)) | Edition.archived.is_(True))
            .order_by(Edition.year.desc(), Edition.ordinal.desc(), Edition.id.desc())
        )
    )
