"""What the export worker does, step by step; its transactions are the caller's
(``server/jobs/export_runs.py`` commits after each step, so the page sees the progress).

- ``claim_next``: take the oldest queued export with one conditional UPDATE ("running, mine,
  WHERE it is still queued"), so of two workers (two scheduler processes, or the scheduler and
  ``sangloc jobs run``) exactly one gets it: PostgreSQL re-checks the WHERE clause after the
  other writer's row lock, SQLite serialises writers. A running export whose worker stopped
  beating for ``STALE`` (the process died) is taken over the same way.
- ``begin``: count the rows (``rows_total``) in the export's frozen scope and filters.
- ``next_page``: the next ``PAGE_ROWS`` rows (keyset paging: each page is its own short read).
- ``record_progress``: ``rows_done`` and the heartbeat, only while the export is still this
  worker's (False: another took it over; stop).
- ``finish`` / ``fail``: the file's blob, size, SHA-256 and expiry; or a problem code.
- ``expire_exports``: delete the files past their expiry (the blob only when nothing else names
  it) and mark the exports ``expired``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update

from server.extensions import db
from server.models import ExportJob, FormAttachment, SubmissionAttachment
from server.models.types import utcnow
from server.services.access.scope import Scope, scope_for_areas
from server.services.audit import SYSTEM, record_event
from server.services.exports import sources, tables
from server.services.exports.filters import Filters, narrowed
from server.services.exports.requests import KEEP_DAYS, TABLE_PREFIX
from server.storage import BlobStore

STALE = timedelta(minutes=5)
PAGE_ROWS = 500
CLAIMED = 5  # candidates looked at per claim


@dataclass
class Plan:
    export_id: int
    kind: str
    format: str
    header: list[str]
    scope: Scope
    filters: Filters
    total: int
    table_rows: list[list[Any]] | None = field(default=None)  # a table's rows, made at once


def _claimable(now: datetime):
    return or_(ExportJob.state == "queued",
               and_(ExportJob.state == "running", ExportJob.heartbeat_at < now - STALE))


def claim_next(holder: str, now: datetime | None = None) -> int | None:
    """Take the oldest export waiting for a worker; its id, or None when none waits."""
    now = now or utcnow()
    candidates = db.session.scalars(select(ExportJob.id).where(_claimable(now))
                                    .order_by(ExportJob.id).limit(CLAIMED)).all()
    for export_id in candidates:
        taken = db.session.execute(
            update(ExportJob).where(ExportJob.id == export_id, _claimable(now))
            .values(state="running", holder=holder[:200], heartbeat_at=now, started_at=now,
                    rows_done=0, rows_total=None)
            .execution_options(synchronize_session=False)).rowcount
        if taken == 1:
            return export_id
    return None


def begin(export_id: int) -> Plan:
    """Count what the export will hold (``rows_total``) and return how to write it."""
    export = db.session.get_one(ExportJob, export_id, populate_existing=True)
    scope = scope_for_areas(export.area_codes, language=export.language)
    found = Filters.from_data(export.filters)
    if export.kind.startswith(TABLE_PREFIX):
        spec = tables.TABLES[export.kind.removeprefix(TABLE_PREFIX)]
        header, rows = tables.shown_table(spec.build(narrowed(scope, found), found),
                                          export.language)
        plan = Plan(export.id, export.kind, export.format, header, scope, found, len(rows),
                    rows)
    else:
        source = sources.SOURCES[export.kind]
        plan = Plan(export.id, export.kind, export.format, list(source.columns), scope, found,
                    sources.count_rows(source, scope, found))
    export.rows_total = plan.total
    db.session.flush()
    return plan


def next_page(plan: Plan, after: int | None) -> tuple[int | None, list[list[Any]]]:
    """The rows after position ``after`` (a record id, or a table's row index)."""
    if plan.table_rows is not None:
        start = after or 0
        rows = plan.table_rows[start:start + PAGE_ROWS]
        return start + len(rows), rows
    return sources.page_rows(sources.SOURCES[plan.kind], plan.scope, plan.filters, after,
                             PAGE_ROWS)


def record_progress(export_id: int, holder: str, done: int,
                    now: datetime | None = None) -> bool:
    """Rows written so far; False when the export is no longer this worker's."""
    statement = _mine(export_id, holder).values(rows_done=done, heartbeat_at=now or utcnow())
    return db.session.execute(
        statement.execution_options(synchronize_session=False)).rowcount == 1


def _mine(export_id: int, holder: str):
    return update(ExportJob).where(ExportJob.id == export_id, ExportJob.state == "running",
                                   ExportJob.holder == holder[:200])


def finish(export_id: int, holder: str, sha256: str, size: int,
           now: datetime | None = None) -> bool:
    """The export is done: its file's address and size, kept ``KEEP_DAYS``."""
    now = now or utcnow()
    done = db.session.execute(_mine(export_id, holder).values(
        state="done", blob_sha256=sha256, size_bytes=size, finished_at=now, heartbeat_at=now,
        expires_at=now + timedelta(days=KEEP_DAYS))
        .execution_options(synchronize_session=False)).rowcount == 1
    if done:
        record_event(SYSTEM, "export.finish", "export", export_id, bytes=size)
    return done


def fail(export_id: int, holder: str, code: str, now: datetime | None = None) -> None:
    """The export failed with problem ``code`` (shown to the requester in their language)."""
    now = now or utcnow()
    db.session.execute(_mine(export_id, holder).values(
        state="failed", error_code=code[:12], finished_at=now,
        expires_at=now + timedelta(days=KEEP_DAYS))
        .execution_options(synchronize_session=False))
    record_event(SYSTEM, "export.fail", "export", export_id, code=code[:12])


def _referenced_elsewhere(sha256: str, export_id: int) -> bool:
    others = [select(ExportJob.id).where(ExportJob.blob_sha256 == sha256,
                                         ExportJob.id != export_id),
              select(SubmissionAttachment.id).where(SubmissionAttachment.blob_sha256 == sha256),
              select(FormAttachment.id).where(FormAttachment.blob_sha256 == sha256)]
    return any(db.session.scalar(query.limit(1)) is not None for query in others)


def expire_exports(blobs: BlobStore, now: datetime | None = None) -> dict[str, int]:
    """Delete the files of exports past their expiry; mark those exports ``expired``."""
    now = now or utcnow()
    due = db.session.scalars(select(ExportJob).where(
        ExportJob.expires_at < now, ExportJob.state.in_(("done", "failed")))).all()
    deleted = 0
    for export in due:
        sha256, export.blob_sha256 = export.blob_sha256, None
        export.state = "expired"
        db.session.flush()
        if sha256 and not _referenced_elsewhere(sha256, export.id):
            deleted += blobs.delete(sha256)
        record_event(SYSTEM, "export.expire", "export", export.id)
    return {"expired": len(due), "files_deleted": deleted}
