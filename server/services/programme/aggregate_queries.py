"""Counting one commune and year of records into aggregate cells (``measures.py``).

``tally(commune, year)`` runs a handful of grouped queries over the commune's current
records of that year and returns the cells, ready to be written by ``aggregates.recompute``.
Each query groups in the database (by month, instrument, sex and age band, or by day where a
whole number of days is measured) and the few group rows are folded here; nothing is read row
by row. Grouping happens in an outer query over labelled columns, because PostgreSQL refuses a
GROUP BY of a CASE whose bound values are numbered apart from the SELECT's. Each statement
is built once per year, with the commune as a bound value, so a recompute only executes
them. Reads only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import (
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from server.extensions import db
from server.models import CaseAction, Person, Referral, Screening, Submission
from server.services.programme import measures
from server.services.programme.aggregate_terms import (
    band_case,
    band_on,
    completed_months,
    month_of_day,
    month_of_moment,
    month_start,
    sex_case,
    shifted,
    within_days,
    within_moments,
)

#: action kinds whose opening makes a screening positive (measures.py)
POSITIVE_KINDS = ("referral", "assessment")
MCHAT_INSTRUMENTS = ("mchat_r", "mchat_rf")
#: (measure, month, instrument, sex, age_band) and the same with the amount of a value measure
Cell = tuple[str, date, str, str, str]
ValueCell = tuple[str, date, str, str, str, int]
COMMUNE = bindparam("commune", type_=String)


@dataclass
class Tally:
    counts: Counter[Cell] = field(default_factory=Counter)
    values: Counter[ValueCell] = field(default_factory=Counter)


def tally(commune: str, year: int) -> Tally:
    """Every cell of ``commune`` in the months of ``year``."""
    found = Tally()
    for count in (_screenings, _first_screenings, _cascade, _referrals, _safety, _submissions):
        count(found, {"commune": commune}, year)
    return found


def _in_commune():
    """The persons whose records count in the commune: current, not merged, not withdrawn."""
    return and_(Person.commune_code == COMMUNE, Person.merged_into_id.is_(None),
                Person.locked_at.is_(None))


def _current(columns: list, year: int) -> Select:
    """``columns`` of the current screenings of the commune dated in ``year``."""
    return (select(*columns).select_from(Screening)
            .join(Person, Person.id == Screening.person_id)
            .where(_in_commune(), Screening.superseded_by_id.is_(None),
                   within_days(Screening.screened_on, year)))


def _terms(year: int) -> list:
    return [month_of_day(Screening.screened_on, year).label("month"),
            sex_case(Person.sex).label("sex"),
            band_case(Screening.age_months, Screening.age_years).label("band")]


def _work(year: int):
    """Per current screening: whether any of its versions (an edit keeps the work a person
    closed on the version before) opened positive or Follow-Up work that was not cancelled.

    The work of earlier versions is found from the few superseded screenings of the
    commune's persons, each followed up its chain of edits by primary key to the versions
    that replaced it (the one among them that is current is the one that counts)."""
    chain = (select(Screening.id.label("version"), Screening.superseded_by_id.label("newer"))
             .join(Person, Person.id == Screening.person_id)
             .where(_in_commune(), Screening.superseded_by_id.is_not(None))
             .cte("chain", recursive=True))
    newer = aliased(Screening)
    chain = chain.union_all(select(chain.c.version, newer.superseded_by_id).where(
        newer.id == chain.c.newer, newer.superseded_by_id.is_not(None)))
    own = _current([Screening.id.label("current"), CaseAction.kind.label("kind"),
                    CaseAction.state.label("state")], year) \
        .join(CaseAction, CaseAction.screening_id == Screening.id)
    earlier = select(chain.c.newer.label("current"), CaseAction.kind.label("kind"),
                     CaseAction.state.label("state")) \
        .join(CaseAction, CaseAction.screening_id == chain.c.version)
    work = union_all(own, earlier).subquery("versions")
    kept = work.c.state != "cancelled"
    followup = work.c.kind == "followup_interview"

    def flag(test):
        return func.max(case((test, 1), else_=0))

    return (select(work.c.current,
                   flag(and_(work.c.kind.in_(POSITIVE_KINDS), kept)).label("positive"),
                   flag(and_(followup, kept)).label("needed"),
                   flag(and_(followup, work.c.state == "done")).label("done"))
            .group_by(work.c.current).subquery("work"))


@lru_cache(maxsize=8)
def _screenings_query(year: int) -> Select:
    work = _work(year)
    inner = _current([*_terms(year), Screening.instrument.label("instrument"),
                      func.coalesce(work.c.positive, 0).label("positive"),
                      func.coalesce(work.c.needed, 0).label("needed"),
                      func.coalesce(work.c.done, 0).label("done")], year) \
        .outerjoin(work, work.c.current == Screening.id).subquery()
    keys = (inner.c.month, inner.c.instrument, inner.c.sex, inner.c.band)
    return select(*keys, func.count(), func.sum(inner.c.positive), func.sum(inner.c.needed),
                  func.sum(inner.c.done)).group_by(*keys)


def _screenings(found: Tally, params: dict, year: int) -> None:
    rows = db.session.execute(_screenings_query(year), params)
    for month, instrument, sex, band, screened, positive, needed, done in rows:
        for measure, n in (("screened", screened), ("positive", positive),
                           ("followup_needed", needed), ("followup_done", done)):
            if n:
                found.counts[(measure, month, instrument, sex, band)] += int(n)


@lru_cache(maxsize=16)
def _first_of_year(year: int, instruments: tuple[str, ...] | None) -> Select:
    """Month, sex and band of each person's first current screening of the year (of
    ``instruments`` when given), grouped with their count."""
    rank = func.row_number().over(partition_by=Screening.person_id,
                                  order_by=(Screening.screened_on, Screening.id))
    query = _current([*_terms(year), rank.label("rank")], year)
    if instruments is not None:
        query = query.where(Screening.instrument.in_(instruments))
    inner = query.subquery()
    keys = (inner.c.month, inner.c.sex, inner.c.band)
    return select(*keys, func.count()).where(inner.c.rank == 1).group_by(*keys)


def _first_screenings(found: Tally, params: dict, year: int) -> None:
    for month, sex, band, n in db.session.execute(_first_of_year(year, None), params):
        found.counts[("person_screened", month, "", sex, band)] += n
        if band in measures.CHILD_BANDS:
            found.counts[("child_screened", month, "", sex, band)] += n
    # an mchat_rf form repeats the initial screen, so it is an M-CHAT-R screening too
    for month, sex, band, n in db.session.execute(_first_of_year(year, MCHAT_INSTRUMENTS),
                                                  params):
        if band == "16_30m":
            found.counts[("mchat_screened", month, "mchat_r", sex, band)] += n


def _cascade(found: Tally, params: dict, year: int) -> None:
    for row in db.session.execute(_cascade_query(year), params):
        _fold_positive(found, row)


@lru_cache(maxsize=8)
def _cascade_query(year: int) -> Select:
    """Each positive of the year, with what its person's referrals made on or after it say."""
    work = _work(year)
    ref = aliased(Referral)
    after = and_(ref.person_id == Screening.person_id, ref.made_on >= Screening.screened_on)
    attended = and_(after, ref.attended.is_(True))
    diagnosed = and_(after, ref.result == "diagnosed")

    def first(column, test):
        return select(func.min(column)).where(test).scalar_subquery()

    def has(test):
        return case((exists().where(test), 1), else_=0)

    inner = _current([Screening.screened_on.label("day"), Screening.instrument.label("instr"),
                      *_terms(year)[1:], Person.dob.label("dob"),
                      first(ref.made_on, after).label("referred_on"),
                      first(ref.attended_on, attended).label("assessed_on"),
                      first(ref.attended_on, diagnosed).label("diagnosed_on"),
                      has(attended).label("assessed"), has(diagnosed).label("diagnosed"),
                      has(and_(diagnosed, ref.intervention_started.is_(True)))
                      .label("intervention")], year) \
        .join(work, work.c.current == Screening.id).where(work.c.positive == 1).subquery()
    keys = list(inner.c)
    return select(*keys, func.count()).group_by(*keys)


