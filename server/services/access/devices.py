"""Authenticating a device (an app user's URL token) into its scope, and its last contact.

``authenticate_token`` runs on every Collect request, so it is one Core query returning a
small ``Scope`` value (``scope.py``), not ORM entities; revocation takes effect on the next
request, except that ``HEAD /submission`` (which changes nothing) may be answered from the
tokens verified for a HEAD in the last few seconds (``authenticate_head``, ``recent_tokens.py``:
a revoked device's HEAD may get 204 for at most that long; its POST is refused at once).
The same look-up notes the device's last contact (the time and the ``User-Agent``, which
carries Collect's version) for the coordinator's device list, but writes it at most once per
``CONTACT_EVERY`` per device: the row read says when it was last written, so the other
requests of those minutes write nothing. The write is one conditional UPDATE in the request's
own unit of work (committed with it, dropped if the request fails).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select, update

from server import problems
from server.extensions import db
from server.models import AdminUnit, AppUser, User
from server.models.types import utcnow
from server.services.access.recent_tokens import RecentTokens
from server.services.access.scope import Scope

CONTACT_EVERY = timedelta(minutes=5)
USER_AGENT_LIMIT = AppUser.__table__.c.last_user_agent.type.length
# Collect's User-Agent: "org.odk.collect.android/<version name> <Android's http.agent>"
_COLLECT = re.compile(r"org\.odk\.collect\.android/(\S{1,40})")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# Built once, on the tables (Core, not the ORM entities) with the token hash as a parameter:
# no statement construction and no ORM execution layer on every request.
_devices, _users, _units = AppUser.__table__, User.__table__, AdminUnit.__table__
#: what ``scope_of`` reads, labelled so that other queries can carry them (``device_forms``)
COLUMNS = (_devices.c.id.label("device_pk"), _devices.c.user_id, _devices.c.commune_code,
           _units.c.name.label("commune_name"), _units.c.province_code, _devices.c.language,
           _devices.c.revoked_at, _users.c.active, _devices.c.last_seen_at)
#: the device of ``:token_hash`` with its user and commune, to join further from
DEVICE = _devices.join(_users, _users.c.id == _devices.c.user_id) \
    .join(_units, _units.c.code == _devices.c.commune_code)
TOKEN_MATCHES = _devices.c.token_hash == bindparam("token_hash")
_QUERY = select(*COLUMNS).select_from(DEVICE).where(TOKEN_MATCHES)


def authenticate_token(token: str, *, read_only: bool = False,
                       user_agent: str | None = None) -> Scope:
    """The device for a URL token; Problem 401.1 (unknown) or 403.1 (revoked or inactive).

    ``read_only`` (HEAD and GET requests): the look-up runs on its own connection in autocommit
    mode, one round trip instead of BEGIN + SELECT + ROLLBACK (HEAD /submission precedes every
    submission Collect sends). ``user_agent`` is the request's, kept as the last contact.
    """
    params = {"token_hash": token_hash(token)}
    if read_only:
        with db.engine.connect() as connection:
            row = connection.execution_options(isolation_level="AUTOCOMMIT") \
                .execute(_QUERY, params).first()
    else:
        row = db.session.connection().execute(_QUERY, params).first()
    return scope_of(row, user_agent)


def scope_of(row, user_agent: str | None) -> Scope:
    """The device of a row of ``COLUMNS`` (None: no such token); 401.1 or 403.1 as
    ``authenticate_token``, and its last contact noted."""
    if row is None:
        raise problems.device_key_unknown()
    if row.revoked_at is not None or not row.active:
        raise problems.device_key_revoked()
    _note_contact(row.device_pk, row.last_seen_at, user_agent)
    return Scope(row.device_pk, row.user_id, row.commune_code, row.commune_name,
                 frozenset({row.commune_code}), frozenset({row.province_code}), row.language)


def authenticate_head(token: str, recent: RecentTokens, user_agent: str | None = None) -> Scope:
    """``authenticate_token`` for ``HEAD /submission``, answered from ``recent`` when this
    token was verified for a HEAD less than its TTL ago (keyed by the token's hash); a miss
    looks it up as before and remembers a positive answer. Never for a request that reads or
    writes anything else."""
    key = token_hash(token)
    scope = recent.get(key)
    if scope is None:
        scope = authenticate_token(token, read_only=True, user_agent=user_agent)
        recent.put(key, scope)
    return scope


def _note_contact(app_user_id: int, last_seen: datetime | None, user_agent: str | None) -> None:
    """Record this contact unless one was recorded less than ``CONTACT_EVERY`` ago (the
    condition is repeated in the UPDATE, so two requests at once write once)."""
    now = utcnow()
    if last_seen is not None and now - last_seen < CONTACT_EVERY:
        return
    table = AppUser.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == app_user_id,
               or_(table.c.last_seen_at.is_(None), table.c.last_seen_at <= now - CONTACT_EVERY))
        .values(last_seen_at=now,
                last_user_agent=(user_agent or "").strip()[:USER_AGENT_LIMIT] or None))


def collect_version(user_agent: str | None) -> str | None:
    """The ODK Collect version named in a User-Agent (``v2025.2.3``); None for another app."""
    found = _COLLECT.search(user_agent or "")
    return found.group(1) if found else None


def device_scope(app_user: AppUser) -> Scope:
    """What a device sees, as ``authenticate_token`` would give it (its commune and that
    commune's province), for showing a device's forms without its token."""
    commune = app_user.commune
    return Scope(app_user.id, app_user.user_id, commune.code, commune.name,
                 frozenset({commune.code}), frozenset({commune.province_code}),
                 app_user.language)
