"""The one scope of a caller, and the one rule of who may see which person.

A ``Scope`` is what an app user (a device), an API token's user, and later a signed-in user may
see and change: their communes and provinces, expanded both ways (a province brings its
communes, a commune brings its province), so that a record's commune and a form's area
assignment are each checked with a set look-up. Every list, read, export, case list and sync
feed filters persons with ``visible(scope)`` (``visible_persons`` for a plain person query):
in the scope's communes, not locked by a consent withdrawal, not merged into another record.
A person outside the scope is "not found", never "forbidden", so ids reveal nothing. Every
write checks the record it touches with ``covers_commune`` before anything changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, select

from server.extensions import db
from server.models import AdminUnit, Person, User
from server.models.area import COMMUNE_CODE_LENGTH


@dataclass(frozen=True)
class Scope:
    """Who acts and where: an app user, or a staff user (API, web)."""

    app_user_id: int | None  # the device; None for a staff user
    user_id: int | None  # None for the whole country (a system export)
    commune_code: str  # home commune: new persons are registered here by default
    commune_name: str
    communes: frozenset[str]
    provinces: frozenset[str]
    language: str

    def covers_commune(self, code: str | None) -> bool:
        """Whether a record of commune ``code`` is within this scope (reads and writes)."""
        return code is not None and code in self.communes

    def covers_assignment(self, area_codes: set[str]) -> bool:
        """Whether a form assigned to these province/commune codes (none: everywhere) is
        offered in this scope."""
        return not area_codes or bool(area_codes & self.communes) or \
            bool(area_codes & self.provinces)


def visible(scope: Scope) -> tuple[ColumnElement[bool], ...]:
    """The conditions on ``Person`` for the persons ``scope`` may see."""
    return (Person.commune_code.in_(scope.communes), Person.locked_at.is_(None),
            Person.merged_into_id.is_(None))


def visible_persons(scope: Scope) -> Select:
    """The persons ``scope`` may see, as a query to refine."""
    return select(Person).where(*visible(scope))


def scope_of(user: User) -> Scope:
    """A staff user's scope: their areas expanded both ways."""
    scope = scope_for_areas(user.area_codes, language=user.language)
    return Scope(None, user.id, scope.commune_code, scope.commune_name, scope.communes,
                 scope.provinces, user.language)


def scope_for_areas(area_codes: list[str] | None, *, language: str = "vi") -> Scope:
    """The scope of province and/or commune codes; None means the whole country (CLI)."""
    query = select(AdminUnit.code, AdminUnit.name, AdminUnit.province_code)
    if area_codes is not None:
        codes = set(area_codes)
        communes = {c for c in codes if len(c) == COMMUNE_CODE_LENGTH}
        query = query.where(AdminUnit.province_code.in_(codes - communes)
                            | AdminUnit.code.in_(communes))
    units = db.session.execute(query.where(AdminUnit.province_code.is_not(None))).all()
    all_communes = {u.code for u in units}
    names = {u.code: u.name for u in units}
    asked = {c for c in (area_codes or ()) if len(c) == COMMUNE_CODE_LENGTH} & all_communes
    home = min(asked) if asked else min(all_communes, default="")
    provinces = {u.province_code for u in units}
    return Scope(None, None, home, names.get(home, ""), frozenset(all_communes),
                 frozenset(provinces), language)
