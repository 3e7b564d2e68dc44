"""Seed a province's dashboard aggregates (``agg_counts``, ``agg_values``) and population numbers
at the volume 300,000 screenings would give, for the dashboard's benchmark (issue 12).

Until the aggregates' upkeep (``sangloc jobs run rebuild_aggregates``) fills them from real
records, this writes what it would write: per commune (uneven sizes, as ``seed_pages``), month,
instrument, sex and age band, the measures of ``services/programme/measures.py``, a cell only
where its count is not 0 (so small communes are sparse), with value distributions of a few
amounts per cell (days to referral and assessment, age at diagnosis). The shares (positives,
referred, ...) are plausible, not real. Used by ``bench/run_dashboard.py``; not run alone.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from sqlalchemy import insert, select

from server.extensions import db
from server.models import AdminUnit, AggregateCount, AggregateValue, Denominator

#: (instrument, age band, share of screenings, share positive)
CELLS = (("mchat_r", "16_30m", .10, .08), ("mchat_rf", "16_30m", .02, .5),
         ("sdq_p4_17", "31m_6y", .08, .12), ("sdq_p4_17", "7_11y", .08, .12),
         ("sdq_p4_17", "12_17y", .04, .12), ("phqa", "12_17y", .08, .10),
         ("phq9", "18y", .22, .10), ("gad7", "18y", .18, .08), ("srq20", "18y", .12, .10),
         ("epds", "18y", .08, .12))
POSITIVE = {(instrument, band): share for instrument, band, _, share in CELLS}
SEXES = (("female", .5), ("male", .49), ("unknown", .01))
CHILD = ("16_30m", "31m_6y")
BATCH = 20_000


def _some(rng: random.Random, expected: float) -> int:
    """A whole number around ``expected`` (rounded at random, so small cells are often 0)."""
    return int(expected + rng.random())


def _cascade(rng: random.Random, instrument: str, band: str, screened: int) -> dict[str, int]:
    positive = _some(rng, screened * POSITIVE[(instrument, band)])
    found = {"screened": screened, "positive": positive,
             "positive_referred": _some(rng, positive * .7),
             "positive_assessed": _some(rng, positive * .5)}
    if band in CHILD:
        found["positive_diagnosed"] = _some(rng, positive * .3)
        found["positive_intervention"] = _some(rng, found["positive_diagnosed"] * .6)
    if instrument in ("phq9", "phqa"):
        found["safety_opened"] = _some(rng, screened * .02)
        found["safety_24h"] = _some(rng, found["safety_opened"] * .8)
    if instrument == "mchat_r":
        found["followup_needed"] = _some(rng, screened * .15)
        found["followup_done"] = _some(rng, found["followup_needed"] * .8)
        found["mchat_screened"] = _some(rng, screened * .9)
    return found


def _spread(rng: random.Random, total: int, low: int, high: int) -> dict[int, int]:
    """``total`` values over a few amounts between ``low`` and ``high``."""
    found: dict[int, int] = {}
    for _ in range(total):
        amount = rng.randint(low, high) if len(found) < 6 else rng.choice(list(found))
        found[amount] = found.get(amount, 0) + 1
    return found


def _cell_rows(rng, cell: dict, instrument: str, screened: int,
               plain: dict[tuple[str, str, str], int]) -> Iterator[tuple[str, dict]]:
    """One instrument, sex and band's rows; its instrument-less counts added to ``plain``."""
    band, sex = cell["age_band"], cell["sex"]
    counts = _cascade(rng, instrument, band, screened)
    for measure, value in counts.items():
        if value:
            yield "count", {**cell, "instrument": instrument, "measure": measure, "value": value}
    for measure, value in (("person_screened", _some(rng, screened * .9)),
                           ("child_screened", _some(rng, screened * .9) if band in CHILD else 0),
                           ("referral_made", counts["positive_referred"]),
                           ("referral_attended_90", counts["positive_assessed"])):
        plain[(measure, sex, band)] = plain.get((measure, sex, band), 0) + value
    for measure, total, low, high in (
            ("days_to_referral", counts["positive_referred"], 0, 60),
            ("days_to_assessment", counts["positive_assessed"], 5, 120),
            ("age_at_diagnosis", counts.get("positive_diagnosed", 0), 16, 72)):
        for amount, value in _spread(rng, total, low, high).items():
            yield "value", {**cell, "instrument": instrument, "measure": measure,
                            "amount": amount, "value": value}


def _month_rows(rng, province, commune, month, screenings) -> Iterator[tuple[str, dict]]:
    base = {"province_code": province, "commune_code": commune, "month": month}
    plain: dict[tuple[str, str, str], int] = {}  # (measure, sex, band) of instrument ""
    for instrument, band, share, _ in CELLS:
        for sex, sex_share in SEXES:
            screened = _some(rng, screenings * share * sex_share)
            if screened:
                yield from _cell_rows(rng, {**base, "sex": sex, "age_band": band}, instrument,
                                      screened, plain)
    for (measure, sex, band), value in plain.items():
        if value:
            yield "count", {**base, "instrument": "", "sex": sex, "age_band": band,
                            "measure": measure, "value": value}
    for measure, value in (("submissions", int(screenings)),
                           ("submissions_timely", _some(rng, screenings * .85)),
                           ("active_devices", 1 + int(screenings) // 60)):
        if value:
            yield "count", {**base, "instrument": "", "sex": "", "age_band": "",
                            "measure": measure, "value": value}


def seed_aggregates(province: str, years: list[int], screenings_per_year: int,
                    until: date, seed_value: int = 12, *, cells: bool = True) -> dict[str, int]:
    """Aggregates of ``province`` for each month of ``years`` up to ``until``, and its
    communes' population numbers (only those with ``cells=False``); returns the rows written
    per table."""
    rng = random.Random(seed_value)
    communes = list(db.session.scalars(select(AdminUnit.code).where(
        AdminUnit.province_code == province).order_by(AdminUnit.code)))
    sizes = random.Random(province)
    weights = [sizes.paretovariate(1.2) for _ in communes]
    share = {code: weight / sum(weights) for code, weight in zip(communes, weights, strict=True)}
    written = {"agg_counts": 0, "agg_values": 0, "denominators": 0}
    batches: dict[str, list[dict]] = {"count": [], "value": []}
    for year in years:
        for code in communes:
            monthly = screenings_per_year * share[code] / 12
            db.session.add_all([
                Denominator(commune_code=code, year=year, group_name=group,
                            value=int(monthly * factor) + 10)
                for group, factor in (("children_0_6", 3.5), ("children_16_30m", .6),
                                      ("adults", 40))])
            written["denominators"] += 3
            for month in range(1, 13 if cells else 1):
                if date(year, month, 1) > until:
                    break
                for kind, row in _month_rows(rng, province, code, date(year, month, 1),
                                             monthly):
                    batches[kind].append(row)
                    if len(batches[kind]) >= BATCH:
                        written[_flush(kind, batches)] += BATCH
    for kind in ("count", "value"):
        size = len(batches[kind])
        if size:
            written[_flush(kind, batches)] += size
    db.session.commit()
    return written


def _flush(kind: str, batches: dict[str, list[dict]]) -> str:
    model = AggregateCount if kind == "count" else AggregateValue
    db.session.execute(insert(model), batches[kind])
    batches[kind] = []
    return model.__tablename__
