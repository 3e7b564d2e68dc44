"""Bearer-token authentication for the API and the caller's scope.

``Authorization: Bearer <token>``: the token's SHA-256 is looked up in ``api_tokens`` (not
revoked, not expired, user active) on every request, nothing cached, so a revocation applies to
the next request. An address that sent too many wrong tokens is refused first (429.1,
``server/security.py``). The caller's scope is their areas expanded both ways, as a
``Scope`` so the submission services can treat the web app like a phone.
"""

from __future__ import annotations

from flask import g, request

from server import problems, security
from server.api import bp
from server.services.access import api_tokens
from server.services.audit import Actor


@bp.before_request
def _authenticate() -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise problems.api_token_invalid()
    with security.checked_token():  # 429.1 for an address sending wrong tokens
        g.user, g.scope = api_tokens.authenticate(token.strip())


def actor() -> Actor:
    return Actor("user", g.user.id, request.remote_addr)
