"""Property tests: totals stay in range, raising one answer never lowers a total, safety flags
depend only on their own items.

Answers are drawn as item *scores* and turned into raw codes with the test-side encoders
(instruments.md §2-§8, §11.2); the properties follow from the published sum-scoring rules and from
§11.3 ("safety flags are evaluated first and independently").
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from screening_tools import score
from tests.unit.screening_tools.encode import (
    EPDS_STARRED,
    keys,
    mchat,
    sdq_code,
)

FAST = settings(max_examples=150, deadline=None)


def _encode_levels(scores, as_text):
    return {key: (str(value) if as_text else value) for key, value in scores.items()}


def _encode(instrument, scores, as_text=False):
    """Raw answers for ``instrument`` whose items score ``scores`` (``None`` = not answered)."""
    if instrument == "mchat_r":
        return mchat([key for key, value in scores.items() if value])
    if instrument in ("srq20", "moh_asd_signs"):
        return {key: "yes" if value else "no" for key, value in scores.items()}
    if instrument == "sdq_p4_17":
        return {key: sdq_code(key, value) for key, value in scores.items()}
    if instrument == "epds":
        raw = {k: (3 - v if k in EPDS_STARRED else v) for k, v in scores.items()}
        return _encode_levels(raw, as_text)
    answers = _encode_levels(scores, as_text)
    if instrument == "phqa":
        answers.update({"q10": "no", "q11": "no", "q12": "no"})
    return answers


#: instrument -> (item keys, highest item score, highest total)
SHAPES = {
    "mchat_r": (keys(1, 20), 1, 20),
    "sdq_p4_17": (keys(1, 25), 2, 40),
    "phq9": (keys(1, 9), 3, 27),
    "phqa": (keys(1, 9), 3, 27),
    "gad7": (keys(1, 7), 3, 21),
    "srq20": (keys(1, 20), 1, 20),
    "epds": (keys(1, 10), 3, 30),
    "moh_asd_signs": (keys(1, 6), 1, 6),
}
AGE = {"moh_asd_signs": 24}


@st.composite
def complete_answers(draw, instrument=None):
    instrument = instrument or draw(st.sampled_from(sorted(SHAPES)))
    items, top, _ = SHAPES[instrument]
    scores = {key: draw(st.integers(0, top)) for key in items}
    return instrument, scores


def _score(instrument, scores, as_text=False):
    answers = _encode(instrument, scores, as_text)
    return score(instrument, answers, age_months=AGE.get(instrument))


@FAST
@given(complete_answers(), st.booleans())
def test_totals_stay_in_range(drawn, as_text):
    """Sum scoring: a complete form totals between 0 and the published maximum."""
    instrument, scores = drawn
    result = _score(instrument, scores, as_text)
    assert 0 <= result.total <= SHAPES[instrument][2]
    assert result.band is not None


@FAST
@given(complete_answers(), st.data())
def test_raising_one_answer_never_lowers_the_total(drawn, data):
    """Sum scoring with fixed recoding: raising one item's score cannot lower the total."""
    instrument, scores = drawn
    items, top, _ = SHAPES[instrument]
    key = data.draw(st.sampled_from(items))
    higher = {**scores, key: data.draw(st.integers(scores[key], top))}
    assert _score(instrument, higher).total >= _score(instrument, scores).total


SDQ_SCALES = ("emotional", "conduct", "hyperactivity", "peer", "prosocial")


@FAST
@given(
    st.dictionaries(st.sampled_from(keys(1, 25)), st.one_of(st.none(), st.integers(0, 2))),
    st.data(),
)
def test_sdq_prorated_scales_stay_in_range_and_are_monotone(partial, data):
    """SDQ prorating (>= 3 of 5, round(mean x 5)): scales 0-10, total 0-40 or missing; raising
    an answered item never lowers its scale or the total (4-17 scoring document)."""
    scores = {key: partial.get(key) for key in keys(1, 25)}
    before = _score("sdq_p4_17", scores)
    assert all(v is None or 0 <= v <= 10 for v in before.subscales.values())
    assert before.total is None or 0 <= before.total <= 40
    answered = [key for key, value in scores.items() if value is not None]
    if not answered:
        return
    key = data.draw(st.sampled_from(answered))
    after = _score("sdq_p4_17", {**scores, key: data.draw(st.integers(scores[key], 2))})
    for name in SDQ_SCALES:
        if before.subscales[name] is not None:
            assert after.subscales[name] >= before.subscales[name]
    if before.total is not None:
        assert after.total >= before.total


