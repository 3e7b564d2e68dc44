"""SDQ parent 4-17 (sdq_p4_17) and 2-4 (sdq_p2_4): worked examples from the published rules.

Sources: "Scoring the SDQ for age 4-17" (sdqinfo 2014), "Scoring the SDQ for 2-4 year olds"
(sdqinfo 2015), band tables in instruments.md §3. Scales (* reverse): emotional q03 q08 q13 q16
q24; conduct q05 q07* q12 q18 q22; hyperactivity q02 q10 q15 q21* q25*; peer q06 q11* q14* q19
q23; prosocial q01 q04 q09 q17 q20. Expected values are worked by hand.
"""

from __future__ import annotations

import pytest

from screening_tools import ScoringError, score
from tests.unit.screening_tools.encode import keys, sdq

REVERSED = ("q07", "q11", "q14", "q21", "q25")
# every item scoring 0: "not_true" on ordinary items, "certainly_true" on the reverse items
ZERO = {key: ("certainly_true" if key in REVERSED else "not_true") for key in keys(1, 25)}
SDQ_SCALES = ["emotional", "conduct", "hyperactivity", "peer", "prosocial"]


def _bands(result):
    return [result["subscale_bands"][name] for name in SDQ_SCALES]


def test_all_not_true_raw():
    """Rule: not_true = 0 except reverse items (= 2): conduct 2, hyperactivity 4, peer 4;
    total 10 normal; peer 4 abnormal, prosocial 0 abnormal (4-17 scoring document; UK bands)."""
    result = score("sdq_p4_17", dict.fromkeys(keys(1, 25), "not_true")).as_dict()
    assert result["subscales"] == {
        "emotional": 0, "conduct": 2, "hyperactivity": 4, "peer": 4, "prosocial": 0,
    }  # fmt: skip
    assert (result["total"], result["band"]) == (10, "normal")
    assert _bands(result) == ["normal", "normal", "normal", "abnormal", "abnormal"]
    assert (result["externalising"], result["internalising"]) == (6, 4)
    assert result["flags"] == []
    assert result["rules_version"] == "sdq_p4_17.rules@1"


def test_all_certainly_true_raw():
    """Rule: certainly_true = 2 except reverse items (= 0): emotional 10, conduct 8,
    hyperactivity 6, peer 6, prosocial 10; total 30 abnormal (4-17 scoring document)."""
    result = score("sdq_p4_17", dict.fromkeys(keys(1, 25), "certainly_true")).as_dict()
    assert result["subscales"] == {
        "emotional": 10, "conduct": 8, "hyperactivity": 6, "peer": 6, "prosocial": 10,
    }  # fmt: skip
    assert (result["total"], result["band"]) == (30, "abnormal")
    assert _bands(result) == ["abnormal", "abnormal", "borderline", "abnormal", "normal"]
    assert (result["externalising"], result["internalising"]) == (14, 16)


@pytest.mark.parametrize(
    ("instrument", "bands"),
    [
        ("sdq_p4_17", ["abnormal", "abnormal", "normal", "abnormal", "borderline"]),
        ("sdq_p2_4", ["abnormal", "abnormal", "normal", "abnormal", "abnormal"]),
    ],
)
def test_all_somewhat_true_scores_five_everywhere(instrument, bands):
    """Rule: somewhat_true always scores 1 -> every scale 5, total 20 abnormal; prosocial 5 is
    borderline for 4-17 (6-10/5/0-4) and abnormal for 2-4 (7-10/6/0-5) (§3 tables)."""
    result = score(instrument, dict.fromkeys(keys(1, 25), "somewhat_true")).as_dict()
    assert set(result["subscales"].values()) == {5}
    assert (result["total"], result["band"]) == (20, "abnormal")
    assert _bands(result) == bands


@pytest.mark.parametrize("instrument", ["sdq_p4_17", "sdq_p2_4"])
def test_all_lowest(instrument):
    """Rule: every item scoring 0 -> all scales 0, total 0 normal; prosocial 0 abnormal."""
    result = score(instrument, ZERO).as_dict()
    assert result["total"] == 0
    assert result["band"] == "normal"
    assert set(result["subscales"].values()) == {0}
    assert result["subscale_bands"]["prosocial"] == "abnormal"


