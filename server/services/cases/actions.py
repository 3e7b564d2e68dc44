"""A person closes an action: completes it with an outcome, or cancels it with a reason.

Only a supervisor, coordinator or admin whose area covers the person may close an action
(collaborators see their commune's work on the device but do not close it); ``workable`` is
that check, shared with assigning an action (``handoffs``). An action that is
not open cannot be closed again. The note and reason are free text for the case file; they
never leave it (no log, no notification).
"""

from __future__ import annotations

from server import problems
from server.extensions import db
from server.models import Case, CaseAction, Person
from server.models.action import OUTCOMES
from server.services.access.scope import Scope
from server.services.audit import Actor
from server.services.cases import casework

CLOSING_ROLES = ("supervisor", "coordinator", "admin")


def complete(actor: Actor, scope: Scope, role: str, action_id: int, outcome: str,
             note: str | None, *, case_id: int | None = None) -> CaseAction:
    """Mark an open action done with ``outcome`` (one of ``OUTCOMES``); with ``case_id``, only
    an action of that case (a page posts to its case's address)."""
    if outcome not in OUTCOMES:
        raise problems.action_outcome_unknown(outcome, OUTCOMES)
    action = workable(scope, role, action_id, case_id)
    casework.close(actor, db.session.get(Case, action.case_id), action, "done", outcome,
                   (note or "").strip() or None)
    db.session.flush()
    return action


def cancel(actor: Actor, scope: Scope, role: str, action_id: int, reason: str, *,
           case_id: int | None = None) -> CaseAction:
    """Cancel an open action (opened in error, person moved away ...), with a reason."""
    if not reason.strip():
        raise problems.reason_missing()
    action = workable(scope, role, action_id, case_id)
    casework.close(actor, db.session.get(Case, action.case_id), action, "cancelled", None,
                   reason.strip())
    db.session.flush()
    return action


def workable(scope: Scope, role: str, action_id: int, case_id: int | None) -> CaseAction:
    """An open action the caller may close or assign: of a person in ``scope`` (and, with
    ``case_id``, of that case), else the same 404 as an unknown id; refused to a role that
    does not work cases, and for an action already closed."""
    action = db.session.get(CaseAction, action_id)
    person = db.session.get(Person, action.person_id) if action is not None else None
    if person is None or not scope.covers_commune(person.commune_code) or \
            person.locked_at is not None or person.merged_into_id is not None or \
            (case_id is not None and action.case_id != case_id):
        raise problems.action_unknown(action_id)  # not the caller's to see: as if it were not
    if role not in CLOSING_ROLES:
        raise problems.action_role_refused(role)
    if not action.is_open:
        raise problems.action_closed(action_id, action.state)
    return action
