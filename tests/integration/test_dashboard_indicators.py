"""Issue 12, the dashboard's 15 indicators (``services/programme/indicators.py``) on hand-built
aggregate rows, on SQLite and PostgreSQL.

The area is three communes of Hà Nội (01): Ba Đình 00004, Ngọc Hà 00008, Giảng Võ 00025; the
period is Q1 2026 (January to March) and "today" is 15/04/2026. Rows outside the period (April
2026, December 2025) and in another province (Hợp Thành 02680, Lào Cai) must count nowhere.
Every expected number is worked by hand in the test's docstring from the rows of ``_seed``,
never taken from the code; counts from 1 to 4 read "<5" and take their rates with them
(``programme/suppression.py``), through the same ``shown_table`` the exports use.
"""

from __future__ import annotations

from datetime import date

import pytest

from server.boundary import transaction
from server.extensions import db
from server.models import AggregateCount, AggregateValue, Case, CaseAction, Denominator, Person
from server.problems import Problem
from server.services.access.scope import scope_for_areas
from server.services.exports.tables import shown_table
from server.services.programme import indicators
from server.services.programme.indicator_queries import Slice
from server.services.programme.periods import read_period

BA_DINH, NGOC_HA, GIANG_VO, HOP_THANH = "00004", "00008", "00025", "02680"
JAN, MAR, APR, DEC_2025 = date(2026, 1, 1), date(2026, 3, 1), date(2026, 4, 1), date(2025, 12, 1)
TODAY = date(2026, 4, 15)
Q1 = read_period("2026-Q1", TODAY)


def _count(commune, measure, value, *, instrument="", sex="female", band="31m_6y", month=MAR):
    province = "15" if commune == HOP_THANH else "01"
    db.session.add(AggregateCount(province_code=province, commune_code=commune, month=month,
                                  measure=measure, instrument=instrument, sex=sex,
                                  age_band=band, value=value))


def _values(commune, measure, distribution, *, band="31m_6y", instrument="mchat_r"):
    for amount, value in distribution.items():
        db.session.add(AggregateValue(province_code="01", commune_code=commune, month=MAR,
                                      measure=measure, instrument=instrument, sex="female",
                                      age_band=band, amount=amount, value=value))


def _overdue(commune, kind, due, state="open"):
    person = Person(commune_code=commune)
    db.session.add(person)
    db.session.flush()
    case = Case(person_id=person.id)
    db.session.add(case)
    db.session.flush()
    db.session.add(CaseAction(case_id=case.id, person_id=person.id, rule=f"r{kind}{due}",
                              kind=kind, reason="test", instrument="phq9", risk="high",
                              due=due, state=state))


@pytest.fixture
def seeded(app):
    """The rows every test reads (see each test for the ones it uses); the area's scope."""
    seed_rows()
    return scope_for_areas([BA_DINH, NGOC_HA, GIANG_VO])


