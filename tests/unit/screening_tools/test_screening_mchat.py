"""M-CHAT-R (mchat_r) and M-CHAT-R/F (mchat_rf): worked examples from the published rules.

Sources: instruments.md §2; mchatscreen.com/mchat-rf/scoring; M-CHAT-R/F scoring algorithm and
Follow-Up instructions. Expected values are worked by hand.
"""

from __future__ import annotations

import pytest

from screening_tools import ScoringError, score
from tests.unit.screening_tools.encode import keys, mchat

# hand-made: every item answered the not-at-risk way ("no" on q02/q05/q12, "yes" elsewhere)
NO_RISK = {
    "q01": "yes", "q02": "no", "q03": "yes", "q04": "yes", "q05": "no",
    "q06": "yes", "q07": "yes", "q08": "yes", "q09": "yes", "q10": "yes",
    "q11": "yes", "q12": "no", "q13": "yes", "q14": "yes", "q15": "yes",
    "q16": "yes", "q17": "yes", "q18": "yes", "q19": "yes", "q20": "yes",
}  # fmt: skip


def test_all_lowest_scores_zero_low():
    """Rule: 1 point per at-risk answer; total 0-2 = Low, no flag (mchatscreen scoring page)."""
    result = score("mchat_r", NO_RISK).as_dict()
    assert result["total"] == 0
    assert result["band"] == "low"
    assert result["flags"] == []
    assert result["at_risk_items"] == []
    assert result["subscales"] == {}
    assert result["thresholds"] == "international@2"
    assert result["rules_version"] == "mchat_r.rules@1"


def test_all_highest_scores_twenty_high_refer_immediately():
    """Rule: every item at risk -> 20, High 8-20 -> refer immediately (scoring page)."""
    answers = {key: ("no" if value == "yes" else "yes") for key, value in NO_RISK.items()}
    result = score("mchat_r", answers)
    assert result.total == 20
    assert result.band == "high"
    assert result.flags == ("refer_immediately",)
    assert result.extras["at_risk_items"] == keys(1, 20)


def test_all_yes_puts_only_the_three_reverse_items_at_risk():
    """Rule: "yes" is at risk only on q02, q05, q12 -> all-yes scores 3, Medium (scoring page)."""
    result = score("mchat_r", dict.fromkeys(keys(1, 20), "yes"))
    assert result.total == 3
    assert result.band == "medium"
    assert result.extras["at_risk_items"] == ["q02", "q05", "q12"]
    assert result.flags == ("followup_interview_required",)


def test_all_no_puts_the_other_seventeen_items_at_risk():
    """Rule: "no" is at risk on the 17 items other than q02, q05, q12 -> 17, High."""
    result = score("mchat_r", dict.fromkeys(keys(1, 20), "no"))
    assert result.total == 17
    assert result.band == "high"
    assert "q02" not in result.extras["at_risk_items"]


@pytest.mark.parametrize("item", ["q02", "q05", "q12"])
def test_reverse_item_yes_is_one_point(item):
    """Rule: q02, q05, q12 score 1 on "yes" and 0 on "no" (scoring page; §11.2)."""
    assert score("mchat_r", {**NO_RISK, item: "yes"}).total == 1
    assert score("mchat_r", {**NO_RISK, item: "no"}).total == 0
    assert score("mchat_r", {**NO_RISK, item: "yes"}).extras["at_risk_items"] == [item]


@pytest.mark.parametrize("item", ["q01", "q07", "q20"])
def test_ordinary_item_no_is_one_point(item):
    """Rule: the other 17 items score 1 on "no" (scoring page)."""
    assert score("mchat_r", {**NO_RISK, item: "no"}).total == 1


@pytest.mark.parametrize("thresholds", ["international", "vietnam"])
@pytest.mark.parametrize(
    ("at_risk", "total", "band", "flags"),
    [
        (["q01", "q02"], 2, "low", ()),
        (["q01", "q02", "q03"], 3, "medium", ("followup_interview_required",)),
        (
            ["q01", "q02", "q03", "q04", "q05", "q06", "q07"],
            7,
            "medium",
            ("followup_interview_required",),
        ),
        (
            ["q01", "q02", "q03", "q04", "q05", "q06", "q07", "q08"],
            8,
            "high",
            ("refer_immediately",),
        ),
    ],
)
def test_band_edges(thresholds, at_risk, total, band, flags):
    """Rule: Low 0-2 / Medium 3-7 / High 8-20; no Vietnamese cut-off, so vietnam = international
    (scoring page; Cà Mau 2022 used the international cut-offs)."""
    result = score("mchat_r", mchat(at_risk), thresholds=thresholds)
    assert (result.total, result.band, result.flags) == (total, band, flags)
    assert result.extras["thresholds_from"] == "international@2"


