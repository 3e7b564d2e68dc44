"""The period of a dashboard: whole months, written ``2026``, ``2026-Q2`` or ``2026-03``.

``read_period`` reads what the page's period control sends (400.130 otherwise); ``period_of``
widens an export's dates to the whole months they touch (the dashboard's aggregates are per
month). ``months_so_far`` is the months of the period that have begun by a given day: the
months a commune could have reported in. Reads nothing, writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from server import problems

YEARS = (2000, 2100)
_PERIOD = re.compile(r"([0-9]{4})(?:-Q([1-4])|-([0-9]{2}))?")


@dataclass(frozen=True)
class Period:
    first: date  # the first day of the first month
    last: date  # the first day of the last month
    label: str  # as the page writes it: 2026, 2026-Q2, 2026-03 (an export: 2026-01..2026-05)

    @property
    def years(self) -> list[int]:
        return list(range(self.first.year, self.last.year + 1))

    def months(self) -> list[date]:
        found, month = [], self.first
        while month <= self.last:
            found.append(month)
            month = _next(month)
        return found

    def months_so_far(self, day: date) -> list[date]:
        """The months of the period that have begun by ``day``."""
        return [month for month in self.months() if month <= day]

    @property
    def end(self) -> date:
        """The last day of the period."""
        return date.fromordinal(_next(self.last).toordinal() - 1)


def _next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def read_period(text: str | None, today: date) -> Period:
    """The period written ``yyyy``, ``yyyy-Qn`` or ``yyyy-mm``; empty: the current year."""
    text = (text or "").strip()
    if not text:
        return year_period(today.year)
    found = _PERIOD.fullmatch(text) if text.isascii() else None
    year = int(found.group(1)) if found else 0
    if not found or not YEARS[0] <= year <= YEARS[1]:
        raise problems.dashboard_period_unreadable(text[:20])
    if found.group(2):
        quarter = int(found.group(2))
        return Period(date(year, 3 * quarter - 2, 1), date(year, 3 * quarter, 1), text)
    if found.group(3):
        month = int(found.group(3))
        if not 1 <= month <= 12:
            raise problems.dashboard_period_unreadable(text[:20])
        return Period(date(year, month, 1), date(year, month, 1), text)
    return year_period(year)


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 1), str(year))


def period_of(date_from: date | None, date_to: date | None, today: date) -> Period:
    """The whole months from ``date_from`` to ``date_to`` (from January of ``date_to``'s year,
    or of this year, when no start is given; to this month when no end is given)."""
    end = date_to or today
    start = date_from or date(end.year, 1, 1)
    first, last = start.replace(day=1), end.replace(day=1)
    if first == date(first.year, 1, 1) and last == date(first.year, 12, 1):
        return year_period(first.year)
    return Period(first, last, f"{first:%Y-%m}..{last:%Y-%m}")


def offered_periods(today: date, years: int = 3) -> list[tuple[str, str]]:
    """The periods a page offers: each of the last ``years`` years, its quarters and months
    (of the current year, only those begun), newest first, as (value, the way it is read)."""
    offered: list[tuple[str, str]] = []
    for year in range(today.year, today.year - years, -1):
        offered.append((str(year), str(year)))
        for quarter in range(1, 5):
            if date(year, 3 * quarter - 2, 1) <= today:
                offered.append((f"{year}-Q{quarter}", f"Q{quarter}/{year}"))
        for month in range(1, 13):
            if date(year, month, 1) <= today:
                offered.append((f"{year}-{month:02d}", f"{month:02d}/{year}"))
    return offered
