"""``sync.pathway``: one test row per pathway row, worked by hand from the sources.

Every result is scored for real from raw answers (``sync.rescore``), so the band, cut-off and
flags are the instrument's own; the expected kind, due date and urgency come from pathway.md
(PHQ instruction manual; Spitzer et al. 2006; WHO SRQ user's guide; Cox et al. 1987 and Tran
et al. 2011; sdqinfo.org; mchatscreen.com; QĐ 2254) with the programme defaults of
``Periods``: referral 14 days, severe-depression referral 7, assessment 14, SDQ assessment 30,
Follow-Up interview 30, rescreen 30, EPDS rescreen 14, review 3. Screened on 1 Dec 2026.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from sync import ScreeningOutcome, pathway, rescore
from sync.pathway import Periods, plan, risk_of
from tests.unit.sync.bundled import first_items, mchat

ON = date(2026, 12, 1)
ADULT = date(1990, 5, 17)
TODDLER = date(2025, 6, 15)  # 17 months on 1 Dec 2026; turns 24 months on 15 Jun 2027


def outcome(instrument: str, answers: dict[str, str], *, table: str = "international",
            followup: dict[str, str] | None = None, age_months: int | None = None,
            device_total: int | None = None) -> ScreeningOutcome:
    blank = ScreeningOutcome(instrument_id=instrument, answers=answers, followup=followup or {},
                             result=None, error=None, flags=(), age_months=age_months,
                             age_years=None, outside_age_range=False,
                             device_total=device_total, device_disagrees=False)
    return rescore(blank, thresholds=table)


def levels(*values: int, first: int = 1) -> dict[str, str]:
    return {f"q{n:02d}": str(v) for n, v in enumerate(values, start=first)}


def phq9(*values: int, table: str = "international", **extra) -> ScreeningOutcome:
    return outcome("phq9", levels(*values), table=table, **extra)


def phqa(*values: int, q11: str = "no", q12: str = "no") -> ScreeningOutcome:
    return outcome("phqa", {**levels(*values), "q10": "no", "q11": q11, "q12": q12})


def gad7(*values: int) -> ScreeningOutcome:
    return outcome("gad7", levels(*values))


def srq20(yes: int, *, q17: str = "no", table: str = "international") -> ScreeningOutcome:
    """``yes`` answers "yes" among q01..q16 (q17 given apart), the rest "no"."""
    answers = {f"q{n:02d}": "yes" if n <= yes else "no" for n in range(1, 21) if n != 17}
    return outcome("srq20", {**answers, "q17": q17}, table=table)


def epds(*raw: int, table: str = "international") -> ScreeningOutcome:
    return outcome("epds", levels(*raw), table=table)


def kinds(found) -> list[tuple[str, str, date, bool]]:
    return [(p.rule, p.kind, p.due, p.urgent) for p in found]


def sdq(emotional: int, conduct: int, *, impact_raw: int | None) -> ScreeningOutcome:
    """SDQ 4-17: the emotional and conduct items at ``emotional``/``conduct`` points (made of
    2s then a 1), every other difficulty 0, prosocial 10; the five impact items at
    ``impact_raw`` (0-3) with the gate "yes, severe difficulties", or the gate "no" when None."""
    codes = ("not_true", "somewhat_true", "certainly_true")
    answers = {f"q{n:02d}": "not_true" for n in range(1, 26)}
    for key in ("q07", "q11", "q14", "q21", "q25"):  # reversed: certainly true scores 0
        answers[key] = "certainly_true"
    for key in ("q01", "q04", "q09", "q17", "q20"):  # prosocial 10 (normal)
        answers[key] = "certainly_true"
    for keys, wanted in ((("q03", "q08", "q13", "q16", "q24"), emotional),
                         (("q05", "q12", "q18", "q22"), conduct)):
        left = wanted
        for key in keys:
            answers[key], left = codes[min(left, 2)], left - min(left, 2)
    gate = {"q26": "0"} if impact_raw is None else \
        {"q26": "3", **{f"q{n}": str(impact_raw) for n in range(27, 32)}}
    return outcome("sdq_p4_17", {**answers, **gate})


def mchat_r(at_risk: int, *, followup_fails: int | None = None) -> ScreeningOutcome:
    """M-CHAT-R(/F) with q01..q<at_risk> at risk; with a Follow-Up, its first items FAIL."""
    answers = mchat(first_items(at_risk))
    if followup_fails is None:
        return outcome("mchat_r", answers, age_months=17)
    followup = {f"q{n:02d}": "fail" if n <= followup_fails else "pass"
                for n in range(1, at_risk + 1)}
    return outcome("mchat_rf", answers, followup=followup, age_months=17)


# (what, outcome, total worked by hand, dob, expected [(rule, kind, due, urgent)], risk)
ROWS = [
    # PHQ-9 (score = raw): 3x7 + 1 = 22 severe with q09 = 0, the first finding
    ("PHQ-9 22, item 9 = 0", phq9(3, 3, 3, 3, 3, 3, 3, 1, 0), 22, ADULT,
     [("phq.severe", "referral", date(2026, 12, 8), False)], "high"),
    ("PHQ-9 17 moderately severe", phq9(3, 3, 3, 3, 3, 2, 0, 0, 0), 17, ADULT,
     [("phq.moderately_severe", "referral", date(2026, 12, 15), False)], "high"),
    ("PHQ-9 12 moderate", phq9(3, 3, 3, 3, 0, 0, 0, 0, 0), 12, ADULT,
     [("phq.moderate", "assessment", date(2026, 12, 15), False)], "medium"),
    ("PHQ-9 7 mild", phq9(3, 3, 1, 0, 0, 0, 0, 0, 0), 7, ADULT,
     [("phq.mild", "rescreen", date(2026, 12, 31), False)], "low"),
    ("PHQ-9 4 minimal", phq9(2, 2, 0, 0, 0, 0, 0, 0, 0), 4, ADULT, [], "low"),
    # vietnam@2 cut-off 4: screen-positive from 4, whatever the severity band says
    ("PHQ-9 4 under vietnam@2", phq9(2, 2, 0, 0, 0, 0, 0, 0, 0, table="vietnam"), 4, ADULT,
     [("phq.moderate", "assessment", date(2026, 12, 15), False)], "medium"),
    ("PHQ-9 7 under vietnam@2", phq9(3, 3, 1, 0, 0, 0, 0, 0, 0, table="vietnam"), 7, ADULT,
     [("phq.moderate", "assessment", date(2026, 12, 15), False)], "medium"),
    ("PHQ-9 1 with item 9 = 1", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), 1, ADULT,
     [("safety", "safety_contact", ON, True)], "high"),
    ("PHQ-A 22", phqa(3, 3, 3, 3, 3, 3, 3, 1, 0), 22, ADULT,
     [("phq.severe", "referral", date(2026, 12, 8), False)], "high"),
    ("PHQ-A 0 with a past attempt (q12)", phqa(0, 0, 0, 0, 0, 0, 0, 0, 0, q12="yes"), 0, ADULT,
     [("safety", "safety_contact", ON, True)], "high"),
    ("GAD-7 18 severe", gad7(3, 3, 3, 3, 3, 3, 0), 18, ADULT,
     [("gad7.severe", "referral", date(2026, 12, 15), False)], "high"),
    ("GAD-7 12 moderate", gad7(3, 3, 3, 3, 0, 0, 0), 12, ADULT,
     [("gad7.moderate", "assessment", date(2026, 12, 15), False)], "medium"),
    ("GAD-7 9 mild", gad7(3, 3, 3, 0, 0, 0, 0), 9, ADULT, [], "low"),
    # SRQ-20: yes = 1
    ("SRQ-20 12", srq20(12), 12, ADULT,
     [("srq20.positive", "assessment", date(2026, 12, 15), False)], "high"),
    ("SRQ-20 7", srq20(7), 7, ADULT, [], "low"),
    ("SRQ-20 7 under vietnam@2", srq20(7, table="vietnam"), 7, ADULT,
     [("srq20.positive", "assessment", date(2026, 12, 15), False)], "high"),
    ("SRQ-20 1: q17 yes", srq20(0, q17="yes"), 1, ADULT,
     [("safety", "safety_contact", ON, True)], "high"),
    # EPDS: q01, q02, q04 score = raw; q03, q05..q10 score = 3 - raw
    ("EPDS 14", epds(3, 3, 0, 3, 1, 3, 3, 3, 3, 3), 3 + 3 + 3 + 3 + 2, ADULT,
     [("epds.probable", "referral", date(2026, 12, 15), False)], "high"),
    ("EPDS 11", epds(3, 3, 1, 3, 3, 3, 3, 3, 3, 3), 3 + 3 + 2 + 3, ADULT,
     [("epds.possible", "rescreen", date(2026, 12, 15), False)], "medium"),
    ("EPDS 5", epds(3, 2, 3, 0, 3, 3, 3, 3, 3, 3), 3 + 2, ADULT, [], "low"),
    ("EPDS 5 under vietnam@2", epds(3, 2, 3, 0, 3, 3, 3, 3, 3, 3, table="vietnam"), 5, ADULT,
     [("epds.possible_cmd", "assessment", date(2026, 12, 15), False)], "medium"),
    ("EPDS 11 under vietnam@2: assessment, not a rescreen",
     epds(3, 3, 1, 3, 3, 3, 3, 3, 3, 3, table="vietnam"), 11, ADULT,
     [("epds.possible_cmd", "assessment", date(2026, 12, 15), False)], "medium"),
    ("EPDS 1: q10 'hardly ever'", epds(0, 0, 3, 0, 3, 3, 3, 3, 3, 2), 1, ADULT,
     [("safety", "safety_contact", ON, True)], "high"),
    # SDQ 4-17: total abnormal from 17; a subscale abnormal above its borderline score
    # (emotional 5+, conduct 4+); impact abnormal from 2 (raw 3 = "a great deal" scores 2)
    ("SDQ total 18", sdq(10, 8, impact_raw=None), 18, TODDLER,
     [("sdq.total", "assessment", date(2026, 12, 31), False)], "high"),
    ("SDQ emotional 10, impact 10", sdq(10, 0, impact_raw=3), 10, TODDLER,
     [("sdq.subscale", "assessment", date(2026, 12, 31), False)], "high"),
    ("SDQ emotional 10, no impact", sdq(10, 0, impact_raw=None), 10, TODDLER, [], "low"),
    # M-CHAT-R: Low 0-2, Medium 3-7, High 8-20; Follow-Up >= 2 FAIL positive
    ("M-CHAT-R 9 High", mchat_r(9), 9, TODDLER,
     [("mchat.referral", "referral", date(2026, 12, 15), False)], "high"),
    ("M-CHAT-R 4 Medium", mchat_r(4), 4, TODDLER,
     [("mchat.followup", "followup_interview", date(2026, 12, 31), False)], "medium"),
    ("M-CHAT-R 1 Low at 17 months", mchat_r(1), 1, TODDLER,
     [("mchat.rescreen", "rescreen", date(2027, 6, 15), False)], "low"),
    ("M-CHAT-R 1 Low at 35 months", mchat_r(1), 1, date(2024, 1, 1), [], "low"),
    ("M-CHAT-R/F Follow-Up 1 FAIL at 17 months", mchat_r(4, followup_fails=1), 4, TODDLER,
     [("mchat.rescreen", "rescreen", date(2027, 6, 15), False)], "low"),
    ("M-CHAT-R/F Follow-Up 2 FAIL", mchat_r(4, followup_fails=2), 4, TODDLER,
     [("mchat.referral", "referral", date(2026, 12, 15), False)], "high"),
    # Ministry checklist at 17 months: q01..q04 and q06 asked; one sign -> step 2
    ("Ministry checklist, no single words", outcome(
        "moh_asd_signs", {"q01": "no", "q02": "no", "q03": "no", "q04": "yes", "q06": "no"},
        age_months=17), 1, TODDLER,
     [("moh.referral", "referral", date(2026, 12, 15), False)], "high"),
    # review: a device total that differs (10 sent, 12 scored); a form that cannot be scored
    # keeps its safety flag (EPDS q03 missing, q10 raw 1 scores 2)
    ("PHQ-9 12, device said 10", phq9(3, 3, 3, 3, 0, 0, 0, 0, 0, device_total=10), 12, ADULT,
     [("review.device_score", "review", date(2026, 12, 4), False),
      ("phq.moderate", "assessment", date(2026, 12, 15), False)], "medium"),
    ("EPDS unscorable with q10 positive", outcome(
        "epds", {k: v for k, v in levels(0, 0, 3, 0, 3, 3, 3, 3, 3, 1).items() if k != "q03"}),
     None, ADULT, [("safety", "safety_contact", ON, True),
                   ("review.unscorable", "review", date(2026, 12, 4), False)], "high"),
]


@pytest.mark.parametrize(("what", "result", "total", "dob", "expected", "risk"), ROWS,
                         ids=[row[0] for row in ROWS])
def test_each_pathway_row(what, result, total, dob, expected, risk):
    assert result.total == total
    table = result.result["thresholds"].split("@")[0] if result.result else "international"
    assert kinds(plan(result, on=ON, dob=dob, table=table)) == expected
    assert risk_of(result, on=ON, dob=dob, table=table) == risk


def test_urgent_is_the_open_safety_contact_not_the_result():
    """The safety row's action is urgent; the result it came from is high (module docstring)."""
    harm = phq9(0, 0, 0, 0, 0, 0, 0, 0, 2)
    assert [p.risk for p in plan(harm, on=ON, dob=ADULT)] == ["urgent"]
    assert risk_of(harm, on=ON, dob=ADULT) == "high"


def test_periods_are_programme_settings():
    severe = phq9(3, 3, 3, 3, 3, 3, 3, 1, 0)
    found = plan(severe, on=ON, dob=ADULT, periods=Periods(urgent_referral_days=3))
    assert [p.due for p in found] == [date(2026, 12, 4)]
    with pytest.raises(ValueError):
        Periods(review_days=-1)


def test_the_docstring_table_lists_every_row_with_its_action_and_due():
    """A clinical lead reads the module docstring: it must say what the data does."""
    doc = pathway.__doc__
    for row in pathway.ROWS:
        line = re.search(rf"^  {re.escape(row.rule)} .*$", doc, re.MULTILINE)
        assert line, row.rule
        assert row.kind in line[0] and row.risk in line[0], row.rule
        due = {"same_day": "same day", "24_months": "turns 24 months"}.get(row.due, row.due)
        following = doc[line.start():line.start() + 400]
        assert due in following, row.rule
        assert ("URGENT" in line[0]) == row.urgent, row.rule
    assert set(pathway.SOURCES) == {row.rule for row in pathway.ROWS}
