"""Issue 10: every positive result opens durable work that only a person closes.

Through ODK Collect's own route and the API, on SQLite and PostgreSQL. Expected actions, due
dates and urgency come from pathway.md (worked in tests/unit/sync/test_pathway.py): PHQ-9
severe -> referral in 7 days; GAD-7 severe, SRQ-20 above the cut-off (assessment), EPDS >= 13
-> 14 days; SDQ abnormal -> assessment in 30 days; a self-harm item -> safety contact today,
urgent. Screening dates are the day of receipt (today in Vietnam).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from server.boundary import transaction
from server.extensions import db
from server.models import AuditEvent, CaseAction, CaseEvent, PersonLink
from server.programme import today
from server.services.audit import SYSTEM
from server.services.cases import persons
from tests.support.instances import levels, mchat_answers, screening_instance
from tests.support.worklist import open_work, person_id, record

ADULT = date(1990, 5, 17)


def submit(device, form_id: str, answers: dict, **person) -> None:
    person.setdefault("dob", ADULT)
    response = device.collect.submit(screening_instance(form_id, answers, **person))
    assert response.status_code == 201, response.text


def in_days(days: int) -> str:
    return (today() + timedelta(days=days)).isoformat()


SDQ_ABNORMAL = {**{f"q{n:02d}": "not_true" for n in range(1, 26)},
                **dict.fromkeys(("q07", "q11", "q14", "q21", "q25"), "certainly_true"),
                **dict.fromkeys(("q01", "q04", "q09", "q17", "q20"), "certainly_true"),
                # emotional 10 + conduct 8 = total 18, abnormal from 17
                **dict.fromkeys(("q03", "q08", "q13", "q16", "q24"), "certainly_true"),
                **dict.fromkeys(("q05", "q12", "q18", "q22"), "certainly_true"), "q26": "0"}


@pytest.mark.parametrize(("form_id", "answers", "expected"), [
    # PHQ-9 3x7 + 1 = 22 with item 9 = 0
    ("phq9", levels(9, q01=3, q02=3, q03=3, q04=3, q05=3, q06=3, q07=3, q08=1),
     [("referral", "phq.severe", 7, False)]),
    # GAD-7 3x6 = 18
    ("gad7", levels(7, q01=3, q02=3, q03=3, q04=3, q05=3, q06=3),
     [("referral", "gad7.severe", 14, False)]),
    # SRQ-20 twelve "yes"
    ("srq20", {f"q{n:02d}": "yes" if n <= 12 else "no" for n in range(1, 21)},
     [("assessment", "srq20.positive", 14, False)]),
    # EPDS raw 3,3,0,3,1,3,3,3,3,3 -> 3+3+3+3+2 = 14 (q03, q05..q10 scored 3 - raw)
    ("epds", levels(10, q01=3, q02=3, q03=0, q04=3, q05=1, q06=3, q07=3, q08=3, q09=3,
                    q10=3), [("referral", "epds.probable", 14, False)]),
    ("sdq_p4_17", SDQ_ABNORMAL, [("assessment", "sdq.total", 30, False)]),
])
def test_each_positive_result_opens_work_with_a_due_date(all_forms, device, staff_api, client,
                                                         form_id, answers, expected):
    dob = date(2016, 3, 1) if form_id.startswith("sdq") else ADULT
    submit(device, form_id, answers, dob=dob)
    case = record(client, staff_api["gs"])
    assert open_work(case) == sorted((kind, rule, in_days(days), urgent)
                                     for kind, rule, days, urgent in expected)
    assert case["next_action"] == expected[0][0] and case["due"] == in_days(expected[0][2])


def test_a_later_lower_screening_never_erases_a_safety_contact(all_forms, device, staff_api,
                                                               client):
    submit(device, "phq9", levels(9, q09=2))
    submit(device, "phq9", levels(9), person_id=person_id())  # item 9 = 0 the next time
    case = record(client, staff_api["gs"])
    assert open_work(case) == [("safety_contact", "safety", in_days(0), True)]
    assert case["risk"] == "urgent" and case["urgent"] is True


def test_a_later_low_mchat_never_erases_a_referral(all_forms, device, staff_api, client):
    toddler = date.today() - timedelta(days=500)  # about 16 months: a Low opens a rescreen
    submit(device, "mchat_r", mchat_answers(9), dob=toddler)
    submit(device, "mchat_r", mchat_answers(0), dob=toddler, person_id=person_id())
    work = open_work(record(client, staff_api["gs"]))
    assert [(kind, rule) for kind, rule, _, _ in work] == [
        ("referral", "mchat.referral"), ("rescreen", "mchat.rescreen")]


def test_the_next_screening_does_the_rescreen_and_the_follow_up_does_the_interview(
        all_forms, device, staff_api, client):
    toddler = date.today() - timedelta(days=500)
    submit(device, "mchat_r", mchat_answers(1), dob=toddler)  # Low under 24 months
    submit(device, "mchat_r", mchat_answers(4), dob=toddler, person_id=person_id())  # Medium
    case = record(client, staff_api["gs"])
    done = {a["kind"]: a["outcome"] for a in case["actions"] if a["state"] == "done"}
    assert done == {"rescreen": "rescreened"}
    assert [w[0] for w in open_work(case)] == ["followup_interview"]
    followup = {f"fu_q{n:02d}": "fail" if n == 1 else "pass" for n in range(1, 5)}
    submit(device, "mchat_rf", mchat_answers(4), dob=toddler, person_id=person_id(),
           group="mchat_r", extra={"followup": followup})
    case = record(client, staff_api["gs"])
    done = sorted((a["kind"], a["outcome"]) for a in case["actions"] if a["state"] == "done")
    assert done == [("followup_interview", "interview_done"), ("rescreen", "rescreened")]
    # Follow-Up negative (1 FAIL) under 24 months: rescreen at 24 months
    assert [w[:2] for w in open_work(case)] == [("rescreen", "mchat.rescreen")]


def test_an_edit_moves_untouched_work_and_a_resubmission_opens_nothing(all_forms, device, staff_api,
                                                                      client):
    first = screening_instance("phq9", levels(9, q09=1), dob=ADULT, instance_id="uuid:a1")
    assert device.collect.submit(first).status_code == 201
    assert device.collect.submit(first).status_code == 201  # Collect resends: a duplicate
    edit = screening_instance("phq9", levels(9), dob=ADULT, instance_id="uuid:a2",
                              deprecated_id="uuid:a1", person_id=person_id())
    assert device.collect.submit(edit).status_code == 201
    case = record(client, staff_api["gs"])
    assert open_work(case) == [("safety_contact", "safety", in_days(0), True)]
    assert len(case["actions"]) == 1
    moved = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "action_moved"))
    assert moved is not None and moved.detail["after"] == case["actions"][0]["screening_id"]


def test_merging_two_persons_keeps_every_open_action(all_forms, make_device, staff_api, client):
    a, b = make_device("ctv-a"), make_device("ctv-b")
    submit(a, "phq9", levels(9, q09=1), name="Hồ Thị Thu")
    submit(b, "gad7", levels(7, q01=3, q02=3, q03=3, q04=3, q05=3, q06=3), name="ho thi thu")
    link = db.session.scalar(select(PersonLink))
    with transaction():
        persons.merge_persons(SYSTEM, link.other_id, link.person_id)
    case = record(client, staff_api["gs"], link.other_id)
    assert [w[:2] for w in open_work(case)] == [("referral", "gad7.severe"),
                                                ("safety_contact", "safety")]


def test_an_unscorable_form_is_reviewed_and_keeps_its_safety_flag(all_forms, device, staff_api,
                                                                   client):
    answers = {f"q{n:02d}": "no" for n in range(1, 21) if n != 3} | {"q17": "yes"}
    submit(device, "srq20", answers)
    assert open_work(record(client, staff_api["gs"])) == [
        ("review", "review.unscorable", in_days(3), False),
        ("safety_contact", "safety", in_days(0), True)]


def test_a_supervisor_completes_or_cancels_an_action_with_an_outcome(all_forms, device, staff_api,
                                                                     client):
    submit(device, "phq9", levels(9, q01=3, q02=3, q03=3, q04=3, q05=3, q06=3, q07=3, q08=1,
                                  q09=1))
    actions = {a["kind"]: a["id"] for a in record(client, staff_api["gs"])["actions"]}
    safety, referral = actions["safety_contact"], actions["referral"]
    url = "/api/v1/actions/{}/{}"
    refused = client.post(url.format(safety, "complete"), headers=staff_api["ctv"],
                          json={"outcome": "contacted"})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "403.3"
    elsewhere = client.post(url.format(safety, "complete"), headers=staff_api["gs-other"],
                            json={"outcome": "contacted"})
    assert elsewhere.status_code == 404 and elsewhere.json["error"]["code"] == "404.14"
    bad = client.post(url.format(safety, "complete"), headers=staff_api["gs"],
                      json={"outcome": "fine"})
    assert bad.status_code == 400
    done = client.post(url.format(safety, "complete"), headers=staff_api["gs"],
                       json={"outcome": "safety_plan_made", "note": "gọi điện, an toàn"})
    assert done.status_code == 200, done.json
    assert (done.json["state"], done.json["outcome"]) == ("done", "safety_plan_made")
    again = client.post(url.format(safety, "cancel"), headers=staff_api["gs"],
                        json={"reason": "twice"})
    assert again.status_code == 409 and again.json["error"]["code"] == "409.14"
    assert client.post(url.format(referral, "cancel"), headers=staff_api["gs"],
                       json={"reason": ""}).status_code == 400
    cancelled = client.post(url.format(referral, "cancel"), headers=staff_api["gs"],
                            json={"reason": "đã chuyển đi nơi khác"})
    assert cancelled.status_code == 200 and cancelled.json["state"] == "cancelled"
    case = record(client, staff_api["gs"])
    assert case["next_action"] is None and case["risk"] == "high"  # the result stays severe
    kinds = [e.kind for e in db.session.scalars(select(CaseEvent).order_by(CaseEvent.id))]
    assert kinds[-2:] == ["action_done", "action_cancelled"]
    audited = {e.action for e in db.session.scalars(select(AuditEvent))}
    assert {"action.done", "action.cancelled"} <= audited


def test_the_worklist_puts_urgent_then_overdue_then_high_risk_first(all_forms, make_device,
                                                                     staff_api, client):
    device = make_device("ctv-w")
    submit(device, "gad7", levels(7, q01=3, q02=3, q03=3), name="Lê Văn Nhẹ")  # 9: low
    submit(device, "gad7", levels(7, q01=3, q02=3, q03=3, q04=3), name="Lê Văn Vừa")  # 12
    submit(device, "phq9", levels(9, q01=3, q02=3, q03=3, q04=3, q05=3, q06=3, q07=3),
           name="Lê Văn Nặng")  # 21: severe, referral
    submit(device, "gad7", levels(7, q01=3, q02=3, q03=3, q04=3), name="Lê Văn Trễ")  # 12
    submit(device, "phq9", levels(9, q09=1), name="Lê Văn Gấp")  # safety, urgent
    late = person_id("Lê Văn Trễ")
    with transaction():  # the assessment of "Trễ" was due yesterday
        db.session.execute(update(CaseAction).where(CaseAction.person_id == late)
                           .values(due=today() - timedelta(days=1)))
    answer = client.get("/api/v1/cases", headers=staff_api["gs"])
    assert answer.status_code == 200
    names = {person_id(n): n for n in ("Lê Văn Nhẹ", "Lê Văn Vừa", "Lê Văn Nặng", "Lê Văn Trễ",
                                       "Lê Văn Gấp")}
    order = [names[item["person_id"]] for item in answer.json["items"]]
    assert order == ["Lê Văn Gấp", "Lê Văn Trễ", "Lê Văn Nặng", "Lê Văn Vừa", "Lê Văn Nhẹ"]
    first = answer.json["items"][0]
    assert [a["kind"] for a in first["actions"]] == ["safety_contact"]
    assert answer.json["items"][1]["overdue"] is True
