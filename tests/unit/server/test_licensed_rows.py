"""The checks that keep a licensed text out of the wrong slot (licensed_rows): the rows must name
the form's items in the form's order, each once, each with exactly the form's answer values in
printed order, and every text must be plain, one line and not too long. Each mistake is a
problem naming its row (the header is row 1, as a spreadsheet numbers it).

The slots below are EPDS-like: q01 scored as printed, q03 reverse-scored (instruments.md §8:
raw = printed position, 0 at the top, whatever the score), so a coordinator who writes q03's
options by score (3 at the top) is told which row is wrong."""

from __future__ import annotations

import io

import openpyxl
import pytest

from server.problems import Problem
from server.services.forms.licensed_rows import (
    MAX_CHOICE,
    MAX_QUESTION,
    Row,
    Slot,
    check_rows,
    read_rows,
)

SLOTS = (Slot("q01", ("0", "1", "2", "3")), Slot("q03", ("0", "1", "2", "3")))


def _rows(*cells: tuple[str, str, str]) -> list[Row]:
    return [Row(number, key, value, text)
            for number, (key, value, text) in enumerate(cells, start=2)]


def _good() -> list[tuple[str, str, str]]:
    return [("q01", "", "Câu một"), ("q01", "0", "a"), ("q01", "1", "b"), ("q01", "2", "c"),
            ("q01", "3", "d"), ("q03", "", "Câu ba"), ("q03", "0", "e"), ("q03", "1", "f"),
            ("q03", "2", "g"), ("q03", "3", "h")]


def _found(problems: list[Problem]) -> list[tuple[str, int, dict]]:
    return [(p.code, p.data["row"], {k: v for k, v in p.params.items() if k != "row"})
            for p in problems]


def test_the_form_s_items_and_values_in_order_pass():
    assert check_rows(SLOTS, _rows(*_good())) == []


def test_items_out_of_order():
    cells = _good()
    cells = cells[5:] + cells[:5]  # q03's block before q01's
    assert _found(check_rows(SLOTS, _rows(*cells))) == [
        ("422.100", 2, {"found": "q03", "expected": "q01"})]


def test_options_of_a_reverse_scored_item_written_by_score():
    cells = _good()
    cells[6:10] = [("q03", "3", "h"), ("q03", "2", "g"), ("q03", "1", "f"), ("q03", "0", "e")]
    assert _found(check_rows(SLOTS, _rows(*cells))) == [
        ("422.100", 8, {"found": "q03 = 3", "expected": "q03 = 0"})]


def test_a_missing_item_names_the_template_row_it_belongs_on():
    cells = [c for c in _good() if c[0] != "q03" or c[1] != ""]  # q03's question row
    assert _found(check_rows(SLOTS, _rows(*cells))) == [("422.104", 7, {"slot": "q03"})]


def test_a_missing_option():
    cells = [c for c in _good() if c[:2] != ("q01", "3")]
    assert _found(check_rows(SLOTS, _rows(*cells))) == [("422.104", 6, {"slot": "q01 = 3"})]


def test_an_extra_item():
    cells = [*_good(), ("q11", "", "Câu mười một")]
    assert _found(check_rows(SLOTS, _rows(*cells))) == [
        ("422.101", 12, {"found": "q11", "keys": "q01, q03"})]


def test_a_wrong_answer_value():
    cells = _good()
    cells[4] = ("q01", "4", "d")
    assert _found(check_rows(SLOTS, _rows(*cells))) == [
        ("422.102", 6, {"item": "q01", "found": "4", "expected": "0, 1, 2, 3"}),
        ("422.104", 6, {"slot": "q01 = 3"})]


def test_a_duplicate_row():
    cells = _good()
    cells.insert(3, ("q01", "1", "b again"))
    assert _found(check_rows(SLOTS, _rows(*cells))) == [
        ("422.103", 5, {"slot": "q01 = 1", "first": 4})]


@pytest.mark.parametrize(("text", "code"), [
    ("", "422.105"),
    ("   ", "422.105"),
    ("x" * (MAX_QUESTION + 1), "422.106"),
    ("Dòng một\nDòng hai", "422.107"),
    ("tab\there", "422.107"),
    ("<b>đậm</b>", "422.107"),
    ("xem [đây](http://example.org)", "422.107"),
    ("# Tiêu đề", "422.107"),
    ("Tên ${name}", "422.107"),
])
def test_a_text_must_be_plain_one_line_and_not_too_long(text, code):
    cells = _good()
    cells[0] = ("q01", "", text)
    assert [(p.code, p.data["row"]) for p in check_rows(SLOTS, _rows(*cells))] == [(code, 2)]


def test_an_option_has_a_shorter_limit_than_a_question():
    cells = _good()
    cells[0] = ("q01", "", "x" * MAX_QUESTION)
    cells[1] = ("q01", "0", "x" * (MAX_CHOICE + 1))
    assert _found(check_rows(SLOTS, _rows(*cells))) == [
        ("422.106", 3, {"slot": "q01 = 0", "limit": MAX_CHOICE})]


def test_ordinary_punctuation_passes():
    cells = _good()
    cells[0] = ("q01", "", "Trong 7 ngày qua: tôi có thể cười & thấy mặt vui (*) — 100%?")
    assert check_rows(SLOTS, _rows(*cells)) == []


# --- reading the file ---------------------------------------------------------------------

def test_a_csv_with_semicolons_and_the_template_s_current_column():
    data = ("\ufeffitem;value;current;text\r\nQ01;;EPDS câu 1;Câu một\r\n;;;\r\n"
            "q01;0;x;a\r\n").encode()
    assert read_rows(data) == [Row(2, "q01", "", "Câu một"), Row(4, "q01", "0", "a")]


def test_an_xlsx_with_numbers_as_numbers():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["item", "value", "text"])
    sheet.append(["q01", None, "Câu một"])
    sheet.append(["q01", 0, "a"])
    sheet.append(["q01", 2.0, "c"])
    out = io.BytesIO()
    book.save(out)
    assert read_rows(out.getvalue()) == [Row(2, "q01", "", "Câu một"), Row(3, "q01", "0", "a"),
                                         Row(4, "q01", "2", "c")]


@pytest.mark.parametrize(("data", "code"), [
    (b"item,value\r\nq01,,x\r\n", "422.76"),  # no text column
    (b"item,value,text,score\r\nq01,,x,1\r\n", "422.73"),
    (b"\xff\xfe not utf-8", "422.77"),
    (b"PK\x03\x04 not a zip", "422.77"),
])
def test_a_file_that_cannot_be_read_is_refused(data, code):
    with pytest.raises(Problem) as caught:
        read_rows(data)
    assert caught.value.code == code


def test_a_large_file_is_refused():
    with pytest.raises(Problem) as caught:
        read_rows(b"item,value,text\r\n" + b"q01,,x\r\n" * 100_000)
    assert caught.value.code == "413.100"
