"""Drawing tracks into frames, for recordings and saved frames (the app's views paint the
same over the picture instead, at a constant size on screen)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import cv2
import numpy as np

#: Any this many targets with consecutive ids (those added one after another) have
#: colours that differ clearly (at least 23 in CIE Lab distance), however high the ids.
DISTINCT_RUN = 24
#: Ids from here on take the colours of the ids from 0 again (a bound on the table kept).
MAX_IDS = 1 << 16
#: The selected box's rim (white) stands out from every target colour by at least this
#: much (CIE76 distance in Lab), and no target colour is darker than this Lab lightness
#: (a dark colour on dark footage does not read).
RIM_DISTANCE = 55.0
MIN_LIGHTNESS = 50.0


def _candidates():
    """Bright colours far from white, BGR, and their distances to each other in CIE Lab:
    90 hues, two saturations, three values, less those near white or dark."""
    hsv = np.array([(h, s, v) for h in range(0, 180, 2) for s in (255, 178)
                    for v in (255, 217, 178)], np.uint8)
    bgr = cv2.cvtColor(hsv[None], cv2.COLOR_HSV2BGR)[0]
    lab = cv2.cvtColor(bgr[None].astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)[0].astype(np.float64)
    usable = (np.linalg.norm(lab - (100.0, 0.0, 0.0), axis=1) >= RIM_DISTANCE) & (lab[:, 0] >= MIN_LIGHTNESS)
    bgr, lab = bgr[usable], lab[usable]
    return [tuple(int(c) for c in colour) for colour in bgr], \
        np.linalg.norm(lab[:, None] - lab[None], axis=2)


_COLOURS, _DISTANCES = _candidates()
#: The first target's colour is green, as a single target has always been drawn.
_ORDER = [int(np.argmin([abs(b) + abs(g - 220) + abs(r) for b, g, r in _COLOURS]))]
_GROWING = threading.Lock()


def target_colour(target_id: int) -> tuple[int, int, int]:
    """The colour target ``target_id`` is drawn in (BGR).

    Each id takes the candidate colour farthest (in CIE Lab) from the colours of the
    `DISTINCT_RUN` ids before it: targets added one after another differ clearly, where
    a fixed list of eight came round again at the ninth, and none is white (the selected
    box's rim) or near it.
    """
    target_id %= MAX_IDS
    if len(_ORDER) <= target_id:
        with _GROWING:                     # the app draws from two threads
            while len(_ORDER) <= target_id:
                nearest = _DISTANCES[:, _ORDER[-DISTINCT_RUN:]].min(axis=1)
                _ORDER.append(int(np.argmax(nearest)))
    return _COLOURS[_ORDER[target_id]]


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
