"""``sync.interview``: which day the person was screened (sources in order, dates refused)."""

from __future__ import annotations

from datetime import date

import pytest

from sync import Binding
from sync.interview import InterviewDate, interview_date

RECEIVED = date(2026, 12, 1)
BINDING = Binding("phq9", {}, {}, {"screened_on": "/data/person/screened_on"}, None,
                  {"start": "/data/start", "end": "/data/end", "today": "/data/today"})


def dated(values: dict[str, str], max_days: int = 90) -> InterviewDate:
    return interview_date(BINDING, values, received_on=RECEIVED, max_days=max_days)


def test_the_screened_on_field_comes_first_then_start_end_today():
    every = {"/data/person/screened_on": "2026-11-20", "/data/start": "2026-11-21T08:00:00+07:00",
             "/data/end": "2026-11-22T08:00:00+07:00", "/data/today": "2026-11-23"}
    assert dated(every) == InterviewDate(date(2026, 11, 20), "screened_on")
    del every["/data/person/screened_on"]
    assert dated(every) == InterviewDate(date(2026, 11, 21), "start")
    del every["/data/start"]
    assert dated(every) == InterviewDate(date(2026, 11, 22), "end")
    del every["/data/end"]
    assert dated(every) == InterviewDate(date(2026, 11, 23), "today")
    assert dated({}) == InterviewDate(RECEIVED, "received")


def test_start_is_read_in_vietnam_time():
    """23:30 in Vietnam is still that day whatever the UTC date; a phone set to UTC+9 at 00:30
    on 1 Dec is 22:30 on 30 Nov in Vietnam; a date without an offset is taken as written."""
    assert dated({"/data/start": "2026-11-30T23:30:00.000+07:00"}).on == date(2026, 11, 30)
    assert dated({"/data/start": "2026-12-01T00:30:00.000+09:00"}).on == date(2026, 11, 30)
    assert dated({"/data/start": "2026-11-30T16:30:00Z"}).on == date(2026, 11, 30)
    assert dated({"/data/start": "2026-11-29T23:59:00"}).on == date(2026, 11, 29)


@pytest.mark.parametrize(("written", "kept"), [
    ("2026-12-02", False),  # the day after receipt: a device clock ahead
    ("2026-12-01", True),   # the day of receipt
    ("2026-09-02", True),   # 90 days before 1 Dec (30 to 1 Nov, 30 to 2 Oct, 30 to 2 Sep)
    ("2026-09-01", False),  # 91 days before: older than SANGLOC_INTERVIEW_MAX_AGE_DAYS
])
def test_a_date_that_cannot_be_the_interview_is_refused(written, kept):
    found = dated({"/data/person/screened_on": written})
    if kept:
        assert found == InterviewDate(date.fromisoformat(written), "screened_on")
    else:
        assert found == InterviewDate(RECEIVED, "received", refused="screened_on")


def test_an_unreadable_date_falls_through_to_the_next_source():
    values = {"/data/person/screened_on": "2026-02-30", "/data/start": "bad",
              "/data/end": "2026-11-29T10:00:00+07:00"}
    assert dated(values) == InterviewDate(date(2026, 11, 29), "end")
