"""Forms and their published versions, media files and area assignments.

A published version's XForm bytes are stored once and served verbatim forever; every change is a
new version. The state lives on the form: ``open`` (listed, accepts), ``closing`` (not listed,
still accepts), ``closed`` (rejects).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

FORM_STATES = ("open", "closing", "closed")


class Form(db.Model):
    __tablename__ = "forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    xml_form_id: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("form_versions.id", use_alter=True), default=None)

    current_version: Mapped[FormVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True)
    assignments: Mapped[list[FormAssignment]] = relationship(cascade="all, delete-orphan")


class FormVersion(db.Model):
    __tablename__ = "form_versions"
    __table_args__ = (UniqueConstraint("form_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id"), index=True)
    version: Mapped[str] = mapped_column(String(100))  # "" when the XForm has none
    title: Mapped[str] = mapped_column(String(300))
    xml: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # loaded only to serve it
    md5: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    # path -> bind type, for the "a field never changes type" rule and for exports
    fields: Mapped[dict[str, str]] = mapped_column(JSON)
    binary_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    media: Mapped[list[str]] = mapped_column(JSON, default=list)
    default_language: Mapped[str | None] = mapped_column(String(60), default=None)
    # sync.Binding as data (instrument id, item paths ...) or None for an ordinary form
    binding: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    source_filename: Mapped[str | None] = mapped_column(String(300), default=None)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    form: Mapped[Form] = relationship(foreign_keys=[form_id], lazy="joined")
    attachments: Mapped[list[FormAttachment]] = relationship(cascade="all, delete-orphan")


class FormAttachment(db.Model):
    """A media file (image, CSV for select_one_from_file, ...) of one form version."""

    __tablename__ = "form_attachments"
    __table_args__ = (UniqueConstraint("form_version_id", "filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_versions.id"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    blob_sha256: Mapped[str] = mapped_column(String(64))
    md5: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    attached_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FormAssignment(db.Model):
    """Limits a form to an area. A form with no assignment is offered everywhere."""

    __tablename__ = "form_assignments"
    __table_args__ = (UniqueConstraint("form_id", "area_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id"), index=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("admin_units.code"))
