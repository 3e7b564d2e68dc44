"""The commit points for receiving one submission, shared by OpenRosa and the sync API.

Store and merge in one unit of work; if merging fails, store the raw submission alone, marked
``failed`` for the retry job or ``unmergeable`` for a supervisor (``services/intake.py``), so a
device never loses what it sent (openrosa.md a.12: "stored, but processing failed" is still a
201), and the result says which, for the device's message.
"""

from __future__ import annotations

from flask import current_app

from server.boundary import commits
from server.services import intake, records, submissions
from server.services.audit import Actor
from server.services.devices import Device


def receive(actor: Actor, device: Device, upload: submissions.Upload
            ) -> tuple[submissions.Receipt, records.MergeResult | None]:
    """Store (idempotently) and merge one submission; Problems propagate to the caller."""
    blobs = current_app.extensions["sangloc_blobs"]
    config = records.MergeConfig.from_settings(current_app.config)
    try:
        return _store_and_merge(actor, device, upload, blobs, config)
    except intake.MergeFailed as failure:
        receipt, state = _store_only(actor, device, upload, blobs, failure)
        return receipt, records.MergeResult(state) if state else None


@commits
def _store_and_merge(actor, device, upload, blobs, config):
    receipt = submissions.receive_submission(actor, device, upload, blobs, merging=True)
    return receipt, intake.merge_receipt(actor, receipt, config)


@commits
def _store_only(actor, device, upload, blobs, failure: intake.MergeFailed):
    receipt = submissions.receive_submission(actor, device, upload, blobs)
    return receipt, intake.mark_unmerged(receipt, failure)
