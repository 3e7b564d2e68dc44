"""Administrative units: the 34 provinces and 3,321 communes of the 2025 two-tier reform.

Seeded from ``server/data/admin_units.csv`` (National Statistics Office catalogue). A commune is
the unit every collaborator works in; a province-level scope covers all of its communes.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db

PROVINCE_CODE_LENGTH = 2
COMMUNE_CODE_LENGTH = 5


class AdminUnit(db.Model):
    __tablename__ = "admin_units"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(40))
    province_code: Mapped[str | None] = mapped_column(
        ForeignKey("admin_units.code"), index=True, default=None)
    catalogue_version: Mapped[str] = mapped_column(String(20))

    @property
    def is_province(self) -> bool:
        return len(self.code) == PROVINCE_CODE_LENGTH
