"""Small-cell suppression for every dashboard table, shared view and export.

A count from 1 to 4 could single out a child in a small commune, so it is never shown: it
becomes ``SUPPRESSED`` ("<5"). Zero is shown (it identifies nobody). A rate is suppressed when
its numerator or its denominator is. This module only decides what may be shown; it never reads
the database and must not know about pages or file formats.
"""

from __future__ import annotations

from dataclasses import dataclass

#: the smallest count that may be shown, other than zero
THRESHOLD = 5
#: how a suppressed cell is written in tables and exports
SUPPRESSED = "<5"


def is_small(count: int | None) -> bool:
    """Whether ``count`` must be hidden (1 to 4)."""
    return count is not None and 0 < count < THRESHOLD


def shown_count(count: int | None) -> int | str | None:
    """The count as it may be shown: the number, ``SUPPRESSED``, or None when unknown."""
    if count is None:
        return None
    return SUPPRESSED if is_small(count) else count


@dataclass(frozen=True)
class Rate:
    """A numerator over a denominator, as it may be shown."""

    numerator: int | str | None
    denominator: int | str | None
    percent: float | None  # None when suppressed or the denominator is 0 or unknown
    suppressed: bool


def shown_rate(numerator: int | None, denominator: int | None) -> Rate:
    """A rate with both counts passed through ``shown_count`` and the percent only when
    neither is suppressed and the denominator is positive."""
    suppressed = is_small(numerator) or is_small(denominator)
    percent = None
    if not suppressed and numerator is not None and denominator:
        percent = round(100.0 * numerator / denominator, 1)
    return Rate(shown_count(numerator), shown_count(denominator), percent, suppressed)
