"""The facility list a coordinator keeps: where people are referred (issue 11).

- ``list_for(scope)``: the active facilities a user may refer to, those of every province the
  scope touches (a province's own facilities and its communes'), by name. A referral still
  names its facility in free text; this list only helps to write it.
- ``list_managed(scope)``: every facility, active or not, kept within the caller's own area:
  one of their communes, or a province whose every commune is theirs (a coordinator of one
  commune keeps that commune's facilities, not the province's). ``area_choices`` names those
  areas.
- ``add``, ``update``, ``set_active`` change only managed facilities, in managed areas: a
  facility or an area outside is refused as an unknown one (404.50, 404.8), so ids reveal
  nothing. Values are checked before anything changes: a name of at most 200 characters, a
  kind of ``FACILITY_KINDS``, address and phone within their columns, no control characters
  (400.50, 400.51, 400.8, 400.9; ``labels`` names the fields in the caller's language).
  Every change is an audit row holding ids and field names, never the values.

Who may keep the list (coordinators and admins) is the surface's decision. Flushes, never
commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from sqlalchemy import or_, select

from server import problems
from server.extensions import db
from server.inputs import check_length, column_limit
from server.models import AdminUnit, Facility
from server.models.facility import FACILITY_KINDS
from server.models.types import utcnow
from server.services.access import areas
from server.services.access.scope import Scope
from server.services.audit import Actor, record_event

ECHOED = 40  # at most this much of a wrong kind or area code is said back


@dataclass(frozen=True)
class Details:
    """A facility as written in a form or on the command line (checked by ``checked``)."""

    name: str
    kind: str
    area_code: str
    address: str | None = None
    phone: str | None = None


def list_for(scope: Scope) -> list[Facility]:
    """The active facilities of the provinces ``scope`` touches, by name."""
    provinces = list(scope.provinces)
    query = (select(Facility).join(AdminUnit, AdminUnit.code == Facility.area_code)
             .where(Facility.active.is_(True),
                    or_(AdminUnit.code.in_(provinces), AdminUnit.province_code.in_(provinces)))
             .order_by(Facility.name, Facility.id))
    return list(db.session.scalars(query))


def list_managed(scope: Scope) -> list[Facility]:
    """Every facility kept within the caller's own area, active first, then by name."""
    query = (select(Facility).where(Facility.area_code.in_(managed_areas(scope)))
             .order_by(Facility.active.desc(), Facility.name, Facility.id))
    return list(db.session.scalars(query))


def managed_areas(scope: Scope) -> frozenset[str]:
    """The caller's communes, and each province whose every commune is within ``scope``."""
    rows = db.session.execute(select(AdminUnit.code, AdminUnit.province_code)
                              .where(AdminUnit.province_code.in_(list(scope.provinces))))
    partly_held = {province for code, province in rows if code not in scope.communes}
    return frozenset(scope.communes | (scope.provinces - partly_held))


def area_choices(scope: Scope) -> dict[str, str]:
    """Code -> Vietnamese name of the areas a facility may be placed in: provinces first."""
    names = areas.names(managed_areas(scope))
    return {code: name for code, name in sorted(names.items(), key=lambda i: len(i[0]))}


def get_managed(scope: Scope, facility_id: int) -> Facility:
    """One facility kept within the caller's area; 404.50 for any other id."""
    facility = db.session.get(Facility, facility_id)
    if facility is None or facility.area_code not in managed_areas(scope):
        raise problems.facility_unknown(facility_id)
    return facility


def add(actor: Actor, scope: Scope, name: str, kind: str, area_code: str,
        address: str | None = None, phone: str | None = None, *,
        labels: Mapping[str, str] | None = None) -> Facility:
    """Put a facility on the list, in an area the caller keeps."""
    details = checked(Details(name, kind, area_code, address, phone), scope, labels)
    facility = Facility(**_values(details))
    db.session.add(facility)
    db.session.flush()
    record_event(actor, "facility.create", "facility", facility.id, kind=facility.kind,
                 area=facility.area_code)
    return facility


def update(actor: Actor, scope: Scope, facility_id: int, details: Details, *,
           labels: Mapping[str, str] | None = None) -> Facility:
    """Change what the list says of a facility (nothing is audited if nothing changed)."""
    facility = get_managed(scope, facility_id)
    values = _values(checked(details, scope, labels))
    changed = sorted(key for key, value in values.items() if getattr(facility, key) != value)
    if changed:
        for key in changed:
            setattr(facility, key, values[key])
        facility.updated_at = utcnow()
        db.session.flush()
        record_event(actor, "facility.update", "facility", facility.id, changed=changed)
    return facility


def set_active(actor: Actor, scope: Scope, facility_id: int, active: bool) -> Facility:
    """Take a facility off the list (no longer offered) or put it back; past referrals keep
    their own text either way."""
    facility = get_managed(scope, facility_id)
    if facility.active != active:
        facility.active = active
        facility.updated_at = utcnow()
        db.session.flush()
        record_event(actor, "facility.activate" if active else "facility.deactivate",
                     "facility", facility.id)
    return facility


def checked(details: Details, scope: Scope,
            labels: Mapping[str, str] | None = None) -> Details:
    """The details with spaces tidied and empty texts as None, or the first refusal."""
    name, address, phone = (" ".join((value or "").split())
                            for value in (details.name, details.address, details.phone))
    for key, value in (("name", name), ("address", address), ("phone", phone)):
        label = (labels or {}).get(key, key)
        check_length(label, value, column_limit(Facility.__table__.c[key]))
    if not name:
        raise problems.facility_name_missing()
    if details.kind not in FACILITY_KINDS:
        raise problems.facility_kind_unknown(details.kind[:ECHOED], FACILITY_KINDS)
    if details.area_code not in managed_areas(scope):
        raise problems.area_unknown(details.area_code[:ECHOED])
    return Details(name, details.kind, details.area_code, address or None, phone or None)


def _values(details: Details) -> dict[str, str | None]:
    return {field.name: getattr(details, field.name) for field in fields(details)}
