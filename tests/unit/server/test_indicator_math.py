"""The dashboard's arithmetic without a database: exact medians of value distributions, the
periods a page can ask for, and the indicator definitions as data (issue 12)."""

from __future__ import annotations

from datetime import date

import pytest

from server.problems import Problem
from server.services.programme.indicator_specs import SPECS
from server.services.programme.indicator_sums import median_of
from server.services.programme.periods import offered_periods, period_of, read_period

TODAY = date(2026, 4, 15)


@pytest.mark.parametrize(("distribution", "median"), [
    ({3: 1, 5: 1, 40: 1}, 5),  # [3, 5, 40]
    ({3: 1, 5: 1}, 4),  # [3, 5] -> (3 + 5) / 2
    ({3: 1, 6: 1}, 4.5),
    ({10: 3, 20: 3}, 15),  # [10, 10, 10, 20, 20, 20]
    ({1: 9, 100: 1}, 1),
    ({7: 1}, 7),
    ({}, None),
])
def test_the_median_of_a_distribution_is_exact(distribution, median):
    assert median_of(distribution) == median


def test_periods_are_whole_months():
    """2026 is January to December; Q2 April to June (ends 30/06); 2026-02 ends 28/02."""
    year = read_period("2026", TODAY)
    assert (year.first, year.last, year.end) == (date(2026, 1, 1), date(2026, 12, 1),
                                                 date(2026, 12, 31))
    quarter = read_period("2026-Q2", TODAY)
    assert (quarter.first, quarter.end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert read_period("2026-02", TODAY).end == date(2026, 2, 28)
    assert read_period("", TODAY).label == "2026"  # the current year by default
    assert len(year.months_so_far(TODAY)) == 4  # January to April


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "2026-00", "26", "1999", "2026-q1",
                                  "２０２６", "2026 ", "2026-1"])
def test_a_period_that_cannot_be_read_is_400_130(text):
    if text.strip() == "2026":
        assert read_period(text, TODAY).label == "2026"
        return
    with pytest.raises(Problem) as refused:
        read_period(text, TODAY)
    assert refused.value.code == "400.130"


def test_an_exports_dates_widen_to_whole_months():
    """15/02-10/05/2026 -> February to May; no dates -> January to this month; a whole year
    -> that year; over two years -> both years' months (denominators summed)."""
    widened = period_of(date(2026, 2, 15), date(2026, 5, 10), TODAY)
    assert (widened.first, widened.last) == (date(2026, 2, 1), date(2026, 5, 1))
    assert period_of(None, None, TODAY).months()[-1] == date(2026, 4, 1)
    assert period_of(date(2025, 1, 1), date(2025, 12, 31), TODAY).label == "2025"
    assert period_of(date(2025, 11, 1), date(2026, 2, 1), TODAY).years == [2025, 2026]


def test_offered_periods_never_lie_in_the_future():
    offered = [value for value, _ in offered_periods(TODAY)]
    assert offered[:4] == ["2026", "2026-Q1", "2026-Q2", "2026-01"]
    assert "2026-05" not in offered and "2026-Q3" not in offered and "2024-12" in offered


def test_fifteen_indicators_each_with_a_definition():
    assert [spec.number for spec in SPECS] == list(range(1, 16))
    assert len({spec.table_key for spec in SPECS}) == 15
    for spec in SPECS:
        assert all(str(part) for part in (spec.title, spec.numerator, spec.denominator,
                                          spec.period, spec.unit)), spec.key
    assert next(s for s in SPECS if s.key == "coverage").target == 70.0
