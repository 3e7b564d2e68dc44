"""The app's icons as PNG bytes, drawn here (no image files, no imaging library).

A PNG is a signature and three chunks (IHDR, IDAT = zlib-compressed rows, each row led by a
filter byte 0, IEND), each chunk ``length | type | data | CRC-32``. The picture: the theme
colour with a white ring and a white dot (a sieve seen from above: "sàng lọc" is screening).
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

THEME = (11, 94, 74)  # #0b5e4a, the manifest's theme colour
WHITE = (255, 255, 255)


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def _row(y: int, size: int) -> bytes:
    centre, ring_out, ring_in, dot = size / 2, size * 0.36, size * 0.27, size * 0.11
    dy = (y + 0.5 - centre) ** 2
    pixels = bytearray(b"\0")  # filter: none
    for x in range(size):
        distance = ((x + 0.5 - centre) ** 2 + dy) ** 0.5
        white = ring_in <= distance <= ring_out or distance <= dot
        pixels += bytes(WHITE if white else THEME)
    return bytes(pixels)


@lru_cache(maxsize=4)
def icon_png(size: int) -> bytes:
    """A ``size`` x ``size`` RGB PNG of the app's icon."""
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    rows = b"".join(_row(y, size) for y in range(size))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows, 9)) + _chunk(b"IEND", b""))
