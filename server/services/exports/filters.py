"""The filters of an export, read from a form, frozen in the export row, applied to a scope.

Every value comes from outside (the exports page, or a dashboard page posting its own filters):
each is checked for length and characters, a date is ``yyyy-mm-dd`` or ``dd/mm/yyyy``, and a
province or commune must be within the caller's scope (400.141 names the field otherwise).
Unknown form fields are ignored, so a dashboard page may post all of its controls. ``age_band``
is passed to dashboard tables only; record exports do not use it (a row's age is in the row).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from server import problems
from server.extensions import db
from server.models import AdminUnit
from server.programme import VIETNAM
from server.services.access.scope import Scope

FIELDS = ("date_from", "date_to", "province", "commune", "instrument", "sex", "age_band")
_TOKEN = re.compile(r"[a-z0-9_\-]{1,40}")
_CODE = re.compile(r"[0-9]{2,5}")
SEXES = ("male", "female", "other")


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    province: str | None = None
    commune: str | None = None
    instrument: str | None = None
    sex: str | None = None
    age_band: str | None = None

    def to_data(self) -> dict[str, str]:
        """As JSON-safe data (dates ISO), empty ones left out: what the export row keeps."""
        data = {}
        for name in FIELDS:
            value = getattr(self, name)
            if value is not None:
                data[name] = value.isoformat() if isinstance(value, date) else value
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Filters:
        values = {name: data.get(name) for name in FIELDS}
        for name in ("date_from", "date_to"):
            if values[name]:
                values[name] = date.fromisoformat(values[name])
        return cls(**values)

    def moments(self) -> tuple[datetime | None, datetime | None]:
        """The period as UTC moments: from the start of ``date_from`` to the end of
        ``date_to``, in Vietnam time (for records stamped with a moment, like actions)."""
        start = end = None
        if self.date_from:
            start = datetime.combine(self.date_from, time(0), VIETNAM).astimezone(UTC)
        if self.date_to:
            end = datetime.combine(self.date_to, time.max, VIETNAM).astimezone(UTC)
        return start, end


def read_filters(form: Mapping[str, str], scope: Scope) -> Filters:
    """The filters typed or posted; 400.141 for one that cannot be used."""
    values: dict[str, Any] = {}
    for name in ("date_from", "date_to"):
        values[name] = _date(form.get(name), name)
    for name in ("province", "commune"):
        text = _text(form.get(name))
        if text is not None and not _CODE.fullmatch(text):
            raise problems.export_filter_invalid(name)
        values[name] = text
    for name in ("instrument", "sex", "age_band"):
        text = _text(form.get(name))
        if text is not None and not _TOKEN.fullmatch(text):
            raise problems.export_filter_invalid(name)
        values[name] = text
    found = Filters(**values)
    _check(found, scope)
    return found


def _check(found: Filters, scope: Scope) -> None:
    if found.date_from and found.date_to and found.date_from > found.date_to:
        raise problems.export_filter_invalid("date_to")
    if found.province is not None and found.province not in scope.provinces:
        raise problems.export_filter_invalid("province")
    if found.commune is not None and not scope.covers_commune(found.commune):
        raise problems.export_filter_invalid("commune")
    if found.sex is not None and found.sex not in SEXES:
        raise problems.export_filter_invalid("sex")


def _text(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def _date(value: str | None, name: str) -> date | None:
    text = _text(value)
    if text is None:
        return None
    parts = text.split("/")
    try:
        if len(parts) == 3 and len(text) <= 10:
            found = date(int(parts[2]), int(parts[1]), int(parts[0]))
        elif len(text) == 10 and text.isascii():
            found = date.fromisoformat(text)
        else:
            raise ValueError(text)
    except (ValueError, OverflowError):
        raise problems.export_filter_invalid(name) from None
    if not 1900 <= found.year <= 2100:
        raise problems.export_filter_invalid(name)
    return found


def narrowed(scope: Scope, found: Filters) -> Scope:
    """``scope`` limited to the province and commune asked for (both already within it)."""
    communes = scope.communes
    if found.province is not None:
        in_province = db.session.scalars(select(AdminUnit.code).where(
            AdminUnit.province_code == found.province))
        communes = communes & frozenset(in_province)
    if found.commune is not None:
        communes = communes & {found.commune}
    return dataclasses.replace(scope, communes=frozenset(communes))
