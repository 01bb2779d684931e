"""Drawing tracks into frames, for recordings and saved frames (the app's views paint the
same over the picture instead, at a constant size on screen)."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

# One colour per target id (BGR); bright and far apart in hue, so that each reads
# against the others and the footage.
TARGET_COLOURS = ((0, 220, 0), (255, 160, 0), (220, 0, 220), (0, 220, 255), (255, 255, 0),
                  (0, 120, 255), (160, 80, 255), (255, 255, 255))


def target_colour(target_id: int) -> tuple[int, int, int]:
    """The colour target ``target_id`` is drawn in (BGR); colours repeat after eight."""
    return TARGET_COLOURS[target_id % len(TARGET_COLOURS)]


def draw_tracks(image: np.ndarray, states: dict, trails: dict | None = None) -> np.ndarray:
    """Draw every target of ``states`` (id -> TrackState) onto ``image`` in place, each in
    its own colour: the rotated box, its centre, the trail of recent centres (``trails``,
    id -> centres) and a label with the id and the score. A lost target is drawn thinner
    with LOST in its label, so the state reads at a glance even in a small thumbnail."""
    for target_id, state in states.items():
        _draw_track(image, state, (trails or {}).get(target_id, ()), target_colour(target_id),
                    f"#{target_id}")
    return image


def _draw_track(image, state, trail: Sequence[tuple[float, float]], colour, label: str):
    h, w = image.shape[:2]
    thick = max(1, round(min(h, w) / 240))
    if len(trail) > 1:
        pts = np.round(np.asarray(trail, np.float64)).astype(np.int32)
        cv2.polylines(image, [pts], False, colour, thick, cv2.LINE_AA)
    corners = np.round(cv2.boxPoints(state.rotated)).astype(np.int32)
    cv2.polylines(image, [corners], True, colour, thick + (0 if state.lost else 1), cv2.LINE_AA)
    (cx, cy), _, _ = state.rotated
    cv2.circle(image, (int(round(cx)), int(round(cy))), thick + 1, colour, -1, cv2.LINE_AA)
    label = " ".join(filter(None, (label, "LOST" if state.lost else "", f"{state.score:.2f}")))
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
