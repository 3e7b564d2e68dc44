"""Staff users and app users (device tokens).

A deactivated user is refused everywhere from the next request on: their API tokens (401.2)
and the devices of their app users (403.1), since both look-ups read ``User.active`` on every
request; activating them again restores both.

Passwords are hashed with argon2. An app-user token is 48 random bytes (URL-safe base64); only
its SHA-256 is stored, so the token is shown once, at creation, and a leaked database does not
leak working device credentials.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select

from server import problems
from server.extensions import db
from server.models import AdminUnit, AppUser, User, UserArea
from server.models.types import utcnow
from server.models.user import ROLES
from server.services.access import areas
from server.services.access.devices import token_hash
from server.services.audit import Actor, record_event

EMAIL_LIMIT = 320
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except VerificationError:
        return False


def create_user(actor: Actor, username: str, role: str, area_codes: list[str],
                password: str | None = None, email: str | None = None) -> User:
    if role not in ROLES:
        raise problems.role_unknown(role, ROLES)
    if not area_codes:
        raise problems.areas_missing()
    if db.session.scalar(select(User).where(User.username == username)):
        raise problems.user_exists(username)
    for code in area_codes:
        areas.get_unit(code)
    user = User(username=username, role=role, email=_checked_email(email),
                password_hash=hash_password(password) if password else None,
                areas=[UserArea(area_code=code) for code in area_codes])
    db.session.add(user)
    db.session.flush()
    record_event(actor, "user.create", "user", user.id, role=role, areas=area_codes)
    return user


MIN_PASSWORD = 10


def change_password(actor: Actor, user: User, current: str, new: str, again: str) -> None:
    """A user changes their own password: the current one, then the new one twice."""
    if not verify_password(user, current):
        raise problems.current_password_wrong()
    if len(new) < MIN_PASSWORD:
        raise problems.password_too_short(MIN_PASSWORD)
    if new != again:
        raise problems.passwords_differ()
    user.password_hash = hash_password(new)
    record_event(actor, "user.password", "user", user.id)
    db.session.flush()


def reset_password(actor: Actor, username: str) -> str:
    """An admin gives a user a new random password (shown once, to be changed at first use);
    the user's open sessions end, since their password changed."""
    user = get_user(username)
    password = secrets.token_urlsafe(12)
    user.password_hash = hash_password(password)
    record_event(actor, "user.password_reset", "user", user.id)
    db.session.flush()
    return password


def working_in(commune: AdminUnit, role: str) -> list[User]:
    """Active users of ``role`` whose areas include the commune or its province, by id."""
    areas = [commune.code] + ([commune.province_code] if commune.province_code else [])
    return list(db.session.scalars(
        select(User).join(UserArea, UserArea.user_id == User.id)
        .where(User.role == role, User.active.is_(True), UserArea.area_code.in_(areas))
        .distinct().order_by(User.id)))


def set_email(actor: Actor, username: str, email: str | None) -> User:
    """Where the user's notifications go (None: none by e-mail)."""
    user = get_user(username)
    user.email = _checked_email(email)
    record_event(actor, "user.update", "user", user.id, email_set=user.email is not None)
    db.session.flush()
    return user


def set_role(actor: Actor, user: User, role: str) -> User:
    """Give ``user`` another role (who may do so is decided by the caller: ``staff.py``)."""
    if role not in ROLES:
        raise problems.role_unknown(role, ROLES)
    if user.role != role:
        record_event(actor, "user.role", "user", user.id, before=user.role, after=role)
        user.role = role
        db.session.flush()
    return user


def set_areas(actor: Actor, user: User, area_codes: list[str]) -> User:
    """Replace ``user``'s areas (province or commune codes, at least one)."""
    codes = sorted(set(area_codes))
    if not codes:
        raise problems.areas_missing()
    for code in codes:
        areas.get_unit(code)
    before = user.area_codes
    if before != codes:
        kept = [area for area in user.areas if area.area_code in codes]
        user.areas = kept + [UserArea(area_code=code) for code in codes
                             if code not in set(before)]
        record_event(actor, "user.areas", "user", user.id, before=before, after=codes)
        db.session.flush()
    return user