def test_vietnam_table_is_named_and_borrowed():
    """Rule §11.4: the result names the table asked for and the one whose numbers were used."""
    result = score("mchat_r", NO_RISK, thresholds="vietnam").as_dict()
    assert result["thresholds"] == "vietnam@2"
    assert result["thresholds_from"] == "international@2"


@pytest.mark.parametrize("blank", [None, ""])
def test_missing_item_is_refused(blank):
    """Rule: no published missing-data rule; all 20 items required (instruments.md §2 "We")."""
    with pytest.raises(ScoringError) as caught:
        score("mchat_r", {**NO_RISK, "q07": blank})
    assert (caught.value.code, caught.value.item) == ("missing_item", "q07")


def test_absent_item_is_refused():
    """Rule: an absent key is a missing item (instruments.md §2 "We")."""
    answers = dict(NO_RISK)
    del answers["q20"]
    with pytest.raises(ScoringError) as caught:
        score("mchat_r", answers)
    assert (caught.value.code, caught.value.item) == ("missing_item", "q20")


@pytest.mark.parametrize("key", ["q21", "q1", "q00", "followup.q01"])
def test_unknown_item_is_refused(key):
    """Contract: keys are q01..q20 only; anything else is unknown_item."""
    with pytest.raises(ScoringError) as caught:
        score("mchat_r", {**NO_RISK, key: "yes"})
    assert (caught.value.code, caught.value.item) == ("unknown_item", key)


@pytest.mark.parametrize("code", ["Yes", "YES", " yes", "y", 1, True, "pass"])
def test_bad_code_is_refused(code):
    """Contract: raw codes are exactly "yes"/"no" (instruments.md §2)."""
    with pytest.raises(ScoringError) as caught:
        score("mchat_r", {**NO_RISK, "q03": code})
    assert (caught.value.code, caught.value.item) == ("invalid_code", "q03")


def test_followup_on_mchat_r_is_refused():
    """Contract: only mchat_rf takes follow-up answers."""
    with pytest.raises(ScoringError) as caught:
        score("mchat_r", NO_RISK, followup={"q01": "pass"})
    assert caught.value.code == "unexpected_followup"


# ---- M-CHAT-R/F ---------------------------------------------------------------------------
MEDIUM = mchat(["q01", "q03", "q04"])  # total 3


def test_rf_low_is_screen_negative_without_followup():
    """Rule: Low 0-2 = screen negative; no Follow-Up (scoring page)."""
    result = score("mchat_rf", mchat(["q01", "q02"])).as_dict()
    assert result["band"] == "low"
    assert result["initial_total"] == 2
    assert result["followup_required"] is False
    assert result["followup_items"] == []
    assert result["followup_score"] is None
    assert result["result"] == "screen_negative"
    assert result["flags"] == []
    assert result["rules_version"] == "mchat_rf.rules@1"


def test_rf_low_with_followup_answers_is_a_mismatch():
    """Rule: the Follow-Up covers only items at risk after a Medium screen (§2)."""
    with pytest.raises(ScoringError) as caught:
        score("mchat_rf", mchat(["q01", "q02"]), followup={"q01": "fail"})
    assert (caught.value.code, caught.value.item) == ("followup_mismatch", "q01")


def test_rf_medium_without_followup_is_pending():
    """Rule: Medium 3-7 -> give the Follow-Up for the at-risk items (Follow-Up instructions)."""
    result = score("mchat_rf", MEDIUM).as_dict()
    assert result["band"] == "medium"
    assert result["followup_required"] is True
    assert result["followup_items"] == ["q01", "q03", "q04"]
    assert result["followup_score"] is None
    assert result["result"] is None
    assert result["flags"] == ["followup_interview_required"]


def test_rf_blank_followup_counts_as_not_given():
    """Our rule: a Follow-Up with nothing answered is not a Follow-Up (module docstring)."""
    result = score("mchat_rf", MEDIUM, followup=dict.fromkeys(keys(1, 20)))
    assert result.extras["result"] is None
    assert result.flags == ("followup_interview_required",)


