"""Receiving a submission: store the raw XML and attachments exactly once, idempotently.

The cases follow openrosa.md a.11 and a.12 (ODK Central's behaviour unless noted):
- new instanceID: stored, 201;
- same instanceID and byte-identical XML: nothing changes except that newly sent attachments are
  added (Collect's split uploads and retries), 201 with the original message;
- same instanceID, different XML: 409, and the body is kept as a conflict for a supervisor;
- ``deprecatedID`` (an edit): must name the current version of a submission of this form
  whose commune the sender covers (unknown or outside the sender's area: 404, the same answer,
  so an instance id reveals nothing; already edited 409); the old version is kept and marked
  superseded, attachments the edit does not resend are carried forward by file name;
- a resent body identical to a stored submission outside the sender's area is a conflict
  (409), never a "duplicate" that would repeat that submission's result or add attachments;
- form ``closed``: 409; version not published: 404.
Merging into screening records happens after this, in the same unit of work (``receive``); a
crash before the commit leaves nothing, and blobs are content-addressed so a retry rewrites
nothing. The common
case (a new submission without attachments) is three statements: device, version, insert.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

import forms
from server import problems
from server.extensions import db
from server.inputs import check_length, column_limit
from server.models import Person, Screening, Submission, SubmissionAttachment
from server.models.submission import SubmissionConflict
from server.models.types import utcnow
from server.programme import local_date
from server.services.access.scope import Scope
from server.services.audit import Actor, record_event
from server.services.forms import device_forms
from server.services.forms.device_forms import Target
from server.services.programme import aggregates
from server.storage import BlobStore

# forms.FormError code -> the named problem
_PARSE_PROBLEMS = {
    "instance_dtd_forbidden": problems.submission_has_doctype,
    "instance_no_instance_id": problems.instance_id_missing,
    "instance_no_form_id": problems.form_id_missing,
}


@dataclass(frozen=True)
class Upload:
    """What a client sent: the instance XML and any files, by file name."""

    xml: bytes
    files: Mapping[str, tuple[bytes, str | None]] = field(default_factory=dict)
    device_id: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class Incoming:
    """A stored submission as merging needs it, without loading the row again."""

    id: int
    form_pk: int
    form_version_id: int
    instance_id: str
    deprecated_id: str | None
    values: Mapping[str, str]
    received_at: datetime
    app_user_id: int | None
    user_id: int | None
    merge_state: str
    area: tuple[str, frozenset[str]] | None = None  # (home commune, communes) of the sender

    @classmethod
    def of(cls, submission: Submission) -> Incoming:
        return cls(submission.id, submission.form_id, submission.form_version_id,
                   submission.instance_id, submission.deprecated_id,
                   forms.parse_instance(submission.xml).values, submission.received_at,
                   submission.app_user_id, submission.user_id, submission.merge_state)


@dataclass(frozen=True)
class Receipt:
    submission_id: int
    outcome: str  # "created" | "edited" | "duplicate"
    target: Target
    incoming: Incoming | None = None  # for "created" and "edited"


def parse_upload(xml: bytes) -> forms.ParsedInstance:
    """The parsed instance; a Problem (400) for XML that cannot be read or an id longer than
    its column (a final answer, so Collect stops resending it)."""
    try:
        parsed = forms.parse_instance(xml)
    except forms.FormError as exc:
        named = _PARSE_PROBLEMS.get(exc.code)
        raise (named() if named else problems.submission_not_xml(exc.message)) from exc
    check_length("meta/instanceID", parsed.instance_id,
                 column_limit(Submission.__table__.c.instance_id))
    check_length("meta/deprecatedID", parsed.deprecated_id,
                 column_limit(Submission.__table__.c.deprecated_id))
    return parsed


@dataclass(frozen=True)
class Known:
    """What the OpenRosa view already read for this upload: the parsed instance and the rows of
    ``device_forms.device_and_version`` (the version it names, read with the device)."""

    parsed: forms.ParsedInstance
    rows: list


def receive_submission(actor: Actor, device: Scope, upload: Upload, blobs: BlobStore, *,
                       merging: bool = False, known: Known | None = None) -> Receipt:
    """Store a submission idempotently. ``merging``: the caller merges it in this same unit of
    work, so a scored submission is stored as ``merged`` at once (the merge changes that only
    when it ends otherwise; if it fails, the whole unit is rolled back). ``known``: the parse
    and the version's rows already read (same checks, same order, no second look-up)."""
    parsed = known.parsed if known else parse_upload(upload.xml)
    target = device_forms.target_of(known.rows, device, parsed.form_id, parsed.version) \
        if known else device_forms.get_target(device, parsed.form_id, parsed.version)
    if target.state == "closed":
        raise problems.form_closed(target.form_id)
    state = ("merged" if merging else "pending") if target.scored else "not_scored"
    received_at = utcnow()
    new_id = _insert(target, parsed, device, upload, state, received_at)
    if new_id is None:  # the instanceID is taken: a retry, a split upload or a conflict
        existing = _find(target.form_pk, parsed.instance_id)
        return _resubmission(actor, device, existing, parsed, target, upload, blobs)
    # an edit is checked after the insert so that a resent edit is a plain resubmission;
    # a refused edit raises and the insert is rolled back
    previous = _edit_target(device, target, parsed) if parsed.deprecated_id else None
    expected = _expected_names(parsed, target)
    if expected or previous is not None:
        submission = db.session.get(Submission, new_id)
        _store_attachments(actor, submission, expected, upload, blobs, carried=previous)
        if previous is not None:
            previous.superseded_by_id = new_id
        db.session.flush()
    record_event(actor, "submission.edit" if previous else "submission.create", "submission",
                 new_id, form_id=target.form_id, instance_id=parsed.instance_id)
    # stored by a Core INSERT, which the aggregates' flush hook does not see
    aggregates.mark_dirty(device.commune_code, local_date(received_at).year)
    incoming = Incoming(new_id, target.form_pk, target.version_id, parsed.instance_id,
                        parsed.deprecated_id, parsed.values, received_at, device.app_user_id,
                        device.user_id, state, (device.commune_code, device.communes))
    return Receipt(new_id, "edited" if previous else "created", target, incoming)


