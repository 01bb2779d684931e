"""Small synthetic scenes with several targets at known boxes, for the multi-target tests."""

from __future__ import annotations

import numpy as np

from tracker.evaluation.otb import iou as otb_iou

SIZE = (240, 160)                   # width, height
GREY = (128, 128, 128)              # the background's colour, BGR
RED, BLUE, GREEN = (40, 40, 210), (210, 60, 40), (40, 200, 40)


def render(boxes_and_colours, seed: int, size=SIZE) -> np.ndarray:
    """A noisy grey frame with a two-tone rectangle per (box, colour); later ones in front.

    Each rectangle has a darker core of its colour, so its histogram is not a single bin.
    """
    width, height = size
    rng = np.random.default_rng(seed)
    frame = np.empty((height, width, 3), np.int16)
    frame[:] = GREY
    for (x, y, w, h), colour in boxes_and_colours:
        x, y, w, h = (int(round(v)) for v in (x, y, w, h))
        frame[max(y, 0):y + h, max(x, 0):x + w] = colour
        core = tuple(int(c * 0.6) for c in colour)
        frame[max(y + h // 4, 0):y + h - h // 4, max(x + w // 4, 0):x + w - w // 4] = core
    frame += rng.integers(-8, 9, frame.shape).astype(np.int16)
    return np.clip(frame, 0, 255).astype(np.uint8)


def iou(a, b) -> float:
    """IoU of two boxes, by the evaluation's own (vectorised) function."""
    return float(otb_iou(np.array(a, float), np.array(b, float))[0])


def crossing(i):
    """A red and a blue square crossing paths; the blue one passes in front."""
    red, blue = (20 + 3 * i, 60, 30, 30), (190 - 3 * i, 70, 30, 30)
    return render([(red, RED), (blue, BLUE)], seed=i), red, blue
