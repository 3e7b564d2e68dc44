"""SRQ-20 (srq20): worked examples from the published rules.

Sources: instruments.md §7; WHO user's guide to the SRQ (WHO/MNH/PSF/94.8); Vietnamese cut-offs of
Tuan et al. 2004 (7/8) and Giang et al. 2006 (6/7 community, 5/6 hospital). Expected values are
worked by hand.
"""

from __future__ import annotations

import pytest

from screening_tools import ScoringError, score
from tests.unit.screening_tools.encode import keys, yes_no


def test_all_no():
    """Rule: yes = 1, no = 0 -> 0, below the cut-off, no flag (WHO guide)."""
    result = score("srq20", yes_no(1, 20)).as_dict()
    assert (result["total"], result["band"], result["flags"]) == (0, "below_cutoff", [])
    assert result["meets_cutoffs"] == {"ge8": False, "ge7": False, "ge6": False}
    assert result["rules_version"] == "srq20.rules@1"


def test_all_yes():
    """Rule: all 20 yes -> 20, above the cut-off; q17 yes raises the self-harm flag (§7)."""
    result = score("srq20", yes_no(1, 20, keys(1, 20)))
    assert (result.total, result.band) == (20, "above_cutoff")
    assert result.flags == ("self_harm_item_positive",)


@pytest.mark.parametrize(
    ("thresholds", "yes", "total", "band", "positive"),
    [
        ("international", keys(1, 7), 7, "below_cutoff", False),
        ("international", keys(1, 8), 8, "above_cutoff", True),
        ("vietnam", keys(1, 6), 6, "below_cutoff", False),
        ("vietnam", keys(1, 7), 7, "below_cutoff", True),
    ],
)
def test_band_and_cutoff_edges(thresholds, yes, total, band, positive):
    """Rule: the band is the WHO guide's 7/8 (>= 8 probable case) whatever the table; the
    table in force decides screen_positive: international >= 8, Vietnam 6/7 (>= 7, Giang et al.
    2006 community sample; table choice UNVERIFIED)."""
    result = score("srq20", yes_no(1, 20, yes), thresholds=thresholds).as_dict()
    assert (result["total"], result["band"], result["flags"]) == (total, band, [])
    assert (result["screen_positive"], result["thresholds_from"]) == (positive,
                                                                     f"{thresholds}@2")
    assert {label: side["cutoff"] for label, side in result["cutoffs"].items()} == {
        "international@2": 8, "vietnam@2": 7}


@pytest.mark.parametrize(
    ("yes", "expected"),
    [
        (keys(1, 5), {"ge8": False, "ge7": False, "ge6": False}),
        (keys(1, 6), {"ge8": False, "ge7": False, "ge6": True}),
        (keys(1, 7), {"ge8": False, "ge7": True, "ge6": True}),
        (keys(1, 8), {"ge8": True, "ge7": True, "ge6": True}),
    ],
)
@pytest.mark.parametrize("thresholds", ["international", "vietnam"])
def test_side_by_side_cutoffs(thresholds, yes, expected):
    """Rule: also report >= 7 (community 6/7) and >= 6 (hospital 5/6), whatever the table
    (instruments.md §7 "We")."""
    result = score("srq20", yes_no(1, 20, yes), thresholds=thresholds)
    assert result.extras["meets_cutoffs"] == expected


def test_q17_flag_alone_with_low_total():
    """Rule: q17 (thoughts of ending one's life) = yes -> flag, whatever the total (§7, §11.3)."""
    result = score("srq20", yes_no(1, 20, ["q17"]))
    assert (result.total, result.band) == (1, "below_cutoff")
    assert result.flags == ("self_harm_item_positive",)


def test_missing_item_keeps_the_q17_flag_on_the_error():
    """Rule: no missing-data rule (§12), so the item is required; the q17 flag is evaluated
    first and travels on the error (§11.3)."""
    with pytest.raises(ScoringError) as caught:
        score("srq20", {**yes_no(1, 20, ["q17"]), "q03": None})
    error = caught.value
    assert (error.code, error.item, error.flags) == (
        "missing_item",
        "q03",
        ("self_harm_item_positive",),
    )


def test_missing_q17_has_no_flag():
    """Rule: an unanswered q17 cannot raise the flag."""
    answers = yes_no(1, 20)
    del answers["q17"]
    with pytest.raises(ScoringError) as caught:
        score("srq20", answers)
    assert (caught.value.item, caught.value.flags) == ("q17", ())


@pytest.mark.parametrize(
    ("change", "code", "item"),
    [
        ({"q21": "no"}, "unknown_item", "q21"),
        ({"q05": 1}, "invalid_code", "q05"),
        ({"q05": "No"}, "invalid_code", "q05"),
    ],
)
def test_invalid_input_is_refused(change, code, item):
    """Contract: keys q01..q20, raw codes exactly "yes"/"no" (§7)."""
    with pytest.raises(ScoringError) as caught:
        score("srq20", {**yes_no(1, 20), **change})
    assert (caught.value.code, caught.value.item) == (code, item)