@pytest.mark.parametrize(
    ("followup", "fails", "outcome", "flags"),
    [
        ({"q01": "pass", "q03": "pass", "q04": "pass"}, 0, "screen_negative", []),
        ({"q01": "fail", "q03": "pass", "q04": "pass"}, 1, "screen_negative", []),
        (
            {"q01": "fail", "q03": "pass", "q04": "fail"},
            2,
            "screen_positive",
            ["refer_for_evaluation"],
        ),
        (
            {"q01": "fail", "q03": "fail", "q04": "fail"},
            3,
            "screen_positive",
            ["refer_for_evaluation"],
        ),
    ],
)
def test_rf_medium_followup_edges(followup, fails, outcome, flags):
    """Rule: Follow-Up >= 2 FAIL = screen positive, refer; 0-1 = screen negative (scoring page)."""
    result = score("mchat_rf", MEDIUM, followup=followup).as_dict()
    assert result["followup_score"] == fails
    assert result["result"] == outcome
    assert result["flags"] == flags
    assert result["band"] == "medium"
    assert result["total"] == 3


def test_rf_followup_missing_an_at_risk_item_is_a_mismatch():
    """Rule: every at-risk item is followed up (Follow-Up instructions; §2 "We")."""
    with pytest.raises(ScoringError) as caught:
        score("mchat_rf", MEDIUM, followup={"q01": "pass", "q03": "fail"})
    assert (caught.value.code, caught.value.item) == ("followup_mismatch", "q04")


def test_rf_followup_for_a_passed_item_is_a_mismatch():
    """Rule: only the items scored at risk are followed up (Follow-Up instructions)."""
    followup = {"q01": "pass", "q03": "fail", "q04": "fail", "q05": "fail"}
    with pytest.raises(ScoringError) as caught:
        score("mchat_rf", MEDIUM, followup=followup)
    assert (caught.value.code, caught.value.item) == ("followup_mismatch", "q05")


@pytest.mark.parametrize(
    ("followup", "code", "item"),
    [
        ({"q01": "FAIL", "q03": "pass", "q04": "pass"}, "invalid_code", "q01"),
        ({"q01": "yes", "q03": "pass", "q04": "pass"}, "invalid_code", "q01"),
        ({"q01": "pass", "q03": "pass", "q04": "pass", "q21": "pass"}, "unknown_item", "q21"),
        (["q01"], "invalid_answers", None),
    ],
)
def test_rf_bad_followup_input_is_refused(followup, code, item):
    """Contract: follow-up codes are exactly "pass"/"fail", keys q01..q20, a mapping."""
    with pytest.raises(ScoringError) as caught:
        score("mchat_rf", MEDIUM, followup=followup)
    assert (caught.value.code, caught.value.item) == (code, item)


HIGH = mchat(["q01", "q02", "q03", "q04", "q05", "q06", "q07", "q08"])  # total 8


def test_rf_high_without_followup_is_positive_and_refers_immediately():
    """Rule: High 8-20 = screen positive; Follow-Up may be bypassed; refer immediately."""
    result = score("mchat_rf", HIGH).as_dict()
    assert result["result"] == "screen_positive"
    assert result["flags"] == ["refer_immediately"]
    assert result["followup_required"] is False
    assert result["followup_items"] == keys(1, 8)


def test_rf_high_stays_positive_when_followup_passes():
    """Our reading of "may be bypassed": the immediate referral stands (§12 open point)."""
    followup = dict.fromkeys(keys(1, 8), "pass")
    result = score("mchat_rf", HIGH, followup=followup).as_dict()
    assert result["followup_score"] == 0
    assert result["result"] == "screen_positive"
    assert result["flags"] == ["refer_immediately"]


def test_rf_high_with_two_fails_adds_refer_for_evaluation():
    """Rule: >= 2 FAIL after Follow-Up -> refer for evaluation, alongside refer immediately."""
    followup = {**dict.fromkeys(keys(1, 8), "pass"), "q02": "fail", "q08": "fail"}
    result = score("mchat_rf", HIGH, followup=followup).as_dict()
    assert result["followup_score"] == 2
    assert result["followup_failed_items"] == ["q02", "q08"]
    assert result["flags"] == ["refer_immediately", "refer_for_evaluation"]
