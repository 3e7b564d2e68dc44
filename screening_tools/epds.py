"""EPDS (``epds``), the Edinburgh Postnatal Depression Scale.

Rules (instruments.md §8; psychcongress "How to score"; option values per item from the scribd
copy of the form; camcops epds.py, Cox et al. 1987):

* ``q01``..``q10``, raw 0-3 = position of the ticked option counted from the top as printed
  (ints, or the strings "0".."3" forms send). The form never pre-reverses.
* ``q01``, ``q02``, ``q04``: score = raw. ``q03``, ``q05``..``q10`` (starred on the form):
  score = 3 - raw. Total 0-30, no subscales.
* No missing-data rule is published (§12 open point): every item is required and a missing one
  is ``missing_item`` (carrying the safety flag if ``q10`` was answered).
* Bands from the threshold table: international low 0-9, possible_depression 10-12,
  probable_depression 13-30; Vietnam low 0-3, possible_depression 4-12 (EPDS-V >= 4 for common
  perinatal mental disorders, Tran et al. 2011), probable_depression 13-30.

Flag ``self_harm_item_positive``: ``q10`` *score* >= 1, i.e. every option except the bottom one
("never"), whatever the total (doula-certification.com/epds; postpartumhealthalliance.org/epds;
§11.3: computed on the recoded score). This module must not decide the referral itself.
"""

from __future__ import annotations

from screening_tools.answers import check_answers, read_level, require_all
from screening_tools.context import ScoringContext, make_result
from screening_tools.model import ZERO_TO_THREE, InstrumentSpec, ScoreResult, codes_for, item_keys
from screening_tools.thresholds import band_for

ITEMS = item_keys(1, 10)
REVERSED = frozenset({"q03", "q05", "q06", "q07", "q08", "q09", "q10"})
SELF_HARM_ITEM = "q10"

EPDS = InstrumentSpec(
    id="epds",
    title="EPDS (Edinburgh Postnatal Depression Scale)",
    items=ITEMS,
    optional_items=(),
    answer_codes=codes_for(ITEMS, ZERO_TO_THREE),
    followup_items=(),
    age_range=None,
    licence="licence_required",
    rules_version="epds.rules@1",
)


def score_epds(ctx: ScoringContext) -> ScoreResult:
    """Score an EPDS from the printed option positions."""
    answers = check_answers(ctx.answers, ITEMS)
    scores = {key: _recode(key, read_level(answers, key)) for key in ITEMS}
    harm = scores[SELF_HARM_ITEM]
    flags = ["self_harm_item_positive"] if harm is not None and harm >= 1 else []
    require_all(scores, flags)
    total = sum(scores.values())
    return make_result(
        ctx,
        total,
        band_for(ctx.entry.bands["total"], total),
        flags,
        item_scores=scores,
    )


def _recode(key: str, raw: int | None) -> int | None:
    """Option position (0 = top) -> item score; starred items run 3..0 down the page."""
    if raw is None:
        return None
    return 3 - raw if key in REVERSED else raw
