"""M-CHAT-R (``mchat_r``) and M-CHAT-R/F with its Follow-Up interview (``mchat_rf``).

Rules (instruments.md §2; https://mchatscreen.com/mchat-rf/scoring; M-CHAT-R/F scoring algorithm
and Follow-Up instructions, © 2009 Robins, Fein & Barton):

* Items ``q01``..``q20`` as printed, raw ``"yes"``/``"no"``. An item is *at risk* (1 point) on
  ``"yes"`` for ``q02``, ``q05``, ``q12`` and on ``"no"`` for the other 17. Total 0-20.
* No missing-data rule is published; every item is required (instruments.md §2 "We"), so a
  missing item is ``missing_item``. The caller stores the screen as incomplete, with no band.
* Bands come from the threshold table: Low 0-2, Medium 3-7, High 8-20 (no Vietnamese cut-off).
* Follow-Up (``mchat_rf``): ``followup`` maps each at-risk item to ``"pass"``/``"fail"``. Its keys
  must be exactly the at-risk items of the initial answers, else ``followup_mismatch`` naming the
  first extra or missing key. A follow-up in which nothing is answered counts as *not given*.
  ``followup_score`` = number of FAIL; >= the table's cut-off (2) = screen positive, 0-1 = screen
  negative. Low = screen negative without Follow-Up. High = screen positive whatever the
  Follow-Up says: "may be bypassed" keeps the immediate referral (our reading, §12 open point).
  Medium without Follow-Up: ``result`` is ``None`` (pending).

Flags (ids in ``model.FLAG_IDS``):

* ``followup_interview_required``: band Medium and no Follow-Up given (Medium -> "administer the
  Follow-Up for the at-risk items only", scoring page and Follow-Up instructions).
* ``refer_immediately``: band High ("refer immediately for diagnostic evaluation and eligibility
  for early intervention", scoring page).
* ``refer_for_evaluation``: ``mchat_rf`` only, Follow-Up given and >= 2 items FAIL ("screen
  positive; refer for diagnostic evaluation and early intervention", scoring page).

This module must not decide what a referral means in the programme, nor rescreen dates.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from screening_tools.answers import check_answers, read_choice, require_all
from screening_tools.context import ScoringContext, make_result
from screening_tools.errors import ScoringError
from screening_tools.model import (
    PASS_FAIL,
    YES_NO,
    InstrumentSpec,
    ScoreResult,
    codes_for,
    item_keys,
)
from screening_tools.thresholds import band_for

ITEMS = item_keys(1, 20)
#: the three items whose at-risk answer is "yes" (scoring page)
AT_RISK_IF_YES = frozenset({"q02", "q05", "q12"})

MCHAT_R = InstrumentSpec(
    id="mchat_r",
    title="M-CHAT-R (Modified Checklist for Autism in Toddlers, Revised)",
    items=ITEMS,
    optional_items=(),
    answer_codes=codes_for(ITEMS, YES_NO),
    followup_items=(),
    age_range=(16, 30, "months"),
    licence="licence_required",
    rules_version="mchat_r.rules@1",
)

MCHAT_RF = InstrumentSpec(
    id="mchat_rf",
    title="M-CHAT-R/F (M-CHAT-R with Follow-Up interview)",
    items=ITEMS,
    optional_items=(),
    answer_codes=codes_for(ITEMS, YES_NO),
    followup_items=ITEMS,
    age_range=(16, 30, "months"),
    licence="licence_required",
    followup_codes=PASS_FAIL,
    rules_version="mchat_rf.rules@1",
)


def score_mchat_r(ctx: ScoringContext) -> ScoreResult:
    """Score the initial M-CHAT-R screen."""
    scores = _initial_scores(ctx.answers)
    total = sum(scores.values())
    band = band_for(ctx.entry.bands["total"], total)
    return make_result(
        ctx,
        total,
        band,
        _band_flags(band, followup_given=False),
        at_risk_items=_at_risk_items(scores),
        item_scores=scores,
    )


def score_mchat_rf(ctx: ScoringContext) -> ScoreResult:
    """Score the initial screen together with its Follow-Up interview."""
    scores = _initial_scores(ctx.answers)
    total = sum(scores.values())
    band = band_for(ctx.entry.bands["total"], total)
    at_risk = _at_risk_items(scores) if band != "low" else []
    fails = _followup_fails(ctx.followup, at_risk)
    cutoff = ctx.entry.cutoff
    flags = _band_flags(band, followup_given=fails is not None)
    if fails is not None and len(fails) >= cutoff:
        flags.append("refer_for_evaluation")
    return make_result(
        ctx,
        total,
        band,
        flags,
        at_risk_items=_at_risk_items(scores),
        item_scores=scores,
        initial_total=total,
        followup_required=band == "medium",
        followup_items=at_risk,
        followup_score=None if fails is None else len(fails),
        followup_failed_items=[] if fails is None else fails,
        result=_result(band, fails, cutoff),
    )


def _initial_scores(answers: Any) -> dict[str, int]:
    checked = check_answers(answers, ITEMS)
    codes = {key: read_choice(checked, key, YES_NO) for key in ITEMS}
    require_all(codes)
    return {
        key: int(code == ("yes" if key in AT_RISK_IF_YES else "no")) for key, code in codes.items()
    }


def _at_risk_items(scores: Mapping[str, int]) -> list[str]:
    return [key for key in ITEMS if scores[key]]


def _band_flags(band: str | None, *, followup_given: bool) -> list[str]:
    if band == "high":
        return ["refer_immediately"]
    if band == "medium" and not followup_given:
        return ["followup_interview_required"]
    return []


def _followup_fails(followup: Any, at_risk: list[str]) -> list[str] | None:
    """FAIL items of the Follow-Up in item order, or ``None`` when no Follow-Up was given."""
    if followup is None:
        return None
    checked = check_answers(followup, ITEMS)
    given = {key: read_choice(checked, key, PASS_FAIL) for key in ITEMS}
    given = {key: code for key, code in given.items() if code is not None}
    if not given:
        return None
    for key in ITEMS:
        if (key in given) != (key in at_risk):
            raise ScoringError("followup_mismatch", key)
    return [key for key in ITEMS if given.get(key) == "fail"]


def _result(band: str | None, fails: list[str] | None, cutoff: int) -> str | None:
    if band == "high":
        return "screen_positive"
    if band == "low":
        return "screen_negative"
    if fails is None:
        return None
    return "screen_positive" if len(fails) >= cutoff else "screen_negative"
