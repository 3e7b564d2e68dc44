"""Reading a QR code the way a phone would: draw the image, then let zxing-cpp decode it.

The pages show a device's QR code as an SVG ``data:`` URI made by segno: a white square and
one black path of horizontal strokes one module high (``M x y`` moves, ``m dx dy`` moves
relatively, ``h n`` draws n modules to the right, at the stroke's centre line ``y``).
``svg_modules`` draws that path onto a grid, exactly as the SVG says, without knowing the
payload; ``decode`` hands a scaled grey image of any grid to ``zxingcpp.read_barcodes``.
"""

from __future__ import annotations

import math
import re
from urllib.parse import unquote

_VIEWBOX = re.compile(r"viewBox=['\"]0 0 (\d+) (\d+)['\"]")
_STROKE = re.compile(r"<path[^>]*stroke=['\"]#000['\"][^>]*\sd=['\"]([^'\"]+)['\"]")
_COMMAND = re.compile(r"([MmHh])\s*(-?[\d.]+)(?:[\s,]+(-?[\d.]+))?")


def svg_from_data_uri(uri: str) -> str:
    head, _, body = uri.partition(",")
    assert head.startswith("data:image/svg+xml"), head
    return unquote(body)


def svg_modules(svg: str) -> list[list[bool]]:
    """The dark modules of a segno SVG, row by row."""
    width, height = map(int, _VIEWBOX.search(svg).groups())
    grid = [[False] * width for _ in range(height)]
    x = y = 0.0
    for command, first, second in _COMMAND.findall(_STROKE.search(svg).group(1)):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:  # "h": a stroke from x to x + n along the row whose centre line is y
            end = x + float(first)
            for column in range(int(min(x, end)), int(max(x, end))):
                grid[math.floor(y)][column] = True
            x = end
    return grid


def decode(grid: list[list[bool]], scale: int = 4) -> list[str]:
    """The texts zxing-cpp reads from the grid drawn ``scale`` pixels per module."""
    import zxingcpp

    rows = bytearray()
    for row in grid:
        line = bytes(0 if dark else 255 for dark in row for _ in range(scale))
        rows += line * scale
    image = memoryview(bytes(rows)).cast("B", (len(grid) * scale, len(grid[0]) * scale))
    return [found.text for found in zxingcpp.read_barcodes(image)]


def decode_grey(pixels: bytes, width: int, height: int) -> list[str]:
    """The texts zxing-cpp reads from a grey image (one byte per pixel, row by row)."""
    import zxingcpp

    image = memoryview(pixels).cast("B", (height, width))
    return [found.text for found in zxingcpp.read_barcodes(image)]
