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
