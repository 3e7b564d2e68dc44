"""Background exports (issue 12): one row per file a coordinator asked for.

An ``ExportJob`` freezes at request time who asked, their area (``area_codes``: the province and
commune codes of their scope) and the filters, so a later change of the user's area or of the
filters on the page changes nothing in a file already asked for. ``kind`` is ``screenings``,
``actions``, ``referrals`` or ``table:<key>`` (a registered dashboard table); ``format`` is
``csv`` or ``xlsx``. ``state`` goes queued -> running -> done | failed; ``rows_done`` /
``rows_total`` are the progress the page shows. The finished file is a blob of the blob store
(``blob_sha256``, ``size_bytes``), deleted by the cleanup job after ``expires_at``
(``state`` then ``expired``). ``error_code`` is a problem code (never a stack trace).
``holder`` and ``heartbeat_at`` say which worker runs it and when it last showed life, so a
second worker never takes a running export unless the first has stopped beating. Models never
commit or start jobs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

EXPORT_STATES = ("queued", "running", "done", "failed", "expired")
EXPORT_FORMATS = ("csv", "xlsx")


class ExportJob(db.Model):
    __tablename__ = "export_jobs"
    __table_args__ = (Index("ix_export_jobs_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(60))
    format: Mapped[str] = mapped_column(String(5))
    area_codes: Mapped[list[str]] = mapped_column(JSON)
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    language: Mapped[str] = mapped_column(String(5), default="vi")
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int | None] = mapped_column(Integer, default=None)
    blob_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger, default=None)
    error_code: Mapped[str | None] = mapped_column(String(12), default=None)
    holder: Mapped[str | None] = mapped_column(String(200), default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None, index=True)

    @property
    def percent(self) -> int:
        """How far the file is, 0-100 (100 when done)."""
        if self.state == "done":
            return 100
        if not self.rows_total:
            return 0
        return min(100, int(100 * self.rows_done / self.rows_total))
