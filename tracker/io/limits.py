"""The largest frame the package decodes, judged from a file's header before decoding.

A 0.75 MB PNG can hold 16000 x 16000 pixels: decoded, 768 MB, and the segmentation of
it several GB more. Every source checks the pixel count of its frames before decoding
them: image files and stream parts from their header (PNG, JPEG, BMP, WebP, TIFF,
PPM/PGM, read here without decoding), videos and streams from the size the capture
reports. A frame over the limit is refused with one line saying how to allow it.
"""

from __future__ import annotations

import struct
from numbers import Integral

from ..errors import InputError

#: Pixels a frame may have unless the caller allows more (``max_pixels``): 50 megapixels,
#: above any camera or video (8K UHD is 33) and far below what exhausts memory.
MAX_PIXELS = 50_000_000


def as_max_pixels(value) -> int:
    """``max_pixels`` checked: a positive integer (None means the default)."""
    if value is None:
        return MAX_PIXELS
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise InputError(f"max_pixels must be a positive integer, got {value!r}")
    return int(value)


def too_many_pixels(width: int, height: int, max_pixels: int) -> str | None:
    """Why a ``width`` x ``height`` frame is refused, or None if it is within the limit."""
    if width * height <= max_pixels:
        return None
    gigabytes = width * height * 3 / 2**30
    memory = f", given {gigabytes:.1f} GB of memory a frame" if gigabytes >= 0.1 else ""
    return (f"{width}x{height} pixels ({_megapixels(width * height)}) a frame, over the "
            f"limit of {_megapixels(max_pixels)} (--max-pixels, or max_pixels in Python, allows "
            f"more{memory})")


def _megapixels(n: int) -> str:
    return f"{n / 1e6:.3g} megapixels" if n >= 100_000 else f"{n} pixels"


def image_size(data) -> tuple[int, int] | None:
    """``(width, height)`` from the header of an encoded image, or None when the format
    is not one read here or the header is cut short. ``data`` is bytes-like (the whole
    file or at least its first few kilobytes; a JPEG's size may come after its EXIF
    block)."""
    head = memoryview(data).cast("B")
    try:
        if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
            return struct.unpack(">II", head[16:24])
        if head[:2] == b"\xff\xd8":
            return _jpeg_size(head)
        if head[:2] == b"BM":
            width, height = struct.unpack("<ii", head[18:26])
            return abs(width), abs(height)
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return _webp_size(head)
        if head[:4] in (b"II*\x00", b"MM\x00*"):
            return _tiff_size(head)
        if head[:1] == b"P" and head[1:2] in (b"1", b"2", b"3", b"4", b"5", b"6"):
            return _pnm_size(bytes(head[:1024]))
    except (struct.error, ValueError, IndexError):
        return None
    return None


# SOF markers: 0xC0-0xCF but for DHT (C4), JPG (C8) and DAC (CC).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg_size(head):
    at = 2
    while at + 9 < len(head):
        if head[at] != 0xFF:
            return None
        marker = head[at + 1]
        if marker == 0xFF:             # fill byte
            at += 1
            continue
        if marker in _SOF:
            height, width = struct.unpack(">HH", head[at + 5:at + 9])
            return width, height
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:   # no length
            at += 2
            continue
        at += 2 + struct.unpack(">H", head[at + 2:at + 4])[0]
    return None


def _webp_size(head):
    kind = bytes(head[12:16])
    if kind == b"VP8 ":
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if kind == b"VP8L":
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if kind == b"VP8X":
        return (int.from_bytes(head[24:27], "little") + 1,
                int.from_bytes(head[27:30], "little") + 1)
    return None


def _tiff_size(head):
    order = "<" if head[:2] == b"II" else ">"
    offset = struct.unpack(order + "I", head[4:8])[0]
    count = struct.unpack(order + "H", head[offset:offset + 2])[0]
    found = {}
    for i in range(count):
        entry = offset + 2 + 12 * i
        tag, kind = struct.unpack(order + "HH", head[entry:entry + 4])
        if tag in (256, 257):
            fmt = "H" if kind == 3 else "I"
            found[tag] = struct.unpack(order + fmt, head[entry + 8:entry + 8 + struct.calcsize(fmt)])[0]
    return (found[256], found[257]) if len(found) == 2 else None


def _pnm_size(head: bytes):
    fields = []
    for line in head[2:].split(b"\n"):
        fields += line.split(b"#")[0].split()
        if len(fields) >= 2:
            return int(fields[0]), int(fields[1])
    return None
