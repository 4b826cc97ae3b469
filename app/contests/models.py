"""Editions of a prize, their phases and their criteria.

What organisers write (an edition's name, description and ceremony place; a criterion's name, question and
guidance) is stored in English and in French (`<field>_en`, `<field>_fr`, see app/i18n.py): `<field>` reads
in the reader's language. The English columns keep their original names, so the database and the queries
that predate French are unchanged. A text may be empty in either language, never in both where a name is
required; an empty criterion name is not a name, so two criteria may both lack one language.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.contests.enums import Aggregation, Phase
from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.i18n import translated


class Edition(db.Model):
    __tablename__ = "editions"
    __table_args__ = (
        CheckConstraint("score_min < score_max", name="scale_ordered"),
        CheckConstraint("score_min >= 0 AND score_max <= 100", name="scale_bounds"),
        CheckConstraint("score_step > 0", name="step_positive"),
        CheckConstraint("prizes_count >= 1", name="prizes_positive"),
        CheckConstraint("submissions_open_at < submissions_close_at", name="submission_window"),
        CheckConstraint("submissions_close_at <= judging_close_at", name="judging_after_submission"),
        CheckConstraint("name <> '' OR name_fr <> ''", name="named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_en: Mapped[str] = mapped_column("name", String(200), default="")
    name_fr: Mapped[str] = mapped_column(String(200), default="", server_default="")
    name = translated("name")
    ordinal: Mapped[int] = mapped_column()
    year: Mapped[int] = mapped_column()
    description_en: Mapped[str] = mapped_column("description", Text, default="")
    description_fr: Mapped[str] = mapped_column(Text, default="", server_default="")
    description = translated("description")
    reference_prefix: Mapped[str] = mapped_column(String(12), default="DOSTA")

    submissions_open_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submissions_close_at: Mapped[datetime] = mapped_column(UTCDateTime())
    judging_close_at: Mapped[datetime] = mapped_column(UTCDateTime())
    results_publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # planned
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # done

    prizes_count: Mapped[int] = mapped_column(default=3)
    score_min: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(0))
    score_max: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(10))
    score_step: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(1))
    aggregation: Mapped[Aggregation] = mapped_column(
        enum_column(Aggregation, "aggregation_known"), default=Aggregation.MEAN
    )
    tie_break_criteria: Mapped[list[int]] = mapped_column(JSON, default=list)  # criterion ids, in order
    min_sheets_per_entry: Mapped[int] = mapped_column(default=3)
    reveal_scores_to_jury: Mapped[bool] = mapped_column(default=False)  # after judging closes

    ceremony_date: Mapped[date | None] = mapped_column()
    ceremony_place_en: Mapped[str] = mapped_column("ceremony_place", String(200), default="Strasbourg")
    ceremony_place_fr: Mapped[str] = mapped_column(String(200), default="", server_default="")
    ceremony_place = translated("ceremony_place")
    archived: Mapped[bool] = mapped_column(default=False)  # history imported from before the platform
    # Bumped in the transaction of every change the ranking's numbers depend on (app/ranking/freshness.py).
    ranking_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="edition", order_by="Criterion.position", cascade="all, delete-orphan"
    )

    def phase(self, now: datetime | None = None) -> Phase:
        now = now or utcnow()
        if self.results_published_at is not None:
            return Phase.PUBLISHED
        if now < self.submissions_open_at:
            return Phase.UPCOMING
        if now < self.submissions_close_at:
            return Phase.OPEN
        if now < self.judging_close_at:
            return Phase.JUDGING
        return Phase.DELIBERATION

    def accepts_applications(self, now: datetime | None = None) -> bool:
        return self.phase(now) == Phase.OPEN

    @property
    def is_published(self) -> bool:
        return self.results_published_at is not None

    @property
    def results_are_public(self) -> bool:
        """Laureates may be shown: results published, or history imported from before the platform."""
        return self.is_published or self.archived

    def __repr__(self) -> str:
        return f"<Edition {self.slug}>"


class Criterion(db.Model):
    __tablename__ = "criteria"
    __table_args__ = (
        # One name per language within an edition, among the names given: "" is no name.
        *(
            Index(
                f"uq_criteria_edition_id_{column}",
                "edition_id",
                column,
                unique=True,
                sqlite_where=text(f"{column} <> ''"),
                postgresql_where=text(f"{column} <> ''"),
            )
            for column in ("name", "name_fr")
        ),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("name <> '' OR name_fr <> ''", name="named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    name_en: Mapped[str] = mapped_column("name", String(120), default="")
    name_fr: Mapped[str] = mapped_column(String(120), default="", server_default="")
    name = translated("name")
    # What the applicant is asked.
    description_en: Mapped[str] = mapped_column("description", Text, default="")
    description_fr: Mapped[str] = mapped_column(Text, default="", server_default="")
    description = translated("description")
    # What a high score means, for jurors.
    guidance_en: Mapped[str] = mapped_column("guidance", Text, default="")
    guidance_fr: Mapped[str] = mapped_column(Text, default="", server_default="")
    guidance = translated("guidance")
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(1))
    position: Mapped[int] = mapped_column(default=0)

    edition: Mapped[Edition] = relationship(back_populates="criteria")
