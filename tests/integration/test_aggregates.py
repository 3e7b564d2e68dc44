"""Issue 12, dashboard aggregates kept up to date (``services/programme/aggregates.py``), on
SQLite and PostgreSQL, with records made through the real services (Collect submissions,
referrals, actions, person merges).

Interview dates come from the forms' ``start`` (the programme's limit on an interview's age is
raised so that 2025 dates are trusted). Worked by hand (``measures.py``):

- Child "Bé An", male, born 2023-06-10: M-CHAT-R with 8 items at risk on 2025-03-10 (21
  completed months: band 16_30m; 8-20 is high risk, rule ``mchat.referral`` opens a referral:
  positive), again on 2025-04-15 with none at risk (22 months, low: a rescreen, not positive).
- "Chị Hoa", female, born 1990-05-17: PHQ-9 items 1-7 at 3 on 2025-03-20 (total 21, severe,
  rule ``phq.severe``: a referral, positive; 34 years: band 18y).
- "Anh Nam", male, born 1990-05-17: PHQ-9 all 0 on 2025-03-22 (minimal, nothing opened).

So in Phường Ba Đình (00004), 2025: screened March mchat_r/male/16_30m 1, April mchat_r 1,
March phq9/female/18y 1, March phq9/male/18y 1; positive March mchat_r 1 and phq9/female 1;
person_screened in March: male/16_30m 1, female/18y 1, male/18y 1 (Bé An counts once, in
March, his first screening of the year); child_screened March male/16_30m 1; mchat_screened
March mchat_r/male/16_30m 1. The four submissions were received today, more than 7 days
after their interviews: submissions 4, submissions_timely 0, active_devices 1 this month.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Date, Integer, String, delete, literal, select

from server import programme
from server.boundary import transaction
from server.extensions import db
from server.jobs import bodies
from server.models import (
    AggregateCount,
    AggregateDirty,
    AggregateValue,
    Person,
    RegistrationConflict,
    User,
)
from server.models.types import UTCDateTime
from server.programme import today
from server.services.access import users
from server.services.access.scope import scope_of
from server.services.audit import SYSTEM, Actor
from server.services.cases import actions, persons, reads, referrals
from server.services.programme import aggregates
from server.services.programme.aggregate_terms import (
    age_band,
    band_case,
    month_of_moment,
    sex_case,
    sex_of,
    shifted,
)
from tests.support.instances import levels, mchat_answers, screening_instance

BA_DINH, NGOC_HA = "00004", "00008"
ADULT = date(1990, 5, 17)
CHILD = date(2023, 6, 10)
SEVERE = levels(9, q01=3, q02=3, q03=3, q04=3, q05=3, q06=3, q07=3)
MARCH, APRIL = date(2025, 3, 1), date(2025, 4, 1)


@pytest.fixture
def setup(app, all_forms, make_device):
    """Old interview dates trusted; a device in Ba Đình; a Hà Nội coordinator."""
    app.config["SANGLOC_INTERVIEW_MAX_AGE_DAYS"] = 3650
    with transaction():
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"])
    return make_device("ctv-bd", BA_DINH)


def submit(device, form_id: str, answers: dict, on: date | None, *, name: str,
           dob: date = ADULT, sex: str = "male", commune: str = BA_DINH,
           person: str = "new", **more) -> str:
    """Send one form from ``device`` (interview on ``on``; None: today); its instance id."""
    instance_id = more.pop("instance_id", None) or f"uuid:{name}-{on}-{form_id}-{person}"
    start = None if on is None else f"{on.isoformat()}T09:00:00.000+07:00"
    xml = screening_instance(form_id, answers, dob=dob, name=name, sex=sex, commune=commune,
                             person_id=person, start=start, instance_id=instance_id, **more)
    answer = device.collect.submit(xml)
    assert answer.status_code == 201, answer.text
    return instance_id


def person_named(name: str) -> Person:
    return db.session.scalar(select(Person).where(Person.full_name == name))


def refresh() -> None:
    with transaction():
        aggregates.refresh()


def counts(commune: str = BA_DINH, measure: str | None = None) -> dict[tuple, int]:
    """(measure, month, instrument, sex, age_band) -> value of a commune's count cells."""
    query = select(AggregateCount).where(AggregateCount.commune_code == commune)
    if measure is not None:
        query = query.where(AggregateCount.measure == measure)
    return {(c.measure, c.month, c.instrument, c.sex, c.age_band): c.value
            for c in db.session.scalars(query)}


