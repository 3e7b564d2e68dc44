"""What a coordinator keeps about their area: the population denominators of the indicators.

``Denominator``: per commune, year and population group, the number of people the indicators
divide by (children 0-6 for the 70% screening target of QĐ 1929/QĐ-TTg, children 16-30 months
for M-CHAT-R coverage, adults), with who entered it, when and how (typed on a page or
imported from a file).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
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
