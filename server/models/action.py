"""Actions: the work a result opens for a person (a referral, a safety contact, a review ...).

An action is a record, not a derived field: the care pathway (``sync/pathway.py``) opens one per
(screening, rule) when a submission is merged, and it stays ``open`` until a person closes it
(``done`` with an outcome, or ``cancelled`` with a reason). The only closings by the system are
the pathway's own: a ``rescreen`` is done by a new screening of the same instrument family, a
``followup_interview`` by the child's M-CHAT-R/F Follow-Up. Every change is also a
``CaseEvent``. ``risk`` is the risk of the result that opened it (a fact of that moment).
An action may be assigned to a collaborator of the person's commune (``assigned_to_id``), with
``instructions`` when a person opened it (a supervisor asking for more information, the concern
of a call taken without a screening).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

ACTION_STATES = ("open", "done", "cancelled")
#: what a person records when completing an action (pathway.md "Referral outcomes")
OUTCOMES = (
    "contacted",           # reached the person or family (safety contact, review)
    "safety_plan_made",    # safety contact: risk assessed, a plan agreed, means removed
    "emergency_referral",  # safety contact: sent to emergency care at once
    "referred",            # a referral was made (to which facility in the note)
    "appointment_booked",
    "attended",            # the person attended the referral or assessment
    "assessed_no_concern",
    "assessed_concern",    # assessment found a disorder or need (diagnosis by whom: note)
    "treatment_started",
    "interview_done",      # M-CHAT-R/F Follow-Up given (also set by the Follow-Up itself)
    "rescreened",          # also set by the new screening itself
    "reviewed",            # review: the supervisor looked at the form
    "other",
)


class CaseAction(db.Model):
    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("screening_id", "rule"),
        # the worklist reads only open work, from this index alone (services/cases/worklist.py)
        Index("ix_actions_open", "case_id", postgresql_include=["person_id", "urgent", "due",
                                                                "risk"],
              postgresql_where=text("state = 'open'"), sqlite_where=text("state = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    screening_id: Mapped[int | None] = mapped_column(ForeignKey("screenings.id"), default=None)
    rule: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(String(80))
    instrument: Mapped[str] = mapped_column(String(40))
    risk: Mapped[str] = mapped_column(String(10))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due: Mapped[date] = mapped_column(Date)
    urgent: Mapped[bool] = mapped_column(default=False)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    instructions: Mapped[str | None] = mapped_column(Text, default=None)  # what a person asks
    state: Mapped[str] = mapped_column(String(12), default="open", index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_by_type: Mapped[str | None] = mapped_column(String(20), default=None)
    closed_by_id: Mapped[int | None] = mapped_column(default=None)
    outcome: Mapped[str | None] = mapped_column(String(40), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    def overdue_on(self, day: date) -> bool:
        return self.is_open and self.due < day
