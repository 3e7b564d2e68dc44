"""Submissions exactly as received, their attachments, and rejected conflicting bodies.

The raw XML is the source of truth; everything derived (scores, records) can be recomputed from
it. ``(form_id, instance_id)`` is unique, which makes retries and racing duplicate posts store
exactly one submission. An edit (``deprecatedID``) is a new row that supersedes the old one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

# pending: not merged yet; merged; failed: an error, retried by a job with back-off;
# unmergeable: what was sent can never be merged as it is (an impossible date of birth, a
# value too long...), or the retries gave up: kept, with its reason, for a supervisor;
# held: needs a supervisor (e.g. the person's consent was withdrawn); not_scored: an
# ordinary form
MERGE_STATES = ("pending", "merged", "failed", "unmergeable", "held", "not_scored")
#: merge states a supervisor of the submission's commune has to look at
REVIEW_STATES = ("unmergeable", "held")


class Submission(db.Model):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("form_id", "instance_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id"))
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_versions.id"), index=True)
    instance_id: Mapped[str] = mapped_column(String(200))
    deprecated_id: Mapped[str | None] = mapped_column(String(200), default=None)
    xml: Mapped[bytes] = mapped_column(LargeBinary)
    xml_sha256: Mapped[str] = mapped_column(String(64))
    app_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"), default=None)
    # the collaborator who sent it (through a device, or the web app)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    device_id: Mapped[str | None] = mapped_column(String(200), default=None)
    # the commune it was sent for (the sender's home commune): scopes edits and reviews of a
    # submission that has no person
    commune_code: Mapped[str | None] = mapped_column(ForeignKey("admin_units.code"),
                                                     index=True, default=None)
    user_agent: Mapped[str | None] = mapped_column(String(300), default=None)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the edit that replaced this submission (None while it is the current version)
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id"), default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    merge_state: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    merge_error: Mapped[str | None] = mapped_column(Text, default=None)
    merge_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    attachments: Mapped[list[SubmissionAttachment]] = relationship(
        cascade="all, delete-orphan", order_by="SubmissionAttachment.filename")

    @property
    def missing_media(self) -> list[str]:
        return [a.filename for a in self.attachments if a.blob_sha256 is None]


class SubmissionAttachment(db.Model):
    """A file the instance names through a binary field: expected, and present once received."""

    __tablename__ = "submission_attachments"
    __table_args__ = (UniqueConstraint("submission_id", "filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str | None] = mapped_column(String(100), default=None)
    blob_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    size: Mapped[int | None] = mapped_column(default=None)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class SubmissionConflict(db.Model):
    """A body that was refused because its instanceID was already used with different XML.

    Kept for a supervisor to reconcile instead of being lost (openrosa.md, pitfall e.1).
    """

    __tablename__ = "submission_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id"))
    instance_id: Mapped[str] = mapped_column(String(200), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    xml: Mapped[bytes] = mapped_column(LargeBinary)
    xml_sha256: Mapped[str] = mapped_column(String(64))
    app_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"), default=None)
    device_id: Mapped[str | None] = mapped_column(String(200), default=None)
    commune_code: Mapped[str | None] = mapped_column(ForeignKey("admin_units.code"),
                                                     default=None)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
