"""Form drafts: an uploaded form, converted and checked, kept until it is published or discarded.

A draft is never served to devices: it is not a ``FormVersion``, so formList, the manifest and
submissions never see it. There is at most one draft per form id (a new upload replaces it).
It keeps the XForm bytes as they will be published, the uploaded file, what the XForm says
(fields, media, binding) and the media files attached to it, which publishing carries onto
the new version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class FormDraft(db.Model):
    __tablename__ = "form_drafts"
    # ids never reused (SQLite would reuse the highest after a delete): a page opened on a
    # replaced draft must not act on its replacement
    __table_args__ = (UniqueConstraint("xml_form_id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    xml_form_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    xml: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    md5: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # the uploaded file
    source_filename: Mapped[str] = mapped_column(String(300))
    fields: Mapped[dict[str, str]] = mapped_column(JSON)  # path -> bind type
    media: Mapped[list[str]] = mapped_column(JSON, default=list)
    default_language: Mapped[str | None] = mapped_column(String(60), default=None)
    binding: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)  # pyxform's
    validated: Mapped[bool] = mapped_column(Boolean, default=False)  # JavaRosa ran
    # the areas a new form is assigned to when published (the uploading coordinator's);
    # None: offered everywhere (an admin's upload) or the form exists already
    area_codes: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    attachments: Mapped[list[FormDraftAttachment]] = relationship(
        cascade="all, delete-orphan", order_by="FormDraftAttachment.filename")


class FormDraftAttachment(db.Model):
    """A media file attached to a draft (the blob is in the blob store)."""

    __tablename__ = "form_draft_attachments"
    __table_args__ = (UniqueConstraint("draft_id", "filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("form_drafts.id", ondelete="CASCADE"),
                                          index=True)
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    blob_sha256: Mapped[str] = mapped_column(String(64))
    md5: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    attached_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
