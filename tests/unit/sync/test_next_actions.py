"""``sync.actions_for``, ``risk_of`` and ``derive_case``: what must happen next, and by when.

Rules and sources (sync/next_actions.py table): self-harm flag -> safety contact the same day
(instruments.md §11.3); M-CHAT-R High / Follow-Up >= 2 FAIL -> referral (mchatscreen.com scoring
page, §2); Medium -> Follow-Up interview (§2); Low under 24 months -> rescreen at 24 months (§2);
Ministry warning sign -> referral to step 2 (QĐ 2254/QĐ-BYT, vietnam.md §1). Windows: 14 days
for a referral and 30 for the interview (RuleConfig defaults). Due dates worked by hand.
"""

from __future__ import annotations

from datetime import date

import pytest

from sync import (
    RISK_ORDER,
    Action,
    CaseView,
    RuleConfig,
    ScreeningOutcome,
    actions_for,
    derive_case,
    risk_of,
)
from tests.unit.sync.bundled import first_items, mchat, scored

DOB = date(2024, 12, 1)


def outcome(
    instrument: str, band: str | None, *flags: str, scored: bool = True, **extra: object
) -> ScreeningOutcome:
    """A hand-made outcome: ``band`` and ``flags`` as a scorer would report them."""
    result = {"instrument": instrument, "total": None, "band": band, "flags": list(flags),
              **extra} if scored else None  # fmt: skip
    error = None if scored else {"code": "missing_item", "item": "q03", "message": "missing"}
    return ScreeningOutcome(instrument_id=instrument, answers={}, followup={}, result=result,
                            error=error, flags=tuple(flags), age_months=None, age_years=None,
                            outside_age_range=False, device_total=None,
                            device_disagrees=False)  # fmt: skip


def act(kind: str, due: date, reason: str, instrument: str, *, urgent: bool = False) -> Action:
    return Action(kind=kind, due=due, urgent=urgent, reason=reason, instrument_id=instrument)


# --- actions_for ------------------------------------------------------------------------------


def test_mchat_r_high_refers_within_14_days():
    """Rule: M-CHAT-R High -> refer immediately (scoring page); due 25 Nov + 14 = 9 Dec 2026."""
    high = scored("mchat_r", mchat(first_items(9)), on=date(2026, 11, 25))
    assert actions_for(high, screening_date=date(2026, 11, 25), dob=DOB) == [
        act("referral", date(2026, 12, 9), "refer_immediately", "mchat_r")]  # fmt: skip


@pytest.mark.parametrize(
    ("on", "referral_due", "interview_due"),
    [
        (date(2026, 1, 25), date(2026, 2, 8), date(2026, 2, 24)),
        (date(2026, 1, 31), date(2026, 2, 14), date(2026, 3, 2)),  # 2026 is not a leap year
        (date(2028, 1, 31), date(2028, 2, 14), date(2028, 3, 1)),  # 2028 is
        (date(2026, 12, 20), date(2027, 1, 3), date(2027, 1, 19)),
    ],
)
def test_day_windows_at_month_and_year_ends(on, referral_due, interview_due):
    """Rule: referral due + 14 days, Follow-Up interview due + 30 days (RuleConfig defaults)."""
    high = outcome("mchat_r", "high", "refer_immediately")
    medium = outcome("mchat_r", "medium", "followup_interview_required")
    assert [a.due for a in actions_for(high, screening_date=on, dob=None)] == [referral_due]
    assert actions_for(medium, screening_date=on, dob=None) == [
        act("followup_interview", interview_due, "followup_interview_required", "mchat_r")
    ]


def test_windows_come_from_the_config():
    """Rule: the 14/30 days are programme settings; 0 days means the same day."""
    config = RuleConfig(referral_days=0, interview_days=7)
    high = outcome("mchat_r", "high", "refer_immediately")
    medium = outcome("mchat_r", "medium", "followup_interview_required")
    day = date(2026, 5, 5)
    assert actions_for(high, screening_date=day, dob=None, config=config)[0].due == day
    assert actions_for(medium, screening_date=day, dob=None, config=config)[0].due == date(
        2026, 5, 12
    )
    with pytest.raises(ValueError):
        RuleConfig(referral_days=-1)


