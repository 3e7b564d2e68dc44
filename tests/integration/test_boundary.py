"""One commit rule (issue 9): every view of a wire format's blueprint is one unit of work.

No view carries its own commit decorator, so none can forget it: each OpenRosa and API view is
wrapped when its blueprint is registered, and an audited read keeps its audit row.
"""

from __future__ import annotations

from sqlalchemy import select

from server.boundary import transaction
from server.extensions import db
from server.models import AuditEvent
from server.services.access import api_tokens, users
from server.services.audit import SYSTEM


def test_every_openrosa_and_api_view_commits_its_request(app):
    endpoints = {e: v for e, v in app.view_functions.items()
                 if e.startswith(("openrosa.", "api."))}
    assert len(endpoints) >= 13
    unwrapped = [e for e, v in endpoints.items() if not getattr(v, "commits_per_request", False)]
    assert unwrapped == []


def test_an_audited_read_keeps_its_audit_row(client):
    with transaction():
        users.create_user(SYSTEM, "gs", "supervisor", ["00004"])
        token = api_tokens.create_token(SYSTEM, "gs")
    response = client.get("/api/v1/reviews", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "review.list")) == "review.list"


def _counting_commits(app):
    """The number of commits the session runs (its ``before_commit`` event), as a list."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    seen: list[int] = []
    listener = lambda session: seen.append(1)  # noqa: E731
    event.listen(Session, "before_commit", listener)
    return seen, lambda: event.remove(Session, "before_commit", listener)


def test_a_submission_commits_its_own_work_once_and_the_view_adds_no_empty_commit(
        app, publish_bundled, device):
    from tests.support.instances import levels, screening_instance

    publish_bundled("phq9")
    xml = screening_instance("phq9", levels(9), name="Lê Văn Một Lần")
    seen, stop = _counting_commits(app)
    try:
        assert device.collect.post_submission(xml).status_code == 201
    finally:
        stop()
    assert len(seen) == 1  # receive's unit of work; the view's own found nothing to commit


def test_work_that_ran_no_sql_yet_is_still_committed_by_the_view(app):
    """Objects added, audit rows recorded or marks made without a statement run yet."""
    from server.boundary import _has_work
    from server.models import Facility
    from server.services.audit import record_event
    from server.services.programme.aggregates import mark_dirty

    db.session.rollback()
    assert not _has_work(db.session())
    record_event(SYSTEM, "test.only", "nothing", 1)
    assert _has_work(db.session())
    db.session.rollback()
    mark_dirty("00004", 2026)
    assert _has_work(db.session())
    db.session.rollback()
    db.session.add(Facility(name="Trạm y tế xã thử", kind="commune_health_station"))
    assert _has_work(db.session())
    db.session.rollback()
