"""Reading persons and cases within the caller's scope (API and, later, the web UI).

Every query is filtered to the caller's communes; a person outside the scope is "not found",
never "forbidden", so ids reveal nothing. Locked (withdrawn) and merged-away persons are left
out of lists. Reading a person's record is audited.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from server.extensions import db
from server.models import Case, CaseFlag, Person, PersonLink, RegistrationConflict, Screening
from server.problems import Problem
from server.services.audit import Actor, record_event
from server.services.devices import Device
from sync import normalise_name

PAGE_LIMIT = 200


def _visible(scope: Device):
    return (Person.commune_code.in_(scope.communes), Person.locked_at.is_(None),
            Person.merged_into_id.is_(None))


def list_persons(actor: Actor, scope: Device, *, commune: str | None = None,
                 q: str | None = None, limit: int = 50, offset: int = 0) -> list[Person]:
    query = select(Person).where(*_visible(scope)).order_by(Person.name_key, Person.id)
    if commune:
        query = query.where(Person.commune_code == commune)
    if q:
        query = query.where(Person.name_key.contains(normalise_name(q), autoescape=True))
    persons = list(db.session.scalars(query.limit(min(limit, PAGE_LIMIT)).offset(offset)))
    record_event(actor, "person.list", "person", "*", count=len(persons))
    return persons


def get_person(actor: Actor, scope: Device, person_id: str) -> Person:
    person = db.session.scalar(select(Person).where(Person.id == person_id, *_visible(scope)))
    if person is None:
        raise Problem("404.5", person_id=person_id)
    record_event(actor, "person.read", "person", person.id)
    return person


def screenings_of(person: Person) -> list[Screening]:
    return list(db.session.scalars(select(Screening).where(Screening.person_id == person.id)
                                   .order_by(Screening.screened_on, Screening.id)))


def case_of(person: Person) -> Case | None:
    return db.session.scalar(select(Case).where(Case.person_id == person.id))


def possible_duplicates(person: Person) -> list[str]:
    rows = db.session.execute(select(PersonLink.person_id, PersonLink.other_id).where(
        (PersonLink.person_id == person.id) | (PersonLink.other_id == person.id),
        PersonLink.resolved_at.is_(None))).all()
    return sorted({b if a == person.id else a for a, b in rows})


def open_conflicts(person: Person) -> list[RegistrationConflict]:
    """Registration data sent for this person that disagreed with the record (both kept)."""
    return list(db.session.scalars(select(RegistrationConflict).where(
        RegistrationConflict.person_id == person.id,
        RegistrationConflict.resolved_at.is_(None)).order_by(RegistrationConflict.id)))


def list_cases(actor: Actor, scope: Device, *, state: str | None = None,
               flag: str | None = None, due_before: date | None = None,
               limit: int = 100, offset: int = 0) -> list[Case]:
    query = (select(Case).join(Person, Person.id == Case.person_id).where(*_visible(scope))
             .order_by(Case.urgent.desc(), Case.next_action_due.is_(None),
                       Case.next_action_due, Case.id))
    if state:
        query = query.where(Case.state == state)
    if flag:
        query = query.join(CaseFlag, CaseFlag.case_id == Case.id).where(CaseFlag.flag == flag)
    if due_before:
        query = query.where(Case.next_action_due < due_before)
    cases = list(db.session.scalars(query.limit(min(limit, PAGE_LIMIT)).offset(offset)))
    record_event(actor, "case.list", "case", "*", count=len(cases))
    return cases