@pytest.mark.parametrize(
    ("dob", "on", "due"),
    [
        (date(2024, 12, 1), date(2026, 11, 30), date(2026, 12, 1)),  # 23 months, due tomorrow
        (date(2024, 12, 1), date(2026, 12, 1), None),  # exactly 24 months: no rescreen
        (date(2024, 10, 31), date(2026, 6, 15), date(2026, 10, 31)),  # born on the 31st
        (date(2024, 2, 29), date(2026, 2, 28), date(2026, 3, 1)),  # leap day: 23 months on 28 Feb
        (date(2024, 2, 29), date(2026, 3, 1), None),  # 24 months on 1 March
        (date(2025, 1, 15), date(2026, 6, 15), date(2027, 1, 15)),  # 17 months
    ],
)
def test_low_under_24_months_rescreens_when_the_child_turns_24_months(dob, on, due):
    """Rule: M-CHAT-R Low -> "if the child is under 24 months, rescreen at 24 months (after the
    2nd birthday)" (scoring page, §2); age in completed months as on the device."""
    low = outcome("mchat_r", "low")
    expected = [] if due is None else [act("rescreen", due, "mchat_r:low_under_24m", "mchat_r")]
    assert actions_for(low, screening_date=on, dob=dob) == expected


def test_no_rescreen_without_dob_or_when_not_low():
    """Rule: the rescreen needs the date of birth, and applies to band Low only."""
    on = date(2026, 6, 15)
    assert actions_for(outcome("mchat_r", "low"), screening_date=on, dob=None) == []
    assert actions_for(outcome("phq9", "none_minimal"), screening_date=on, dob=DOB) == []
    medium = outcome("mchat_r", "medium", "followup_interview_required")
    assert [a.kind for a in actions_for(medium, screening_date=on, dob=DOB)] == [
        "followup_interview"
    ]


def test_mchat_rf_low_rescreens_too():
    """Rule: the R/F form repeats the initial screen; its Low band has the same rescreen."""
    low = scored("mchat_rf", mchat(first_items(2)), on=date(2026, 6, 15))
    assert actions_for(low, screening_date=date(2026, 6, 15), dob=DOB) == [
        act("rescreen", date(2026, 12, 1), "mchat_rf:low_under_24m", "mchat_rf")
    ]


def test_self_harm_means_a_safety_contact_the_same_day():
    """Rule: §11.3 a self-harm flag starts the safety pathway at once: urgent, due today."""
    phq = scored("phq9", {**{f"q{n:02d}": "0" for n in range(1, 9)}, "q09": "1"},
                 on=date(2026, 3, 2), dob=date(1990, 5, 20))  # fmt: skip
    assert actions_for(phq, screening_date=date(2026, 3, 2), dob=date(1990, 5, 20)) == [
        act("safety_contact", date(2026, 3, 2), "self_harm_item_positive", "phq9", urgent=True)
    ]


def test_an_unscorable_screening_still_gets_its_safety_contact():
    """Rule: §11.3 even when the total cannot be computed (SRQ-20 q03 missing, q17 yes)."""
    answers = {f"q{n:02d}": "no" for n in range(1, 21) if n != 3} | {"q17": "yes"}
    srq = scored("srq20", answers, on=date(2026, 3, 2), dob=date(1990, 5, 20))
    assert [(a.kind, a.urgent, a.due) for a in actions_for(
        srq, screening_date=date(2026, 3, 2), dob=None)] == [
        ("safety_contact", True, date(2026, 3, 2))]  # fmt: skip


def test_ministry_warning_sign_refers_to_step_2():
    """Rule: QĐ 2254 Bước 1, any warning sign -> referral to step 2, due + 14 days."""
    moh = outcome("moh_asd_signs", "step1_positive", "moh_warning_sign", "loss_of_skills")
    assert actions_for(moh, screening_date=date(2026, 8, 20), dob=DOB) == [
        act("referral", date(2026, 9, 3), "moh_warning_sign", "moh_asd_signs")
    ]


