"""A fast path for the small multipart bodies Collect sends most of the time.

Werkzeug's streaming parser compiles regular expressions for every new boundary, which is a
noticeable share of a submission's cost; most submissions are one XML part of a few kilobytes.
``parse_small`` splits such a body in memory. It is deliberately strict: anything unusual
(a preamble, a part without a name, a malformed header, no closing delimiter, a body over
``LIMIT``) returns ``None`` and the caller lets Werkzeug parse the body instead, so this path
never accepts what Werkzeug would refuse differently.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.http import parse_options_header

LIMIT = 1_000_000


@dataclass(frozen=True)
class Part:
    name: str
    filename: str | None
    content_type: str | None
    data: bytes


def boundary_of(content_type: str) -> bytes | None:
    mimetype, options = parse_options_header(content_type)
    boundary = options.get("boundary")
    if mimetype != "multipart/form-data" or not boundary:
        return None
    return boundary.encode("ascii", "ignore") or None


def parse_small(body: bytes, content_type: str) -> list[Part] | None:
    """The parts of a small multipart/form-data body, or None to use the general parser."""
    boundary = boundary_of(content_type)
    if boundary is None or len(body) > LIMIT:
        return None
    delimiter = b"--" + boundary
    pieces = body.split(delimiter)
    # "" before the first delimiter, then "\r\n<part>\r\n" pieces, then "--" (+ epilogue)
    if pieces[0] != b"" or len(pieces) < 3 or not pieces[-1].startswith(b"--"):
        return None
    parts = []
    for piece in pieces[1:-1]:
        part = _part(piece)
        if part is None:
            return None
        parts.append(part)
    return parts


def _part(piece: bytes) -> Part | None:
    if not piece.startswith(b"\r\n") or not piece.endswith(b"\r\n"):
        return None
    head, separator, data = piece[2:-2].partition(b"\r\n\r\n")
    if not separator:
        return None
    headers = {}
    for line in head.split(b"\r\n"):
        key, colon, value = line.partition(b":")
        if not colon:
            return None
        headers[key.strip().lower()] = value.strip().decode("utf-8", "replace")
    disposition, options = parse_options_header(headers.get(b"content-disposition", ""))
    if disposition != "form-data" or "name" not in options:
        return None
    return Part(options["name"], options.get("filename"), headers.get(b"content-type"), data)
