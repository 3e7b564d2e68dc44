"""Several web nodes on one database: blobs, and what the secret key signs.

Until a shared object store exists, nodes must share the instance folder. A node that does not
(a misconfiguration) must answer a clear error in the route's own format, never a 500. The
secret key signs the sync cursor, so nodes that do not share the instance folder must share
``SANGLOC_SECRET_KEY`` for a cursor from one to be accepted by another. Runs on SQLite and on
PostgreSQL: node 2 is a second app on the same database with its own instance.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from flask import Flask

from server import create_app
from server.boundary import transaction
from server.extensions import db
from server.services.access import api_tokens, users
from server.services.audit import SYSTEM
from server.services.forms import catalogue
from tests.integration.test_openrosa_forms import error_message, media_files
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


def test_media_attached_on_one_node_is_a_clear_openrosa_error_on_another(
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
    assert "logo.png" in logged[0] and digest in logged[0] and "instance folder" in logged[0]
    assert device.collect.get(url).data == PNG  # node 1, which holds the blob, serves it


def _node(app, tmp_path_factory, **settings) -> Flask:
    return create_app({"INSTANCE_DIR": str(tmp_path_factory.mktemp("node")),
                       "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                       "TESTING": True, **settings})


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
    for node in (first, same, other):
        with node.app_context():
            db.session.remove()
            db.engine.dispose()
