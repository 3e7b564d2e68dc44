"""Authenticating a device (app-user token) on every OpenRosa request.

This is on the hot path of every Collect request, so it is one Core query returning a small
value object, not ORM entities. Revocation takes effect on the next request: nothing is cached.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select

from server.extensions import db
from server.models import AdminUnit, AppUser, User
from server.problems import Problem


@dataclass(frozen=True)
class Device:
    """An authenticated app user: who it acts for and where it works."""

    id: int
    user_id: int
    commune_code: str
    commune_name: str
    province_code: str | None
    language: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


_QUERY = (
    select(AppUser.id, AppUser.user_id, AppUser.commune_code, AdminUnit.name,
           AdminUnit.province_code, AppUser.language, AppUser.revoked_at, User.active)
    .join(User, User.id == AppUser.user_id)
    .join(AdminUnit, AdminUnit.code == AppUser.commune_code)
)


def authenticate_token(token: str) -> Device:
    """The device for a URL token; Problem 401.1 (unknown) or 403.1 (revoked or inactive)."""
    row = db.session.execute(_QUERY.where(AppUser.token_hash == token_hash(token))).first()
    if row is None:
        raise Problem("401.1")
    if row.revoked_at is not None or not row.active:
        raise Problem("403.1")
    return Device(row.id, row.user_id, row.commune_code, row.name, row.province_code,
                  row.language)


def covers(area_codes: set[str], device: Device) -> bool:
    """Whether an area assignment (province and/or commune codes) includes the device's commune."""
    return not area_codes or device.commune_code in area_codes or \
        device.province_code in area_codes
