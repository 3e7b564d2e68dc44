"""PHQ-9 (phq9) and PHQ-A (phqa): worked examples from the published rules.

Sources: instruments.md §4-5; camcops phq9.py / phq9.rst; GLAD-PC "Scoring the PHQ-9 Modified for
Teens"; NIMH PHQ-A form; APA missing-item rule (peelpediatrics.com), applied to PHQ-9 by our
choice (§11.6); Vietnamese cut-off 4 (EAAP 2023). Expected values are worked by hand.
"""

from __future__ import annotations

import pytest

from screening_tools import ScoringError, score
from tests.unit.screening_tools.encode import levels

NO_EXTRA = {"q10": "no", "q11": "no", "q12": "no"}


def phqa(**overrides):
    """PHQ-A answers: nine 0-3 items at 0 and the three yes/no items at "no", overridden."""
    return {**levels(1, 9), **NO_EXTRA, **overrides}


@pytest.mark.parametrize("instrument", ["phq9", "phqa"])
def test_all_lowest(instrument):
    """Rule: score = raw, total 0-27; 0-4 none/minimal; no flag (camcops; GLAD-PC)."""
    answers = levels(1, 9) if instrument == "phq9" else phqa()
    result = score(instrument, answers).as_dict()
    assert (result["total"], result["band"], result["flags"]) == (0, "none_minimal", [])
    assert result["self_harm_items"] == []
    assert result["prorated"] is False
    assert result["subscales"] == {}


def test_phq9_all_highest():
    """Rule: all items 3 -> 27 severe; q09 >= 1 raises the self-harm flag (camcops)."""
    result = score("phq9", dict.fromkeys(levels(1, 9), 3)).as_dict()
    assert (result["total"], result["band"]) == (27, "severe")
    assert result["flags"] == ["self_harm_item_positive"]
    assert result["screen_positive"] is True


def test_phqa_all_highest():
    """Rule: all items 3 and every yes/no "yes" -> 27 severe, one flag raised by q09, q11, q12
    (NIMH PHQ-A form; GLAD-PC)."""
    answers = {**dict.fromkeys(levels(1, 9), "3"), "q10": "yes", "q11": "yes", "q12": "yes"}
    result = score("phqa", answers).as_dict()
    assert (result["total"], result["band"]) == (27, "severe")
    assert result["flags"] == ["self_harm_item_positive"]
    assert result["self_harm_items"] == ["q09", "q11", "q12"]


EDGES = [
    ({"q01": 3, "q02": 1}, 4, "none_minimal"),
    ({"q01": 3, "q02": 2}, 5, "mild"),
    ({"q01": 3, "q02": 3, "q03": 3}, 9, "mild"),
    ({"q01": 3, "q02": 3, "q03": 3, "q04": 1}, 10, "moderate"),
    ({"q01": 3, "q02": 3, "q03": 3, "q04": 3, "q05": 2}, 14, "moderate"),
    ({"q01": 3, "q02": 3, "q03": 3, "q04": 3, "q05": 3}, 15, "moderately_severe"),
    (
        {"q01": 3, "q02": 3, "q03": 3, "q04": 3, "q05": 3, "q06": 3, "q07": 1},
        19,
        "moderately_severe",
    ),
    ({"q01": 3, "q02": 3, "q03": 3, "q04": 3, "q05": 3, "q06": 3, "q07": 2}, 20, "severe"),
]


@pytest.mark.parametrize("thresholds", ["international", "vietnam"])
@pytest.mark.parametrize(("items", "total", "band"), EDGES)
def test_phq9_band_edges(thresholds, items, total, band):
    """Rule: 0-4 / 5-9 / 10-14 / 15-19 / 20-27 (camcops phq9.py severity()). The Vietnamese
    study gives a cut-off, not severity bands, so both tables band alike."""
    result = score("phq9", levels(1, 9, **items), thresholds=thresholds)
    assert (result.total, result.band, result.flags) == (total, band, ())


