"""Signing in to the web pages: a staff user's password, throttled per account and per address.

``sign_in`` checks a username and password (argon2, ``users.verify_password``) and refuses, with
the same problem for an unknown user, a wrong password or a deactivated account (401.3), so a
page never tells which usernames exist. After ``ACCOUNT_LIMIT`` failures for one account, or
``ADDRESS_LIMIT`` from one address, within ``WINDOW_SECONDS``, further tries are refused
(429.2, with the wait) before the password is even checked. Counts are in this process's memory
(``server/throttle.py``), like the device-token throttle. An unknown user costs the same argon2
work as a known one. ``signed_in`` is the look-up of a session's user on every page: active
users only, whose password has not changed since the session began, with their scope.
``sign_in_app`` is the mobile web app's sign-in, for collaborators, with the same counts.
"""

from __future__ import annotations

import contextlib
import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select

from server import problems
from server.extensions import db
from server.models import User
from server.services.access.scope import Scope, scope_of
from server.services.access.users import verify_password
from server.throttle import WrongTokenThrottle, address_key

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
WINDOW_SECONDS = 15 * 60
STAFF_ROLES = ("supervisor", "coordinator", "admin")
APP_ROLE = "collaborator"  # who signs in to the mobile web app (/m/)

_by_account = WrongTokenThrottle(limit=ACCOUNT_LIMIT, window=WINDOW_SECONDS)
_by_address = WrongTokenThrottle(limit=ADDRESS_LIMIT, window=WINDOW_SECONDS)


def sign_in(username: str, password: str, remote_addr: str | None,
            roles: tuple[str, ...] = STAFF_ROLES) -> User:
    """The user, or a problem: 429.2 while throttled, 401.3 for any wrong detail (a user of
    another role than ``roles`` included)."""
    account, address = username.strip().lower()[:80], address_key(remote_addr)
    wait = max(_by_account.wait_seconds(account), _by_address.wait_seconds(address))
    if wait:
        raise problems.sign_in_throttled(wait)
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    known = user is not None and user.active and user.role in roles and \
        bool(user.password_hash)
    # the same argon2 work for an unknown user, so the time taken tells nothing
    if not (verify_password(user, password) if known else _burn(password)):
        _by_account.record_failure(account)
        _by_address.record_failure(address)
        raise problems.sign_in_refused()
    return user


def sign_in_app(username: str, password: str, remote_addr: str | None) -> User:
    """The mobile web app's sign-in: the same checks and counts as the web pages', for
    collaborators. Another role with the right password is told the app is for collaborators
    (403.150); a wrong detail stays 401.3, so nothing tells which usernames exist."""
    user = sign_in(username, password, remote_addr, roles=(APP_ROLE, *STAFF_ROLES))
    if user.role != APP_ROLE:
        raise problems.app_for_collaborators()
    return user


def signed_in(user_id: int, fingerprint: str | None) -> tuple[User, Scope] | None:
    """The session's user and scope; None when the user is gone or deactivated, or their
    password changed since the session began (``fingerprint``)."""
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.role not in STAFF_ROLES or \
            fingerprint != password_fingerprint(user):
        return None
    return user, scope_of(user)


def password_fingerprint(user: User) -> str:
    """Changes whenever the password does: a session holding an older one ends."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


_DUMMY = PasswordHasher().hash("sangloc: no such user")


def _burn(password: str) -> bool:
    with contextlib.suppress(VerificationError):
        PasswordHasher().verify(_DUMMY, password)
    return False


def forget_failures() -> None:
    """Clear the counts (tests, and an operator after a lock-out)."""
    global _by_account, _by_address  # noqa: PLW0603
    _by_account = WrongTokenThrottle(limit=ACCOUNT_LIMIT, window=WINDOW_SECONDS)
    _by_address = WrongTokenThrottle(limit=ADDRESS_LIMIT, window=WINDOW_SECONDS)
