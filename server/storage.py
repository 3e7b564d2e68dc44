"""Blob storage for attachments and form media, behind a small interface.

Blobs are content-addressed by SHA-256, so writing the same bytes twice is a no-op and a stored
blob never changes. The default stores files under ``<instance>/blobs``; an S3-compatible store
only needs to implement ``BlobStore``. Writes are atomic (temp file + rename): a crash leaves
either no blob or a complete one, never a partial file under its final name. Blobs hold personal
data (photos of children, paper forms): files are readable by their owner only (0600, folders
0700). ``copy_blob(s)`` moves blobs between stores (backups), checking their bytes.
``put_file``/``open``/``delete`` serve large, short-lived blobs (background exports): written
from a file without holding it in memory, streamed back, deleted when they expire (the caller
checks that nothing else references the address first).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

_HEX = frozenset("0123456789abcdef")
CHUNK = 1 << 20  # bytes read or copied at a time by put_file


class BlobStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store ``data``; return its SHA-256 hex digest (the blob's address)."""

    def get(self, sha256: str) -> bytes:
        """Return the blob's bytes; ``KeyError`` when absent."""

    def exists(self, sha256: str) -> bool:
        """Whether the blob is stored."""

    def put_file(self, path: str | os.PathLike[str]) -> str:
        """Store the file at ``path`` (read in chunks); return its SHA-256 hex digest."""

    def open(self, sha256: str) -> BinaryIO:
        """The blob as a file open for reading (the caller closes it); ``KeyError`` if absent."""

    def delete(self, sha256: str) -> bool:
        """Delete the blob; whether it was there."""

    def check(self) -> None:
        """Raise ``OSError`` unless the store can be read and written now (readiness)."""


class StoreUnavailable(OSError):
    """The store cannot be reached or refused an operation (a network store that is down).

    The request that needed it fails whole and the client is told to try again later
    (problem 503.4 in its own format); nothing of it is kept half.
    """


class DamagedBlob(ValueError):
    """A stored blob whose bytes do not hash to its address.

    Internal: ``copy_blobs`` turns it into a failed address, which the backup service reports
    as a named problem (422.10); it never reaches a person as such.
    """


def is_address(value: str) -> bool:
    """Whether ``value`` is a blob address: 64 lowercase hexadecimal digits."""
    return len(value) == 64 and all(c in _HEX for c in value)


def copy_blob(source: BlobStore, target: BlobStore, sha256: str) -> None:
    """Copy one blob; ``KeyError`` if ``source`` lacks it, ``DamagedBlob`` if its bytes lie."""
    data = source.get(sha256)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise DamagedBlob(sha256)
    target.put(data)


def copy_blobs(addresses: Iterable[str], source: BlobStore, target: BlobStore) -> list[str]:
    """Copy the blobs ``target`` lacks; return those ``source`` lacks or holds damaged."""
    failed = []
    for sha256 in addresses:
        if target.exists(sha256):
            continue
        try:
            copy_blob(source, target, sha256)
        except (KeyError, DamagedBlob):
            failed.append(sha256)
    return failed


class FilesystemBlobStore:
    """Blobs as files ``<root>/ab/cd/<sha256>``."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    @property
    def location(self) -> str:
        """Where the blobs are, for operators' messages."""
        return str(self.root)

    def _path(self, sha256: str) -> Path:
        if not is_address(sha256):
            raise KeyError(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        path = self._path(sha256)
        if path.exists():
            return sha256
        self._make_folders(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # created 0600
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

    def put_file(self, path: str | os.PathLike[str]) -> str:
        digest = hashlib.sha256()
        with open(path, "rb") as source:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                digest.update(chunk)
        sha256 = digest.hexdigest()
        target = self._path(sha256)
        if target.exists():
            return sha256
        self._make_folders(target.parent)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")  # created 0600
        try:
            with os.fdopen(fd, "wb") as handle, open(path, "rb") as source:
                shutil.copyfileobj(source, handle, CHUNK)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha256

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self._path(sha256).open("rb")
        except FileNotFoundError:
            raise KeyError(sha256) from None

    def delete(self, sha256: str) -> bool:
        try:
            path = self._path(sha256)
        except KeyError:
            return False
        existed = path.exists()
        path.unlink(missing_ok=True)
        return existed

    def check(self) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not os.access(self.root, os.R_OK | os.W_OK | os.X_OK):
            raise OSError(f"blob folder not readable and writable: {self.root}")

    def _make_folders(self, folder: Path) -> None:
        """``root``, ``root/ab``, ``root/ab/cd``, each 0700 (``parents=True`` ignores mode)."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.parent.mkdir(mode=0o700, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)

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

    def keep_only(self, addresses: set[str]) -> int:
        """Delete every blob not in ``addresses`` (a backup pool's pruning); return how many.

        Only for a store with one writer at a time: a blob written meanwhile may be deleted.
        Folders stay, so a concurrent ``put`` never loses the folder it is writing into.
        """
        doomed = [sha256 for sha256 in self.addresses() if sha256 not in addresses]
        for sha256 in doomed:
            self._path(sha256).unlink(missing_ok=True)
        return len(doomed)

    def addresses(self) -> Iterator[str]:
        """The address of every stored blob (temporary files of unfinished writes excluded)."""
        if not self.root.is_dir():
            return
        for path in sorted(self.root.glob("??/??/*")):
            if is_address(path.name) and path.parent.name == path.name[2:4] \
                    and path.parent.parent.name == path.name[:2]:
                yield path.name
