"""The S3 blob store against a real SeaweedFS (tests/support/s3.py): round trips, the hash
checks on both sides, privacy, streaming, and failures.

Each test gets its own prefix in the session's bucket, so "absent" means absent. Bytes are
written around the store with a plain boto3 client (the test's own) to play a damaged disk or a
tampering hand.
"""

from __future__ import annotations

import base64
import hashlib
import urllib.error
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError

from server.storage import DamagedBlob, copy_blobs
from server.storage_s3 import PART_SIZE, ObjectStoreError, S3BlobStore
from server.storage_select import open_store
from tests.support.s3 import REGION, free_port

DATA = b"\xff\xd8\xff\xe0 photo of a paper form"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def store(s3_server) -> S3BlobStore:
    made = open_store({"SANGLOC_STORAGE_URL": s3_server.storage_url(f"t-{uuid.uuid4().hex}"),
                       "SANGLOC_S3_ACCESS_KEY": s3_server.access_key,
                       "SANGLOC_S3_SECRET_KEY": s3_server.secret_key,
                       "SANGLOC_INSTANCE_DIR": "/nonexistent"})
    assert isinstance(made, S3BlobStore)
    return made


def test_round_trip_under_a_content_addressed_key(store, s3_server):
    digest = sha(DATA)
    assert not store.exists(digest)
    assert store.put(DATA) == digest
    assert store.put(DATA) == digest  # the same bytes again: nothing changes
    assert store.exists(digest) and store.get(digest) == DATA
    key = f"{store.prefix}{digest[:2]}/{digest[2:4]}/{digest}"
    stored = s3_server.client().get_object(Bucket=s3_server.bucket, Key=key)
    assert stored["Body"].read() == DATA


def test_absent_and_malformed_addresses(store):
    absent = sha(b"never stored")
    with pytest.raises(KeyError):
        store.get(absent)
    with pytest.raises(KeyError):
        store.open(absent)
    with pytest.raises(KeyError):
        store.get("../../etc/passwd")
    assert not store.exists("not-a-hash") and not store.delete(absent)


def test_delete(store):
    digest = store.put(DATA)
    assert store.delete(digest) is True
    assert not store.exists(digest)
    assert store.delete(digest) is False


def test_a_damaged_object_is_detected_on_get_and_at_the_end_of_open(store, s3_server):
    digest = store.put(DATA)
    s3_server.client().put_object(Bucket=s3_server.bucket, Key=store.key(digest),
                                  Body=b"bit rot")
    with pytest.raises(DamagedBlob):
        store.get(digest)
    with store.open(digest) as handle:
        assert handle.read(3) == b"bit"  # streamed: the check comes at the end
        with pytest.raises(DamagedBlob):
            handle.read()
    target = S3BlobStore(store.bucket, store.prefix + "copy/", endpoint=s3_server.endpoint,
                         region=REGION, access_key=s3_server.access_key,
                         secret_key=s3_server.secret_key)
    assert copy_blobs([digest], store, target) == [digest]  # a backup names it, copies nothing
    assert not target.exists(digest)


def test_the_server_refuses_bytes_that_do_not_match_the_sent_sha256(store, s3_server):
    """What put() relies on: SeaweedFS checks ChecksumSHA256 and stores nothing when it lies."""
    client = s3_server.client()
    digest = sha(DATA)
    wrong = base64.b64encode(hashlib.sha256(b"other bytes").digest()).decode()
    with pytest.raises(ClientError) as refused:
        client.put_object(Bucket=s3_server.bucket, Key=store.key(digest), Body=DATA,
                          ChecksumSHA256=wrong)
    assert refused.value.response["Error"]["Code"] == "BadDigest"
    assert not store.exists(digest)


def test_objects_are_not_readable_without_signature(store, s3_server):
    digest = store.put(DATA)
    url = f"{s3_server.endpoint}/{s3_server.bucket}/{store.key(digest)}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)
    refused.value.close()
    assert refused.value.code == 403
    listing = f"{s3_server.endpoint}/{s3_server.bucket}?list-type=2"
    with pytest.raises(urllib.error.HTTPError) as refused_list:
        urllib.request.urlopen(listing, timeout=10)
    refused_list.value.close()
    assert refused_list.value.code == 403


def test_put_file_of_several_parts_and_open_streams_it_back(store, tmp_path):
    size = 2 * PART_SIZE + 12345  # three parts, the last one short
    path = tmp_path / "export.csv"
    block = bytes(range(256)) * 4096  # 1 MiB
    expected = hashlib.sha256()
    with path.open("wb") as handle:
        written = 0
        while written < size:
            piece = block[:size - written]
            handle.write(piece)
            expected.update(piece)
            written += len(piece)
    digest = store.put_file(path)
    assert digest == expected.hexdigest()
    assert store.put_file(path) == digest  # already there: no second upload
    read_back = hashlib.sha256()
    total = 0
    with store.open(digest) as handle:
        while chunk := handle.read(1 << 20):
            read_back.update(chunk)
            total += len(chunk)
    assert total == size and read_back.hexdigest() == digest


def test_put_file_of_a_small_file(store, tmp_path):
    path = tmp_path / "small.bin"
    path.write_bytes(DATA)
    assert store.put_file(path) == sha(DATA)
    assert store.get(sha(DATA)) == DATA


def test_listing_and_keep_only_stay_under_the_prefix(store):
    inner = store.with_prefix("backups/")
    kept, dropped = store.put(b"kept"), store.put(b"dropped")
    inner.put(b"in the pool")
    assert sorted(store.addresses()) == sorted([kept, dropped])  # the pool's keys are not its
    assert store.keep_only({kept}) == 1
    assert list(store.addresses()) == [kept]
    assert list(inner.addresses()) == [sha(b"in the pool")]


def test_check_passes_when_the_bucket_is_reachable(store):
    store.check()


def test_check_raises_oserror_when_the_server_is_down(s3_server):
    down = S3BlobStore(s3_server.bucket, endpoint=f"http://127.0.0.1:{free_port()}",
                       region=REGION, access_key="k", secret_key="s")
    with pytest.raises(OSError, match="not usable"):
        down.check()
    with pytest.raises(ObjectStoreError):
        down.exists(sha(DATA))


def test_check_raises_oserror_for_wrong_keys_or_a_missing_bucket(s3_server):
    wrong_keys = S3BlobStore(s3_server.bucket, endpoint=s3_server.endpoint, region=REGION,
                             access_key=s3_server.access_key, secret_key="wrong")
    with pytest.raises(OSError, match="not usable"):
        wrong_keys.check()
    no_bucket = S3BlobStore("no-such-bucket", endpoint=s3_server.endpoint, region=REGION,
                            access_key=s3_server.access_key, secret_key=s3_server.secret_key)
    with pytest.raises(OSError, match="not usable"):
        no_bucket.check()
