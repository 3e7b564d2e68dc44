"""Registration data never renames a person in silence (issue 8, item 5).

Only an edit of the submission that registered the person corrects the person (the collaborator
fixing their own form); every other difference (a later screening, an edit of a later
screening, a name that differs only in its marks) is kept as a registration conflict for a
supervisor and the person stays as stored. A correction never moves a person out of the
sender's area: such a commune is kept as a conflict too.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, Person, RegistrationConflict
from tests.support.instances import mchat_answers, screening_instance

FIRST = "uuid:bbbbbbbb-0000-4000-8000-000000000001"
SECOND = "uuid:bbbbbbbb-0000-4000-8000-000000000002"
DOB = date(2025, 2, 10)


@pytest.fixture
def registered(publish_bundled, device):
    """A child registered by FIRST as "Nguyễn Văn An", screened again by SECOND."""
    publish_bundled("mchat_r")
    assert device.collect.submit(screening_instance(
        "mchat_r", mchat_answers(0), dob=DOB, instance_id=FIRST)).status_code == 201
    person = db.session.scalar(select(Person))
    assert device.collect.submit(screening_instance(
        "mchat_r", mchat_answers(0), dob=DOB, instance_id=SECOND,
        person_id=person.id)).status_code == 201
    return person.id


def stored(person_id: str) -> Person:
    db.session.expire_all()
    return db.session.get(Person, person_id)


def conflicts() -> list[dict]:
    db.session.expire_all()
    return [c.fields for c in db.session.scalars(
        select(RegistrationConflict).order_by(RegistrationConflict.id))]


def test_a_later_screening_with_a_name_differing_only_in_marks_is_a_conflict(registered,
                                                                             device):
    assert device.collect.submit(screening_instance(
        "mchat_r", mchat_answers(0), dob=DOB, person_id=registered,
        name="Nguyễn Văn Ân")).status_code == 201
    assert stored(registered).full_name == "Nguyễn Văn An"
    assert conflicts() == [{"full_name": ["Nguyễn Văn An", "Nguyễn Văn Ân"]}]


def test_an_edit_of_a_later_screening_does_not_rename_the_person(registered, device):
    edit = screening_instance("mchat_r", mchat_answers(0), dob=DOB, deprecated_id=SECOND,
                              person_id=registered, name="Lê Thị Bích", phone="0987000000")
    assert device.collect.submit(edit).status_code == 201
    person = stored(registered)
    assert (person.full_name, person.phone) == ("Nguyễn Văn An", "0912345678")
    assert conflicts() == [{"full_name": ["Nguyễn Văn An", "Lê Thị Bích"],
                            "phone": ["0912345678", "0987000000"]}]


def test_an_edit_of_the_registering_submission_corrects_the_person(registered, device):
    edit = screening_instance("mchat_r", mchat_answers(0), dob=DOB, deprecated_id=FIRST,
                              name="Nguyễn Văn Ân")
    assert device.collect.submit(edit).status_code == 201
    assert stored(registered).full_name == "Nguyễn Văn Ân"
    assert conflicts() == []
    updates = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "person.update")).all()
    assert [u.detail["fields"] for u in updates] == [["full_name"]]
    # and an edit of that edit still corrects: the chain goes back to the registration
    again = screening_instance("mchat_r", mchat_answers(0), dob=DOB,
                               deprecated_id=edit_instance_id(edit), name="Nguyễn Văn Ấn")
    assert device.collect.submit(again).status_code == 201
    assert stored(registered).full_name == "Nguyễn Văn Ấn"


def test_a_correction_never_moves_the_person_out_of_the_senders_area(registered, device):
    edit = screening_instance("mchat_r", mchat_answers(0), dob=DOB, deprecated_id=FIRST,
                              commune="00008", village="Thôn Tây")
    assert device.collect.submit(edit).status_code == 201
    person = stored(registered)
    assert (person.commune_code, person.village) == ("00004", "Thôn Tây")
    assert conflicts() == [{"commune": ["00004", "00008"]}]


def edit_instance_id(xml: bytes) -> str:
    text = xml.decode()
    return text.split("<instanceID>", 1)[1].split("</instanceID>", 1)[0]
