"""Cases: one per person, what is known and what must happen next, and its event history.

Review states follow the supervisor's work (``new``, ``in_review``, ``needs_info``,
``referred``, ``monitoring``, ``closed``); ``step`` follows the case-management steps of
Circular 01/2015/TT-BLĐTBXH with intake in front (vietnam.md §4). Derived fields (risk, open
flags, next action) are recomputed from the person's current screenings; every change is a
``CaseEvent`` with who, when and why.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from server.models.person import Person

CASE_STATES = ("new", "in_review", "needs_info", "referred", "monitoring", "closed")
CASE_STEPS = ("intake", "assessment", "plan", "implementation", "monitoring", "closure")
RISK_RANK = {"none": 0, "low": 1, "medium": 2, "high": 3, "urgent": 4}


class Case(db.Model):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), unique=True)
    state: Mapped[str] = mapped_column(String(20), default="new", index=True)
    step: Mapped[str] = mapped_column(String(20), default="intake")
    risk: Mapped[str] = mapped_column(String(10), default="none")
    next_action: Mapped[str | None] = mapped_column(String(40), default=None)
    next_action_reason: Mapped[str | None] = mapped_column(String(60), default=None)
    next_action_due: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    urgent: Mapped[bool] = mapped_column(default=False, index=True)
    referral_status: Mapped[str] = mapped_column(String(20), default="none")
    # [kind, reason, completed on (ISO date), id of the last screening it covered]
    done_actions: Mapped[list[list]] = mapped_column(JSON, default=list)
    last_instrument: Mapped[str | None] = mapped_column(String(40), default=None)
    last_screened_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    # the unit of work inserts a new person before their case
    person: Mapped[Person] = relationship()
    flags: Mapped[list[CaseFlag]] = relationship(cascade="all, delete-orphan",
                                                 order_by="CaseFlag.flag", lazy="selectin")

    @property
    def open_flags(self) -> list[str]:
        return sorted(row.flag for row in self.flags)

    def overdue_on(self, day: date) -> bool:
        """Whether the next action was due before ``day``."""
        return self.next_action_due is not None and self.next_action_due < day


class CaseFlag(db.Model):
    """An open flag of a case, indexed for lists (``Case.open_flags`` reads them)."""

    __tablename__ = "case_flags"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         primary_key=True)
    flag: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class CaseEvent(db.Model):
    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_type: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(default=None)
    kind: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
