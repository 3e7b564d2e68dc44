"""Handing work to a collaborator: assigning an action, and sending a case back for more.

A supervisor (coordinator, admin) of the person's area assigns an open action to a collaborator
who works in the person's commune, or to a supervisor of that commune (their worklist's
"assigned to me"), or takes the assignment back; the device case list then shows the
collaborator the work as theirs, with its due date (``case_list``). "Needs info" sends a case
back to a collaborator with a note: the case's review state becomes ``needs_info`` and a
``needs_info`` action, assigned to them and due the programme's ``needs_info_days`` later (the
person's province's setting, else the server's), carries the note as its instructions. Every
change is a case event and an audit row; the note stays in the case file (never in a log or a
notification).
"""

from __future__ import annotations

from datetime import timedelta

from server import problems
from server.extensions import db
from server.inputs import check_length
from server.models import AdminUnit, CaseAction, User
from server.models.types import utcnow
from server.programme import Programme, today
from server.services.access import users
from server.services.access.scope import Scope
from server.services.audit import Actor, record_event
from server.services.cases import actions, casework
from server.services.cases.worklist import CaseView
from server.services.programme import settings

NEEDS_INFO_RULE = "supervisor.needs_info"
NOTE_LIMIT = 2000


def people_for(case: CaseView, role: str) -> list[User]:
    """The active users of ``role`` who work in the person's commune (or its province)."""
    return users.working_in(db.session.get(AdminUnit, case.person.commune_code), role)


def _one_of(found: list[User], user_id: int | None) -> User:
    chosen = next((u for u in found if u.id == user_id), None)
    if chosen is None:
        raise problems.assignee_not_here()
    return chosen


def assign(actor: Actor, scope: Scope, role: str, case: CaseView, action_id: int,
           user_id: int | None) -> CaseAction:
    """Give an open action of ``case`` to a collaborator or supervisor of the commune (None:
    to nobody)."""
    action = actions.workable(scope, role, action_id, case.id)
    assignee = _one_of(people_for(case, "collaborator") + people_for(case, "supervisor"),
                       user_id) if user_id is not None else None
    before = action.assigned_to_id
    action.assigned_to_id = assignee.id if assignee else None
    action.updated_at = utcnow()
    casework.touch(case.case)
    casework.event(actor, case.case, "assigned", action=action.id, before=before,
                   after=action.assigned_to_id)
    record_event(actor, "action.assign", "action", action.id, case_id=case.id,
                 assigned_to=action.assigned_to_id)
    db.session.flush()
    return action


def send_back(actor: Actor, role: str, case: CaseView, user_id: int | None, note: str,
              programme: Programme) -> CaseAction:
    """"Needs info": the case goes back to a collaborator of the commune with ``note``."""
    if role not in actions.CLOSING_ROLES:
        raise problems.action_role_refused(role)
    note = (note or "").strip()
    if not note:
        raise problems.text_missing()
    check_length("note", note, NOTE_LIMIT)
    collaborator = _one_of(people_for(case, "collaborator"), user_id)
    casework.set_case_state(actor, case.id, "needs_info", note)
    return casework.open_by_person(actor, case.case, CaseAction(
        kind="needs_info", rule=NEEDS_INFO_RULE, reason="needs_info", risk="none",
        instrument=case.last_instrument or "",
        due=today() + timedelta(days=settings.programme_for_person(
            case.person_id, programme).periods.needs_info_days),
        assigned_to_id=collaborator.id, instructions=note))
