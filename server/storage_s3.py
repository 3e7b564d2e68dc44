"""Blobs in an S3-compatible object store (SeaweedFS, MinIO, Ceph RGW, AWS S3), with boto3.

The same content-addressed keys as the filesystem store, under an optional prefix:
``<prefix>ab/cd/<sha256>``. Every write sends the SHA-256 of its bytes (``ChecksumSHA256``;
per part for a multipart upload) so the server refuses bytes damaged on the way; every read
hashes what came back and raises ``DamagedBlob`` when it is not the address (``open``: when the
stream reaches its end). A write first asks whether the key exists: stored blobs never change, and
a bucket with versioning keeps no second copy of a re-sent attachment.

Objects are private: no ACL is ever sent, so an object gets the bucket's (private) default; the
bucket policy must not grant anonymous reads. A transport or server failure is an ``OSError``
(``ObjectStoreError``), a missing blob a ``KeyError``, as with the filesystem store.

One boto3 client per store and process, made on first use (clients are thread-safe, but not
to be shared across a fork). This module must not read the environment (server/config.py does)
nor print or log credentials.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import os
import threading
from collections.abc import Iterator
from typing import Any, BinaryIO

from server.storage import CHUNK, DamagedBlob, StoreUnavailable, is_address

BACKUP_PREFIX = "backups/"  # the backups' blob pool, beside the blobs (services/ops/backup.py)
PART_SIZE = 8 << 20  # bytes per part of a multipart upload (S3: 5 MiB at least, last excepted)
_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})


class ObjectStoreError(StoreUnavailable):
    """The object store could not be reached or refused a request (not: a missing blob)."""


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


class S3BlobStore:
    """Blobs as objects ``<prefix>ab/cd/<sha256>`` of one bucket."""

    def __init__(self, bucket: str, prefix: str = "", *, endpoint: str | None, region: str,
                 access_key: str, secret_key: str) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self._endpoint = endpoint
        self._region = region
        self._credentials = (access_key, secret_key)
        self._lock = threading.Lock()
        self._clients: dict[str, tuple[int, Any]] = {}

    @property
    def location(self) -> str:
        """Where the blobs are, for operators' messages (no credentials)."""
        return f"s3://{self.bucket}/{self.prefix}"

    def with_prefix(self, prefix: str) -> S3BlobStore:
        """Another store in the same bucket, under ``<this prefix><prefix>``."""
        access_key, secret_key = self._credentials
        return S3BlobStore(self.bucket, self.prefix + prefix, endpoint=self._endpoint,
                           region=self._region, access_key=access_key, secret_key=secret_key)

    def backup_pool(self) -> S3BlobStore:
        """Where backups keep the blobs they reference: ``<prefix>backups/`` in this bucket
        (never listed as this store's blobs: ``addresses`` takes ``ab/cd/<sha256>`` keys only)."""
        return self.with_prefix(BACKUP_PREFIX)

    # --- clients --------------------------------------------------------------------------

    def _client(self, kind: str = "data") -> Any:
        """The process's client of ``kind``: made lazily, again after a fork."""
        pid = os.getpid()
        made = self._clients.get(kind)
        if made is None or made[0] != pid:
            with self._lock:
                made = self._clients.get(kind)
                if made is None or made[0] != pid:
                    made = (pid, self._new_client(kind))
                    self._clients[kind] = made
        return made[1]

    def _new_client(self, kind: str) -> Any:
        import boto3
        from botocore.config import Config

        quick = kind == "check"  # readiness: answer within seconds, never retry
        config = Config(
            connect_timeout=2 if quick else 5, read_timeout=3 if quick else 60,
            retries={"mode": "standard", "max_attempts": 1 if quick else 4},
            max_pool_connections=32, s3={"addressing_style": "path"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required")
        access_key, secret_key = self._credentials
        return boto3.session.Session().client(
            "s3", endpoint_url=self._endpoint or None, region_name=self._region,
            aws_access_key_id=access_key or None, aws_secret_access_key=secret_key or None,
            config=config)

    def _call(self, operation: str, **params: Any) -> Any:
        """One request; ``KeyError`` for a missing key, ``ObjectStoreError`` for the rest."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self._client(), operation)(Bucket=self.bucket, **params)
        except ClientError as exc:
            if _error_code(exc) in _MISSING:
                raise KeyError(params.get("Key", "")) from None
            raise ObjectStoreError(f"object store {self.location}: {operation} refused "
                                   f"({_error_code(exc) or 'no code'})") from exc
        except BotoCoreError as exc:
            raise ObjectStoreError(f"object store {self.location}: {operation} failed "
                                   f"({type(exc).__name__})") from exc

    def key(self, sha256: str) -> str:
        """The object key of a blob; ``KeyError`` when ``sha256`` is not an address."""
        if not is_address(sha256):
            raise KeyError(sha256)
        return f"{self.prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    # --- the BlobStore protocol -----------------------------------------------------------

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data)
        sha256 = digest.hexdigest()
        if not self.exists(sha256):
            self._call("put_object", Key=self.key(sha256), Body=data,
                       ChecksumSHA256=_b64(digest.digest()),
                       ContentType="application/octet-stream")
        return sha256

    def get(self, sha256: str) -> bytes:
        body = self._call("get_object", Key=self.key(sha256))["Body"]
        try:
            data = body.read()
        except Exception as exc:  # a connection lost mid-body (botocore or urllib3)
            raise ObjectStoreError(f"object store {self.location}: reading a blob failed "
                                   f"({type(exc).__name__})") from exc
        finally:
            body.close()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise DamagedBlob(sha256)
        return data

    def exists(self, sha256: str) -> bool:
        try:
            self._call("head_object", Key=self.key(sha256))
        except KeyError:
            return False
        return True

    def put_file(self, path: str | os.PathLike[str]) -> str:
        digest = hashlib.sha256()
        size = 0
        with open(path, "rb") as source:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
        sha256 = digest.hexdigest()
        if self.exists(sha256):
            return sha256
        if size <= PART_SIZE:
            with open(path, "rb") as source:
                self._call("put_object", Key=self.key(sha256), Body=source,
                           ChecksumSHA256=_b64(digest.digest()),
                           ContentType="application/octet-stream")
        else:
            self._upload_parts(path, self.key(sha256))
        return sha256

    def _upload_parts(self, path: str | os.PathLike[str], key: str) -> None:
        """A multipart upload, one part in memory at a time, each with its own SHA-256;
        aborted (the parts freed) if anything fails."""
        upload = self._call("create_multipart_upload", Key=key, ChecksumAlgorithm="SHA256",
                            ContentType="application/octet-stream")["UploadId"]
        try:
            parts = []
            with open(path, "rb") as source:
                for number, chunk in enumerate(iter(lambda: source.read(PART_SIZE), b""), 1):
                    checksum = _b64(hashlib.sha256(chunk).digest())
                    answer = self._call("upload_part", Key=key, UploadId=upload,
                                        PartNumber=number, Body=chunk, ChecksumSHA256=checksum)
                    parts.append({"PartNumber": number, "ETag": answer["ETag"],
                                  "ChecksumSHA256": checksum})
            self._call("complete_multipart_upload", Key=key, UploadId=upload,
                       MultipartUpload={"Parts": parts})
        except BaseException:
            # the first failure is the one to report; a lifecycle rule expires stray parts
            with contextlib.suppress(KeyError, OSError):
                self._call("abort_multipart_upload", Key=key, UploadId=upload)
            raise

    def open(self, sha256: str) -> BinaryIO:
        body = self._call("get_object", Key=self.key(sha256))["Body"]
        return io.BufferedReader(_CheckedBody(body, sha256, self.location), CHUNK)

    def delete(self, sha256: str) -> bool:
        if not self.exists(sha256):  # also False for a value that is not an address
            return False
        self._call("delete_object", Key=self.key(sha256))
        return True

    def check(self) -> None:
        """A HEAD of the bucket with a short timeout and no retry (readiness probes)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client("check").head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            reason = _error_code(exc) or type(exc).__name__
            raise ObjectStoreError(f"object store {self.location} not usable ({reason})") \
                from None

    # --- listing (backup pools) -----------------------------------------------------------

    def addresses(self) -> Iterator[str]:
        """The address of every blob directly under this prefix (not under a sub-prefix)."""
        paginator = self._client().get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for item in page.get("Contents", ()):
                    name = item["Key"][len(self.prefix):]
                    sha256 = name[6:]
                    if is_address(sha256) and name == f"{sha256[:2]}/{sha256[2:4]}/{sha256}":
                        yield sha256
        except Exception as exc:
            if isinstance(exc, ObjectStoreError):
                raise
            raise ObjectStoreError(f"object store {self.location}: listing failed "
                                   f"({type(exc).__name__})") from exc

    def keep_only(self, addresses: set[str]) -> int:
        """Delete every blob under this prefix not in ``addresses``; return how many.
        Only for a store with one writer at a time (a backup pool, under the backups lock)."""
        doomed = [sha256 for sha256 in self.addresses() if sha256 not in addresses]
        for sha256 in doomed:
            self._call("delete_object", Key=self.key(sha256))
        return len(doomed)


class _CheckedBody(io.RawIOBase):
    """An object's body, hashed as it is read; ``DamagedBlob`` at its end if it lied."""

    def __init__(self, body: Any, sha256: str, location: str) -> None:
        self._body = body
        self._sha256 = sha256
        self._location = location
        self._digest = hashlib.sha256()
        self._checked = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._body.read(len(buffer))
        except Exception as exc:  # a connection lost mid-body
            raise ObjectStoreError(f"object store {self._location}: reading a blob failed "
                                   f"({type(exc).__name__})") from exc
        if not data:
            if not self._checked:
                self._checked = True
                if self._digest.hexdigest() != self._sha256:
                    raise DamagedBlob(self._sha256)
            return 0
        self._digest.update(data)
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()
