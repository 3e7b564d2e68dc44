"""``POST /api/v1/sync`` (submissions from the mobile web app) and ``GET /api/v1/sync/changes``.

Each submission of a batch is its own unit of work, processed exactly like ODK Collect's
``/submission`` (``services/intake/receive.py``): one bad item is rejected with its reason and the
others are kept. Any failure of one item, expected (a Problem) or not (a bug, the database),
is that item's ``rejected`` result; its unit of work is rolled back and the batch goes on, so
the answer is always 200 with one result per item. Idempotent by instanceID: a resent item is
a ``duplicate``. Every result carries the message a device would show for it.
"""

from __future__ import annotations

import base64
import binascii
import logging

from flask import current_app, g

from server import problems
from server.api import bp
from server.api.auth import actor
from server.api.schemas import (
    ChangesQuerySchema,
    ChangesSchema,
    SyncRequestSchema,
    SyncResponseSchema,
)
from server.extensions import db
from server.problems import Problem
from server.services.cases import changes
from server.services.intake import receive, store
from sync import result_message

log = logging.getLogger("sangloc.api")


@bp.post("/sync")
@bp.arguments(SyncRequestSchema)
@bp.response(200, SyncResponseSchema)
def sync_submissions(payload):
    return {"results": [_one(item) for item in payload["submissions"]]}


def _one(item: dict) -> dict:
    result = {"client_id": item["client_id"], "reason": None, "score": None, "message": None}
    try:
        upload = store.Upload(xml=_utf8(item["xml"]), files=_decode(item["attachments"]),
                                    user_agent="web")
        receipt, merged = receive.receive(actor(), g.scope, upload)
    except Problem as problem:
        log.warning("rejected sync item: %s", problem.code)  # the code only: no answers
        return {**result, "status": "rejected", "reason": _reason(problem)}
    except Exception as exc:  # this item only: the batch goes on
        db.session.rollback()
        log.error("sync item failed: %s", type(exc).__name__, exc_info=exc)
        return {**result, "status": "rejected", "reason": _reason(problems.server_error())}
    status = "duplicate" if receipt.outcome == "duplicate" else "accepted"
    message = result_message(merged.outcome if merged else None,
                             merged.actions if merged else (), g.scope.language,
                             merged.state if merged else None)
    return {**result, "status": status, "score": _summary(merged), "message": message}


def _reason(problem: Problem) -> str:
    return f"{problem.code}: {problem.message('en')}"


def _utf8(xml: str) -> bytes:
    try:
        return xml.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which JSON can carry and UTF-8 cannot
        raise problems.bad_request("the xml is not valid Unicode text") from None


def _decode(attachments: dict[str, str]) -> dict[str, tuple[bytes, str | None]]:
    try:
        return {name: (base64.b64decode(data, validate=True), None)
                for name, data in attachments.items()}
    except (binascii.Error, ValueError):
        raise problems.bad_request("an attachment is not valid base64") from None


def _summary(merged) -> dict | None:
    if merged is None or merged.outcome is None:
        return None
    outcome, action = merged.outcome, (merged.actions[0] if merged.actions else None)
    return {"instrument": outcome.instrument_id, "total": outcome.total, "band": outcome.band,
            "flags": list(outcome.flags), "next_action": action.kind if action else None,
            "due": action.due if action else None,
            "message": result_message(outcome, merged.actions, g.scope.language)}


@bp.get("/sync/changes")
@bp.arguments(ChangesQuerySchema, location="query")
@bp.response(200, ChangesSchema)
def sync_changes(query):
    return changes.changes_since(actor(), g.scope, query["cursor"],
                                 current_app.config["SECRET_KEY"])
