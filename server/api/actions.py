"""Closing an action: ``POST /api/v1/actions/<id>/complete`` and ``/cancel``.

A supervisor (or coordinator, admin) of the person's area closes an open action with an outcome
(complete) or a reason (cancel); the answer is the action as it now is. Each is a case event and
an audit row (``services/cases/actions.py``).
"""

from __future__ import annotations

from flask import g

from server.api import bp
from server.api.auth import actor
from server.api.schemas import (
    ActionPathSchema,
    ActionSchema,
    CancelActionSchema,
    CompleteActionSchema,
)
from server.services.cases import actions


@bp.post("/actions/<int:action_id>/complete")
@bp.arguments(ActionPathSchema, location="path", as_kwargs=True)
@bp.arguments(CompleteActionSchema)
@bp.response(200, ActionSchema)
def complete_action(body, action_id: int):
    return actions.complete(actor(), g.scope, g.user.role, action_id, body["outcome"],
                            body["note"])


@bp.post("/actions/<int:action_id>/cancel")
@bp.arguments(ActionPathSchema, location="path", as_kwargs=True)
@bp.arguments(CancelActionSchema)
@bp.response(200, ActionSchema)
def cancel_action(body, action_id: int):
    return actions.cancel(actor(), g.scope, g.user.role, action_id, body["reason"])