def _insert(target: Target, parsed: forms.ParsedInstance, device: Scope, upload: Upload,
            state: str, received_at: datetime) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING: the new row's id, or None when the instanceID is used.

    One statement instead of a look-up and an insert; a racing copy waits on the unique index
    and then finds the row (PostgreSQL) or waits for the write lock (SQLite).
    """
    connection = db.session.connection()
    return connection.execute(_INSERTS[connection.dialect.name], {
        "form_id": target.form_pk, "form_version_id": target.version_id,
        "instance_id": parsed.instance_id, "deprecated_id": parsed.deprecated_id,
        "xml": upload.xml, "xml_sha256": hashlib.sha256(upload.xml).hexdigest(),
        "app_user_id": device.app_user_id, "user_id": device.user_id,
        "device_id": _clip(upload.device_id), "user_agent": _clip(upload.user_agent, 300),
        "commune_code": device.commune_code or None,
        "received_at": received_at, "merge_state": state,
    }).scalar()


def _insert_statement(insert):
    """The submission INSERT of one dialect, built once (its values are parameters)."""
    table = Submission.__table__
    return insert(table).on_conflict_do_nothing(
        index_elements=["form_id", "instance_id"]).returning(table.c.id)


_INSERTS = {"postgresql": _insert_statement(pg_insert), "sqlite": _insert_statement(sqlite_insert)}


def _clip(value: str | None, limit: int = 200) -> str | None:
    return None if value is None else value[:limit]


def _find(form_pk: int, instance_id: str) -> Submission | None:
    return db.session.scalar(select(Submission).where(
        Submission.form_id == form_pk, Submission.instance_id == instance_id))


def submission_commune(submission: Submission) -> str | None:
    """The commune a stored submission belongs to: its person's (they may have moved since),
    else the commune it was sent for."""
    person_commune = db.session.scalar(
        select(Person.commune_code).join(Screening, Screening.person_id == Person.id)
        .where(Screening.submission_id == submission.id))
    return person_commune or submission.commune_code


def _edit_target(device: Scope, target: Target, parsed: forms.ParsedInstance) -> Submission:
    """The submission an edit replaces; one outside the sender's area is "unknown"."""
    previous = _find(target.form_pk, parsed.deprecated_id)
    if previous is None or previous.deleted_at is not None or \
            not device.covers_commune(submission_commune(previous)):
        raise problems.edit_target_unknown(parsed.deprecated_id)
    if previous.superseded_by_id is not None:
        raise problems.edit_target_superseded(parsed.deprecated_id)
    return previous


