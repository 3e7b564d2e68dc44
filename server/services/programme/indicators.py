"""The dashboard (issue 12): the 15 indicators of one province, per commune and in total.

``compute`` reads an area's aggregates with five statements (``indicator_queries``: the
caller's communes of the province, then four grouped reads), whatever the number of screenings, and
builds every indicator's table in Python (``indicator_tables``); definitions are in
``indicator_specs``. The area is the caller's communes of the province (a supervisor's total is
of their own communes); a commune asked for must be one of them (400.133), and its row is shown
beside the area's total. Every indicator is registered as an export table ``dash_<key>``
(``exports/tables.py``), built from an export's frozen filters (``ask_from_filters``): the
file is made in the background and suppressed on the way out, like the page.

Reads only; the page audits the view (``record_view``, no personal data).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from server import problems
from server.programme import today as vietnam_today
from server.services.access.scope import Scope
from server.services.audit import Actor, record_event
from server.services.exports.filters import Filters
from server.services.exports.tables import Table, register_table
from server.services.programme import indicator_queries as queries
from server.services.programme.indicator_specs import SPECS, IndicatorSpec
from server.services.programme.indicator_sums import CHILD_CASCADE, Sums
from server.services.programme.indicator_tables import BUILDERS, Context
from server.services.programme.measures import AGE_BANDS
from server.services.programme.periods import Period, period_of
from sync.messages import TITLES


@dataclass(frozen=True)
class Ask:
    """What a dashboard is asked for."""

    province: str
    commune: str | None
    period: Period
    cut: queries.Slice


@dataclass(frozen=True)
class Indicator:
    spec: IndicatorSpec
    table: Table  # raw counts; shown through ``exports.tables.shown_table``


@dataclass(frozen=True)
class Dashboard:
    ask: Ask
    communes: dict[str, str]  # the caller's communes of the province: code -> name
    indicators: list[Indicator]


def compute(scope: Scope, ask: Ask, today: date, language: str = "vi",
            keys: Iterable[str] | None = None) -> Dashboard:
    """Every indicator (or those of ``keys``) of ``ask`` within ``scope``, as of ``today``."""
    communes, whole = queries.read_communes(scope.communes, ask.province)
    if ask.commune is not None and ask.commune not in communes:
        raise problems.dashboard_commune_outside_province(ask.commune[:20])
    codes = list(communes)
    read = None if whole else codes  # the whole province: read by province alone
    sums = Sums(queries.read_counts(ask.province, read, ask.period, ask.cut),
                queries.read_values(ask.province, read, ask.period, ask.cut, CHILD_CASCADE),
                queries.read_population(codes, ask.period.years),
                queries.read_overdue(codes, today))
    shown = {ask.commune: communes[ask.commune]} if ask.commune else communes
    wanted = set(keys) if keys is not None else None
    with force_locale(language):
        context = Context(shown, tuple(codes), str(_l("Total of the area")), ask.cut,
                          ask.period, today, _titles(language), str(_l("yes")))
        found = [Indicator(spec, BUILDERS[spec.key](sums, context)) for spec in SPECS
                 if wanted is None or spec.key in wanted]
    return Dashboard(ask, communes, found)


def provinces_of(scope: Scope) -> dict[str, str]:
    """Code -> name of the provinces of ``scope``: the ones a dashboard can be asked for."""
    return queries.read_province_names(sorted(scope.provinces))


def _titles(language: str) -> Callable[[str], str]:
    index = 1 if language == "en" else 0
    return lambda instrument: TITLES.get(instrument, (instrument, instrument))[index]


def record_view(actor: Actor, ask: Ask) -> None:
    """Audit one view of a dashboard: the area and the filters, never a number."""
    record_event(actor, "dashboard.view", "area", ask.province, commune=ask.commune,
                 period=ask.period.label, sex=ask.cut.sex, age_band=ask.cut.age_band)


def ask_from_filters(scope: Scope, found: Filters, today: date) -> Ask:
    """An export's filters as a dashboard ask: its province (else the first of the area), its
    dates widened to whole months (``period_of``)."""
    if found.age_band is not None and found.age_band not in AGE_BANDS:
        raise problems.export_filter_invalid("age_band")
    province = found.province or min(scope.provinces, default="")
    return Ask(province, found.commune, period_of(found.date_from, found.date_to, today),
               queries.Slice(found.sex, found.age_band))


def _export(key: str) -> Callable[[Scope, Filters], Table]:
    def build(scope: Scope, found: Filters) -> Table:
        ask = ask_from_filters(scope, found, vietnam_today())
        return compute(scope, ask, vietnam_today(), scope.language, [key]).indicators[0].table
    return build


for _spec in SPECS:
    register_table(_spec.table_key, _spec.title, _export(_spec.key))
