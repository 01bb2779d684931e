"""The pixel limit: frames are judged by the size their header or container gives, before
anything is decoded, so a small file cannot make the package allocate gigabytes."""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest

from tracker.errors import InputError, SourceError
from tracker.io.images import ImageSequenceSource
from tracker.io.limits import MAX_PIXELS, image_size
from tracker.io.sources import open_source
from tracker.io.video import VideoFileSource


def write_blank_png(path, width, height):
    """A valid all-black 8-bit grey PNG written row block by row block: 16000 x 16000
    pixels in a few hundred kilobytes, without holding the image in memory."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    row = bytes(1 + width)                      # filter byte 0, then the pixels
    rows_per_block = max(1, (1 << 22) // len(row))
    z = zlib.compressobj(6)
    body = []
    for start in range(0, height, rows_per_block):
        body.append(z.compress(row * min(rows_per_block, height - start)))
    body.append(z.flush())
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", b"".join(body)) + chunk(b"IEND", b""))


def test_a_small_png_of_16000_by_16000_pixels_is_refused_before_decoding(tmp_path):
    path = tmp_path / "bomb.png"
    write_blank_png(path, 16000, 16000)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(SourceError) as error:
        open_source(path)
    message = str(error.value)
    assert "16000x16000 pixels (256 megapixels)" in message and "max_pixels" in message
    assert "limit of 50 megapixels" in message and "\n" not in message


@pytest.mark.parametrize("ext", [".png", ".jpg", ".bmp", ".tif", ".webp", ".ppm", ".pgm"])
def test_image_size_is_read_from_the_header(ext):
    image = np.random.default_rng(0).integers(0, 255, (37, 53, 3), dtype=np.uint8)
    ok, data = cv2.imencode(ext, image[:, :, 0] if ext == ".pgm" else image)
    assert ok
    assert image_size(data.tobytes()) == (53, 37)


def test_jpeg_size_past_exif_and_in_a_progressive_file():
    image = np.zeros((21, 34, 3), np.uint8)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])
    data = data.tobytes()
    exif = b"Exif\x00\x00" + bytes(3000)
    with_exif = data[:2] + b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif + data[2:]
    assert cv2.imdecode(np.frombuffer(with_exif, np.uint8), cv2.IMREAD_COLOR).shape == (21, 34, 3)
    assert image_size(data) == image_size(with_exif) == (34, 21)
    assert image_size(b"\xff\xd8\xff") is None and image_size(b"GIF89a") is None


def test_max_pixels_allows_more_or_fewer(tmp_path):
    path = tmp_path / "a.png"
    cv2.imwrite(str(path), np.zeros((40, 40, 3), np.uint8))
    with pytest.raises(SourceError, match="40x40 pixels .* over the limit of 1000 pixels"):
        open_source(path, max_pixels=1000)
    with open_source(path, max_pixels=1600) as source:
        assert source.read().shape == (40, 40, 3)
    with pytest.raises(InputError, match="max_pixels"):
        open_source(path, max_pixels=0)
    assert MAX_PIXELS == 50_000_000


def test_a_video_is_judged_by_its_container_before_a_frame_is_decoded(tmp_path):
    path = tmp_path / "v.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    for _ in range(3):
        writer.write(np.zeros((48, 64, 3), np.uint8))
    writer.release()
    with pytest.raises(SourceError, match="64x48 pixels"):
        VideoFileSource(path, max_pixels=64 * 48 - 1)
    with open_source(path) as source:
        assert source.size == (64, 48)


def test_an_oversized_image_ends_a_sequence_there(tmp_path):
    for i in range(4):
        side = 200 if i == 2 else 20
        cv2.imwrite(str(tmp_path / f"{i:04d}.png"), np.zeros((side, side, 3), np.uint8))
    with ImageSequenceSource(tmp_path / "%04d.png", max_pixels=1000) as source:
        frames = list(source)
    assert len(frames) == 2 and source.truncated
    assert "0002.png" in source.error and "200x200 pixels" in source.error
