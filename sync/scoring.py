"""Scoring one submission: its bound answers -> ``screening_tools.score`` -> a ScreeningOutcome.

:func:`score_instance` picks the answers by the form's binding, works out the age at the
screening date and scores on the server from the raw codes (instruments.md §11.1). Scoring
problems never raise: a :class:`~screening_tools.ScoringError` becomes ``error`` on the outcome
and its safety ``flags`` are kept, because a flag starts the safety pathway even when nothing
can be scored (§11.3). The device's own total is read for comparison only and never overrides
the server's (§11.1).

Ages are completed months (§11.8) counted exactly as the bundled forms count them on the device
(``scripts/form_blocks.py`` ``age_months_expr``: month difference, minus one while the day of
the month has not been reached). Server and device must agree, because the Ministry checklist
asks its signs by age and refuses a sign answered before its age. So a child born on 31 January
is 0 months old on 28 February and 1 month old on 1 March; :func:`date_of_age` gives the first
day of a completed age and is the inverse of :func:`completed_months`.

This module must not decide actions or messages (``sync.pathway``, ``sync.messages``) and
must not look at a database or HTTP request.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import screening_tools
from sync.binding import Binding, extract_answers
from sync.errors import SyncError

MONTHS_PER_YEAR = 12
# JavaRosa writes a calculate's number as "7" (or "7.0" for a decimal result)
_WHOLE_NUMBER = re.compile(r"([+-]?\d+)(?:\.0*)?")


@dataclass(frozen=True)
class ScreeningOutcome:
    """The server's scoring of one submission, with the device's total beside it."""

    instrument_id: str
    answers: dict[str, str | None]
    followup: dict[str, str | None]
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    flags: tuple[str, ...]
    age_months: int | None
    age_years: int | None
    outside_age_range: bool
    device_total: int | None
    device_disagrees: bool

    @property
    def band(self) -> str | None:
        """The result's band; None when unscorable or when the total has no band."""
        return None if self.result is None else self.result.get("band")

    @property
    def total(self) -> int | None:
        """The result's total; None when unscorable or incomplete."""
        return None if self.result is None else self.result.get("total")


def completed_months(dob: date, on: date) -> int:
    """Completed months of age on ``on`` for a person born on ``dob`` (module docstring rule).

    ``ValueError`` when ``on`` is before ``dob``.
    """
    if on < dob:
        raise ValueError(f"{on.isoformat()} is before the date of birth {dob.isoformat()}")
    months = (on.year - dob.year) * MONTHS_PER_YEAR + on.month - dob.month
    return months - 1 if on.day < dob.day else months


def date_of_age(dob: date, months: int) -> date:
    """The first day on which :func:`completed_months` from ``dob`` reaches ``months``.

    ``dob`` plus ``months`` months; when that month has no such day (born on the 29th-31st),
    the first day of the following month: born 29 Feb 2024 -> 24 months on 1 Mar 2026.
    """
    if months < 0:
        raise ValueError(f"months={months} is negative")
    extra_years, month_index = divmod(dob.month - 1 + months, MONTHS_PER_YEAR)
    year, month = dob.year + extra_years, month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    if dob.day <= last_day:
        return date(year, month, dob.day)
    return date(year, month, last_day) + timedelta(days=1)


def score_instance(
    binding: Binding,
    values: Mapping[str, str],
    *,
    screening_date: date,
    dob: date | None,
    thresholds: str = "international",
) -> ScreeningOutcome:
    """Score a parsed instance's ``values`` for the bound instrument.

    ``age_months`` is passed to the scorer whenever ``dob`` is known (``moh_asd_signs`` needs
    it; elsewhere it adds ``outside_age_range``). A ``dob`` after ``screening_date`` (a device
    clock or time-zone slip) is treated as an unknown age rather than refusing the submission, so
    its safety flags are never lost. Raises :class:`SyncError` ``unknown_thresholds`` only.
    """
    spec = screening_tools.get_instrument(binding.instrument_id)
    answers, followup = extract_answers(binding, values)
    age_months = _age_months(dob, screening_date)
    result, error, flags = _score(spec, answers, followup, thresholds, age_months)
    device_total = _device_total(binding, values)
    total = None if result is None else result.get("total")
    return ScreeningOutcome(
        instrument_id=spec.id,
        answers=answers,
        followup=followup,
        result=result,
        error=error,
        flags=flags,
        age_months=age_months,
        age_years=None if age_months is None else age_months // MONTHS_PER_YEAR,
        outside_age_range=age_months is not None
        and screening_tools.is_outside_age_range(spec, age_months),
        device_total=device_total,
        device_disagrees=device_total is not None and total is not None and device_total != total,
    )


def rescore(outcome: ScreeningOutcome, *, thresholds: str) -> ScreeningOutcome:
    """The same screening scored again from its stored raw answers (after a change of
    threshold table or rules); answers, age and the device's total are kept as they were."""
    spec = screening_tools.get_instrument(outcome.instrument_id)
    result, error, flags = _score(spec, dict(outcome.answers), dict(outcome.followup),
                                  thresholds, outcome.age_months)
    total = None if result is None else result.get("total")
    return replace(outcome, result=result, error=error, flags=flags,
                   device_disagrees=outcome.device_total is not None and total is not None
                   and outcome.device_total != total)


def _age_months(dob: date | None, on: date) -> int | None:
    if dob is None or dob > on:
        return None
    return completed_months(dob, on)


def _score(
    spec: screening_tools.InstrumentSpec,
    answers: dict[str, str | None],
    followup: dict[str, str | None],
    thresholds: str,
    age_months: int | None,
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, tuple[str, ...]]:
    """(result, None, flags) or (None, error, the error's safety flags)."""
    try:
        result = screening_tools.score(
            spec.id,
            answers,
            thresholds=thresholds,
            followup=followup if spec.followup_items else None,
            age_months=age_months,
        )
    except screening_tools.ScoringError as exc:
        if exc.code == "unknown_thresholds":
            raise SyncError(
                "unknown_thresholds",
                f"Threshold table {thresholds!r} does not exist (known: "
                f"{', '.join(screening_tools.THRESHOLD_TABLES)}).",
            ) from exc
        return None, {"code": exc.code, "item": exc.item, "message": exc.message}, exc.flags
    stored = result.as_dict()
    return stored, None, tuple(stored["flags"])


def _device_total(binding: Binding, values: Mapping[str, str]) -> int | None:
    """The form's own total as a whole number; None when unbound, empty or not a number."""
    if binding.device_score is None:
        return None
    text = values.get(binding.device_score)
    match = _WHOLE_NUMBER.fullmatch(text.strip()) if isinstance(text, str) else None
    return None if match is None else int(match.group(1))
