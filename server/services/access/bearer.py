"""The one look-up of an API bearer token: an API token or a device (app user) token.

The mobile web app carries either kind in ``Authorization: Bearer``: an API token made when a
collaborator signs in (``api_tokens``), or the token of a device link a coordinator made, the
same one ODK Collect carries in its URL (``devices``). ``resolve`` turns either into one
``Caller``: the user, the scope, and who the audit trail names. A device acts as itself
(``Actor("app_user", ...)``, as over OpenRosa) with its own commune and language; an API token
acts as its user. Both tokens are stored as the same SHA-256, so one hash finds either.
An unknown token of both kinds is 401.2; a revoked device (or its deactivated collaborator)
is 403.1; a revoked or expired API token, or a deactivated user's, is 401.2. ``me`` is what
the app shows and keeps of its caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from server import problems
from server.extensions import db
from server.models import AdminUnit, User
from server.services.access import api_tokens, devices
from server.services.access.scope import Scope
from server.services.audit import Actor


@dataclass(frozen=True)
class Caller:
    user: User
    scope: Scope

    @property
    def device(self) -> bool:
        """Whether the token is a device's (app user's), not an API token."""
        return self.scope.app_user_id is not None

    def actor(self, remote_addr: str | None) -> Actor:
        if self.device:
            return Actor("app_user", self.scope.app_user_id, remote_addr)
        return Actor("user", self.user.id, remote_addr)


def resolve(token: str, *, user_agent: str | None = None) -> Caller:
    """The caller a bearer token stands for; a Problem (401.2, 403.1) when there is none."""
    found = api_tokens.find(token)
    if found is not None:
        return Caller(*api_tokens.user_of(found))
    try:
        scope = devices.authenticate_token(token, user_agent=user_agent)
    except problems.Problem as problem:
        if problem.code == problems.device_key_unknown().code:
            raise problems.api_token_invalid() from None
        raise
    user = db.session.get(User, scope.user_id)
    if user is None:  # authenticate_token joined the user: only a concurrent delete
        raise problems.device_key_revoked()
    return Caller(user, scope)


def me(caller: Caller) -> dict:
    """Who the app works for: the user, whether a device link, the home commune and every
    commune of the scope (a device: its one commune), by code."""
    scope = caller.scope
    names = dict(db.session.execute(select(AdminUnit.code, AdminUnit.name)
                                    .where(AdminUnit.code.in_(scope.communes))).all())
    return {"username": caller.user.username, "user_id": caller.user.id,
            "role": caller.user.role, "language": scope.language, "device": caller.device,
            "commune": {"code": scope.commune_code, "name": scope.commune_name},
            "communes": [{"code": code, "name": names.get(code, "")}
                         for code in sorted(scope.communes)]}
