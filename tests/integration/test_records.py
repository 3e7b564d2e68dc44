"""Merging submissions into person records: new, edit, resubmission, conflict, failure+retry.

Expected scores and due dates come from the published rules worked by hand:
- M-CHAT-R (instruments.md §2): 8 items at risk = High -> refer immediately; a referral is due
  14 days later (issue rule, configurable); 3 at risk = Medium -> Follow-Up interview due in 30
  days; 0-2 = Low, and under 24 months a rescreen is due at 24 months.
- PHQ-9 (instruments.md §4, §11.3): q09 >= 1 raises the self-harm flag whatever the total; the
  safety contact is due the same day.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import (
    AuditEvent,
    Case,
    CaseEvent,
    Consent,
    Person,
    PersonLink,
    RegistrationConflict,
    Screening,
    Submission,
)
from server.programme import VIETNAM
from server.services.cases import reads
from tests.integration.test_openrosa_forms import RESPONSE_NS
from tests.support.instances import mchat_answers, phq9_answers, screening_instance


@pytest.fixture
def forms_ready(publish_bundled):
    publish_bundled("mchat_r", "phq9")


def today() -> date:
    from datetime import datetime

    return datetime.now(VIETNAM).date()


def months_ago(months: int) -> date:
    t = today()
    year, month = divmod(t.year * 12 + t.month - 1 - months, 12)
    return date(year, month + 1, min(t.day, 28))


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def message(response) -> str:
    import xml.etree.ElementTree as ET

    return ET.fromstring(response.data).find("r:message", RESPONSE_NS).text


def only(model):
    db.session.expire_all()
    rows = db.session.scalars(select(model)).all()
    assert len(rows) == 1, rows
    return rows[0]


def the_case():
    """The only person's case as the worklist shows it (risk and next action read from the
    open actions)."""
    db.session.expire_all()
    return reads.case_of(only(Person))


def test_new_high_risk_child_becomes_a_record_with_a_referral_due(forms_ready, device):
    xml = screening_instance("mchat_r", mchat_answers(8), dob=months_ago(20), device_total=8)
    response = device.collect.submit(xml)
    assert response.status_code == 201
    text = message(response)
    assert "cao" in text  # "Nguy cơ cao"
    assert "Nguyễn" not in text  # never the name
    person = only(Person)
    assert (person.full_name, person.commune_code, person.village) == \
        ("Nguyễn Văn An", "00004", "Thôn Đông")
    screening = only(Screening)
    assert (screening.total, screening.band, screening.flags) == (8, "high", ["refer_immediately"])
    assert screening.device_total == 8 and screening.device_disagrees is False
    assert screening.age_months == 20 and screening.outside_age_range is False
    case = the_case()
    assert (case.risk, case.next_action.kind) == ("high", "referral")
    assert case.next_action.due == today() + timedelta(days=14)
    assert only(Submission).merge_state == "merged"
    consent = only(Consent)
    assert consent.given and consent.person_id == person.id and consent.relation == "mother"


def test_device_score_that_disagrees_is_recorded(forms_ready, device):
    xml = screening_instance("mchat_r", mchat_answers(3), dob=months_ago(20), device_total=2)
    assert device.collect.submit(xml).status_code == 201
    screening = only(Screening)
    assert (screening.total, screening.device_total, screening.device_disagrees) == (3, 2, True)
    case = the_case()
    # 3 days for the supervisor to review the disagreement, 30 for the Follow-Up interview
    assert [(a.kind, a.due) for a in case.open_actions] == [
        ("review", today() + timedelta(days=3)),
        ("followup_interview", today() + timedelta(days=30))]


def test_identical_resubmission_changes_nothing(forms_ready, device):
    xml = screening_instance("mchat_r", mchat_answers(8), dob=months_ago(20))
    first = device.collect.submit(xml)
    again = device.collect.submit(xml)
    assert again.status_code == 201 and message(again) == message(first)
    assert (count(Person), count(Screening), count(Consent), count(Case)) == (1, 1, 1, 1)
    assert count(CaseEvent) == 2  # created + derived, once


def test_edit_replaces_the_screening_and_keeps_the_work_open(forms_ready, device):
    first_id = "uuid:0c6f7c1e-0000-4000-8000-000000000001"
    assert device.collect.submit(screening_instance(
        "mchat_r", mchat_answers(8), dob=months_ago(20), instance_id=first_id)).status_code == 201
    edit = screening_instance("mchat_r", mchat_answers(1), dob=months_ago(20),
                              deprecated_id=first_id)
    assert device.collect.submit(edit).status_code == 201
    db.session.expire_all()
    screenings = db.session.scalars(select(Screening).order_by(Screening.id)).all()
    assert len(screenings) == 2 and count(Person) == 1
    old, new = screenings
    assert old.superseded_by_id == new.id and new.superseded_by_id is None
    assert (new.total, new.band) == (1, "low")
    case = the_case()
    # the High's untouched referral follows the new version and stays open (only a person
    # closes it); Low under 24 months adds a rescreen on the day the child turns 24 months
    dob = months_ago(20)
    assert [(a.kind, a.due, a.screening_id) for a in case.open_actions] == [
        ("referral", today() + timedelta(days=14), new.id),
        ("rescreen", date(dob.year + 2, dob.month, dob.day), new.id)]
    assert case.risk == "high"


def test_registration_that_disagrees_with_the_stored_person_is_kept_as_a_conflict(
        forms_ready, device):
    device.collect.submit(screening_instance("mchat_r", mchat_answers(0), dob=months_ago(20)))
    person = only(Person)
    other = screening_instance("phq9", phq9_answers(), person_id=person.id,
                               name="Nguyễn Văn Bình", dob=months_ago(20), group="phq9")
    assert device.collect.submit(other).status_code == 201
    conflict = only(RegistrationConflict)
    assert conflict.person_id == person.id and set(conflict.fields) == {"full_name"}
    db.session.expire_all()
    assert db.session.get(Person, person.id).full_name == "Nguyễn Văn An"  # not overwritten
    assert count(Screening) == 2 and count(Person) == 1


def test_possible_duplicates_are_linked_across_spelling(forms_ready, make_device):
    a, b = make_device("ctv-a"), make_device("ctv-b")
    dob = months_ago(20)
    a.collect.submit(screening_instance("mchat_r", mchat_answers(0), dob=dob,
                                        name="Nguyễn Văn An"))
    b.collect.submit(screening_instance("mchat_r", mchat_answers(0), dob=dob,
                                        name="nguyen van  an"))
    b.collect.submit(screening_instance("mchat_r", mchat_answers(0), dob=dob,
                                        name="Nguyễn Văn Anh"))
    assert count(Person) == 3
    link = only(PersonLink)
    names = {db.session.get(Person, link.person_id).full_name,
             db.session.get(Person, link.other_id).full_name}
    assert names == {"Nguyễn Văn An", "nguyen van  an"}


def test_refused_consent_keeps_only_the_refusal(forms_ready, device):
    response = device.collect.submit(screening_instance("mchat_r", {}, consent="no"))
    assert response.status_code == 201
    assert count(Person) == 0 and count(Screening) == 0 and count(Case) == 0
    consent = only(Consent)
    assert consent.given is False and consent.person_id is None and consent.given_by is None


def test_self_harm_item_alone_opens_an_urgent_case_due_today(forms_ready, device):
    xml = screening_instance("phq9", phq9_answers(q09=1), group="phq9", dob=date(1990, 5, 1))
    response = device.collect.submit(xml)
    assert response.status_code == 201
    screening = only(Screening)
    assert (screening.total, screening.band) == (1, "none_minimal")
    assert screening.flags == ["self_harm_item_positive"]
    case = the_case()
    assert (case.risk, case.next_action.urgent, case.next_action.kind) == \
        ("urgent", True, "safety_contact")
    assert case.next_action.due == today()


def test_failed_merge_keeps_the_submission_and_the_retry_merges_it(forms_ready, device,
                                                                   monkeypatch, app):
    from server.boundary import transaction
    from server.programme import Programme
    from server.services.audit import SYSTEM
    from server.services.intake import merge, retry

    def broken(*_args, **_kwargs):
        raise RuntimeError("scoring service down")

    monkeypatch.setattr(merge, "score_instance", broken)
    xml = screening_instance("mchat_r", mchat_answers(8), dob=months_ago(20))
    response = device.collect.submit(xml)
    assert response.status_code == 201  # the data is safe
    submission = only(Submission)
    assert submission.merge_state == "failed" and "scoring service down" in submission.merge_error
    assert count(Person) == 0 and count(Screening) == 0
    monkeypatch.undo()
    config = Programme.from_settings(app.config)
    later = submission.next_retry_at + timedelta(seconds=1)
    assert retry.due_submission_ids(now=later) == [submission.id]
    for submission_id in retry.due_submission_ids(now=later):
        with transaction():
            assert retry.retry_one(SYSTEM, submission_id, config) == "merged"
    assert only(Submission).merge_state == "merged"
    assert only(Screening).band == "high"
    # resending after the retry is still a duplicate, not a second screening
    assert device.collect.submit(xml).status_code == 201
    assert count(Screening) == 1


def test_withdrawn_person_is_locked(forms_ready, device, client):
    from server.boundary import transaction
    from server.services.audit import SYSTEM
    from server.services.cases import persons

    device.collect.submit(screening_instance("mchat_r", mchat_answers(0), dob=months_ago(20)))
    person = only(Person)
    with transaction():
        persons.withdraw_consent(SYSTEM, person.id, "parent asked")
    cases_csv = device.collect.get(f"{device.server_url}/forms/mchat_r/attachments/cases.csv")
    assert person.id not in cases_csv.data.decode()
    again = screening_instance("mchat_r", mchat_answers(8), dob=months_ago(20),
                               person_id=person.id)
    assert device.collect.submit(again).status_code == 201
    assert count(Screening) == 1  # no new screening for a locked person
    db.session.expire_all()
    held = db.session.scalars(select(Submission).order_by(Submission.id.desc())).first()
    assert held.merge_state == "held"


def test_case_list_and_integrity(forms_ready, device, make_device):
    device.collect.submit(screening_instance("mchat_r", mchat_answers(8), dob=date(2025, 3, 2),
                                             name="Lê Thị Bình", village="Xóm 3"))
    person = only(Person)
    manifest = device.collect.get(f"{device.server_url}/forms/mchat_r/manifest").data.decode()
    assert 'type="entityList"' in manifest and "/datasets/cases/integrity" in manifest
    csv_text = device.collect.get(
        f"{device.server_url}/forms/mchat_r/attachments/cases.csv").data.decode()
    lines = csv_text.splitlines()
    assert lines[0] == \
        "name,label,__version,dob,sex,village,last_screening,due_action,full_name," \
        "assigned_action,assigned_note"
    assert lines[1].startswith("new,")
    assert lines[2].startswith(f"{person.id},Lê Thị Bình (02/03/2025),")
    assert f"mchat_r {today().isoformat()}" in lines[2]
    assert f"referral {(today() + timedelta(days=14)).isoformat()}" in lines[2]
    assert lines[2].endswith(",Lê Thị Bình,,")  # the name a form fills in; nothing assigned
    integrity = device.collect.get(f"{device.server_url}/datasets/cases/integrity",
                                   id=f"{person.id},unknown-id")
    body = integrity.data.decode()
    assert f'<entity id="{person.id}"><deleted>false</deleted>' in body
    assert '<entity id="unknown-id"><deleted>true</deleted>' in body
    elsewhere = make_device("ctv-lc", "02680")
    other_csv = elsewhere.collect.get(
        f"{elsewhere.server_url}/forms/mchat_r/attachments/cases.csv").data.decode()
    assert person.id not in other_csv  # each device gets only its own area


def test_every_record_change_is_audited(forms_ready, device):
    device.collect.submit(screening_instance("mchat_r", mchat_answers(8), dob=months_ago(20)))
    db.session.expire_all()
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"submission.create", "person.create", "screening.create", "case.create",
            "action.open"} <= actions


def test_a_person_outside_the_devices_area_is_never_updated(forms_ready, device, make_device):
    device.collect.submit(screening_instance("mchat_r", mchat_answers(0), dob=months_ago(20)))
    person = only(Person)
    outsider = make_device("ctv-lc", "02680")
    forged = screening_instance("mchat_r", mchat_answers(9), dob=months_ago(20),
                                person_id=person.id, commune="00004", name="Khác")
    assert outsider.collect.submit(forged).status_code == 201
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Screening).where(
        Screening.person_id == person.id)) == 1  # untouched
    registered = db.session.scalar(select(Person).where(Person.id != person.id))
    assert registered.commune_code == "02680"  # the device's own commune, not the claimed one
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "person.out_of_area_reference")).target_id == person.id


def test_case_list_hash_changes_only_with_its_content(forms_ready, device):
    import re

    def cases_hash() -> str:
        manifest = device.collect.get(f"{device.server_url}/forms/mchat_r/manifest").data
        return re.search(rb"<filename>cases.csv</filename>\s*<hash>([^<]+)", manifest).group(1)

    empty = cases_hash()
    assert cases_hash() == empty
    device.collect.submit(screening_instance("mchat_r", mchat_answers(0), dob=months_ago(20)))
    changed = cases_hash()
    assert changed != empty and cases_hash() == changed
