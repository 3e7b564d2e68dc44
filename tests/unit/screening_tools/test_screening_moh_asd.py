"""moh_asd_signs: QĐ 2254/QĐ-BYT step-1 autism warning signs, worked by hand.

Sources: vietnam.md §1 (signs as data: ws_06m 6 m, ws_09m 9 m, ws_12m 12 m, ws_16m 16 m, ws_24m
24 m, ws_loss any age; "ask every sign with from_age_months <= age; any 'yes' => step1_positive
=> referral to step 2"; "outside 0-72 months the form must refuse"); instruments.md §10.
Keys q01..q06 follow the order of that list.
"""

from __future__ import annotations

import pytest

from screening_tools import ScoringError, score


@pytest.mark.parametrize(
    ("age", "asked"),
    [
        (0, ["q06"]),
        (5, ["q06"]),
        (6, ["q01", "q06"]),
        (8, ["q01", "q06"]),
        (9, ["q01", "q02", "q06"]),
        (11, ["q01", "q02", "q06"]),
        (12, ["q01", "q02", "q03", "q06"]),
        (15, ["q01", "q02", "q03", "q06"]),
        (16, ["q01", "q02", "q03", "q04", "q06"]),
        (23, ["q01", "q02", "q03", "q04", "q06"]),
        (24, ["q01", "q02", "q03", "q04", "q05", "q06"]),
        (72, ["q01", "q02", "q03", "q04", "q05", "q06"]),
    ],
)
def test_signs_asked_by_age_all_absent(age, asked):
    """Rule: a sign is asked from its age in completed months (vietnam.md §1, UNVERIFIED
    reading); all asked signs "no" -> 0, step1_negative, no flag."""
    result = score("moh_asd_signs", dict.fromkeys(asked, "no"), age_months=age).as_dict()
    assert result["signs_asked"] == asked
    assert (result["total"], result["band"], result["flags"]) == (0, "step1_negative", [])
    assert result["age_months"] == age
    assert result["thresholds"] == "international@2"
    assert result["rules_version"] == "moh_asd_signs.rules@1"


def test_all_signs_present_at_24_months():
    """Rule: every sign present -> 6, step1_positive, warning sign and loss of skills."""
    answers = dict.fromkeys(["q01", "q02", "q03", "q04", "q05", "q06"], "yes")
    result = score("moh_asd_signs", answers, age_months=24).as_dict()
    assert (result["total"], result["band"]) == (6, "step1_positive")
    assert result["flags"] == ["moh_warning_sign", "loss_of_skills"]
    assert result["sign_ids_present"] == [
        "ws_06m",
        "ws_09m",
        "ws_12m",
        "ws_16m",
        "ws_24m",
        "ws_loss",
    ]


@pytest.mark.parametrize(
    ("item", "sign_id"),
    [("q01", "ws_06m"), ("q02", "ws_09m"), ("q03", "ws_12m"), ("q04", "ws_16m"), ("q05", "ws_24m")],
)
@pytest.mark.parametrize("thresholds", ["international", "vietnam"])
def test_one_age_sign_alone_refers_to_step_2(thresholds, item, sign_id):
    """Rule: any "yes" -> step1_positive -> referral to step 2 (QĐ 2254 Bước 1); not a loss."""
    answers = {**dict.fromkeys(["q01", "q02", "q03", "q04", "q05", "q06"], "no"), item: "yes"}
    result = score("moh_asd_signs", answers, age_months=30, thresholds=thresholds).as_dict()
    assert (result["total"], result["band"]) == (1, "step1_positive")
    assert result["flags"] == ["moh_warning_sign"]
    assert result["sign_ids_present"] == [sign_id]


def test_loss_of_skills_alone_at_any_age():
    """Rule: loss of language or social skills, any age (ws_loss) -> refer; both flags."""
    result = score("moh_asd_signs", {"q06": "yes"}, age_months=3)
    assert (result.total, result.band) == (1, "step1_positive")
    assert result.flags == ("moh_warning_sign", "loss_of_skills")


def test_sign_answered_before_its_age_is_refused():
    """Rule: ws_09m is not asked at 8 months; an answer there is refused, never guessed."""
    with pytest.raises(ScoringError) as caught:
        score("moh_asd_signs", {"q01": "no", "q02": "no", "q06": "no"}, age_months=8)
    assert (caught.value.code, caught.value.item) == ("not_applicable_item", "q02")


def test_missing_asked_sign_keeps_the_flags_on_the_error():
    """Rule: every asked sign is required; flags raised by the answered signs travel (§11.3)."""
    with pytest.raises(ScoringError) as caught:
        score("moh_asd_signs", {"q01": "no", "q02": "no", "q06": "yes"}, age_months=12)
    error = caught.value
    assert (error.code, error.item) == ("missing_item", "q03")
    assert error.flags == ("moh_warning_sign", "loss_of_skills")


@pytest.mark.parametrize(
    ("age", "code"),
    [
        (None, "missing_age"),
        (-1, "invalid_age"),
        (73, "invalid_age"),
        (True, "invalid_age"),
        (12.0, "invalid_age"),
        ("12", "invalid_age"),
    ],
)
def test_age_is_required_and_checked(age, code):
    """Rule: the checklist covers 0-72 months; outside that the form must refuse (vietnam.md)."""
    with pytest.raises(ScoringError) as caught:
        score("moh_asd_signs", {"q06": "no"}, age_months=age)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("answers", "code", "item"),
    [
        ({"q06": "no", "q07": "no"}, "unknown_item", "q07"),
        ({"q06": "Yes"}, "invalid_code", "q06"),
        ({"ws_loss": "yes"}, "unknown_item", "ws_loss"),
    ],
)
def test_invalid_input_is_refused(answers, code, item):
    """Contract: keys q01..q06, raw "yes"/"no"."""
    with pytest.raises(ScoringError) as caught:
        score("moh_asd_signs", answers, age_months=5)
    assert (caught.value.code, caught.value.item) == (code, item)
