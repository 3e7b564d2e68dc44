"""Cases: one per person, what is known and what must happen next, and its event history.

Review states follow the supervisor's work (``new``, ``in_review``, ``needs_info``,
``referred``, ``monitoring``, ``closed``); ``step`` follows the case-management steps of
Circular 01/2015/TT-BLĐTBXH with intake in front (vietnam.md §4). What must happen next is the
case's open actions (``server/models/action.py``); its risk, next action and due date are read
from them and the current results (``services/cases/worklist.py``), never stored. Every change
is a ``CaseEvent`` with who, when and why; staff talk about a case in ``CaseComment``s.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from server.models.action import CaseAction
    from server.models.person import Person

CASE_STATES = ("new", "in_review", "needs_info", "referred", "monitoring", "closed")
CASE_STEPS = ("intake", "assessment", "plan", "implementation", "monitoring", "closure")


class Case(db.Model):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), unique=True)
    state: Mapped[str] = mapped_column(String(20), default="new", index=True)
    step: Mapped[str] = mapped_column(String(20), default="intake")
    last_instrument: Mapped[str | None] = mapped_column(String(40), default=None)
    last_screened_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    # the unit of work inserts a new person before their case
    person: Mapped[Person] = relationship()
    actions: Mapped[list[CaseAction]] = relationship(order_by="CaseAction.id",
                                                     lazy="selectin")

    @property
    def open_actions(self) -> list[CaseAction]:
        """Open actions, urgent first, then by due date (the worklist's order)."""
        return sorted((a for a in self.actions if a.is_open),
                      key=lambda a: (not a.urgent, a.due, a.id))


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


class CaseComment(db.Model):
    """A note a staff member leaves on a case for the others who work it (never sent out)."""

    __tablename__ = "case_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    body: Mapped[str] = mapped_column(Text)
