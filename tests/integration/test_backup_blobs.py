"""Backups hold the blobs their database references: the pool, the manifest, restore's checks.

Every test runs on SQLite and on PostgreSQL. "A new machine" is an empty instance folder and an
empty database (a new SQLite file, or a new PostgreSQL database made with ``createdb``): a
restore there must bring back both the rows and the files they name. The backups folder is
carried there (copied elsewhere) and the old instance's files are deleted, so nothing can be
read from them by accident.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect, select

from server.boundary import transaction
from server.extensions import db
from server.jobs.runner import run_job
from server.models import Submission, SubmissionAttachment
from server.services.audit import SYSTEM
from server.services.forms import catalogue
from server.services.ops import backup
from tests.integration.test_openrosa_submission import photo_instance
from tests.support.collect import CollectClient
from tests.support.problems import raises_problem
from tests.support.xlsform import photo_form

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\nlogo of the screening programme"
JPEG = b"\xff\xd8\xff\xe0 photo of the paper form"
PHOTO_NAME = "ảnh phiếu 1.jpg"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def blob_file(root: Path, data: bytes) -> Path:
    digest = sha(data)
    return root / digest[:2] / digest[2:4] / digest


@pytest.fixture
def new_machine(make_machine) -> Flask:
    """The app on an empty instance folder and an empty database."""
    return make_machine()


@pytest.fixture
def screened(app, publish, device) -> str:
    """A form with an attached logo and a submission with a photo; returns its instance ID."""
    publish(photo_form(), "photo_visit.xlsx")
    with transaction():
        catalogue.attach_media(SYSTEM, app.extensions["sangloc_blobs"], "photo_visit",
                               "logo.png", PNG)
    instance_id = f"uuid:{uuid.uuid4()}"
    response = device.collect.submit(photo_instance(instance_id), {PHOTO_NAME: JPEG})
    assert response.status_code == 201, response.data
    return instance_id


def take_backup(app: Flask, *, keep: int = 14, now: datetime = T0) -> backup.Backup:
    config = app.config
    return backup.backup_database(config["SANGLOC_INSTANCE_DIR"],
                                  config["SQLALCHEMY_DATABASE_URI"],
                                  blobs=app.extensions["sangloc_blobs"], keep=keep, now=now)


def carry_away(app: Flask, made: backup.Backup, tmp_path_factory) -> Path:
    """Copy the backups folder elsewhere and delete the old instance's blobs and backups."""
    carried = tmp_path_factory.mktemp("usb-stick") / "backups"
    shutil.copytree(made.path.parent, carried)
    instance = Path(app.config["SANGLOC_INSTANCE_DIR"])
    shutil.rmtree(instance / "blobs")
    shutil.rmtree(instance / "backups")
    return carried / made.path.name


def restore_cli(machine: Flask, path: Path):
    """``sangloc restore PATH --yes`` on ``machine`` (whose context must be the current one:
    ``with_appcontext`` keeps an app context already pushed, here the old machine's)."""
    with machine.app_context():
        return machine.test_cli_runner().invoke(args=["restore", str(path), "--yes"])


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_backup_holds_the_database_a_manifest_and_the_blobs(app, screened):
    made = take_backup(app)
    folder = Path(app.config["SANGLOC_INSTANCE_DIR"]) / "backups"
    assert made.manifest == folder / f"{made.path.name}.blobs"
    assert made.manifest.read_text() == "".join(f"{h}\n" for h in sorted([sha(PNG), sha(JPEG)]))
    assert made.blobs == 2
    pool = folder / "blobs"
    for data in (PNG, JPEG):
        path = blob_file(pool, data)
        assert path.read_bytes() == data
        assert mode(path) == 0o600
        assert mode(path.parent) == mode(path.parent.parent) == 0o700
    assert mode(pool) == 0o700
    assert mode(made.manifest) == mode(made.path) == 0o600
    assert not list(folder.rglob("*.partial")) and not list(pool.rglob(".tmp-*"))


def test_restore_on_a_new_machine_brings_back_media_and_attachments(
        app, screened, device, new_machine, tmp_path_factory):
    made = take_backup(app)
    carried = carry_away(app, made, tmp_path_factory)
    result = restore_cli(new_machine, carried)
    assert result.exit_code == 0, result.output
    assert "2 attachment and media files" in result.output
    collect = CollectClient(new_machine.test_client(), device.server_url)
    logo = collect.get(f"{device.server_url}/forms/photo_visit/attachments/logo.png")
    assert logo.status_code == 200
    assert logo.data == PNG
    with new_machine.app_context():
        row = db.session.scalar(select(SubmissionAttachment).join(Submission)
                                .where(Submission.instance_id == screened))
        assert row.filename == PHOTO_NAME
        assert new_machine.extensions["sangloc_blobs"].get(row.blob_sha256) == JPEG


def test_restore_refuses_before_touching_anything_when_a_pool_blob_is_missing(
        app, screened, new_machine, tmp_path_factory):
    made = take_backup(app)
    carried = carry_away(app, made, tmp_path_factory)
    blob_file(carried.parent / "blobs", JPEG).unlink()
    result = restore_cli(new_machine, carried)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "422.9" in lines[0] and sha(JPEG) in lines[0] and sha(PNG) not in lines[0]
    with new_machine.app_context():
        assert inspect(db.engine).get_table_names() == []
        assert not new_machine.extensions["sangloc_blobs"].exists(sha(PNG))