def _fold_positive(found: Tally, row) -> None:
    day, instrument, sex, band, dob, referred_on, assessed_on, diagnosed_on = row[:8]
    assessed, diagnosed, intervention, n = row[8:]
    cell = (month_start(day), instrument, sex, band)
    for measure, yes in (("positive_referred", referred_on is not None),
                         ("positive_assessed", assessed), ("positive_diagnosed", diagnosed),
                         ("positive_intervention", intervention)):
        if yes:
            found.counts[(measure, *cell)] += n
    dx_age = None if diagnosed_on is None or dob is None else completed_months(dob, diagnosed_on)
    for measure, amount in (("days_to_referral", _days(day, referred_on)),
                            ("days_to_assessment", _days(day, assessed_on)),
                            ("age_at_diagnosis", dx_age)):
        if amount is not None:
            found.values[(measure, *cell, amount)] += n


def _days(day: date, later: date | None) -> int | None:
    return None if later is None else (later - day).days


def _referrals(found: Tally, params: dict, year: int) -> None:
    """Referrals made in the year; sex and age band (from the birth date, on the day it was
    made) of the person."""
    for made_on, attended, attended_on, sex, dob, n in db.session.execute(
            _referrals_query(year), params):
        cell = (month_start(made_on), "", sex, band_on(dob, made_on))
        found.counts[("referral_made", *cell)] += n
        if attended and attended_on is not None and \
                (attended_on - made_on).days <= measures.REFERRAL_COMPLETION_DAYS:
            found.counts[("referral_attended_90", *cell)] += n


