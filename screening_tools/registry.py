"""The instrument registry and the one public scoring call.

:func:`score` checks what every instrument shares (instrument id, threshold table name,
follow-up allowed, age type), hands a :class:`~screening_tools.context.ScoringContext` to the
instrument's scorer, and adds the ``outside_age_range`` flag when an age is given. The catalogue
(:data:`INSTRUMENT_IDS`, :func:`get_instrument`) is what the form-binding checker reads.

This module must not hold any instrument's rules; those live one module per instrument.

``outside_age_range`` (instruments.md §11.8: "still score, but attach an outside validated age
range flag"): raised only when ``age_months`` is given and the instrument has an
``age_range``. Month ranges compare completed months (16-30 -> 16 <= age <= 30); year ranges
compare completed years (4-17 years -> 48 <= age_months <= 215).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from screening_tools.context import ScoringContext, order_flags
from screening_tools.epds import EPDS, score_epds
from screening_tools.errors import ScoringError
from screening_tools.gad7 import GAD7, score_gad7
from screening_tools.mchat import MCHAT_R, MCHAT_RF, score_mchat_r, score_mchat_rf
from screening_tools.model import InstrumentSpec, ScoreResult
from screening_tools.moh_asd import MOH_ASD_SIGNS, score_moh_asd_signs
from screening_tools.phq import PHQ9, PHQA, score_phq9, score_phqa
from screening_tools.sdq import SDQ_P2_4, SDQ_P4_17, score_sdq
from screening_tools.srq20 import SRQ20, score_srq20
from screening_tools.thresholds import get_table

Scorer = Callable[[ScoringContext], ScoreResult]

_REGISTRY: dict[str, tuple[InstrumentSpec, Scorer]] = {
    spec.id: (spec, scorer)
    for spec, scorer in (
        (MCHAT_R, score_mchat_r),
        (MCHAT_RF, score_mchat_rf),
        (SDQ_P4_17, score_sdq),
        (SDQ_P2_4, score_sdq),
        (PHQ9, score_phq9),
        (PHQA, score_phqa),
        (GAD7, score_gad7),
        (SRQ20, score_srq20),
        (EPDS, score_epds),
        (MOH_ASD_SIGNS, score_moh_asd_signs),
    )
}

#: every instrument id, in catalogue order
INSTRUMENT_IDS: tuple[str, ...] = tuple(_REGISTRY)


def get_instrument(instrument_id: str) -> InstrumentSpec:
    """The spec of ``instrument_id``; ``ScoringError("unknown_instrument")`` otherwise."""
    if not isinstance(instrument_id, str) or instrument_id not in _REGISTRY:
        raise ScoringError("unknown_instrument", message=f"unknown instrument id {instrument_id!r}")
    return _REGISTRY[instrument_id][0]


def score(
    instrument_id: str,
    answers: Mapping[str, Any],
    *,
    thresholds: str = "international",
    followup: Mapping[str, Any] | None = None,
    age_months: int | None = None,
) -> ScoreResult:
    """Score raw answers of one instrument against the named threshold table.

    ``followup``: ``mchat_rf`` only (item -> "pass"/"fail"). ``age_months``: completed months;
    required by ``moh_asd_signs``, optional elsewhere (adds ``outside_age_range``).
    """
    spec = get_instrument(instrument_id)
    table = get_table(thresholds)
    if followup is not None and not spec.followup_items:
        raise ScoringError("unexpected_followup")
    _check_age_type(age_months)
    ctx = ScoringContext(spec, answers, table, followup=followup, age_months=age_months)
    result = _REGISTRY[instrument_id][1](ctx)
    if age_months is not None and is_outside_age_range(spec, age_months):
        result = replace(result, flags=order_flags((*result.flags, "outside_age_range")))
    return result


def is_outside_age_range(spec: InstrumentSpec, age_months: int) -> bool:
    """True when the instrument has a validated range and ``age_months`` lies outside it."""
    if spec.age_range is None:
        return False
    lowest, highest, unit = spec.age_range
    age = age_months if unit == "months" else age_months // 12
    return not lowest <= age <= highest


def _check_age_type(age_months: Any) -> None:
    if age_months is None:
        return
    if isinstance(age_months, bool) or not isinstance(age_months, int) or age_months < 0:
        raise ScoringError("invalid_age", message=f"age_months={age_months!r} is not a month count")