def test_one_referral_when_high_and_follow_up_positive():
    """Rule: High (refer immediately) and Follow-Up >= 2 FAIL call for the same referral."""
    both = outcome("mchat_rf", "high", "refer_immediately", "refer_for_evaluation")
    assert actions_for(both, screening_date=date(2026, 3, 1), dob=None) == [
        act("referral", date(2026, 3, 15), "refer_immediately", "mchat_rf")
    ]
    rf = outcome("mchat_rf", "medium", "refer_for_evaluation")
    assert [a.reason for a in actions_for(rf, screening_date=date(2026, 3, 1), dob=None)] == [
        "refer_for_evaluation"
    ]


def test_nothing_to_do_for_a_plain_band():
    """Rule: bands without a rule (PHQ-9 severe: actions per band are §12 open points) -> []."""
    assert actions_for(outcome("phq9", "severe"), screening_date=date(2026, 3, 1), dob=None) == []


# --- risk_of ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "risk"),
    [
        (outcome("phq9", "none_minimal", "self_harm_item_positive"), "urgent"),
        (outcome("srq20", None, "self_harm_item_positive", scored=False), "urgent"),
        (outcome("mchat_r", "high", "refer_immediately"), "high"),
        (outcome("mchat_rf", "medium", "refer_for_evaluation", result="screen_positive",
                 followup_score=2), "high"),
        (outcome("moh_asd_signs", None, "moh_warning_sign", scored=False), "high"),
        (outcome("sdq_p4_17", "abnormal"), "high"),
        (outcome("phq9", "moderately_severe"), "high"),
        (outcome("phq9", "severe"), "high"),
        (outcome("gad7", "severe"), "high"),
        (outcome("srq20", "above_cutoff"), "high"),
        (outcome("epds", "probable_depression"), "high"),
        (outcome("moh_asd_signs", "step1_positive", "moh_warning_sign"), "high"),
        (outcome("mchat_r", "medium", "followup_interview_required"), "medium"),
        (outcome("sdq_p2_4", "borderline"), "medium"),
        (outcome("phq9", "moderate"), "medium"),
        (outcome("gad7", "moderate"), "medium"),
        (outcome("epds", "possible_depression"), "medium"),
        (outcome("mchat_rf", "medium", result="screen_negative", followup_score=1), "low"),
        (outcome("mchat_r", "low"), "low"),
        (outcome("phq9", "mild"), "low"),
        (outcome("gad7", "minimal"), "low"),
        (outcome("srq20", "below_cutoff"), "low"),
        (outcome("moh_asd_signs", "step1_negative"), "low"),
        (outcome("phq9", None), "none"),
        (outcome("srq20", None, scored=False), "none"),
    ],
)  # fmt: skip
def test_risk_table(case, risk):
    """Rule: the risk table of sync/next_actions.py (self-harm urgent; referral flags and top
    bands high; Medium-type bands and a pending Follow-Up medium; other bands low; else none)."""
    assert risk_of(case) == risk
    assert risk in RISK_ORDER


# --- derive_case ------------------------------------------------------------------------------

MARCH = date(2026, 3, 1)


def test_empty_case():
    """Rule: no screenings -> risk none, nothing open."""
    assert derive_case([], dob=DOB) == CaseView(risk="none", open_flags=(), actions=(),
                                                next_action=None)  # fmt: skip


def test_done_actions_close_but_the_band_stays():
    """Rule: a done (kind, reason) closes the action and the flags it answers; the High band
    still makes the case high until a new screening."""
    high = outcome("mchat_r", "high", "refer_immediately")
    open_case = derive_case([(MARCH, high)], dob=DOB)
    referral = act("referral", date(2026, 3, 15), "refer_immediately", "mchat_r")
    assert open_case == CaseView("high", ("refer_immediately",), (referral,), referral)
    closed = derive_case([(MARCH, high)], dob=DOB, done={("referral", "refer_immediately")})
    assert closed == CaseView("high", (), (), None)


def test_a_done_safety_contact_lowers_urgent_to_the_band():
    """Rule: once the supervisor has made the safety contact, risk falls back to the band."""
    mild = outcome("phq9", "mild", "self_harm_item_positive")
    severe = outcome("phq9", "severe", "self_harm_item_positive")
    done = {("safety_contact", "self_harm_item_positive")}
    assert derive_case([(MARCH, mild)], dob=None).risk == "urgent"
    assert derive_case([(MARCH, mild)], dob=None, done=done).risk == "low"
    assert derive_case([(MARCH, severe)], dob=None, done=done).risk == "high"


