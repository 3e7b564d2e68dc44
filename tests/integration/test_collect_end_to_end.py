"""A device's whole day, with the real JavaRosa engine filling the form as Collect does.

List -> download (hash checked) -> manifest -> fill with JavaRosa -> HEAD + POST -> stored
byte for byte. Needs Java (``@pytest.mark.java``): without it this test fails, never skips.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Submission
from tests.integration.test_openrosa_forms import entries
from tests.support.javarosa_fill import fill_form

ANSWERS = {"/data/child_name": "Trần Thị Ánh Dương", "/data/dob": "2025-03-02",
           "/data/sex": "female", "/data/commune": "Phường Ba Đình",
           **{f"/data/q{i:02d}": "no" for i in range(1, 21)}}


@pytest.mark.java
def test_collect_lists_downloads_fills_and_sends(publish, device, anchor_xform):
    publish(anchor_xform, "anchor_screen.xml")
    listed = entries(device.collect.form_list())["anchor_screen"]
    form_xml = device.collect.get(listed["downloadUrl"]).data
    assert listed["hash"] == "md5:" + hashlib.md5(form_xml).hexdigest()
    instance = fill_form(form_xml, {**ANSWERS, "/data/q02": "yes"})
    instance_id = ET.fromstring(instance).findtext("meta/instanceID")
    assert instance_id.startswith("uuid:")
    response = device.collect.submit(instance)
    assert response.status_code == 201
    db.session.expire_all()
    stored = db.session.scalar(select(Submission).where(Submission.instance_id == instance_id))
    assert stored.xml == instance
    # Collect retries after a lost response: the same bytes again are a success, not a copy
    assert device.collect.submit(instance).status_code == 201
