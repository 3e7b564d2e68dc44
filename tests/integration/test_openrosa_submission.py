"""HEAD and POST /submission: every case of openrosa.md a.8-a.12, as ODK Collect sends them."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from server.boundary import transaction
from server.extensions import db
from server.models import AuditEvent, Submission, SubmissionConflict
from server.services.audit import SYSTEM
from server.services.forms import catalogue
from tests.integration.conftest import anchor_instance
from tests.integration.test_openrosa_forms import error_message
from tests.support.xlsform import photo_form


@pytest.fixture
def anchor(publish, anchor_xform):
    return publish(anchor_xform, "anchor_screen.xml")


@pytest.fixture
def photo(publish):
    return publish(photo_form(), "photo_visit.xlsx")


def photo_instance(instance_id: str, *, photo: str = "ảnh phiếu 1.jpg", photo2: str = "",
                   deprecated_id: str | None = None, note: str = "") -> bytes:
    deprecated = f"<deprecatedID>{deprecated_id}</deprecatedID>" if deprecated_id else ""
    return (
        '<data id="photo_visit" version="1"><child_name>Lê Văn Bình</child_name>'
        f"<commune>00004</commune><photo>{photo}</photo><photo2>{photo2}</photo2>"
        f"<note_text>{note}</note_text>"
        f"<meta><instanceID>{instance_id}</instanceID>{deprecated}</meta></data>").encode()


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def stored(instance_id: str) -> Submission:
    db.session.expire_all()
    return db.session.scalar(select(Submission).where(Submission.instance_id == instance_id))


def new_id() -> str:
    return f"uuid:{uuid.uuid4()}"


def test_head_answers_204_with_accepted_length(device):
    response = device.collect.head_submission()
    assert response.status_code == 204
    assert response.data == b""
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert response.headers["X-OpenRosa-Accept-Content-Length"] == "100000000"


def test_new_submission_is_stored_exactly_as_received(anchor, device):
    instance_id = new_id()
    xml = anchor_instance(instance_id)
    response = device.collect.submit(xml)
    assert response.status_code == 201
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert b"<message nature=\"\">" in response.data and "Đã nhận".encode() in response.data
    submission = stored(instance_id)
    assert submission.xml == xml
    assert submission.device_id == "collect:AbCdEf0123456789"  # recorded, never used
    assert submission.user_agent.startswith("org.odk.collect.android/")
    assert submission.merge_state == "not_scored"  # anchor_screen binds no instrument
    assert submission.app_user_id is not None
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "submission.create")).all()
    assert [e.target_id for e in events] == [str(submission.id)]


def test_identical_resubmission_succeeds_and_merges_new_attachments(photo, device):
    instance_id = new_id()
    xml = photo_instance(instance_id, photo="ảnh phiếu 1.jpg", photo2="photo two.jpg")
    first = device.collect.post_submission(xml, {"ảnh phiếu 1.jpg": b"one"})
    assert first.status_code == 201
    assert stored(instance_id).missing_media == ["photo two.jpg"]
    again = device.collect.post_submission(xml, {"photo two.jpg": b"two"})
    assert again.status_code == 201
    submission = stored(instance_id)
    assert submission.missing_media == []
    assert {a.filename: a.size for a in submission.attachments} == {
        "photo two.jpg": 3, "ảnh phiếu 1.jpg": 3}
    assert count(Submission) == 1


def test_same_instance_id_with_different_xml_is_409_and_kept_for_review(anchor, device):
    instance_id = new_id()
    original = anchor_instance(instance_id)
    assert device.collect.submit(original).status_code == 201
    changed = anchor_instance(instance_id, name="Nguyễn Thị Lan")
    response = device.collect.submit(changed)
    assert response.status_code == 409
    assert instance_id in error_message(response)
    assert stored(instance_id).xml == original  # never overwritten
    conflict = db.session.scalar(select(SubmissionConflict))
    assert conflict.xml == changed and conflict.instance_id == instance_id
    assert device.collect.submit(changed).status_code == 409
    assert count(SubmissionConflict) == 1  # the same refused body is kept once


def test_edit_through_deprecated_id_keeps_history_and_carries_attachments(photo, device):
    first_id, edit_id = new_id(), new_id()
    original = photo_instance(first_id)
    assert device.collect.post_submission(original, {"ảnh phiếu 1.jpg": b"jpeg"}).status_code \
        == 201
    edit = photo_instance(edit_id, deprecated_id=first_id, note="đã sửa")
    response = device.collect.post_submission(edit)  # Collect does not resend unchanged files
    assert response.status_code == 201
    old, new = stored(first_id), stored(edit_id)
    assert old.xml == original and old.superseded_by_id == new.id
    assert new.deprecated_id == first_id and new.superseded_by_id is None
    assert [(a.filename, a.blob_sha256) for a in new.attachments] == \
        [(a.filename, a.blob_sha256) for a in old.attachments]
    assert new.missing_media == []
    # sending the same edit again is an identical resubmission
    assert device.collect.post_submission(edit).status_code == 201
    assert count(Submission) == 2


def test_edit_of_an_unknown_submission_is_404(anchor, device):
    xml = anchor_instance(new_id(), deprecated_id="uuid:00000000-0000-0000-0000-000000000000")
    response = device.collect.submit(xml)
    assert response.status_code == 404
    assert "uuid:00000000-0000-0000-0000-000000000000" in error_message(response)
    assert count(Submission) == 0


def test_edit_of_a_stale_version_is_409(anchor, device):
    first, second, third = new_id(), new_id(), new_id()
    assert device.collect.submit(anchor_instance(first)).status_code == 201
    assert device.collect.submit(anchor_instance(second, deprecated_id=first)).status_code == 201
    stale = device.collect.submit(anchor_instance(third, deprecated_id=first, q01="no"))
    assert stale.status_code == 409
    assert first in error_message(stale)
    assert stored(third) is None


def test_edit_whose_new_instance_id_is_already_used_is_409(anchor, device):
    first, other = new_id(), new_id()
    assert device.collect.submit(anchor_instance(first)).status_code == 201
    assert device.collect.submit(anchor_instance(other)).status_code == 201
    response = device.collect.submit(anchor_instance(other, deprecated_id=first))
    assert response.status_code == 409
    assert stored(first).superseded_by_id is None


def test_split_upload_with_is_incomplete(photo, device):
    instance_id = new_id()
    xml = photo_instance(instance_id, photo="a.jpg", photo2="b.jpg")
    part1 = device.collect.post_submission(xml, {"a.jpg": b"A" * 10}, incomplete=True)
    assert part1.status_code == 201
    part2 = device.collect.post_submission(xml, {"b.jpg": b"B" * 20})
    assert part2.status_code == 201
    submission = stored(instance_id)
    assert {a.filename: a.size for a in submission.attachments} == {"a.jpg": 10, "b.jpg": 20}
    assert count(Submission) == 1


def test_unknown_parts_are_ignored_and_changed_attachment_is_replaced_and_audited(photo, device,
                                                                                  app):
    instance_id = new_id()
    xml = photo_instance(instance_id, photo="a.jpg")
    assert device.collect.post_submission(xml, {"a.jpg": b"v1", "stray.bin": b"x"}).status_code \
        == 201
    assert [a.filename for a in stored(instance_id).attachments] == ["a.jpg"]
    assert device.collect.post_submission(xml, {"a.jpg": b"v2"}).status_code == 201
    row = stored(instance_id).attachments[0]
    assert app.extensions["sangloc_blobs"].get(row.blob_sha256) == b"v2"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "submission.attachment_replace")) == 1


def test_closing_form_accepts_and_closed_form_refuses(anchor, device):
    with transaction():
        catalogue.set_form_state(SYSTEM, "anchor_screen", "closing")
    assert device.collect.submit(anchor_instance()).status_code == 201
    with transaction():
        catalogue.set_form_state(SYSTEM, "anchor_screen", "closed")
    response = device.collect.submit(anchor_instance())
    assert response.status_code == 409
    assert "anchor_screen" in error_message(response)
    assert count(Submission) == 1


def test_old_published_version_still_accepted(anchor, device, publish, anchor_xform):
    publish(anchor_xform.replace(b'version="1"', b'version="2"'), "anchor_screen.xml")
    assert device.collect.submit(anchor_instance(version="1")).status_code == 201
    assert device.collect.submit(anchor_instance(version="2")).status_code == 201


def test_unknown_form_or_version_is_404(anchor, device):
    unknown_form = anchor_instance().replace(b'id="anchor_screen"', b'id="no_such_form"')
    response = device.collect.submit(unknown_form)
    assert response.status_code == 404
    assert "no_such_form" in error_message(response)
    response = device.collect.submit(anchor_instance(version="99"))
    assert response.status_code == 404
    assert "99" in error_message(response)
    assert count(Submission) == 0


def test_missing_xml_submission_file_is_400(anchor, device, client):
    body = (b"--b\r\nContent-Disposition: form-data; name=\"photo.jpg\"; filename=\"photo.jpg\""
            b"\r\n\r\nxx\r\n--b--\r\n")
    response = client.post(f"/key/{device.token}/submission", data=body,
                           content_type="multipart/form-data; boundary=b",
                           headers={"X-OpenRosa-Version": "1.0"})
    assert response.status_code == 400
    assert "xml_submission_file" in error_message(response)


def test_xml_part_sent_without_filename_is_accepted(anchor, device, client):
    instance_id = new_id()
    xml = anchor_instance(instance_id)
    body = (b"--b\r\nContent-Disposition: form-data; name=\"xml_submission_file\"\r\n\r\n"
            + xml + b"\r\n--b--\r\n")
    response = client.post(f"/key/{device.token}/submission", data=body,
                           content_type="multipart/form-data; boundary=b",
                           headers={"X-OpenRosa-Version": "1.0"})
    assert response.status_code == 201
    assert stored(instance_id).xml == xml


@pytest.mark.parametrize("xml", [
    b"<data id='anchor_screen' version='1'><q01>yes</q01>",
    b"",
    b"not xml at all",
], ids=["unclosed", "empty", "text"])
def test_malformed_xml_is_400(anchor, device, xml):
    response = device.collect.submit(xml)
    assert response.status_code == 400
    assert error_message(response)
    assert count(Submission) == 0


XXE = (b'<?xml version="1.0"?><!DOCTYPE data [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       b'<data id="anchor_screen" version="1"><child_name>&xxe;</child_name>'
       b"<meta><instanceID>uuid:xxe</instanceID></meta></data>")
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
          b'<data id="anchor_screen" version="1"><child_name>&lol3;</child_name>'
          b"<meta><instanceID>uuid:lol</instanceID></meta></data>")


@pytest.mark.parametrize("xml", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_dtd_and_entities_are_refused_and_nothing_stored(anchor, device, xml):
    response = device.collect.submit(xml)
    assert response.status_code == 400
    assert "DOCTYPE" in error_message(response)
    assert count(Submission) == 0
    assert count(SubmissionConflict) == 0


def test_missing_instance_id_is_400(anchor, device):
    xml = b'<data id="anchor_screen" version="1"><child_name>A</child_name></data>'
    response = device.collect.submit(xml)
    assert response.status_code == 400
    assert "instanceID" in error_message(response)


def test_request_over_the_accepted_length_is_413_openrosa(app, anchor, device):
    app.config["MAX_CONTENT_LENGTH"] = 2_000
    app.config["SANGLOC_MAX_SUBMISSION_BYTES"] = 1_000
    response = device.collect.post_submission(anchor_instance(), {"big.jpg": b"x" * 5_000})
    assert response.status_code == 413
    assert "1000" in error_message(response)
    assert count(Submission) == 0


def test_attachment_names_with_spaces_and_vietnamese(photo, device):
    instance_id = new_id()
    name = "Ảnh sổ khám bệnh – trẻ 1.jpg"
    xml = photo_instance(instance_id, photo=name)
    assert device.collect.post_submission(xml, {name: b"jpeg"}).status_code == 201
    attachment = stored(instance_id).attachments[0]
    assert attachment.filename == name and attachment.blob_sha256 is not None


def test_openrosa_version_header_required_on_post(anchor, device, client):
    response = client.post(f"/key/{device.token}/submission", data=b"",
                           content_type="multipart/form-data; boundary=b")
    assert response.status_code == 400
    assert "X-OpenRosa-Version" in error_message(response)


def test_get_on_submission_is_an_openrosa_error(device, client):
    response = client.get(f"/key/{device.token}/submission",
                          headers={"X-OpenRosa-Version": "1.0"})
    assert response.status_code == 405
    assert error_message(response)


def test_crash_mid_request_leaves_nothing_and_retry_succeeds(anchor, device, monkeypatch):
    from server.services.intake import store

    instance_id = new_id()
    xml = anchor_instance(instance_id)

    def crash(*_args, **_kwargs):
        raise RuntimeError("simulated crash after the submission row was written")

    monkeypatch.setattr(store, "record_event", crash)
    response = device.collect.submit(xml)
    assert response.status_code == 500
    assert error_message(response)
    assert count(Submission) == 0
    monkeypatch.undo()
    assert device.collect.submit(xml).status_code == 201
    assert count(Submission) == 1


def test_openrosa_version_header_required_on_head(device, client):
    response = client.head(f"/key/{device.token}/submission")
    assert response.status_code == 400


def test_bodies_the_fast_path_declines_are_parsed_by_werkzeug(anchor, device, client):
    from tests.support.collect import headers, multipart

    instance_id = new_id()
    xml = anchor_instance(instance_id)
    body, content_type = multipart(xml)
    response = client.post(f"/key/{device.token}/submission", data=b"preamble\r\n" + body,
                           content_type=content_type, headers=headers())
    assert response.status_code == 201
    assert stored(instance_id).xml == xml
