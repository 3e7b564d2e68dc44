"""PHQ-9 (``phq9``) and PHQ-A, the PHQ-9 modified for adolescents (``phqa``).

Rules (instruments.md §4-5; camcops phq9.py/phq9.rst; GLAD-PC "Scoring the PHQ-9 Modified for
Teens"; NIMH ASQ toolkit PHQ-A form):

* ``q01``..``q09`` raw 0-3 (ints, or the strings "0".."3" forms send), score = raw, total 0-27.
  PHQ-A swaps items 1 and 2 relative to PHQ-9; keys follow each printed form, scoring is the same.
* ``phq9.q10`` ("how difficult") and ``phqa.q13`` (same, if on the form used) are optional, code-
  checked and not scored.
* PHQ-A extra yes/no questions (keys in our order, printed order UNVERIFIED): ``q10`` depressed
  most days in the past year, ``q11`` serious thoughts of ending one's life in the past month,
  ``q12`` suicide attempt ever. Not scored; required (a missing one is ``missing_item``).
* Missing items (APA adaptation for the PHQ-A, peelpediatrics.com; applied to PHQ-9 by our choice,
  §4 and §11.6): >= 3 of q01..q09 missing -> total ``None``, band ``None``; 1-2 missing ->
  round(raw sum x 9 / answered), halves away from zero (§11.7).
* Bands from the threshold table (0-4 none_minimal, 5-9 mild, 10-14 moderate, 15-19
  moderately_severe, 20-27 severe). PHQ-9 also reports ``screen_positive`` = total >= the table's
  cut-off (international 10, camcops phq9.rst; Vietnam 4, EAAP 2023, ">= 4" UNVERIFIED).

Flag ``self_harm_item_positive`` (evaluated before and independently of the total, §11.3):

* PHQ-9 and PHQ-A: ``q09`` >= 1 (GLAD-PC; camcops phq9.py counts q9 >= 1);
* PHQ-A: ``q11`` = yes or ``q12`` = yes (NIMH PHQ-A form; GLAD-PC).

``self_harm_items`` lists the items that raised it. The optional PHQ-9 diagnostic algorithm
(major / other depressive syndrome) is not implemented. This module must not choose an action
per band.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from screening_tools.answers import (
    check_answers,
    read_choice,
    read_level,
    require_all,
    round_half_away,
)
from screening_tools.context import ScoringContext, make_result
from screening_tools.model import (
    YES_NO,
    ZERO_TO_THREE,
    InstrumentSpec,
    ScoreResult,
    codes_for,
    item_keys,
)
from screening_tools.thresholds import band_for

CORE = item_keys(1, 9)
SELF_HARM_ITEM = "q09"
PHQA_EXTRA = ("q10", "q11", "q12")
PHQA_SUICIDE_ITEMS = ("q11", "q12")
#: with this many of q01..q09 missing there is no total
MAX_MISSING = 2

PHQ9 = InstrumentSpec(
    id="phq9",
    title="PHQ-9 (Patient Health Questionnaire, 9 items)",
    items=CORE,
    optional_items=("q10",),
    answer_codes=codes_for((*CORE, "q10"), ZERO_TO_THREE),
    followup_items=(),
    age_range=None,
    licence="free",
    rules_version="phq9.rules@1",
)

PHQA = InstrumentSpec(
    id="phqa",
    title="PHQ-A (PHQ-9 modified for adolescents)",
    items=(*CORE, *PHQA_EXTRA),
    optional_items=("q13",),
    answer_codes={**codes_for((*CORE, "q13"), ZERO_TO_THREE), **codes_for(PHQA_EXTRA, YES_NO)},
    followup_items=(),
    age_range=(11, 17, "years"),  # "commonly 11-17", not in the sources read: UNVERIFIED
    licence="licence_required",  # NIMH toolkit terms not confirmed (UNVERIFIED): the cautious value
    rules_version="phqa.rules@1",
)


def score_phq9(ctx: ScoringContext) -> ScoreResult:
    """Score a PHQ-9."""
    answers = check_answers(ctx.answers, (*PHQ9.items, *PHQ9.optional_items))
    read_level(answers, "q10")  # checked, stored by the caller, not scored
    levels = {key: read_level(answers, key) for key in CORE}
    harm = _q09_positive(levels)
    total, band, extras = _total_and_band(ctx, levels)
    return make_result(
        ctx,
        total,
        band,
        ["self_harm_item_positive"] if harm else [],
        self_harm_items=harm,
        **extras,
    )


def score_phqa(ctx: ScoringContext) -> ScoreResult:
    """Score a PHQ-A; its extra yes/no items only raise flags."""
    answers = check_answers(ctx.answers, (*PHQA.items, *PHQA.optional_items))
    read_level(answers, "q13")  # checked, stored by the caller, not scored
    levels = {key: read_level(answers, key) for key in CORE}
    extra = {key: read_choice(answers, key, YES_NO) for key in PHQA_EXTRA}
    harm = _q09_positive(levels) + [key for key in PHQA_SUICIDE_ITEMS if extra[key] == "yes"]
    flags = ["self_harm_item_positive"] if harm else []
    require_all(extra, flags)
    total, band, extras = _total_and_band(ctx, levels)
    return make_result(ctx, total, band, flags, self_harm_items=harm, **extras)


def prorated_total(levels: Mapping[str, int | None]) -> int | None:
    """Sum of q01..q09; prorated for 1-2 missing items, ``None`` for 3 or more (APA rule)."""
    answered = [level for level in levels.values() if level is not None]
    if len(levels) - len(answered) > MAX_MISSING:
        return None
    if len(answered) == len(levels):
        return sum(answered)
    return round_half_away(Fraction(sum(answered) * len(levels), len(answered)))


def _q09_positive(levels: Mapping[str, int | None]) -> list[str]:
    level = levels[SELF_HARM_ITEM]
    return [SELF_HARM_ITEM] if level is not None and level >= 1 else []


def _total_and_band(
    ctx: ScoringContext, levels: Mapping[str, int | None]
) -> tuple[int | None, str | None, dict[str, Any]]:
    total = prorated_total(levels)
    answered = sum(level is not None for level in levels.values())
    extras = {
        "items_answered": answered,
        "prorated": total is not None and answered < len(levels),
        "item_scores": dict(levels),
    }
    return total, band_for(ctx.entry.bands["total"], total), extras
