"""EPDS (epds): worked examples from the published rules.

Sources: instruments.md §8; psychcongress "How to score" (q01, q02, q04 score = position from the
top; q03, q05-q10 starred, score = 3 - position); camcops epds.py (>= 10 possible, >= 13 probable);
EPDS-V >= 4 (Tran et al. 2011); q10 flag (doula-certification.com; postpartumhealthalliance.org).
Expected values are worked by hand.
"""

from __future__ import annotations

import pytest

from screening_tools import ScoringError, score
from tests.unit.screening_tools.encode import epds, keys

# every item scoring 0: the top option on q01, q02, q04; the bottom option on the starred items
ZERO = {"q01": 0, "q02": 0, "q03": 3, "q04": 0, "q05": 3,
        "q06": 3, "q07": 3, "q08": 3, "q09": 3, "q10": 3}  # fmt: skip


def test_all_lowest():
    """Rule: every item scoring 0 -> 0, low, no flag."""
    result = score("epds", ZERO).as_dict()
    assert (result["total"], result["band"], result["flags"]) == (0, "low", [])
    assert result["rules_version"] == "epds.rules@1"


def test_all_highest():
    """Rule: bottom option on q01, q02, q04 (3 each) and top option on the starred items
    (3 each) -> 30, probable depression; q10 scores 3 -> flag."""
    answers = {"q01": 3, "q02": 3, "q03": 0, "q04": 3, "q05": 0,
               "q06": 0, "q07": 0, "q08": 0, "q09": 0, "q10": 0}  # fmt: skip
    result = score("epds", answers)
    assert (result.total, result.band) == (30, "probable_depression")
    assert result.flags == ("self_harm_item_positive",)


def test_every_top_option():
    """Rule: top option = 0 on q01, q02, q04 and 3 on the seven starred items -> 21, flag."""
    result = score("epds", dict.fromkeys(keys(1, 10), 0))
    assert (result.total, result.band) == (21, "probable_depression")
    assert result.flags == ("self_harm_item_positive",)


@pytest.mark.parametrize(("thresholds", "positive"), [("international", False), ("vietnam", True)])
def test_every_bottom_option(thresholds, positive):
    """Rule: bottom option = 3 on q01, q02, q04 and 0 on the starred items -> 9: the band is
    low (< 10) whatever the table; screen-positive only under the Vietnamese cut-off (>= 4,
    a possible common perinatal mental disorder); q10 "never" raises no flag."""
    result = score("epds", dict.fromkeys(keys(1, 10), "3"), thresholds=thresholds)
    assert (result.total, result.band, result.flags) == (9, "low", ())
    assert result.extras["screen_positive"] is positive


@pytest.mark.parametrize("item", ["q03", "q05", "q06", "q07", "q08", "q09", "q10"])
@pytest.mark.parametrize(("raw", "points"), [(0, 3), (1, 2), (2, 1), (3, 0)])
def test_each_starred_item_is_reversed(item, raw, points):
    """Rule: starred items score 3 - position (top = 3 ... bottom = 0) (psychcongress; §11.2)."""
    assert score("epds", {**ZERO, item: raw}).total == points


@pytest.mark.parametrize("item", ["q01", "q02", "q04"])
@pytest.mark.parametrize(("raw", "points"), [(0, 0), (1, 1), (3, 3)])
def test_unstarred_items_score_their_position(item, raw, points):
    """Rule: q01, q02, q04 score = position from the top (psychcongress)."""
    assert score("epds", {**ZERO, item: raw}).total == points


@pytest.mark.parametrize(
    ("scores", "total", "band", "at_13", "at_4"),
    [
        ({"q01": 3}, 3, "low", False, False),
        ({"q01": 3, "q02": 1}, 4, "low", False, True),
        ({"q01": 3, "q02": 3, "q04": 3}, 9, "low", False, True),
        ({"q01": 3, "q02": 3, "q04": 3, "q03": 1}, 10, "possible_depression", False, True),
        ({"q01": 3, "q02": 3, "q04": 3, "q03": 3}, 12, "possible_depression", False, True),
        ({"q01": 3, "q02": 3, "q04": 3, "q03": 3, "q05": 1}, 13, "probable_depression", True,
         True),
    ],
)
def test_band_and_both_cutoffs(scores, total, band, at_13, at_4):
    """Rule: bands >= 10 possible, >= 13 probable depression (camcops epds.py; Cox et al.
    1987) under either table; cut-offs side by side: international >= 13 probable depression,
    Vietnam >= 4 (EPDS-V, Tran et al. 2011), a possible common perinatal mental disorder, never
    labelled "possible depression" by itself."""
    intl = score("epds", epds(**scores))
    viet = score("epds", epds(**scores), thresholds="vietnam")
    assert (intl.total, intl.band, intl.flags) == (total, band, ())
    assert (viet.total, viet.band) == (total, band)
    assert (intl.extras["screen_positive"], viet.extras["screen_positive"]) == (at_13, at_4)
    side = viet.extras["cutoffs"]
    assert side == intl.extras["cutoffs"]
    assert (side["international@2"]["positive"], side["vietnam@2"]["positive"]) == (at_13, at_4)
    assert "perinatal" in side["vietnam@2"]["meaning"]
    assert viet.extras["thresholds_from"] == "vietnam@2"


@pytest.mark.parametrize(("raw", "total"), [(0, 3), (1, 2), (2, 1), ("2", 1)])
def test_q10_flag_alone_with_low_total(raw, total):
    """Rule: q10 score >= 1 (every option but the bottom "never") -> flag, whatever the total;
    computed on the recoded score (§8, §11.3)."""
    result = score("epds", {**ZERO, "q10": raw})
    assert (result.total, result.band) == (total, "low")
    assert result.flags == ("self_harm_item_positive",)


def test_q10_bottom_option_raises_no_flag():
    """Rule: the bottom q10 option ("never") scores 0: no flag (§8)."""
    assert score("epds", {**ZERO, "q10": 3}).flags == ()


def test_missing_item_keeps_the_q10_flag_on_the_error():
    """Rule: no missing-data rule (§12): the item is required; the q10 flag travels (§11.3)."""
    with pytest.raises(ScoringError) as caught:
        score("epds", {**ZERO, "q10": 1, "q05": None})
    error = caught.value
    assert (error.code, error.item, error.flags) == (
        "missing_item",
        "q05",
        ("self_harm_item_positive",),
    )


def test_missing_q10_has_no_flag():
    """Rule: an unanswered q10 cannot raise the flag."""
    with pytest.raises(ScoringError) as caught:
        score("epds", {**ZERO, "q10": ""})
    assert (caught.value.item, caught.value.flags) == ("q10", ())


@pytest.mark.parametrize(
    ("change", "code", "item"),
    [
        ({"q11": 0}, "unknown_item", "q11"),
        ({"q04": 4}, "invalid_code", "q04"),
        ({"q04": "yes"}, "invalid_code", "q04"),
        ({"q04": 2.0}, "invalid_code", "q04"),
    ],
)
def test_invalid_input_is_refused(change, code, item):
    """Contract: keys q01..q10, positions 0..3 or "0".."3"."""
    with pytest.raises(ScoringError) as caught:
        score("epds", {**ZERO, **change})
    assert (caught.value.code, caught.value.item) == (code, item)
