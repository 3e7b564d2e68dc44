"""Value types shared by every instrument: the spec, the result and the flag catalogue.

What the form-binding checker reads (:class:`InstrumentSpec`), what a scoring call returns
(:class:`ScoreResult`) and the closed list of flag ids (:data:`FLAG_IDS`). Plain frozen
dataclasses; this module must not score, look up thresholds or import any other module of the
package.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

#: flag id -> the rule that raises it (the rule and its source are repeated in the docstring of
#: the instrument module that raises it). Flags are independent of totals unless stated.
FLAG_IDS: dict[str, str] = {
    "followup_interview_required": "M-CHAT-R total 3-7 (Medium) and no Follow-Up given yet",
    "refer_immediately": "M-CHAT-R total 8-20 (High)",
    "refer_for_evaluation": "M-CHAT-R/F: 2 or more Follow-Up items still FAIL",
    "self_harm_item_positive": (
        "PHQ-9/PHQ-A q09 >= 1; PHQ-A q11 or q12 = yes; SRQ-20 q17 = yes; EPDS q10 score >= 1"
    ),
    "moh_warning_sign": "QĐ 2254 step 1: any sign asked at this age is present -> refer to step 2",
    "loss_of_skills": "QĐ 2254 step 1: loss of language or social skills (q06 = yes), any age",
    "outside_age_range": "age_months was given and lies outside the validated age range",
}

#: the answer codes a form stores for each kind of item (XLSForm choice names, as text)
YES_NO: tuple[str, ...] = ("yes", "no")
SDQ_CODES: tuple[str, ...] = ("not_true", "somewhat_true", "certainly_true")
ZERO_TO_THREE: tuple[str, ...] = ("0", "1", "2", "3")
PASS_FAIL: tuple[str, ...] = ("pass", "fail")


def item_keys(first: int, last: int) -> tuple[str, ...]:
    """Item keys ``qFF``..``qLL``, zero-padded as printed (``item_keys(1, 3)`` -> q01, q02, q03)."""
    return tuple(f"q{n:02d}" for n in range(first, last + 1))


def codes_for(keys: tuple[str, ...], codes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The same allowed-code tuple for each key (a helper for building ``answer_codes``)."""
    return dict.fromkeys(keys, codes)


@dataclass(frozen=True)
class InstrumentSpec:
    """What a form must bind for an instrument, and what each item may hold."""

    id: str
    title: str
    items: tuple[str, ...]
    optional_items: tuple[str, ...]
    answer_codes: Mapping[str, tuple[str, ...]]
    followup_items: tuple[str, ...]
    age_range: tuple[int, int, str] | None
    licence: str
    followup_codes: tuple[str, ...] = ()
    rules_version: str = ""
    #: yes/no items a form may ask in several parts: "yes" when any part is "yes"
    composite_items: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "answer_codes", MappingProxyType(dict(self.answer_codes)))


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of one scoring call; ``as_dict()`` is the stored / wire form."""

    instrument: str
    total: int | None
    subscales: Mapping[str, int | None]
    band: str | None
    flags: tuple[str, ...]
    thresholds: str
    rules_version: str
    extras: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Core keys first, then the instrument's extras; lists and dicts are fresh copies."""
        core: dict[str, Any] = {
            "instrument": self.instrument,
            "total": self.total,
            "subscales": dict(self.subscales),
            "band": self.band,
            "flags": list(self.flags),
            "thresholds": self.thresholds,
            "rules_version": self.rules_version,
        }
        clash = set(core) & set(self.extras)
        if clash:
            raise ValueError(f"extras may not override core keys: {sorted(clash)}")
        core.update({key: _copy(value) for key, value in self.extras.items()})
        return core


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _copy(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(inner) for inner in value]
    return value
