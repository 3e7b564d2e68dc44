"""Which commune-years a flush makes dirty: the one shared hook for every write path.

``register`` listens to every INSERT and UPDATE the ORM flushes of screenings, actions and
referrals, and every UPDATE of a person, whatever service changed them (merging a
submission, an edit, re-scoring, closing or cancelling work, recording a referral or its
outcome, a call, merging persons, a withdrawal of consent, a registration correction), and
marks the communes and years whose cells they may change (``aggregates.mark_dirty``). It
over-marks rather than under-marks: a needless recompute costs a few queries, a missed one a
wrong dashboard. On the merge path it reads only objects the session already holds.
Submissions are stored with a Core INSERT, so ``intake/store.py`` marks them itself.
Nothing here writes the database.
"""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import attributes, object_session

from server.models import CaseAction, Person, Referral, Screening
from server.programme import local_date, today
from server.services.programme import aggregates

#: person fields that move counts between communes or cells, or hide them
PERSON_FIELDS = ("commune_code", "merged_into_id", "locked_at", "sex", "dob")


#: (model, event name, listener) as registered, so a benchmark can time them
LISTENERS: list[tuple[type, str, object]] = []


def register() -> None:
    """Listen to the flushes of the four models (once per process): mapper events cost
    nothing to a flush that writes none of them."""
    for model, handler in ((Screening, _screening), (CaseAction, _action),
                           (Referral, _referral)):
        LISTENERS.append((model, "after_insert", _hook(handler)))
        LISTENERS.append((model, "after_update", _hook(handler)))
    LISTENERS.append((Person, "after_update", _hook(_person)))  # a new one has no records yet
    for model, name, listener in LISTENERS:
        event.listen(model, name, listener)


def _hook(handler):
    def run(_mapper, _connection, target) -> None:
        if aggregates.marking:
            handler(object_session(target), target)
    return run


def _commune(session, person_id: str | None) -> str | None:
    person = session.get(Person, person_id) if person_id else None
    return person.commune_code if person is not None else None


def _screening(session, screening: Screening) -> None:
    person = screening.person or session.get(Person, screening.person_id)
    aggregates.mark_dirty(person.commune_code, screening.screened_on.year, session)


def _action(session, action: CaseAction) -> None:
    """Safety contacts count in the month they were opened; positives and Follow-Ups in
    their screening's."""
    commune = _commune(session, action.person_id)
    opened = local_date(action.opened_at) if action.opened_at else today()
    aggregates.mark_dirty(commune, opened.year, session)
    screening = session.get(Screening, action.screening_id) if action.screening_id else None
    if screening is not None:
        aggregates.mark_dirty(commune, screening.screened_on.year, session)


def _referral(session, referral: Referral) -> None:
    """A referral counts in the month it was made and for each earlier positive of the
    person (the years of their screenings up to it)."""
    commune = _commune(session, referral.person_id)
    made = [d for d in (referral.made_on, *attributes.get_history(referral, "made_on").deleted)
            if d is not None]
    for year in {d.year for d in made} | _years(session, referral.person_id, max(made)):
        aggregates.mark_dirty(commune, year, session)


def _person(session, person: Person) -> None:
    """A merge, a withdrawal or a correction (commune, sex, birth date): every year of the
    person's records, in the communes before and after, and for a merge the kept person's."""
    changed = attributes.instance_state(person).committed_state.keys() & set(PERSON_FIELDS)
    if not changed:
        return
    communes = {person.commune_code,
                *attributes.get_history(person, "commune_code").deleted}
    years = _years(session, person.id)
    if person.merged_into_id is not None:
        kept = session.get(Person, person.merged_into_id)
        communes.add(kept.commune_code)
        years |= _years(session, kept.id)
    for commune in communes:
        for year in years:
            aggregates.mark_dirty(commune, year, session)


def _years(session, person_id: str, until=None) -> set[int]:
    """The years of a person's screenings (up to ``until``), referrals and actions."""
    query = select(Screening.screened_on).where(Screening.person_id == person_id)
    if until is not None:
        return {d.year for d in session.scalars(query.where(Screening.screened_on <= until))}
    found = {d.year for d in session.scalars(query)}
    found |= {d.year for d in session.scalars(
        select(Referral.made_on).where(Referral.person_id == person_id))}
    found |= {local_date(at).year for at in session.scalars(
        select(CaseAction.opened_at).where(CaseAction.person_id == person_id))}
    return found

