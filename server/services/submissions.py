"""Receiving a submission: store the raw XML and attachments exactly once, idempotently.

The cases follow openrosa.md a.11 and a.12 (ODK Central's behaviour unless noted):
- new instanceID: stored, 201;
- same instanceID and byte-identical XML: nothing changes except that newly sent attachments are
  added (Collect's split uploads and retries), 201 with the original message;
- same instanceID, different XML: 409, and the body is kept as a conflict for a supervisor;
- ``deprecatedID`` (an edit): must name the current version of a submission of this form
  (unknown 404, already edited 409); the old version is kept and marked superseded, attachments
  the edit does not resend are carried forward by file name;
- form ``closed``: 409; version not published: 404.
Merging into screening records happens after this (merge state ``pending``); a crash before the
commit leaves nothing, and blobs are content-addressed so a retry rewrites nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

import forms
from server.extensions import db
from server.models import AppUser, Form, FormVersion, Submission, SubmissionAttachment
from server.models.submission import SubmissionConflict
from server.models.types import utcnow
from server.problems import Problem
from server.services import catalogue
from server.services.audit import Actor, record_event
from server.storage import BlobStore

# forms.FormError code -> problem code
_PARSE_PROBLEMS = {
    "instance_dtd_forbidden": "400.4",
    "instance_no_instance_id": "400.5",
    "instance_no_form_id": "400.6",
}
_REPEAT_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Upload:
    """What a client sent: the instance XML and any files, by file name."""

    xml: bytes
    files: Mapping[str, tuple[bytes, str | None]] = field(default_factory=dict)
    device_id: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class Receipt:
    submission: Submission
    outcome: str  # "created" | "edited" | "duplicate"


def parse_upload(xml: bytes) -> forms.ParsedInstance:
    try:
        return forms.parse_instance(xml)
    except forms.FormError as exc:
        raise Problem(_PARSE_PROBLEMS.get(exc.code, "400.3"), detail=exc.message) from exc


def receive_submission(actor: Actor, app_user: AppUser, upload: Upload,
                       blobs: BlobStore) -> Receipt:
    parsed = parse_upload(upload.xml)
    form = catalogue.get_form_for(app_user, parsed.form_id)
    version = catalogue.get_version(form, parsed.version)
    if form.state == "closed":
        raise Problem("409.2", form_id=form.xml_form_id)
    existing = _find(form, parsed.instance_id)
    if existing is not None:
        return _resubmission(actor, existing, parsed, version, upload, blobs)
    previous = _edit_target(form, parsed) if parsed.deprecated_id else None
    submission = Submission(
        form_id=form.id, form_version_id=version.id, instance_id=parsed.instance_id,
        deprecated_id=parsed.deprecated_id, xml=upload.xml,
        xml_sha256=hashlib.sha256(upload.xml).hexdigest(), app_user_id=app_user.id,
        device_id=_clip(upload.device_id), user_agent=_clip(upload.user_agent, 300),
        merge_state="pending" if version.binding else "not_scored")
    db.session.add(submission)
    _store_attachments(actor, submission, _expected_names(parsed, version), upload, blobs,
                       carried=previous)
    db.session.flush()  # IntegrityError here = a racing copy won; the boundary retries
    if previous is not None:
        previous.superseded_by_id = submission.id
    record_event(actor, "submission.edit" if previous else "submission.create", "submission",
                 submission.id, form_id=form.xml_form_id, instance_id=parsed.instance_id)
    return Receipt(submission, "edited" if previous else "created")


def _clip(value: str | None, limit: int = 200) -> str | None:
    return None if value is None else value[:limit]


def _find(form: Form, instance_id: str) -> Submission | None:
    return db.session.scalar(select(Submission).where(
        Submission.form_id == form.id, Submission.instance_id == instance_id))


def _edit_target(form: Form, parsed: forms.ParsedInstance) -> Submission:
    previous = _find(form, parsed.deprecated_id)
    if previous is None or previous.deleted_at is not None:
        raise Problem("404.3", deprecated_id=parsed.deprecated_id)
    if previous.superseded_by_id is not None:
        raise Problem("409.4", deprecated_id=parsed.deprecated_id)
    return previous


def _resubmission(actor: Actor, existing: Submission, parsed: forms.ParsedInstance,
                  version: FormVersion, upload: Upload, blobs: BlobStore) -> Receipt:
    if existing.deleted_at is not None:
        raise Problem("409.3", instance_id=parsed.instance_id)
    if existing.xml != upload.xml:
        _keep_conflict(existing, parsed, upload)
        code = "409.5" if parsed.deprecated_id else "409.1"
        raise Problem(code, keep=True, instance_id=parsed.instance_id)
    _store_attachments(actor, existing, _expected_names(parsed, version), upload, blobs)
    return Receipt(existing, "duplicate")


def _keep_conflict(existing: Submission, parsed: forms.ParsedInstance, upload: Upload) -> None:
    """Keep a refused body for review (once per distinct body); the 409 raised after this
    is a ``Problem(..., keep=True)``, so the boundary commits this row before answering."""
    sha256 = hashlib.sha256(upload.xml).hexdigest()
    seen = db.session.scalar(select(SubmissionConflict.id).where(
        SubmissionConflict.instance_id == parsed.instance_id,
        SubmissionConflict.xml_sha256 == sha256))
    if seen is None:
        db.session.add(SubmissionConflict(
            form_id=existing.form_id, instance_id=parsed.instance_id, reason="different_xml",
            xml=upload.xml, xml_sha256=sha256, app_user_id=existing.app_user_id,
            device_id=_clip(upload.device_id)))
        db.session.flush()


def _expected_names(parsed: forms.ParsedInstance, version: FormVersion) -> set[str]:
    """File names the instance names through the version's binary fields."""
    binary = set(version.binary_fields)
    if not binary:
        return set()
    return {value for path, value in parsed.values.items()
            if _REPEAT_INDEX.sub("", path) in binary}


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
