"""What every commit writes last: the audit rows and the aggregate marks (on PostgreSQL in one
statement, ``aggregates._upsert_with_audit``; on SQLite in two), each exactly as recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.boundary import transaction
from server.extensions import db
from server.models import AggregateDirty, AuditEvent
from server.models.types import utcnow
from server.services.audit import SYSTEM, Actor, record_event
from server.services.programme import aggregates


def audit_rows(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def marks() -> set[tuple[str, int]]:
    return set(db.session.execute(select(AggregateDirty.commune_code, AggregateDirty.year)))


def test_audit_rows_and_marks_are_written_together_as_recorded(app):
    before = utcnow()
    with transaction():
        record_event(Actor("app_user", 7, "203.0.113.7"), "test.one", "submission", 41,
                     form_id="phq9", note="Nguyễn")
        record_event(SYSTEM, "test.one", "person", "P-1")
        aggregates.mark_dirty("00004", 2025)
        aggregates.mark_dirty("00004", 2026)
    first, second = audit_rows("test.one")
    assert (first.actor_type, first.actor_id, first.target_type, first.target_id,
            first.remote_addr, first.detail) == \
        ("app_user", 7, "submission", "41", "203.0.113.7", {"form_id": "phq9", "note": "Nguyễn"})
    assert (second.actor_type, second.actor_id, second.target_id, second.detail) == \
        ("system", None, "P-1", {})
    assert before <= first.at <= second.at <= utcnow()
    assert marks() == {("00004", 2025), ("00004", 2026)}


def test_audit_rows_without_marks_and_marks_without_audit_rows(app):
    with transaction():
        record_event(SYSTEM, "test.alone", "person", "P-2")
    assert len(audit_rows("test.alone")) == 1 and marks() == set()
    with transaction():
        aggregates.mark_dirty("00004", 2024)
    assert marks() == {("00004", 2024)} and len(audit_rows("test.alone")) == 1


def test_a_rollback_writes_neither(app):
    with pytest.raises(RuntimeError), transaction():
        db.session.execute(select(1))  # a begun transaction, as every request's (see the note)
        record_event(SYSTEM, "test.gone", "person", "P-3")
        aggregates.mark_dirty("00004", 2023)
        raise RuntimeError
    with transaction():
        pass
    assert audit_rows("test.gone") == [] and marks() == set()
