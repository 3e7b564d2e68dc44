"""Several web nodes on one database: blobs, and what the secret key signs.

Nodes share their blobs through one object store (``SANGLOC_STORAGE_URL=s3://...``, here a real
SeaweedFS bucket): with it they need not share an instance folder, and a submission's
attachment sent to one node (Collect's multipart POST) and form media attached through one are
served by the other. Nodes that share neither the object store nor the instance folder (a
misconfiguration) answer a clear error in the route's own format, never a 500. The secret key
signs the sync cursor, so nodes that do not share the instance folder must share
``SANGLOC_SECRET_KEY`` for a cursor from one to be accepted by another. Runs on SQLite and on
PostgreSQL: each node is an app on the same database with an instance folder of its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from server import create_app
from server.boundary import transaction
from server.extensions import db
from server.models import Submission
from server.services.access import api_tokens, users
from server.services.audit import SYSTEM
from server.services.forms import catalogue
from tests.integration.conftest import Device, dispose
from tests.integration.test_openrosa_forms import error_message, media_files
from tests.integration.test_ui import PASSWORD, sign_in
from tests.integration.test_ui_screenings import _with_photo
from tests.support.collect import CollectClient
from tests.support.xlsform import photo_form

PNG = b"\x89PNG\r\n\x1a\nattached on node 1"


@pytest.fixture
def node_2(app, tmp_path_factory) -> Iterator[Flask]:
    """A second web node: the same database, an instance folder of its own."""
    other = create_app({"INSTANCE_DIR": str(tmp_path_factory.mktemp("node-2")),
                        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                        "TESTING": True, "PUBLIC_URL": "http://sangloc.test"})
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_media_attached_on_a_node_with_its_own_blobs_folder_is_a_clear_error_on_another(
        app, publish, device, node_2, caplog):
    publish(photo_form(), "photo_visit.xlsx")
    with transaction():
        catalogue.attach_media(SYSTEM, app.extensions["sangloc_blobs"], "photo_visit",
                               "logo.png", PNG)
    url = f"{device.server_url}/forms/photo_visit/attachments/logo.png"
    on_node_2 = CollectClient(node_2.test_client(), device.server_url)
    manifest = on_node_2.get(f"{device.server_url}/forms/photo_visit/manifest")
    assert "logo.png" in media_files(manifest)  # the row is in the shared database
    response = on_node_2.get(url)
    assert response.status_code == 503  # 503.1 in the route's format, never a 500
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert "logo.png" in error_message(response) and "máy chủ này" in error_message(response)
    digest = hashlib.sha256(PNG).hexdigest()
    logged = [r.getMessage() for r in caplog.records if r.name == "sangloc.media"]
    assert len(logged) == 1
    assert "logo.png" in logged[0] and digest in logged[0]
    assert "SANGLOC_STORAGE_URL" in logged[0] and "instance folder" in logged[0]
    assert device.collect.get(url).data == PNG  # node 1, which holds the blob, serves it


def _node(app, tmp_path_factory, **settings) -> Flask:
    return create_app({"INSTANCE_DIR": str(tmp_path_factory.mktemp("node")),
                       "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                       "TESTING": True, **settings})


def _dispose(*nodes: Flask) -> None:
    for node in nodes:
        dispose(node)


@pytest.fixture
def bucket_nodes(app, tmp_path_factory, s3_settings) -> Iterator[tuple[Flask, Flask]]:
    """Two web nodes on the test database and one bucket, each with its own instance folder."""
    nodes = tuple(_node(app, tmp_path_factory, PUBLIC_URL="http://sangloc.test", **s3_settings)
                  for _ in range(2))
    yield nodes
    _dispose(*nodes)


def test_two_nodes_on_one_bucket_serve_each_others_attachments_and_media(
        app, bucket_nodes, publish_bundled, publish, device, s3_server, tmp_path):
    node_1, node_2 = bucket_nodes
    with transaction():
        users.create_user(SYSTEM, "gs-ba-dinh", "supervisor", ["00004"], PASSWORD)
    publish_bundled("phq9")
    on_node_1 = Device(device.name, device.token, device.server_url,
                       CollectClient(node_1.test_client(), device.server_url))
    photo = b"\xff\xd8\xff\xe0 photo of the paper form, sent to node 1"
    _, screening, case_id = _with_photo(on_node_1, photo)  # Collect's HEAD + multipart POST
    attachment = db.session.get(Submission, screening.submission_id).attachments[0]
    assert attachment.blob_sha256 == hashlib.sha256(photo).hexdigest()
    stored = s3_server.client().get_object(
        Bucket=s3_server.bucket, Key=node_1.extensions["sangloc_blobs"].key(
            attachment.blob_sha256))
    assert stored["Body"].read() == photo  # in the bucket, and in neither instance folder:
    for node in (node_1, node_2):
        assert not (Path(node.config["SANGLOC_INSTANCE_DIR"]) / "blobs").exists()

    web_on_node_2 = node_2.test_client()
    assert sign_in(web_on_node_2, "gs-ba-dinh").status_code == 302
    link = f"/cases/{case_id}/screenings/{screening.id}/attachments/{attachment.id}"
    answer = web_on_node_2.get(link)
    assert answer.status_code == 200 and answer.data == photo

    publish(photo_form(), "photo_visit.xlsx")
    (tmp_path / "logo.png").write_bytes(PNG)
    with node_1.app_context():  # else with_appcontext keeps the one pushed by `app`
        attached = node_1.test_cli_runner().invoke(
            args=["forms", "attach", "photo_visit", str(tmp_path / "logo.png")])
    assert attached.exit_code == 0, attached.output
    collect_on_node_2 = CollectClient(node_2.test_client(), device.server_url)
    manifest = collect_on_node_2.get(f"{device.server_url}/forms/photo_visit/manifest")
    assert media_files(manifest)["logo.png"]["hash"] == f"md5:{hashlib.md5(PNG).hexdigest()}"
    media = collect_on_node_2.get(f"{device.server_url}/forms/photo_visit/attachments/logo.png")
    assert media.status_code == 200 and media.data == PNG


def test_a_sync_cursor_is_accepted_by_a_node_with_the_same_secret_key(app, tmp_path_factory):
    with transaction():
        users.create_user(SYSTEM, "gs", "supervisor", ["00004"])
        bearer = {"Authorization": f"Bearer {api_tokens.create_token(SYSTEM, 'gs')}"}
    first, same, other = (_node(app, tmp_path_factory, SECRET_KEY=key)
                          for key in ("shared-by-every-node", "shared-by-every-node",
                                      "another-key"))
    cursor = first.test_client().get("/api/v1/sync/changes", headers=bearer).json["cursor"]
    query = {"cursor": cursor}
    assert same.test_client().get("/api/v1/sync/changes", query_string=query,
                                  headers=bearer).status_code == 200
    refused = other.test_client().get("/api/v1/sync/changes", query_string=query,
                                      headers=bearer)
    assert refused.status_code == 400 and refused.json["error"]["code"] == "400.7"
    _dispose(first, same, other)
