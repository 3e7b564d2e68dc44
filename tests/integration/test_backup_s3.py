"""Backups when the blobs are in an object store (a real SeaweedFS bucket, tests/support/s3.py).

The backup's blob set goes to ``<prefix>backups/`` in the bucket (never out of it); the database
copy and its manifest stay in ``<instance>/backups``. A restore brings blobs back into the
bucket from that pool, or from a ``blobs`` folder carried beside the backup file (a deployment
moving from files to an object store). On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask

from server import create_app
from server.boundary import transaction
from server.services.audit import SYSTEM
from server.services.forms import catalogue
from tests.integration.conftest import dispose
from tests.integration.test_backup_blobs import (
    JPEG,
    PHOTO_NAME,
    PNG,
    T0,
    carry_away,
    restore_cli,
    sha,
    take_backup,
)
from tests.integration.test_openrosa_submission import photo_instance
from tests.support.collect import CollectClient
from tests.support.xlsform import photo_form


@pytest.fixture
def bucket_app(app, tmp_path_factory, s3_settings) -> Iterator[Flask]:
    """The test database served by a node whose blobs are in the bucket (its context pushed)."""
    node = create_app({"INSTANCE_DIR": str(tmp_path_factory.mktemp("bucket-node")),
                       "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "TESTING": True,
                       "PUBLIC_URL": "http://sangloc.test", **s3_settings})
    with node.app_context():
        yield node
    dispose(node)


def _screen(node: Flask, publish, device) -> None:
    """A form with a logo attached and a submission with a photo, both through ``node``."""
    publish(photo_form(), "photo_visit.xlsx")
    with transaction():
        catalogue.attach_media(SYSTEM, node.extensions["sangloc_blobs"], "photo_visit",
                               "logo.png", PNG)
    collect = CollectClient(node.test_client(), device.server_url)
    response = collect.submit(photo_instance(f"uuid:{uuid.uuid4()}"), {PHOTO_NAME: JPEG})
    assert response.status_code == 201, response.data


def _logo(machine: Flask, device) -> bytes:
    collect = CollectClient(machine.test_client(), device.server_url)
    answer = collect.get(f"{device.server_url}/forms/photo_visit/attachments/logo.png")
    assert answer.status_code == 200
    return answer.data


def test_the_blob_set_goes_to_the_bucket_and_restore_brings_lost_blobs_back(
        bucket_app, publish, device, make_machine, s3_settings):
    _screen(bucket_app, publish, device)
    store = bucket_app.extensions["sangloc_blobs"]
    made = take_backup(bucket_app)
    assert made.blobs == 2
    assert made.manifest.read_text() == "".join(f"{h}\n" for h in sorted([sha(PNG), sha(JPEG)]))
    pool = store.backup_pool()
    assert pool.prefix == f"{store.prefix}backups/"
    assert sorted(pool.addresses()) == sorted([sha(PNG), sha(JPEG)])
    assert pool.get(sha(JPEG)) == JPEG
    assert not (made.path.parent / "blobs").exists()  # nothing left the bucket
    for data in (PNG, JPEG):  # the live objects are lost; the pool is not
        assert store.delete(sha(data))
    new_machine = make_machine(**s3_settings)
    result = restore_cli(new_machine, made.path)
    assert result.exit_code == 0, result.output
    assert "2 attachment and media files" in result.output
    assert store.get(sha(JPEG)) == JPEG
    assert _logo(new_machine, device) == PNG


def test_a_backup_of_a_files_deployment_restores_into_a_bucket(
        app, publish, device, make_machine, s3_settings, tmp_path_factory):
    _screen(app, publish, device)  # blobs in <instance>/blobs
    carried = carry_away(app, take_backup(app), tmp_path_factory)
    new_machine = make_machine(**s3_settings)
    result = restore_cli(new_machine, carried)
    assert result.exit_code == 0, result.output
    store = new_machine.extensions["sangloc_blobs"]
    assert store.get(sha(JPEG)) == JPEG and store.get(sha(PNG)) == PNG
    assert _logo(new_machine, device) == PNG


def test_restore_names_the_blobs_in_no_pool(
        bucket_app, publish, device, make_machine, s3_settings):
    _screen(bucket_app, publish, device)
    made = take_backup(bucket_app)
    store = bucket_app.extensions["sangloc_blobs"]
    for data in (PNG, JPEG):
        store.delete(sha(data))
    store.backup_pool().delete(sha(JPEG))
    result = restore_cli(make_machine(**s3_settings), made.path)
    assert result.exit_code == 1
    assert "422.9" in result.output and sha(JPEG) in result.output
    assert sha(PNG) not in result.output and store.backup_pool().location in result.output
    assert not store.exists(sha(PNG))  # refused before copying anything


def test_pruning_the_bucket_pool_keeps_the_kept_backups_blobs_only(bucket_app, publish):
    publish(photo_form(), "photo_visit.xlsx")
    store = bucket_app.extensions["sangloc_blobs"]
    old, new = b"old logo", b"new logo"
    with transaction():
        catalogue.attach_media(SYSTEM, store, "photo_visit", "logo.png", old)
    take_backup(bucket_app, keep=1, now=T0)
    assert list(store.backup_pool().addresses()) == [sha(old)]
    with transaction():
        catalogue.attach_media(SYSTEM, store, "photo_visit", "logo.png", new)
    take_backup(bucket_app, keep=1, now=T0 + timedelta(hours=1))
    assert list(store.backup_pool().addresses()) == [sha(new)]
    assert store.get(sha(old)) == old  # the live blobs are never pruned
