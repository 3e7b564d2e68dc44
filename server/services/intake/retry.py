"""When merging fails: record why, say it truthfully, and merge again later.

``merge.merge_receipt`` runs in the same unit of work as storing the raw submission. If merging
raises, ``receive`` rolls everything back and stores the raw submission alone, and
``mark_unmerged`` records the failure, so nothing that was sent is lost. What happens next
depends on why merging failed:

- the submission itself can never be merged as it was sent (a ``SyncError``: an impossible
  date of birth, a value longer than its column...): it is ``unmergeable`` at once, with its
  reason, and is never retried; it waits in the review list of its commune's supervisors;
- anything else (a bug, the database going away): it is ``failed`` and the retry job merges it
  again after a wait that doubles with every attempt (``RETRY_WAIT`` ... ``MAX_WAIT``); after
  ``MAX_ATTEMPTS`` failures it is given up, ``unmergeable`` with the last error kept.

The retry job takes due submissions in the order they became due, so failures that keep
failing move back by their wait and never starve newer ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from server.extensions import db
from server.models import Submission
from server.models.types import utcnow
from server.programme import Programme, local_date
from server.services.audit import SYSTEM, Actor, record_event
from server.services.intake import merge
from server.services.intake.store import Incoming, Receipt
from server.services.programme import aggregates

MAX_ATTEMPTS = 8
RETRY_WAIT = timedelta(minutes=10)  # after the first failure; doubled after each next one
MAX_WAIT = timedelta(hours=12)
RETRY_BATCH = 500


def mark_unmerged(receipt: Receipt, failure: merge.MergeFailed) -> str | None:
    """Record the first failure of a just-stored submission; returns its merge state."""
    if not receipt.target.scored or receipt.outcome == "duplicate":
        return None
    return _record_failure(db.session.get(Submission, receipt.submission_id), failure)


def record_failure(submission_id: int, exc: BaseException) -> str:
    """Record a failed retry (in a new unit of work); returns the new merge state."""
    return _record_failure(db.session.get(Submission, submission_id), merge.MergeFailed.of(exc))


def _record_failure(submission: Submission, failure: merge.MergeFailed,
                    now: datetime | None = None) -> str:
    submission.merge_attempts = (submission.merge_attempts or 0) + 1
    gave_up = submission.merge_attempts >= MAX_ATTEMPTS
    if failure.permanent or gave_up:
        submission.merge_state, submission.next_retry_at = "unmergeable", None
        submission.merge_error = failure.error if failure.permanent else \
            f"gave up after {submission.merge_attempts} attempts: {failure.error}"
        record_event(SYSTEM, "submission.unmergeable", "submission", submission.id,
                     attempts=submission.merge_attempts)
    else:
        submission.merge_state, submission.merge_error = "failed", failure.error
        submission.next_retry_at = (now or utcnow()) + retry_wait(submission.merge_attempts)
    db.session.flush()
    return submission.merge_state


def retry_wait(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure before trying again."""
    return min(RETRY_WAIT * 2 ** (attempts - 1), MAX_WAIT)


def due_submission_ids(now: datetime | None = None, limit: int | None = None) -> list[int]:
    """Submissions to merge again now, the longest due first."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(Submission.id).where(
            Submission.merge_state.in_(("failed", "pending")),
            or_(Submission.next_retry_at.is_(None), Submission.next_retry_at <= now))
        .order_by(Submission.next_retry_at.is_(None).desc(), Submission.next_retry_at,
                  Submission.id)
        .limit(limit or RETRY_BATCH)))


def retry_one(actor: Actor, submission_id: int, config: Programme) -> str:
    """Merge one failed submission again (the job gives each its own transaction)."""
    submission = db.session.get(Submission, submission_id)
    if submission.merge_state not in ("failed", "pending"):
        return submission.merge_state
    state = merge.merge_submission(actor, Incoming.of(submission), config).state
    # its commune's submissions are timely or not once its screening exists
    aggregates.mark_dirty(submission.commune_code, local_date(submission.received_at).year)
    db.session.execute(update(Submission).where(Submission.id == submission_id)
                       .values(next_retry_at=None))
    return state
