"""GAD-7 (``gad7``), the 7-item Generalised Anxiety Disorder scale.

Rules (instruments.md §6; camcops gad7.py / gad7.rst, Spitzer 2006, Kroenke 2010):

* ``q01``..``q07`` raw 0-3 (ints, or the strings "0".."3" forms send), score = raw, total 0-21.
  No reverse items, no subscales.
* No missing-data rule is published (§12 open point): every item is required and a missing one
  is ``missing_item``; nothing is prorated.
* Bands from the threshold table: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe.
  ``screen_positive`` = total >= the table's cut-off (10, "refer for further evaluation",
  camcops gad7.rst). No Vietnamese cut-off was found: the Vietnamese table borrows these.

Flags: none (the GAD-7 has no self-harm item). This module must not choose an action per band.
"""

from __future__ import annotations

from screening_tools.answers import check_answers, read_level, require_all
from screening_tools.context import ScoringContext, make_result
from screening_tools.model import ZERO_TO_THREE, InstrumentSpec, ScoreResult, codes_for, item_keys
from screening_tools.thresholds import band_for

ITEMS = item_keys(1, 7)

GAD7 = InstrumentSpec(
    id="gad7",
    title="GAD-7 (Generalised Anxiety Disorder, 7 items)",
    items=ITEMS,
    optional_items=(),
    answer_codes=codes_for(ITEMS, ZERO_TO_THREE),
    followup_items=(),
    age_range=None,
    licence="free",
    rules_version="gad7.rules@1",
)


def score_gad7(ctx: ScoringContext) -> ScoreResult:
    """Score a GAD-7."""
    answers = check_answers(ctx.answers, ITEMS)
    levels = {key: read_level(answers, key) for key in ITEMS}
    require_all(levels)
    total = sum(levels.values())
    return make_result(
        ctx,
        total,
        band_for(ctx.entry.bands["total"], total),
        (),
        item_scores=levels,
    )
