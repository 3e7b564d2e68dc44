"""A test-fill of a form: score one instance as merging would, and store nothing.

A coordinator fills a form in the browser (ODK Web Forms, ``server/ui/form_trial.py``) before
devices get it; :func:`score_trial` answers what the server would make of that instance: the
instrument scored, the total, subscales, band and flags, the risk, the actions the care pathway
would open (kind, urgency, due date) and the message ODK Collect would show. It reads the
instance with the same pure code as a real submission, in the same order as
``intake/merge.py``: ``forms.parse_instance`` -> ``sync.read_registration`` (consent, date of
birth) -> ``sync.interview.interview_date`` -> ``sync.score_instance`` -> ``sync.pathway.plan``
and ``risk_of`` -> ``sync.result_message``, with the programme settings the caller passes (the
page passes those of the coordinator's province when their area lies in one, else the server's
defaults: ``programme/settings.py``; a trial has no person, hence no province). The person
is always taken as a new one (a trial never looks a person up, so a date of birth comes from
the form).

It works on bytes and binding data, not on a model, so that a published version and a draft
(issue 12) are tried the same way. It must not write anything but one audit row
(``form.trial``, naming the form and version, never an answer): no submission, person, consent,
screening, case, action or blob.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import forms
from server import problems
from server.extensions import db
from server.models import FormVersion
from server.programme import Programme
from server.services.access.scope import Scope
from server.services.access.staff import Manager
from server.services.audit import Actor, record_event
from server.services.cases import case_list
from server.services.forms import drafts, media
from server.services.forms.media import MediaFile
from server.services.intake.store import parse_upload
from server.storage import BlobStore
from sync import (
    NEW_PERSON,
    Binding,
    Planned,
    ScreeningOutcome,
    SyncError,
    pathway,
    read_registration,
    result_message,
    score_instance,
)
from sync.interview import InterviewDate, interview_date

#: the largest instance a trial reads (a screening form's instance is a few kilobytes)
MAX_INSTANCE_BYTES = 1_000_000
#: what a trial found: ``scored``; ``refused`` (no consent: a real submission would keep only
#: the refusal); ``unscored`` (an ordinary form without an instrument binding)
STATES = ("scored", "refused", "unscored")


@dataclass(frozen=True)
class TrialTarget:
    """What is tried, as a loader returns it for a published version or a draft: the XForm,
    its binding as stored (``FormVersion.binding``), and the audit row's target."""

    xml: bytes
    binding: Mapping[str, Any] | None
    target_type: str  # form_version | form_draft
    target_id: int
    title: str
    #: an attached media file by name (None: not attached); generated lists are the trial's
    attached: Callable[[str], MediaFile | None] = field(default=lambda name: None,
                                                         compare=False)

    @property
    def form_id(self) -> str:
        return _form_of(self.xml)[0]

    @property
    def version(self) -> str:
        return _form_of(self.xml)[1]


@dataclass(frozen=True)
class TrialResult:
    """The server's answer to one test submission; nothing of it is stored."""

    state: str
    form_id: str
    version: str
    outcome: ScreeningOutcome | None = None
    interview: InterviewDate | None = None
    risk: str | None = None
    actions: tuple[Planned, ...] = ()
    message: str = ""

    @property
    def instrument_id(self) -> str | None:
        return None if self.outcome is None else self.outcome.instrument_id

    @property
    def total(self) -> int | None:
        return None if self.outcome is None else self.outcome.total

    @property
    def band(self) -> str | None:
        return None if self.outcome is None else self.outcome.band

    @property
    def flags(self) -> tuple[str, ...]:
        return () if self.outcome is None else self.outcome.flags

    @property
    def subscales(self) -> dict[str, Any]:
        result = None if self.outcome is None else self.outcome.result
        return dict((result or {}).get("subscales") or {})

    @property
    def subscale_bands(self) -> dict[str, str]:
        result = None if self.outcome is None else self.outcome.result
        return dict((result or {}).get("subscale_bands") or {})


