"""The person register (children and adults), their consent, possible duplicates and conflicts.

A person is created by the first consented submission that does not name an existing person.
Consent is recorded per submission (who, relation, method, time, form version); a withdrawal
locks the person: no new screenings, left out of lists, case lists and exports. A refusal is
kept as a consent row without a person, holding nothing else about them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, utcnow
from sync import FIELD_LIMITS


def new_uuid() -> str:
    return str(uuid.uuid4())


class Person(db.Model):
    __tablename__ = "persons"
    __table_args__ = (Index("ix_persons_duplicate_key", "commune_code", "dob", "name_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    full_name: Mapped[str | None] = mapped_column(String(FIELD_LIMITS["full_name"]),
                                                  default=None)
    name_key: Mapped[str | None] = mapped_column(String(200), default=None)  # normalised name
    dob: Mapped[date | None] = mapped_column(Date, default=None)
    sex: Mapped[str | None] = mapped_column(String(FIELD_LIMITS["sex"]), default=None)
    caregiver_name: Mapped[str | None] = mapped_column(String(FIELD_LIMITS["caregiver_name"]),
                                                       default=None)
    phone: Mapped[str | None] = mapped_column(String(FIELD_LIMITS["phone"]), default=None)
    commune_code: Mapped[str] = mapped_column(ForeignKey("admin_units.code"), index=True)
    village: Mapped[str | None] = mapped_column(String(FIELD_LIMITS["village"]),
                                                default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_app_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_users.id"), default=None)
    created_from_submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id"), default=None)
    # bumped on every change: the case list's __version and the sync feed's cursor use it
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    merged_into_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id"), default=None)

    @property
    def active(self) -> bool:
        return self.locked_at is None and self.merged_into_id is None


class Consent(db.Model):
    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id"), index=True,
                                                  default=None)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), default=None)
    given: Mapped[bool]
    given_by: Mapped[str | None] = mapped_column(String(FIELD_LIMITS["consent_by"]),
                                                 default=None)
    relation: Mapped[str | None] = mapped_column(String(FIELD_LIMITS["consent_relation"]),
                                                 default=None)
    method: Mapped[str | None] = mapped_column(String(FIELD_LIMITS["consent_method"]),
                                               default=None)
    child_assent: Mapped[bool | None] = mapped_column(default=None)
    form_id: Mapped[str | None] = mapped_column(String(200), default=None)
    form_version: Mapped[str | None] = mapped_column(String(100), default=None)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text, default=None)

    # the unit of work inserts the person before a consent that names it
    person: Mapped[Person | None] = relationship()


class PersonLink(db.Model):
    """Two person records that may be the same person, for a supervisor to merge or keep."""

    __tablename__ = "person_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    other_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40), default="possible_duplicate")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    resolution: Mapped[str | None] = mapped_column(String(20), default=None)  # merged | distinct


class RegistrationConflict(db.Model):
    """A submission whose registration data disagrees with the stored person: both are kept."""

    __tablename__ = "registration_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)  # field -> [stored, sent]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    resolution: Mapped[str | None] = mapped_column(String(20), default=None)  # kept | taken
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
