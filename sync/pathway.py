"""The care pathway: what each screening result opens, as data a clinical lead can read.

A result opens the work its rows below call for (one action per matching row) and closes none,
except the pathway's own two: a new screening of the family does an open ``rescreen``, an
M-CHAT-R/F Follow-Up does the ``followup_interview``. The server keeps every other action open
until a person closes it (``server/services/cases/actions.py``). Sources: ``pathway.md`` (and ``instruments.md`` for the
bands). Days marked (programme) are programme settings (:class:`Periods`, ``SANGLOC_*_DAYS``):
no source sets a number of days, a clinical lead chooses them.

Table ``pathway@1`` (the same rows under both threshold tables, except where "table" says)::

  rule                    instrument(s)       when                              action              due                      risk
  ----------------------  ------------------  --------------------------------  ------------------  -----------------------  ------
  safety                  every instrument    a self-harm item is positive      safety_contact      same day, URGENT         urgent
                                              (PHQ-9/PHQ-A q09 >= 1, PHQ-A q11
                                              or q12 yes, SRQ-20 q17 yes,
                                              EPDS q10 >= 1), even unscorable
  mchat.referral          M-CHAT-R, R/F       High (8-20), or Follow-Up >= 2    referral            referral_days (14)       high
                                              items still fail
  mchat.followup          M-CHAT-R, R/F       Medium (3-7), no Follow-Up yet    followup_interview  interview_days (30)      medium
  mchat.rescreen          M-CHAT-R, R/F       Low, or Follow-Up negative,       rescreen            the day the child        low
                                              under 24 months                                       turns 24 months
  moh.referral            Ministry checklist  any warning sign (or loss of      referral (step 2)   referral_days (14)       high
                                              skills) at this age
  phq.mild                PHQ-9, PHQ-A        mild (5-9) and not screen-        rescreen            rescreen_days (30)       low
                                              positive under the table
  phq.moderate            PHQ-9, PHQ-A        moderate (10-14), or screen-      assessment          assessment_days (14)     medium
                                              positive under the table with a
                                              lower band (PHQ-9 >= 4 under
                                              vietnam@2)
  phq.moderately_severe   PHQ-9, PHQ-A        moderately severe (15-19)         referral            referral_days (14)       high
  phq.severe              PHQ-9, PHQ-A        severe (20-27)                    referral            urgent_referral_days (7) high
  gad7.moderate           GAD-7               moderate (10-14)                  assessment          assessment_days (14)     medium
  gad7.severe             GAD-7               severe (15-21)                    referral            referral_days (14)       high
  srq20.positive          SRQ-20              screen-positive at the table's    assessment          assessment_days (14)     high
                                              cut-off (8 international, 7
                                              vietnam@2)
  epds.probable           EPDS                probable depression (>= 13)       referral            referral_days (14)       high
  epds.possible           EPDS                table international@2: possible   rescreen            epds_rescreen_days (14)  medium
                                              depression (10-12)
  epds.possible_cmd       EPDS                table vietnam@2: screen-positive  assessment          assessment_days (14)     medium
                                              (>= 4) below probable depression:
                                              possible common perinatal mental
                                              disorder (depression or anxiety)
  sdq.total               SDQ (both ages)     total difficulties abnormal       assessment          sdq_assessment_days (30) high
  sdq.subscale            SDQ 4-17            total not abnormal, a difficulty  assessment          sdq_assessment_days (30) high
                                              subscale (emotional, conduct,
                                              hyperactivity, peer) abnormal
                                              and impact abnormal (>= 2)
  review.unscorable       every instrument    the form cannot be scored, or     review              review_days (3)          medium
                                              has no total (too many items
                                              missing); safety rows still apply
  review.device_score     every instrument    the device's total differs from   review              review_days (3)          medium
                                              the server's
  review.interview_date   every instrument    the interview date the form gave  review              review_days (3)          medium
                                              could not be right (after receipt,
                                              or too long before it): dated the
                                              day of receipt (sync/interview.py)

A result's risk is the highest risk of its rows, at most ``high``; a result no row matches is
``low`` (``none`` when it has no band and no row applies). ``urgent`` is the risk
of an open urgent action (a safety contact): it ends when a person has made the contact, while
the self-harm answer keeps the result itself ``high``. Sources per row: :data:`SOURCES`.
This module must not read the database, choose a wording (``sync.messages``) or rescore.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, timedelta

from sync.scoring import ScreeningOutcome, completed_months, date_of_age

#: action kinds; the last three are never opened by a result: ``referral_followup`` by a
#: recorded referral (a referral nobody has heard back from becomes overdue work),
#: ``needs_info`` by a supervisor sending a case back to a collaborator, ``intake`` by a call or
#: walk-in taken without a screening
KINDS: tuple[str, ...] = ("safety_contact", "referral", "assessment", "followup_interview",
                          "rescreen", "review", "referral_followup", "needs_info", "intake")
RISK_ORDER: tuple[str, ...] = ("none", "low", "medium", "high", "urgent")
RESCREEN_AGE_MONTHS = 24
SELF_HARM = "self_harm_item_positive"
MCHAT = ("mchat_r", "mchat_rf")
PHQ = ("phq9", "phqa")
SDQ = ("sdq_p4_17", "sdq_p2_4")
EVERY = "*"
#: instruments that answer each other's rescreen (the R/F form repeats the initial screen)
FAMILIES: dict[str, str] = {"mchat_r": "mchat", "mchat_rf": "mchat"}
SDQ_DIFFICULTIES = ("emotional", "conduct", "hyperactivity", "peer")


@dataclass(frozen=True)
class Periods:
    """Programme settings: days from the screening to each kind of due date."""

    referral_days: int = 14
    urgent_referral_days: int = 7
    assessment_days: int = 14
    sdq_assessment_days: int = 30
    interview_days: int = 30
    rescreen_days: int = 30
    epds_rescreen_days: int = 14
    review_days: int = 3
    referral_followup_days: int = 30  # a recorded referral not heard back from: overdue after
    needs_info_days: int = 7  # a case sent back to a collaborator for more information

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"Periods.{item.name} must be a whole number of days >= 0")


@dataclass(frozen=True)
class Planned:
    """One action a result calls for; ``rule`` makes it unique per screening."""

    rule: str
    kind: str
    reason: str
    instrument_id: str
    due: date
    urgent: bool
    risk: str


@dataclass(frozen=True)
class Facts:
    """What a row's test may look at: the result, the screening date, the age, the table."""

    outcome: ScreeningOutcome
    on: date
    dob: date | None
    table: str
    date_refused: str | None = None  # the interview-date source that was refused

    def value(self, key: str):
        return None if self.outcome.result is None else self.outcome.result.get(key)

    @property
    def under_24_months(self) -> bool:
        return self.dob is not None and self.dob <= self.on and \
            completed_months(self.dob, self.on) < RESCREEN_AGE_MONTHS


