"""Small helpers shared by tests that write clips and check written video files."""

import cv2
import numpy as np

from tracker.evaluation.otb import GT_FILE
from tracker.io._native import cv2_filename


def readable_frames(path) -> int:
    """How many frames OpenCV can decode from ``path`` (0 if it does not open); any file
    name, also one that is not UTF-8."""
    cap = cv2.VideoCapture(cv2_filename(path))
    count = 0
    try:
        while cap.isOpened() and cap.read()[0]:
            count += 1
    finally:
        cap.release()
    return count


def write_avi_with_dropped_frames(path, frames, fps, every=2):
    """An MJPG AVI like those capture tools write: the header claims ``fps`` and a frame
    per chunk, but only every ``every``-th chunk holds a picture, the others are empty
    ("dropped") chunks. Players show ``len(frames)`` frames at ``fps / every``.
    """
    import struct

    import cv2

    h, w = frames[0].shape[:2]
    chunks = []
    for frame in frames:
        ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 95])
        assert ok
        chunks.append(jpeg.tobytes())
        chunks.extend([b""] * (every - 1))
    total = len(chunks)

    def chunk(fourcc, data):
        return fourcc + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")

    def lst(kind, body):
        return b"LIST" + struct.pack("<I", len(body) + 4) + kind + body

    avih = struct.pack("<14I", round(1e6 / fps), 0, 0, 0x10, total, 0, 1, 0, w, h, 0, 0, 0, 0)
    strh = b"vids" + b"MJPG" + struct.pack("<IHHIIIIIIIIhhhh", 0, 0, 0, 0, 1, round(fps), 0,
                                           total, 0, 0xFFFFFFFF, 0, 0, 0, w, h)
    strf = struct.pack("<IiiHH4sIiiII", 40, w, h, 1, 24, b"MJPG", w * h * 3, 0, 0, 0, 0)
    hdrl = lst(b"hdrl", chunk(b"avih", avih) + lst(b"strl", chunk(b"strh", strh) + chunk(b"strf", strf)))
    movi_body, index, offset = b"", b"", 4          # idx1 offsets count from the "movi" tag
    for data in chunks:
        index += b"00dc" + struct.pack("<III", 0x10 if data else 0, offset, len(data))
        piece = chunk(b"00dc", data)
        movi_body += piece
        offset += len(piece)
    body = b"AVI " + hdrl + lst(b"movi", movi_body) + chunk(b"idx1", index)
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def distinct_frames(n, width=160, height=96):
    """Smooth frames (easy on lossy codecs), each unlike the others: a white block that
    walks the frame row by row over a gradient whose red level changes every frame."""
    import numpy as np

    ys, xs = np.mgrid[0:height, 0:width]
    frames = []
    for i in range(n):
        frame = np.empty((height, width, 3), np.uint8)
        frame[..., 0] = 40 + xs * 120 // width
        frame[..., 1] = 40 + ys * 120 // height
        frame[..., 2] = 30 + (i * 5) % 200
        columns = (width - 30) // 7
        x, y = 10 + (i % columns) * 7, 10 + ((i // columns) * 13) % (height - 30)
        frame[y:y + 16, x:x + 16] = 230
        frames.append(frame)
    return frames


def nearest_frame(frame, frames) -> int:
    """Index of the frame in ``frames`` that ``frame`` looks most like."""
    import numpy as np

    diffs = [np.abs(frame.astype(np.int16) - f.astype(np.int16)).mean() for f in frames]
    return int(np.argmin(diffs))


def write_clip(path, frames, fourcc, fps=25.0):
    import cv2

    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (w, h))
    assert writer.isOpened(), f"this OpenCV cannot write {fourcc}"
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def overwrite_middle(path, fraction, seed=1):
    """Overwrite ``fraction`` of a file's bytes, from its middle on, with noise."""
    import numpy as np

    data = bytearray(open(path, "rb").read())
    n = len(data)
    size = int(n * fraction)
    data[n // 2:n // 2 + size] = np.random.default_rng(seed).integers(0, 256, size, dtype=np.uint8).tobytes()
    open(path, "wb").write(bytes(data))
    return path


def write_video(path, frames, fps=30.0, fourcc="MJPG"):
    h, w = frames[0].shape[:2]
    colour = frames[0].ndim == 3
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (w, h), colour)
    for f in frames:
        writer.write(f)
    writer.release()
    return path


def moving_square_frames(n=40, size=(160, 120), gray=False):
    """A bright square moving right on a dark textured background; box per frame."""
    rng = np.random.default_rng(1)
    w, h = size
    background = rng.integers(20, 60, (h, w, 3), dtype=np.uint8)
    frames, boxes = [], []
    for i in range(n):
        f = background.copy()
        x, y = 20 + i, 40
        f[y:y + 30, x:x + 30] = (40, 200, 230)
        frames.append(cv2.cvtColor(f, cv2.COLOR_BGR2GRAY) if gray else f)
        boxes.append((x, y, 30, 30))
    return frames, boxes


def make_sequence(folder, n=12):
    """An OTB-style sequence folder: img/0001.jpg ... and groundtruth_rect.txt (tab separated)."""
    frames, boxes = moving_square_frames(n=n)
    (folder / "img").mkdir(parents=True)
    for i, frame in enumerate(frames, 1):
        cv2.imwrite(str(folder / "img" / f"{i:04d}.png"), frame)
    (folder / GT_FILE).write_text("".join("\t".join(str(v) for v in b) + "\n" for b in boxes))
    return np.array(boxes, float)
