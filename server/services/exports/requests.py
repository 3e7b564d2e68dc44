"""Asking for an export, a user's list of exports, and handing a finished one out.

``request_export`` checks the kind (a record export or a registered table), the format and the
filters, freezes the user's area codes and language, and queues the export (audited
``export.request``); a user may have ``MAX_WAITING`` exports queued or running at once
(429.145). ``export_for_download`` gives the file of a finished export to the user who asked
for it, or to an admin whose area covers the export's whole area; anyone else gets the same
404 as for an export that does not exist, so ids reveal nothing. A download is audited
(``export.download``); an expired export is 410.143, one not finished 409.142.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import func, select

from server import problems
from server.extensions import db
from server.models import ExportJob, User
from server.models.export_job import EXPORT_FORMATS
from server.services.access.scope import Scope, scope_for_areas
from server.services.audit import Actor, record_event
from server.services.exports.filters import Filters
from server.services.exports.sources import RECORD_KINDS
from server.services.exports.tables import TABLES

MAX_WAITING = 5
KEEP_DAYS = 7  # a finished file is deleted this long after it was made
LISTED = 30  # exports shown on the page
TABLE_PREFIX = "table:"
MAX_ID = 2**31 - 1  # an INTEGER key


def known_kinds() -> list[str]:
    """Every kind that can be asked for: the record exports, then each registered table."""
    return [*RECORD_KINDS, *(TABLE_PREFIX + key for key in TABLES)]


def request_export(actor: Actor, user: User, scope: Scope, kind: str, fmt: str,
                   found: Filters) -> ExportJob:
    """Queue an export of ``kind`` as ``fmt`` for ``user`` within ``scope``."""
    if kind not in known_kinds():
        raise problems.export_kind_unknown(kind[:60])
    if fmt not in EXPORT_FORMATS:
        raise problems.export_format_unknown(fmt[:10], EXPORT_FORMATS)
    waiting = db.session.scalar(select(func.count(ExportJob.id)).where(
        ExportJob.user_id == user.id, ExportJob.state.in_(("queued", "running"))))
    if waiting >= MAX_WAITING:
        raise problems.export_queue_full(MAX_WAITING)
    export = ExportJob(user_id=user.id, kind=kind, format=fmt, area_codes=user.area_codes,
                       filters=found.to_data(), language=scope.language, state="queued",
                       rows_done=0)
    db.session.add(export)
    db.session.flush()
    record_event(actor, "export.request", "export", export.id, kind=kind, format=fmt,
                 filters=found.to_data())
    return export


def list_exports(user: User, limit: int = LISTED) -> Sequence[ExportJob]:
    """The user's own exports, newest first."""
    query = (select(ExportJob).where(ExportJob.user_id == user.id)
             .order_by(ExportJob.created_at.desc(), ExportJob.id.desc()).limit(limit))
    return db.session.scalars(query.execution_options(populate_existing=True)).all()


def _may_read(user: User, scope: Scope, export: ExportJob) -> bool:
    if export.user_id == user.id:
        return True
    if user.role != "admin":
        return False
    return scope_for_areas(export.area_codes).communes <= scope.communes


def readable_export(user: User, scope: Scope, export_id: int) -> ExportJob:
    """An export the user may see; 404.15 otherwise (the same as one that does not exist)."""
    if not 0 < export_id <= MAX_ID:  # PostgreSQL would refuse the number itself
        raise problems.page_not_found()
    export = db.session.get(ExportJob, export_id, populate_existing=True)
    if export is None or not _may_read(user, scope, export):
        raise problems.page_not_found()
    return export


def export_for_download(actor: Actor, user: User, scope: Scope, export_id: int) -> ExportJob:
    """A finished export the user may download; the download is audited."""
    export = readable_export(user, scope, export_id)
    if export.state == "expired":
        raise problems.export_expired(KEEP_DAYS)
    if export.state != "done" or export.blob_sha256 is None:
        raise problems.export_not_ready()
    record_event(actor, "export.download", "export", export.id, kind=export.kind,
                 format=export.format, owner=export.user_id)
    return export


def file_name(export: ExportJob) -> str:
    """A safe download name: ``sangloc-<kind>-<id>-<yyyymmdd>.<format>`` in ASCII."""
    kind = re.sub(r"[^a-z0-9]+", "-", export.kind.lower()).strip("-") or "export"
    made = export.finished_at or export.created_at
    return f"sangloc-{kind}-{export.id}-{made:%Y%m%d}.{export.format}"
