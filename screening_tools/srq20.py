"""SRQ-20 (``srq20``), the WHO Self-Reporting Questionnaire.

Rules (instruments.md §7; Beusenberg & Orley, A user's guide to the SRQ, WHO/MNH/PSF/94.8):

* ``q01``..``q20`` raw ``"yes"``/``"no"``; yes = 1, no = 0; total 0-20. No reverse items.
* No missing-data rule is published (§12 open point): every item is required and a missing one
  is ``missing_item`` (carrying the safety flag if ``q17`` was answered yes).
* Band from the threshold table: ``above_cutoff`` from 8 (international, 7/8) or from 7 (Vietnam,
  6/7, Giang et al. 2006). Whatever the table, ``meets_cutoffs`` reports the totals >= 8, >= 7
  and >= 6 side by side (``thresholds.SRQ20_REPORTED_CUTOFFS``; "We", §7).

Flag ``self_harm_item_positive``: ``q17`` (thoughts of ending one's life) = yes, whatever the
total (§7 and §11.3; item position from the English list, confirm it in the Vietnamese version
used). This module must not decide the safety pathway itself.
"""

from __future__ import annotations

from screening_tools.answers import check_answers, read_choice, require_all
from screening_tools.context import ScoringContext, make_result
from screening_tools.model import YES_NO, InstrumentSpec, ScoreResult, codes_for, item_keys
from screening_tools.thresholds import SRQ20_REPORTED_CUTOFFS, band_for

ITEMS = item_keys(1, 20)
SELF_HARM_ITEM = "q17"

SRQ20 = InstrumentSpec(
    id="srq20",
    title="SRQ-20 (WHO Self-Reporting Questionnaire, 20 items)",
    items=ITEMS,
    optional_items=(),
    answer_codes=codes_for(ITEMS, YES_NO),
    followup_items=(),
    age_range=None,
    licence="who_noncommercial",
    rules_version="srq20.rules@1",
)


def score_srq20(ctx: ScoringContext) -> ScoreResult:
    """Score an SRQ-20."""
    answers = check_answers(ctx.answers, ITEMS)
    codes = {key: read_choice(answers, key, YES_NO) for key in ITEMS}
    flags = ["self_harm_item_positive"] if codes[SELF_HARM_ITEM] == "yes" else []
    require_all(codes, flags)
    scores = {key: int(code == "yes") for key, code in codes.items()}
    total = sum(scores.values())
    return make_result(
        ctx,
        total,
        band_for(ctx.entry.bands["total"], total),
        flags,
        meets_cutoffs={name: total >= lowest for name, lowest, _ in SRQ20_REPORTED_CUTOFFS},
        item_scores=scores,
    )