@FAST
@given(
    st.sampled_from(["phq9", "phqa"]),
    st.dictionaries(
        st.sampled_from(keys(1, 9)), st.one_of(st.none(), st.integers(0, 3)), min_size=9
    ),
)
def test_phq_missing_rule_keeps_totals_in_range(instrument, partial):
    """APA missing-item rule: total 0-27 when <= 2 missing, otherwise missing (§5, §11.6)."""
    result = _score(instrument, partial)
    missing = sum(value is None for value in partial.values())
    if missing >= 3:
        assert (result.total, result.band) == (None, None)
    else:
        assert 0 <= result.total <= 27


# --- flags depend only on their own items (§11.3) -------------------------------------------
@st.composite
def others(draw, item_keys, top, fixed):
    """Scores for every item, with ``fixed`` items pinned; others free or (PHQ) missing."""
    return {key: fixed[key] if key in fixed else draw(st.integers(0, top)) for key in item_keys}


@FAST
@given(st.integers(0, 3), st.data())
def test_phq9_flag_is_q09_alone(q09, data):
    """Rule: PHQ-9 flag iff q09 >= 1, whatever the other items (GLAD-PC; camcops)."""
    scores = data.draw(others(keys(1, 9), 3, {"q09": q09}))
    assert ("self_harm_item_positive" in _score("phq9", scores).flags) is (q09 >= 1)


@FAST
@given(
    st.integers(0, 3),
    st.sampled_from(["yes", "no"]),
    st.sampled_from(["yes", "no"]),
    st.sampled_from(["yes", "no"]),
    st.data(),
)
def test_phqa_flag_is_its_three_items_alone(q09, q10, q11, q12, data):
    """Rule: PHQ-A flag iff q09 >= 1 or q11 = yes or q12 = yes; q10 and the rest don't count."""
    answers = data.draw(others(keys(1, 9), 3, {"q09": q09}))
    answers.update({"q10": q10, "q11": q11, "q12": q12})
    expected = q09 >= 1 or "yes" in (q11, q12)
    assert ("self_harm_item_positive" in score("phqa", answers).flags) is expected


@FAST
@given(st.integers(0, 1), st.data())
def test_srq20_flag_is_q17_alone(q17, data):
    """Rule: SRQ-20 flag iff q17 = yes (§7)."""
    scores = data.draw(others(keys(1, 20), 1, {"q17": q17}))
    assert ("self_harm_item_positive" in _score("srq20", scores).flags) is (q17 == 1)


@FAST
@given(st.integers(0, 3), st.data())
def test_epds_flag_is_q10_alone(q10_raw, data):
    """Rule: EPDS flag iff q10 score (3 - position) >= 1, i.e. position 0-2 (§8)."""
    scores = data.draw(others(keys(1, 10), 3, {"q10": 3 - q10_raw}))
    flagged = "self_harm_item_positive" in _score("epds", scores).flags
    assert flagged is (q10_raw <= 2)


@FAST
@given(st.integers(0, 1), st.data())
def test_moh_loss_flag_is_q06_alone(q06, data):
    """Rule: loss_of_skills iff q06 = yes; any sign present raises moh_warning_sign."""
    scores = data.draw(others(keys(1, 6), 1, {"q06": q06}))
    flags = _score("moh_asd_signs", scores).flags
    assert ("loss_of_skills" in flags) is (q06 == 1)
    assert ("moh_warning_sign" in flags) is (sum(scores.values()) > 0)
