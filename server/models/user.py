"""People and devices: staff users with a role and an area, and app users (device tokens).

An app user is what ODK Collect is configured with: a long random token carried in the URL
path, tied to one collaborator and one commune, revocable. Only the token's SHA-256 is stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.area import AdminUnit
from server.models.types import UTCDateTime, utcnow

ROLES = ("collaborator", "supervisor", "coordinator", "admin")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    language: Mapped[str] = mapped_column(String(5), default="vi")
    # where urgent and review work is announced (services/notify); optional
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    areas: Mapped[list[UserArea]] = relationship(back_populates="user",
                                                 cascade="all, delete-orphan")

    @property
    def area_codes(self) -> list[str]:
        return sorted(area.area_code for area in self.areas)


class UserArea(db.Model):
    """One province (2-digit code) or commune (5-digit code) a user may work in."""

    __tablename__ = "user_areas"
    __table_args__ = (UniqueConstraint("user_id", "area_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("admin_units.code"))

    user: Mapped[User] = relationship(back_populates="areas")


class AppUser(db.Model):
    __tablename__ = "app_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("admin_units.code"))
    language: Mapped[str] = mapped_column(String(5), default="vi")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_user_agent: Mapped[str | None] = mapped_column(String(300), default=None)

    user: Mapped[User] = relationship(lazy="joined")
    commune: Mapped[AdminUnit] = relationship(lazy="joined")
