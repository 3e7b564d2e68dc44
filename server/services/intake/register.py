"""Which person a submission is about, and their consent: the registration step of merging.

The person is the edited submission's person (for an edit), the one chosen on the device from
the case list (only within the sender's area: a stale or forged id never reaches another
commune's record), or a new registration in the sender's area with possible duplicates linked.
Registration data that disagrees with the stored person is kept as a conflict for a supervisor,
never written over in silence; only an edit of the submission that registered the person
corrects it, and never moves it out of the sender's area. The consent row is written after its
person.
"""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import (
    AppUser,
    Consent,
    Person,
    RegistrationConflict,
    Screening,
    Submission,
    User,
)
from server.models.person import new_uuid
from server.models.types import utcnow
from server.services.access.scope import scope_of
from server.services.audit import Actor, record_event
from server.services.cases import persons
from server.services.intake.store import Incoming
from sync import Registration, differences, normalise_name


def resolve_person(actor: Actor, submission: Incoming, registration: Registration,
                    previous: Screening | None) -> tuple[Person, bool]:
    """The person this submission is about, and whether it was registered just now."""
    area = submitter_area(submission)
    if previous is not None:
        person = db.session.get(Person, previous.person_id)
        _apply_correction(actor, person, submission, registration, area[1])
        return person, False
    person = _existing(actor, registration.person_id, area[1])
    if person is None:
        return _register(actor, submission, registration, area), True
    _keep_conflict(actor, person, submission, differences(registration, _stored_fields(person)))
    return person, False


def _keep_conflict(actor: Actor, person: Person, submission: Incoming,
                   conflicting: dict[str, tuple[object, object]]) -> None:
    """Registration data that disagrees with the person: both kept, for a supervisor."""
    if not conflicting:
        return
    db.session.add(RegistrationConflict(
        person_id=person.id, submission_id=submission.id,
        fields={k: [_text(a), _text(b)] for k, (a, b) in conflicting.items()}))
    record_event(actor, "person.conflict", "person", person.id,
                 submission_id=submission.id, fields=sorted(conflicting))


def _existing(actor: Actor, person_id: str | None, communes: frozenset[str]) -> Person | None:
    """The person chosen on the device, following merges; None for a new or unknown id, and
    for a person outside the submitter's area (their case list never offers one: a stale or
    forged id must not add a screening to someone else's record)."""
    person = db.session.get(Person, person_id) if person_id else None
    while person is not None and person.merged_into_id is not None:
        person = db.session.get(Person, person.merged_into_id)
    if person is not None and person.commune_code not in communes:
        record_event(actor, "person.out_of_area_reference", "person", person.id)
        return None
    return person


def _stored_fields(person: Person) -> dict[str, object]:
    return {"full_name": person.full_name, "dob": person.dob, "sex": person.sex,
            "caregiver_name": person.caregiver_name, "phone": person.phone,
            "commune": person.commune_code, "village": person.village}


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def submitter_area(submission: Incoming) -> tuple[str, frozenset[str]]:
    """(home commune, communes) of whoever sent the submission: a device's commune, or a staff
    user's area through the API (known already when merging in the request)."""
    if submission.area is not None:
        return submission.area
    if submission.app_user_id is not None:
        commune = db.session.get(AppUser, submission.app_user_id).commune_code
        return commune, frozenset({commune})
    scope = scope_of(db.session.get(User, submission.user_id))
    return scope.commune_code, scope.communes


def _commune_for(registration: Registration, area: tuple[str, frozenset[str]]) -> str:
    """The registration's commune when it is in the submitter's area, else their home commune."""
    home, communes = area
    return registration.commune if registration.commune in communes else home


def _register(actor: Actor, submission: Incoming, registration: Registration,
              area: tuple[str, frozenset[str]]) -> Person:
    fields = registration.fields()
    person = Person(
        id=new_uuid(), full_name=fields["full_name"],
        name_key=normalise_name(fields["full_name"] or "") or None,
        dob=fields["dob"], sex=fields["sex"], caregiver_name=fields["caregiver_name"],
        phone=fields["phone"], commune_code=_commune_for(registration, area),
        village=fields["village"], created_by_app_user_id=submission.app_user_id,
        created_from_submission_id=submission.id)
    db.session.add(person)
    record_event(actor, "person.create", "person", person.id, submission_id=submission.id)
    persons.link_possible_duplicates(actor, person)
    return person


def _apply_correction(actor: Actor, person: Person, submission: Incoming,
                      registration: Registration, communes: frozenset[str]) -> None:
    """An edit of the submission that registered the person corrects the person (within the
    sender's area); any other difference is kept as a conflict, never written over."""
    changed = differences(registration, _stored_fields(person))
    if not changed:
        return
    if not _edits_registration(person, submission):
        _keep_conflict(actor, person, submission, changed)
        return
    if "commune" in changed and changed["commune"][1] not in communes:
        _keep_conflict(actor, person, submission, {"commune": changed.pop("commune")})
    if not changed:
        return
    for name, (_old, new) in changed.items():
        setattr(person, "commune_code" if name == "commune" else name, new)
    person.name_key = normalise_name(person.full_name or "") or None
    person.version += 1
    person.updated_at = utcnow()
    record_event(actor, "person.update", "person", person.id, submission_id=submission.id,
                 fields=sorted(changed))


_CHAIN_LIMIT = 100  # edits of edits followed back to the first version, at most


def _edits_registration(person: Person, submission: Incoming) -> bool:
    """Whether ``submission`` is an edit (of an edit...) of the submission that registered
    ``person``."""
    if person.created_from_submission_id is None:
        return False
    instance_id = submission.deprecated_id
    for _ in range(_CHAIN_LIMIT):
        if instance_id is None:
            return False
        row = db.session.execute(select(Submission.id, Submission.deprecated_id).where(
            Submission.form_id == submission.form_pk,
            Submission.instance_id == instance_id)).first()
        if row is None:
            return False
        if row.id == person.created_from_submission_id:
            return True
        instance_id = row.deprecated_id
    return False


def record_consent(person: Person | None, submission: Incoming, form_id: str, version: str,
                   registration: Registration) -> None:
    """The consent row of a submission (a refusal has no person and keeps nothing else)."""
    consent = registration.consent
    db.session.add(Consent(
        person=person, submission_id=submission.id,
        given=consent.given, given_by=consent.by if person else None,
        relation=consent.relation, method=consent.method, child_assent=consent.child_assent,
        form_id=form_id, form_version=version))
