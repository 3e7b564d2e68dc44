"""Programme settings per province (issue 12): the threshold table and the pathway's due periods.

The server's defaults come from the environment (``SANGLOC_THRESHOLDS``, ``SANGLOC_*_DAYS``:
``server.programme.current()``); a province may override the table and any period with a
``ProvinceSetting`` row. A period or table the row leaves unset follows the default, so a later
change of the environment still reaches it.

- ``programme_for_commune`` / ``programme_for_person`` / ``programme_for_province``: the
  settings in force for a person of that commune (merging, casework, re-scoring), one small
  read by primary keys;
  ``programme_for_scope``: for a caller whose area lies in exactly one province (a form
  trial), else the defaults.
- ``held_provinces``: the provinces a caller may set, those whose every commune is in their
  scope (a coordinator of a few communes sees the settings through their cases but cannot
  change a whole province's).
- ``list_settings`` / ``read_settings``: a province's own values and those in force, with who
  changed them last; a province not held is 404.8, the same as an unknown one.
- ``read_form``: the page's text as settings (400.110 a period that is not a whole number of
  days in ``DAYS``, 400.111 an unknown table); ``save_settings`` writes the row, a history row
  (``ProvinceSettingChange``: before and after) and an audit row (``settings.change``), or
  nothing when nothing changed; 409.112 when the table changed since the preview the caller
  confirmed. ``history``: the province's changes, newest first.

Re-scoring after a change is the caller's next step (``cases/rescoring.py``). Flushes, never
commits; who may call these (coordinators and admins) is the surface's decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select

import screening_tools
from server import problems
from server.extensions import db
from server.models import AdminUnit, Person, ProvinceSetting, ProvinceSettingChange, User
from server.models.types import utcnow
from server.programme import Programme
from server.services.access.scope import Scope
from server.services.audit import Actor, record_event
from sync.pathway import Periods

PERIOD_NAMES = tuple(item.name for item in fields(Periods))
TABLES = tuple(screening_tools.THRESHOLD_TABLES)
DAYS = (0, 365)  # a due period is a whole number of days within these
ECHOED = 40  # at most this much of a wrong value is said back
HISTORY_SHOWN = 50


@dataclass(frozen=True)
class Proposed:
    """Settings as a coordinator typed them: None (a table) or no entry (a period) = default."""

    thresholds: str | None
    periods: dict[str, int]

    def as_data(self) -> dict[str, Any]:
        return {"thresholds": self.thresholds, "periods": dict(sorted(self.periods.items()))}


@dataclass(frozen=True)
class ProvinceSettings:
    code: str
    name: str
    own: Proposed  # what the province sets itself
    effective: Programme  # what is in force there
    changed_by: str | None  # username; None: never changed, or by the system
    changed_at: datetime | None


@dataclass(frozen=True)
class Change:
    before: dict[str, Any]
    after: dict[str, Any]
    username: str | None
    at: datetime


def programme_for_province(code: str | None, base: Programme) -> Programme:
    row = None if not code else db.session.execute(
        select(ProvinceSetting.thresholds, ProvinceSetting.periods)
        .where(ProvinceSetting.province_code == code)).first()
    return base if row is None else base.with_overrides(row.thresholds, row.periods)


_settings, _units = ProvinceSetting.__table__, AdminUnit.__table__
_OF_COMMUNE = (select(_settings.c.thresholds, _settings.c.periods)
               .join(_units, _units.c.province_code == _settings.c.province_code)
               .where(_units.c.code == bindparam("code")))


def programme_for_commune(commune_code: str | None, base: Programme, *,
                          unflushed: bool = False) -> Programme:
    """The settings in force for a person of ``commune_code``: one read, by primary keys.
    ``unflushed``: read on the session's connection, pending changes not flushed first (the
    merge's new rows wait for its next flush; a Core statement built once)."""
    if not commune_code:
        return base
    if unflushed:
        row = db.session.connection().execute(_OF_COMMUNE, {"code": commune_code}).first()
    else:
        row = db.session.execute(_OF_COMMUNE, {"code": commune_code}).first()
    return base if row is None else base.with_overrides(row.thresholds, row.periods)


def programme_for_person(person_id: str, base: Programme) -> Programme:
    """The settings in force for a registered person (casework on their case)."""
    commune = db.session.scalar(select(Person.commune_code).where(Person.id == person_id))
    return programme_for_commune(commune, base)


def programme_for_scope(scope: Scope, base: Programme) -> Programme:
    """A caller's settings where they are unambiguous: their one province's, else the
    defaults."""
    if len(scope.provinces) != 1:
        return base
    return programme_for_province(next(iter(scope.provinces)), base)


