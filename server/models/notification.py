"""The notification outbox: one row per message to deliver (an e-mail, a webhook call).

Rows are written in the same unit of work as the action that calls for them (so a message is
never sent for work that was rolled back, and never lost for work that was kept) and delivered
by the scheduler (``services/notify/delivery.py``), retried with a growing wait. A row holds no
personal data: the commune, the kind of work, its due date and a link to the case.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

CHANNELS = ("email", "webhook")  # how a notification goes out


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # email | webhook
    address: Mapped[str] = mapped_column(String(320))  # an e-mail address, or "webhook"
    language: Mapped[str] = mapped_column(String(5), default="vi")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)  # or
    # delivered | failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
