"""API bearer tokens: create, authenticate (with the caller's scope), expire.

Only the token's SHA-256 is stored; the token is shown once. A token expires after ``days``
(default 90); the ``expire_tokens`` job revokes expired tokens so they also leave the lists.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from server.extensions import db
from server.models import ApiToken, User
from server.models.types import utcnow
from server.problems import Problem
from server.services.audit import Actor, record_event
from server.services.devices import Device, scope_of, token_hash
from server.services.users import get_user


def create_token(actor: Actor, username: str, days: int = 90) -> str:
    user = get_user(username)
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=token_hash(token),
                            expires_at=utcnow() + timedelta(days=days)))
    db.session.flush()
    record_event(actor, "api_token.create", "user", user.id, days=days)
    return token


def authenticate(token: str) -> tuple[User, Device]:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None or \
            (row.expires_at is not None and row.expires_at <= utcnow()):
        raise Problem("401.2")
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        raise Problem("401.2")
    return user, scope_of(user)


def expire_tokens() -> int:
    """Revoke tokens past their expiry (a job); returns how many."""
    now = utcnow()
    result = db.session.execute(update(ApiToken).where(
        ApiToken.expires_at <= now, ApiToken.revoked_at.is_(None)).values(revoked_at=now))
    return result.rowcount or 0
