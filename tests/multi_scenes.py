"""Small synthetic scenes with several targets at known boxes, for the multi-target tests."""

from __future__ import annotations

import numpy as np

SIZE = (240, 160)                   # width, height
GREY = (128, 128, 128)              # the background's colour, BGR


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
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    iw = min(ax + aw, bx + bw) - max(ax, bx)
    ih = min(ay + ah, by + bh) - max(ay, by)
    if iw <= 0 or ih <= 0:
        return 0.0
    return iw * ih / (aw * ah + bw * bh - iw * ih)
