"""The aggregates' grouping terms (``services/programme/aggregate_terms.py``), worked by hand
from the bands of ``measures.AGE_BANDS``: u16m = under 16 months, 16_30m = 16-30 months,
31m_6y = 31 months to under 7 years (84 months), 7_11y, 12_17y, 18y = 18 years and over."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from server.services.programme.aggregate_terms import (
    age_band,
    band_on,
    completed_months,
    moment_of,
    month_start,
    sex_of,
)


@pytest.mark.parametrize(("months", "band"), [
    (0, "u16m"), (15, "u16m"), (16, "16_30m"), (30, "16_30m"), (31, "31m_6y"),
    (83, "31m_6y"), (84, "7_11y"), (143, "7_11y"), (144, "12_17y"), (215, "12_17y"),
    (216, "18y"), (900, "18y"), (-1, "unknown"), (None, "unknown")])
def test_age_band_from_completed_months(months, band):
    assert age_band(months) == band


@pytest.mark.parametrize(("years", "band"), [
    (0, "u16m"),        # 0-11 months
    (1, "unknown"),     # 12-23 months: u16m or 16_30m
    (2, "unknown"),     # 24-35 months: 16_30m or 31m_6y
    (3, "31m_6y"), (6, "31m_6y"), (7, "7_11y"), (11, "7_11y"), (12, "12_17y"),
    (17, "12_17y"), (18, "18y"), (60, "18y")])
def test_age_band_from_whole_years_only_when_the_year_is_in_one_band(years, band):
    assert age_band(None, years) == band


def test_completed_months_count_a_month_on_the_same_day():
    assert completed_months(date(2023, 6, 10), date(2025, 3, 10)) == 21
    assert completed_months(date(2023, 6, 10), date(2025, 3, 9)) == 20
    assert completed_months(date(1990, 5, 17), date(2025, 4, 4)) == 418  # 34 y 10 m


def test_band_on_a_day_needs_a_birth_date_before_it():
    assert band_on(date(2023, 6, 10), date(2025, 3, 10)) == "16_30m"
    assert band_on(None, date(2025, 3, 10)) == "unknown"
    assert band_on(date(2026, 1, 1), date(2025, 3, 10)) == "unknown"


@pytest.mark.parametrize(("stored", "sex"), [
    ("male", "male"), ("female", "female"), (" Female ", "female"), (None, "unknown"),
    ("", "unknown"), ("  ", "unknown"), ("khác", "other")])
def test_sex_is_normalised(stored, sex):
    assert sex_of(stored) == sex


def test_a_month_starts_on_its_first_day_and_a_vietnam_day_at_17_utc():
    assert month_start(date(2025, 3, 31)) == date(2025, 3, 1)
    assert moment_of(date(2025, 1, 1)) == datetime(2024, 12, 31, 17, tzinfo=UTC)
