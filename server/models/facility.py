"""Facilities: where a province refers people (hospitals, psychiatric and paediatric services,
social-work centres ...), a list the coordinator keeps.

A facility belongs to an area (a province, or a commune for a health station); a supervisor
whose scope touches that province sees it when recording a referral. A referral still names its
facility in free text (the list helps, it does not limit), so a facility taken off the list
(``active`` false) leaves every past referral as it was.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

FACILITY_KINDS = ("hospital", "psychiatric", "paediatric", "health_station",
                  "social_work_centre", "special_education", "other")


class Facility(db.Model):
    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), default="other")
    area_code: Mapped[str] = mapped_column(ForeignKey("admin_units.code"), index=True)
    address: Mapped[str | None] = mapped_column(String(300), default=None)
    phone: Mapped[str | None] = mapped_column(String(30), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
