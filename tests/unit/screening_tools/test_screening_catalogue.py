"""The public catalogue and call: instrument ids, specs, errors, result shape, age flag.

Sources: the scoring issue's contract (ids, item keys, codes, licences) and instruments.md §1,
§9, §11 (licences, age ranges, rule version stored with every result).
"""

from __future__ import annotations

import pytest

import screening_tools
from screening_tools import (
    ERROR_CODES,
    FLAG_IDS,
    INSTRUMENT_IDS,
    InstrumentSpec,
    ScoringError,
    get_instrument,
    score,
)
from tests.unit.screening_tools.encode import keys, levels, mchat, sdq, yes_no

YN = ("yes", "no")
LEVELS = ("0", "1", "2", "3")
SDQ = ("not_true", "somewhat_true", "certainly_true")


def test_instrument_ids():
    """Contract: the ten instrument ids, fixed."""
    assert INSTRUMENT_IDS == (
        "mchat_r", "mchat_rf", "sdq_p4_17", "sdq_p2_4", "phq9", "phqa", "gad7", "srq20", "epds",
        "moh_asd_signs",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("instrument", "items", "optional", "followup", "age_range", "licence"),
    [
        ("mchat_r", keys(1, 20), [], [], (16, 30, "months"), "licence_required"),
        ("mchat_rf", keys(1, 20), [], keys(1, 20), (16, 30, "months"), "licence_required"),
        ("sdq_p4_17", keys(1, 31), [], [], (4, 17, "years"), "licence_required"),
        ("sdq_p2_4", keys(1, 25), keys(26, 31), [], (2, 4, "years"), "licence_required"),
        ("phq9", keys(1, 9), ["q10"], [], None, "free"),
        ("phqa", keys(1, 12), ["q13"], [], (11, 17, "years"), "licence_required"),
        ("gad7", keys(1, 7), [], [], None, "free"),
        ("srq20", keys(1, 20), [], [], None, "who_noncommercial"),
        ("epds", keys(1, 10), [], [], None, "licence_required"),
        ("moh_asd_signs", keys(1, 6), [], [], (0, 72, "months"), "state_document"),
    ],
)
def test_specs(instrument, items, optional, followup, age_range, licence):
    """Contract: item keys as printed; licences per instruments.md §9 (PHQ-A terms UNVERIFIED,
    so "licence_required"); age ranges per §2, §3, §5 (PHQ-A UNVERIFIED) and vietnam.md §1."""
    spec = get_instrument(instrument)
    assert isinstance(spec, InstrumentSpec)
    assert spec.id == instrument
    assert spec.title
    assert list(spec.items) == items
    assert list(spec.optional_items) == optional
    assert list(spec.followup_items) == followup
    assert spec.age_range == age_range
    assert spec.licence == licence
    assert set(spec.answer_codes) == set(items) | set(optional)


@pytest.mark.parametrize(
    ("instrument", "item", "codes"),
    [
        ("mchat_r", "q02", YN),
        ("mchat_rf", "q20", YN),
        ("srq20", "q17", YN),
        ("moh_asd_signs", "q06", YN),
        ("sdq_p4_17", "q07", SDQ),
        ("sdq_p4_17", "q26", LEVELS),
        ("sdq_p2_4", "q31", LEVELS),
        ("phq9", "q09", LEVELS),
        ("phq9", "q10", LEVELS),
        ("phqa", "q11", YN),
        ("phqa", "q13", LEVELS),
        ("gad7", "q07", LEVELS),
        ("epds", "q10", LEVELS),
    ],
)
def test_answer_codes(instrument, item, codes):
    """Contract: codes as strings, the form's choice names (instruments.md conventions)."""
    assert get_instrument(instrument).answer_codes[item] == codes


def test_followup_codes():
    """Contract: follow-up codes "pass"/"fail" for mchat_rf only."""
    assert get_instrument("mchat_rf").followup_codes == ("pass", "fail")
    assert get_instrument("mchat_r").followup_codes == ()


def test_specs_are_read_only():
    """Contract: the catalogue is data the checker reads, not something it may change."""
    spec = get_instrument("phq9")
    with pytest.raises(TypeError):
        spec.answer_codes["q01"] = ("9",)


@pytest.mark.parametrize("instrument", ["phq-9", "PHQ9", "", None, 3, ["phq9"]])
def test_unknown_instrument(instrument):
    """Contract: get_instrument and score refuse unknown ids with unknown_instrument."""
    with pytest.raises(ScoringError) as caught:
        get_instrument(instrument)
    assert caught.value.code == "unknown_instrument"
    with pytest.raises(ScoringError) as caught:
        score(instrument, {})
    assert caught.value.code == "unknown_instrument"


@pytest.mark.parametrize("name", ["intl", "international@1", "vietnam@3", "Vietnam", "", None])
def test_unknown_thresholds(name):
    """Contract: tables are "international" and "vietnam", optionally "@2" (version 1, whose
    Vietnamese bands moved with the cut-offs, is gone)."""
    with pytest.raises(ScoringError) as caught:
        score("gad7", levels(1, 7), thresholds=name)
    assert caught.value.code == "unknown_thresholds"


