"""The interview date: the day the person was screened, read from the instance.

Collection is often offline: a form filled on Monday may reach the server on Friday, so ages,
age-range checks, rescreen dates and due dates are counted from the interview, not the upload
(pathway.md "Principles"). Where the date comes from, first found wins:

1. a field bound ``sangloc:person="screened_on"`` (``yyyy-mm-dd``), when the form asks for it;
2. the form's ``start`` metadata (the moment the form was opened; Collect writes it with the
   device's offset, ``2026-12-01T09:15:02.123+07:00``: the moment is taken to Vietnam's time,
   UTC+7, before its date is read, so a phone set to another zone dates the interview right);
3. ``end`` (the moment it was finalised), then ``today``.

A date after the day of receipt (for an edit, the first version's receipt, since Collect keeps
the form's first ``start``), or more than ``max_days`` before it, cannot be the interview's
(a device clock that was wrong, a typo): the day of receipt is used instead, and ``refused``
names the source whose date was refused so that a supervisor reviews the screening. An
instance without any of these is dated the day of receipt (``source`` ``received``). This
module must not read the database or a request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sync.binding import TIMESTAMPS, Binding

SCREENED_ON = "screened_on"
VIETNAM = timezone(timedelta(hours=7))
_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?\s*")


@dataclass(frozen=True)
class InterviewDate:
    on: date
    source: str  # screened_on | start | end | today | received
    refused: str | None = None  # the source whose date could not be the interview's


def interview_date(binding: Binding, values: Mapping[str, str], *, received_on: date,
                   max_days: int) -> InterviewDate:
    """The interview date of an instance received on ``received_on`` (module docstring)."""
    sources = [(SCREENED_ON, binding.person.get(SCREENED_ON)),
               *((name, binding.timestamps.get(name)) for name in TIMESTAMPS)]
    for source, path in sources:
        found = _date(values.get(path)) if path else None
        if found is None:
            continue
        if found > received_on or found < received_on - timedelta(days=max_days):
            return InterviewDate(received_on, "received", refused=source)
        return InterviewDate(found, source)
    return InterviewDate(received_on, "received")


def _date(text: str | None) -> date | None:
    """A ``yyyy-mm-dd`` date, or the Vietnam date of a moment written with its offset."""
    match = _DATE.fullmatch(text or "")
    if match is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is not None and moment.tzinfo is not None:
        return moment.astimezone(VIETNAM).date()
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
