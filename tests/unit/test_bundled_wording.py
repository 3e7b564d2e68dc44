"""Issue 10, "Forms and words": Vietnamese wording that would raise false alarms or hide signs.

Read from the committed workbooks (forms/definitions/*.xlsx, built by scripts/build_forms.py)
and from the device messages (sync/messages.py), as a clinical reviewer reads them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import openpyxl

from sync import messages

DEFINITIONS = Path(__file__).resolve().parents[2] / "forms" / "definitions"
VI = "label::Tiếng Việt (vi)"


@cache
def labels(form_id: str) -> dict[str, str]:
    """Field name -> Vietnamese label of the form's survey sheet."""
    sheet = openpyxl.load_workbook(DEFINITIONS / f"{form_id}.xlsx")["survey"]
    rows = list(sheet.iter_rows(values_only=True))
    name, label = rows[0].index("name"), rows[0].index(VI)
    return {row[name]: row[label] or "" for row in rows[1:] if row[name]}


def test_srq20_asks_about_the_last_30_days_and_all_the_time():
    srq = labels("srq20")
    assert "30 ngày qua" in srq["q17"] and "từng" not in srq["q17"]  # not lifetime ideation
    assert "lúc nào cũng cảm thấy mệt mỏi" in srq["q18"] and "có lúc nào" not in srq["q18"]
    for key in ("q09", "q14"):  # no double negative ("không ... không")
        assert srq[key].count("không") <= 1, srq[key]
    assert "hoảng" not in srq["q04"]  # fear or startle, not panic


def test_phq_and_gad_ask_how_often():
    stems = [labels("phq9")["phq9_intro"], labels("gad7")["gad7_intro"],
             labels("phqa")["phqa_intro"]]
    for stem in stems:
        assert "bao lâu một lần" in stem and "có thường xuyên" not in stem, stem


def test_one_wording_for_sleep_and_two_for_nervous_and_restless():
    assert labels("phq9")["q03"].rstrip("?") == labels("phqa")["q03"].rstrip("?")
    gad = labels("gad7")
    assert not ("bồn chồn" in gad["q01"].lower() and "bồn chồn" in gad["q05"].lower())


def test_the_phqa_attempt_has_its_own_safety_note():
    phqa = labels("phqa")
    assert "đã từng cố tự tử" in phqa["safety_attempt"]
    assert "ý nghĩ" in phqa["safety"]


def test_one_name_for_the_mchat_follow_up_in_form_and_messages():
    form = " ".join(labels("mchat_rf").values())
    words = " ".join(text[0] for text in (*messages.FOLLOWUP_RESULT.values(),
                                          *messages.ACTION_WORDS.values()))
    assert "phỏng vấn tiếp theo" in form and "phỏng vấn tiếp theo" in words
    assert "làm rõ" not in form and "làm rõ" not in words


def test_the_device_never_prints_self_harm():
    assert "tự hại" not in messages.SAFETY[0] and "self-harm" not in messages.SAFETY[1]


def test_the_ministry_checklist_records_the_sign_not_the_skill():
    sheet = openpyxl.load_workbook(DEFINITIONS / "moh_asd_signs.xlsx")
    survey = list(sheet["survey"].iter_rows(values_only=True))
    kinds = {row[1]: row[0] for row in survey[1:] if row[1]}
    fields = ("q01", "q02", "q03a", "q03b", "q04", "q05a", "q05b", "q06")
    assert {kinds[field] for field in fields} == {"select_one sign"}
    choices = {(row[0], row[1]): row[2] for row in sheet["choices"].iter_rows(values_only=True)}
    assert choices[("sign", "yes")] == "Có dấu hiệu này"
    assert choices[("sign", "no")] == "Không có dấu hiệu này"
    # compound signs are asked one part per question; echolalia alone is not the sign: what
    # counts is no two-word phrase of the child's own
    signs = labels("moh_asd_signs")
    assert "bập bẹ" in signs["q03a"] and "chỉ tay" in signs["q03b"]
    assert "chỉ tay" not in signs["q03a"] and "bập bẹ" not in signs["q03b"]
    assert "tự nói" in signs["q05a"] and "nhại" not in signs["q05a"]
    assert "chưa tự nói câu hai từ" in signs["q05b"] and "không phải dấu hiệu" in signs["q05b"]
