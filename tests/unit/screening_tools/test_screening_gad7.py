"""GAD-7 (gad7): worked examples from the published rules.

Sources: instruments.md §6; camcops gad7.py severity() and gad7.rst (Spitzer 2006; Kroenke 2010).
Expected values are worked by hand.
"""

from __future__ import annotations

import pytest

from screening_tools import ScoringError, score
from tests.unit.screening_tools.encode import keys, levels


def test_all_lowest():
    """Rule: score = raw, total 0-21; 0-4 minimal; no safety flag (camcops gad7.py)."""
    result = score("gad7", levels(1, 7)).as_dict()
    assert (result["total"], result["band"], result["flags"]) == (0, "minimal", [])
    assert result["screen_positive"] is False
    assert result["subscales"] == {}
    assert result["rules_version"] == "gad7.rules@1"


def test_all_highest():
    """Rule: all seven items 3 -> 21 severe; the GAD-7 has no flag (camcops gad7.py)."""
    result = score("gad7", dict.fromkeys(keys(1, 7), "3"))
    assert (result.total, result.band, result.flags) == (21, "severe", ())


@pytest.mark.parametrize("thresholds", ["international", "vietnam"])
@pytest.mark.parametrize(
    ("items", "total", "band", "positive"),
    [
        ({"q01": 3, "q02": 1}, 4, "minimal", False),
        ({"q01": 3, "q02": 2}, 5, "mild", False),
        ({"q01": 3, "q02": 3, "q03": 3}, 9, "mild", False),
        ({"q01": 3, "q02": 3, "q03": 3, "q04": 1}, 10, "moderate", True),
        ({"q01": 3, "q02": 3, "q03": 3, "q04": 3, "q05": 2}, 14, "moderate", True),
        ({"q01": 3, "q02": 3, "q03": 3, "q04": 3, "q05": 3}, 15, "severe", True),
    ],
)
def test_band_edges(thresholds, items, total, band, positive):
    """Rule: 0-4 / 5-9 / 10-14 / 15-21, >= 10 refer for further evaluation (camcops gad7.py,
    gad7.rst). No Vietnamese cut-off: vietnam borrows international (§6)."""
    result = score("gad7", levels(1, 7, **items), thresholds=thresholds).as_dict()
    assert (result["total"], result["band"]) == (total, band)
    assert (result["screen_positive"], result["screen_cutoff"]) == (positive, 10)
    assert result["thresholds_from"] == "international@2"


@pytest.mark.parametrize("blank", [None, ""])
def test_missing_item_is_refused(blank):
    """Rule: no published missing-data rule (§6, §12): every item required, nothing prorated."""
    with pytest.raises(ScoringError) as caught:
        score("gad7", levels(1, 7, q06=blank))
    assert (caught.value.code, caught.value.item, caught.value.flags) == ("missing_item", "q06", ())


@pytest.mark.parametrize(
    ("answers", "code", "item"),
    [
        (levels(1, 7, q08=0), "unknown_item", "q08"),
        (levels(1, 7, q02=4), "invalid_code", "q02"),
        (levels(1, 7, q02="no"), "invalid_code", "q02"),
        (levels(1, 7, q02=False), "invalid_code", "q02"),
    ],
)
def test_invalid_input_is_refused(answers, code, item):
    """Contract: keys q01..q07, codes 0..3 or "0".."3"."""
    with pytest.raises(ScoringError) as caught:
        score("gad7", answers)
    assert (caught.value.code, caught.value.item) == (code, item)
