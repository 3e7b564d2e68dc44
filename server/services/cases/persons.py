"""A supervisor's changes to the person register: consent withdrawal and merging duplicates.

Withdrawal locks the person (no new screenings, left out of lists, case lists and exports);
the record is kept only as the law allows (vietnam.md §6). Merging keeps both histories: the
other person's screenings and actions (open or closed) move to the kept person's case, the
other record points to it, and the possible-duplicate link is resolved. No open work is lost.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from server import problems
from server.extensions import db
from server.models import Case, CaseAction, Consent, Person, PersonLink, Screening
from server.models.types import utcnow
from server.services.audit import Actor, record_event
from server.services.cases import casework


def _person(person_id: str) -> Person:
    person = db.session.get(Person, person_id)
    if person is None:
        raise problems.person_unknown(person_id)
    return person


def withdraw_consent(actor: Actor, person_id: str, reason: str) -> Person:
    if not reason.strip():
        raise problems.reason_missing()
    person = _person(person_id)
    now = utcnow()
    if person.locked_at is None:
        person.locked_at = now
        person.version += 1
        person.updated_at = now
        db.session.execute(update(Consent).where(
            Consent.person_id == person.id, Consent.withdrawn_at.is_(None)).values(
            withdrawn_at=now, withdrawn_by=actor.id if actor.type == "user" else None,
            withdrawal_reason=reason))
        record_event(actor, "person.withdraw_consent", "person", person.id)
        db.session.flush()
    return person


def merge_persons(actor: Actor, keep_id: str, other_id: str) -> Person:
    """Merge ``other`` into ``keep``; both histories and every action are kept."""
    if keep_id == other_id:
        raise problems.person_merge_same()
    keep, other = _person(keep_id), _person(other_id)
    if not keep.active or not other.active:
        raise problems.person_merge_inactive()
    moved = db.session.execute(update(Screening).where(Screening.person_id == other.id)
                               .values(person_id=keep.id)).rowcount
    other.merged_into_id = keep.id
    now = utcnow()
    for person in (keep, other):
        person.version += 1
        person.updated_at = now
    for link in db.session.scalars(select(PersonLink).where(
            ((PersonLink.person_id == keep.id) & (PersonLink.other_id == other.id))
            | ((PersonLink.person_id == other.id) & (PersonLink.other_id == keep.id)))):
        link.resolved_at, link.resolution = now, "merged"
    record_event(actor, "person.merge", "person", keep.id, merged=other.id, screenings=moved)
    db.session.flush()
    other_case = db.session.scalar(select(Case).where(Case.person_id == other.id))
    if other_case is not None:
        keep_case = casework.case_of(actor, keep)
        still_open = db.session.scalar(select(func.count(CaseAction.id)).where(
            CaseAction.case_id == other_case.id, CaseAction.state == "open"))
        moved_actions = db.session.execute(
            update(CaseAction).where(CaseAction.case_id == other_case.id)
            .values(case_id=keep_case.id, person_id=keep.id, updated_at=now)).rowcount
        casework.event(actor, keep_case, "merged", reason=f"merged {other.id}",
                       actions=moved_actions)
        keep_case.updated_at = now
        if keep_case.state == "closed" and still_open:
            keep_case.state = "new"
        casework.set_case_state(actor, other_case.id, "closed", f"merged into {keep.id}")
        db.session.expire(keep_case, ["actions"])
    return keep