#: a test returns the reason (a flag id or ``<instrument>:<band>``) when the row applies
Test = Callable[[Facts], str | None]


def flag(*ids: str) -> Test:
    def test(facts: Facts) -> str | None:
        return next((f for f in ids if f in facts.outcome.flags), None)
    return test


def band(*bands: str) -> Test:
    def test(facts: Facts) -> str | None:
        found = facts.outcome.band
        return f"{facts.outcome.instrument_id}:{found}" if found in bands else None
    return test


def _positive(facts: Facts) -> str | None:
    if facts.value("screen_positive") is True:
        return f"{facts.outcome.instrument_id}:screen_positive"
    return None


def _rescreen_24m(facts: Facts) -> str | None:
    negative = facts.outcome.band == "low" or facts.value("result") == "screen_negative"
    if negative and facts.under_24_months:
        return f"{facts.outcome.instrument_id}:negative_under_{RESCREEN_AGE_MONTHS}m"
    return None


def _sdq_subscale(facts: Facts) -> str | None:
    if facts.outcome.band == "abnormal" or facts.value("impact_band") != "abnormal":
        return None
    bands = facts.value("subscale_bands") or {}
    found = next((s for s in SDQ_DIFFICULTIES if bands.get(s) == "abnormal"), None)
    return None if found is None else f"{facts.outcome.instrument_id}:{found}_with_impact"