@pytest.mark.parametrize("instrument", ["sdq_p4_17", "sdq_p2_4"])
def test_all_highest(instrument):
    """Rule: every item scoring 2 -> all scales 10, total 40 abnormal, prosocial 10 normal."""
    answers = {key: ("not_true" if key in REVERSED else "certainly_true") for key in keys(1, 25)}
    result = score(instrument, answers).as_dict()
    assert (result["total"], result["band"]) == (40, "abnormal")
    assert set(result["subscales"].values()) == {10}
    assert result["subscale_bands"]["prosocial"] == "normal"


@pytest.mark.parametrize(
    ("item", "scale"),
    [
        ("q07", "conduct"),
        ("q11", "peer"),
        ("q14", "peer"),
        ("q21", "hyperactivity"),
        ("q25", "hyperactivity"),
    ],
)
@pytest.mark.parametrize(
    ("code", "points"), [("not_true", 2), ("somewhat_true", 1), ("certainly_true", 0)]
)
def test_each_reverse_item(item, scale, code, points):
    """Rule: q07, q11, q14, q21, q25 score not_true 2, somewhat_true 1, certainly_true 0
    (4-17 and 2-4 scoring documents; §11.2)."""
    result = score("sdq_p4_17", {**ZERO, item: code})
    assert result.subscales[scale] == points
    assert result.total == points


@pytest.mark.parametrize(
    ("instrument", "scale", "scores", "value", "band"),
    [
        # 4-17: emotional 0-3/4/5-10, conduct 0-2/3/4-10, hyperactivity 0-5/6/7-10,
        # peer 0-2/3/4-10, prosocial 6-10/5/0-4
        ("sdq_p4_17", "emotional", {"q03": 2, "q08": 1}, 3, "normal"),
        ("sdq_p4_17", "emotional", {"q03": 2, "q08": 2}, 4, "borderline"),
        ("sdq_p4_17", "emotional", {"q03": 2, "q08": 2, "q13": 1}, 5, "abnormal"),
        ("sdq_p4_17", "conduct", {"q05": 2}, 2, "normal"),
        ("sdq_p4_17", "conduct", {"q05": 2, "q12": 1}, 3, "borderline"),
        ("sdq_p4_17", "conduct", {"q05": 2, "q12": 2}, 4, "abnormal"),
        ("sdq_p4_17", "hyperactivity", {"q02": 2, "q10": 2, "q15": 1}, 5, "normal"),
        ("sdq_p4_17", "hyperactivity", {"q02": 2, "q10": 2, "q15": 2}, 6, "borderline"),
        ("sdq_p4_17", "hyperactivity", {"q02": 2, "q10": 2, "q15": 2, "q21": 1}, 7, "abnormal"),
        ("sdq_p4_17", "peer", {"q06": 2}, 2, "normal"),
        ("sdq_p4_17", "peer", {"q06": 2, "q19": 1}, 3, "borderline"),
        ("sdq_p4_17", "peer", {"q06": 2, "q19": 2}, 4, "abnormal"),
        ("sdq_p4_17", "prosocial", {"q01": 2, "q04": 2}, 4, "abnormal"),
        ("sdq_p4_17", "prosocial", {"q01": 2, "q04": 2, "q09": 1}, 5, "borderline"),
        ("sdq_p4_17", "prosocial", {"q01": 2, "q04": 2, "q09": 2}, 6, "normal"),
        # 2-4 provisional: emotional 0-2/3/4-10, conduct 0-3/4/5-10, hyperactivity 0-5/6/7-10,
        # peer 0-2/3/4-10, prosocial 7-10/6/0-5
        ("sdq_p2_4", "emotional", {"q03": 2}, 2, "normal"),
        ("sdq_p2_4", "emotional", {"q03": 2, "q08": 1}, 3, "borderline"),
        ("sdq_p2_4", "emotional", {"q03": 2, "q08": 2}, 4, "abnormal"),
        ("sdq_p2_4", "conduct", {"q05": 2, "q12": 1}, 3, "normal"),
        ("sdq_p2_4", "conduct", {"q05": 2, "q12": 2}, 4, "borderline"),
        ("sdq_p2_4", "conduct", {"q05": 2, "q12": 2, "q18": 1}, 5, "abnormal"),
        ("sdq_p2_4", "hyperactivity", {"q02": 2, "q10": 2, "q15": 1}, 5, "normal"),
        ("sdq_p2_4", "hyperactivity", {"q02": 2, "q10": 2, "q15": 2}, 6, "borderline"),
        ("sdq_p2_4", "hyperactivity", {"q02": 2, "q10": 2, "q15": 2, "q25": 1}, 7, "abnormal"),
        ("sdq_p2_4", "peer", {"q23": 2}, 2, "normal"),
        ("sdq_p2_4", "peer", {"q23": 2, "q14": 1}, 3, "borderline"),
        ("sdq_p2_4", "peer", {"q23": 2, "q14": 2}, 4, "abnormal"),
        ("sdq_p2_4", "prosocial", {"q01": 2, "q04": 2, "q09": 1}, 5, "abnormal"),
        ("sdq_p2_4", "prosocial", {"q01": 2, "q04": 2, "q09": 2}, 6, "borderline"),
        ("sdq_p2_4", "prosocial", {"q01": 2, "q04": 2, "q09": 2, "q17": 1}, 7, "normal"),
    ],
)
@pytest.mark.parametrize("thresholds", ["international", "vietnam"])
def test_subscale_band_edges(thresholds, instrument, scale, scores, value, band):
    """Rule: subscale 3-band limits of instruments.md §3 (Aoki et al. 2021 Table 2; BMC
    Pediatrics 2023 Table 2). No Vietnamese norms, so vietnam borrows them."""
    result = score(instrument, sdq(**scores), thresholds=thresholds).as_dict()
    assert result["subscales"][scale] == value
    assert result["subscale_bands"][scale] == band
    assert result["thresholds_from"] == "international@2"


