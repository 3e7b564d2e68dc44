"""``sync.result_message``: the sentence ODK Collect shows after sending.

Rules (sync/messages.py): instrument, band in words, what to do next and by when (dd/mm/yyyy),
Vietnamese by default with the vietnam.md §4 glossary, English for "en"; a self-harm sign first
(instruments.md §11.3); never answers, item numbers, names or phone numbers (vietnam.md §6).
Expected sentences are written out by hand.
"""

from __future__ import annotations

from datetime import date

import pytest

from sync import pathway, read_registration, rescore, result_message
from tests.unit.sync.bundled import PERSON, bundled_binding, first_items, mchat, scored, values_for

ADULT_DOB = date(1990, 5, 20)


def message(outcome, on, dob, language="vi"):
    return result_message(outcome, pathway.plan(outcome, on=on, dob=dob), language)


def test_an_ordinary_form_is_just_received():
    """Rule: outcome None (a form without an instrument) -> plain receipt."""
    assert result_message(None, []) == "Đã nhận phiếu thành công."
    assert result_message(None, [], "en") == "Submission received."


def test_mchat_high_in_both_languages():
    """Rule: High -> "nguy cơ cao", referral due 25 Nov + 14 days = 09/12/2026."""
    high = scored("mchat_r", mchat(first_items(9)), on=date(2026, 11, 25))
    on, dob = date(2026, 11, 25), date(2024, 12, 1)
    assert message(high, on, dob) == (
        "M-CHAT-R: nguy cơ cao — cần chuyển gửi đánh giá chẩn đoán trước 09/12/2026."
    )
    assert message(high, on, dob, "en") == (
        "M-CHAT-R: high risk — refer for diagnostic evaluation by 09/12/2026."
    )


def test_self_harm_comes_first_without_saying_self_harm():
    """Rule: §11.3 the safety sentence leads; the band and the mild rescreen (pathway: 30 days,
    2 Mar + 30 = 01/04/2026) follow. The screen may be read by the respondent: it says what
    happens (contact today), never "self-harm"."""
    phq = scored("phq9", {**{f"q{n:02d}": "0" for n in range(1, 6)}, "q06": "1", "q07": "1",
                          "q08": "1", "q09": "2"}, on=date(2026, 3, 2), dob=ADULT_DOB)  # fmt: skip
    assert (phq.total, phq.band) == (5, "mild")
    assert message(phq, date(2026, 3, 2), ADULT_DOB) == (
        "Phiếu đã nhận. Người giám sát sẽ liên hệ trong hôm nay. "
        "PHQ-9: triệu chứng trầm cảm mức nhẹ — sàng lọc lại vào ngày 01/04/2026."
    )
    english = message(phq, date(2026, 3, 2), ADULT_DOB, "en")
    assert english == (
        "Submission received. A supervisor will make contact today. "
        "PHQ-9: mild symptoms of depression — re-screen on 01/04/2026."
    )
    assert "self-harm" not in english.lower() and "tự hại" not in message(
        phq, date(2026, 3, 2), ADULT_DOB)


def test_unscorable_says_a_supervisor_will_review():
    """Rule: an unscorable screening says so and opens a review (3 days: 05/03/2026); its
    safety flag still leads (§11.3)."""
    answers = {f"q{n:02d}": "no" for n in range(1, 21) if n != 3} | {"q17": "yes"}
    srq = scored("srq20", answers, on=date(2026, 3, 2), dob=ADULT_DOB)
    assert message(srq, date(2026, 3, 2), ADULT_DOB) == (
        "Phiếu đã nhận. Người giám sát sẽ liên hệ trong hôm nay. "
        "SRQ-20: không tính được điểm sàng lọc — người giám sát sẽ xem lại phiếu trước "
        "05/03/2026."
    )
    plain = scored("srq20", {"q01": "no"}, on=date(2026, 3, 2), dob=ADULT_DOB)
    assert message(plain, date(2026, 3, 2), ADULT_DOB, "en") == (
        "SRQ-20: the screening could not be scored — a supervisor will review the form by "
        "05/03/2026."
    )


def test_rescreen_and_follow_up_dates():
    """Rule: Low under 24 months -> "Sàng lọc lại" on the day the child turns 24 months;
    Medium -> Follow-Up interview within 30 days (15 Jun + 30 = 15/07/2026)."""
    on, dob = date(2026, 6, 15), date(2024, 12, 1)
    low = scored("mchat_r", mchat(first_items(1)), on=on, dob=dob)
    assert message(low, on, dob) == (
        "M-CHAT-R: nguy cơ thấp — sàng lọc lại khi trẻ đủ 24 tháng tuổi, vào ngày 01/12/2026."
    )
    medium = scored("mchat_r", mchat(first_items(4)), on=on, dob=dob)
    assert message(medium, on, dob, "en") == (
        "M-CHAT-R: medium risk — give the M-CHAT-R/F Follow-Up interview by 15/07/2026."
    )


