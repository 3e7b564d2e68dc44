"""Dashboard aggregates: counts per commune and month that the indicator pages read.

The dashboards never read screenings, actions or referrals per page view (issue 12): they read
these small tables, which are rebuilt from the records one commune and year at a time.

``AggregateCount``: how many of something (``measure``) happened in a commune in a month, per
instrument, sex and age band (``""`` where the measure has none). ``AggregateValue``: the
distribution of a whole-number measure (days from a positive screen to referral, age at
diagnosis in months) as counts per value, so a median over any set of cells is exact.
``AggregateDirty``: a commune and year whose aggregates must be recomputed; a merge, an action
or a referral change marks one, and the ``refresh_aggregates`` job recomputes it.
The measures and their exact meaning are listed in ``services/programme/measures.py``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class AggregateCount(db.Model):
    __tablename__ = "agg_counts"
    __table_args__ = (
        UniqueConstraint("commune_code", "month", "measure", "instrument", "sex", "age_band",
                         name="uq_agg_counts_cell"),
        Index("ix_agg_counts_province", "province_code", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    commune_code: Mapped[str] = mapped_column(String(5))
    month: Mapped[date] = mapped_column(Date)  # the first day of the month
    measure: Mapped[str] = mapped_column(String(30))
    instrument: Mapped[str] = mapped_column(String(40), default="")
    sex: Mapped[str] = mapped_column(String(10), default="")
    age_band: Mapped[str] = mapped_column(String(10), default="")
    value: Mapped[int] = mapped_column(default=0)


class AggregateValue(db.Model):
    __tablename__ = "agg_values"
    __table_args__ = (
        UniqueConstraint("commune_code", "month", "measure", "instrument", "sex", "age_band",
                         "amount", name="uq_agg_values_cell"),
        Index("ix_agg_values_province", "province_code", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    commune_code: Mapped[str] = mapped_column(String(5))
    month: Mapped[date] = mapped_column(Date)
    measure: Mapped[str] = mapped_column(String(30))
    instrument: Mapped[str] = mapped_column(String(40), default="")
    sex: Mapped[str] = mapped_column(String(10), default="")
    age_band: Mapped[str] = mapped_column(String(10), default="")
    amount: Mapped[int]  # the measured whole number (days, months)
    value: Mapped[int] = mapped_column(default=0)  # how many had it


class AggregateDirty(db.Model):
    __tablename__ = "agg_dirty"

    commune_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
