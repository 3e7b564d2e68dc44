"""SANGLOC_STORAGE_URL picks the blob store; a bad URL stops the server at start, clearly.

No store is contacted here (choosing makes no request); the S3 store itself is tested against
SeaweedFS in tests/integration/test_storage_s3.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from server import create_app
from server.config import ConfigError
from server.storage import FilesystemBlobStore
from server.storage_s3 import S3BlobStore
from server.storage_select import open_store

KEYS = {"SANGLOC_S3_ACCESS_KEY": "access", "SANGLOC_S3_SECRET_KEY": "very-secret"}


def chosen(url: str, **settings: str):
    return open_store({"SANGLOC_STORAGE_URL": url, "SANGLOC_INSTANCE_DIR": "/srv/sangloc",
                       **KEYS, **settings})


def test_empty_is_the_blobs_folder_of_the_instance():
    store = chosen("")
    assert isinstance(store, FilesystemBlobStore) and store.root == Path("/srv/sangloc/blobs")


def test_a_file_url_is_a_folder_elsewhere():
    store = chosen("file:///mnt/shared/blobs")
    assert isinstance(store, FilesystemBlobStore) and store.root == Path("/mnt/shared/blobs")


def test_an_s3_url_with_prefix_endpoint_and_region():
    store = chosen("s3://sangloc-prod/vn/blobs?endpoint=http://10.0.0.5:8333&region=ap-southeast-1")
    assert isinstance(store, S3BlobStore)
    assert (store.bucket, store.prefix) == ("sangloc-prod", "vn/blobs/")
    assert store.location == "s3://sangloc-prod/vn/blobs/"
    assert store.key("ab" * 32) == f"vn/blobs/ab/ab/{'ab' * 32}"


def test_an_s3_url_without_prefix_or_parameters():
    store = chosen("s3://sangloc-prod")
    assert isinstance(store, S3BlobStore) and store.prefix == ""
    assert store.key("0f" * 32) == f"0f/0f/{'0f' * 32}"


@pytest.mark.parametrize(("url", "message"), [
    ("http://example.org/blobs", "unknown scheme 'http'"),
    ("/srv/blobs", "unknown scheme '(none)'"),
    ("file://relative/path", "file:///absolute/path"),
    ("file:///srv/blobs?x=1", "file:///absolute/path"),
    ("s3://Sangloc_Prod", "not an S3 bucket name"),
    ("s3://ab", "not an S3 bucket name"),
    ("s3://bucket:9000", "not an S3 bucket name"),
    ("s3://sangloc/a//b", "prefix"),
    ("s3://sangloc/../b", "prefix"),
    ("s3://sangloc/a/./b", "prefix"),
    ("s3://sangloc?endpoint=ftp://host", "endpoint must be http(s)://host[:port]"),
    ("s3://sangloc?endpoint=http://host/path", "endpoint must be http(s)://host[:port]"),
    ("s3://sangloc?endpoint=http://host:99999", "port"),
    ("s3://sangloc?bucket=x", "parameters are endpoint and region"),
    ("s3://sangloc?region=a&region=b", "parameters are endpoint and region"),
    ("s3://sangloc?region=EU%20West", "region"),
])
def test_a_bad_url_is_a_config_error_naming_the_problem(url, message):
    with pytest.raises(ConfigError, match="SANGLOC_STORAGE_URL") as refused:
        chosen(url)
    assert message in str(refused.value)


def test_credentials_are_never_taken_from_or_echoed_with_the_url():
    for url in ("s3://key:hunter2@sangloc", "s3://sangloc?endpoint=http://u:hunter2@host"):
        with pytest.raises(ConfigError) as refused:
            chosen(url)
        assert "hunter2" not in str(refused.value) and "credentials" in str(refused.value)


def test_an_s3_url_needs_both_keys():
    with pytest.raises(ConfigError, match="SANGLOC_S3_SECRET_KEY"):
        chosen("s3://sangloc", SANGLOC_S3_SECRET_KEY="")


def test_create_app_refuses_a_bad_storage_url_at_start(tmp_path):
    with pytest.raises(ConfigError, match="SANGLOC_STORAGE_URL has an unknown scheme"):
        create_app({"INSTANCE_DIR": str(tmp_path), "STORAGE_URL": "ftp://blobs"})


def test_create_app_uses_the_chosen_store(tmp_path):
    app = create_app({"INSTANCE_DIR": str(tmp_path), "STORAGE_URL": "s3://sangloc-prod/x",
                      "S3_ACCESS_KEY": "a", "S3_SECRET_KEY": "b"})
    assert isinstance(app.extensions["sangloc_blobs"], S3BlobStore)
    assert app.extensions["sangloc_blobs"].prefix == "x/"
