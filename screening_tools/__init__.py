"""sangloc's screening instruments: scoring rules, bands, flags and versioned threshold tables.

Pure and standard-library only. It must not import Flask, a database, ``forms`` or ``sync``, read
the environment, log, or print. The rules are those of the project's instruments reference
(instruments.md; vietnam.md §1 for ``moh_asd_signs``); every instrument module's docstring states
its rules, flags and sources.

Public API::

    score(instrument_id, answers, *, thresholds="international", followup=None,
          age_months=None) -> ScoreResult            # ScoreResult.as_dict() for storage
    INSTRUMENT_IDS; get_instrument(instrument_id) -> InstrumentSpec
    ScoringError(code, item=None, message=None, *, flags=()); ERROR_CODES; FLAG_IDS
    THRESHOLD_TABLES ("international@2", "vietnam@2"); check_tables()
"""

from screening_tools.errors import ERROR_CODES, ScoringError
from screening_tools.model import FLAG_IDS, InstrumentSpec, ScoreResult
from screening_tools.registry import INSTRUMENT_IDS, get_instrument, is_outside_age_range, score
from screening_tools.thresholds import (
    THRESHOLD_TABLES,
    ThresholdEntry,
    ThresholdTable,
    check_tables,
)

__all__ = [
    "ERROR_CODES",
    "FLAG_IDS",
    "INSTRUMENT_IDS",
    "THRESHOLD_TABLES",
    "InstrumentSpec",
    "ScoreResult",
    "ScoringError",
    "ThresholdEntry",
    "ThresholdTable",
    "check_tables",
    "get_instrument",
    "is_outside_age_range",
    "score",
]