def held_provinces(scope: Scope) -> list[str]:
    """The provinces whose every commune is in ``scope``, by code."""
    if not scope.provinces:
        return []
    rows = db.session.execute(select(AdminUnit.code, AdminUnit.province_code)
                              .where(AdminUnit.province_code.in_(scope.provinces))).all()
    partial = {province for code, province in rows if code not in scope.communes}
    return sorted({province for _, province in rows} - partial)


def check_province(scope: Scope, code: str) -> str:
    """``code`` when the caller holds that whole province; 404.8 otherwise."""
    if code not in scope.provinces or code not in held_provinces(scope):
        raise problems.area_unknown(code[:ECHOED])
    return code


def list_settings(scope: Scope, base: Programme) -> list[ProvinceSettings]:
    codes = held_provinces(scope)
    names = dict(db.session.execute(select(AdminUnit.code, AdminUnit.name)
                                    .where(AdminUnit.code.in_(codes))).all())
    rows = {row.province_code: row for row in db.session.scalars(
        select(ProvinceSetting).where(ProvinceSetting.province_code.in_(codes)))}
    users = _usernames({row.changed_by_id for row in rows.values()})
    return [_settings(code, names.get(code, code), rows.get(code), base, users) for code in codes]


def read_settings(scope: Scope, code: str, base: Programme) -> ProvinceSettings:
    check_province(scope, code)
    name = db.session.scalar(select(AdminUnit.name).where(AdminUnit.code == code))
    row = db.session.get(ProvinceSetting, code)
    return _settings(code, name or code, row, base,
                     _usernames({row.changed_by_id} if row else set()))


def _settings(code: str, name: str, row: ProvinceSetting | None, base: Programme,
              users: Mapping[int, str]) -> ProvinceSettings:
    own = Proposed(row.thresholds, dict(row.periods or {})) if row else Proposed(None, {})
    return ProvinceSettings(code, name, own, base.with_overrides(own.thresholds, own.periods),
                            users.get(row.changed_by_id) if row and row.changed_by_id else None,
                            row.changed_at if row else None)


def _usernames(ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids)))
                .all())


def read_form(form: Mapping[str, str]) -> Proposed:
    """The settings a page's form asks for: ``thresholds`` and ``<period name>`` fields, each
    empty for the default."""
    table = (form.get("thresholds") or "").strip()
    if table and table not in TABLES:
        raise problems.threshold_table_unknown(table[:ECHOED], ", ".join(TABLES))
    periods = {}
    for name in PERIOD_NAMES:
        text = (form.get(name) or "").strip()
        if text:
            periods[name] = read_days(name, text)
    return Proposed(table or None, periods)


def read_days(name: str, text: str) -> int:
    """A whole number of days within ``DAYS`` written in ASCII digits; 400.110 otherwise."""
    if not (text.isascii() and text.isdigit() and len(text) <= 3) or \
            not DAYS[0] <= int(text) <= DAYS[1]:
        raise problems.period_invalid(name, text[:ECHOED], *DAYS)
    return int(text)


def save_settings(actor: Actor, scope: Scope, code: str, proposed: Proposed, *,
                  user_id: int | None, shown_thresholds: str | None) -> bool:
    """Write ``proposed`` as province ``code``'s settings; whether anything changed.
    ``shown_thresholds``: the province's own table when the caller previewed the change."""
    check_province(scope, code)
    row = db.session.get(ProvinceSetting, code)
    before = Proposed(row.thresholds, dict(row.periods or {})) if row else Proposed(None, {})
    if before.thresholds not in (proposed.thresholds, shown_thresholds):
        raise problems.settings_changed_since_preview(code)
    if proposed.as_data() == before.as_data():
        return False
    now = utcnow()
    if row is None:
        row = ProvinceSetting(province_code=code)
        db.session.add(row)
    row.thresholds, row.periods = proposed.thresholds, dict(proposed.periods)
    row.changed_by_id, row.changed_at = user_id, now
    db.session.add(ProvinceSettingChange(province_code=code, before=before.as_data(),
                                         after=proposed.as_data(), changed_by_id=user_id,
                                         changed_at=now))
    changed = sorted(name for name in PERIOD_NAMES
                     if before.periods.get(name) != proposed.periods.get(name))
    record_event(actor, "settings.change", "province", code,
                 thresholds_before=before.thresholds, thresholds_after=proposed.thresholds,
                 periods_changed=changed)
    db.session.flush()
    return True


def history(scope: Scope, code: str, limit: int = HISTORY_SHOWN) -> list[Change]:
    check_province(scope, code)
    rows = list(db.session.scalars(
        select(ProvinceSettingChange).where(ProvinceSettingChange.province_code == code)
        .order_by(ProvinceSettingChange.changed_at.desc(), ProvinceSettingChange.id.desc())
        .limit(limit)))
    users = _usernames({row.changed_by_id for row in rows})
    return [Change(row.before, row.after, users.get(row.changed_by_id), row.changed_at)
            for row in rows]
