"""Receiving one submission, shared by OpenRosa and the sync API: its units of work.

Store and merge in one unit of work; if merging fails, store the raw submission alone, marked
``failed`` for the retry job or ``unmergeable`` for a supervisor (``intake/retry.py``), so a
device never loses what it sent (openrosa.md a.12: "stored, but processing failed" is still a
201), and the result says which, for the device's message. Each submission's outcome is counted
here, the one place it is known for every channel (``server/metrics.py``).
"""

from __future__ import annotations

from flask import current_app

from server import metrics, programme
from server.boundary import commits
from server.problems import Problem
from server.services.access.scope import Scope
from server.services.audit import Actor
from server.services.intake import merge, retry, store


def receive(actor: Actor, device: Scope, upload: store.Upload, *, channel: str = "openrosa",
            known: store.Known | None = None
            ) -> tuple[store.Receipt, merge.MergeResult | None]:
    """Store (idempotently) and merge one submission; Problems propagate to the caller. The
    outcome is counted by ``channel`` (openrosa, api, import): a Problem is ``rejected``.
    ``known``: what the caller already read (``store.Known``), used by the first attempt; the
    stored-only fallback reads the version again in its own unit of work."""
    try:
        receipt, result = _receive(actor, device, upload, known)
    except Problem:
        metrics.count_submission(channel, "rejected")
        raise
    metrics.count_submission(channel, metrics.submission_outcome(
        receipt.outcome, result.state if result else None))
    return receipt, result


def _receive(actor: Actor, device: Scope, upload: store.Upload, known: store.Known | None
             ) -> tuple[store.Receipt, merge.MergeResult | None]:
    blobs = current_app.extensions["sangloc_blobs"]
    config = programme.current()
    try:
        return _store_and_merge(actor, device, upload, blobs, config, known)
    except merge.MergeFailed as failure:
        receipt, state = _store_only(actor, device, upload, blobs, failure)
        return receipt, merge.MergeResult(state) if state else None


@commits
def _store_and_merge(actor, device, upload, blobs, config, known):
    receipt = store.receive_submission(actor, device, upload, blobs, merging=True, known=known)
    return receipt, merge.merge_receipt(actor, receipt, config)


@commits
def _store_only(actor, device, upload, blobs, failure: merge.MergeFailed):
    receipt = store.receive_submission(actor, device, upload, blobs)
    return receipt, retry.mark_unmerged(receipt, failure)
