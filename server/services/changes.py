"""The sync feed for the mobile web app: what changed in the caller's area since a cursor.

The cursor is an opaque token holding a time. The next cursor is the time the read started
minus a safety margin, so a record written by a transaction that committed during the read is
sent again next time rather than missed; clients keep the newest ``version`` of each id.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from server.extensions import db
from server.models import Case, Form, FormAssignment, FormVersion, Person
from server.models.types import utcnow
from server.problems import Problem
from server.services.audit import Actor, record_event
from server.services.devices import Device, covers

SAFETY_MARGIN = timedelta(seconds=10)
BEGINNING = datetime(2000, 1, 1, tzinfo=UTC)


def encode_cursor(moment: datetime) -> str:
    return base64.urlsafe_b64encode(moment.isoformat().encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> datetime:
    if not cursor:
        return BEGINNING
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return datetime.fromisoformat(base64.urlsafe_b64decode(padded).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise Problem("400.7", detail="the cursor is not one this server gave") from None


def changes_since(actor: Actor, scope: Device, cursor: str | None) -> dict:
    since = decode_cursor(cursor)
    started = utcnow()
    persons = list(db.session.scalars(select(Person).where(
        Person.commune_code.in_(scope.communes), Person.updated_at > since,
        Person.locked_at.is_(None), Person.merged_into_id.is_(None))))
    cases = list(db.session.scalars(select(Case).join(Person, Person.id == Case.person_id).where(
        Person.commune_code.in_(scope.communes), Case.updated_at > since,
        Person.locked_at.is_(None))))
    record_event(actor, "sync.changes", "person", "*", persons=len(persons), cases=len(cases))
    return {"persons": persons, "cases": cases, "form_versions": _forms_since(scope, since),
            "cursor": encode_cursor(started - SAFETY_MARGIN)}


def _forms_since(scope: Device, since: datetime) -> list[dict]:
    rows = db.session.execute(
        select(Form.id, Form.xml_form_id, FormVersion.version, FormVersion.title,
               FormVersion.md5, FormAssignment.area_code)
        .join(FormVersion, FormVersion.id == Form.current_version_id)
        .outerjoin(FormAssignment, FormAssignment.form_id == Form.id)
        .where(Form.state == "open", FormVersion.published_at > since)).all()
    assigned: dict[int, set[str]] = {}
    for row in rows:
        assigned.setdefault(row.id, set()).update({row.area_code} - {None})
    seen, found = set(), []
    for row in rows:
        if row.id not in seen and covers(assigned[row.id], scope):
            seen.add(row.id)
            found.append({"form_id": row.xml_form_id, "version": row.version,
                          "title": row.title, "hash": f"md5:{row.md5}"})
    return found