EMOTIONAL_TEN = {"q03": 2, "q08": 2, "q13": 2, "q16": 2, "q24": 2}


@pytest.mark.parametrize(
    ("instrument", "extra", "total", "band"),
    [
        ("sdq_p4_17", {"q05": 2, "q12": 1}, 13, "normal"),
        ("sdq_p4_17", {"q05": 2, "q12": 1, "q18": 1}, 14, "borderline"),
        ("sdq_p4_17", {"q05": 2, "q12": 2, "q18": 2}, 16, "borderline"),
        ("sdq_p4_17", {"q05": 2, "q12": 2, "q18": 2, "q22": 1}, 17, "abnormal"),
        ("sdq_p2_4", {"q05": 2}, 12, "normal"),
        ("sdq_p2_4", {"q05": 2, "q12": 1}, 13, "borderline"),
        ("sdq_p2_4", {"q05": 2, "q12": 2, "q18": 1}, 15, "borderline"),
        ("sdq_p2_4", {"q05": 2, "q12": 2, "q18": 2}, 16, "abnormal"),
    ],
)
def test_total_band_edges(instrument, extra, total, band):
    """Rule: total difficulties 4-17 0-13/14-16/17-40; 2-4 0-12/13-15/16-40 (§3 tables)."""
    result = score(instrument, sdq(**EMOTIONAL_TEN, **extra))
    assert (result.total, result.band) == (total, band)


def test_total_excludes_prosocial():
    """Rule: total = emotional + conduct + hyperactivity + peer; prosocial not part of it."""
    result = score("sdq_p4_17", sdq(q01=2, q04=2, q09=2, q17=2, q20=2))
    assert result.subscales["prosocial"] == 10
    assert result.total == 0


def test_prorating_published_example():
    """Rule: >= 3 of 5 answered -> round(mean x 5); "4 points from 3 items -> 6.67 -> 7"
    (4-17 scoring document). The prorated scale feeds the total."""
    result = score("sdq_p4_17", sdq(q03=2, q08=2, q13=0, q16=None, q24=None)).as_dict()
    assert result["subscales"]["emotional"] == 7
    assert result["subscale_bands"]["emotional"] == "abnormal"
    assert result["prorated_scales"] == ["emotional"]
    assert result["items_answered"]["emotional"] == 3
    assert (result["total"], result["internalising"]) == (7, 7)


@pytest.mark.parametrize(
    ("scores", "conduct", "band"),
    [
        ({"q05": 1, "q12": 1, "q18": 0, "q07": 0, "q22": None}, 3, "borderline"),  # 2.5 -> 3
        ({"q05": 2, "q12": 2, "q18": 2, "q07": 0, "q22": None}, 8, "abnormal"),  # 7.5 -> 8
        ({"q05": 1, "q12": 0, "q18": 0, "q07": 0, "q22": None}, 1, "normal"),  # 1.25 -> 1
    ],
)
def test_prorating_rounds_halves_away_from_zero(scores, conduct, band):
    """Rule §11.7: round half away from zero. 2 points from 4 items = 2.5 -> 3 (built-in
    round() would give 2, normal); 6 from 4 = 7.5 -> 8."""
    result = score("sdq_p4_17", sdq(**scores)).as_dict()
    assert result["subscales"]["conduct"] == conduct
    assert result["subscale_bands"]["conduct"] == band
    assert result["prorated_scales"] == ["conduct"]