def values(commune: str = BA_DINH) -> dict[tuple, int]:
    return {(v.measure, v.month, v.instrument, v.sex, v.age_band, v.amount): v.value
            for v in db.session.scalars(select(AggregateValue)
                                        .where(AggregateValue.commune_code == commune))}


def snapshot() -> tuple[set, set]:
    """Every cell of both tables, without ids."""
    return ({(c.province_code, c.commune_code, c.month, c.measure, c.instrument, c.sex,
              c.age_band, c.value) for c in db.session.scalars(select(AggregateCount))},
            {(v.province_code, v.commune_code, v.month, v.measure, v.instrument, v.sex,
              v.age_band, v.amount, v.value) for v in db.session.scalars(select(AggregateValue))})


def seed_screenings(device) -> None:
    """The screenings of the module docstring."""
    submit(device, "mchat_r", mchat_answers(8), date(2025, 3, 10), name="Bé An", dob=CHILD)
    submit(device, "mchat_r", mchat_answers(0), date(2025, 4, 15), name="Bé An", dob=CHILD,
           person=person_named("Bé An").id)
    submit(device, "phq9", SEVERE, date(2025, 3, 20), name="Chị Hoa", sex="female")
    submit(device, "phq9", levels(9), date(2025, 3, 22), name="Anh Nam")


def test_screened_and_positive_per_instrument_month_sex_and_band(setup):
    seed_screenings(setup)
    refresh()
    cells = counts()
    assert {k: v for k, v in cells.items() if k[0] == "screened"} == {
        ("screened", MARCH, "mchat_r", "male", "16_30m"): 1,
        ("screened", APRIL, "mchat_r", "male", "16_30m"): 1,
        ("screened", MARCH, "phq9", "female", "18y"): 1,
        ("screened", MARCH, "phq9", "male", "18y"): 1}
    assert counts(measure="positive") == {
        ("positive", MARCH, "mchat_r", "male", "16_30m"): 1,
        ("positive", MARCH, "phq9", "female", "18y"): 1}
    assert counts(measure="person_screened") == {
        ("person_screened", MARCH, "", "male", "16_30m"): 1,
        ("person_screened", MARCH, "", "female", "18y"): 1,
        ("person_screened", MARCH, "", "male", "18y"): 1}
    assert counts(measure="child_screened") == {
        ("child_screened", MARCH, "", "male", "16_30m"): 1}
    assert counts(measure="mchat_screened") == {
        ("mchat_screened", MARCH, "mchat_r", "male", "16_30m"): 1}
    this_month = today().replace(day=1)
    assert counts(measure="submissions") == {("submissions", this_month, "", "", ""): 4}
    assert counts(measure="submissions_timely") == {}
    assert counts(measure="active_devices") == {("active_devices", this_month, "", "", ""): 1}
    assert {k[0] for k in cells} == {"screened", "positive", "person_screened",
                                     "child_screened", "mchat_screened", "submissions",
                                     "active_devices"}
    assert db.session.scalar(select(AggregateCount.province_code).limit(1)) == "01"
    assert db.session.scalars(select(AggregateDirty)).all() == []


def test_an_edit_moves_a_screening_to_its_new_date_even_across_years(setup):
    """An adult screened on 2024-12-30 (PHQ-9 all 0); the form is edited to 2025-01-05: the
    2024 cells are gone (the old version's year is recomputed too), 2025 January has it."""
    first = submit(setup, "phq9", levels(9), date(2024, 12, 30), name="Anh Nam")
    refresh()
    assert counts(measure="screened") == {
        ("screened", date(2024, 12, 1), "phq9", "male", "18y"): 1}
    submit(setup, "phq9", levels(9), date(2025, 1, 5), name="Anh Nam",
           person=person_named("Anh Nam").id, instance_id="uuid:edit-1", deprecated_id=first)
    refresh()
    assert counts(measure="screened") == {("screened", date(2025, 1, 1), "phq9", "male",
                                           "18y"): 1}
    assert counts(measure="person_screened") == {
        ("person_screened", date(2025, 1, 1), "", "male", "18y"): 1}