def test_restore_refuses_a_damaged_pool_blob_before_touching_the_database(
        app, screened, new_machine, tmp_path_factory):
    made = take_backup(app)
    carried = carry_away(app, made, tmp_path_factory)
    blob_file(carried.parent / "blobs", JPEG).write_bytes(b"bit rot")
    with new_machine.app_context(), raises_problem("422.10") as raised:
        backup.restore_database(carried, new_machine.config["SQLALCHEMY_DATABASE_URI"],
                                blobs=new_machine.extensions["sangloc_blobs"])
    assert raised.value.data["damaged"] == [sha(JPEG)]
    with new_machine.app_context():
        assert inspect(db.engine).get_table_names() == []
        assert not new_machine.extensions["sangloc_blobs"].exists(sha(JPEG))


def test_blobs_already_in_the_blob_store_need_not_be_in_the_pool(
        app, screened, device, new_machine, tmp_path_factory):
    made = take_backup(app)
    carried = carry_away(app, made, tmp_path_factory)
    shutil.rmtree(carried.parent / "blobs")
    carried.with_name(carried.name + ".blobs").unlink()  # as a backup made before blobs were
    store = new_machine.extensions["sangloc_blobs"]
    store.put(PNG)
    store.put(JPEG)
    with new_machine.app_context():
        restored = backup.restore_database(
            carried, new_machine.config["SQLALCHEMY_DATABASE_URI"], blobs=store)
    assert restored == 2
    collect = CollectClient(new_machine.test_client(), device.server_url)
    assert collect.get(f"{device.server_url}/forms/photo_visit/attachments/logo.png").data == PNG


def test_after_restoring_the_references_are_checked_against_the_blob_store_again(
        app, screened, new_machine, tmp_path_factory, monkeypatch):
    made = take_backup(app)
    carried = carry_away(app, made, tmp_path_factory)
    monkeypatch.setattr(backup, "_restore_blobs", lambda *_args: None)  # as if copying failed
    result = restore_cli(new_machine, carried)
    assert result.exit_code == 1
    assert "500.4" in result.output  # restored, but the blob store lacks what it references
    assert sha(PNG) in result.output and sha(JPEG) in result.output


def test_pruning_keeps_the_blobs_of_kept_backups_and_deletes_the_others(app, publish):
    publish(photo_form(), "photo_visit.xlsx")
    old, new = b"old logo", b"new logo"
    store = app.extensions["sangloc_blobs"]
    with transaction():
        catalogue.attach_media(SYSTEM, store, "photo_visit", "logo.png", old)
    first = take_backup(app, keep=2, now=T0)
    with transaction():  # replaces the attachment: the old logo is referenced by `first` only
        catalogue.attach_media(SYSTEM, store, "photo_visit", "logo.png", new)
    second = take_backup(app, keep=2, now=T0 + timedelta(hours=1))
    pool = second.path.parent / "blobs"
    assert blob_file(pool, old).read_bytes() == old  # `first` is still kept
    assert blob_file(pool, new).read_bytes() == new
    third = take_backup(app, keep=2, now=T0 + timedelta(hours=2))
    assert not first.path.exists() and not first.manifest.exists()
    assert second.path.exists() and third.manifest.read_text() == f"{sha(new)}\n"
    assert not blob_file(pool, old).exists()
    assert blob_file(pool, new).read_bytes() == new
    assert store.get(sha(old)) == old  # the live blob store is never pruned


def test_a_manifest_of_the_other_kind_also_keeps_its_blobs(app, publish):
    publish(photo_form(), "photo_visit.xlsx")
    kept, dropped = b"kept by the other kind", b"referenced by nothing"
    folder = Path(app.config["SANGLOC_INSTANCE_DIR"]) / "backups"
    made = take_backup(app, keep=1)
    pool = made.path.parent / "blobs"
    other = ".dump" if made.path.suffix == ".sqlite3" else ".sqlite3"
    (folder / f"sangloc-20250101T000000Z{other}").write_bytes(b"a backup of the other kind")
    (folder / f"sangloc-20250101T000000Z{other}.blobs").write_text(f"{sha(kept)}\n")
    (folder / f"sangloc-20250102T000000Z{other}.blobs").write_text(f"{sha(dropped)}\n")
    for data in (kept, dropped):
        path = blob_file(pool, data)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    take_backup(app, keep=1, now=T0 + timedelta(hours=1))
    assert blob_file(pool, kept).exists()
    # a manifest whose database copy is gone keeps nothing, and goes
    assert not blob_file(pool, dropped).exists()
    assert not (folder / f"sangloc-20250102T000000Z{other}.blobs").exists()


def test_a_blob_missing_from_the_store_is_reported_and_the_backup_kept(app, screened):
    blob_file(Path(app.config["SANGLOC_INSTANCE_DIR"]) / "blobs", JPEG).unlink()
    with raises_problem("500.3") as raised:
        take_backup(app)
    made = Path(app.config["SANGLOC_INSTANCE_DIR"]) / "backups" / raised.value.data["file"]
    assert made.is_file()
    assert backup.manifest_of(made).read_text() == \
        "".join(f"{h}\n" for h in sorted([sha(PNG), sha(JPEG)]))
    assert raised.value.data["missing"] == [sha(JPEG)]
    cli = app.test_cli_runner().invoke(args=["backup"])
    assert cli.exit_code == 1 and "500.3" in cli.output and sha(JPEG) in cli.output
    run = run_job(app, "backup_database")
    assert run.status == "failed"
    assert run.detail["error"].startswith("500.3: ") and sha(JPEG) in run.detail["error"]


def test_the_backup_job_counts_the_blobs(app, screened):
    run = run_job(app, "backup_database")
    assert run.status == "ok", run.detail
    assert run.detail["blobs"] == 2
