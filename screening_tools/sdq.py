"""SDQ parent report 4-17 (``sdq_p4_17``) and 2-4 (``sdq_p2_4``).

Rules ("Scoring the SDQ for age 4-17", sdqinfo 2014; "Scoring the SDQ for 2-4 year olds",
sdqinfo 2015; instruments.md §3):

* Items ``q01``..``q25`` in printed order, raw ``"not_true"``/``"somewhat_true"``/
  ``"certainly_true"`` scoring 0/1/2, except the reverse-scored ``q07``, ``q11``, ``q14``,
  ``q21``, ``q25`` (2/1/0). ``None`` = not answered.
* Five scales of five items. A scale is scored when >= 3 of its items are answered:
  round(mean of the answered item scores x 5), halves away from zero (§11.7); with < 3 answered
  it is missing. Example from the 4-17 document: 4 points from 3 items -> 6.67 -> 7.
* Total difficulties = emotional + conduct + hyperactivity + peer (0-40), missing if any of the
  four is missing. Prosocial is not part of it. Externalising = conduct + hyperactivity,
  internalising = emotional + peer (sdqinfo a0 page, as cited in public scoring code).
* Impact supplement (keys after q25, our order): ``q26`` the "any difficulties?" question, raw
  0 = no, 1-3 = yes; ``q27`` distress, ``q28`` home life, ``q29`` friendships, ``q30`` classroom
  learning, ``q31`` leisure, raw 0-3 (printed order) scoring 0/0/1/2. Impact = q27..q31 (0-10);
  0 when q26 = 0 (NHIS DIFSCORE rule; Goodman 1999). Impact is missing when q26 is unanswered
  or, after a "yes", any of q27..q31 is unanswered: no published rule covers a missing impact
  item (§12 open point), so we do not prorate it. Impact raw codes are 0-3 ints or "0".."3".
* Bands (normal/borderline/abnormal) per scale from the threshold table; the 2-4 table has no
  impact band, so ``impact_band`` is ``None`` there. The sdq_p4_17 form must bind q26..q31; for
  sdq_p2_4 they are optional.

Flags: none (the SDQ has no self-harm item). The SDQ prescribes no action per band; this module
must not invent one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from screening_tools.answers import check_answers, read_choice, read_level, round_half_away
from screening_tools.context import ScoringContext, make_result
from screening_tools.model import (
    SDQ_CODES,
    ZERO_TO_THREE,
    InstrumentSpec,
    ScoreResult,
    codes_for,
    item_keys,
)
from screening_tools.thresholds import band_for

CORE = item_keys(1, 25)
GATE = "q26"
IMPACT_ITEMS = item_keys(27, 31)
IMPACT_KEYS = (GATE, *IMPACT_ITEMS)

#: scale -> its five items (2-4 scoring document)
SCALES: dict[str, tuple[str, ...]] = {
    "emotional": ("q03", "q08", "q13", "q16", "q24"),
    "conduct": ("q05", "q07", "q12", "q18", "q22"),
    "hyperactivity": ("q02", "q10", "q15", "q21", "q25"),
    "peer": ("q06", "q11", "q14", "q19", "q23"),
    "prosocial": ("q01", "q04", "q09", "q17", "q20"),
}
DIFFICULTIES = ("emotional", "conduct", "hyperactivity", "peer")
REVERSED = frozenset({"q07", "q11", "q14", "q21", "q25"})
MIN_ANSWERED = 3

_SCORE = {"not_true": 0, "somewhat_true": 1, "certainly_true": 2}
#: impact raw 0..3 -> score: "not at all"/"only a little" 0, "quite a lot" 1, "a great deal" 2
_IMPACT_SCORE = (0, 0, 1, 2)

_CODES = {**codes_for(CORE, SDQ_CODES), **codes_for(IMPACT_KEYS, ZERO_TO_THREE)}

SDQ_P4_17 = InstrumentSpec(
    id="sdq_p4_17",
    title="SDQ parent report, 4-17 years, with impact supplement",
    items=CORE + IMPACT_KEYS,
    optional_items=(),
    answer_codes=_CODES,
    followup_items=(),
    age_range=(4, 17, "years"),
    licence="licence_required",
    rules_version="sdq_p4_17.rules@1",
)

SDQ_P2_4 = InstrumentSpec(
    id="sdq_p2_4",
    title="SDQ parent report, 2-4 years",
    items=CORE,
    optional_items=IMPACT_KEYS,
    answer_codes=_CODES,
    followup_items=(),
    age_range=(2, 4, "years"),
    licence="licence_required",
    rules_version="sdq_p2_4.rules@1",
)


def score_sdq(ctx: ScoringContext) -> ScoreResult:
    """Score either SDQ parent version (same keys, reverse items, scales and prorating)."""
    answers = check_answers(ctx.answers, CORE + IMPACT_KEYS)
    scores = {key: _item_score(key, read_choice(answers, key, SDQ_CODES)) for key in CORE}
    answered = {name: _count_answered(scores, keys) for name, keys in SCALES.items()}
    scales = {name: _scale(scores, keys) for name, keys in SCALES.items()}
    total = _sum_or_none(scales[name] for name in DIFFICULTIES)
    impact = _impact(answers)
    bands = ctx.entry.bands
    return make_result(
        ctx,
        total,
        band_for(bands["total"], total),
        (),
        subscales=scales,
        subscale_bands={name: band_for(bands[name], scales[name]) for name in SCALES},
        externalising=_sum_or_none((scales["conduct"], scales["hyperactivity"])),
        internalising=_sum_or_none((scales["emotional"], scales["peer"])),
        impact=impact,
        impact_band=band_for(bands["impact"], impact) if "impact" in bands else None,
        items_answered=answered,
        prorated_scales=[name for name, n in answered.items() if MIN_ANSWERED <= n < 5],
        item_scores=scores,
    )


def _item_score(key: str, code: str | None) -> int | None:
    if code is None:
        return None
    score = _SCORE[code]
    return 2 - score if key in REVERSED else score


def _count_answered(scores: Mapping[str, int | None], keys: tuple[str, ...]) -> int:
    return sum(scores[key] is not None for key in keys)


def _scale(scores: Mapping[str, int | None], keys: tuple[str, ...]) -> int | None:
    """Scale score, prorated from >= 3 answered items; ``None`` below that."""
    answered = [scores[key] for key in keys if scores[key] is not None]
    if len(answered) < MIN_ANSWERED:
        return None
    return round_half_away(Fraction(sum(answered) * len(keys), len(answered)))


def _sum_or_none(values: Iterable[int | None]) -> int | None:
    values = list(values)
    return None if any(value is None for value in values) else sum(values)


def _impact(answers: Mapping[str, Any]) -> int | None:
    gate = read_level(answers, GATE)
    levels = [read_level(answers, key) for key in IMPACT_ITEMS]  # codes checked even if unused
    if gate is None:
        return None
    if gate == 0:
        return 0
    if any(level is None for level in levels):
        return None
    return sum(_IMPACT_SCORE[level] for level in levels)
