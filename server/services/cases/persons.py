"""A supervisor's changes to the person register: consent withdrawal, duplicates, conflicts.

Withdrawal locks the person (no new screenings, left out of lists, case lists and exports);
the record is kept only as the law allows (vietnam.md §6). Merging keeps both histories: the
other person's screenings, actions (open or closed), referrals, comments and open registration
differences move to the kept person and case, the other record points to it, and the
possible-duplicate link is resolved. No open work is lost.
Two records found to be different people are marked ``distinct`` (the link is resolved and
not raised again by the same pair). A registration conflict (data a submission sent that
disagreed with the record, both kept) is resolved by keeping the record or taking the new
values; a new commune is taken only within the supervisor's area.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, func, select, update

from server import problems
from server.extensions import db
from server.models import (
    Case,
    CaseAction,
    CaseComment,
    Consent,
    Person,
    PersonLink,
    Referral,
    RegistrationConflict,
    Screening,
)
from server.models.types import utcnow
from server.services.access.scope import Scope
from server.services.audit import Actor, record_event
from server.services.cases import casework
from sync import duplicate_key, normalise_name


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
    db.session.execute(update(RegistrationConflict).where(
        RegistrationConflict.person_id == other.id,
        RegistrationConflict.resolved_at.is_(None)).values(person_id=keep.id))
    other.merged_into_id = keep.id
    now = utcnow()
    for person in (keep, other):
        person.version += 1
        person.updated_at = now
    _resolve_links(keep.id, other.id, "merged")
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
        for model in (Referral, CaseComment):  # the case file follows the person
            values = {"case_id": keep_case.id}
            if model is Referral:
                values["person_id"] = keep.id
            db.session.execute(update(model).where(model.case_id == other_case.id)
                               .values(**values))
        casework.event(actor, keep_case, "merged", reason=f"merged {other.id}",
                       actions=moved_actions)
        keep_case.updated_at = now
        if keep_case.state == "closed" and still_open:
            keep_case.state = "new"
        casework.set_case_state(actor, other_case.id, "closed", f"merged into {keep.id}")
        db.session.expire(keep_case, ["actions"])
    return keep


_persons = Person.__table__
_SAME_KEY = select(_persons.c.id).where(
    _persons.c.commune_code == bindparam("commune_code"), _persons.c.dob == bindparam("dob"),
    _persons.c.name_key == bindparam("name_key"), _persons.c.id != bindparam("person_id"),
    _persons.c.merged_into_id.is_(None))


def link_possible_duplicates(actor: Actor, person: Person) -> None:
    """Link a new person to the records of their commune with the same birth date and name."""
    key = duplicate_key(person.commune_code, person.dob, person.full_name)
    if key is None:
        return
    # on the session's connection, without a flush: the new person is inserted with the rows
    # that follow (a Core statement built once: this runs on every new person)
    others = db.session.connection().execute(_SAME_KEY, {
        "commune_code": person.commune_code, "dob": person.dob, "name_key": person.name_key,
        "person_id": person.id}).scalars().all()
    for other in others:
        db.session.add(PersonLink(person_id=person.id, other_id=other))
        record_event(actor, "person.possible_duplicate", "person", person.id, other_id=other)


def _resolve_links(one: str, other: str, resolution: str) -> int:
    """Resolve the possible-duplicate links between two persons; how many there were."""
    links = list(db.session.scalars(select(PersonLink).where(
        PersonLink.resolved_at.is_(None),
        ((PersonLink.person_id == one) & (PersonLink.other_id == other))
        | ((PersonLink.person_id == other) & (PersonLink.other_id == one)))))
    for link in links:
        link.resolved_at, link.resolution = utcnow(), resolution
    return len(links)


def mark_distinct(actor: Actor, person_id: str, other_id: str) -> None:
    """Two records a possible-duplicate link joined are different people."""
    if not _resolve_links(person_id, other_id, "distinct"):
        raise problems.duplicate_unknown()
    record_event(actor, "person.distinct", "person", person_id, other=other_id)
    db.session.flush()


_FIELDS = {"full_name": "full_name", "dob": "dob", "sex": "sex",
           "caregiver_name": "caregiver_name", "phone": "phone", "commune": "commune_code",
           "village": "village"}


def resolve_conflict(actor: Actor, scope: Scope, person: Person, conflict_id: int,
                     take_new: bool) -> RegistrationConflict:
    """Keep the record as it is, or take the values the submission sent."""
    conflict = db.session.get(RegistrationConflict, conflict_id)
    if conflict is None or conflict.person_id != person.id or conflict.resolved_at is not None:
        raise problems.conflict_unknown(conflict_id)
    if take_new:
        sent = {name: values[1] for name, values in conflict.fields.items() if name in _FIELDS}
        if "commune" in sent and not scope.covers_commune(sent["commune"]):
            raise problems.commune_outside_area(sent["commune"] or "")
        for name, value in sent.items():
            setattr(person, _FIELDS[name],
                    date.fromisoformat(value) if name == "dob" and value else value)
        person.name_key = normalise_name(person.full_name or "") or None
        person.version += 1
        person.updated_at = utcnow()
    conflict.resolved_at = utcnow()
    conflict.resolution = "taken" if take_new else "kept"
    conflict.resolved_by_id = actor.id if actor.type == "user" else None
    record_event(actor, "person.conflict_resolved", "person", person.id,
                 conflict_id=conflict.id, resolution=conflict.resolution,
                 fields=sorted(conflict.fields))
    db.session.flush()
    return conflict
