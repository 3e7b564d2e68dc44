"""The media files a device gets with a form: attached files and per-device generated lists.

Attached files (images, CSVs for ``select_one_from_file``) are stored per form version. Two file
names are generated for each device when a form uses them and no file of that name is attached:
``communes.csv`` (the device's commune, for the identification block) and ``cases.csv`` (the
people of the device's area as an entity list, see ``case_list``).

An attached file whose blob is not in this node's blob store (web nodes that share neither an
object store nor the instance folder, or a lost file), or that cannot be read now (the object
store unreachable, the stored bytes damaged), is answered "not available on this server" (503.1,
naming the file) and logged for the operator with its file name and hash, never a server error.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass

from server import problems
from server.models import FormVersion
from server.services.access.scope import Scope
from server.services.cases import case_list
from server.storage import BlobStore, DamagedBlob

log = logging.getLogger("sangloc.media")


@dataclass(frozen=True)
class MediaFile:
    filename: str
    md5: str
    content_type: str
    data: bytes
    entity_list: bool = False  # the per-device case list (manifest type="entityList")


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def communes_csv(device: Scope) -> bytes:
    return _csv_bytes(["name", "label"], [[device.commune_code, device.commune_name]])


def cases_csv(device: Scope) -> bytes:
    return case_list.case_list_csv(device)


CASE_LIST = "cases.csv"
GENERATED: dict[str, Callable[[Scope], bytes]] = {
    "communes.csv": communes_csv,
    CASE_LIST: cases_csv,
}


def _file(filename: str, data: bytes, content_type: str, *,
          entity_list: bool = False) -> MediaFile:
    return MediaFile(filename, hashlib.md5(data, usedforsecurity=False).hexdigest(),
                     content_type, data, entity_list)


def media_for(version: FormVersion, device: Scope, *,
              leave_out: str | None = None) -> list[MediaFile]:
    """Every file the manifest lists for this device: only files the server really holds;
    ``leave_out`` names one file neither listed nor generated (the mobile app's case list)."""
    attached = {a.filename: a for a in version.attachments}
    files = []
    for name in version.media:
        if name == leave_out:
            continue
        if name in attached:
            a = attached[name]
            files.append(MediaFile(name, a.md5, a.content_type, b""))
        elif name in GENERATED:
            files.append(_file(name, GENERATED[name](device), "text/csv; charset=utf-8",
                               entity_list=name == CASE_LIST))
    return files


def get_media(version: FormVersion, device: Scope, blobs: BlobStore,
              filename: str) -> MediaFile:
    for attachment in version.attachments:
        if attachment.filename == filename:
            return MediaFile(filename, attachment.md5, attachment.content_type,
                             blob_bytes(blobs, attachment.blob_sha256, filename))
    if filename in version.media and filename in GENERATED:
        return _file(filename, GENERATED[filename](device), "text/csv; charset=utf-8")
    raise problems.not_found()


def blob_bytes(blobs: BlobStore, sha256: str, filename: str) -> bytes:
    """A media file's bytes from the blob store (503.1 when this node lacks them)."""
    try:
        return blobs.get(sha256)
    except KeyError:
        log.error("form media %s (blob %s) is not in this node's blob store: web nodes must "
                  "share one (SANGLOC_STORAGE_URL, or the instance folder)", filename, sha256)
        raise problems.file_unavailable(filename) from None
    except (OSError, DamagedBlob) as exc:
        log.error("form media %s (blob %s) cannot be read: %s", filename, sha256,
                  type(exc).__name__ if isinstance(exc, DamagedBlob) else exc)
        raise problems.file_unavailable(filename) from None
