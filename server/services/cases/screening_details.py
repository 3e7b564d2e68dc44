"""One screening of a case in full, for the case pages: answers in the form's words, the raw
submission and its attachments; every read is scoped and audited.

The case must be within the caller's scope (``reads.case_in_scope``: else 404.10, as for an
unknown case) and the screening must be one of that case's person (else 404.15, as for an
unknown screening); an attachment must be one of that screening's submission. The answers are
the submission's answered questions in the order the device sent them, labelled by the form
version it was made with (``forms.labels``), in the page's language when the form has it; a
date question's value is read as a date, the commune question's code is given its name. Each
read writes one audit row (who, which case, screening and file; never an answer, a name or a
file name). A file that was not received, whose blob this node lacks, or that cannot be read
now (the object store unreachable, the bytes damaged), is 503.1, logged with its ids only.
Nothing here changes a record.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select

import forms
from forms.labels import FormLabels, read_labels
from server import problems
from server.extensions import db
from server.models import FormVersion, Screening, Submission, SubmissionAttachment
from server.services.access import areas
from server.services.access.scope import Scope
from server.services.audit import Actor, record_event
from server.services.cases import reads
from server.services.cases.worklist import CaseView
from server.storage import BlobStore, DamagedBlob

log = logging.getLogger("sangloc.screenings")


@dataclass(frozen=True)
class Answer:
    path: str
    label: str  # the question as the form words it (its field name when it has no label)
    value: str  # what the device sent
    words: str | None  # the chosen answers' labels, for a select; a commune's name
    attachment: SubmissionAttachment | None = None  # the file a file question names
    day: date | None = None  # the value of a date question


@dataclass(frozen=True)
class AnswerGroup:
    label: str | None  # the form's group label
    answers: list[Answer]


@dataclass(frozen=True)
class ScreeningDetails:
    case: CaseView
    screening: Screening
    submission: Submission
    version: FormVersion
    language: str | None  # the form's translation used for the labels
    groups: list[AnswerGroup]


def get_screening(actor: Actor, scope: Scope, case_id: int, screening_id: int,
                  language: str) -> ScreeningDetails:
    """The screening with its answers labelled for page language ``language`` (vi, en)."""
    case, screening = _in_scope(scope, case_id, screening_id)
    submission = db.session.get(Submission, screening.submission_id)
    version = db.session.get(FormVersion, submission.form_version_id)
    values = forms.parse_instance(submission.xml).values
    labels = read_labels(version.xml, language, values)
    record_event(actor, "screening.read", "screening", screening.id,
                 **_detail(case, screening))
    answers = [_answer(labels, version, path, value, submission.attachments)
               for path, value in values.items() if labels.question(path) is not None]
    return ScreeningDetails(case, screening, submission, version, labels.language,
                            _groups(labels, _with_communes(version, answers)))


def submission_xml(actor: Actor, scope: Scope, case_id: int,
                   screening_id: int) -> tuple[Submission, bytes]:
    """The submission's XML exactly as it was received."""
    case, screening = _in_scope(scope, case_id, screening_id)
    submission = db.session.get(Submission, screening.submission_id)
    record_event(actor, "submission.download", "submission", submission.id,
                 **_detail(case, screening))
    return submission, submission.xml


def attachment_file(actor: Actor, scope: Scope, case_id: int, screening_id: int,
                    attachment_id: int, blobs: BlobStore) -> tuple[SubmissionAttachment, bytes]:
    """One attachment of the screening's submission and its bytes."""
    case, screening = _in_scope(scope, case_id, screening_id)
    attachment = db.session.scalar(select(SubmissionAttachment).where(
        SubmissionAttachment.id == attachment_id,
        SubmissionAttachment.submission_id == screening.submission_id))
    if attachment is None:
        raise problems.page_not_found()
    data = _blob(blobs, attachment)
    record_event(actor, "submission.attachment_download", "submission_attachment",
                 attachment.id, submission_id=attachment.submission_id,
                 **_detail(case, screening))
    return attachment, data


def _in_scope(scope: Scope, case_id: int, screening_id: int) -> tuple[CaseView, Screening]:
    case = reads.case_in_scope(scope, case_id)
    screening = db.session.scalar(select(Screening).where(
        Screening.id == screening_id, Screening.person_id == case.person_id))
    if screening is None:
        raise problems.page_not_found()
    return case, screening


def _detail(case: CaseView, screening: Screening) -> dict[str, object]:
    return {"case_id": case.id, "screening_id": screening.id, "person_id": case.person_id}


def _blob(blobs: BlobStore, attachment: SubmissionAttachment) -> bytes:
    try:
        if attachment.blob_sha256 is None:
            raise KeyError(attachment.id)  # named by the instance, never received
        return blobs.get(attachment.blob_sha256)
    except KeyError:
        log.error("submission attachment %s (blob %s) is not in this node's blob store",
                  attachment.id, attachment.blob_sha256)
        raise problems.file_unavailable(attachment.filename) from None
    except (OSError, DamagedBlob) as exc:
        log.error("submission attachment %s (blob %s) cannot be read: %s", attachment.id,
                  attachment.blob_sha256, type(exc).__name__ if isinstance(exc, DamagedBlob)
                  else exc)
        raise problems.file_unavailable(attachment.filename) from None


def _answer(labels: FormLabels, version: FormVersion, path: str, value: str,
            attachments: list[SubmissionAttachment]) -> Answer:
    question = labels.question(path)
    label = question.label or path.rsplit("/", 1)[-1]
    attachment = next((a for a in attachments if a.filename == value), None) \
        if question.control == "upload" else None
    return Answer(path, label, value, labels.answer_words(path, value), attachment,
                  _day(value) if (version.fields or {}).get(path) == "date" else None)


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _with_communes(version: FormVersion, answers: list[Answer]) -> list[Answer]:
    """The commune question's answer (a code from the device's communes.csv) by its name."""
    path = ((version.binding or {}).get("person") or {}).get("commune")
    codes = [a.value for a in answers if a.path == path]
    found = areas.names(codes) if codes else {}
    return [replace(a, words=found.get(a.value)) if a.path == path else a for a in answers]


def _groups(labels: FormLabels, answers: list[Answer]) -> list[AnswerGroup]:
    """The answered questions, in the order sent, in runs of the same group."""
    groups: list[AnswerGroup] = []
    current: str | None = ""
    for answer in answers:
        group = labels.question(answer.path).group
        if not groups or group != current:
            current = group
            groups.append(AnswerGroup(labels.groups.get(current or ""), []))
        groups[-1].answers.append(answer)
    return groups
