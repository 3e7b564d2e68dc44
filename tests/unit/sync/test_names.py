"""``sync.normalise_name`` and ``sync.duplicate_key``: the key for proposing duplicate people.

Rule (sync/names.py; vietnam.md §3 "ignoring tone-mark placement (Hòa = Hoà, Thủy = Thuỷ)"):
NFD, combining marks dropped, đ/Đ -> d, casefold, whitespace collapsed. Expected keys are
written by hand.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest

from sync import duplicate_key, normalise_name


def test_marks_case_and_spacing_do_not_matter():
    """Rule: marks, case and runs of spaces fold away. "Nguyễn Văn An" == "nguyen van  an"."""
    assert normalise_name("Nguyễn Văn An") == "nguyen van an"
    assert normalise_name("nguyen van  an") == "nguyen van an"
    assert normalise_name("  NGUYỄN   VĂN AN ") == "nguyen van an"


def test_d_with_stroke_folds_to_d():
    """Rule: đ/Đ is its own letter (no combining mark in Unicode) and is folded by hand."""
    assert normalise_name("Đỗ") == "do"
    assert normalise_name("đỗ") == "do"
    assert normalise_name("Đỗ") == normalise_name("do")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Hòa", "Hoà"),  # tone mark on o (new style) / on a (old style)
        ("Thủy", "Thuỷ"),
        ("Khỏe", "Khoẻ"),
    ],
)
def test_tone_mark_placement_does_not_matter(one: str, other: str):
    """Rule: vietnam.md §3, names match ignoring tone-mark placement (Hòa = Hoà, Thủy = Thuỷ)."""
    assert one != other
    assert normalise_name(one) == normalise_name(other)


def test_precomposed_and_decomposed_spellings_match():
    """Rule: NFD first, so a name typed precomposed (NFC) or decomposed gives the same key."""
    name = "Trần Thị Ngọc Ánh"
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name
    assert normalise_name(decomposed) == normalise_name(name) == "tran thi ngoc anh"


def test_any_whitespace_collapses():
    """Rule: tabs, newlines and no-break spaces count as one space; the ends are stripped."""
    assert normalise_name("Lê\u00a0Thị\tBình\n") == "le thi binh"


def test_names_differing_only_in_marks_collide_on_purpose():
    """Rule: the key proposes candidates only; "Lan" and "Lân" are the same key, by design."""
    assert normalise_name("Lan") == normalise_name("Lân") == "lan"
    assert normalise_name("Lan") != normalise_name("Lam")


def test_not_a_string_is_a_programming_error():
    """Rule: normalise_name(str); anything else is a TypeError, not data."""
    with pytest.raises(TypeError):
        normalise_name(None)  # type: ignore[arg-type]


def test_duplicate_key_has_commune_dob_and_name():
    """Rule: (commune, dob iso, normalised name)."""
    key = duplicate_key(" 00004 ", date(2024, 12, 1), "Nguyễn Văn  An")
    assert key == ("00004", "2024-12-01", "nguyen van an")
    assert key == duplicate_key("00004", date(2024, 12, 1), "nguyen van an")


def test_duplicate_key_of_a_datetime_uses_its_date():
    """Rule: the dob part is the date only, even if a datetime slips in."""
    assert duplicate_key("00004", datetime(2024, 12, 1, 7, 30), "An") == (
        "00004",
        "2024-12-01",
        "an",
    )


@pytest.mark.parametrize(
    ("commune", "dob", "name"),
    [
        (None, date(2024, 12, 1), "An"),
        ("", date(2024, 12, 1), "An"),
        ("   ", date(2024, 12, 1), "An"),
        ("00004", None, "An"),
        ("00004", date(2024, 12, 1), None),
        ("00004", date(2024, 12, 1), ""),
        ("00004", date(2024, 12, 1), " \t "),
        ("00004", date(2024, 12, 1), "\u0301\u0323"),  # only combining marks
    ],
)
def test_duplicate_key_is_none_when_a_part_is_missing(commune, dob, name):
    """Rule: None when any part is missing or empty (it would match unrelated people)."""
    assert duplicate_key(commune, dob, name) is None
