"""Blob storage for attachments and form media, behind a small interface.

Blobs are content-addressed by SHA-256, so writing the same bytes twice is a no-op and a stored
blob never changes. The default stores files under ``<instance>/blobs``; an S3-compatible store
only needs to implement ``BlobStore``. Writes are atomic (temp file + rename): a crash leaves
either no blob or a complete one, never a partial file under its final name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol


class BlobStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store ``data``; return its SHA-256 hex digest (the blob's address)."""

    def get(self, sha256: str) -> bytes:
        """Return the blob's bytes; ``KeyError`` when absent."""

    def exists(self, sha256: str) -> bool:
        """Whether the blob is stored."""


class FilesystemBlobStore:
    """Blobs as files ``<root>/ab/cd/<sha256>``."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise KeyError(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        path = self._path(sha256)
        if path.exists():
            return sha256
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha256

    def get(self, sha256: str) -> bytes:
        try:
            return self._path(sha256).read_bytes()
        except FileNotFoundError:
            raise KeyError(sha256) from None

    def exists(self, sha256: str) -> bool:
        try:
            return self._path(sha256).exists()
        except KeyError:
            return False