def seed_rows() -> None:
    """Population, aggregates and overdue actions of Q1 2026 (the page's tests use them too)."""
    with transaction():
        for commune, group, value in ((BA_DINH, "children_0_6", 10), (NGOC_HA, "children_0_6", 20),
                                      (BA_DINH, "children_16_30m", 8),
                                      (NGOC_HA, "children_16_30m", 6),
                                      (HOP_THANH, "children_0_6", 999)):
            db.session.add(Denominator(commune_code=commune, year=2026, group_name=group,
                                       value=value))
        db.session.add(Denominator(commune_code=BA_DINH, year=2025, group_name="children_0_6",
                                   value=500))
        # 2: Ba Đình 4 girls 31m-6y + 3 boys 16-30m; Ngọc Hà 3; outside: April, 2025, Lào Cai
        _count(BA_DINH, "child_screened", 4)
        _count(BA_DINH, "child_screened", 3, sex="male", band="16_30m")
        _count(NGOC_HA, "child_screened", 3)
        _count(BA_DINH, "child_screened", 50, month=APR)
        _count(BA_DINH, "child_screened", 50, month=DEC_2025)
        _count(HOP_THANH, "child_screened", 50)
        # 3
        _count(BA_DINH, "mchat_screened", 6, instrument="mchat_r", band="16_30m")
        # 4 and 12: PHQ-9, adults
        for commune, screened, positive in ((BA_DINH, 30, 15), (NGOC_HA, 100, 10),
                                            (GIANG_VO, 100, 10)):
            _count(commune, "screened", screened, instrument="phq9", band="18y")
            _count(commune, "positive", positive, instrument="phq9", band="18y")
        _count(BA_DINH, "positive_referred", 9, instrument="phq9", band="18y")
        _count(BA_DINH, "positive_assessed", 6, instrument="phq9", band="18y")
        # 4-11: M-CHAT-R, children 31m-6y of Ba Đình
        _count(BA_DINH, "screened", 40, instrument="mchat_r")
        for measure, value in (("positive", 10), ("positive_referred", 8),
                               ("positive_assessed", 10), ("positive_diagnosed", 5),
                               ("positive_intervention", 5), ("followup_needed", 8),
                               ("followup_done", 6)):
            _count(BA_DINH, measure, value, instrument="mchat_r")
        # 7: referrals (no instrument)
        _count(BA_DINH, "referral_made", 10)
        _count(BA_DINH, "referral_attended_90", 6)
        _count(NGOC_HA, "referral_made", 4)
        # 8 and 11: value distributions
        _values(BA_DINH, "days_to_referral", {3: 2, 5: 1, 40: 2})
        _values(NGOC_HA, "days_to_referral", {100: 4})
        _values(BA_DINH, "days_to_assessment", {10: 3, 20: 3})
        _values(BA_DINH, "age_at_diagnosis", {30: 2, 36: 1, 48: 2})
        _values(BA_DINH, "days_to_referral", {1: 50}, band="18y", instrument="phq9")
        # 13
        _count(BA_DINH, "safety_opened", 5, instrument="phq9", band="18y")
        _count(BA_DINH, "safety_24h", 5, instrument="phq9", band="18y")
        _count(NGOC_HA, "safety_opened", 2, instrument="phq9", band="18y")
        # 14: Ba Đình 5 overdue referral work + 1 other; not overdue / done ones do not count
        for _ in range(3):
            _overdue(BA_DINH, "referral", date(2026, 4, 1))
        for _ in range(2):
            _overdue(BA_DINH, "referral_followup", date(2026, 3, 1))
        _overdue(BA_DINH, "review", date(2026, 4, 14))
        _overdue(BA_DINH, "review", TODAY)  # due today: not overdue yet
        _overdue(BA_DINH, "referral", date(2026, 1, 1), state="done")
        # 15: reporting, without sex or age band
        for month, sent, timely in ((JAN, 10, 8), (MAR, 20, 20)):
            _count(BA_DINH, "submissions", sent, sex="", band="", month=month)
            _count(BA_DINH, "submissions_timely", timely, sex="", band="", month=month)
        _count(BA_DINH, "active_devices", 6, sex="", band="", month=JAN)
        _count(BA_DINH, "active_devices", 2, sex="", band="", month=MAR)


def _table(scope, key, *, commune=None, sex=None, band=None, period=Q1):
    """The indicator's table as shown: {commune code or "total": {column key: cell}} (a
    per-instrument table: keyed (commune, instrument id))."""
    ask = indicators.Ask("01", commune, period, Slice(sex, band))
    board = indicators.compute(scope, ask, TODAY, "vi", [key])
    table = board.indicators[0].table
    _, rows = shown_table(table)
    keys = [column.key for column in table.columns]
    found = {}
    for raw, row in zip(table.rows, rows, strict=True):
        name = "total" if raw.get("_total") else raw["commune_code"]
        if "_instrument" in raw:
            name = (name, raw["_instrument"])
        found[name] = dict(zip(keys, row, strict=True))
    return found


def test_1_children_0_6_are_the_population_of_the_year(seeded):
    """Ba Đình 10, Ngọc Hà 20, Giảng Võ none (0); total 30 (Lào Cai's 999 and Ba Đình's
    2025 number are not of this area and year)."""
    found = _table(seeded, "children")
    assert [found[c]["children"] for c in (BA_DINH, NGOC_HA, GIANG_VO, "total")] == \
        [10, 20, 0, 30]


def test_2_coverage_is_unique_children_screened_over_children_0_6(seeded):
    """Ba Đình: 4 + 3 = 7 children screened of 10 = 70.0 %; Ngọc Hà: 3 screened -> "<5",
    rate hidden; total 10 of 30 = 33.3 %. April, December 2025 and Lào Cai count nowhere."""
    found = _table(seeded, "coverage")
    assert found[BA_DINH] | {} == {"commune_code": BA_DINH, "commune": "Phường Ba Đình",
                                   "screened": 7, "children": 10, "coverage": 70.0}
    assert (found[NGOC_HA]["screened"], found[NGOC_HA]["coverage"]) == ("<5", "")
    assert (found["total"]["screened"], found["total"]["children"],
            found["total"]["coverage"]) == (10, 30, 33.3)