def _resubmission(actor: Actor, device: Scope, existing: Submission,
                  parsed: forms.ParsedInstance, target: Target, upload: Upload,
                  blobs: BlobStore) -> Receipt:
    if existing.deleted_at is not None:
        raise problems.submission_deleted(parsed.instance_id)
    if existing.xml != upload.xml or not device.covers_commune(submission_commune(existing)):
        _keep_conflict(actor, device, existing, parsed, upload)
        refused = problems.edit_id_taken if parsed.deprecated_id else problems.submission_conflict
        raise refused(parsed.instance_id)
    _store_attachments(actor, existing, _expected_names(parsed, target), upload, blobs)
    return Receipt(existing.id, "duplicate", target)


def _keep_conflict(actor: Actor, device: Scope, existing: Submission,
                   parsed: forms.ParsedInstance, upload: Upload) -> None:
    """Keep a refused body for review (once per distinct body); the 409 raised after this
    is a problem with ``keep=True``, so the boundary commits this row before answering."""
    sha256 = hashlib.sha256(upload.xml).hexdigest()
    seen = db.session.scalar(select(SubmissionConflict.id).where(
        SubmissionConflict.instance_id == parsed.instance_id,
        SubmissionConflict.xml_sha256 == sha256))
    if seen is None:
        db.session.add(SubmissionConflict(
            form_id=existing.form_id, instance_id=parsed.instance_id, reason="different_xml",
            xml=upload.xml, xml_sha256=sha256,
            app_user_id=actor.id if actor.type == "app_user" else None,
            device_id=_clip(upload.device_id), commune_code=device.commune_code or None))
        db.session.flush()


def _expected_names(parsed: forms.ParsedInstance, target: Target) -> set[str]:
    """File names the instance names through the version's binary fields."""
    names = set(forms.attachment_names(parsed, target.binary_fields))
    limit = column_limit(SubmissionAttachment.__table__.c.filename)
    for name in names:
        check_length("attachment file name", name, limit)
    return names


def _store_attachments(actor: Actor, submission: Submission, expected: set[str],
                       upload: Upload, blobs: BlobStore, carried: Submission | None = None
                       ) -> None:
    """Fill the expected attachments from the upload (others are ignored, as Central does)."""
    rows = {a.filename: a for a in submission.attachments}
    old = {a.filename: a for a in carried.attachments} if carried is not None else {}
    for name in sorted(expected):
        row = rows.get(name)
        if row is None:
            row = SubmissionAttachment(filename=name)
            submission.attachments.append(row)
        if name in upload.files:
            data, content_type = upload.files[name]
            _put(actor, submission, row, blobs.put(data), len(data), content_type)
        elif row.blob_sha256 is None and name in old and old[name].blob_sha256:
            source = old[name]
            _put(actor, submission, row, source.blob_sha256, source.size, source.content_type)


def _put(actor: Actor, submission: Submission, row: SubmissionAttachment, sha256: str,
         size: int | None, content_type: str | None) -> None:
    if row.blob_sha256 == sha256:
        return
    if row.blob_sha256 is not None and submission.id is not None:
        record_event(actor, "submission.attachment_replace", "submission", submission.id,
                     filename=row.filename, before=row.blob_sha256, after=sha256)
    row.blob_sha256, row.size, row.content_type = sha256, size, content_type
    row.received_at = utcnow()
