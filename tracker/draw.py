"""Drawing of tracking results onto frames (shared by the CLI video output and the GUI)."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from .meanshift.tracker import TrackState

TRACK_COLOUR = (0, 220, 0)     # BGR
LOST_COLOUR = (0, 0, 255)
TRAIL_COLOUR = (0, 200, 255)


def draw_track(image: np.ndarray, state: TrackState | None,
               trail: Sequence[tuple[float, float]] = ()) -> np.ndarray:
    """Draw the rotated box, a trail of recent centres and the score onto ``image`` in place.

    A lost target is drawn dashed-looking in red with a LOST label, so the state reads
    at a glance even in a small thumbnail.
    """
    h, w = image.shape[:2]
    thick = max(1, round(min(h, w) / 240))
    if len(trail) > 1:
        pts = np.round(np.asarray(trail, np.float64)).astype(np.int32)
        cv2.polylines(image, [pts], False, TRAIL_COLOUR, thick, cv2.LINE_AA)
    if state is None:
        return image
    colour = LOST_COLOUR if state.lost else TRACK_COLOUR
    corners = np.round(cv2.boxPoints(state.rotated)).astype(np.int32)
    cv2.polylines(image, [corners], True, colour, thick + (0 if state.lost else 1), cv2.LINE_AA)
    (cx, cy), _, _ = state.rotated
    cv2.circle(image, (int(round(cx)), int(round(cy))), thick + 1, colour, -1, cv2.LINE_AA)
    label = f"LOST {state.score:.2f}" if state.lost else f"{state.score:.2f}"
    scale = 0.4 * thick
    (tw, th), base = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
    # On the box's top corner (the left one of an upright box), so that it stays with a
    # rotated box too; below its bottom corner when there is no room above.
    tx, top = min(corners.tolist(), key=lambda p: (p[1], p[0]))
    ty = top - 4
    if ty - th < 0:
        tx, bottom = max(corners.tolist(), key=lambda p: (p[1], -p[0]))
        ty = min(bottom + th + 4, h - base)
    cv2.putText(image, label, (min(max(tx, 0), max(w - tw, 0)), ty), cv2.FONT_HERSHEY_SIMPLEX,
                scale, colour, thick, cv2.LINE_AA)
    return image