def test_2_coverage_has_no_rate_with_a_sex_filter(seeded):
    """Girls only: Ba Đình 4 screened ("<5"); the population has no sex split, so no
    denominator and no rate."""
    found = _table(seeded, "coverage", sex="female")
    assert (found[BA_DINH]["screened"], found[BA_DINH]["children"],
            found[BA_DINH]["coverage"]) == ("<5", None, "")


def test_3_mchat_coverage_of_children_16_30_months(seeded):
    """Ba Đình 6 of 8 = 75.0 %; Ngọc Hà 0 of 6 = 0.0 %; total 6 of 14 = 42.9 %."""
    found = _table(seeded, "mchat_coverage")
    assert [found[c]["coverage"] for c in (BA_DINH, NGOC_HA, "total")] == [75.0, 0.0, 42.9]


def test_4_positive_rate_by_instrument_and_the_far_commune(seeded):
    """PHQ-9: Ba Đình 15/30 = 50.0 %, Ngọc Hà 10/100 = 10.0 %, Giảng Võ 10/100 = 10.0 %;
    total 35/230 = 15.2 %. Ba Đình against the rest (20/200): pooled p = 35/230 = 0.1522,
    se = sqrt(0.1522 x 0.8478 x (1/30 + 1/200)) = 0.0703, z = (0.5 - 0.1)/0.0703 = 5.69 > 3:
    highlighted. Ngọc Hà against the rest (25/130 = 0.1923): se = sqrt(0.1290 x (1/100 +
    1/130)) = 0.0478, z = -1.93: not. M-CHAT-R: Ba Đình 10/40 = 25.0 %, but the rest has no
    screening (fewer than 20): never highlighted."""
    found = _table(seeded, "positive_rate")
    assert [found[(c, "phq9")]["rate"] for c in (BA_DINH, NGOC_HA, GIANG_VO, "total")] == \
        [50.0, 10.0, 10.0, 15.2]
    assert [found[(c, "phq9")]["outlier"] for c in (BA_DINH, NGOC_HA, GIANG_VO, "total")] == \
        ["có", "", "", ""]
    assert found[(BA_DINH, "mchat_r")]["rate"] == 25.0
    assert found[(BA_DINH, "mchat_r")]["outlier"] == ""
    assert (NGOC_HA, "mchat_r") not in found  # no screening there: no row
    assert found[(BA_DINH, "phq9")]["instrument"] == "PHQ-9"


def test_4_the_z_rule_at_its_edges():
    """19 screenings are too few to be tested; equal rates give z = 0."""
    from server.services.programme.indicator_tables import is_outlier

    assert not is_outlier(19, 19, 29, 219)  # 100 % of 19: too few
    assert is_outlier(20, 20, 30, 220)  # 100 % of 20 against 10/200
    assert not is_outlier(10, 100, 20, 200)


def test_5_followup_completion(seeded):
    """6 of 8 M-CHAT-R Follow-Up interviews done = 75.0 %."""
    assert _table(seeded, "followup")[BA_DINH]["rate"] == 75.0


def test_6_referral_rate_among_child_positives(seeded):
    """Children: 8 referred of 10 positives = 80.0 %; the adults' 15 PHQ-9 positives and 9
    referrals are in indicator 12, not here."""
    found = _table(seeded, "referral_rate")
    assert (found[BA_DINH]["positive"], found[BA_DINH]["referred"],
            found[BA_DINH]["rate"]) == (10, 8, 80.0)


def test_7_referral_completion_within_90_days(seeded):
    """Ba Đình 6 of 10 = 60.0 %; Ngọc Hà 4 made -> "<5", no rate; total 6 of 14 = 42.9 %."""
    found = _table(seeded, "referral_completion")
    assert found[BA_DINH]["rate"] == 60.0
    assert (found[NGOC_HA]["made"], found[NGOC_HA]["rate"]) == ("<5", "")
    assert found["total"]["rate"] == 42.9


def test_8_medians_are_exact_over_the_distributions(seeded):
    """Days to referral, Ba Đình [3, 3, 5, 40, 40] -> 5; Ngọc Hà four values -> "<5"; the
    total over both [3, 3, 5, 40, 40, 100, 100, 100, 100] -> 40 (not a median of medians).
    Days to assessment [10, 10, 10, 20, 20, 20] -> (10 + 20) / 2 = 15. The adults' 50 values
    of 1 day are not children's."""
    found = _table(seeded, "delays")
    assert (found[BA_DINH]["referred"], found[BA_DINH]["to_referral"]) == (5, 5)
    assert (found[NGOC_HA]["referred"], found[NGOC_HA]["to_referral"]) == ("<5", "<5")
    assert found["total"]["to_referral"] == 40
    assert found[BA_DINH]["to_assessment"] == 15
    assert found[GIANG_VO]["to_referral"] is None


