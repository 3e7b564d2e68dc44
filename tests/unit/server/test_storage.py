"""server/storage.py: the content-addressed filesystem blob store."""

from __future__ import annotations

import hashlib

import pytest

from server.storage import FilesystemBlobStore


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
