"""``forms.diff``: what changed between two versions of a small form, worked out by hand.

Version 1 has a (text "Tên"), b (integer "Tuổi"), c (select_one yn "Đồng ý?", yes/no) and
d (note-free calculate). Version 2 relabels a to "Họ và tên", makes b a decimal, removes c,
adds e (date "Ngày khám"), adds choice "maybe" to f's list and drops "no" from it, and renames
the title. So, by hand: added /data/e (date), removed /data/c (string, "Đồng ý?"), relabelled
/data/a "Tên" -> "Họ và tên", retyped /data/b int -> decimal, choices of /data/f +maybe -no;
/data/d and the meta fields unchanged.
"""

from __future__ import annotations

import forms
from forms.diff import Change, ChoiceChange, FieldEntry, diff_data, diff_forms
from tests.support.xlsform import build_xlsx

HEADER = ["type", "name", "label", "calculation"]


def _xform(rows, choices, title: str, version: str) -> bytes:
    data = build_xlsx({"survey": [HEADER, *rows],
                       "choices": [["list_name", "name", "label"], *choices],
                       "settings": [["form_id", "version", "form_title"], ["t", version, title]]})
    return forms.convert_xlsform(data, "t.xlsx").xml


V1 = (
    [["text", "a", "Tên", ""], ["integer", "b", "Tuổi", ""],
     ["select_one yn", "c", "Đồng ý?", ""], ["select_one yn", "f", "Lựa chọn", ""],
     ["calculate", "d", "", "1 + 1"]],
    [["yn", "yes", "Có"], ["yn", "no", "Không"]],
)
V2 = (
    [["text", "a", "Họ và tên", ""], ["decimal", "b", "Tuổi", ""],
     ["select_one ynm", "f", "Lựa chọn", ""], ["calculate", "d", "", "1 + 1"],
     ["date", "e", "Ngày khám", ""]],
    [["ynm", "yes", "Có"], ["ynm", "maybe", "Có thể"]],
)


def test_two_versions_of_a_small_form():
    before = _xform(*V1, "Khám", "1")
    after = _xform(*V2, "Khám lại", "2")
    diff = diff_forms(before, after)
    assert diff.added == (FieldEntry("/data/e", "date", "Ngày khám"),)
    assert diff.removed == (FieldEntry("/data/c", "string", "Đồng ý?"),)
    assert diff.relabelled == (Change("/data/a", "Tên", "Họ và tên"),)
    assert diff.retyped == (Change("/data/b", "int", "decimal"),)
    assert diff.choices == (ChoiceChange("/data/f", ("maybe",), ("no",)),)
    assert diff.title == Change("title", "Khám", "Khám lại")
    assert diff.binding == ()
    assert not diff.empty


def test_a_version_against_itself_is_empty():
    xml = _xform(*V1, "Khám", "1")
    assert diff_forms(xml, xml).empty


def test_binding_changes_key_by_key():
    """Instrument kept; q01 moved to a new path; q02 dropped; a follow-up and a person field
    added; device_score unset in both (None is not shown as a change)."""
    before = {"instrument_id": "mchat_r", "items": {"q01": "/data/q01", "q02": "/data/q02"},
              "followup": {}, "person": {"dob": "/data/dob"}, "device_score": None}
    after = {"instrument_id": "mchat_r", "items": {"q01": "/data/g/q01"},
             "followup": {"q01": ["/data/f1", "/data/f2"]},
             "person": {"dob": "/data/dob", "sex": "/data/sex"}, "device_score": None}
    assert diff_data(before, after) == (
        Change("followup.q01", None, "/data/f1, /data/f2"),
        Change("items.q01", "/data/q01", "/data/g/q01"),
        Change("items.q02", "/data/q02", None),
        Change("person.sex", None, "/data/sex"),
    )


def test_a_form_that_becomes_bound():
    assert diff_data(None, {"instrument_id": "phq9", "items": {}}) == (
        Change("instrument_id", None, "phq9"),)
    assert diff_data(None, None) == ()


def test_diff_forms_carries_the_binding_diff():
    xml = _xform(*V1, "Khám", "1")
    diff = diff_forms(xml, xml, binding_before={"instrument_id": "phq9"},
                      binding_after={"instrument_id": "gad7"})
    assert diff.binding == (Change("instrument_id", "phq9", "gad7"),)
    assert not diff.empty
