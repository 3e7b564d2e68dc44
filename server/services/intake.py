"""After a submission is stored: merge it into the records, or mark it for the retry job.

``merge_receipt`` runs in the same unit of work as storing the raw submission. If merging
raises, the view rolls everything back and stores the raw submission alone with merge state
``failed`` and the error (``mark_failed``), so nothing that was sent is lost; the retry job
merges it later (``retry_failed``).
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from server.extensions import db
from server.models import Submission
from server.services import records
from server.services.audit import Actor
from server.services.job_runs import describe_error
from server.services.submissions import Incoming, Receipt

log = logging.getLogger("sangloc.intake")


class MergeFailed(Exception):
    """Merging failed; ``error`` is a short description without personal data."""

    def __init__(self, error: str):
        super().__init__(error)
        self.error = error


def merge_receipt(actor: Actor, receipt: Receipt,
                  config: records.MergeConfig) -> records.MergeResult | None:
    """Merge a new or edited scored submission; repeat the result for a resubmission."""
    if not receipt.target.scored:
        return None
    if receipt.outcome == "duplicate":
        return records.result_for(receipt.submission_id, config)
    target = receipt.target
    ref = records.FormRef(target.form_id, target.version, records.binding_of(target.binding))
    try:
        return records.merge_submission(actor, receipt.incoming, config, ref)
    except Exception as exc:
        # the log gets the kind of error only: messages may quote a submitted value
        log.error("merging submission %s failed: %s %s", receipt.submission_id,
                  type(exc).__name__, getattr(exc, "code", ""))
        raise MergeFailed(describe_error(exc)) from exc


def mark_failed(receipt: Receipt, error: str) -> None:
    submission = db.session.get(Submission, receipt.submission_id)
    if receipt.target.scored and submission.merge_state == "pending":
        submission.merge_state, submission.merge_error = "failed", error


def failed_submission_ids(limit: int = 500) -> list[int]:
    return list(db.session.scalars(
        select(Submission.id).where(Submission.merge_state.in_(("failed", "pending")))
        .order_by(Submission.id).limit(limit)))


def retry_one(actor: Actor, submission_id: int, config: records.MergeConfig) -> str:
    """Merge one failed submission again (the job gives each its own transaction)."""
    submission = db.session.get(Submission, submission_id)
    if submission.merge_state not in ("failed", "pending"):
        return submission.merge_state
    return records.merge_submission(actor, Incoming.of(submission), config).state
