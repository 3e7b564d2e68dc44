"""Merging a stored submission into the person's screening record.

Runs in the request, right after the raw submission is stored (``receive.py``), and
again from the retry job when it failed. Steps (sync decides, screening_tools scores):
consent -> which person (existing from the case list, the edited submission's person, or a new
registration with possible duplicates linked) -> consent row -> score -> screening (an edit
supersedes the screening it replaces) -> case re-derived -> audit. A submission without consent
keeps only the refusal. Registration data that disagrees with the stored person is kept as a
conflict for a supervisor, never written over in silence; only an edit of the submission that
registered the person corrects it, and never moves it out of the sender's area.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update

import screening_tools
from server.extensions import db
from server.models import (
    AppUser,
    Consent,
    FormVersion,
    Person,
    PersonLink,
    RegistrationConflict,
    Screening,
    Submission,
    User,
)
from server.models.person import new_uuid
from server.models.types import utcnow
from server.programme import Programme, local_date, table_label
from server.services.access.scope import scope_of
from server.services.audit import Actor, record_event
from server.services.cases import casework
from server.services.intake.store import Incoming
from sync import (
    Action,
    Binding,
    Registration,
    ScreeningOutcome,
    actions_for,
    differences,
    duplicate_key,
    normalise_name,
    read_registration,
    score_instance,
)


@dataclass(frozen=True)
class MergeResult:
    # merged | refused (no consent) | held (person locked) | failed (retried later) |
    # unmergeable (kept for a supervisor)
    state: str
    outcome: ScreeningOutcome | None = None
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class FormRef:
    """The published form version a submission belongs to, as merging needs it."""

    form_id: str
    version: str
    binding: Binding

    @classmethod
    def of(cls, version: FormVersion) -> FormRef:
        return cls(version.form.xml_form_id, version.version, Binding.from_data(version.binding))


def result_for(submission_id: int, config: Programme) -> MergeResult:
    """The result a stored submission gave (repeated to a device that resends it): its
    screening's, or its merge state (merged without a screening: consent was refused)."""
    screening = db.session.scalar(select(Screening).where(
        Screening.submission_id == submission_id))
    if screening is None:
        state = db.session.scalar(select(Submission.merge_state).where(
            Submission.id == submission_id))
        return MergeResult("refused" if state == "merged" else state)
    outcome = casework.outcome_of(screening)
    person = db.session.get(Person, screening.person_id)
    actions = actions_for(outcome, screening_date=screening.screened_on, dob=person.dob,
                          config=config.rules)
    return MergeResult("merged", outcome, tuple(actions))


def _set_state(submission: Incoming, state: str, error: str | None = None) -> None:
    """Record the merge state, with one UPDATE only when it differs from the stored one."""
    if (state, error) != (submission.merge_state, None):
        db.session.execute(update(Submission).where(Submission.id == submission.id)
                           .values(merge_state=state, merge_error=error))


def merge_submission(actor: Actor, submission: Incoming, config: Programme,
                     ref: FormRef | None = None) -> MergeResult:
    """Turn one stored, scored-form submission into person, consent, screening and case."""
    version = ref or FormRef.of(db.session.get(FormVersion, submission.form_version_id))
    binding = version.binding
    values = submission.values
    registration = read_registration(binding, values)
    if not registration.consent.given:
        _add_consent(None, submission, version, registration)
        _set_state(submission, "merged")
        return MergeResult("refused")
    previous = _replaced_screening(submission)
    person, created = _resolve_person(actor, submission, registration, previous)
    if not person.active:
        _set_state(submission, "held", "person_locked")
        return MergeResult("held")
    _add_consent(person, submission, version, registration)
    today = local_date(submission.received_at)
    outcome = score_instance(binding, values, screening_date=today,
                             dob=person.dob or registration.dob, thresholds=config.thresholds)
    step = _Merging(actor, submission, version, today, config.thresholds)
    screening = _add_screening(step, person, outcome, previous, created)
    casework.refresh_case(actor, person, config.rules, today,
                       only=screening if created else None)
    _set_state(submission, "merged")
    actions = actions_for(outcome, screening_date=today, dob=person.dob or registration.dob,
                          config=config.rules)
    return MergeResult("merged", outcome, tuple(actions))


def _replaced_screening(submission: Incoming) -> Screening | None:
    """For an edit: the screening of the submission it supersedes."""
    if not submission.deprecated_id:
        return None
    old = db.session.scalar(select(Submission.id).where(
        Submission.form_id == submission.form_pk,
        Submission.instance_id == submission.deprecated_id))
    return db.session.scalar(select(Screening).where(Screening.submission_id == old))


def _resolve_person(actor: Actor, submission: Incoming, registration: Registration,
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
    _link_possible_duplicates(actor, person)
    return person


def _link_possible_duplicates(actor: Actor, person: Person) -> None:
    key = duplicate_key(person.commune_code, person.dob, person.full_name)
    if key is None:
        return
    others = db.session.scalars(select(Person.id).where(
        Person.commune_code == person.commune_code, Person.dob == person.dob,
        Person.name_key == person.name_key, Person.id != person.id,
        Person.merged_into_id.is_(None)))
    for other in others:
        db.session.add(PersonLink(person_id=person.id, other_id=other))
        record_event(actor, "person.possible_duplicate", "person", person.id, other_id=other)


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


def _add_consent(person: Person | None, submission: Incoming, version: FormRef,
                 registration: Registration) -> None:
    consent = registration.consent
    db.session.add(Consent(
        person=person, submission_id=submission.id,
        given=consent.given, given_by=consent.by if person else None,
        relation=consent.relation, method=consent.method, child_assent=consent.child_assent,
        form_id=version.form_id, form_version=version.version))


@dataclass(frozen=True)
class _Merging:
    """What every step of one merge knows."""

    actor: Actor
    submission: Incoming
    version: FormRef
    today: date
    thresholds: str


def _add_screening(step: _Merging, person: Person, outcome: ScreeningOutcome,
                   previous: Screening | None, new_person: bool) -> Screening:
    actor, submission, version, today = step.actor, step.submission, step.version, step.today
    result = outcome.result or {}
    screening = Screening(
        person=person, submission_id=submission.id, commune_code=person.commune_code,
        instrument=outcome.instrument_id, form_id=version.form_id,
        form_version=version.version, instance_id=submission.instance_id, screened_on=today,
        age_months=outcome.age_months, age_years=outcome.age_years,
        outside_age_range=outcome.outside_age_range, answers=outcome.answers,
        followup=outcome.followup, result=outcome.result, error=outcome.error,
        total=result.get("total"), band=result.get("band"), flags=list(outcome.flags),
        thresholds=result.get("thresholds") or table_label(step.thresholds),
        rules_version=result.get("rules_version")
        or screening_tools.get_instrument(outcome.instrument_id).rules_version,
        device_total=outcome.device_total, device_disagrees=outcome.device_disagrees)
    db.session.add(screening)
    db.session.flush()
    if previous is not None:
        previous.superseded_by_id = screening.id
    if not new_person:  # the case list shows the last screening: a new version of the row
        person.version += 1
        person.updated_at = utcnow()
    record_event(actor, "screening.create", "screening", screening.id, person_id=person.id,
                 instrument=outcome.instrument_id, replaces=previous.id if previous else None)
    return screening