def test_depression_and_anxiety_results_say_what_comes_next():
    """Rule (pathway.md): PHQ-9 severe -> referral within 7 days (2 Mar + 7 = 09/03/2026);
    GAD-7 moderate -> assessment at the commune health station within 14 (16/03/2026)."""
    on = date(2026, 3, 2)
    severe = scored("phq9", {f"q{n:02d}": "3" for n in range(1, 8)} | {"q08": "1", "q09": "0"},
                    on=on, dob=ADULT_DOB)
    assert (severe.total, severe.band) == (22, "severe")
    assert message(severe, on, ADULT_DOB) == (
        "PHQ-9: triệu chứng trầm cảm mức nặng — cần chuyển gửi đánh giá chẩn đoán trước "
        "09/03/2026.")
    anxious = scored("gad7", {f"q{n:02d}": "3" if n <= 4 else "0" for n in range(1, 8)},
                     on=on, dob=ADULT_DOB)
    assert message(anxious, on, ADULT_DOB, "en") == (
        "GAD-7: moderate symptoms of anxiety — clinical assessment at the commune health "
        "station by 16/03/2026.")


def test_a_vietnamese_screen_positive_is_not_called_minimal():
    """Rule: under vietnam@2 a PHQ-9 of 4 is screen-positive (cut-off 4) while its severity
    band is "none/minimal": the message says positive, as the assessment it opens (pathway:
    14 days, 2 Mar + 14 = 16/03/2026) does; an EPDS of 5 is a possible common perinatal mental
    disorder, not "possible depression"."""
    on = date(2026, 3, 2)
    phq = rescore(scored("phq9", {f"q{n:02d}": "0" for n in range(3, 10)} | {"q01": "2",
                                                                             "q02": "2"},
                         on=on, dob=ADULT_DOB), thresholds="vietnam")
    assert (phq.total, phq.band) == (4, "none_minimal")
    text = result_message(phq, pathway.plan(phq, on=on, dob=ADULT_DOB, table="vietnam"))
    assert text == ("PHQ-9: dương tính khi sàng lọc trầm cảm (ngưỡng 4 điểm) — cần đánh giá lâm "
                    "sàng tại trạm y tế xã trước 16/03/2026.")
    assert "rất ít" not in text


def test_follow_up_result_and_age_note():
    """Rule: an M-CHAT-R/F says the Follow-Up result; outside 16-30 months is noted (§11.8)."""
    on, dob = date(2026, 9, 9), date(2024, 1, 1)  # 32 months
    followup = {"q01": "fail", "q02": "fail", "q03": "pass", "q04": "pass"}
    rf = scored("mchat_rf", mchat(first_items(4)), on=on, dob=dob, followup=followup)
    assert message(rf, on, dob) == (
        "M-CHAT-R/F: nguy cơ trung bình; sau phỏng vấn tiếp theo: dương tính (ngoài độ tuổi đã "
        "thẩm định) — cần chuyển gửi đánh giá chẩn đoán trước 23/09/2026."
    )


def test_ministry_checklist_referral_to_step_2():
    """Rule: QĐ 2254 Bước 1 warning sign -> Chuyển gửi to step 2 within 14 days."""
    on = date(2026, 8, 20)
    answers = {"q01": "no", "q02": "no", "q03": "no", "q04": "yes", "q06": "no"}
    moh = scored("moh_asd_signs", answers, on=on)
    assert message(moh, on, date(2024, 12, 1)) == (
        "Dấu hiệu cảnh báo tự kỷ (QĐ 2254): có dấu hiệu cảnh báo — cần chuyển gửi sàng lọc tự kỷ "
        "(bước 2, tuyến tỉnh) trước 03/09/2026."
    )
    assert message(moh, on, date(2024, 12, 1), "en-GB") == (
        "Autism warning signs (QĐ 2254): warning sign present — refer for autism screening "
        "(step 2, provincial level) by 03/09/2026."
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_messages_never_carry_personal_data(language):
    """Rule: vietnam.md §6 / sync/messages.py, no names, phone, village, commune or item keys,
    whatever the instrument and result."""
    on = date(2026, 9, 9)
    cases = [
        ("mchat_r", mchat(first_items(9))),
        ("mchat_r", mchat(first_items(1))),
        ("phq9", {"q09": "3"}),
        ("srq20", {"q17": "yes"}),
        ("moh_asd_signs", {"q01": "no", "q02": "no", "q03": "no", "q04": "yes", "q06": "yes"}),
    ]
    for form_id, answers in cases:
        values = values_for(form_id, answers)
        reg = read_registration(bundled_binding(form_id), values)
        assert reg.full_name == PERSON["full_name"]
        outcome = scored(form_id, answers, on=on)
        text = message(outcome, on, reg.dob, language)
        for secret in (
            PERSON["full_name"],
            PERSON["caregiver_name"],
            PERSON["phone"],
            PERSON["village"],
            PERSON["commune"],
            "Nguyễn",
            "Hoa",
            "nguyen",
        ):
            assert secret not in text, (form_id, text)
        assert "q0" not in text and "q1" not in text
