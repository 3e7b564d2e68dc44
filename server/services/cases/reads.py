"""Reading persons, cases and the review list within the caller's scope (the API, the pages).

Every query of persons goes through the access room's one rule (``visible(scope)``); a person
outside the scope is "not found", never "forbidden". Reading a person's record is audited.
The review list holds what a supervisor of the commune has to look at: submissions that could
not be merged (``unmergeable``, with their reason) or are held (the person's record is locked),
and refused bodies kept as conflicts (an instanceID reused with different content).
"""

from __future__ import annotations

from sqlalchemy import literal, select, union_all
from sqlalchemy.orm import contains_eager

from server import problems, programme
from server.extensions import db
from server.models import (
    Case,
    CaseEvent,
    Consent,
    Form,
    Person,
    PersonLink,
    Referral,
    RegistrationConflict,
    Screening,
    Submission,
    SubmissionConflict,
)
from server.models.submission import REVIEW_STATES
from server.services.access.scope import Scope, visible, visible_persons
from server.services.audit import Actor, record_event
from server.services.cases import casework, worklist
from sync import normalise_name

PAGE_LIMIT = 200


def list_persons(actor: Actor, scope: Scope, *, commune: str | None = None,
                 q: str | None = None, limit: int = 50, offset: int = 0) -> list[Person]:
    query = visible_persons(scope).order_by(Person.name_key, Person.id)
    if commune:
        query = query.where(Person.commune_code == commune)
    if q:
        query = query.where(Person.name_key.contains(normalise_name(q), autoescape=True))
    persons = list(db.session.scalars(query.limit(min(limit, PAGE_LIMIT)).offset(offset)))
    record_event(actor, "person.list", "person", "*", count=len(persons))
    return persons


def get_person(actor: Actor, scope: Scope, person_id: str) -> Person:
    person = db.session.scalar(visible_persons(scope).where(Person.id == person_id))
    if person is None:
        raise problems.person_unknown(person_id)
    record_event(actor, "person.read", "person", person.id)
    return person


def get_case(actor: Actor, scope: Scope, case_id: int) -> worklist.CaseView:
    """A case whose person ``scope`` sees, as the worklist shows it; reading it is audited.
    Outside the scope it does not exist (the same 404 as an unknown number)."""
    case = case_in_scope(scope, case_id)
    record_event(actor, "case.read", "case", case.id, person_id=case.person_id)
    return case


def case_in_scope(scope: Scope, case_id: int) -> worklist.CaseView:
    """``get_case`` without its audit row: for a change, which is audited itself."""
    case = db.session.scalar(select(Case).join(Person, Person.id == Case.person_id)
                             .where(Case.id == case_id, *visible(scope)))
    if case is None:
        raise problems.case_unknown(case_id)
    return worklist.views([case], programme.today())[0]


def events_of(case: Case) -> list[CaseEvent]:
    """The case's history, newest first (with events of this transaction not yet written)."""
    casework.write_events(db.session)
    return list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                   .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())))


def referrals_of(case: Case) -> list[Referral]:
    return list(db.session.scalars(select(Referral).where(Referral.case_id == case.id)
                                   .order_by(Referral.made_on.desc(), Referral.id.desc())))


def consents_of(person: Person) -> list[Consent]:
    return list(db.session.scalars(select(Consent).where(Consent.person_id == person.id)
                                   .order_by(Consent.recorded_at.desc())))


def screenings_of(person: Person) -> list[Screening]:
    return list(db.session.scalars(select(Screening).where(Screening.person_id == person.id)
                                   .order_by(Screening.screened_on, Screening.id)))


def case_of(person: Person) -> worklist.CaseView | None:
    """The person's case as the worklist shows it, with every action (open and closed)."""
    case = db.session.scalar(select(Case).where(Case.person_id == person.id))
    return None if case is None else worklist.views([case], programme.today())[0]


def duplicates_in_scope(scope: Scope, person: Person, actor: Actor | None = None
                        ) -> list[Person]:
    """The possible duplicates of ``person`` the caller may see; with ``actor``, shown to
    them side by side, so each read is audited."""
    ids = possible_duplicates(person)
    found = list(db.session.scalars(visible_persons(scope).where(Person.id.in_(ids))
                                    .order_by(Person.id))) if ids else []
    for other in found if actor is not None else ():
        record_event(actor, "person.read", "person", other.id, as_duplicate_of=person.id)
    return found


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


def list_cases(actor: Actor, scope: Scope, filters: worklist.Filters, *, limit: int = 100,
               offset: int = 0) -> list[worklist.CaseView]:
    """The caller's worklist (``worklist.py`` for its order and its filters), with each
    case's open actions."""
    today = programme.today()
    query = worklist.worklist(scope, today, filters).options(contains_eager(Case.person))
    cases = list(db.session.scalars(query.limit(min(limit, PAGE_LIMIT)).offset(offset)))
    record_event(actor, "case.list", "case", "*", count=len(cases))
    return worklist.views(cases, today)


def worklist_page(actor: Actor, scope: Scope, filters: worklist.Filters, *, limit: int,
                  offset: int) -> tuple[list[worklist.CaseView], dict[str, int]]:
    """A page of the caller's worklist and the counts of the whole list, in one query
    (``counts`` only for a page past the end)."""
    today = programme.today()
    query = worklist.with_counts(scope, today, filters).options(contains_eager(Case.person))
    rows = db.session.execute(query.limit(min(limit, PAGE_LIMIT)).offset(offset)).all()
    record_event(actor, "case.list", "case", "*", count=len(rows))
    counted = {"total": rows[0].total, "urgent": int(rows[0].urgent),
               "overdue": int(rows[0].overdue)} if rows else \
        worklist.counts(scope, today, filters)
    return worklist.views([row[0] for row in rows], today), counted


def list_reviews(actor: Actor, scope: Scope, *, limit: int = 100,
                 offset: int = 0) -> list[dict]:
    """Submissions and kept conflicts of the caller's communes that need a supervisor."""
    submissions = (
        select(Submission.merge_state.label("kind"), Submission.id, Form.xml_form_id,
               Submission.instance_id, Submission.received_at, Submission.merge_error,
               Submission.commune_code, Submission.merge_attempts)
        .join(Form, Form.id == Submission.form_id)
        .where(Submission.merge_state.in_(REVIEW_STATES),
               Submission.commune_code.in_(scope.communes)))
    conflicts = (
        select(literal("conflict").label("kind"), SubmissionConflict.id, Form.xml_form_id,
               SubmissionConflict.instance_id, SubmissionConflict.received_at,
               SubmissionConflict.reason, SubmissionConflict.commune_code, literal(0))
        .join(Form, Form.id == SubmissionConflict.form_id)
        .where(SubmissionConflict.commune_code.in_(scope.communes)))
    both = union_all(submissions, conflicts).subquery()
    rows = db.session.execute(select(both).order_by(both.c.received_at.desc(), both.c.id)
                              .limit(min(limit, PAGE_LIMIT)).offset(offset)).all()
    record_event(actor, "review.list", "submission", "*", count=len(rows))
    names = ("kind", "id", "form_id", "instance_id", "received_at", "reason", "commune",
             "attempts")
    return [dict(zip(names, row, strict=True)) for row in rows]
