"""What OpenCV's camshift.py sample works with, for comparing our kernels with it: a hue
colour space, the sample's hue histogram of a box, and real frames with an object box."""

import cv2
import numpy as np
import pytest

from tests.support.paths import SHARED_DATA
from tracker.meanshift.colour import ColourSpace

HUE = ColourSpace("h", cv2.COLOR_BGR2HSV, (16, 1, 1), (180, 256, 256))


def _real_frames():
    """(name, BGR frame, (x, y, w, h) object box) from the shared footage."""
    if not SHARED_DATA.is_dir():
        return []
    frames = []
    for seq, idx in (("Couple", 1), ("Couple", 40), ("Crossing", 1)):
        img = cv2.imread(str(SHARED_DATA / "otb" / seq / "img" / f"{idx:04d}.jpg"))
        gt = (SHARED_DATA / "otb" / seq / "groundtruth_rect.txt").read_text().split("\n")[idx - 1]
        box = tuple(int(v) for v in gt.replace(",", " ").replace("\t", " ").split())
        if img is not None:
            frames.append((f"{seq}-{idx}", img, box))
    cap = cv2.VideoCapture(str(SHARED_DATA / "video" / "traffic-360p.mp4"))
    for i in range(61):
        ok, frame = cap.read()
        if not ok:
            break
        if i in (0, 60):
            frames.append((f"traffic-{i}", frame, (265, 80, 45, 40)))
    cap.release()
    return frames


_REAL = None


def real_frames():
    global _REAL
    if _REAL is None:
        _REAL = _real_frames()
    if not _REAL:
        pytest.skip("shared footage (../shared/data) is absent")
    return _REAL


def sample_hue_hist(hsv, box, channels=(0,), bins=(16,), ranges=(0, 180)):
    """Hue (or hue-saturation) histogram of a box as OpenCV's camshift.py builds it."""
    x, y, w, h = box
    mask = cv2.inRange(hsv, np.array((0.0, 60.0, 32.0)), np.array((180.0, 255.0, 255.0)))
    hist = cv2.calcHist([hsv[y:y + h, x:x + w]], list(channels), mask[y:y + h, x:x + w], list(bins), list(ranges))
    cv2.normalize(hist, hist, 0, 255, cv2.NORM_MINMAX)
    return hist
