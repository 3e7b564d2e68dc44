"""server/storage.py: the content-addressed filesystem blob store."""

from __future__ import annotations

import hashlib

import pytest

from server.storage import DamagedBlob, FilesystemBlobStore, copy_blob, is_address


def test_put_get_is_content_addressed_and_idempotent(tmp_path):
    store = FilesystemBlobStore(tmp_path)
    sha = store.put("ảnh".encode())
    assert sha == hashlib.sha256("ảnh".encode()).hexdigest()
    assert store.get(sha) == "ảnh".encode()
    assert store.put("ảnh".encode()) == sha
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert [p.name for p in files] == [sha]  # one file, no temporary leftovers


def test_missing_and_malformed_addresses(tmp_path):
    store = FilesystemBlobStore(tmp_path)
    with pytest.raises(KeyError):
        store.get("0" * 64)
    with pytest.raises(KeyError):
        store.get("../../etc/passwd")
    assert not store.exists("../x") and not store.exists("0" * 64)


def test_blobs_and_their_folders_are_private(tmp_path):
    store = FilesystemBlobStore(tmp_path / "blobs")
    sha = store.put(b"photo of a child")
    path = tmp_path / "blobs" / sha[:2] / sha[2:4] / sha
    assert path.stat().st_mode & 0o777 == 0o600
    for folder in (path.parent, path.parent.parent, tmp_path / "blobs"):
        assert folder.stat().st_mode & 0o777 == 0o700


def test_addresses_lists_stored_blobs_only_and_keep_only_deletes_the_others(tmp_path):
    store = FilesystemBlobStore(tmp_path)
    assert list(FilesystemBlobStore(tmp_path / "absent").addresses()) == []
    one, two, three = store.put(b"one"), store.put(b"two"), store.put(b"three")
    (tmp_path / one[:2] / one[2:4] / ".tmp-unfinished").write_bytes(b"on")
    (tmp_path / one[:2] / one[2:4] / ("f" * 64)).write_bytes(b"in the wrong folder")
    assert sorted(store.addresses()) == sorted([one, two, three])
    assert store.keep_only({two, "0" * 64}) == 2
    assert list(store.addresses()) == [two] and store.get(two) == b"two"
    assert not store.exists(one) and not store.exists(three)
    assert store.keep_only({two}) == 0


def test_copy_blob_checks_the_bytes(tmp_path):
    source, target = FilesystemBlobStore(tmp_path / "a"), FilesystemBlobStore(tmp_path / "b")
    good = source.put(b"good")
    copy_blob(source, target, good)
    assert target.get(good) == b"good"
    bad = source.put(b"original")
    (tmp_path / "a" / bad[:2] / bad[2:4] / bad).write_bytes(b"changed on disk")
    with pytest.raises(DamagedBlob):
        copy_blob(source, target, bad)
    assert not target.exists(bad)
    with pytest.raises(KeyError):
        copy_blob(source, target, "0" * 64)


def test_is_address():
    assert is_address(hashlib.sha256(b"x").hexdigest())
    assert not is_address("A" * 64) and not is_address("a" * 63) and not is_address("../x")


def test_a_file_is_stored_in_chunks_read_back_and_deleted(tmp_path, monkeypatch):
    from server import storage

    monkeypatch.setattr(storage, "CHUNK", 3)  # several chunks for a small file
    source = tmp_path / "export.csv"
    source.write_bytes("mã,xã\r\n1,2\r\n".encode())
    store = FilesystemBlobStore(tmp_path / "blobs")
    sha = store.put_file(source)
    assert sha == hashlib.sha256(source.read_bytes()).hexdigest()
    assert store.put_file(source) == sha
    with store.open(sha) as handle:
        assert handle.read() == source.read_bytes()
    assert (store.root / sha[:2] / sha[2:4] / sha).stat().st_mode & 0o777 == 0o600
    assert store.delete(sha) and not store.exists(sha) and not store.delete(sha)
    with pytest.raises(KeyError):
        store.open(sha)
    assert not store.delete("../x")
