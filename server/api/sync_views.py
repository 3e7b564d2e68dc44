"""``POST /api/v1/sync`` (submissions from the mobile web app) and ``GET /api/v1/sync/changes``.

A sync batch goes through ``services/intake/batch.py``, as the waiting-forms import page does:
each item is its own unit of work, processed exactly like ODK Collect's ``/submission``, so one
bad item is rejected with its reason (in the caller's language, after its catalogue code) and
the others are kept; the answer is always 200 with one result per item. Idempotent by
instanceID: a resent item is a ``duplicate``. Every result carries the message a device would
show for it. The changes feed may read from the read replica (``server/replica.py``).
"""

from __future__ import annotations

from dataclasses import asdict

from flask import current_app, g

from server.api import bp
from server.api.auth import actor
from server.api.schemas import (
    ChangesQuerySchema,
    ChangesSchema,
    SyncRequestSchema,
    SyncResponseSchema,
)
from server.replica import lag_tolerant
from server.services.cases import changes
from server.services.intake import batch


@bp.post("/sync")
@bp.arguments(SyncRequestSchema)
@bp.response(200, SyncResponseSchema)
def sync_submissions(payload):
    items = [batch.Item(item["client_id"], item["xml"], item["attachments"])
             for item in payload["submissions"]]
    language = g.scope.language
    return {"results": [
        {"client_id": result.client_id, "status": result.status,
         "reason": result.reason(language), "message": result.message,
         "score": asdict(result.score) if result.score else None}
        for result in batch.receive_items(actor(), g.scope, items)]}


@bp.get("/sync/changes")
@bp.arguments(ChangesQuerySchema, location="query")
@bp.response(200, ChangesSchema)
@lag_tolerant
def sync_changes(query):
    return changes.changes_since(actor(), g.scope, query["cursor"],
                                 current_app.config["SECRET_KEY"])