def score_trial(actor: Actor, target: TrialTarget, instance: bytes, config: Programme, *,
                today: date, language: str = "vi") -> TrialResult:
    """What the server would make of ``instance`` submitted to ``target`` on ``today``
    (module docstring). Problems: 413.1 too large, 400.2-400.6 not an instance, 422.90 an
    instance of another form or version, 422.91 an instance that could never be merged."""
    form_id, version = _form_of(target.xml)
    values = _values(instance, form_id, version)
    record_event(actor, "form.trial", target.target_type, target.target_id, form_id=form_id,
                 version=version)
    if target.binding is None:
        return TrialResult("unscored", form_id, version)
    binding = Binding.from_data(target.binding)
    try:
        registration = read_registration(binding, values)
    except SyncError as exc:
        raise problems.trial_unmergeable(exc.field or "?") from exc
    if not registration.consent.given:
        return TrialResult("refused", form_id, version)
    interview = interview_date(binding, values, received_on=today,
                               max_days=config.interview_max_age_days)
    outcome = score_instance(binding, values, screening_date=interview.on,
                             dob=registration.dob, thresholds=config.thresholds)
    planned = pathway.plan(outcome, on=interview.on, dob=registration.dob,
                           table=config.thresholds, periods=config.periods,
                           date_refused=interview.refused)
    risk = pathway.risk_of(outcome, on=interview.on, dob=registration.dob,
                           table=config.thresholds, date_refused=interview.refused)
    return TrialResult("scored", form_id, version, outcome, interview, risk, tuple(planned),
                       result_message(outcome, planned, language))


def _form_of(xml: bytes) -> tuple[str, str]:
    """The form id and version of the XForm being tried (published, or a checked draft)."""
    info = forms.read_xform(xml)
    return info.form_id, info.version or ""


def _values(instance: bytes, form_id: str, version: str) -> Mapping[str, str]:
    """The answers of an instance of this form and version; a Problem for anything else."""
    if len(instance) > MAX_INSTANCE_BYTES:
        raise problems.request_too_large(MAX_INSTANCE_BYTES)
    if not instance.strip():
        raise problems.submission_file_missing()
    parsed = parse_upload(instance)
    if parsed.form_id != form_id or (parsed.version or "") != version:
        raise problems.trial_wrong_form(parsed.form_id[:100], (parsed.version or "")[:100])
    return parsed.values


def version_target(scope: Scope, version_id: int, blobs: BlobStore) -> TrialTarget:
    """A published version to try; 404.15 for one that does not exist or is not offered in
    the user's area (a form assigned to other areas only)."""
    version = db.session.get(FormVersion, version_id)
    if version is None or not scope.covers_assignment(
            {a.area_code for a in version.form.assignments}):
        raise problems.page_not_found()

    def attached(name: str) -> MediaFile | None:
        if not any(a.filename == name for a in version.attachments):
            return None
        return media.get_media(version, scope, blobs, name)

    return TrialTarget(version.xml, version.binding, "form_version", version.id, version.title,
                       attached)


def draft_target(manager: Manager, draft_id: int, blobs: BlobStore) -> TrialTarget:
    """A draft to try, for a user who may manage it (404.80 / 403.80 otherwise)."""
    draft = drafts.get_draft(draft_id, manager)

    def attached(name: str) -> MediaFile | None:
        for attachment in draft.attachments:
            if attachment.filename == name:
                return MediaFile(name, attachment.md5, attachment.content_type,
                                 media.blob_bytes(blobs, attachment.blob_sha256, name))
        return None

    return TrialTarget(draft.xml, draft.binding, "form_draft", draft.id, draft.title, attached)


def trial_cases_csv(scope: Scope) -> bytes:
    """The case list a trial gets: only the "new person" row. A trial shows nobody's data."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(case_list.HEADER)
    writer.writerow([NEW_PERSON, case_list.NEW_PERSON_LABEL, 1,
                     *([""] * (len(case_list.HEADER) - 3))])
    return buffer.getvalue().encode("utf-8")


#: the lists a device gets made for it (``media.GENERATED``), as a trial gets them
TRIAL_LISTS: dict[str, Callable[[Scope], bytes]] = {
    "communes.csv": media.communes_csv,  # the user's home commune, as a device's
    media.CASE_LIST: trial_cases_csv,
}


def trial_media(target: TrialTarget, scope: Scope, filename: str) -> MediaFile:
    """A file the form names, for Web Forms: an attached one, else a generated list made for
    the trial; 404.4 for anything else."""
    found = target.attached(filename)
    if found is not None:
        return found
    if filename in TRIAL_LISTS:
        data = TRIAL_LISTS[filename](scope)
        return MediaFile(filename, "", "text/csv; charset=utf-8", data)
    raise problems.not_found()
