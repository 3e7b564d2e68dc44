"""Receiving a batch of submissions item by item: the sync API and the waiting-forms import.

Each item (``client_id``, the instance XML as text, attachments as base64) is received exactly
like ODK Collect's ``/submission`` (``receive.py``), as its own unit of work: one bad item is
``rejected`` with its reason and the others are kept. Any failure of one item, expected (a
Problem) or not (a bug, the database), is that item's rejection: its unit of work is rolled
back and the batch goes on. Idempotent by instanceID: a resent item is a ``duplicate``, never a
second record. An accepted or duplicate item carries the message a device would show for it
and the score in brief, in the caller's language. Logs name problem codes, never answers.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from server import problems
from server.extensions import db
from server.problems import Problem
from server.services.access.scope import Scope
from server.services.audit import Actor
from server.services.intake import receive, store
from server.storage import StoreUnavailable
from sync import result_message

log = logging.getLogger("sangloc.intake")


@dataclass(frozen=True)
class Item:
    client_id: str
    xml: str
    attachments: dict[str, str]  # name -> base64


@dataclass(frozen=True)
class Score:
    instrument: str
    total: int | None
    band: str | None
    flags: list[str]
    next_action: str | None
    due: date | None
    message: str


@dataclass(frozen=True)
class ItemResult:
    client_id: str
    status: str  # accepted | duplicate | rejected
    form_id: str | None = None  # the form the stored submission names
    problem: Problem | None = None  # why it was rejected
    message: str | None = None
    score: Score | None = None

    def reason(self, language: str) -> str | None:
        """``<code>: <text>`` of a rejection, in ``language``."""
        if self.problem is None:
            return None
        return f"{self.problem.code}: {self.problem.message(language)}"


def receive_items(actor: Actor, scope: Scope, items: Iterable[Item], *,
                  channel: str = "sync") -> list[ItemResult]:
    """Every item's result, in order; ``channel`` (sync, import) names the batch in logs."""
    return [receive_item(actor, scope, item, channel=channel) for item in items]


def receive_item(actor: Actor, scope: Scope, item: Item, *, channel: str = "sync") -> ItemResult:
    try:
        upload = store.Upload(xml=_utf8(item.xml), files=_decode(item.attachments),
                              user_agent="web")
        receipt, merged = receive.receive(actor, scope, upload,
                                          channel="import" if channel == "import" else "api")
    except Problem as problem:
        log.warning("rejected %s item: %s", channel, problem.code)  # the code only: no answers
        return ItemResult(item.client_id, "rejected", problem=problem)
    except Exception as exc:  # this item only: the batch goes on
        db.session.rollback()
        if isinstance(exc, StoreUnavailable):  # send again later: said to the client as such
            log.warning("%s item not stored: %s", channel, exc)
            return ItemResult(item.client_id, "rejected", problem=problems.storage_unavailable())
        log.error("%s item failed: %s", channel, type(exc).__name__, exc_info=exc)
        return ItemResult(item.client_id, "rejected", problem=problems.server_error())
    status = "duplicate" if receipt.outcome == "duplicate" else "accepted"
    message = result_message(merged.outcome if merged else None,
                             merged.actions if merged else (), scope.language,
                             merged.state if merged else None)
    return ItemResult(item.client_id, status, form_id=receipt.target.form_id, message=message,
                      score=_score(merged, scope.language))


def _utf8(xml: str) -> bytes:
    try:
        return xml.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which JSON can carry and UTF-8 cannot
        raise problems.bad_request("the xml is not valid Unicode text") from None


def _decode(attachments: dict[str, str]) -> dict[str, tuple[bytes, str | None]]:
    try:
        return {name: (base64.b64decode(data, validate=True), None)
                for name, data in attachments.items()}
    except (binascii.Error, ValueError, TypeError):
        raise problems.bad_request("an attachment is not valid base64") from None


def _score(merged, language: str) -> Score | None:
    if merged is None or merged.outcome is None:
        return None
    outcome, action = merged.outcome, (merged.actions[0] if merged.actions else None)
    return Score(outcome.instrument_id, outcome.total, outcome.band, list(outcome.flags),
                 action.kind if action else None, action.due if action else None,
                 result_message(outcome, merged.actions, language))
