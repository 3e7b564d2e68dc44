"""Issue 10: ages and due dates count from the interview, not the upload (offline collection).

The bundled forms carry Collect's ``start`` metadata; here each form was opened 10 days before
it reached the server. Ages are completed months (sync/scoring.py); the children are chosen so
that a month boundary falls between the interview and the receipt.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Screening
from server.programme import today
from tests.support.instances import levels, mchat_answers, screening_instance
from tests.support.worklist import open_work, record


def months_before(day: date, months: int) -> date:
    """The same day of the month ``months`` earlier (every day used here is <= 28)."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, day.day)


def start_of(day: date) -> str:
    return f"{day.isoformat()}T09:15:02.123+07:00"


@pytest.fixture
def interview() -> date:
    return today() - timedelta(days=10)


def born(interview: date, months: int) -> date:
    """A child ``months`` + 25 days old at the interview, so a month older at receipt: 25 days
    plus the 10 of the delay cross a month end whatever its length, and 25 < 28 keeps the
    interview itself inside the month."""
    anchor = interview - timedelta(days=25)
    return months_before(anchor, months) if anchor.day <= 28 else \
        months_before(anchor - timedelta(days=3), months)


def only_screening() -> Screening:
    db.session.expire_all()
    return db.session.scalar(select(Screening))


def test_the_ministry_checklist_at_72_months_is_scored_although_73_at_receipt(
        all_forms, device, staff_api, client, interview, publish_bundled):
    publish_bundled("moh_asd_signs")
    dob = born(interview, 72)
    answers = {"q01": "no", "q02": "no", "q03a": "no", "q03b": "no", "q04": "no", "q05a": "no",
               "q05b": "no", "q06": "yes"}
    device.collect.submit(screening_instance("moh_asd_signs", answers, dob=dob,
                                             start=start_of(interview)))
    screening = only_screening()
    assert (screening.screened_on, screening.date_source) == (interview, "start")
    assert screening.age_months == 72 and screening.error is None
    assert screening.band == "step1_positive"
    assert open_work(record(client, staff_api["gs"])) == [
        ("referral", "moh.referral", (interview + timedelta(days=14)).isoformat(), False)]


def test_an_mchat_low_at_23_months_opens_the_24_month_rescreen(all_forms, device, staff_api, client,
                                                              interview):
    dob = born(interview, 23)
    device.collect.submit(screening_instance("mchat_r", mchat_answers(1), dob=dob,
                                             start=start_of(interview)))
    assert only_screening().age_months == 23
    [(kind, rule, due, _)] = open_work(record(client, staff_api["gs"]))
    assert (kind, rule) == ("rescreen", "mchat.rescreen")
    assert due == months_before(dob, -24).isoformat()  # the day the child turns 24 months


def test_due_dates_count_from_the_interview(all_forms, device, staff_api, client, interview):
    severe = levels(9, q01=3, q02=3, q03=3, q04=3, q05=3, q06=3, q07=3, q08=1)
    device.collect.submit(screening_instance("phq9", severe, dob=date(1990, 5, 17),
                                             start=start_of(interview)))
    assert open_work(record(client, staff_api["gs"])) == [
        ("referral", "phq.severe", (interview + timedelta(days=7)).isoformat(), False)]


@pytest.mark.parametrize("days", [-1, 91])  # tomorrow; older than the 90 days allowed
def test_a_date_that_cannot_be_right_falls_back_to_receipt_and_is_reviewed(
        all_forms, device, staff_api, client, days):
    device.collect.submit(screening_instance("phq9", levels(9), dob=date(1990, 5, 17),
                                             start=start_of(today() - timedelta(days=days))))
    screening = only_screening()
    assert (screening.screened_on, screening.date_source, screening.date_refused) == \
        (today(), "received", "start")
    assert open_work(record(client, staff_api["gs"])) == [
        ("review", "review.interview_date", (today() + timedelta(days=3)).isoformat(), False)]
