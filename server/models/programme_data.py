"""What a coordinator keeps about their area: the population denominators of the indicators.

``Denominator``: per commune, year and population group, the number of people the indicators
divide by (children 0-6 for the 70% screening target of QĐ 1929/QĐ-TTg, children 16-30 months
for M-CHAT-R coverage, adults), with who entered it, when and how (typed on a page or
imported from a file).

``ProvinceSetting``: a province's own programme settings, overriding the server's defaults
(``SANGLOC_THRESHOLDS`` and the ``SANGLOC_*_DAYS`` periods): the threshold table (None: the
default) and the due periods it sets (``periods``: period name -> days; a period not named takes
the default), with who changed them last and when. ``ProvinceSettingChange``: one row per
change, the settings before and after (``{"thresholds": ..., "periods": {...}}``), who and when.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

POPULATION_GROUPS = ("children_0_6", "children_16_30m", "adults")


class Denominator(db.Model):
    __tablename__ = "denominators"
    __table_args__ = (UniqueConstraint("commune_code", "year", "group_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("admin_units.code"), index=True)
    year: Mapped[int]
    group_name: Mapped[str] = mapped_column(String(20))
    value: Mapped[int]
    source: Mapped[str] = mapped_column(String(10), default="page")  # page | import
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProvinceSetting(db.Model):
    __tablename__ = "province_settings"

    province_code: Mapped[str] = mapped_column(ForeignKey("admin_units.code"), primary_key=True)
    thresholds: Mapped[str | None] = mapped_column(String(20), default=None)
    periods: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProvinceSettingChange(db.Model):
    __tablename__ = "province_setting_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("admin_units.code"), index=True)
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
