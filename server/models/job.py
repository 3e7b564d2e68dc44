"""Periodic jobs: one row per run of a job, and the lease that lets one scheduler run them.

``JobRun.detail`` holds counts, file names and error text only: never personal data (no names,
answers or phone numbers). ``SchedulerLease`` is one row per lease name; a scheduler process
runs jobs only while its ``holder`` string is in the row and ``expires_at`` is in the future
(see ``server/services/ops/leases.py``). Models never commit or start jobs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

RUN_STATES = ("running", "ok", "failed")


class JobRun(db.Model):
    """One execution of a job from the JOBS table (by the scheduler or ``sangloc jobs run``)."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_name_started_at", "name", "started_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    status: Mapped[str] = mapped_column(String(10), default="running")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SchedulerLease(db.Model):
    """Who may run jobs now: ``holder`` (``host:pid:uuid``) until ``expires_at``."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
