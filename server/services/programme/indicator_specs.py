"""The dashboard's 15 indicators as data (issue 12): what each divides by what, over which
period, in which unit, against which target, and what it cannot tell.

Shown beside every chart and table of ``/admin/dashboard`` and written out in the README; the
numbers themselves are computed in ``indicators.py`` from the aggregates named in
``measures.py``. Data only: no database, no page.

Shared rules, said once here and in the README:

- A period is whole months (a year, a quarter or a month; an export's dates are widened to the
  months they touch). A count falls in the month its measure names (``measures.py``).
- "Children" in the cascade (indicators 6-11) are persons under 12 at the positive screening;
  indicator 12 is persons of 12 and over. Persons of unknown age are in neither cascade.
- Population numbers (``denominators``) have no sex or age split: a coverage rate is shown only
  without a sex or age filter. A period over several years divides by the sum of each year's
  population (a child screened in two years counts once in each).
- Every count from 1 to 4 is shown "<5", with every rate made from it (``suppression.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

#: the screening target for children 0-6 (QĐ 1929/QĐ-TTg): 70 % a year
COVERAGE_TARGET = 70.0
#: the outlier rule of indicator 4: a two-proportion z-test against the rest of the area
OUTLIER_Z = 3.0
OUTLIER_MIN_SCREENED = 20
#: the fewest values a median is shown from (as for any count, fewer could single someone out)
MEDIAN_MIN = 5


@dataclass(frozen=True)
class IndicatorSpec:
    number: int
    key: str  # also the export table's key: ``dash_<key>``
    title: Any
    numerator: Any
    denominator: Any
    period: Any
    unit: Any
    target: float | None = None
    limits: Any = ""
    filters_apply: bool = True  # whether the sex and age band filters change it

    @property
    def table_key(self) -> str:
        return f"dash_{self.key}"


_PERCENT, _COUNT = _l("percent"), _l("count")
_SCREENED_IN = _l("Screenings dated (interview date) within the period.")
_COHORT = _l("Positives screened within the period, followed to today.")
_NO_SPLIT = _l("The population has no sex or age split: with a sex or age filter the rate is "
               "not shown.")

SPECS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(1, "children", _l("Children 0–6 in the area"),
                  _l("Children aged 0–6 entered on the Population page, per commune."),
                  _l("None (a count)."),
                  _l("The year of the period (several years: the sum of each year)."), _COUNT,
                  limits=_l("Entered by coordinators; a commune without a number shows 0."),
                  filters_apply=False),
    IndicatorSpec(2, "coverage", _l("Step-1 screening coverage of children 0–6"),
                  _l("Children aged 0–6 screened with any instrument, each once a calendar "
                     "year, in the month of their first screening of that year."),
                  _l("Children aged 0–6 of the area in that year (Population page)."),
                  _l("Children first screened this year within the period; a quarter or a "
                     "month shows the share reached in it."), _PERCENT, COVERAGE_TARGET,
                  _NO_SPLIT),
    IndicatorSpec(3, "mchat_coverage", _l("M-CHAT-R coverage of children 16–30 months"),
                  _l("Children aged 16–30 months screened with M-CHAT-R, each once a calendar "
                     "year, at their first M-CHAT-R of that year."),
                  _l("Children aged 16–30 months of the area in that year (Population page)."),
                  _l("Children first screened with M-CHAT-R this year within the period."),
                  _PERCENT, limits=_NO_SPLIT),
    IndicatorSpec(4, "positive_rate", _l("Screen-positive rate by instrument"),
                  _l("Screenings whose result needs step 2 (a referral or an assessment; "
                     "M-CHAT-R medium risk only once its Follow-Up is positive)."),
                  _l("Current screenings of the instrument."), _SCREENED_IN, _PERCENT,
                  limits=_l("Highlighted: a commune whose rate differs from the rest of the "
                            "area by a two-proportion z-test with |z| > 3, when both have at "
                            "least 20 screenings of the instrument (a data-quality signal).")),
    IndicatorSpec(5, "followup", _l("M-CHAT-R/F Follow-Up completion"),
                  _l("Of those, the screenings whose Follow-Up interview is done."),
                  _l("M-CHAT-R screenings that opened a Follow-Up interview (medium risk)."),
                  _SCREENED_IN, _PERCENT),
    IndicatorSpec(6, "referral_rate", _l("Referral rate among positives (children)"),
                  _l("Positives with a referral made on or after the screening day."),
                  _l("Screen-positive screenings of children under 12."), _COHORT, _PERCENT,
                  limits=_l("Referrals are not tied to an instrument: one referral counts for "
                            "every positive of the person screened before it was made.")),
    IndicatorSpec(7, "referral_completion", _l("Referral completion within 90 days"),
                  _l("Referrals attended (step 2/3 reached) within 90 days of being made."),
                  _l("Referrals made for children under 12."),
                  _l("Referrals made within the period; one made in the last 90 days may "
                     "still be completed."), _PERCENT),
    IndicatorSpec(8, "delays", _l("Median days from a positive screen to referral and to "
                                  "assessment"),
                  _l("The days from each positive screening to its first referral, and to "
                     "the attendance of that referral (exact median)."),
                  _l("Positives of children under 12 that were referred (that attended)."),
                  _COHORT, _l("days"),
                  limits=_l("A median of fewer than 5 values is not shown.")),
    IndicatorSpec(9, "yield", _l("Diagnostic yield"),
                  _l("Positives whose referral's result is a diagnosis."),
                  _l("Positives of children under 12 whose referral was attended."), _COHORT,
                  _PERCENT),
    IndicatorSpec(10, "intervention", _l("Early intervention started among diagnosed"),
                  _l("Diagnosed positives whose referral says intervention started."),
                  _l("Positives of children under 12 with a diagnosis."), _COHORT, _PERCENT),
    IndicatorSpec(11, "age_at_diagnosis", _l("Median age at diagnosis"),
                  _l("The age in months on the day the referral that gave the diagnosis was "
                     "attended (exact median)."),
                  _l("Diagnosed positives of children under 12."), _COHORT, _l("months"),
                  limits=_l("No diagnosis date is recorded: the attendance date stands for it. "
                            "A median of fewer than 5 values is not shown.")),
    IndicatorSpec(12, "adult_cascade", _l("Adolescent and adult cascade by instrument"),
                  _l("Of persons 12 and over: screened, screen-positive, positives referred, "
                     "positives whose referral was attended."),
                  _l("Each step divides by the one before it (positive by screened, referred "
                     "and assessed by positive)."),
                  _l("Screenings and positives dated within the period, followed to today."),
                  _PERCENT,
                  limits=_l("Referrals are not tied to an instrument.")),
    IndicatorSpec(13, "safety", _l("Safety flags actioned within 24 hours"),
                  _l("Safety contacts done within 24 hours of being opened."),
                  _l("Safety contacts opened (not cancelled)."),
                  _l("Safety contacts opened within the period."), _PERCENT),
    IndicatorSpec(14, "overdue", _l("Overdue actions and referrals"),
                  _l("Open actions past their due date today: referral work (a referral to "
                     "make, a referral not heard back from) and the rest."),
                  _l("None (a count)."),
                  _l("A snapshot of today, whatever the period."), _COUNT,
                  limits=_l("Not split by sex or age; persons locked or merged are left out."),
                  filters_apply=False),
    IndicatorSpec(15, "reporting", _l("Reporting completeness, timeliness and active "
                                      "collaborators"),
                  _l("Months with at least one submission; submissions received within 7 days "
                     "of the interview; devices (collaborators) that sent at least one "
                     "submission in the period's last month so far."),
                  _l("The months of the period so far; all submissions received."),
                  _l("Submissions received within the period."), _PERCENT,
                  limits=_l("Collaborators are counted as devices. Not split by sex or age."),
                  filters_apply=False),
)

BY_KEY: dict[str, IndicatorSpec] = {spec.key: spec for spec in SPECS}