def _checked_email(email: str | None) -> str | None:
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > EMAIL_LIMIT or not _EMAIL.fullmatch(email):
        raise problems.email_invalid(email)
    return email


def get_user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise problems.user_unknown(username)
    return user


def deactivate_user(actor: Actor, username: str) -> User:
    return _set_active(actor, username, False)


def activate_user(actor: Actor, username: str) -> User:
    return _set_active(actor, username, True)


def _set_active(actor: Actor, username: str, active: bool) -> User:
    user = get_user(username)
    if user.active != active:
        user.active = active
        db.session.flush()
        record_event(actor, "user.activate" if active else "user.deactivate", "user", user.id)
    return user


@dataclass(frozen=True)
class NewAppUser:
    app_user: AppUser
    token: str  # shown once


def create_app_user(actor: Actor, name: str, commune_code: str,
                    collaborator: str | None = None) -> NewAppUser:
    """Create a device token tied to one collaborator and one commune.

    Without ``collaborator`` a collaborator user of the same name, scoped to the commune, is
    created (or reused when it already exists with that role).
    """
    commune = areas.get_commune(commune_code)
    if db.session.scalar(select(AppUser).where(AppUser.name == name)):
        raise problems.app_user_exists(name)
    user = _collaborator_for(actor, collaborator or name, commune.code)
    if not areas.covers(user.area_codes, commune):
        raise problems.collaborator_outside_commune(user.username, commune.code)
    token = secrets.token_urlsafe(48)
    app_user = AppUser(name=name, token_hash=token_hash(token), user=user, commune=commune,
                       language=user.language)
    db.session.add(app_user)
    db.session.flush()
    record_event(actor, "app_user.create", "app_user", app_user.id, commune=commune.code,
                 user_id=user.id)
    return NewAppUser(app_user, token)


def _collaborator_for(actor: Actor, username: str, commune_code: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        return create_user(actor, username, "collaborator", [commune_code])
    if user.role != "collaborator":
        raise problems.user_not_collaborator(username, user.role)
    return user


def revoke_app_user(actor: Actor, name: str) -> AppUser:
    app_user = db.session.scalar(select(AppUser).where(AppUser.name == name))
    if app_user is None:
        raise problems.app_user_unknown(name)
    if app_user.revoked_at is None:
        app_user.revoked_at = utcnow()
        record_event(actor, "app_user.revoke", "app_user", app_user.id)
        db.session.flush()
    return app_user


def new_app_user_token(actor: Actor, app_user: AppUser) -> str:
    """A new token for a device that is not revoked: the old one stops working at once (only
    hashes are stored, so a device's QR code can be shown again only by making a new one)."""
    if app_user.revoked_at is not None:
        raise problems.device_revoked_no_code(app_user.name)
    token = secrets.token_urlsafe(48)
    app_user.token_hash = token_hash(token)
    record_event(actor, "app_user.new_token", "app_user", app_user.id)
    db.session.flush()
    return token


DEMO_COMMUNE = "00004"  # Phường Ba Đình, Hà Nội


@dataclass(frozen=True)
class DemoAccounts:
    admin_username: str
    admin_password: str
    token: str
    commune_name: str


def create_demo_accounts(actor: Actor, admin_password: str) -> DemoAccounts | None:
    """An admin for the whole country and one demo collaborator device, on first run only."""
    if db.session.scalar(select(User.id).where(User.role == "admin")) is not None:
        return None
    provinces = list(db.session.scalars(
        select(AdminUnit.code).where(AdminUnit.province_code.is_(None))))
    create_user(actor, "admin", "admin", provinces, admin_password)
    created = create_app_user(actor, "demo-ctv", DEMO_COMMUNE)
    return DemoAccounts("admin", admin_password, created.token,
                        created.app_user.commune.name)
