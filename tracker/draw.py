"""Drawing of tracking results onto frames (shared by the CLI video output and the GUI)."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from .meanshift.tracker import TrackState

TRACK_COLOUR = (0, 220, 0)     # BGR
LOST_COLOUR = (0, 0, 255)
TRAIL_COLOUR = (0, 200, 255)
# One colour per target id (BGR), the first as a single target has always been drawn;
# bright and far apart in hue, so that each reads against the others and the footage.
TARGET_COLOURS = ((0, 220, 0), (255, 160, 0), (220, 0, 220), (0, 220, 255), (255, 255, 0),
                  (0, 120, 255), (160, 80, 255), (255, 255, 255))


def target_colour(target_id: int) -> tuple[int, int, int]:
    """The colour target ``target_id`` is drawn in (BGR); colours repeat after eight."""
    return TARGET_COLOURS[target_id % len(TARGET_COLOURS)]


def draw_tracks(image: np.ndarray, states: dict, trails: dict | None = None) -> np.ndarray:
    """Draw every target of ``states`` (id -> TrackState) in its own colour, labelled with
    its id, onto ``image`` in place; a lost one thin, with LOST in its label."""
    for target_id, state in states.items():
        draw_track(image, state, (trails or {}).get(target_id, ()), colour=target_colour(target_id),
                   label=f"#{target_id}")
    return image


def draw_track(image: np.ndarray, state: TrackState | None,
               trail: Sequence[tuple[float, float]] = (), colour=None, label: str = "") -> np.ndarray:
    """Draw the rotated box, a trail of recent centres and the score onto ``image`` in place.

    A lost target is drawn thinner with a LOST label, so the state reads at a glance
    even in a small thumbnail; without a ``colour``, green while tracked and red when
    lost, with the trail in orange. ``label`` goes before the score (the target's id).
    """
    h, w = image.shape[:2]
    thick = max(1, round(min(h, w) / 240))
    if len(trail) > 1:
        pts = np.round(np.asarray(trail, np.float64)).astype(np.int32)
        cv2.polylines(image, [pts], False, colour or TRAIL_COLOUR, thick, cv2.LINE_AA)
    if state is None:
        return image
    if colour is None:
        colour = LOST_COLOUR if state.lost else TRACK_COLOUR
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
    return image