def test_a_person_merge_moves_counts_to_the_kept_persons_commune(setup, make_device):
    """"Anh Nam" of Ba Đình and "Nguyễn Nam" of Ngọc Hà (00008), both PHQ-9 all 0, on
    2025-03-10 and 2025-03-12, are found to be one person and merged into Ba Đình's record:
    Ngọc Hà keeps no person-level cell; Ba Đình has 2 screenings and 1 person screened (on
    the 10th, his first of the year). Submissions stay with the device's commune."""
    ngoc_ha = make_device("ctv-nh", NGOC_HA)
    submit(setup, "phq9", levels(9), date(2025, 3, 10), name="Anh Nam")
    submit(ngoc_ha, "phq9", levels(9), date(2025, 3, 12), name="Nguyễn Nam", commune=NGOC_HA)
    refresh()
    assert counts(NGOC_HA, "screened") == {("screened", MARCH, "phq9", "male", "18y"): 1}
    with transaction():
        persons.merge_persons(SYSTEM, person_named("Anh Nam").id, person_named("Nguyễn Nam").id)
    refresh()
    assert {k[0] for k in counts(NGOC_HA)} == {"submissions", "active_devices"}
    assert counts(measure="screened") == {("screened", MARCH, "phq9", "male", "18y"): 2}
    assert counts(measure="person_screened") == {
        ("person_screened", MARCH, "", "male", "18y"): 1}


def test_a_registration_correction_moves_the_counts_to_the_new_commune(setup):
    """Anh Nam, registered in Ba Đình, is screened again on 2025-03-25 by a form that gives
    Ngọc Hà as his commune: kept as a registration difference until a coordinator takes the
    new commune. Then both screenings (PHQ-9 all 0, 2025-03-22 and 2025-03-25) count in Ngọc
    Hà: screened 2, person_screened 1; Ba Đình keeps only its device's submissions."""
    submit(setup, "phq9", levels(9), date(2025, 3, 22), name="Anh Nam")
    person = person_named("Anh Nam")
    submit(setup, "phq9", levels(9), date(2025, 3, 25), name="Anh Nam", person=person.id,
           commune=NGOC_HA)
    refresh()
    assert counts(measure="screened") == {("screened", MARCH, "phq9", "male", "18y"): 2}
    conflict = db.session.scalar(select(RegistrationConflict.id))
    actor, scope = _coordinator()
    with transaction():
        persons.resolve_conflict(actor, scope, person_named("Anh Nam"), conflict, True)
    refresh()
    assert counts(NGOC_HA) == {("screened", MARCH, "phq9", "male", "18y"): 2,
                               ("person_screened", MARCH, "", "male", "18y"): 1}
    assert {k[0] for k in counts()} == {"submissions", "active_devices"}


def _coordinator():
    user = db.session.scalar(select(User).where(User.username == "dp-ha-noi"))
    return Actor("user", user.id), scope_of(user)


def _refer(name: str, made_on: date) -> int:
    actor, scope = _coordinator()
    with transaction():
        case = reads.case_in_scope(scope, reads.case_of(person_named(name)).id)
        action = next(a for a in case.open_actions if a.kind == "referral")
        return referrals.make(actor, scope, "coordinator", case,
                              referrals.Made("Bệnh viện Bạch Mai", made_on, answers=action.id),
                              programme.current()).id


def test_a_referral_and_its_outcome_fill_the_cascade(setup):
    """Chị Hoa (positive on 2025-03-20) is referred on 2025-03-25 (5 days), attends on
    2025-04-04 (15 days after the screening, 10 after the referral: within 90), is diagnosed
    and starts intervention. Her age on 2025-04-04: 34 years 10 completed months = 418
    months. All cascade cells land in March (the positive's month), the referral's in March
    (made_on); sex female, band 18y."""
    seed_screenings(setup)
    refresh()
    assert counts(measure="positive_referred") == {}
    referral_id = _refer("Chị Hoa", date(2025, 3, 25))
    refresh()
    cell = (MARCH, "phq9", "female", "18y")
    assert counts(measure="positive_referred") == {("positive_referred", *cell): 1}
    assert counts(measure="referral_made") == {("referral_made", MARCH, "", "female", "18y"): 1}
    assert values() == {("days_to_referral", *cell, 5): 1}
    actor, scope = _coordinator()
    with transaction():
        case = reads.case_in_scope(scope, reads.case_of(person_named("Chị Hoa")).id)
        referrals.record_outcome(actor, scope, "coordinator", case, referral_id,
                                 referrals.Outcome(attended=True, attended_on=date(2025, 4, 4),
                                                   result="diagnosed",
                                                   intervention_started=True))
    refresh()
    for measure in ("positive_referred", "positive_assessed", "positive_diagnosed",
                    "positive_intervention"):
        assert counts(measure=measure) == {(measure, *cell): 1}, measure
    assert counts(measure="referral_attended_90") == {
        ("referral_attended_90", MARCH, "", "female", "18y"): 1}
    assert values() == {("days_to_referral", *cell, 5): 1, ("days_to_assessment", *cell, 15): 1,
                        ("age_at_diagnosis", *cell, 418): 1}