@pytest.mark.parametrize(("items", "total", "band"), EDGES)
def test_phqa_band_edges(items, total, band):
    """Rule: PHQ-A uses the PHQ-9 bands (GLAD-PC)."""
    result = score("phqa", phqa(**items))
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(
    ("thresholds", "items", "total", "positive", "cutoff"),
    [
        ("international", {"q01": 3, "q02": 3, "q03": 3}, 9, False, 10),
        ("international", {"q01": 3, "q02": 3, "q03": 3, "q04": 1}, 10, True, 10),
        ("vietnam", {"q01": 3}, 3, False, 4),
        ("vietnam", {"q01": 3, "q02": 1}, 4, True, 4),
    ],
)
def test_phq9_screen_cutoff_per_table(thresholds, items, total, positive, cutoff):
    """Rule: >= 10 screen positive for major depression (camcops phq9.rst); Vietnamese cut-off
    4, read as >= 4 [UNVERIFIED] (EAAP 2023, PMID 37400228)."""
    result = score("phq9", levels(1, 9, **items), thresholds=thresholds).as_dict()
    assert result["total"] == total
    assert (result["screen_positive"], result["screen_cutoff"]) == (positive, cutoff)
    assert result["thresholds"] == f"{thresholds}@2"
    assert result["thresholds_from"] == f"{thresholds}@2"
    # both tables' cut-offs side by side, whichever is in force (instruments.md §11.4)
    assert {label: side["positive"] for label, side in result["cutoffs"].items()} == {
        "international@2": total >= 10, "vietnam@2": total >= 4}


def test_vietnam_cutoff_does_not_change_the_severity_band():
    """Rule: at total 4 the Vietnamese screen is positive but the severity is still none/minimal
    (severity labels are international; §4)."""
    result = score("phq9", levels(1, 9, q01=3, q02=1), thresholds="vietnam")
    assert (result.band, result.extras["screen_positive"]) == ("none_minimal", True)


@pytest.mark.parametrize("instrument", ["phq9", "phqa"])
@pytest.mark.parametrize("q09", [1, 2, 3, "1"])
def test_q09_flag_alone_with_low_total(instrument, q09):
    """Rule: q09 >= 1 -> self-harm flag whatever the total (GLAD-PC; camcops; §11.3)."""
    answers = levels(1, 9, q09=q09) if instrument == "phq9" else phqa(q09=q09)
    result = score(instrument, answers)
    assert result.band == "none_minimal"
    assert result.flags == ("self_harm_item_positive",)
    assert result.extras["self_harm_items"] == ["q09"]


@pytest.mark.parametrize("item", ["q11", "q12"])
def test_phqa_suicide_item_flag_alone(item):
    """Rule: PHQ-A q11 (past-month suicidal thoughts) or q12 (attempt ever) = yes -> flag,
    total 0 (NIMH PHQ-A form; GLAD-PC)."""
    result = score("phqa", phqa(**{item: "yes"}))
    assert (result.total, result.flags) == (0, ("self_harm_item_positive",))
    assert result.extras["self_harm_items"] == [item]


def test_phqa_past_year_depression_raises_no_flag():
    """Rule: q10 (depressed most days in the past year) is recorded, not scored, no flag."""
    result = score("phqa", phqa(q10="yes"))
    assert (result.total, result.flags) == (0, ())


@pytest.mark.parametrize("instrument", ["phq9", "phqa"])
@pytest.mark.parametrize(
    ("items", "total", "band"),
    [
        ({"q01": None, "q02": 3, "q03": 1}, 5, "mild"),  # 4 x 9/8 = 4.5 -> 5 (round() gives 4)
        ({"q01": None, "q02": 3, "q03": 3, "q04": 3, "q05": 3}, 14, "moderate"),  # 13.5 -> 14
        (
            {"q01": None, "q02": None, "q03": 3, "q04": 3, "q05": 3, "q06": 1},
            13,
            "moderate",
        ),  # 10 x 9/7 = 12.86 -> 13
        ({"q01": None, "q02": None, "q03": 3, "q04": 3, "q05": 1}, 9, "mild"),  # 7 x 9/7 = 9
        ({"q05": None}, 0, "none_minimal"),
    ],
)
def test_one_or_two_missing_are_prorated(instrument, items, total, band):
    """Rule: 1-2 missing -> round(raw sum x 9 / answered), halves away from zero (APA PHQ-A
    rule; PHQ-9 by our choice, §4 and §11.6-7)."""
    answers = levels(1, 9, **items) if instrument == "phq9" else phqa(**items)
    result = score(instrument, answers).as_dict()
    assert (result["total"], result["band"]) == (total, band)
    assert result["prorated"] is True


