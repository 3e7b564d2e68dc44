"""Threshold tables as data: names, versions, completeness, explicit fallback; rounding.

Sources: instruments.md §11.4 (named, versioned tables; report the table used), §11.7 (round
half away from zero), and the band tables of §2-§8.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from screening_tools import INSTRUMENT_IDS, THRESHOLD_TABLES, ScoringError, check_tables
from screening_tools.answers import round_half_away
from screening_tools.thresholds import ThresholdEntry, ThresholdTable, band_for


def test_two_named_versioned_tables():
    """Rule §11.4: tables are named and versioned."""
    assert {name: table.label for name, table in THRESHOLD_TABLES.items()} == {
        "international": "international@2",
        "vietnam": "vietnam@2",
    }


def test_every_instrument_has_an_entry_in_every_table():
    """Contract: completeness is checked at import; here it is checked again."""
    check_tables()
    for table in THRESHOLD_TABLES.values():
        assert set(table.entries) == set(INSTRUMENT_IDS)


def test_vietnam_fallbacks_are_recorded():
    """Contract: where no Vietnamese cut-off exists the Vietnamese table borrows the
    international entry and says so (instruments.md §2, §3, §5, §6)."""
    vietnam = THRESHOLD_TABLES["vietnam"].entries
    borrowed = {key for key, entry in vietnam.items() if entry.fallback_from}
    assert borrowed == {"mchat_r", "mchat_rf", "sdq_p4_17", "sdq_p2_4", "phqa", "gad7"}
    for key in borrowed:
        assert vietnam[key].fallback_from == "international@2"
        assert vietnam[key].bands == THRESHOLD_TABLES["international"].entries[key].bands


def test_vietnamese_cutoffs_leave_the_bands_alone():
    """Rule: PHQ-9 >= 4 (EAAP 2023), SRQ-20 >= 7 (Giang 2006), EPDS >= 4 (Tran 2011) are
    screening cut-offs; the bands stay the instruments' own (instruments.md §11.4)."""
    vietnam = THRESHOLD_TABLES["vietnam"].entries
    international = THRESHOLD_TABLES["international"].entries
    assert {key: vietnam[key].cutoff for key in ("phq9", "srq20", "epds")} == \
        {"phq9": 4, "srq20": 7, "epds": 4}
    assert {key: international[key].cutoff for key in ("phq9", "srq20", "epds")} == \
        {"phq9": 10, "srq20": 8, "epds": 13}
    for key in vietnam:
        assert vietnam[key].bands == international[key].bands, key


def _table(**entries):
    base = dict(THRESHOLD_TABLES["international"].entries)
    base.update(entries)
    return {"broken": ThresholdTable("broken", 1, {k: v for k, v in base.items() if v})}


def _entry(bands, cutoff=None, source="test"):
    return ThresholdEntry(bands={"total": bands}, cutoff=cutoff, source=source)


@pytest.mark.parametrize(
    "tables",
    [
        _table(gad7=None),  # an instrument without an entry
        _table(
            gad7=_entry(((1, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe")), 10)
        ),  # does not start at 0
        _table(
            gad7=_entry(((0, "minimal"), (10, "mild"), (5, "moderate"), (15, "severe")), 10)
        ),  # not ascending
        _table(gad7=_entry(((0, "minimal"), (5, "mild"), (10, "moderate")), 10)),  # band lost
        _table(
            gad7=_entry(((0, "minimal"), (5, "mild"), (10, "moderate"), (22, "severe")), 10)
        ),  # beyond the maximum
        _table(gad7=_entry(((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe")))),
        _table(srq20=_entry(((0, "below_cutoff"), (8, "above_cutoff")), 8)),  # stray cut-off
        _table(srq20=_entry(((0, "below_cutoff"), (8, "above_cutoff")), source="")),
        _table(extra_instrument=_entry(((0, "low"),))),
    ],
)
def test_broken_tables_are_refused(tables):
    """Contract: a table that does not cover every instrument's range with exactly its band
    ids (and cut-off where needed) is refused."""
    with pytest.raises(ScoringError) as caught:
        check_tables(tables)
    assert caught.value.code == "thresholds_incomplete"


def test_band_for():
    """Rule: the band is the last one whose lowest score <= the score; none for missing."""
    bands = ((0, "low"), (3, "medium"), (8, "high"))
    assert [band_for(bands, s) for s in (0, 2, 3, 7, 8, 20)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
    ]
    assert band_for(bands, None) is None


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Fraction(5, 2), 3),
        (Fraction(7, 2), 4),
        (Fraction(9, 2), 5),
        (Fraction(-5, 2), -3),
        (Fraction(20, 3), 7),
        (Fraction(249, 100), 2),
        (Fraction(4), 4),
        (Fraction(0), 0),
    ],
)
def test_round_half_away_from_zero(value, rounded):
    """Rule §11.7: halves away from zero (built-in round(2.5) == 2 would be wrong); the SDQ
    example 6.67 -> 7."""
    assert round_half_away(value) == rounded
