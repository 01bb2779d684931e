"""A shaking camera: the target jumps sideways, and a look-alike above it is not taken.

Rendered clip, as from a hand-held camera on a pavement: a 16 x 48 px pedestrian (white
top, black trousers with a gap between the legs) walks slowly across mottled gray
pavement; 12 px above its head hangs a 24 x 58 px board of the same white and black, solid.
Every 12 frames the camera jerks: the whole picture moves 20 px sideways for 4 frames
(more than the target's width, so the window at the predicted place no longer holds
the target) and comes back. The board is inside the searched region (which reaches
1.75 box heights up), and denser in the target's colours than the target itself; a
jerk must not swap the target for it. On every frame the box must overlap the true
pedestrian (and mostly be on it).

(Left for later: at the third jerk the window left at the predicted place drifts over
the faint weights of the pavement seen between the legs up onto the board, and that
local match wins by `JUMP_MARGIN` over the target found by the densest window.)
"""

import cv2
import numpy as np

from tracker import MeanShiftTracker
from tracker.evaluation.otb import iou

W, H = 320, 240
WHITE, BLACK = (235, 235, 235), (25, 25, 25)
SIZE = (16, 48)
N = 20     # two jerks: out and back


def ground(seed=0):
    """Mottled gray pavement (about 8 px grain)."""
    rng = np.random.default_rng(seed)
    grain = rng.normal(0, 1, (H // 8 + 1, W // 8 + 1, 3)).astype(np.float32)
    return cv2.resize(grain, (W, H), interpolation=cv2.INTER_CUBIC) * 10 + np.array([130, 135, 140], np.float32)


def shake(i):
    """The camera's sideways offset in frame ``i``: 20 px for 4 frames out of every 12."""
    return 20 if i % 12 >= 8 else 0


def target(i):
    """The pedestrian's top-left corner in frame ``i`` (walking right, 0.5 px a frame)."""
    return 100 + 0.5 * i + shake(i), 150.0


def render(i, pavement):
    img = pavement.copy()
    dx = shake(i)
    img = np.roll(img, dx, axis=1)
    x, y = (int(round(v)) for v in target(i))
    w, h = SIZE
    img[y:y + 18, x:x + w] = WHITE
    img[y + 18:y + h, x:x + 7] = BLACK          # two legs, a gap between them
    img[y + 18:y + h, x + 9:x + w] = BLACK
    bx, by = 104 + dx, y - 70                      # the board: 12 px above the pedestrian's head
    img[by:by + 22, bx:bx + 24] = WHITE
    img[by + 22:by + 58, bx:bx + 24] = BLACK
    img += np.random.default_rng(i).normal(0, 3, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def test_a_camera_jerk_does_not_swap_the_target_for_a_denser_lookalike_above_it():
    pavement = ground()
    tracker = MeanShiftTracker()
    x, y = target(0)
    tracker.init(render(0, pavement), (x, y, *SIZE))
    overlaps = []
    for i in range(1, N):
        state = tracker.update(render(i, pavement))
        x, y = target(i)
        overlaps.append(iou(np.array([state.box]), np.array([(x, y, *SIZE)]))[0])
    overlaps = np.array(overlaps)
    assert (overlaps > 0).all(), f"the box left the pedestrian in frames {np.flatnonzero(overlaps <= 0) + 1}"
    assert np.median(overlaps) > 0.5
