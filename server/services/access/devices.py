"""Authenticating a device (an app user's URL token) into its scope.

``authenticate_token`` runs on every Collect request, so it is one Core query returning a
small ``Scope`` value (``scope.py``), not ORM entities; revocation takes effect on the next
request (nothing is cached).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from server import problems
from server.extensions import db
from server.models import AdminUnit, AppUser, User
from server.services.access.scope import Scope


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


_QUERY = (
    select(AppUser.id, AppUser.user_id, AppUser.commune_code, AdminUnit.name,
           AdminUnit.province_code, AppUser.language, AppUser.revoked_at, User.active)
    .join(User, User.id == AppUser.user_id)
    .join(AdminUnit, AdminUnit.code == AppUser.commune_code)
)


def authenticate_token(token: str, *, read_only: bool = False) -> Scope:
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
        raise problems.device_key_unknown()
    if row.revoked_at is not None or not row.active:
        raise problems.device_key_revoked()
    return Scope(row.id, row.user_id, row.commune_code, row.name,
                 frozenset({row.commune_code}), frozenset({row.province_code}), row.language)
