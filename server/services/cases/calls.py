"""Intake without a screening: a hotline call or a walk-in opens a person and a case.

The provinces' social-work centres run hotlines, and families walk into commune health
stations; neither starts with a questionnaire. A supervisor (coordinator, admin) records the
person (registered in a commune of their area, linked to possible duplicates as a device's
registration is), the concern in the caller's words, how it came (``CHANNELS``) and who called,
and the first work to do: a same-day safety contact (urgent, announced like the pathway's),
an assessment, a referral or an intake follow-up, due on the day they choose. It is the same
person and case a later screening joins (the collaborator picks the person from the device's
case list). A call about someone already registered (``person_id``, from their case page)
joins their case instead of registering anyone. The concern and the caller stay in the case
file and on the first action (shown to staff and to a collaborator the work is given to); the
audit rows name neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from server import problems
from server.extensions import db
from server.inputs import check_length
from server.models import Case, CaseAction, Person
from server.models.person import new_uuid
from server.services.access.scope import Scope, visible_persons
from server.services.audit import Actor, record_event
from server.services.cases import actions, casework, persons
from sync import FIELD_LIMITS, normalise_name

CHANNELS = ("hotline", "walk_in", "referred_in", "other")
FIRST_KINDS = ("safety_contact", "assessment", "referral", "intake")
RULE = "intake.first"
CONCERN_LIMIT = 4000
ECHOED = 40  # at most this much of a refused value is said back


@dataclass(frozen=True)
class Call:
    """What the person taking a call or a walk-in writes down."""

    channel: str
    concern: str
    caller: str
    full_name: str
    dob: date | None
    sex: str | None
    caregiver_name: str | None
    phone: str | None
    commune: str
    village: str | None
    first_kind: str
    due: date
    person_id: str | None = None  # a call about someone already registered


def take(actor: Actor, scope: Scope, role: str, call: Call) -> Case:
    """Register the person of ``call`` (or find the one it is about) and open their case's
    first action for it."""
    if role not in actions.CLOSING_ROLES:
        raise problems.action_role_refused(role)
    _check_call(call)
    if call.person_id is not None:
        person = db.session.scalar(visible_persons(scope).where(Person.id == call.person_id))
        if person is None:
            raise problems.person_unknown(call.person_id[:ECHOED])
        return _open(actor, casework.case_of(actor, person), call)
    _check_person(scope, call)
    person = Person(
        id=new_uuid(), full_name=call.full_name.strip(),
        name_key=normalise_name(call.full_name) or None, dob=call.dob, sex=call.sex or None,
        caregiver_name=(call.caregiver_name or "").strip() or None,
        phone=(call.phone or "").strip() or None, commune_code=call.commune,
        village=(call.village or "").strip() or None)
    db.session.add(person)
    db.session.flush()
    record_event(actor, "person.create", "person", person.id, channel=call.channel)
    persons.link_possible_duplicates(actor, person)
    return _open(actor, casework.case_of(actor, person, new=True), call)


def _open(actor: Actor, case: Case, call: Call) -> Case:
    """The call's event and first action on ``case``."""
    casework.event(actor, case, "intake", reason=call.concern.strip(), channel=call.channel,
                   caller=call.caller.strip() or None)
    casework.open_by_person(actor, case, CaseAction(
        kind=call.first_kind, rule=RULE, reason=f"intake_{call.channel}", instrument="",
        risk="urgent" if call.first_kind == "safety_contact" else "none",
        urgent=call.first_kind == "safety_contact", due=call.due,
        instructions=call.concern.strip()))
    return case


def _check_call(call: Call) -> None:
    if call.channel not in CHANNELS:
        raise problems.intake_channel_unknown(call.channel[:ECHOED], CHANNELS)
    if call.first_kind not in FIRST_KINDS:
        raise problems.intake_kind_unknown(call.first_kind[:ECHOED], FIRST_KINDS)
    if not call.concern.strip():
        raise problems.text_missing()
    check_length("concern", call.concern, CONCERN_LIMIT)
    check_length("caller", call.caller, 200)


def _check_person(scope: Scope, call: Call) -> None:
    if not call.full_name.strip():
        raise problems.text_missing()
    if not scope.covers_commune(call.commune):
        raise problems.commune_outside_area(call.commune[:ECHOED])
    for field in ("full_name", "caregiver_name", "phone", "village", "sex"):
        check_length(field, getattr(call, field), FIELD_LIMITS[field])
