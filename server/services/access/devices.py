"""Who sends submissions and where they may work: devices (app users) and staff scopes.

``authenticate_token`` runs on every Collect request, so it is one Core query returning a
small ``Device`` value, not ORM entities; revocation takes effect on the next request (nothing
is cached). ``scope_of`` gives a staff user's area in the same shape, for the sync API and for
merging what they sent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select

from server.extensions import db
from server.models import AdminUnit, AppUser, User
from server.models.area import COMMUNE_CODE_LENGTH
from server.problems import Problem


@dataclass(frozen=True)
class Device:
    """Who sends submissions and where they work: an app user, or a staff user via the API.

    ``communes`` and ``provinces`` are the scope, expanded both ways (a province brings its
    communes, a commune brings its province), so that an area assignment of either kind can be
    checked with two set intersections.
    """

    id: int | None  # the app user; None for a staff user syncing through the API
    user_id: int
    commune_code: str  # home commune: new persons are registered here by default
    commune_name: str
    communes: frozenset[str]
    provinces: frozenset[str]
    language: str

    def covers_commune(self, code: str | None) -> bool:
        """Whether a record of commune ``code`` is within this scope (reads and writes)."""
        return code is not None and code in self.communes


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


_QUERY = (
    select(AppUser.id, AppUser.user_id, AppUser.commune_code, AdminUnit.name,
           AdminUnit.province_code, AppUser.language, AppUser.revoked_at, User.active)
    .join(User, User.id == AppUser.user_id)
    .join(AdminUnit, AdminUnit.code == AppUser.commune_code)
)


def authenticate_token(token: str, *, read_only: bool = False) -> Device:
    """The device for a URL token; Problem 401.1 (unknown) or 403.1 (revoked or inactive).

    ``read_only`` (HEAD and GET requests): the look-up runs on its own connection in autocommit
    mode, one round trip instead of BEGIN + SELECT + ROLLBACK (HEAD /submission precedes every
    submission Collect sends).
    """
    query = _QUERY.where(AppUser.token_hash == token_hash(token))
    if read_only:
        with db.engine.connect() as connection:
            row = connection.execution_options(isolation_level="AUTOCOMMIT") \
                .execute(query).first()
    else:
        row = db.session.execute(query).first()
    if row is None:
        raise Problem("401.1")
    if row.revoked_at is not None or not row.active:
        raise Problem("403.1")
    return Device(row.id, row.user_id, row.commune_code, row.name,
                  frozenset({row.commune_code}), frozenset({row.province_code}), row.language)


def covers(area_codes: set[str], device: Device) -> bool:
    """Whether an area assignment (province and/or commune codes) reaches the device's scope."""
    return not area_codes or bool(area_codes & device.communes) or \
        bool(area_codes & device.provinces)


def scope_of(user: User) -> Device:
    """The user's areas expanded both ways, as a submission scope."""
    codes = set(user.area_codes)
    communes = {c for c in codes if len(c) == COMMUNE_CODE_LENGTH}
    provinces = codes - communes
    units = db.session.execute(select(AdminUnit.code, AdminUnit.name, AdminUnit.province_code)
                               .where(AdminUnit.province_code.in_(provinces)
                                      | AdminUnit.code.in_(communes))).all()
    all_communes = {u.code for u in units}
    names = {u.code: u.name for u in units}
    provinces |= {u.province_code for u in units if u.code in communes}
    home = min(communes) if communes else min(all_communes, default="")
    return Device(None, user.id, home, names.get(home, ""), frozenset(all_communes),
                  frozenset(provinces), user.language)
