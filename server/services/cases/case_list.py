"""The case list sent to devices: an entity-list style CSV of the people in an area.

Columns ``name,label,__version`` (openrosa.md a.7) plus properties the forms and collaborators
use: date of birth, sex, village, last screening, due action, and the full name (a form fills in
the chosen person's name, date of birth and sex from it, read only; a child form lists only
the persons of its instrument's age range). Work a supervisor assigned to the device's
collaborator is theirs: its kind and due date (``assigned_action``) and what the supervisor
asked (``assigned_note``), and the person's label says it is due, so the collaborator sees it
in the list they pick from. The first row is always the
"new person" entry (JavaRosa refuses an empty choice list). Rows are ordered by normalised name
and id, so the bytes (and so the manifest hash) change only when the content changes. The
persons are those the device's scope sees (``access.scope.visible``).
"""

from __future__ import annotations

import csv
import io
from collections import OrderedDict
from collections.abc import Collection

from sqlalchemy import func, select

from server.extensions import db
from server.models import Case, CaseAction, Person
from server.services.access.scope import Scope, visible
from sync import NEW_PERSON

HEADER = ["name", "label", "__version", "dob", "sex", "village", "last_screening", "due_action",
          "full_name", "assigned_action", "assigned_note"]
# a submission naming the first entry (sync.NEW_PERSON) registers a new person
NEW_PERSON_LABEL = "Người mới (chưa có trong danh sách) / New person"


_ASSIGNED = {"vi": "việc được giao, hạn", "en": "assigned to you, due"}


def _label(name: str | None, dob, assigned_due=None, language: str = "vi") -> str:
    label = f"{name or '?'} ({dob.strftime('%d/%m/%Y')})" if dob else (name or "?")
    if assigned_due is not None:
        words = _ASSIGNED.get(language, _ASSIGNED["vi"])
        label += f" — {words} {assigned_due.strftime('%d/%m/%Y')}"
    return label


# Built lists by (communes, content key). The key is read from the database on every call, so
# a cached list is served only while nothing it shows has changed: every web node answers the
# same, the cache only saves rebuilding (Collect asks for every form's manifest on each refresh).
_CACHE: OrderedDict[tuple, bytes] = OrderedDict()
_CACHE_SIZE = 64


def _content_key(scope: Scope) -> tuple:
    """Count and newest change of the people (and their cases) the list would show."""
    row = db.session.execute(
        select(func.count(Person.id), func.max(Person.updated_at), func.max(Case.updated_at),
               func.sum(Person.version))
        .outerjoin(Case, Case.person_id == Person.id).where(*visible(scope))).one()
    return tuple(row)


def case_list_csv(scope: Scope) -> bytes:
    """The CSV of the persons ``scope`` sees, rebuilt only when its content changed."""
    key = (tuple(sorted(scope.communes)), scope.user_id, scope.language, _content_key(scope))
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    data = _build(scope)
    _CACHE[key] = data
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return data


def _next(column, *conditions):
    """The case's first open action's ``column`` (urgent first, then by due date)."""
    return (select(column).where(CaseAction.case_id == Case.id, CaseAction.state == "open",
                                 *conditions)
            .order_by(CaseAction.urgent.desc(), CaseAction.due, CaseAction.id).limit(1)
            .scalar_subquery())


def _assigned(scope: Scope) -> list:
    """The first open action assigned to the device's collaborator: kind, due, note."""
    mine = CaseAction.assigned_to_id == scope.user_id
    if scope.app_user_id is None or scope.user_id is None:
        mine = CaseAction.id.is_(None)  # only a device's collaborator has assigned work
    return [_next(CaseAction.kind, mine).label("mine"),
            _next(CaseAction.due, mine).label("mine_due"),
            _next(CaseAction.instructions, mine).label("mine_note")]


def _build(scope: Scope) -> bytes:
    rows = db.session.execute(
        select(Person.id, Person.full_name, Person.version, Person.dob, Person.sex,
               Person.village, Case.last_instrument, Case.last_screened_on,
               _next(CaseAction.kind).label("next_action"),
               _next(CaseAction.due).label("next_action_due"),
               *_assigned(scope))
        .outerjoin(Case, Case.person_id == Person.id).where(*visible(scope))
        .order_by(Person.name_key, Person.id))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerow([NEW_PERSON, NEW_PERSON_LABEL, 1, "", "", "", "", "", "", "", ""])
    for r in rows:
        last = f"{r.last_instrument} {r.last_screened_on.isoformat()}" if r.last_screened_on \
            else ""
        due = f"{r.next_action} {r.next_action_due.isoformat()}" if r.next_action_due else ""
        mine = f"{r.mine} {r.mine_due.isoformat()}" if r.mine_due else ""
        writer.writerow([r.id, _label(r.full_name, r.dob, r.mine_due, scope.language),
                         r.version, r.dob.isoformat() if r.dob else "", r.sex or "",
                         r.village or "", last, due, r.full_name or "", mine,
                         r.mine_note or ""])
    return buffer.getvalue().encode("utf-8")


def deleted_states(ids: Collection[str], scope: Scope) -> list[tuple[str, bool]]:
    """Integrity check: each id -> deleted (unknown, out of the area, locked or merged)."""
    alive = set(db.session.scalars(select(Person.id).where(Person.id.in_(list(ids)),
                                                           *visible(scope))))
    return [(i, i not in alive) for i in ids]
