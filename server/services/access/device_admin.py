"""The devices (app users) a coordinator or an admin manages: those of their area's communes.

A device outside the caller's area is "not found" (404.61), like an unknown number. A new
device is made for a collaborator the caller manages (``staff.py``) and a commune of the
caller's area that the collaborator works in; its token is returned once, since only its hash
is stored: the QR code Collect scans can be made only then. Showing it again means a new token,
which ends the old one (``users.new_app_user_token``). Revoking is final. The list reads each
device's last contact (written when the device authenticates, ``devices.py``) and the forms it
gets (``forms.device_forms``, from one query for the whole list). These functions flush, never
commit; the ``users`` functions they call audit each change.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from sqlalchemy import select

from server import problems
from server.extensions import db
from server.models import AdminUnit, AppUser, User
from server.services.access import areas, users
from server.services.access.devices import collect_version, device_scope, token_hash
from server.services.access.scope import Scope
from server.services.access.staff import Manager, checked_name, get_managed, list_managed
from server.services.audit import Actor, record_event
from server.services.forms import device_forms
from server.services.forms.device_forms import ListedForm


@dataclass(frozen=True)
class DeviceView:
    """A device as the pages show it."""

    device: AppUser
    app_version: str | None  # ODK Collect's version at the last contact
    forms: list[ListedForm]  # what its formList offers now (none once it is cut off)

    @property
    def live(self) -> bool:
        return self.device.revoked_at is None and self.device.user.active


def list_devices(scope: Scope) -> list[DeviceView]:
    """The devices of the scope's communes: those in use first, by commune and name."""
    found = list(db.session.scalars(
        select(AppUser).join(AdminUnit, AdminUnit.code == AppUser.commune_code)
        .where(AppUser.commune_code.in_(_codes(scope)))
        .order_by(AppUser.revoked_at.is_not(None), AdminUnit.name, AppUser.name)))
    return _views(found)


def view(scope: Scope, device_id: int) -> DeviceView:
    return _views([get_device(scope, device_id)])[0]


def _codes(scope: Scope) -> list[str]:
    return sorted(scope.communes)


def _views(found: list[AppUser]) -> list[DeviceView]:
    live = [d for d in found if d.revoked_at is None and d.user.active]
    offered = dict(zip([d.id for d in live],
                       device_forms.list_forms_for_each([device_scope(d) for d in live]),
                       strict=True))
    return [DeviceView(d, collect_version(d.last_user_agent), offered.get(d.id, []))
            for d in found]


def get_device(scope: Scope, device_id: int) -> AppUser:
    device = db.session.get(AppUser, device_id)
    if device is None or not scope.covers_commune(device.commune_code):
        raise problems.managed_device_unknown(device_id)
    return device


def devices_of(user_id: int) -> list[AppUser]:
    """A user's devices (for their page, already found within the area): in use first."""
    return list(db.session.scalars(select(AppUser).where(AppUser.user_id == user_id)
                                   .order_by(AppUser.revoked_at.is_not(None), AppUser.name)))


def collaborators(manager: Manager) -> list[User]:
    """The active collaborators the manager may give a device to."""
    return [u for u in list_managed(manager) if u.role == "collaborator" and u.active]


def commune_choices(scope: Scope) -> list[tuple[str, list[tuple[str, str]]]]:
    """The scope's communes by province: [(province name, [(code, name)])], in name order."""
    units = db.session.execute(
        select(AdminUnit.code, AdminUnit.name, AdminUnit.province_code)
        .where(AdminUnit.code.in_(_codes(scope))).order_by(AdminUnit.name)).all()
    provinces = areas.names({u.province_code for u in units})
    groups: dict[str, list[tuple[str, str]]] = {}
    for unit in units:
        groups.setdefault(unit.province_code, []).append((unit.code, unit.name))
    return [(provinces.get(code, code), groups[code])
            for code in sorted(groups, key=lambda c: provinces.get(c, c))]


def create(actor: Actor, manager: Manager, scope: Scope, name: str, commune_code: str,
           collaborator_id: int | None) -> users.NewAppUser:
    """A device for a collaborator of a commune of the area; its token, once."""
    name = checked_name(name)
    if not scope.covers_commune(commune_code):
        raise problems.commune_outside_area(commune_code[:5])
    if collaborator_id is None:
        raise problems.collaborator_missing()
    collaborator = get_managed(manager, collaborator_id)
    return users.create_app_user(actor, name, commune_code, collaborator.username)


def revoke(actor: Actor, scope: Scope, device_id: int) -> AppUser:
    return users.revoke_app_user(actor, get_device(scope, device_id).name)


def new_token(actor: Actor, scope: Scope, device_id: int) -> tuple[AppUser, str]:
    """A new token for the device (the old one ends); returned once."""
    device = get_device(scope, device_id)
    return device, users.new_app_user_token(actor, device)


def check_token(actor: Actor, scope: Scope, device_id: int, token: str) -> AppUser:
    """The device, if ``token`` is still its token (to print the code just shown); 409.61
    when a newer one replaced it, 409.60 when the device is revoked."""
    device = get_device(scope, device_id)
    if device.revoked_at is not None:
        raise problems.device_revoked_no_code(device.name)
    if not hmac.compare_digest(token_hash(token), device.token_hash):
        raise problems.device_code_replaced(device.name)
    record_event(actor, "app_user.print", "app_user", device.id)
    return device
