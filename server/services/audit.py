"""Writing the audit log, and the ``Actor`` every write service is told about.

Audit details carry identifiers and field names only: never answers, names or phone numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC
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


_PENDING = "sangloc_audit"
_INSERT = insert(AuditEvent.__table__)


def record_event(actor: Actor, action: str, target_type: str, target_id: Any,
                 **detail: Any) -> None:
    """Add one audit row to the current transaction.

    Rows are collected on the session and written in one INSERT just before the commit
    (``write_pending``, registered in ``create_app``), so a request that changes a person, a
    screening and a case costs one round trip for its audit trail; a rollback drops them with
    everything else.
    """
    queue_for_commit(_PENDING, {
        "at": utcnow(), "actor_type": actor.type, "actor_id": actor.id, "action": action,
        "target_type": target_type, "target_id": str(target_id),
        "remote_addr": actor.remote_addr, "detail": detail})


def queue_for_commit(key: str, row: dict[str, Any]) -> None:
    """Keep ``row`` on the current session under ``key`` for a ``before_commit`` hook to
    write (audit rows here, case events in ``cases/casework.py``). Begins the session's
    transaction when none has begun: a rollback runs its hooks, which drop the queued rows,
    only for a begun transaction, so a unit of work whose first act is to queue a row and
    which then fails would otherwise leave the row for the next commit."""
    session = db.session()
    if not session.in_transaction():
        session.begin()
    session.info.setdefault(key, []).append(row)


def write_pending(session) -> None:
    """Session ``before_commit`` hook: insert the collected audit rows (on PostgreSQL, the
    aggregate marks' hook, which runs first, may already have written them with its own
    statement: ``take_pending``)."""
    rows = session.info.pop(_PENDING, None)
    if rows:  # on the connection (Core): no ORM execution layer for a plain INSERT
        session.connection().execute(_INSERT, rows)


def has_pending(session) -> bool:
    """Whether audit rows wait for this session's next commit."""
    return bool(session.info.get(_PENDING))


def take_pending(session) -> list[dict[str, Any]]:
    """The collected audit rows, now the caller's to write in this transaction (none left)."""
    return session.info.pop(_PENDING, None) or []


_CTE = ("WITH audit AS (INSERT INTO audit_events (at, actor_type, actor_id, action, "
        "target_type, target_id, remote_addr, detail) VALUES {0}) ")
_ROW = "(%s, %s, %s, %s, %s, %s, %s, %s::json)"  # placeholders only: values are parameters


def insert_cte(rows: list[dict[str, Any]]) -> tuple[str, list[Any]]:
    """``rows`` as a data-modifying CTE for another PostgreSQL statement to carry, in psycopg's
    parameter style: ``WITH audit AS (INSERT ...)`` and its parameters. The values are the
    ones the Core INSERT would send (``at`` as naive UTC, ``UTCDateTime``; ``detail`` as
    SQLAlchemy's ``JSON`` serialises it, ``json.dumps``)."""
    params: list[Any] = []
    for row in rows:
        params += [row["at"].astimezone(UTC).replace(tzinfo=None), row["actor_type"],
                   row["actor_id"], row["action"], row["target_type"], row["target_id"],
                   row["remote_addr"], json.dumps(row["detail"])]
    return _CTE.format(", ".join([_ROW] * len(rows))), params


def drop_pending(session, *_args) -> None:
    """Session ``after_rollback`` hook: the rows go with the rolled-back work."""
    session.info.pop(_PENDING, None)
