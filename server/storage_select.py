"""Which blob store a deployment uses, from ``SANGLOC_STORAGE_URL``: the one factory.

``create_app`` calls ``open_store`` once; everything else (requests, jobs, ``sangloc backup`` and
``restore``) uses the store it made, ``app.extensions["sangloc_blobs"]``.

- empty: files under ``<instance>/blobs`` (the embedded default);
- ``file:///absolute/path``: files under that folder (e.g. a shared mount);
- ``s3://bucket[/prefix]?endpoint=http://127.0.0.1:8333&region=us-east-1``: an S3-compatible
  store (``server/storage_s3.py``), signed with ``SANGLOC_S3_ACCESS_KEY`` and
  ``SANGLOC_S3_SECRET_KEY``; without ``endpoint``, AWS S3 itself.

A URL that is none of these is a ``ConfigError`` naming what is wrong, at start. Messages never
repeat credentials (a user:password part of the URL is refused, not echoed). This module makes no
request to the store (``check()`` does, for readiness) and reads no environment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from server.config import ConfigError
from server.storage import BlobStore, FilesystemBlobStore

_NAME = "SANGLOC_STORAGE_URL"
_FORMS = ("empty (files in the instance folder), file:///absolute/path, or "
          "s3://bucket[/prefix]?endpoint=https://host:port&region=name")
# S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens, a letter or digit at ends
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_PREFIX = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
_REGION = re.compile(r"^[a-z0-9-]{1,32}$")
_S3_PARAMETERS = {"endpoint", "region"}


def open_store(config: Mapping[str, Any]) -> BlobStore:
    """The blob store the settings name (``SANGLOC_*`` keys of the Flask config)."""
    url = str(config.get(_NAME) or "").strip()
    if not url:
        return FilesystemBlobStore(Path(config["SANGLOC_INSTANCE_DIR"]) / "blobs")
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ConfigError(f"{_NAME} must not hold credentials: set SANGLOC_S3_ACCESS_KEY and "
                          "SANGLOC_S3_SECRET_KEY")
    if parts.scheme == "file":
        return _filesystem(parts)
    if parts.scheme == "s3":
        return _s3(parts, config)
    raise ConfigError(f"{_NAME} has an unknown scheme {parts.scheme or '(none)'!r}; use "
                      f"{_FORMS}")


def _filesystem(parts: Any) -> BlobStore:
    if parts.netloc not in ("", "localhost") or not parts.path.startswith("/") \
            or parts.query or parts.fragment:
        raise ConfigError(f"{_NAME}: a file URL is file:///absolute/path (three slashes, no "
                          "query)")
    return FilesystemBlobStore(Path(parts.path))


def _s3(parts: Any, config: Mapping[str, Any]) -> BlobStore:
    from server.storage_s3 import S3BlobStore

    bucket = parts.hostname or ""
    if not _BUCKET.match(parts.netloc) or ".." in bucket:
        raise ConfigError(f"{_NAME}: {parts.netloc!r} is not an S3 bucket name (3-63 lowercase "
                          "letters, digits, dots and hyphens)")
    prefix = parts.path.strip("/")
    if prefix and (not _PREFIX.match(prefix) or {".", ".."} & set(prefix.split("/"))):
        raise ConfigError(f"{_NAME}: the prefix {prefix!r} may hold letters, digits, '.', '_', "
                          "'-' and single '/' between them (no '.' or '..' part)")
    parameters = _s3_parameters(parts)
    access_key, secret_key = config["SANGLOC_S3_ACCESS_KEY"], config["SANGLOC_S3_SECRET_KEY"]
    if not access_key or not secret_key:
        raise ConfigError(f"{_NAME} names an S3 bucket: set SANGLOC_S3_ACCESS_KEY and "
                          "SANGLOC_S3_SECRET_KEY (the bucket is private)")
    return S3BlobStore(bucket, f"{prefix}/" if prefix else "",
                       endpoint=parameters.get("endpoint"),
                       region=parameters.get("region", "us-east-1"),
                       access_key=access_key, secret_key=secret_key)


def _s3_parameters(parts: Any) -> dict[str, str]:
    if parts.fragment:
        raise ConfigError(f"{_NAME}: an s3 URL has no '#' part")
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    parameters = dict(pairs)
    unknown = sorted({key for key, _ in pairs} - _S3_PARAMETERS)
    if unknown or len(parameters) != len(pairs):
        raise ConfigError(f"{_NAME}: s3 URL parameters are endpoint and region, once each; "
                          f"got {', '.join(key for key, _ in pairs)}")
    endpoint = parameters.get("endpoint")
    if endpoint is not None:
        target = urlsplit(endpoint)
        if "@" in target.netloc:
            raise ConfigError(f"{_NAME}: the endpoint must not hold credentials")
        if target.scheme not in ("http", "https") or not target.hostname \
                or target.path not in ("", "/") or target.query:
            raise ConfigError(f"{_NAME}: endpoint must be http(s)://host[:port], got "
                              f"{endpoint!r}")
        _port(target)
        parameters["endpoint"] = f"{target.scheme}://{target.netloc}"
    if "region" in parameters and not _REGION.match(parameters["region"]):
        raise ConfigError(f"{_NAME}: region must be lowercase letters, digits and '-'")
    return parameters


def _port(target: Any) -> None:
    try:
        target.port  # noqa: B018 (raises ValueError for a port out of range or not a number)
    except ValueError:
        raise ConfigError(f"{_NAME}: the endpoint's port is not a number from 1 to "
                          "65535") from None
