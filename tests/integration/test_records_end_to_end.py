"""End to end: a form downloaded like Collect, filled in the real JavaRosa engine, sent over
OpenRosa, becomes a person with a scored screening, the right flags and the right next action.

Expected values worked by hand from instruments.md §2: answering "yes" to q02, q05 and q12 and
"no" to q01, q03, q04, q06, q07 and q08 puts 9 items at risk (the reversed three count on "yes",
the others on "no"); the other 11 are answered "yes" (not at risk). 9 is in the High band
(8-20): flag ``refer_immediately``, a referral due 14 days after the screening.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Person, Screening
from server.programme import VIETNAM
from server.services.cases import reads
from tests.integration.test_openrosa_forms import entries, media_files
from tests.support.javarosa_fill import fill_form, inline_csv

AT_RISK_YES = {"q02", "q05", "q12"}
AT_RISK_NO = {"q01", "q03", "q04", "q06", "q07", "q08"}


@pytest.mark.java
def test_collect_to_record(publish_bundled, device):
    publish_bundled("mchat_r")
    listed = entries(device.collect.form_list())["mchat_r"]
    form = device.collect.get(listed["downloadUrl"]).data
    files = {name: device.collect.get(f["downloadUrl"]).data
             for name, f in media_files(device.collect.get(listed["manifestUrl"])).items()}
    today = datetime.now(VIETNAM).date()
    months = today.year * 12 + today.month - 1 - 20  # a child of 20 months
    dob = date(months // 12, months % 12 + 1, 1)
    answers = {
        "/data/consent_group/consent": "yes", "/data/consent_group/consent_by": "Lê Thị Hoa",
        "/data/consent_group/consent_relation": "mother",
        "/data/consent_group/consent_method": "paper_signature",
        "/data/person/dob": dob.isoformat(), "/data/person/person_id": "new",
        "/data/person/full_name": "Đặng Gia Bảo", "/data/person/sex": "male",
        "/data/person/caregiver_name": "Lê Thị Hoa", "/data/person/commune": "00004",
        **{f"/data/mchat_r/q{i:02d}": ("yes" if f"q{i:02d}" in AT_RISK_YES else
                                       "no" if f"q{i:02d}" in AT_RISK_NO else "yes")
           for i in range(1, 21)}}
    instance = fill_form(inline_csv(form, files), answers)
    response = device.collect.submit(instance)
    assert response.status_code == 201
    message = ET.fromstring(response.data)[0].text
    assert "M-CHAT-R" in message and "Đặng" not in message
    db.session.expire_all()
    person = db.session.scalar(select(Person))
    assert (person.full_name, person.dob, person.commune_code) == ("Đặng Gia Bảo", dob, "00004")
    screening = db.session.scalar(select(Screening))
    assert (screening.total, screening.band, screening.flags) == (9, "high", ["refer_immediately"])
    assert screening.device_total == 9 and not screening.device_disagrees
    case = reads.case_of(person)
    assert (case.next_action.kind, case.next_action.due) == ("referral",
                                                           today + timedelta(days=14))
    # the person is now in the device's case list, ready for the next visit
    manifest = media_files(device.collect.get(listed["manifestUrl"]))
    assert person.id in device.collect.get(manifest["cases.csv"]["downloadUrl"]).data.decode()