def test_an_edit_keeps_the_work_closed_on_the_version_before(setup):
    """Chị Hoa's severe PHQ-9 of 2025-03-20 is referred on 2025-03-25 (the referral action is
    done on that version); then the form is edited to say the interview was on 2025-03-21.
    The edit opens no referral again (a person closed it), yet the current version is still
    positive and referred, 4 days after its interview."""
    first = submit(setup, "phq9", SEVERE, date(2025, 3, 20), name="Chị Hoa", sex="female")
    _refer("Chị Hoa", date(2025, 3, 25))
    submit(setup, "phq9", SEVERE, date(2025, 3, 21), name="Chị Hoa", sex="female",
           person=person_named("Chị Hoa").id, instance_id="uuid:edit-hoa", deprecated_id=first)
    refresh()
    cell = (MARCH, "phq9", "female", "18y")
    assert counts(measure="screened") == {("screened", *cell): 1}
    assert counts(measure="positive") == {("positive", *cell): 1}
    assert counts(measure="positive_referred") == {("positive_referred", *cell): 1}
    assert values() == {("days_to_referral", *cell, 4): 1}


def test_safety_contacts_opened_and_done_within_24_hours(setup, staff_api, client):
    """Two adults answer PHQ-9 item 9 with 2 today (total 2, minimal; rule ``safety`` opens an
    urgent safety contact): one is done at once (within 24 hours), the other cancelled
    (counts nowhere). This month, phq9/male/18y: safety_opened 1, safety_24h 1."""
    submit(setup, "phq9", levels(9, q09=2), None, name="Anh Nam")
    submit(setup, "phq9", levels(9, q09=2), None, name="Anh Ba")
    actor, scope = _coordinator()
    ids = {}
    for name in ("Anh Nam", "Anh Ba"):
        case = reads.case_of(person_named(name))
        ids[name] = next(a.id for a in case.open_actions if a.kind == "safety_contact")
    with transaction():
        actions.complete(actor, scope, "coordinator", ids["Anh Nam"], "safety_plan_made", None)
        actions.cancel(actor, scope, "coordinator", ids["Anh Ba"], "opened in error")
    refresh()
    cell = (today().replace(day=1), "phq9", "male", "18y")
    assert counts(measure="safety_opened") == {("safety_opened", *cell): 1}
    assert counts(measure="safety_24h") == {("safety_24h", *cell): 1}
    assert counts(measure="submissions_timely") == {
        ("submissions_timely", cell[0], "", "", ""): 2}


def test_a_followup_interview_needed_then_done(setup):
    """Bé An's M-CHAT-R on 2025-03-10 has 4 items at risk (3-7: medium; rule
    ``mchat.followup`` opens a Follow-Up interview, not a referral: not positive). The
    supervisor records the interview as done: followup_needed 1, then followup_done 1, in
    March, mchat_r/male/16_30m; positive stays empty."""
    submit(setup, "mchat_r", mchat_answers(4), date(2025, 3, 10), name="Bé An", dob=CHILD)
    refresh()
    cell = (MARCH, "mchat_r", "male", "16_30m")
    assert counts(measure="followup_needed") == {("followup_needed", *cell): 1}
    assert counts(measure="followup_done") == {}
    actor, scope = _coordinator()
    interview = next(a.id for a in reads.case_of(person_named("Bé An")).open_actions
                     if a.kind == "followup_interview")
    with transaction():
        actions.complete(actor, scope, "coordinator", interview, "interview_done", None)
    refresh()
    assert counts(measure="followup_done") == {("followup_done", *cell): 1}
    assert counts(measure="positive") == {}


def test_a_withdrawal_of_consent_takes_the_persons_counts_away(setup):
    """Anh Nam (PHQ-9 all 0 on 2025-03-22) withdraws consent: his screening and person counts
    go; the device's submission stays counted."""
    submit(setup, "phq9", levels(9), date(2025, 3, 22), name="Anh Nam")
    refresh()
    assert counts(measure="screened") == {("screened", MARCH, "phq9", "male", "18y"): 1}
    with transaction():
        persons.withdraw_consent(SYSTEM, person_named("Anh Nam").id, "rút lại đồng ý")
    refresh()
    assert {k[0] for k in counts()} == {"submissions", "active_devices"}


