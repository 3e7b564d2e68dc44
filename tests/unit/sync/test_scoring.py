"""``sync.score_instance``, ``completed_months`` and ``date_of_age``.

Expected totals, bands and flags are worked by hand from instruments.md (§2 M-CHAT-R, §4 PHQ-9,
§7 SRQ-20, §11 implementation rules) and vietnam.md §1 (Ministry checklist). Ages follow the
device's formula (scripts/form_blocks.py ``age_months_expr``): month difference, minus one while
the day of the month is not reached.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync import SyncError, completed_months, date_of_age, score_instance
from tests.unit.sync.bundled import bundled_binding, first_items, mchat, scored, values_for

ALL_NO = {f"q{n:02d}": "no" for n in range(1, 21)}
PHQ_ZERO = {f"q{n:02d}": "0" for n in range(1, 10)}

# --- completed_months / date_of_age -----------------------------------------------------------


@pytest.mark.parametrize(
    ("dob", "on", "months"),
    [
        (date(2024, 3, 15), date(2024, 3, 15), 0),  # same day
        (date(2024, 3, 15), date(2024, 4, 14), 0),  # the day before the first month
        (date(2024, 3, 15), date(2024, 4, 15), 1),
        (date(2024, 3, 15), date(2026, 3, 14), 23),  # the day before the 2nd birthday
        (date(2024, 3, 15), date(2026, 3, 15), 24),
        (date(2025, 1, 31), date(2025, 2, 28), 0),  # 31st -> end of February: not yet a month
        (date(2025, 1, 31), date(2025, 3, 1), 1),
        (date(2025, 1, 31), date(2025, 3, 30), 1),
        (date(2025, 1, 31), date(2025, 3, 31), 2),
        (date(2024, 1, 31), date(2024, 2, 29), 0),  # leap February still has no 31st
        (date(2024, 2, 29), date(2025, 2, 28), 11),  # leap day: no 29 Feb in 2025
        (date(2024, 2, 29), date(2025, 3, 1), 12),
        (date(2024, 2, 29), date(2028, 2, 28), 47),
        (date(2024, 2, 29), date(2028, 2, 29), 48),
    ],
)
def test_completed_months(dob, on, months):
    """Rule: instruments.md §11.8 completed months, counted as the device counts them."""
    assert completed_months(dob, on) == months


def test_completed_months_before_birth_is_an_error():
    """Rule: an age before the date of birth does not exist."""
    with pytest.raises(ValueError):
        completed_months(date(2024, 3, 15), date(2024, 3, 14))


@pytest.mark.parametrize(
    ("dob", "months", "day"),
    [
        (date(2024, 12, 1), 24, date(2026, 12, 1)),
        (date(2023, 12, 31), 24, date(2025, 12, 31)),  # born on the 31st, whole years
        (date(2024, 8, 31), 1, date(2024, 10, 1)),  # September has no 31st
        (date(2024, 1, 31), 1, date(2024, 3, 1)),  # nor has February (29 days in 2024)
        (date(2024, 2, 29), 24, date(2026, 3, 1)),  # leap day -> 1 March in a common year
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 5, 10), 0, date(2024, 5, 10)),
    ],
)
def test_date_of_age(dob, months, day):
    """Rule: the first day with that many completed months (end-of-month safe)."""
    assert date_of_age(dob, months) == day


@given(
    dob=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    months=st.integers(min_value=1, max_value=240),
)
def test_date_of_age_is_where_completed_months_steps_up(dob, months):
    """Rule: date_of_age inverts completed_months: n on that day, n - 1 the day before."""
    day = date_of_age(dob, months)
    assert completed_months(dob, day) == months
    assert completed_months(dob, day - timedelta(days=1)) == months - 1


# --- score_instance ---------------------------------------------------------------------------


def test_mchat_r_high():
    """Rule: §2, 9 items at risk -> total 9, High 8-20, flag refer_immediately; age 21 months
    (1 Dec 2024 -> 9 Sep 2026) inside 16-30, so not outside; device total 9 agrees."""
    outcome = scored("mchat_r", mchat(first_items(9)), on=date(2026, 9, 9), device_total="9")
    assert (outcome.instrument_id, outcome.total, outcome.band) == ("mchat_r", 9, "high")
    assert outcome.flags == ("refer_immediately",)
    assert outcome.error is None
    assert (outcome.age_months, outcome.age_years, outcome.outside_age_range) == (21, 1, False)
    assert (outcome.device_total, outcome.device_disagrees) == (9, False)
    assert outcome.result is not None and outcome.result["thresholds"] == "international@2"
    assert outcome.answers["q01"] == "no" and outcome.answers["q02"] == "yes"
    assert outcome.followup == {}


def test_phq9_q09_alone_positive():
    """Rule: §4/§11.3, q09 = 1 and the rest 0 -> total 1, none_minimal, self-harm flag anyway."""
    outcome = scored("phq9", {**PHQ_ZERO, "q09": "1"}, on=date(2026, 3, 2),
                     dob=date(1990, 5, 20), device_total="1")  # fmt: skip
    assert (outcome.total, outcome.band) == (1, "none_minimal")
    assert outcome.flags == ("self_harm_item_positive",)
    assert (outcome.age_months, outcome.age_years) == (429, 35)
    assert not outcome.outside_age_range


def test_phq9_only_q09_answered_keeps_the_flag_without_a_total():
    """Rule: §4 >= 3 items missing -> no total, no band; §11.3 the flag is raised anyway."""
    outcome = scored("phq9", {"q09": "2"}, on=date(2026, 3, 2), dob=date(1990, 5, 20))
    assert outcome.error is None
    assert (outcome.total, outcome.band) == (None, None)
    assert outcome.flags == ("self_harm_item_positive",)
    assert outcome.answers["q01"] is None


def test_srq20_unscorable_carries_the_safety_flag():
    """Rule: §7 every item required (q03 missing -> missing_item); §11.3 q17 = yes is a flag
    even when nothing can be scored. A device total beside no server total is not a mismatch."""
    answers = {**ALL_NO, "q17": "yes"}
    del answers["q03"]
    outcome = scored("srq20", answers, on=date(2026, 3, 2), dob=date(1990, 5, 20),
                     device_total="1")  # fmt: skip
    assert outcome.result is None
    assert outcome.error is not None
    assert (outcome.error["code"], outcome.error["item"]) == ("missing_item", "q03")
    assert outcome.flags == ("self_harm_item_positive",)
    assert (outcome.band, outcome.total) == (None, None)
    assert (outcome.device_total, outcome.device_disagrees) == (1, False)


@pytest.mark.parametrize(
    ("device", "total", "disagrees"),
    [("9", 9, False), ("8", 8, True), ("9.0", 9, False), ("", None, False),
     ("nine", None, False), (" 10 ", 10, True)],
)  # fmt: skip
def test_device_total_is_compared_never_used(device, total, disagrees):
    """Rule: §11.1 the device score is stored and compared; a mismatch flags review, the
    server total (9 at-risk items -> 9) stands."""
    outcome = scored("mchat_r", mchat(first_items(9)), on=date(2026, 9, 9), device_total=device)
    assert outcome.total == 9
    assert (outcome.device_total, outcome.device_disagrees) == (total, disagrees)


@pytest.mark.parametrize(
    ("dob", "on", "months", "outside"),
    [
        (date(2024, 1, 15), date(2026, 8, 15), 31, True),
        (date(2024, 1, 15), date(2026, 7, 15), 30, False),
        (date(2024, 12, 1), date(2026, 4, 1), 16, False),
        (date(2024, 12, 1), date(2026, 3, 31), 15, True),
    ],
)
def test_outside_age_range_still_scores(dob, on, months, outside):
    """Rule: §11.8 M-CHAT-R 16-30 months; outside it still score and flag outside_age_range."""
    outcome = scored("mchat_r", mchat(first_items(1)), on=on, dob=dob)
    assert (outcome.age_months, outcome.outside_age_range) == (months, outside)
    assert (outcome.total, outcome.band) == (1, "low")
    assert ("outside_age_range" in outcome.flags) is outside


def test_unknown_age_is_not_outside_and_a_future_dob_is_an_unknown_age():
    """Rule: no dob (or one after the screening date) -> no age; M-CHAT-R still scores."""
    for dob in (None, date(2026, 9, 10)):
        outcome = scored("mchat_r", mchat(first_items(9)), on=date(2026, 9, 9), dob=dob)
        assert (outcome.age_months, outcome.age_years) == (None, None)
        assert not outcome.outside_age_range
        assert outcome.band == "high"


def test_ministry_checklist_gets_the_age():
    """Rule: vietnam.md §1, at 20 months signs q01-q04 and q06 are asked; q04 yes ->
    step1_positive, flag moh_warning_sign."""
    answers = {"q01": "no", "q02": "no", "q03": "no", "q04": "yes", "q06": "no"}
    outcome = scored("moh_asd_signs", answers, on=date(2026, 8, 20))
    assert outcome.age_months == 20
    assert (outcome.total, outcome.band) == (1, "step1_positive")
    assert outcome.flags == ("moh_warning_sign",)


def test_ministry_checklist_problems_become_errors():
    """Rule: moh_asd_signs needs an age (missing_age), refuses a sign asked too early
    (not_applicable_item) and ages over 72 months (invalid_age); none of these raise."""
    answers = {"q01": "no", "q02": "no", "q03": "no", "q04": "no", "q06": "no"}
    no_age = scored("moh_asd_signs", answers, on=date(2026, 8, 20), dob=None)
    assert no_age.error is not None and no_age.error["code"] == "missing_age"
    early = scored("moh_asd_signs", {**answers, "q05": "no"}, on=date(2026, 8, 20))
    assert early.error is not None
    assert (early.error["code"], early.error["item"]) == ("not_applicable_item", "q05")
    old = scored("moh_asd_signs", answers, on=date(2026, 3, 1), dob=date(2018, 1, 1))
    assert old.error is not None and old.error["code"] == "invalid_age"
    assert (old.age_months, old.outside_age_range) == (98, True)
    assert old.flags == ()


@pytest.mark.parametrize(
    ("fails", "flags", "result"),
    [
        (None, ("followup_interview_required",), None),
        ({"q01"}, (), "screen_negative"),
        ({"q01", "q03"}, ("refer_for_evaluation",), "screen_positive"),
    ],
)
def test_mchat_rf_follow_up(fails, flags, result):
    """Rule: §2, 4 at risk -> Medium; Follow-Up on those 4 items: >= 2 FAIL screen positive
    (refer_for_evaluation), 0-1 negative; no Follow-Up -> followup_interview_required."""
    at_risk = first_items(4)
    followup = None if fails is None else {
        key: "fail" if key in fails else "pass" for key in sorted(at_risk)}  # fmt: skip
    outcome = scored("mchat_rf", mchat(at_risk), on=date(2026, 9, 9), followup=followup,
                     device_total="4")  # fmt: skip
    assert (outcome.total, outcome.band, outcome.flags) == (4, "medium", flags)
    assert outcome.result is not None and outcome.result["result"] == result
    assert not outcome.device_disagrees


def test_thresholds_are_chosen_by_name():
    """Rule: §7 SRQ-20 total 7 is below the international 7/8 but above the Vietnamese 6/7."""
    answers = {**ALL_NO, **dict.fromkeys(("q01", "q02", "q03", "q04", "q05", "q06", "q07"), "yes")}
    binding = bundled_binding("srq20")
    values = values_for("srq20", answers)
    day, dob = date(2026, 3, 2), date(1990, 5, 20)
    intl = score_instance(binding, values, screening_date=day, dob=dob)
    vn = score_instance(binding, values, screening_date=day, dob=dob, thresholds="vietnam@2")
    assert (intl.total, intl.band, vn.total, vn.band) == (7, "below_cutoff", 7, "below_cutoff")
    assert (intl.result["screen_positive"], vn.result["screen_positive"]) == (False, True)


def test_unknown_thresholds_is_a_sync_error():
    """Rule: scoring problems never raise, but an unknown table name is the caller's error."""
    with pytest.raises(SyncError) as caught:
        score_instance(bundled_binding("phq9"), values_for("phq9", PHQ_ZERO),
                       screening_date=date(2026, 3, 2), dob=None, thresholds="martian")  # fmt: skip
    assert caught.value.code == "unknown_thresholds"
