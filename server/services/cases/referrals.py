"""Referrals as records: making one, and recording what came of it (QĐ 2254 steps 2-3).

``make`` records a referral for a case the caller may work (a supervisor, coordinator or admin
of the person's area): it completes the open ``referral`` action it answers (outcome
``referred``) and opens a ``referral_followup`` action due the programme's
``referral_followup_days`` later (the person's province's setting, else the server's).
``record_outcome`` stores attendance and the next steps' results; a recorded attendance does the
follow-up, while "did not attend" leaves it open: a missed referral stays someone's work. Notes
are added to, never overwritten.
Every change is a case event and an audit row (``casework``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from server import problems
from server.extensions import db
from server.models import CaseAction, Referral
from server.models.referral import RESULTS
from server.models.types import utcnow
from server.programme import Programme
from server.services.access.scope import Scope
from server.services.audit import Actor, record_event
from server.services.cases import actions, casework
from server.services.cases.worklist import CaseView
from server.services.programme import settings

FOLLOWUP_RULE = "referral.followup"
LIMIT = 200


@dataclass(frozen=True)
class Made:
    """A referral as the supervisor records it; ``answers``: the open referral action's id."""

    facility: str
    made_on: date
    appointment_on: date | None = None
    answers: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What came of a referral, as far as it is known."""

    attended: bool | None = None
    attended_on: date | None = None
    result: str | None = None
    diagnosis_by: str | None = None
    intervention_started: bool | None = None
    intervention_where: str | None = None
    note: str | None = None


def make(actor: Actor, scope: Scope, role: str, case: CaseView, made: Made,
         programme: Programme) -> Referral:
    """Record a referral made for ``case`` (a case the caller has read, so in their scope)."""
    facility = (made.facility or "").strip()
    answers, made_on, note = made.answers, made.made_on, made.note
    if not facility:
        raise problems.facility_missing()
    if role not in actions.CLOSING_ROLES:
        raise problems.action_role_refused(role)
    answered = None
    if answers is not None:
        answered = next((a for a in case.open_actions if a.id == answers), None)
        if answered is None or answered.kind != "referral":
            raise problems.action_unknown(answers)
        actions.complete(actor, scope, role, answered.id, "referred", note)
    followup = casework.open_by_person(actor, case.case, CaseAction(
        kind="referral_followup", rule=FOLLOWUP_RULE, reason="referral_made",
        instrument=answered.instrument if answered else "",
        risk=answered.risk if answered else "high",
        due=made_on + timedelta(days=settings.programme_for_person(
            case.person_id, programme).periods.referral_followup_days)))
    referral = Referral(case_id=case.id, person_id=case.person_id,
                        action_id=answered.id if answered else None, followup_id=followup.id,
                        facility=facility[:LIMIT], made_on=made_on,
                        appointment_on=made.appointment_on,
                        note=(note or "").strip() or None,
                        created_by_id=actor.id if actor.type == "user" else None)
    db.session.add(referral)
    db.session.flush()
    casework.event(actor, case.case, "referral_made", referral=referral.id, facility=facility,
                   followup=followup.id, due=followup.due.isoformat())
    record_event(actor, "referral.create", "referral", referral.id, case_id=case.id)
    return referral


def record_outcome(actor: Actor, scope: Scope, role: str, case: CaseView, referral_id: int,
                   outcome: Outcome) -> Referral:
    """What came of a referral of ``case``; attendance recorded does its follow-up."""
    attended, result, note = outcome.attended, outcome.result, outcome.note
    referral = db.session.get(Referral, referral_id)
    if referral is None or referral.case_id != case.id:
        raise problems.referral_unknown(referral_id)
    if role not in actions.CLOSING_ROLES:
        raise problems.action_role_refused(role)
    if result is not None and result not in RESULTS:
        raise problems.referral_result_unknown(result, RESULTS)
    referral.attended, referral.attended_on = attended, outcome.attended_on
    referral.result = result
    referral.diagnosis_by = (outcome.diagnosis_by or "").strip()[:LIMIT] or None
    referral.intervention_started = outcome.intervention_started
    referral.intervention_where = (outcome.intervention_where or "").strip()[:LIMIT] or None
    if note and note.strip():  # added to what was noted before, never over it
        referral.note = "\n".join(filter(None, (referral.note, note.strip())))
    referral.updated_at = utcnow()
    followup = db.session.get(CaseAction, referral.followup_id) if referral.followup_id else None
    if attended and followup is not None and followup.is_open:
        actions.complete(actor, scope, role, followup.id, "attended", note)
    casework.event(actor, case.case, "referral_outcome", referral=referral.id,
                   attended=attended, result=result,
                   intervention=outcome.intervention_started)
    record_event(actor, "referral.update", "referral", referral.id, case_id=case.id)
    db.session.flush()
    return referral
