"""Bearer-token authentication for the API and the caller's scope.

``Authorization: Bearer <token>`` carries either an API token (made by ``sangloc`` or by a
collaborator signing in to the mobile web app) or a device token (the device link a coordinator
makes, the token Collect carries in its URL); ``services/access/bearer.py`` resolves both into
the user, the scope and who the audit trail names, on every request, nothing cached, so a
revocation applies to the next request. An address that sent too many wrong tokens is refused
first (429.1, ``server/security.py``). Only signing in (``POST /api/v1/session``) needs no token.
Views read ``g.user``, ``g.scope`` (whose ``language`` is the caller's: a device's own) and
``actor()``.
"""

from __future__ import annotations

from flask import g, request

from server import problems, security
from server.api import bp
from server.services.access import bearer
from server.services.audit import Actor

OPEN_ENDPOINTS = frozenset({"api.create_session"})


@bp.before_request
def _authenticate() -> None:
    if request.endpoint in OPEN_ENDPOINTS:
        return
    g.token = presented_token()
    with security.checked_token():  # 429.1 for an address sending wrong tokens
        g.caller = bearer.resolve(g.token, user_agent=request.headers.get("User-Agent"))
    g.user, g.scope = g.caller.user, g.caller.scope


def presented_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise problems.api_token_invalid()
    return token.strip()


def actor() -> Actor:
    return g.caller.actor(request.remote_addr)
