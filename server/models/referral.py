"""Referrals: where a person was sent, and what came of it (QĐ 2254 steps 2-3).

A supervisor records a referral when it is made (to which facility, when, the appointment). It
answers the open ``referral`` action it was made for, and opens a ``referral_followup`` action
due ``SANGLOC_REFERRAL_FOLLOWUP_DAYS`` (30) later, so a referral nobody has heard back from
becomes overdue work. Its outcome is recorded as it becomes known: attended or not, the step-2/3
result (screen-positive or not, a diagnosis given and by whom), and whether early intervention
or treatment started, and where. Recording attendance does the follow-up.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

#: the result of the next step, as the receiving facility reports it
RESULTS = ("screen_positive", "screen_negative", "diagnosed", "not_diagnosed", "unknown")


class Referral(db.Model):
    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"), default=None)
    followup_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"), default=None)
    facility: Mapped[str] = mapped_column(String(200))
    made_on: Mapped[date] = mapped_column(Date)
    appointment_on: Mapped[date | None] = mapped_column(Date, default=None)
    attended: Mapped[bool | None] = mapped_column(default=None)
    attended_on: Mapped[date | None] = mapped_column(Date, default=None)
    result: Mapped[str | None] = mapped_column(String(20), default=None)
    diagnosis_by: Mapped[str | None] = mapped_column(String(200), default=None)
    intervention_started: Mapped[bool | None] = mapped_column(default=None)
    intervention_where: Mapped[str | None] = mapped_column(String(200), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
