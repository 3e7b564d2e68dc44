"""Edits (``deprecatedID``) are scoped like every other write (issue 8, item 1).

A sender in commune B who names the instanceID of a commune-A submission must not supersede it:
the edit is refused exactly like an edit of an unknown submission (OpenRosa 404.3, no hint that
the instance exists), on ``/submission`` and on ``/api/v1/sync``, and nothing of commune A's
record changes. Instance ids are not secrets, so the test simply reuses one.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from server.boundary import transaction
from server.extensions import db
from server.models import Person, Screening, Submission
from server.services.access import api_tokens, users
from server.services.audit import SYSTEM
from server.services.cases import reads
from tests.integration.conftest import OTHER_PROVINCE_COMMUNE
from tests.support.instances import mchat_answers, screening_instance

NEIGHBOUR_COMMUNE = "00008"  # Phường Ngọc Hà, same province (01) as the device's 00004
ORIGINAL = "uuid:aaaaaaaa-0000-4000-8000-000000000001"


@pytest.fixture
def commune_a_record(publish_bundled, device):
    """A high-risk child registered in commune 00004 by that commune's device."""
    publish_bundled("mchat_r")
    response = device.collect.submit(screening_instance(
        "mchat_r", mchat_answers(8), dob=date(2025, 2, 10), instance_id=ORIGINAL,
        name="Nguyễn Văn An", phone="0912345678"))
    assert response.status_code == 201
    db.session.expire_all()
    return db.session.scalar(select(Person))


def takeover(commune: str) -> bytes:
    """An edit of the commune-A submission sent from ``commune``, renaming the child."""
    return screening_instance("mchat_r", mchat_answers(0), dob=date(2024, 1, 1),
                              deprecated_id=ORIGINAL, name="Kẻ Lạ", phone="0999999999",
                              commune=commune)


def assert_untouched(person_id: str) -> None:
    db.session.expire_all()
    person = db.session.get(Person, person_id)
    assert (person.full_name, person.dob, person.phone, person.commune_code) == \
        ("Nguyễn Văn An", date(2025, 2, 10), "0912345678", "00004")
    [screening] = db.session.scalars(select(Screening)).all()
    assert screening.superseded_by_id is None and screening.flags == ["refer_immediately"]
    original = db.session.scalar(select(Submission).where(Submission.instance_id == ORIGINAL))
    assert original.superseded_by_id is None
    case = reads.case_of(db.session.get(Person, person_id))
    assert case.next_action.kind == "referral"


@pytest.mark.parametrize("commune", [NEIGHBOUR_COMMUNE, OTHER_PROVINCE_COMMUNE])
def test_a_device_of_another_commune_cannot_edit_the_submission(commune_a_record, make_device,
                                                                 commune):
    intruder = make_device("ctv-b", commune)
    response = intruder.collect.submit(takeover(commune))
    assert response.status_code == 404
    assert ORIGINAL.encode() in response.data  # the same words as for an unknown instance
    unknown = intruder.collect.submit(screening_instance(
        "mchat_r", mchat_answers(0), deprecated_id="uuid:never-sent"))
    assert unknown.status_code == 404
    assert response.data.replace(ORIGINAL.encode(), b"") == \
        unknown.data.replace(b"uuid:never-sent", b"")
    assert_untouched(commune_a_record.id)
    assert db.session.scalar(select(Submission).where(
        Submission.deprecated_id == ORIGINAL)) is None


def test_an_api_user_of_another_commune_cannot_edit_through_sync(commune_a_record, client):
    with transaction():
        users.create_user(SYSTEM, "ctv-b", "collaborator", [NEIGHBOUR_COMMUNE])
        token = api_tokens.create_token(SYSTEM, "ctv-b")
    response = client.post("/api/v1/sync", headers={"Authorization": f"Bearer {token}"},
                           json={"submissions": [{"client_id": "x",
                                                  "xml": takeover(NEIGHBOUR_COMMUNE).decode()}]})
    assert response.status_code == 200
    [result] = response.json["results"]
    assert result["status"] == "rejected" and result["reason"].startswith("404.3")
    assert_untouched(commune_a_record.id)


def test_a_device_of_the_same_commune_may_still_edit(commune_a_record, make_device):
    colleague = make_device("ctv-a2", "00004")
    edit = screening_instance("mchat_r", mchat_answers(1), dob=date(2025, 2, 10),
                              deprecated_id=ORIGINAL, name="Nguyễn Văn An")
    assert colleague.collect.submit(edit).status_code == 201
    db.session.expire_all()
    current = db.session.scalars(select(Screening).where(
        Screening.superseded_by_id.is_(None))).all()
    assert [s.band for s in current] == ["low"]


def test_a_province_supervisor_may_edit_a_submission_of_a_commune_in_the_province(
        commune_a_record, client):
    with transaction():
        users.create_user(SYSTEM, "gs-01", "supervisor", ["01"])
        token = api_tokens.create_token(SYSTEM, "gs-01")
    edit = screening_instance("mchat_r", mchat_answers(1), dob=date(2025, 2, 10),
                              deprecated_id=ORIGINAL, name="Nguyễn Văn An")
    response = client.post("/api/v1/sync", headers={"Authorization": f"Bearer {token}"},
                           json={"submissions": [{"client_id": "e", "xml": edit.decode()}]})
    assert response.json["results"][0]["status"] == "accepted"
    db.session.expire_all()
    person = db.session.get(Person, commune_a_record.id)
    assert person.commune_code == "00004"  # an edit never moves a person by itself


def test_a_copy_of_the_body_sent_from_another_commune_is_a_conflict(commune_a_record,
                                                                     make_device):
    """Resending commune A's exact bytes from commune B is not a "duplicate": it would repeat
    A's result ("nguy cơ cao") to B and let B add attachments to A's submission."""
    db.session.expire_all()
    original = db.session.scalar(select(Submission).where(Submission.instance_id == ORIGINAL))
    intruder = make_device("ctv-b", NEIGHBOUR_COMMUNE)
    response = intruder.collect.submit(original.xml)
    assert response.status_code == 409
    assert b"cao" not in response.data
    assert_untouched(commune_a_record.id)
