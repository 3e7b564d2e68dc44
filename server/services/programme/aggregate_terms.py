"""The terms the aggregates are grouped by: month, age band and sex, in Python and in SQL.

Each term exists twice, once as a plain function (for values folded in Python and for the
unit tests) and once as a SQL expression built from the same table, so the two cannot
disagree. The SQL is dialect-neutral (CASE over bound values): the first day of a month is
found by comparing with the twelve month starts of the year, computed here, never by a
database's date functions. The only dialect-specific piece is ``shifted`` (a date or a
moment plus days and hours), compiled for SQLite and PostgreSQL. Nothing here reads or writes
the database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Date, Integer, String, and_, case, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.types import DateTime

from server.programme import VIETNAM
from server.services.programme.measures import AGE_BANDS

#: (band, first month of age, first month of the next band); "18y" has no end
BAND_MONTHS: tuple[tuple[str, int, int | None], ...] = (
    ("u16m", 0, 16), ("16_30m", 16, 31), ("31m_6y", 31, 84), ("7_11y", 84, 144),
    ("12_17y", 144, 216), ("18y", 216, None))
MONTHS_PER_YEAR = 12
assert (*(b for b, _, _ in BAND_MONTHS), "unknown") == AGE_BANDS


def _band_of_months(months: int) -> str:
    return next(band for band, low, high in BAND_MONTHS
                if months >= low and (high is None or months < high))


def age_band(age_months: int | None, age_years: int | None = None) -> str:
    """The band of an age at screening: from completed months; from whole years only when
    every month of that year falls in one band (a 1-year-old may be 12 or 23 months)."""
    if age_months is not None and age_months >= 0:
        return _band_of_months(age_months)
    if age_years is not None and age_years >= 0:
        first = _band_of_months(age_years * MONTHS_PER_YEAR)
        last = _band_of_months(age_years * MONTHS_PER_YEAR + MONTHS_PER_YEAR - 1)
        return first if first == last else "unknown"
    return "unknown"


def completed_months(dob: date, on: date) -> int:
    """Whole months from ``dob`` to ``on`` (a month is complete on the same day of month)."""
    months = (on.year - dob.year) * MONTHS_PER_YEAR + on.month - dob.month
    return months - 1 if on.day < dob.day else months


def band_on(dob: date | None, on: date) -> str:
    """The band of a person born ``dob`` on the day ``on`` (``unknown`` without a birth date)."""
    return "unknown" if dob is None or dob > on else age_band(completed_months(dob, on))


def sex_of(stored: str | None) -> str:
    """``male`` / ``female`` as the forms store them; empty is ``unknown``; else ``other``."""
    value = (stored or "").strip().lower()
    if value in ("male", "female"):
        return value
    return "unknown" if not value else "other"


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_starts(year: int) -> list[date]:
    """The first days of the twelve months of ``year`` and of the next January."""
    return [date(year, m, 1) for m in range(1, 13)] + [date(year + 1, 1, 1)]


def moment_of(day: date) -> datetime:
    """The UTC moment a Vietnam day starts."""
    return datetime(day.year, day.month, day.day, tzinfo=VIETNAM).astimezone(UTC)


def month_of_day(column: ColumnElement, year: int) -> ColumnElement:
    """SQL: the first day of the month of a date ``column`` within ``year``."""
    starts = month_starts(year)
    return case(*[(column < starts[i + 1], literal(starts[i], Date)) for i in range(11)],
                else_=literal(starts[11], Date))


def month_of_moment(column: ColumnElement, year: int) -> ColumnElement:
    """SQL: the first day of the Vietnam month of a UTC moment ``column`` within ``year``."""
    starts = month_starts(year)
    return case(*[(column < moment_of(starts[i + 1]), literal(starts[i], Date))
                  for i in range(11)], else_=literal(starts[11], Date))


def within_days(column: ColumnElement, year: int) -> ColumnElement:
    """SQL: a date ``column`` falls in ``year``."""
    return and_(column >= date(year, 1, 1), column < date(year + 1, 1, 1))


def within_moments(column: ColumnElement, year: int) -> ColumnElement:
    """SQL: a UTC moment ``column`` falls in ``year`` in Vietnam."""
    return and_(column >= moment_of(date(year, 1, 1)), column < moment_of(date(year + 1, 1, 1)))


def band_case(months: ColumnElement, years: ColumnElement) -> ColumnElement:
    """SQL: ``age_band`` of the two age columns of a screening."""
    whens = [(and_(months >= low, months < high) if high is not None else months >= low, band)
             for band, low, high in BAND_MONTHS]
    for band, low, high in BAND_MONTHS:  # whole years: only when the year is in one band
        last = None if high is None else (high - MONTHS_PER_YEAR) // MONTHS_PER_YEAR
        first = -(-low // MONTHS_PER_YEAR)
        test = and_(months.is_(None), years >= first)
        whens.append((test if last is None else and_(test, years <= last), band))
    return case(*whens, else_=literal("unknown", String))


def sex_case(column: ColumnElement) -> ColumnElement:
    """SQL: ``sex_of`` a stored sex."""
    value = func.lower(func.trim(column))
    return case((value.in_(("male", "female")), value),
                (func.coalesce(value, "") == "", "unknown"), else_="other")


class shifted(FunctionElement):
    """SQL: a date or moment plus ``days`` and ``hours`` (bound whole numbers), as a UTC
    moment without a time zone, as ``UTCDateTime`` stores it."""

    type = DateTime()
    inherit_cache = True

    def __init__(self, expr: ColumnElement, days: int = 0, hours: int = 0):
        super().__init__(expr, literal(int(days), Integer), literal(int(hours), Integer))


@compiles(shifted, "postgresql")
def _shifted_pg(element: shifted, compiler, **kw) -> str:
    expr, days, hours = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({expr} AS TIMESTAMP) + make_interval(days => CAST({days} AS INTEGER), " \
        f"hours => CAST({hours} AS INTEGER)))"


@compiles(shifted, "sqlite")
def _shifted_sqlite(element: shifted, compiler, **kw) -> str:
    expr, days, hours = (compiler.process(c, **kw) for c in element.clauses)
    return f"datetime({expr}, ({days}) || ' days', ({hours}) || ' hours')"