def test_three_answered_is_enough_and_rounds_up():
    """Rule: exactly 3 answered is scored: 1 point from 3 items -> 1.67 -> 2."""
    result = score("sdq_p4_17", sdq(q06=1, q11=None, q14=None, q19=0, q23=0))
    assert result.subscales["peer"] == 2


def test_two_answered_leaves_scale_and_total_missing():
    """Rule: fewer than 3 answered -> scale missing; total missing if any of the four is
    (4-17 scoring document). Other scales are still scored."""
    result = score("sdq_p4_17", sdq(q03=2, q08=2, q13=None, q16=None, q24=None)).as_dict()
    assert result["subscales"]["emotional"] is None
    assert result["subscale_bands"]["emotional"] is None
    assert (result["total"], result["band"]) == (None, None)
    assert result["internalising"] is None
    assert result["externalising"] == 0
    assert result["subscales"]["conduct"] == 0


def test_missing_prosocial_does_not_block_total():
    """Rule: prosocial is not part of total difficulties, so its absence leaves the total."""
    result = score("sdq_p4_17", sdq(q01=None, q04=None, q09=None))
    assert result.subscales["prosocial"] is None
    assert result.total == 0


def test_nothing_answered_is_all_missing_not_an_error():
    """Rule: missing is not zero (§11.6); the SDQ's own rule makes every scale missing."""
    result = score("sdq_p4_17", {}).as_dict()
    assert result["total"] is None
    assert set(result["subscales"].values()) == {None}
    assert result["impact"] is None


@pytest.mark.parametrize(
    ("impact_answers", "impact", "band"),
    [
        ({"q26": "0"}, 0, "normal"),
        ({"q26": "0", "q27": "3"}, 0, "normal"),
        ({"q26": "1", "q27": "0", "q28": "1", "q29": "2", "q30": "3", "q31": "3"}, 5, "abnormal"),
        ({"q26": "2", "q27": "2", "q28": "0", "q29": "0", "q30": "0", "q31": "0"}, 1, "borderline"),
        ({"q26": 3, "q27": 3, "q28": 3, "q29": 3, "q30": 3, "q31": 3}, 10, "abnormal"),
        ({}, None, None),
        ({"q26": "1", "q27": "3", "q28": "3", "q29": "3", "q30": "3"}, None, None),
    ],
)
def test_impact(impact_answers, impact, band):
    """Rule: impact raw 0-3 -> 0, 0, 1, 2 summed over q27-q31; "no difficulties" (q26 = 0) ->
    0 (NHIS DIFSCORE; Goodman 1999); bands 0/1/2-10 (§3); a missing impact item -> missing
    (§12 open point, our choice)."""
    result = score("sdq_p4_17", {**ZERO, **impact_answers}).as_dict()
    assert (result["impact"], result["impact_band"]) == (impact, band)
    assert result["total"] == 0


def test_impact_on_two_to_four_has_no_band():
    """Rule: no 2-4 impact band was found (§3): the impact score is kept, the band is None."""
    answers = {**ZERO, "q26": "1", "q27": "3", "q28": "0", "q29": "0", "q30": "0", "q31": "0"}
    result = score("sdq_p2_4", answers).as_dict()
    assert (result["impact"], result["impact_band"]) == (2, None)


@pytest.mark.parametrize(
    ("change", "code", "item"),
    [
        ({"q32": "0"}, "unknown_item", "q32"),
        ({"q00": "not_true"}, "unknown_item", "q00"),
        ({"q01": "Not true"}, "invalid_code", "q01"),
        ({"q01": 2}, "invalid_code", "q01"),
        ({"q01": True}, "invalid_code", "q01"),
        ({"q26": "yes"}, "invalid_code", "q26"),
        ({"q26": "1", "q27": "4"}, "invalid_code", "q27"),
        ({"q26": "0", "q31": -1}, "invalid_code", "q31"),
    ],
)
def test_invalid_input_is_refused(change, code, item):
    """Contract: raw SDQ codes are the three printed columns; impact codes 0-3 (§3)."""
    with pytest.raises(ScoringError) as caught:
        score("sdq_p4_17", {**ZERO, **change})
    assert (caught.value.code, caught.value.item) == (code, item)
