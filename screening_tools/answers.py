"""Reading raw answer codes: key checks, code checks, "not answered" and explicit rounding.

Every instrument module reads its answers through these helpers so that the same input is refused
the same way everywhere. The helpers validate and convert one raw code at a time; they must not
recode (reverse scoring belongs to the instrument modules), guess a missing value or round with
the built-in ``round()``.

Conventions (documented once here, used by every instrument):

* ``None`` and the empty string both mean *not answered* (ODK sends an empty element for a
  question left blank). An absent key means the same as ``None``.
* Choice codes (``"yes"``, ``"not_true"``, ``"pass"`` …) must match exactly: no case folding, no
  trimming.
* 0-3 items accept the integers 0..3 and, because forms send text, the strings ``"0"``..``"3"``.
  ``True``/``False``, floats and any other text are refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from math import floor
from typing import Any

from screening_tools.errors import ScoringError
from screening_tools.model import ZERO_TO_THREE


def check_answers(answers: Any, allowed: Iterable[str]) -> Mapping[str, Any]:
    """Refuse a non-mapping (``invalid_answers``) and any key outside ``allowed``."""
    if not isinstance(answers, Mapping):
        raise ScoringError("invalid_answers")
    allowed_keys = frozenset(allowed)
    for key in sorted(answers, key=str):
        if not isinstance(key, str) or key not in allowed_keys:
            raise ScoringError("unknown_item", str(key))
    return answers


def is_blank(value: Any) -> bool:
    """True when a raw value means *not answered* (``None`` or ``""``)."""
    return value is None or (isinstance(value, str) and value == "")


def read_choice(answers: Mapping[str, Any], key: str, codes: tuple[str, ...]) -> str | None:
    """The choice code stored for ``key``, ``None`` when not answered; else ``invalid_code``."""
    value = answers.get(key)
    if is_blank(value):
        return None
    if isinstance(value, str) and value in codes:
        return value
    raise ScoringError("invalid_code", key)


def read_level(answers: Mapping[str, Any], key: str) -> int | None:
    """A 0-3 code as an int (from ``0``..``3`` or ``"0"``..``"3"``), ``None`` when not answered."""
    value = answers.get(key)
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ScoringError("invalid_code", key)
    if isinstance(value, int) and 0 <= value <= 3:
        return value
    if isinstance(value, str) and value in ZERO_TO_THREE:
        return int(value)
    raise ScoringError("invalid_code", key)


def require_all(values: Mapping[str, Any], flags: Iterable[str] = ()) -> None:
    """Raise ``missing_item`` for the first key (in key order) whose value is ``None``.

    ``flags`` are the safety flags already raised; they travel on the error (§11.3).
    """
    for key in sorted(values):
        if values[key] is None:
            raise ScoringError("missing_item", key, flags=flags)


def round_half_away(value: Fraction) -> int:
    """Round to the nearest integer, halves away from zero (instruments.md §11.7).

    Built-in ``round()`` rounds halves to even (``round(2.5) == 2``); the rules need 3.
    """
    magnitude = floor(abs(value) + Fraction(1, 2))
    return magnitude if value >= 0 else -magnitude