def _unscorable(facts: Facts) -> str | None:
    """An error, or a result without a total (too many items missing to prorate)."""
    if facts.outcome.error is not None:
        return f"unscorable:{facts.outcome.error.get('code')}"
    return "unscorable:incomplete" if facts.outcome.total is None else None


def _device_disagrees(facts: Facts) -> str | None:
    return "device_score_differs" if facts.outcome.device_disagrees else None


def _date_refused(facts: Facts) -> str | None:
    return None if facts.date_refused is None else f"interview_date:{facts.date_refused}"


def _epds_cmd(facts: Facts) -> str | None:
    return _positive(facts) if facts.outcome.band != "probable_depression" else None


def _phq_mild(facts: Facts) -> str | None:
    return None if _positive(facts) else band("mild")(facts)


def _phq_moderate(facts: Facts) -> str | None:
    return band("moderate")(facts) or \
        (_positive(facts) if facts.outcome.band in ("none_minimal", "mild") else None)


@dataclass(frozen=True)
class Row:
    rule: str
    instruments: tuple[str, ...] | str
    test: Test
    kind: str
    due: str  # a Periods field, "same_day" or "24_months"
    risk: str
    urgent: bool = False
    tables: tuple[str, ...] = ("international", "vietnam")

    def applies(self, facts: Facts) -> str | None:
        if self.instruments != EVERY and facts.outcome.instrument_id not in self.instruments:
            return None
        return self.test(facts) if facts.table in self.tables else None


ROWS: tuple[Row, ...] = (
    Row("safety", EVERY, flag(SELF_HARM), "safety_contact", "same_day", "urgent", urgent=True),
    Row("mchat.referral", MCHAT, flag("refer_immediately", "refer_for_evaluation"), "referral",
        "referral_days", "high"),
    Row("mchat.followup", MCHAT, flag("followup_interview_required"), "followup_interview",
        "interview_days", "medium"),
    Row("mchat.rescreen", MCHAT, _rescreen_24m, "rescreen", "24_months", "low"),
    Row("moh.referral", ("moh_asd_signs",), flag("moh_warning_sign"), "referral",
        "referral_days", "high"),
    Row("phq.mild", PHQ, _phq_mild, "rescreen", "rescreen_days", "low"),
    Row("phq.moderate", PHQ, _phq_moderate, "assessment", "assessment_days", "medium"),
    Row("phq.moderately_severe", PHQ, band("moderately_severe"), "referral", "referral_days",
        "high"),
    Row("phq.severe", PHQ, band("severe"), "referral", "urgent_referral_days", "high"),
    Row("gad7.moderate", ("gad7",), band("moderate"), "assessment", "assessment_days", "medium"),
    Row("gad7.severe", ("gad7",), band("severe"), "referral", "referral_days", "high"),
    Row("srq20.positive", ("srq20",), _positive, "assessment", "assessment_days", "high"),
    Row("epds.probable", ("epds",), band("probable_depression"), "referral", "referral_days",
        "high"),
    Row("epds.possible", ("epds",), band("possible_depression"), "rescreen",
        "epds_rescreen_days", "medium", tables=("international",)),
    Row("epds.possible_cmd", ("epds",), _epds_cmd, "assessment", "assessment_days", "medium",
        tables=("vietnam",)),
    Row("sdq.total", SDQ, band("abnormal"), "assessment", "sdq_assessment_days", "high"),
    Row("sdq.subscale", ("sdq_p4_17",), _sdq_subscale, "assessment", "sdq_assessment_days",
        "high"),
    Row("review.unscorable", EVERY, _unscorable, "review", "review_days", "medium"),
    Row("review.device_score", EVERY, _device_disagrees, "review", "review_days", "medium"),
    Row("review.interview_date", EVERY, _date_refused, "review", "review_days", "medium"),
)

