"""The aggregates of one dashboard, indexed for the indicators: per commune and for the total.

``Sums`` takes what ``indicator_queries`` read and keeps it per commune and under ``TOTAL``
(the sum over every commune of the area read), so each indicator asks for a commune's number
and the total's the same way. ``median_of`` is the exact median of a value distribution. Pure:
no database, no page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from server.services.programme.indicator_queries import Counts, Values

TOTAL = "*"  # the area's total, beside the commune codes
#: the cascade's age groups: children under 12 (indicators 6-11); 12 and over (indicator 12)
CHILD_CASCADE = ("u16m", "16_30m", "31m_6y", "7_11y")
ADULT_CASCADE = ("12_17y", "18y")


class Sums:
    """Counts, value distributions, population and overdue work of an area's communes."""

    def __init__(self, counts: Counts, values: Values, population: dict[tuple[str, str], int],
                 overdue: dict[tuple[str, bool], int]):
        self._counts: dict[tuple[str, str], dict[tuple, int]] = defaultdict(
            lambda: defaultdict(int))
        for (code, measure, instrument, band, month), value in counts.items():
            for key in (code, TOTAL):
                self._counts[(key, measure)][(instrument, band, month)] += value
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
        self.has_population = {code for code, _ in population}
        self._overdue: dict[tuple[str, bool], int] = defaultdict(int)
        for (code, referral), value in overdue.items():
            self._overdue[(code, referral)] += value
            self._overdue[(TOTAL, referral)] += value

    def count(self, code: str, measure: str, *, instrument: str | None = None,
              bands: Iterable[str] | None = None) -> int:
        """The sum of ``measure`` in ``code`` (or ``TOTAL``) over the period, optionally of
        one instrument and of some age bands."""
        wanted = None if bands is None else set(bands)
        return sum(value for (inst, band, _), value in self._counts.get((code, measure),
                                                                         {}).items()
                   if (instrument is None or inst == instrument)
                   and (wanted is None or band in wanted))

    def by_month(self, code: str, measure: str) -> dict[date, int]:
        """A monthly measure of ``code`` (or ``TOTAL``) per month."""
        found: dict[date, int] = defaultdict(int)
        for (_, _, month), value in self._counts.get((code, measure), {}).items():
            if month is not None:
                found[month] += value
        return dict(found)

    def instruments(self, measure: str, bands: Iterable[str] | None = None) -> list[str]:
        """The instruments with a non-zero ``measure`` in the area, by id."""
        wanted = None if bands is None else set(bands)
        return sorted({inst for (inst, band, _), value in self._counts.get((TOTAL, measure),
                                                                           {}).items()
                       if inst and value and (wanted is None or band in wanted)})

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
