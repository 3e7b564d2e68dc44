"""The database lease that lets only one scheduler process run jobs at a time.

A lease is one row of ``scheduler_leases``. Taking or renewing it is a single conditional
UPDATE — "set me as holder WHERE the lease is expired OR already mine" — so two processes can
never both succeed: PostgreSQL re-checks the WHERE clause after waiting for the other writer's
row lock, and SQLite serialises writers on its database lock. When the row does not exist yet,
``INSERT ... ON CONFLICT DO NOTHING`` creates it; of two racing inserts exactly one adds the row.

Times come from this process's clock (hosts that share a database must run NTP; a lease lasts
much longer than any sensible clock skew). Like every service this flushes and never commits:
callers wrap each call in ``transaction()`` so the lease is visible to others at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from server.extensions import db
from server.models import SchedulerLease
from server.models.types import UTCDateTime, utcnow

SCHEDULER = "scheduler"


def acquire_lease(holder: str, seconds: float, *, name: str = SCHEDULER,
                  now: datetime | None = None) -> bool:
    """Take the lease, or renew it if ``holder`` has it; False while someone else holds it."""
    if seconds <= 0:
        raise ValueError("a lease must last a positive number of seconds")
    now = now or utcnow()
    expires = now + timedelta(seconds=seconds)
    if _take_existing(holder, name, now, expires):
        return True
    return _insert_new(holder, name, now, expires)


def _take_existing(holder: str, name: str, now: datetime, expires: datetime) -> bool:
    lease = SchedulerLease.__table__.c
    statement = (
        update(SchedulerLease.__table__)
        .where(lease.name == name, or_(lease.expires_at < now, lease.holder == holder))
        .values(holder=holder, expires_at=expires,
                # a renewal keeps the time the holder first took the lease
                acquired_at=case((lease.holder == holder, lease.acquired_at),
                                 else_=literal(now, UTCDateTime())))
    )
    return db.session.execute(statement).rowcount == 1


def _insert_new(holder: str, name: str, now: datetime, expires: datetime) -> bool:
    table = SchedulerLease.__table__
    insert = (pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert)(table)
    statement = insert.values(name=name, holder=holder, acquired_at=now, expires_at=expires)
    statement = statement.on_conflict_do_nothing(index_elements=["name"])
    # RETURNING, not rowcount: psycopg reports no row count for this INSERT
    return db.session.execute(statement.returning(table.c.name)).scalar() is not None


def release_lease(holder: str, *, name: str = SCHEDULER) -> bool:
    """Give the lease up if ``holder`` has it (a standby can take it at once); True if it did."""
    table = SchedulerLease.__table__
    statement = delete(table).where(table.c.name == name, table.c.holder == holder)
    return db.session.execute(statement).rowcount == 1


def current_lease(name: str = SCHEDULER) -> SchedulerLease | None:
    """The lease row as stored (it may have expired): for ``sangloc jobs list`` and tests."""
    statement = select(SchedulerLease).where(SchedulerLease.name == name)
    return db.session.scalar(statement.execution_options(populate_existing=True))
