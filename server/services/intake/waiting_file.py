"""Importing a phone's waiting-forms file (the mobile web app's export) on the web app.

The file is one JSON document: ``{"format": "sangloc-outbox", "version": 1, "exported_at",
"origin", "username", "commune", "items": [{"client_id", "instance_id", "form_id",
"form_version", "xml", "attachments": {name: base64}, "created_at"}]}``. ``read`` checks the
whole file first (at most ``MAX_BYTES``; JSON; the format and version; every item's fields), so
a malformed file is one Problem and nothing of it is received. ``take_in`` then sends every
item through the sync API's batch (``batch.py``) with the uploader as actor and scope: each
item is its own unit of work, accepted, duplicate (already received, from the phone or an
earlier import) or rejected with its reason, and one audit row counts the outcome. The
answers are never shown or logged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from server import problems
from server.services.access.scope import Scope
from server.services.audit import Actor, record_event
from server.services.intake import batch

MAX_BYTES = 20 * 1024 * 1024
MAX_MEGABYTES = MAX_BYTES // (1024 * 1024)
FORMAT, VERSION = "sangloc-outbox", 1
ID_LIMIT = 200


@dataclass(frozen=True)
class FileItem:
    client_id: str
    form_id: str
    form_version: str
    xml: str
    attachments: dict[str, str]


@dataclass(frozen=True)
class WaitingFile:
    username: str
    commune: str
    exported_at: datetime | None
    items: list[FileItem]


@dataclass(frozen=True)
class Imported:
    file: WaitingFile
    results: list[tuple[FileItem, batch.ItemResult]]

    def count(self, status: str) -> int:
        return sum(result.status == status for _, result in self.results)


def read(data: bytes | None) -> WaitingFile:
    """The checked file; 400.150 (none), 413.150 (too large), 400.151 (not JSON), 400.152
    (another format or version), 400.153 (no items), 400.154 (an item lacks a field)."""
    if not data:
        raise problems.waiting_file_missing()
    if len(data) > MAX_BYTES:
        raise problems.waiting_file_too_large(MAX_MEGABYTES)
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise problems.waiting_file_unreadable() from None
    if not isinstance(document, dict) or document.get("format") != FORMAT or \
            document.get("version") != VERSION or not isinstance(document.get("items"), list):
        raise problems.waiting_file_wrong_format()
    if not document["items"]:
        raise problems.waiting_file_empty()
    items = [_item(number, item) for number, item in enumerate(document["items"], start=1)]
    return WaitingFile(_text(document.get("username"))[:80], _text(document.get("commune"))[:5],
                       _moment(document.get("exported_at")), items)


def take_in(actor: Actor, scope: Scope, waiting: WaitingFile) -> Imported:
    """Receive every item (as ``POST /api/v1/sync`` does), then audit the import."""
    results = batch.receive_items(
        actor, scope, [batch.Item(i.client_id, i.xml, i.attachments) for i in waiting.items],
        channel="import")
    imported = Imported(waiting, list(zip(waiting.items, results, strict=True)))
    record_event(actor, "submission.import_waiting", "commune", waiting.commune or "-",
                 items=len(results), accepted=imported.count("accepted"),
                 duplicate=imported.count("duplicate"), rejected=imported.count("rejected"))
    return imported


def _item(number: int, item: object) -> FileItem:
    if not isinstance(item, dict):
        raise problems.waiting_item_incomplete(number, "items")
    for field in ("client_id", "form_id", "xml"):
        value = item.get(field)
        if not isinstance(value, str) or not value.strip() or \
                (field != "xml" and len(value) > ID_LIMIT):
            raise problems.waiting_item_incomplete(number, field)
    attachments = item.get("attachments", {})
    if attachments is None:
        attachments = {}
    if not isinstance(attachments, dict) or not all(
            isinstance(name, str) and isinstance(data, str)
            for name, data in attachments.items()):
        raise problems.waiting_item_incomplete(number, "attachments")
    version = item.get("form_version")
    return FileItem(item["client_id"], item["form_id"],
                    version if isinstance(version, str) else "", item["xml"], attachments)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
