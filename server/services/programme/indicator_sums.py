"""The aggregates of one dashboard, indexed for the indicators: per commune and for the total.

``Sums`` takes what ``indicator_queries`` read and adds it up once per commune, by instrument
and cohort or over them, so each indicator asks for any of its numbers with one look-up; the
area's total (``TOTAL``, the sum over every commune read) of a number is added up from the
communes the first time it is asked for. ``median_of`` is the
exact median of a value distribution. Pure: no database, no page.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from server.services.programme.indicator_queries import (
    ADULT_CASCADE,
    CHILD_CASCADE,
    Counts,
    Values,
)

TOTAL = "*"  # the area's total, beside the commune codes
CHILD, ADULT = "child", "adult"  # the cohorts of ``indicator_queries.read_counts``
__all__ = ["ADULT", "ADULT_CASCADE", "CHILD", "CHILD_CASCADE", "TOTAL", "Sums", "median_of"]


class Sums:
    """Counts, value distributions, population and overdue work of an area's communes."""

    def __init__(self, counts: Counts, values: Values, population: dict[tuple[str, str], int],
                 overdue: dict[tuple[str, bool], int]):
        # (commune, measure, instrument or None, cohort or None) -> count; the area's total
        # of a number is added up from the communes when first asked for (a few hundred
        # look-ups instead of twice the work per row read)
        cells: dict[tuple, int] = defaultdict(int)
        months: dict[tuple[str, str, date], int] = defaultdict(int)
        self._instruments: dict[tuple[str, str | None], set[str]] = defaultdict(set)
        for (code, measure, instrument, cohort, month), value in counts.items():
            cells[(code, measure, instrument, cohort)] += value
            cells[(code, measure, instrument, None)] += value
            cells[(code, measure, None, cohort)] += value
            cells[(code, measure, None, None)] += value
            if month is not None:
                months[(code, measure, month)] += value
            if instrument and value:
                self._instruments[(measure, cohort)].add(instrument)
                self._instruments[(measure, None)].add(instrument)
        self._cells, self._months = cells, months
        self._codes = sorted({code for code, *_ in counts})
        self._totals: dict[tuple, int] = {}
        self._values: dict[tuple[str, str], dict[int, int]] = defaultdict(
            lambda: defaultdict(int))
        for (code, measure), distribution in values.items():
            for key in (code, TOTAL):
                for amount, value in distribution.items():
                    self._values[(key, measure)][amount] += value
        self._population: dict[tuple[str, str], int] = defaultdict(int)
        for (code, group), value in population.items():
            self._population[(code, group)] += value
            self._population[(TOTAL, group)] += value
        self._overdue: dict[tuple[str, bool], int] = defaultdict(int)
        for (code, referral), value in overdue.items():
            self._overdue[(code, referral)] += value
            self._overdue[(TOTAL, referral)] += value

    def count(self, code: str, measure: str, *, instrument: str | None = None,
              cohort: str | None = None) -> int:
        """``measure`` in ``code`` (or ``TOTAL``) over the period, optionally of one
        instrument and of one cohort (``CHILD`` or ``ADULT``)."""
        if code != TOTAL:
            return self._cells.get((code, measure, instrument, cohort), 0)
        key = (measure, instrument, cohort)
        if key not in self._totals:
            self._totals[key] = sum(self._cells.get((c, measure, instrument, cohort), 0)
                                    for c in self._codes)
        return self._totals[key]

    def by_month(self, code: str, measure: str, month: date) -> int:
        """A monthly measure of ``code`` (or ``TOTAL``) in ``month``."""
        if code == TOTAL:
            return sum(self._months.get((c, measure, month), 0) for c in self._codes)
        return self._months.get((code, measure, month), 0)

    def instruments(self, measure: str, cohort: str | None = None) -> list[str]:
        """The instruments with a non-zero ``measure`` in the area, by id."""
        return sorted(self._instruments.get((measure, cohort), ()))

    def distribution(self, code: str, measure: str) -> dict[int, int]:
        return dict(self._values.get((code, measure), {}))

    def population(self, code: str, group: str) -> int:
        return self._population.get((code, group), 0)

    def overdue(self, code: str, referral: bool) -> int:
        return self._overdue.get((code, referral), 0)


def median_of(distribution: dict[int, int]) -> float | None:
    """The exact median of values given as {value: how many}; None when there are none.
    Even counts take the mean of the two middle values: [3, 5] -> 4.0; [3, 5, 40] -> 5."""
    size = sum(distribution.values())
    if size == 0:
        return None
    middle = [(size - 1) // 2, size // 2]  # 0-based positions of the middle value(s)
    found: list[int] = []
    seen = 0
    for value in sorted(distribution):
        seen += distribution[value]
        while len(found) < 2 and middle[len(found)] < seen:
            found.append(value)
    result = (found[0] + found[1]) / 2
    return int(result) if result.is_integer() else result
