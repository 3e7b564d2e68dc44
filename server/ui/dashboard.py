"""The dashboard page (issue 12): a province's 15 indicators, per commune, charted and tabled.

``GET /admin/dashboard?province=&commune=&period=&sex=&age_band=`` shows every indicator of
``services/programme/indicators.py`` as a Chart.js chart (``static/dashboard.js``, vendored
from npm) and the same numbers as a table, with its definition beside it; counts from 1 to 4
read "<5". The filters are GET parameters (a filtered page can be bookmarked) and change the
page in place with htmx; a new province forgets the commune. A bad parameter is the page again
with the problem in the user's language (400.130-400.133); a province outside the user's area
is the same 404 as an unknown one (404.8). Every staff user who can sign in (supervisors,
coordinators, admins) reads it over their own communes (a supervisor's total is of their
communes). Coordinators and admins get "CSV" and "XLSX" buttons posting the indicator's
table with the page's filters to the exports page (made in the background). Each view is
audited without a number. Its reads may come from the read replica (``server/replica.py``).
"""

from __future__ import annotations

from typing import Any

from flask import g, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from server import problems
from server.problems import Problem
from server.programme import today
from server.replica import lag_tolerant
from server.services.exports.filters import SEXES
from server.services.programme import indicators, population
from server.services.programme.indicator_queries import Slice
from server.services.programme.measures import AGE_BANDS
from server.services.programme.periods import offered_periods, read_period
from server.ui import bp
from server.ui.dashboard_view import shown, vn_cell
from server.ui.web import KEEPERS, actor, signed_in_required

SEX_LABELS = {"male": _l("Male"), "female": _l("Female"), "other": _l("Other")}
AGE_BAND_LABELS = {"u16m": _l("Under 16 months"), "16_30m": _l("16–30 months"),
                   "31m_6y": _l("31 months – 6 years"), "7_11y": _l("7–11 years"),
                   "12_17y": _l("12–17 years"), "18y": _l("18 years and over"),
                   "unknown": _l("Age unknown")}
assert set(SEX_LABELS) == set(SEXES) and set(AGE_BAND_LABELS) == set(AGE_BANDS)


bp.add_app_template_filter(vn_cell, "vn_cell")


def _text(name: str) -> str | None:
    value = (request.args.get(name) or "").strip()
    return value[:40] or None


def _province() -> str:
    province = _text("province")
    if province is None:
        if not g.scope.provinces:
            raise problems.area_unknown("")
        return min(g.scope.provinces)
    if province not in g.scope.provinces:
        raise problems.area_unknown(province[:20])
    return province


def _ask(province: str) -> indicators.Ask:
    """The filters of the page's address; 400.130-400.133 for one that cannot be used."""
    commune = _text("commune")
    if commune is not None and not (commune.isascii() and commune.isdigit()
                                    and len(commune) == 5):
        raise problems.dashboard_commune_outside_province(commune[:20])
    period = read_period(request.args.get("period", "")[:40], today())
    sex, band = _text("sex"), _text("age_band")
    if sex is not None and sex not in SEXES:
        raise problems.dashboard_sex_unknown(sex[:20])
    if band is not None and band not in AGE_BANDS:
        raise problems.dashboard_age_band_unknown(band[:20])
    return indicators.Ask(province, commune, period, Slice(sex, band))


@bp.get("/admin/dashboard")
@signed_in_required
@lag_tolerant
def dashboard_page():
    province = _province()
    language = get_locale().language
    context: dict[str, Any] = {"province": province, "provinces": indicators.provinces_of(g.scope),
                               "periods": offered_periods(today()), "args": request.args,
                               "sex_labels": SEX_LABELS, "age_band_labels": AGE_BAND_LABELS,
                               "may_export": g.user.role in KEEPERS}
    try:
        ask = _ask(province)
        board = indicators.compute(g.scope, ask, today(), language)
    except Problem as problem:
        communes = population.communes_of(g.scope, province)
        return render_template("dashboard.html", problem=problem, communes=communes,
                               **context), problem.status
    indicators.record_view(actor(), ask)
    return render_template("dashboard.html", ask=ask, communes=board.communes,
                           shown=[shown(found, language, whole_area=ask.commune is None)
                                  for found in board.indicators],
                           filtered=ask.cut.filtered, **context)
