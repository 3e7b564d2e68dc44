"""The registry of dashboard tables for export (``services/exports/tables.py``): a table's
count cells always go through small-cell suppression (1-4 -> "<5", 0 and 5+ shown, unknown
empty) and its rates are computed from its own counts, left empty when either count is
suppressed or the denominator is 0. Hand-worked: 3/7 -> 42.9 %, 5/10 -> 50.0 %."""

from __future__ import annotations

import pytest

from server.services.exports import tables
from server.services.exports.tables import Column, Table, register_table, shown_table

COLUMNS = (Column("commune", "Commune", "label"), Column("positive", "Positive"),
           Column("screened", "Screened"),
           Column("rate", "Rate (%)", "percent", of=("positive", "screened")))


def _shown(*rows: dict) -> list[list]:
    return shown_table(Table(COLUMNS, list(rows)))[1]


def test_counts_from_one_to_four_are_suppressed_and_zero_is_shown():
    rows = _shown({"commune": "A", "positive": 5, "screened": 10},
                  {"commune": "B", "positive": 0, "screened": 7},
                  {"commune": "C", "positive": 4, "screened": 7},
                  {"commune": "D", "positive": 1, "screened": 3},
                  {"commune": "E", "positive": 0, "screened": 0},
                  {"commune": "F", "positive": None, "screened": 12})
    assert rows == [["A", 5, 10, 50.0], ["B", 0, 7, 0.0], ["C", "<5", 7, ""],
                    ["D", "<5", "<5", ""], ["E", 0, 0, ""], ["F", None, 12, ""]]


def test_a_rate_is_hidden_when_its_denominator_is_small():
    assert _shown({"commune": "A", "positive": 0, "screened": 3}) == [["A", 0, "<5", ""]]


def test_the_header_is_the_column_labels():
    assert shown_table(Table(COLUMNS, []))[0] == ["Commune", "Positive", "Screened", "Rate (%)"]


def test_a_percent_column_names_its_counts_and_only_it_does():
    with pytest.raises(ValueError):
        Column("rate", "Rate", "percent")
    with pytest.raises(ValueError):
        Column("n", "N", "count", of=("a", "b"))
    with pytest.raises(ValueError):
        Column("n", "N", "sum")


def test_a_key_is_registered_once_and_is_plain(monkeypatch):
    monkeypatch.setattr(tables, "TABLES", {})
    register_table("coverage", "Coverage", lambda scope, found: Table(COLUMNS))
    assert list(tables.TABLES) == ["coverage"]
    for key in ("coverage", "bad key", "", "x" * 41, "tỷ_lệ"):
        with pytest.raises(ValueError):
            register_table(key, "Again", lambda scope, found: Table(COLUMNS))


def test_the_commune_screening_table_is_registered():
    assert "commune_screenings" in tables.TABLES