@pytest.mark.parametrize("instrument", ["phq9", "phqa"])
def test_three_missing_leave_no_total_but_keep_the_flag(instrument):
    """Rule: >= 3 missing -> no score (APA); the q09 flag is still raised (§11.3)."""
    items = {"q01": None, "q02": "", "q03": None, "q09": 2}
    answers = levels(1, 9, **items) if instrument == "phq9" else phqa(**items)
    result = score(instrument, answers).as_dict()
    assert (result["total"], result["band"]) == (None, None)
    assert result["flags"] == ["self_harm_item_positive"]
    assert result["items_answered"] == 6
    assert result["prorated"] is False


def test_phq9_three_missing_has_no_screen_result():
    """Rule: without a total there is no screen result (missing is not zero, §11.6)."""
    result = score("phq9", levels(1, 9, q01=None, q02=None, q03=None))
    assert result.extras["screen_positive"] is None


def test_phq9_missing_q09_raises_no_flag():
    """Rule: the flag needs q09 >= 1; an unanswered q09 raises nothing (prorated total)."""
    result = score("phq9", levels(1, 9, q01=3, q09=None))
    assert (result.total, result.flags) == (3, ())


@pytest.mark.parametrize("missing", ["q10", "q11", "q12"])
def test_phqa_missing_extra_item_is_refused_with_flags(missing):
    """Rule: the extra yes/no items have no missing-data rule, so they are required; the flag
    already raised by q09 travels on the error (§11.3)."""
    with pytest.raises(ScoringError) as caught:
        score("phqa", phqa(q09=1, **{missing: None}))
    assert (caught.value.code, caught.value.item) == ("missing_item", missing)
    assert caught.value.flags == ("self_harm_item_positive",)


def test_phqa_missing_extra_item_without_flag():
    """Rule: with no positive safety item the error carries no flag."""
    with pytest.raises(ScoringError) as caught:
        score("phqa", phqa(q12=None))
    assert caught.value.flags == ()


def test_optional_difficulty_items_are_checked_not_scored():
    """Rule: PHQ-9 q10 / PHQ-A q13 ("how difficult") are stored, not scored (§4-5)."""
    assert score("phq9", levels(1, 9, q10="3")).total == 0
    assert score("phqa", phqa(q13=3)).total == 0
    with pytest.raises(ScoringError) as caught:
        score("phq9", levels(1, 9, q10=4))
    assert (caught.value.code, caught.value.item) == ("invalid_code", "q10")


@pytest.mark.parametrize("code", [4, -1, "4", "03", " 1", "1.0", 1.0, True, "one", "yes"])
def test_phq9_bad_code_is_refused(code):
    """Contract: 0-3 items accept 0..3 and "0".."3" only."""
    with pytest.raises(ScoringError) as caught:
        score("phq9", levels(1, 9, q04=code))
    assert (caught.value.code, caught.value.item) == ("invalid_code", "q04")


@pytest.mark.parametrize(
    ("instrument", "answers", "code", "item"),
    [
        ("phq9", levels(1, 9, q11=0), "unknown_item", "q11"),
        ("phq9", levels(1, 9, q13=0), "unknown_item", "q13"),
        ("phqa", phqa(q14="no"), "unknown_item", "q14"),
        ("phqa", phqa(q11="1"), "invalid_code", "q11"),
        ("phqa", phqa(q12=True), "invalid_code", "q12"),
        ("phqa", phqa(q09="yes"), "invalid_code", "q09"),
    ],
)
def test_invalid_input_is_refused(instrument, answers, code, item):
    """Contract: keys and codes exactly as listed in instruments.md §4-5."""
    with pytest.raises(ScoringError) as caught:
        score(instrument, answers)
    assert (caught.value.code, caught.value.item) == (code, item)


def test_phqa_vietnam_borrows_international():
    """Rule: no Vietnamese PHQ-A validation (§5): vietnam falls back to international."""
    result = score("phqa", phqa(q01=3, q02=2), thresholds="vietnam").as_dict()
    assert (result["total"], result["band"]) == (5, "mild")
    assert result["thresholds"] == "vietnam@2"
    assert result["thresholds_from"] == "international@2"
