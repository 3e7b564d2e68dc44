"""Screenings: one per scored submission, with the full server-side result.

A screening keeps the raw answers (item codes), the ScoreResult as data (total, subscales, band,
flags, threshold table and rules version), the device's own score and whether it disagreed, and
the age at screening. An edit supersedes the screening it replaces; a re-score after a
threshold change keeps the old result in ``screening_results``. Nothing is deleted.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from server.models.person import Person


class Screening(db.Model):
    __tablename__ = "screenings"
    __table_args__ = (
        # a person's current results (the worklist's risk) from this index alone
        Index("ix_screenings_current", "person_id", "instrument", "screened_on", "id",
              postgresql_include=["risk"], postgresql_where=text("superseded_by_id IS NULL"),
              sqlite_where=text("superseded_by_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), unique=True)
    instrument: Mapped[str] = mapped_column(String(40), index=True)
    form_id: Mapped[str] = mapped_column(String(200))
    form_version: Mapped[str] = mapped_column(String(100))
    instance_id: Mapped[str] = mapped_column(String(200))
    screened_on: Mapped[date] = mapped_column(Date)  # the interview date (sync/interview.py)
    # where screened_on came from: screened_on | start | end | today | received; and, when the
    # form's own date could not be right, which source was refused (the screening is reviewed)
    date_source: Mapped[str] = mapped_column(String(12), default="received")
    date_refused: Mapped[str | None] = mapped_column(String(12), default=None)
    age_months: Mapped[int | None] = mapped_column(default=None)
    age_years: Mapped[int | None] = mapped_column(default=None)
    outside_age_range: Mapped[bool] = mapped_column(default=False)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    followup: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    total: Mapped[int | None] = mapped_column(default=None)
    band: Mapped[str | None] = mapped_column(String(40), default=None)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # the result's own risk under the pathway (sync.pathway.risk_of), like its band
    risk: Mapped[str] = mapped_column(String(10), default="none")
    thresholds: Mapped[str | None] = mapped_column(String(60), default=None)
    rules_version: Mapped[str | None] = mapped_column(String(60), default=None)
    device_total: Mapped[int | None] = mapped_column(default=None)
    device_disagrees: Mapped[bool] = mapped_column(default=False)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("screenings.id"),
                                                         default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # the unit of work inserts a new person before their first screening
    person: Mapped[Person] = relationship()

    @property
    def superseded(self) -> bool:
        return self.superseded_by_id is not None


class ScreeningResult(db.Model):
    """An earlier result of a screening, kept when it was re-scored."""

    __tablename__ = "screening_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"), index=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    thresholds: Mapped[str | None] = mapped_column(String(60), default=None)
    rules_version: Mapped[str | None] = mapped_column(String(60), default=None)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(60))