def test_a_later_screening_supersedes_the_earlier_one():
    """Rule: the most recent screening per instrument decides: a Low at 22 months replaces the
    earlier High's referral with the rescreen at 24 months (1 Dec 2026)."""
    high = outcome("mchat_r", "high", "refer_immediately")
    low = outcome("mchat_r", "low")
    case = derive_case([(date(2026, 10, 1), low), (MARCH, high)], dob=DOB)
    rescreen = act("rescreen", date(2026, 12, 1), "mchat_r:low_under_24m", "mchat_r")
    assert case == CaseView("low", (), (rescreen,), rescreen)


def test_same_day_the_later_one_in_order_wins():
    """Rule: screenings on the same date: the later one in ``current`` decides."""
    high = outcome("mchat_r", "high", "refer_immediately")
    low = outcome("mchat_r", "low")
    assert derive_case([(MARCH, high), (MARCH, low)], dob=None).risk == "low"
    assert derive_case([(MARCH, low), (MARCH, high)], dob=None).risk == "high"


def test_mchat_rf_supersedes_mchat_r():
    """Rule: M-CHAT-R/F repeats the initial screen and adds the Follow-Up (§2): a negative
    Follow-Up closes the earlier Medium's interview."""
    medium = outcome("mchat_r", "medium", "followup_interview_required")
    cleared = outcome("mchat_rf", "medium", result="screen_negative", followup_score=1)
    case = derive_case([(MARCH, medium), (date(2026, 3, 20), cleared)], dob=date(2023, 1, 1))
    assert case == CaseView("low", (), (), None)


def test_dated_done_closes_only_screenings_up_to_that_date():
    """Rule: a (kind, reason, completed_on) entry closes actions of screenings dated on or
    before completed_on, so an old safety contact cannot hide a new one."""
    flag = outcome("phq9", "mild", "self_harm_item_positive")
    done = {("safety_contact", "self_harm_item_positive", date(2026, 3, 2))}
    assert derive_case([(date(2026, 3, 2), flag)], dob=None, done=done).risk == "low"
    later = derive_case([(MARCH, outcome("phq9", "mild")), (date(2026, 6, 1), flag)], dob=None,
                        done=done)  # fmt: skip
    assert later.risk == "urgent"
    assert later.next_action == act(
        "safety_contact", date(2026, 6, 1), "self_harm_item_positive", "phq9", urgent=True
    )


def test_several_instruments_urgent_first_then_by_due():
    """Rule: risk = highest; open_flags sorted; actions urgent first, then by due date."""
    high = outcome("mchat_r", "high", "refer_immediately")  # referral due 15 Jan
    moh = outcome("moh_asd_signs", "step1_positive", "moh_warning_sign")  # due 10 Jan
    srq = outcome("srq20", None, "self_harm_item_positive", scored=False)  # safety 1 Feb
    case = derive_case([(date(2026, 1, 1), high), (date(2025, 12, 27), moh),
                        (date(2026, 2, 1), srq)], dob=DOB)  # fmt: skip
    assert case.risk == "urgent"
    assert case.open_flags == ("moh_warning_sign", "refer_immediately", "self_harm_item_positive")
    assert [(a.kind, a.due) for a in case.actions] == [
        ("safety_contact", date(2026, 2, 1)),
        ("referral", date(2026, 1, 10)),
        ("referral", date(2026, 1, 15)),
    ]
    assert case.next_action == case.actions[0]
    after = derive_case([(date(2026, 1, 1), high), (date(2026, 2, 1), srq)], dob=DOB,
                        done={("safety_contact", "self_harm_item_positive")})  # fmt: skip
    assert (after.risk, after.next_action) == ("high", case.actions[2])


def test_done_entries_may_come_back_from_json():
    """Rule: a done entry may be a list and its date ISO text, as a JSON column returns it."""
    flag = outcome("phq9", "mild", "self_harm_item_positive")
    done = [["safety_contact", "self_harm_item_positive", "2026-03-02"]]
    assert derive_case([(date(2026, 3, 2), flag)], dob=None, done=done).risk == "low"
    assert derive_case([(date(2026, 3, 3), flag)], dob=None, done=done).risk == "urgent"
