"""What an instrument's scorer receives and the one way it builds a result.

:class:`ScoringContext` bundles the checked inputs of one ``score()`` call (answers, the chosen
threshold entry, follow-up answers, age). :func:`make_result` turns an instrument's numbers into a
:class:`~screening_tools.model.ScoreResult` with flags in catalogue order, the table named and the
cut-off results of every table side by side.
This module must not know any instrument's rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from screening_tools.model import FLAG_IDS, InstrumentSpec, ScoreResult
from screening_tools.thresholds import THRESHOLD_TABLES, ThresholdEntry, ThresholdTable


@dataclass(frozen=True)
class ScoringContext:
    """The checked inputs of one scoring call."""

    spec: InstrumentSpec
    answers: Mapping[str, Any]
    table: ThresholdTable
    followup: Mapping[str, Any] | None = None
    age_months: int | None = None

    @property
    def entry(self) -> ThresholdEntry:
        """This instrument's entry in the chosen table."""
        return self.table.entries[self.spec.id]


def order_flags(flags: Iterable[str]) -> tuple[str, ...]:
    """Unique flags in :data:`FLAG_IDS` order; an unknown flag id is a programming error."""
    wanted = set(flags)
    unknown = wanted - set(FLAG_IDS)
    if unknown:
        raise ValueError(f"unknown flag ids {sorted(unknown)}")
    return tuple(flag for flag in FLAG_IDS if flag in wanted)


def make_result(
    ctx: ScoringContext,
    total: int | None,
    band: str | None,
    flags: Iterable[str],
    subscales: Mapping[str, int | None] | None = None,
    **extras: Any,
) -> ScoreResult:
    """A result naming the table asked for; ``thresholds_from`` names whose numbers were used.

    Where the instrument has a cut-off: ``screen_cutoff`` and ``screen_positive`` under the
    table asked for, and ``cutoffs``, every table's cut-off result side by side
    (instruments.md §11.4), each ``{"cutoff", "positive", "meaning"}`` by table label.
    """
    entry = ctx.entry
    extras["thresholds_from"] = entry.fallback_from or ctx.table.label
    if entry.cutoff is not None:
        scored = total if entry.cutoff_of == "total" else extras.get(entry.cutoff_of)
        side_by_side = {
            table.label: _cutoff_result(table.entries[ctx.spec.id], scored)
            for table in THRESHOLD_TABLES.values()}
        extras.update(screen_cutoff=entry.cutoff,
                      screen_positive=side_by_side[ctx.table.label]["positive"],
                      cutoffs=side_by_side)
    return ScoreResult(
        instrument=ctx.spec.id,
        total=total,
        subscales=dict(subscales or {}),
        band=band,
        flags=order_flags(flags),
        thresholds=ctx.table.label,
        rules_version=ctx.spec.rules_version,
        extras=extras,
    )


def _cutoff_result(entry: ThresholdEntry, scored: int | None) -> dict[str, Any]:
    return {"cutoff": entry.cutoff,
            "positive": None if scored is None else scored >= entry.cutoff,
            "meaning": entry.cutoff_meaning}
