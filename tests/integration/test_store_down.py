"""An object store that does not answer while a submission with an attachment arrives.

The submission cannot be kept whole (its attachment has nowhere to go), so nothing of it is
kept and the client is told, in its own format, that the server cannot store files right now
(503.4) and to send it again later: never a 500, never a half-kept submission that would make
the resend a "duplicate" without its photo. Once the store answers, the same submission is
accepted. Runs on SQLite and PostgreSQL; the unreachable store is an S3 endpoint on a loopback
port nobody listens on.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from server import create_app
from server.extensions import db
from server.models import Submission
from tests.integration.conftest import dispose
from tests.integration.test_openrosa_forms import error_message
from tests.integration.test_ui_screenings import _phq9_with_photo
from tests.support.collect import CollectClient
from tests.support.instances import levels, screening_instance
from tests.support.s3 import free_port

PHOTO = b"\xff\xd8\xff\xe0 a photo of the paper form"


@pytest.fixture
def storeless_node(app, tmp_path_factory) -> Iterator[Flask]:
    """A web node on the test database whose object store is at a port nobody listens on."""
    node = create_app({
        "INSTANCE_DIR": str(tmp_path_factory.mktemp("storeless")), "TESTING": True,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "STORAGE_URL": f"s3://sangloc?endpoint=http://127.0.0.1:{free_port()}&region=us-east-1",
        "S3_ACCESS_KEY": "nobody", "S3_SECRET_KEY": "nothing-here"})
    yield node
    dispose(node)


def _photo_screening() -> tuple[bytes, str]:
    from server.boundary import transaction
    from server.services.audit import SYSTEM
    from server.services.forms import publishing

    with transaction():
        published = publishing.publish_xform(SYSTEM, _phq9_with_photo(), "phq9.xlsx",
                                             strict=False)
    xml = screening_instance("phq9", {**levels(9), "paper_form": "phieu.jpg"}, name="Lê Thị Ảnh")
    version = f'version="{published.version.version}"'.encode()
    xml = re.sub(rb'version="[^"]+"', version, xml, count=1)
    return xml, re.search(rb"<instanceID>([^<]+)</instanceID>", xml).group(1).decode()


def _kept(instance_id: str) -> int:
    db.session.rollback()
    return len(db.session.scalars(select(Submission.id).where(
        Submission.instance_id == instance_id)).all())


def test_collect_is_told_to_send_again_later_and_nothing_is_half_kept(
        app, publish_bundled, device, storeless_node):
    publish_bundled("phq9")
    xml, instance_id = _photo_screening()
    on_storeless = CollectClient(storeless_node.test_client(), device.server_url)
    response = on_storeless.submit(xml, {"phieu.jpg": PHOTO})
    assert response.status_code == 503
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert error_message(response) == ("Máy chủ tạm thời không lưu được tệp đính kèm. Phiếu "
                                       "chưa được nhận; hãy gửi lại sau ít phút.")  # 503.4
    assert _kept(instance_id) == 0
    assert device.collect.submit(xml, {"phieu.jpg": PHOTO}).status_code == 201  # store back
    assert _kept(instance_id) == 1


def test_a_sync_item_is_rejected_with_the_same_reason_and_the_batch_goes_on(
        app, publish_bundled, device, storeless_node):
    publish_bundled("phq9")
    xml, instance_id = _photo_screening()
    plain = screening_instance("phq9", levels(9), name="Lê Văn Không Ảnh").decode()
    answer = storeless_node.test_client().post(
        "/api/v1/sync", headers={"Authorization": f"Bearer {device.token}"},
        json={"submissions": [
            {"client_id": "a", "xml": xml.decode(),
             "attachments": {"phieu.jpg": base64.b64encode(PHOTO).decode()}},
            {"client_id": "b", "xml": plain}]})
    assert answer.status_code == 200
    first, second = answer.json["results"]
    assert first["status"] == "rejected" and first["reason"].startswith("503.4"), first
    assert second["status"] == "accepted"  # no attachment: the store was not needed
    assert _kept(instance_id) == 0
