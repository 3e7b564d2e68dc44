"""The one exception of ``screening_tools`` and its code catalogue.

Every refusal of the package is a :class:`ScoringError` carrying a stable ``code`` from
:data:`ERROR_CODES` and, where one is to blame, the item key (``"q05"``). Only ``server/`` turns
codes into HTTP statuses or wire messages; this module must not know about either, and it must
not log or print.

A missing required item is reported as ``missing_item``. Because safety flags are evaluated first
and independently of totals and missing-data rules (instruments.md §11.3), such an error carries
the safety ``flags`` already raised by the answered items, so the caller can start the safety
pathway even though no result could be scored.
"""

from __future__ import annotations

from collections.abc import Iterable

#: code -> default message. Codes are part of the public contract: add, never rename.
ERROR_CODES: dict[str, str] = {
    "unknown_instrument": "unknown instrument id",
    "unknown_thresholds": "unknown threshold table (use 'name' or 'name@version')",
    "invalid_answers": "answers (or follow-up answers) must be a mapping of item key to code",
    "unknown_item": "item key is not part of this instrument",
    "invalid_code": "answer code is not allowed for this item",
    "missing_item": "a required item has no answer and no published missing-data rule applies",
    "not_applicable_item": "item was answered but is not asked at this age",
    "unexpected_followup": "follow-up answers were given for an instrument without a Follow-Up",
    "followup_mismatch": "follow-up items do not match the at-risk items of the initial screen",
    "missing_age": "this instrument needs the child's age in completed months (age_months=)",
    "invalid_age": "age_months must be a whole number of months inside the instrument's range",
    "thresholds_incomplete": "a threshold table is incomplete or malformed (programming error)",
}


class ScoringError(Exception):
    """A refusal to score, with a catalogue ``code`` and the offending ``item`` key if any."""

    def __init__(
        self,
        code: str,
        item: str | None = None,
        message: str | None = None,
        *,
        flags: Iterable[str] = (),
    ) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"ScoringError code {code!r} is not in ERROR_CODES")
        self.code = code
        self.item = item
        self.flags: tuple[str, ...] = tuple(flags)
        text = message or ERROR_CODES[code]
        self.message = f"{text} ({item})" if item is not None and message is None else text
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"ScoringError(code={self.code!r}, item={self.item!r}, flags={self.flags!r})"