@lru_cache(maxsize=8)
def _referrals_query(year: int) -> Select:
    inner = (select(Referral.made_on.label("made_on"),
                    case((Referral.attended.is_(True), 1), else_=0).label("attended"),
                    Referral.attended_on.label("attended_on"), sex_case(Person.sex).label("sex"),
                    Person.dob.label("dob"))
             .join(Person, Person.id == Referral.person_id)
             .where(_in_commune(), within_days(Referral.made_on, year)).subquery())
    keys = list(inner.c)
    return select(*keys, func.count()).group_by(*keys)


def _safety(found: Tally, params: dict, year: int) -> None:
    """Safety contacts opened in the year (not cancelled); band at the screening that opened
    them (``unknown`` for one opened by a call)."""
    for month, instrument, sex, band, n, in_time in db.session.execute(
            _safety_query(year), params):
        found.counts[("safety_opened", month, instrument, sex, band)] += n
        if in_time:
            found.counts[("safety_24h", month, instrument, sex, band)] += int(in_time)


@lru_cache(maxsize=8)
def _safety_query(year: int) -> Select:
    done = and_(CaseAction.state == "done",
                CaseAction.closed_at <= shifted(CaseAction.opened_at, hours=24))
    inner = (select(month_of_moment(CaseAction.opened_at, year).label("month"),
                    CaseAction.instrument.label("instrument"), sex_case(Person.sex).label("sex"),
                    band_case(Screening.age_months, Screening.age_years).label("band"),
                    case((done, 1), else_=0).label("in_time"))
             .select_from(CaseAction).join(Person, Person.id == CaseAction.person_id)
             .outerjoin(Screening, Screening.id == CaseAction.screening_id)
             .where(_in_commune(), CaseAction.kind == "safety_contact",
                    CaseAction.state != "cancelled", within_moments(CaseAction.opened_at, year))
             .subquery())
    keys = (inner.c.month, inner.c.instrument, inner.c.sex, inner.c.band)
    return select(*keys, func.count(), func.sum(inner.c.in_time)).group_by(*keys)


def _submissions(found: Tally, params: dict, year: int) -> None:
    """Submissions sent for the commune in the year, per month and sender; timely when
    received (Vietnam date) at most ``TIMELY_DAYS`` after its screening's interview date."""
    for month, app_user, user, n, timely_n in db.session.execute(
            _submissions_query(year), params):
        found.counts[("submissions", month, "", "", "")] += n
        if timely_n:
            found.counts[("submissions_timely", month, "", "", "")] += int(timely_n)
        if app_user or user:
            found.counts[("active_devices", month, "", "", "")] += 1


@lru_cache(maxsize=8)
def _submissions_query(year: int) -> Select:
    timely = Submission.received_at < shifted(Screening.screened_on,
                                              days=measures.TIMELY_DAYS + 1, hours=-7)
    inner = (select(month_of_moment(Submission.received_at, year).label("month"),
                    func.coalesce(Submission.app_user_id, literal(0)).label("app_user"),
                    func.coalesce(Submission.user_id, literal(0)).label("user"),
                    case((timely, 1), else_=0).label("timely"))
             .select_from(Submission)
             .outerjoin(Screening, Screening.submission_id == Submission.id)
             .where(Submission.commune_code == COMMUNE, Submission.deleted_at.is_(None),
                    within_moments(Submission.received_at, year)).subquery())
    keys = (inner.c.month, inner.c.app_user, inner.c.user)
    return select(*keys, func.count(), func.sum(inner.c.timely)).group_by(*keys)
