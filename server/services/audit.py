"""Writing the audit log, and the ``Actor`` every write service is told about.

Audit details carry identifiers and field names only: never answers, names or phone numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert

from server.extensions import db
from server.models import AuditEvent
from server.models.types import utcnow


@dataclass(frozen=True)
class Actor:
    """Who is acting: a staff user, a device (app user), or the system (CLI, jobs)."""

    type: str  # "user" | "app_user" | "system"
    id: int | None = None
    remote_addr: str | None = None


SYSTEM = Actor("system")


def record_event(actor: Actor, action: str, target_type: str, target_id: Any,
                 **detail: Any) -> None:
    """Add one audit row in the current transaction (a plain INSERT: it is on hot paths)."""
    db.session.execute(insert(AuditEvent.__table__).values(
        at=utcnow(), actor_type=actor.type, actor_id=actor.id, action=action,
        target_type=target_type, target_id=str(target_id), remote_addr=actor.remote_addr,
        detail=detail))
