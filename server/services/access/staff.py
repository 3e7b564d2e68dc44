"""The accounts a coordinator or an admin manages from the pages: within their own area only.

A user is *within* a manager's area when each of the user's areas is one the manager holds, or
a commune of a province the manager holds: a commune's coordinator does not manage a
province-wide user of their province (``Scope`` expands a commune to its province for reading
forms; managing people does not). A user outside is "not found" (404.60), like an unknown
number, so ids reveal nothing. Within the area:

- a manager gives only areas within their own (404.8 otherwise, as for an unknown code);
- only an admin gives the admin role or changes an admin's account (403.4);
- nobody changes their own role or areas, or deactivates themselves (403.60);
- a collaborator whose devices are in use stays a collaborator of those devices' communes
  (409.62): revoke the devices first;
- a new user who signs in to the pages (not a collaborator, who uses a device) gets a random
  password, returned once to be passed on.

Every change is audited by the ``users`` functions it calls; these functions flush, never
commit.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server import problems
from server.extensions import db
from server.models import AdminUnit, AppUser, User
from server.models.area import COMMUNE_CODE_LENGTH
from server.models.user import ROLES
from server.services.access import areas, users
from server.services.access.scope import Scope
from server.services.audit import Actor

NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,79}")


@dataclass(frozen=True)
class Manager:
    """A signed-in coordinator or admin: who they are and the area they manage."""

    user_id: int
    role: str
    held: frozenset[str]  # their own area codes
    communes: frozenset[str]  # every commune within them

    @classmethod
    def of(cls, user: User, scope: Scope) -> Manager:
        return cls(user.id, user.role, frozenset(user.area_codes), scope.communes)

    def holds(self, code: str) -> bool:
        return code in self.held or (len(code) == COMMUNE_CODE_LENGTH and code in self.communes)

    def manages(self, user: User) -> bool:
        codes = user.area_codes
        return bool(codes) and all(self.holds(code) for code in codes)

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles this manager may give."""
        return ROLES if self.role == "admin" else tuple(r for r in ROLES if r != "admin")


@dataclass(frozen=True)
class NewStaff:
    user: User
    password: str | None  # shown once; None for a collaborator (who signs in on no page)


def checked_name(text: str) -> str:
    """A new username or device name: trimmed, lower case, 400.60 unless it fits ``NAME``."""
    name = (text or "").strip().lower()
    if not NAME.fullmatch(name):
        raise problems.account_name_invalid(name[:80])
    return name


def list_managed(manager: Manager) -> list[User]:
    """The users within the manager's area (themselves included), by username."""
    found = db.session.scalars(select(User).options(selectinload(User.areas))
                               .order_by(User.username))
    return [user for user in found if manager.manages(user)]


def get_managed(manager: Manager, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not manager.manages(user):
        raise problems.managed_user_unknown(user_id)
    return user


def area_choices(manager: Manager) -> list[tuple[str, str | None, list[tuple[str, str]]]]:
    """What the manager may give, by province: (province name, the province's code if they
    hold all of it else None, [(commune code, commune name)]), in name order."""
    held = {code for code in manager.held if len(code) == COMMUNE_CODE_LENGTH}
    units = db.session.execute(
        select(AdminUnit.code, AdminUnit.name, AdminUnit.province_code)
        .where(AdminUnit.province_code.in_(manager.held - held) | AdminUnit.code.in_(held))
        .order_by(AdminUnit.name)).all()
    names = areas.names({u.province_code for u in units} | manager.held)
    groups: dict[str, list[tuple[str, str]]] = {}
    for unit in units:
        groups.setdefault(unit.province_code, []).append((unit.code, unit.name))
    return [(names.get(code, code), code if code in manager.held else None, groups[code])
            for code in sorted(groups, key=lambda c: names.get(c, c))]


def create(actor: Actor, manager: Manager, username: str, role: str, area_codes: list[str],
           email: str | None = None) -> NewStaff:
    """A new user within the manager's area."""
    username = checked_name(username)
    _check_role(manager, role)
    _check_areas(manager, area_codes)
    password = None if role == "collaborator" else secrets.token_urlsafe(12)
    user = users.create_user(actor, username, role, sorted(set(area_codes)), password, email)
    return NewStaff(user, password)


def change(actor: Actor, manager: Manager, user_id: int, role: str, area_codes: list[str],
           email: str | None) -> User:
    """A user's role, areas and e-mail, as the edit form sends them all."""
    user = _changeable(manager, user_id)
    codes = sorted(set(area_codes))
    if user.id == manager.user_id and (role != user.role or codes != user.area_codes):
        raise problems.own_account_refused()
    _check_role(manager, role)
    _check_areas(manager, codes)
    _check_devices(user, role, codes)
    users.set_role(actor, user, role)
    users.set_areas(actor, user, codes)
    if (email or "").strip() != (user.email or ""):
        users.set_email(actor, user.username, email)
    return user


def set_active(actor: Actor, manager: Manager, user_id: int, active: bool) -> User:
    """Deactivate a user (their devices and API tokens are refused from then on) or let them
    in again."""
    user = _changeable(manager, user_id)
    if user.id == manager.user_id:
        raise problems.own_account_refused()
    if active:
        return users.activate_user(actor, user.username)
    return users.deactivate_user(actor, user.username)


def reset_password(actor: Actor, manager: Manager, user_id: int) -> NewStaff:
    """A new random password for the user, returned once; their open sessions end."""
    user = _changeable(manager, user_id)
    return NewStaff(user, users.reset_password(actor, user.username))


def _changeable(manager: Manager, user_id: int) -> User:
    user = get_managed(manager, user_id)
    if user.role == "admin" and manager.role != "admin":
        raise problems.admin_only()
    return user


def _check_role(manager: Manager, role: str) -> None:
    if role not in ROLES:
        raise problems.role_unknown(role, ROLES)
    if role not in manager.roles:
        raise problems.admin_only()


def _check_areas(manager: Manager, area_codes: list[str]) -> None:
    if not area_codes:
        raise problems.areas_missing()
    for code in area_codes:
        if not manager.holds(code):
            raise problems.area_unknown(code)


def _check_devices(user: User, role: str, area_codes: list[str]) -> None:
    """409.62 when the change would leave a device in use outside its collaborator."""
    live = db.session.scalars(select(AppUser).where(
        AppUser.user_id == user.id, AppUser.revoked_at.is_(None))).all()
    stranded = sorted({d.commune_code for d in live
                       if role != "collaborator" or not areas.covers(area_codes, d.commune)})
    if stranded:
        raise problems.user_has_devices(user.username, stranded)