#: rule -> its source (pathway.md rows; instruments.md for bands and flags)
SOURCES: dict[str, str] = {
    "safety": "mhGAP: assess self-harm the same day; instruments.md §11.3 (a flag starts the "
              "safety pathway even when the total is low or cannot be computed)",
    "mchat.referral": "mchatscreen.com scoring: High 'refer immediately'; Follow-Up >= 2 'refer "
                      "for diagnostic evaluation' (Robins et al. 2014)",
    "mchat.followup": "mchatscreen.com scoring: Medium, give the Follow-Up for failed items",
    "mchat.rescreen": "mchatscreen.com scoring: under 24 months, screen again after the 2nd "
                      "birthday",
    "moh.referral": "QĐ 2254/QĐ-BYT step 1: any warning sign -> step 2",
    "phq.mild": "PHQ instruction manual: mild, watchful waiting, repeat at follow-up",
    "phq.moderate": "PHQ instruction manual: moderate, a treatment plan; vietnam@2 cut-off 4",
    "phq.moderately_severe": "PHQ instruction manual: active treatment",
    "phq.severe": "PHQ instruction manual: expedited referral to a mental-health specialist",
    "gad7.moderate": "Spitzer et al. 2006: >= 10 further evaluation",
    "gad7.severe": "Spitzer et al. 2006: >= 15 severe",
    "srq20.positive": "WHO 1994 SRQ user's guide: a screen, clinical assessment follows",
    "epds.probable": "Cox, Holden & Sagovsky 1987: >= 13 probable depression",
    "epds.possible": "Cox et al. 1987: 10-12 possible depression, repeat in 2-4 weeks",
    "epds.possible_cmd": "Tran et al. 2011: EPDS-V >= 4, possible common perinatal mental "
                         "disorder (an assessment, not a diagnosis)",
    "sdq.total": "sdqinfo.org: total difficulties abnormal",
    "sdq.subscale": "sdqinfo.org predictive algorithm: a high subscale with impact",
    "review.unscorable": "pathway.md: unscorable forms are reviewed by a supervisor",
    "review.device_score": "instruments.md §11.1: the server's score stands; a disagreement is "
                           "reviewed",
    "review.interview_date": "pathway.md: age and dates are those of the interview; a date "
                             "that cannot be right is checked by a person",
}


def plan(outcome: ScreeningOutcome, *, on: date, dob: date | None, table: str = "international",
         periods: Periods = Periods(), date_refused: str | None = None) -> list[Planned]:
    """Every action ``outcome`` (screened ``on``) calls for under threshold table ``table``:
    urgent first, then by due date. ``date_refused``: the interview date the form gave was
    refused (``sync.interview``)."""
    facts = Facts(outcome, on, dob, table, date_refused)
    found = []
    for row in ROWS:
        reason = row.applies(facts)
        if reason is not None:
            found.append(Planned(row.rule, row.kind, reason, outcome.instrument_id,
                                 _due(row.due, facts, periods), row.urgent, row.risk))
    return sort_planned(found)


def risk_of(outcome: ScreeningOutcome, *, on: date, dob: date | None,
            table: str = "international", date_refused: str | None = None) -> str:
    """The risk of one result: the highest risk of its rows (module docstring)."""
    risks = [min(p.risk, "high", key=RISK_ORDER.index)
             for p in plan(outcome, on=on, dob=dob, table=table, date_refused=date_refused)]
    floor = "none" if outcome.band is None else "low"
    return max([*risks, floor], key=RISK_ORDER.index)


def sort_planned(actions: list[Planned]) -> list[Planned]:
    return sorted(actions, key=lambda a: (not a.urgent, a.due, KINDS.index(a.kind), a.rule))


def family(instrument_id: str) -> str:
    return FAMILIES.get(instrument_id, instrument_id)


def _due(rule_due: str, facts: Facts, periods: Periods) -> date:
    if rule_due == "same_day":
        return facts.on
    if rule_due == "24_months":
        return date_of_age(facts.dob, RESCREEN_AGE_MONTHS)
    return facts.on + timedelta(days=getattr(periods, rule_due))