def test_9_diagnostic_yield(seeded):
    """5 diagnosed of 10 assessed = 50.0 %."""
    assert _table(seeded, "yield")[BA_DINH]["rate"] == 50.0


def test_10_intervention_started_among_diagnosed(seeded):
    """5 of 5 diagnosed started intervention = 100.0 %."""
    assert _table(seeded, "intervention")[BA_DINH]["rate"] == 100.0


def test_11_median_age_at_diagnosis(seeded):
    """[30, 30, 36, 48, 48] months -> 36."""
    found = _table(seeded, "age_at_diagnosis")
    assert (found[BA_DINH]["diagnosed"], found[BA_DINH]["median"]) == (5, 36)


def test_12_adult_cascade_per_instrument(seeded):
    """PHQ-9, Ba Đình: 30 screened, 15 positive (50.0 %), 9 referred (60.0 % of positives),
    6 assessed (40.0 %); total 230 screened, 35 positive (15.2 %), 9 referred (25.7 %).
    M-CHAT-R (children) is not in it."""
    found = _table(seeded, "adult_cascade")
    row = found[(BA_DINH, "phq9")]
    assert [row[k] for k in ("screened", "positive", "positive_rate", "referred",
                             "referred_rate", "assessed", "assessed_rate")] == \
        [30, 15, 50.0, 9, 60.0, 6, 40.0]
    total = found[("total", "phq9")]
    assert [total[k] for k in ("screened", "positive", "positive_rate", "referred_rate")] == \
        [230, 35, 15.2, 25.7]
    assert not any(key[1] == "mchat_r" for key in found)


def test_13_safety_flags_actioned_within_24_hours(seeded):
    """Ba Đình 5 of 5 = 100.0 %; Ngọc Hà 2 opened -> "<5"."""
    found = _table(seeded, "safety")
    assert found[BA_DINH]["rate"] == 100.0
    assert (found[NGOC_HA]["opened"], found[NGOC_HA]["rate"]) == ("<5", "")


def test_14_overdue_work_is_a_snapshot_of_today(seeded):
    """Ba Đình: 3 referrals due 01/04 and 2 referral follow-ups due 01/03 = 5 referral work;
    1 review due 14/04 ("<5"); the one due today and the done one are not overdue. 6 in all.
    The period does not change it."""
    for period in (Q1, read_period("2025", TODAY)):
        found = _table(seeded, "overdue", period=period)
        assert (found[BA_DINH]["referrals"], found[BA_DINH]["other"],
                found[BA_DINH]["all"]) == (5, "<5", 6)


def test_15_reporting_completeness_timeliness_and_collaborators(seeded):
    """Q1 by 15/04: 3 months. Ba Đình sent in January and March: 2/3 = 66.7 %; 30
    submissions, 28 within 7 days = 93.3 %; 2 devices active in March (the last month) ->
    "<5". Ngọc Hà 0/3. Total: 2 commune-months of 3 x 3 = 9 -> 22.2 %."""
    found = _table(seeded, "reporting")
    row = found[BA_DINH]
    assert [row[k] for k in ("months_reported", "completeness", "submissions", "timely",
                             "timeliness", "devices")] == ["2/3", 66.7, 30, 28, 93.3, "<5"]
    assert (found[NGOC_HA]["months_reported"], found[NGOC_HA]["completeness"]) == ("0/3", 0.0)
    assert (found["total"]["months_reported"], found["total"]["completeness"]) == \
        ("2/9", 22.2)


def test_a_commune_shows_its_row_beside_the_area_total(seeded):
    """Asking for Ba Đình: its row (7 of 10) and the total of the three communes (10 of 30)."""
    found = _table(seeded, "coverage", commune=BA_DINH)
    assert set(found) == {BA_DINH, "total"}
    assert found["total"]["coverage"] == 33.3


def test_a_commune_outside_the_area_is_refused(seeded):
    """Lào Cai's commune in Hà Nội's dashboard: 400.133."""
    with pytest.raises(Problem) as refused:
        _table(seeded, "coverage", commune=HOP_THANH)
    assert refused.value.code == "400.133"
