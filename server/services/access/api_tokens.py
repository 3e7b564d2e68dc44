"""API bearer tokens: create, list, revoke, authenticate (with the caller's scope), expire.

Only the token's SHA-256 is stored; the token is shown once, and listings never show it. A token
expires after ``days`` (default 90); the ``expire_tokens`` job revokes expired tokens so they
also leave the lists. ``authenticate`` reads the token and its user on every request (nothing is
cached), so a revocation or a deactivated user is refused from the next request on.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from server import problems
from server.extensions import db
from server.models import ApiToken, User
from server.models.types import utcnow
from server.services.access.devices import token_hash
from server.services.access.scope import Scope, scope_of
from server.services.access.users import get_user
from server.services.audit import Actor, record_event


@dataclass(frozen=True)
class TokenInfo:
    """What an operator may see of a token: never the token or its hash."""

    id: int
    username: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


def create_token(actor: Actor, username: str, days: int = 90) -> str:
    return issue_token(actor, get_user(username), days)[0]


def issue_token(actor: Actor, user: User, days: int = 90) -> tuple[str, datetime]:
    """A new token of ``user`` and when it expires (the mobile app's sign-in)."""
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(days=days)
    db.session.add(ApiToken(user_id=user.id, token_hash=token_hash(token), expires_at=expires_at))
    db.session.flush()
    record_event(actor, "api_token.create", "user", user.id, days=days)
    return token, expires_at


def list_tokens(username: str | None = None) -> list[TokenInfo]:
    """Every token (or a user's), oldest first."""
    query = select(ApiToken.id, User.username, ApiToken.created_at, ApiToken.expires_at,
                   ApiToken.revoked_at).join(User, User.id == ApiToken.user_id)
    if username is not None:
        query = query.where(User.id == get_user(username).id)
    return [TokenInfo(*row) for row in db.session.execute(query.order_by(ApiToken.id))]


def revoke_token(actor: Actor, token_id: int) -> bool:
    """Revoke one token; False if it was already revoked."""
    row = db.session.get(ApiToken, token_id)
    if row is None:
        raise problems.api_token_unknown(token_id)
    return _revoke(actor, row)


def revoke_user_tokens(actor: Actor, username: str) -> int:
    """Revoke every token of a user that is not revoked yet; how many were."""
    user = get_user(username)
    rows = db.session.scalars(select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)).all()
    return sum(_revoke(actor, row) for row in rows)


def _revoke(actor: Actor, row: ApiToken) -> bool:
    if row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    db.session.flush()
    record_event(actor, "api_token.revoke", "api_token", row.id, user_id=row.user_id)
    return True


def find(token: str) -> ApiToken | None:
    """The row of a presented token, whatever its state (None: not an API token)."""
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))


def authenticate(token: str) -> tuple[User, Scope]:
    return user_of(find(token))


def user_of(row: ApiToken | None) -> tuple[User, Scope]:
    """The user and scope of a found token; 401.2 when it is missing, revoked or expired, or
    its user is deactivated."""
    if row is None or row.revoked_at is not None or \
            (row.expires_at is not None and row.expires_at <= utcnow()):
        raise problems.api_token_invalid()
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        raise problems.api_token_invalid()
    return user, scope_of(user)


def revoke_presented(actor: Actor, token: str) -> bool:
    """Revoke the API token a caller presented (signing out); False when it is not an API
    token (a device's: the coordinator revokes those) or was already revoked."""
    row = find(token)
    return row is not None and _revoke(actor, row)


def expire_tokens() -> int:
    """Revoke tokens past their expiry (a job); returns how many."""
    now = utcnow()
    result = db.session.execute(update(ApiToken).where(
        ApiToken.expires_at <= now, ApiToken.revoked_at.is_(None)).values(revoked_at=now))
    return result.rowcount or 0
