"""Merging a stored submission into the person's screening record.

Runs in the request, right after the raw submission is stored (``receive.py``), and again from
the retry job when it failed (``retry.py``). Steps (sync decides, screening_tools scores):
consent -> which person and their consent row (``register.py``) -> the programme's settings in
force for the person's province (``programme/settings.py``: one read) -> score -> screening (an edit
supersedes the screening it replaces) -> the work the pathway opens on the person's case
(``cases/casework.py``) -> audit. A submission without consent
keeps only the refusal. ``merge_receipt`` is what ``receive`` calls: a failure becomes
``MergeFailed``, permanent when the submission itself can never be merged as sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update

import screening_tools
from server.extensions import db
from server.models import (
    FormVersion,
    Person,
    Screening,
    Submission,
)
from server.models.types import utcnow
from server.programme import Programme, local_date, table_label
from server.services.audit import Actor, record_event
from server.services.cases import casework
from server.services.intake import register
from server.services.intake.store import Incoming, Receipt
from server.services.ops.job_runs import describe_error
from server.services.programme import settings
from sync import (
    Binding,
    ScreeningOutcome,
    SyncError,
    pathway,
    read_registration,
    score_instance,
)
from sync.interview import InterviewDate, interview_date

log = logging.getLogger("sangloc.intake")


@dataclass(frozen=True)
class MergeResult:
    # merged | refused (no consent) | held (person locked) | failed (retried later) |
    # unmergeable (kept for a supervisor)
    state: str
    outcome: ScreeningOutcome | None = None
    actions: tuple[pathway.Planned, ...] = ()  # what this result calls for


class MergeFailed(Exception):
    """Merging failed; ``error`` is a short description without personal data, ``permanent``
    says the submission can never be merged as it was sent."""

    def __init__(self, error: str, *, permanent: bool):
        super().__init__(error)
        self.error = error
        self.permanent = permanent

    @classmethod
    def of(cls, exc: BaseException) -> MergeFailed:
        return cls(describe_error(exc), permanent=isinstance(exc, SyncError))


def merge_receipt(actor: Actor, receipt: Receipt,
                  config: Programme) -> MergeResult | None:
    """Merge a new or edited scored submission; repeat the result for a resubmission."""
    if not receipt.target.scored:
        return None
    if receipt.outcome == "duplicate":
        return result_for(receipt.submission_id, config)
    target = receipt.target
    ref = FormRef(target.form_id, target.version, Binding.from_data(target.binding))
    try:
        return merge_submission(actor, receipt.incoming, config, ref)
    except Exception as exc:
        # the log gets the kind of error only: messages may quote a submitted value
        log.error("merging submission %s failed: %s %s", receipt.submission_id,
                  type(exc).__name__, getattr(exc, "code", ""))
        raise MergeFailed.of(exc) from exc


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
    config = settings.programme_for_commune(person.commune_code, config)
    return MergeResult("merged", outcome,
                       tuple(casework.plan_for(screening, outcome, person.dob, config)))


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
        register.record_consent(None, submission, version.form_id, version.version,
                                registration)
        _set_state(submission, "merged")
        return MergeResult("refused")
    previous = _replaced_screening(submission)
    person, created = register.resolve_person(actor, submission, registration, previous)
    if not person.active:
        _set_state(submission, "held", "person_locked")
        return MergeResult("held")
    register.record_consent(person, submission, version.form_id, version.version, registration)
    # settings only: the new rows wait for the screening's flush
    config = settings.programme_for_commune(person.commune_code, config, unflushed=True)
    interview = interview_date(binding, values, received_on=_first_receipt(submission, previous),
                               max_days=config.interview_max_age_days)
    dob = person.dob or registration.dob
    outcome = score_instance(binding, values, screening_date=interview.on, dob=dob,
                             thresholds=config.thresholds)
    row = _screening_row(submission, version, interview, person, outcome, config, dob)
    started = casework.start_case(person, row) if created else None
    screening = _add_screening(actor, row, person, previous, created)
    planned = casework.plan_for(screening, outcome, dob, config)
    casework.apply_screening(actor, person, screening, planned, previous=previous,
                             new_person=created, started=started)
    _set_state(submission, "merged")
    return MergeResult("merged", outcome, tuple(planned))


def _first_receipt(submission: Incoming, previous: Screening | None) -> date:
    """The day the interview was first received: an edit keeps the form's first ``start``."""
    first = submission.received_at
    while previous is not None:
        first = db.session.scalar(select(Submission.received_at).where(
            Submission.id == previous.submission_id))
        previous = db.session.scalar(select(Screening).where(
            Screening.superseded_by_id == previous.id))
    return local_date(first)


def _replaced_screening(submission: Incoming) -> Screening | None:
    """For an edit: the screening of the submission it supersedes."""
    if not submission.deprecated_id:
        return None
    old = db.session.scalar(select(Submission.id).where(
        Submission.form_id == submission.form_pk,
        Submission.instance_id == submission.deprecated_id))
    return db.session.scalar(select(Screening).where(Screening.submission_id == old))


def _screening_row(submission: Incoming, version: FormRef, interview: InterviewDate,
                   person: Person, outcome: ScreeningOutcome, config: Programme,
                   dob: date | None) -> Screening:
    result = outcome.result or {}
    today = interview.on
    return Screening(
        person=person, submission_id=submission.id,
        instrument=outcome.instrument_id, form_id=version.form_id,
        form_version=version.version, instance_id=submission.instance_id, screened_on=today,
        date_source=interview.source, date_refused=interview.refused,
        age_months=outcome.age_months, age_years=outcome.age_years,
        outside_age_range=outcome.outside_age_range, answers=outcome.answers,
        followup=outcome.followup, result=outcome.result, error=outcome.error,
        total=result.get("total"), band=result.get("band"), flags=list(outcome.flags),
        risk=pathway.risk_of(outcome, on=today, dob=dob, table=config.thresholds,
                             date_refused=interview.refused),
        thresholds=result.get("thresholds") or table_label(config.thresholds),
        rules_version=result.get("rules_version")
        or screening_tools.get_instrument(outcome.instrument_id).rules_version,
        device_total=outcome.device_total, device_disagrees=outcome.device_disagrees)


def _add_screening(actor: Actor, screening: Screening, person: Person,
                   previous: Screening | None, new_person: bool) -> Screening:
    db.session.add(screening)
    db.session.flush()
    if previous is not None:
        previous.superseded_by_id = screening.id
    if not new_person:  # the case list shows the last screening: a new version of the row
        person.version += 1
        person.updated_at = utcnow()
    record_event(actor, "screening.create", "screening", screening.id, person_id=person.id,
                 instrument=screening.instrument,
                 replaces=previous.id if previous else None)
    return screening