def test_rebuild_gives_exactly_the_rows_kept_incrementally(setup, make_device):
    seed_screenings(setup)
    ngoc_ha = make_device("ctv-nh", NGOC_HA)
    submit(ngoc_ha, "phq9", levels(9), date(2025, 3, 12), name="Nguyễn Nam", commune=NGOC_HA)
    submit(setup, "phq9", levels(9, q09=2), None, name="Anh Ba")
    refresh()
    referral_id = _refer("Chị Hoa", date(2025, 3, 25))
    with transaction():
        persons.merge_persons(SYSTEM, person_named("Anh Nam").id, person_named("Nguyễn Nam").id)
    actor, scope = _coordinator()
    with transaction():
        case = reads.case_in_scope(scope, reads.case_of(person_named("Chị Hoa")).id)
        referrals.record_outcome(actor, scope, "coordinator", case, referral_id,
                                 referrals.Outcome(attended=True, attended_on=date(2025, 4, 4),
                                                   result="diagnosed"))
    refresh()
    kept = snapshot()
    assert kept[0] and kept[1]
    with transaction():
        db.session.execute(delete(AggregateCount))
        db.session.execute(delete(AggregateValue))
        aggregates.rebuild()
    assert snapshot() == kept
    assert bodies.rebuild_aggregates()["recomputed"] >= 3  # 2025 and 2026 of two communes
    assert snapshot() == kept


def test_marks_are_written_once_per_transaction_and_dropped_on_rollback(setup, monkeypatch):
    """A merge flushes several times (person, screening, case, actions); its marks are
    written by one statement at the commit."""
    writes = []
    upsert = aggregates._upsert

    def counted(session, pairs):
        writes.append(list(pairs))
        upsert(session, pairs)

    monkeypatch.setattr(aggregates, "_upsert", counted)
    submit(setup, "mchat_r", mchat_answers(8), date(2025, 3, 10), name="Bé An", dob=CHILD)
    assert writes == [sorted({(BA_DINH, 2025), (BA_DINH, today().year)})]
    this_year = today().year
    assert set(db.session.execute(select(AggregateDirty.commune_code, AggregateDirty.year))) \
        == {(BA_DINH, 2025), (BA_DINH, this_year)}
    with pytest.raises(RuntimeError), transaction():
        aggregates.mark_dirty(NGOC_HA, 2020)
        raise RuntimeError
    with transaction():
        pass
    assert db.session.scalar(select(AggregateDirty).where(AggregateDirty.year == 2020)) is None


def test_a_mark_made_during_a_recompute_is_not_lost(setup):
    submit(setup, "phq9", levels(9), date(2025, 3, 10), name="Anh Nam")
    mark = next(m for m in aggregates.dirty_marks() if m.year == 2025)
    with transaction():  # a change committed while the job recomputes
        aggregates.mark_dirty(BA_DINH, 2025)
    with transaction():
        aggregates.refresh_mark(mark)
    again = db.session.scalar(select(AggregateDirty).where(AggregateDirty.year == 2025))
    assert again is not None and again.marked_at > mark.marked_at
    assert bodies.refresh_aggregates()["recomputed"] >= 1
    assert db.session.scalars(select(AggregateDirty)).all() == []


def test_the_jobs_are_in_the_table_and_run_by_hand(setup, runner):
    from server.jobs.table import find_job

    assert find_job("refresh_aggregates").trigger == {"trigger": "interval", "seconds": 15}
    assert find_job("rebuild_aggregates").trigger["trigger"] == "cron"
    submit(setup, "phq9", levels(9), date(2025, 3, 10), name="Anh Nam")
    result = runner.invoke(args=["jobs", "run", "rebuild_aggregates"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert counts(measure="screened") == {("screened", MARCH, "phq9", "male", "18y"): 1}


def test_the_sql_terms_agree_with_the_python_ones(app):
    """The CASE expressions give the same band, sex and month as the plain functions, on
    both backends; the last second of 2024-12-31 in Vietnam (16:59:59 UTC) is December."""
    def sql(expr):
        return db.session.scalar(select(expr))

    for months in (*range(0, 240, 1), None):
        for years in (None, 0, 1, 2, 3, 18):
            got = sql(band_case(literal(months, Integer), literal(years, Integer)))
            assert got == age_band(months, years), (months, years)
    for stored in ("male", "female", " Female ", None, "", "khác"):
        assert sql(sex_case(literal(stored, String))) == sex_of(stored)
    moment = literal(datetime(2024, 12, 31, 16, 59, 59, tzinfo=UTC), UTCDateTime)
    assert sql(month_of_moment(moment, 2024)) == date(2024, 12, 1)
    later = literal(datetime(2025, 1, 31, 17, 0, 0, tzinfo=UTC), UTCDateTime)
    assert sql(month_of_moment(later, 2025)) == date(2025, 2, 1)
    eight_days = shifted(literal(date(2025, 3, 10), Date), days=8, hours=-7)
    assert str(sql(eight_days))[:19].replace("T", " ") == "2025-03-17 17:00:00"
