"""One table per indicator, built from an area's ``Sums``: a row per commune, then the total.

Each builder returns an export ``Table`` of raw counts (``exports/tables.py``): the page and
the files both pass it through ``shown_table``, so both show the same numbers, suppressed the
same way. Rates are ``percent`` columns computed there from two counts; a median or a share of
months (not a count of persons) is a ``label`` column written here, a median only from
``MEDIAN_MIN`` values on. A row's ``_total`` marks the area's total and ``_outlier`` a
highlighted commune; keys starting with ``_`` are never columns. Pure: no database.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from server.services.exports.tables import Column, Table
from server.services.programme.indicator_queries import Slice
from server.services.programme.indicator_specs import MEDIAN_MIN, OUTLIER_MIN_SCREENED, OUTLIER_Z
from server.services.programme.indicator_sums import ADULT, CHILD, TOTAL, Sums, median_of
from server.services.programme.periods import Period
from server.services.programme.suppression import SUPPRESSED


@dataclass(frozen=True)
class Context:
    """What every builder may need beside the sums."""

    communes: dict[str, str]  # the commune rows shown: code -> name
    area: tuple[str, ...]  # every commune the total is of
    total_label: str
    cut: Slice
    period: Period
    today: date
    title: Callable[[str], str]  # an instrument's name in the page's or file's language
    yes: str


def _communes(context: Context) -> list[tuple[str, dict[str, Any]]]:
    """(code or TOTAL, the row's label cells) for each commune row, then the total."""
    rows = [(code, {"commune_code": code, "commune": name})
            for code, name in context.communes.items()]
    return [*rows, (TOTAL, {"commune_code": "", "commune": context.total_label,
                            "_total": True})]


def _table(columns: tuple[Column, ...], context: Context,
           cells: Callable[[str], dict[str, Any]]) -> Table:
    return Table(columns, [{**labels, **cells(code)} for code, labels in _communes(context)])


_CODE = Column("commune_code", _l("Commune code"), "label")
_NAME = Column("commune", _l("Commune"), "label")
_INSTRUMENT = Column("instrument", _l("Instrument"), "label")


def _rate(key: str, label: Any, numerator: str, denominator: str) -> Column:
    return Column(key, label, "percent", of=(numerator, denominator))


def children(sums: Sums, context: Context) -> Table:
    columns = (_CODE, _NAME, Column("children", _l("Children 0–6")))
    return _table(columns, context,
                  lambda code: {"children": sums.population(code, "children_0_6")})


def coverage(sums: Sums, context: Context) -> Table:
    """Unique children 0-6 screened / children 0-6 (no rate with a sex or age filter)."""
    columns = (_CODE, _NAME, Column("screened", _l("Children 0–6 screened")),
               Column("children", _l("Children 0–6")),
               _rate("coverage", _l("Coverage (%)"), "screened", "children"))
    return _table(columns, context, lambda code: {
        "screened": sums.count(code, "child_screened"),
        "children": None if context.cut.filtered else sums.population(code, "children_0_6")})


def mchat_coverage(sums: Sums, context: Context) -> Table:
    columns = (_CODE, _NAME, Column("screened", _l("Children 16–30 months screened (M-CHAT-R)")),
               Column("children", _l("Children 16–30 months")),
               _rate("coverage", _l("Coverage (%)"), "screened", "children"))
    return _table(columns, context, lambda code: {
        "screened": sums.count(code, "mchat_screened", instrument="mchat_r"),
        "children": None if context.cut.filtered else
        sums.population(code, "children_16_30m")})


def is_outlier(positive: int, screened: int, total_positive: int, total_screened: int) -> bool:
    """Whether a commune's positive rate differs from the rest of the area: a two-proportion
    z-test (pooled) with |z| > ``OUTLIER_Z``, both sides with ``OUTLIER_MIN_SCREENED``
    screenings or more."""
    rest_positive, rest_screened = total_positive - positive, total_screened - screened
    if min(screened, rest_screened) < OUTLIER_MIN_SCREENED:
        return False
    pooled = total_positive / total_screened
    spread = math.sqrt(pooled * (1 - pooled) * (1 / screened + 1 / rest_screened))
    if spread == 0:
        return False
    z = (positive / screened - rest_positive / rest_screened) / spread
    return abs(z) > OUTLIER_Z


def positive_rate(sums: Sums, context: Context) -> Table:
    """Per commune and instrument: positives / screenings; outliers flagged."""
    columns = (_CODE, _NAME, _INSTRUMENT, Column("screened", _l("Screenings")),
               Column("positive", _l("Screen-positive")),
               _rate("rate", _l("Positive (%)"), "positive", "screened"),
               Column("outlier", _l("Far from the rest of the area"), "label"))
    rows = []
    for code, labels in _communes(context):
        for instrument in sums.instruments("screened"):
            screened = sums.count(code, "screened", instrument=instrument)
            if not screened and code != TOTAL:
                continue
            positive = sums.count(code, "positive", instrument=instrument)
            flagged = code != TOTAL and is_outlier(
                positive, screened, sums.count(TOTAL, "positive", instrument=instrument),
                sums.count(TOTAL, "screened", instrument=instrument))
            rows.append({**labels, "instrument": context.title(instrument),
                         "_instrument": instrument, "screened": screened,
                         "positive": positive, "_outlier": flagged,
                         "outlier": context.yes if flagged else ""})
    return Table(columns, rows)


def followup(sums: Sums, context: Context) -> Table:
    columns = (_CODE, _NAME, Column("needed", _l("Follow-Up interviews needed")),
               Column("done", _l("Follow-Up interviews done")),
               _rate("rate", _l("Completed (%)"), "done", "needed"))
    return _table(columns, context, lambda code: {
        "needed": sums.count(code, "followup_needed", instrument="mchat_r"),
        "done": sums.count(code, "followup_done", instrument="mchat_r")})


def _pair(measure_of: str, measure: str, columns: tuple[Column, ...]) -> Callable:
    """A builder of ``measure`` over ``measure_of`` in the child cascade."""
    def build(sums: Sums, context: Context) -> Table:
        of, part = columns[2].key, columns[3].key
        return _table(columns, context, lambda code: {
            of: sums.count(code, measure_of, cohort=CHILD),
            part: sums.count(code, measure, cohort=CHILD)})
    return build


referral_rate = _pair("positive", "positive_referred", (
    _CODE, _NAME, Column("positive", _l("Positives")), Column("referred", _l("Referred")),
    _rate("rate", _l("Referred (%)"), "referred", "positive")))
referral_completion = _pair("referral_made", "referral_attended_90", (
    _CODE, _NAME, Column("made", _l("Referrals made")),
    Column("attended", _l("Attended within 90 days")),
    _rate("rate", _l("Completed (%)"), "attended", "made")))
diagnostic_yield = _pair("positive_assessed", "positive_diagnosed", (
    _CODE, _NAME, Column("assessed", _l("Assessed")), Column("diagnosed", _l("Diagnosed")),
    _rate("rate", _l("Diagnostic yield (%)"), "diagnosed", "assessed")))
intervention = _pair("positive_diagnosed", "positive_intervention", (
    _CODE, _NAME, Column("diagnosed", _l("Diagnosed")),
    Column("started", _l("Intervention started")),
    _rate("rate", _l("Started (%)"), "started", "diagnosed")))


def shown_median(distribution: dict[int, int]) -> float | str | None:
    """The median as it may be shown: None without values, "<5" from 1-4 of them."""
    size = sum(distribution.values())
    return SUPPRESSED if 0 < size < MEDIAN_MIN else median_of(distribution)


def delays(sums: Sums, context: Context) -> Table:
    columns = (_CODE, _NAME, Column("referred", _l("Positives referred")),
               Column("to_referral", _l("Median days to referral"), "label"),
               Column("assessed", _l("Positives assessed")),
               Column("to_assessment", _l("Median days to assessment"), "label"))

    def cells(code: str) -> dict[str, Any]:
        referral = sums.distribution(code, "days_to_referral")
        assessment = sums.distribution(code, "days_to_assessment")
        return {"referred": sum(referral.values()), "to_referral": shown_median(referral),
                "assessed": sum(assessment.values()),
                "to_assessment": shown_median(assessment)}
    return _table(columns, context, cells)


def age_at_diagnosis(sums: Sums, context: Context) -> Table:
    columns = (_CODE, _NAME, Column("diagnosed", _l("Diagnosed")),
               Column("median", _l("Median age at diagnosis (months)"), "label"))

    def cells(code: str) -> dict[str, Any]:
        ages = sums.distribution(code, "age_at_diagnosis")
        return {"diagnosed": sum(ages.values()), "median": shown_median(ages)}
    return _table(columns, context, cells)


def adult_cascade(sums: Sums, context: Context) -> Table:
    """Per commune and instrument, persons 12 and over: screened, positive, referred,
    assessed, each step as a share of the one before."""
    columns = (_CODE, _NAME, _INSTRUMENT, Column("screened", _l("Screenings")),
               Column("positive", _l("Screen-positive")),
               _rate("positive_rate", _l("Positive (%)"), "positive", "screened"),
               Column("referred", _l("Referred")),
               _rate("referred_rate", _l("Referred (%)"), "referred", "positive"),
               Column("assessed", _l("Assessed")),
               _rate("assessed_rate", _l("Assessed (%)"), "assessed", "positive"))
    steps = {"screened": "screened", "positive": "positive", "referred": "positive_referred",
             "assessed": "positive_assessed"}
    rows = []
    for code, labels in _communes(context):
        for instrument in sums.instruments("screened", ADULT):
            row = {key: sums.count(code, measure, instrument=instrument, cohort=ADULT)
                   for key, measure in steps.items()}
            if row["screened"] or code == TOTAL:
                rows.append({**labels, "instrument": context.title(instrument),
                             "_instrument": instrument, **row})
    return Table(columns, rows)


def safety(sums: Sums, context: Context) -> Table:
    columns = (_CODE, _NAME, Column("opened", _l("Safety contacts opened")),
               Column("in_time", _l("Done within 24 hours")),
               _rate("rate", _l("Within 24 hours (%)"), "in_time", "opened"))
    return _table(columns, context, lambda code: {
        "opened": sums.count(code, "safety_opened"), "in_time": sums.count(code, "safety_24h")})


def overdue(sums: Sums, context: Context) -> Table:
    columns = (_CODE, _NAME, Column("referrals", _l("Overdue referral work")),
               Column("other", _l("Other overdue actions")),
               Column("all", _l("All overdue")))
    return _table(columns, context, lambda code: {
        "referrals": sums.overdue(code, True), "other": sums.overdue(code, False),
        "all": sums.overdue(code, True) + sums.overdue(code, False)})


def reporting(sums: Sums, context: Context) -> Table:
    """Months with a submission of the months so far; timely submissions; devices active
    in the last month so far."""
    columns = (_CODE, _NAME, Column("months_reported", _l("Months with submissions"), "label"),
               Column("completeness", _l("Completeness (%)"), "label"),
               Column("submissions", _l("Submissions")),
               Column("timely", _l("Received within 7 days")),
               _rate("timeliness", _l("Timely (%)"), "timely", "submissions"),
               Column("devices", _l("Active collaborators (last month)")))
    months = context.period.months_so_far(context.today)

    def cells(code: str) -> dict[str, Any]:
        if code == TOTAL:  # commune-months with a submission, of every commune-month
            reported = sum(1 for c in context.area for m in months
                           if sums.by_month(c, "submissions", m))
            possible = len(context.area) * len(months)
        else:
            reported = sum(1 for m in months if sums.by_month(code, "submissions", m))
            possible = len(months)
        return {"months_reported": f"{reported}/{possible}",
                "completeness": round(100 * reported / possible, 1) if possible else None,
                "submissions": sums.count(code, "submissions"),
                "timely": sums.count(code, "submissions_timely"),
                "devices": sums.by_month(code, "active_devices", months[-1])
                if months else None}
    return _table(columns, context, cells)


#: indicator key -> its builder
BUILDERS: dict[str, Callable[[Sums, Context], Table]] = {
    "children": children, "coverage": coverage, "mchat_coverage": mchat_coverage,
    "positive_rate": positive_rate, "followup": followup, "referral_rate": referral_rate,
    "referral_completion": referral_completion, "delays": delays,
    "yield": diagnostic_yield, "intervention": intervention,
    "age_at_diagnosis": age_at_diagnosis, "adult_cascade": adult_cascade, "safety": safety,
    "overdue": overdue, "reporting": reporting,
}
