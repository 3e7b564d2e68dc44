"""The sync feed for the mobile web app: what changed in the caller's area since a cursor.

Pages: persons and cases come in (updated_at, id) order, at most ``PAGE`` of each per call;
``more`` tells the client to call again at once with the returned cursor. The cursor is an
opaque token holding, per kind, the position reached, signed with the instance's secret key
(``SANGLOC_SECRET_KEY`` when several web nodes serve one database): a cursor the server did not
give is refused (400) before anything is read, so a forged position never reaches a query.
Once a kind is read to its end, its position becomes the time the read started minus a safety
margin, so a record written by a transaction that committed during the read is sent again next
time rather than missed; clients keep the newest ``version`` of each id. Read from a standby
(``server/replica.py``), "the time the read started" is the standby's replay point in time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select, tuple_

from server import problems, programme
from server.extensions import db
from server.models import Case, Form, FormAssignment, FormVersion, Person
from server.models.types import utcnow
from server.replica import read_horizon
from server.services.access.scope import Scope, visible
from server.services.audit import Actor, record_event
from server.services.cases import worklist

PAGE = 1000
SAFETY_MARGIN = timedelta(seconds=10)
BEGINNING = datetime(2000, 1, 1, tzinfo=UTC)
Position = tuple[datetime, str | int]  # (updated_at, id) of the last row sent
_SALT = "sangloc.sync-cursor"
_MAX_ID = 2**63 - 1
_KEY_TYPES = {"persons": str, "cases": int, "forms": int}


def encode_cursor(positions: dict[str, Position], secret: str) -> str:
    data = {kind: [moment.isoformat(), key] for kind, (moment, key) in positions.items()}
    return URLSafeSerializer(secret, salt=_SALT).dumps(data)


def decode_cursor(cursor: str | None, secret: str) -> dict[str, Position]:
    if not cursor:
        return {"persons": (BEGINNING, ""), "cases": (BEGINNING, 0), "forms": (BEGINNING, 0)}
    try:
        data = URLSafeSerializer(secret, salt=_SALT).loads(cursor)
        return {kind: _position(data[kind], kind_type) for kind, kind_type in _KEY_TYPES.items()}
    except (BadData, ValueError, KeyError, TypeError, IndexError):
        raise problems.bad_request("the cursor is not one this server gave") from None


def _position(item: list, key_type: type) -> Position:
    """A (time, id) pair as this server writes it: an aware time and an id in range."""
    moment, key = datetime.fromisoformat(item[0]), item[1]
    if moment.tzinfo is None or type(key) is not key_type:
        raise ValueError("cursor")
    in_range = 0 <= key <= _MAX_ID if key_type is int else len(key) <= 36
    if not in_range:
        raise ValueError("cursor")
    return moment, key


def _page(model, key, scope: Scope, since: Position):
    query = (select(model).where(tuple_(model.updated_at, key) > since)
             .order_by(model.updated_at, key).limit(PAGE))
    if model is Case:
        query = query.join(Person, Person.id == Case.person_id)
    return list(db.session.scalars(query.where(*visible(scope))))


def changes_since(actor: Actor, scope: Scope, cursor: str | None, secret: str) -> dict:
    since = decode_cursor(cursor, secret)
    restart = read_horizon(utcnow()) - SAFETY_MARGIN
    persons = _page(Person, Person.id, scope, since["persons"])
    cases = _page(Case, Case.id, scope, since["cases"])
    more = len(persons) == PAGE or len(cases) == PAGE
    positions = {
        "persons": (persons[-1].updated_at, persons[-1].id) if len(persons) == PAGE
        else (restart, ""),
        "cases": (cases[-1].updated_at, cases[-1].id) if len(cases) == PAGE else (restart, 0),
        "forms": (restart, 0)}
    record_event(actor, "sync.changes", "person", "*", persons=len(persons), cases=len(cases))
    return {"persons": persons, "cases": worklist.views(cases, programme.today()), "more": more,
            "form_versions": _forms_since(scope, since["forms"][0]),
            "cursor": encode_cursor(positions, secret)}


def _forms_since(scope: Scope, since: datetime) -> list[dict]:
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
        if row.id not in seen and scope.covers_assignment(assigned[row.id]):
            seen.add(row.id)
            found.append({"form_id": row.xml_form_id, "version": row.version,
                          "title": row.title, "hash": f"md5:{row.md5}"})
    return found