@pytest.mark.parametrize("name", ["vietnam", "vietnam@2"])
def test_table_with_or_without_version(name):
    """Contract: a table may be named with its version."""
    assert score("gad7", levels(1, 7), thresholds=name).thresholds == "vietnam@2"


@pytest.mark.parametrize("answers", [None, [], "q01=0", [("q01", 0)]])
def test_answers_must_be_a_mapping(answers):
    """Contract: answers are a mapping of item key to raw code."""
    with pytest.raises(ScoringError) as caught:
        score("gad7", answers)
    assert caught.value.code == "invalid_answers"


def test_non_string_key_is_unknown():
    """Contract: item keys are strings."""
    with pytest.raises(ScoringError) as caught:
        score("gad7", {**levels(1, 7), 1: 0})
    assert (caught.value.code, caught.value.item) == ("unknown_item", "1")


def test_result_shape():
    """Contract: as_dict() has at least the seven core keys; §11.5 stores the rule version."""
    result = score("phq9", levels(1, 9))
    data = result.as_dict()
    assert {
        "instrument",
        "total",
        "subscales",
        "band",
        "flags",
        "thresholds",
        "rules_version",
    } <= set(data)
    assert isinstance(data["flags"], list)
    data["flags"].append("x")
    data["item_scores"]["q01"] = 99
    assert result.as_dict()["flags"] == []
    assert result.as_dict()["item_scores"]["q01"] == 0


def test_error_catalogue():
    """Contract: one base exception with a code catalogue, the item key and a message."""
    for code in (
        "unknown_instrument",
        "unknown_item",
        "invalid_code",
        "missing_item",
        "unknown_thresholds",
        "followup_mismatch",
    ):
        assert code in ERROR_CODES
    error = ScoringError("missing_item", "q05")
    assert (error.code, error.item, error.flags) == ("missing_item", "q05", ())
    assert "q05" in str(error)
    assert str(ScoringError("invalid_code", "q01", "custom text")) == "custom text"
    with pytest.raises(ValueError, match="not in ERROR_CODES"):
        ScoringError("no_such_code")


def test_flag_catalogue_lists_every_flag():
    """Contract: the flag ids of the issue, each with its rule."""
    assert set(FLAG_IDS) == {
        "followup_interview_required", "refer_immediately", "refer_for_evaluation",
        "self_harm_item_positive", "moh_warning_sign", "loss_of_skills", "outside_age_range",
    }  # fmt: skip
    assert all(FLAG_IDS.values())


@pytest.mark.parametrize(
    ("instrument", "answers", "age", "outside"),
    [
        ("mchat_r", mchat(), 15, True),
        ("mchat_r", mchat(), 16, False),
        ("mchat_r", mchat(), 30, False),
        ("mchat_r", mchat(), 31, True),
        ("sdq_p4_17", sdq(), 47, True),  # 3 years 11 months
        ("sdq_p4_17", sdq(), 48, False),
        ("sdq_p4_17", sdq(), 215, False),  # 17 years 11 months
        ("sdq_p4_17", sdq(), 216, True),
        ("sdq_p2_4", sdq(), 23, True),
        ("sdq_p2_4", sdq(), 59, False),
        ("sdq_p2_4", sdq(), 60, True),
        ("srq20", yes_no(1, 20), 5, False),  # no validated range stored: never flagged
        ("phq9", levels(1, 9), 0, False),
    ],
)
def test_outside_age_range_flag(instrument, answers, age, outside):
    """Rule §11.8: outside the validated range (M-CHAT-R 16-30 months; SDQ 4-17 / 2-4 years),
    still score but flag; only when age_months is given."""
    result = score(instrument, answers, age_months=age)
    assert ("outside_age_range" in result.flags) is outside
    assert result.total == 0
    assert "outside_age_range" not in score(instrument, answers).flags


def test_outside_age_range_keeps_other_flags_in_order():
    """Contract: flags come in catalogue order, the age flag after the clinical ones."""
    result = score("mchat_r", mchat(keys(1, 8)), age_months=40)
    assert result.flags == ("refer_immediately", "outside_age_range")


@pytest.mark.parametrize("age", [-1, True, 2.5, "20"])
def test_bad_age_is_refused(age):
    """Contract: age_months is a whole, non-negative number of completed months."""
    with pytest.raises(ScoringError) as caught:
        score("mchat_r", mchat(), age_months=age)
    assert caught.value.code == "invalid_age"


def test_package_exports():
    """Contract: the names the server and the binding checker import."""
    for name in (
        "score",
        "get_instrument",
        "INSTRUMENT_IDS",
        "InstrumentSpec",
        "ScoreResult",
        "ScoringError",
        "ERROR_CODES",
        "FLAG_IDS",
        "THRESHOLD_TABLES",
    ):
        assert hasattr(screening_tools, name)
