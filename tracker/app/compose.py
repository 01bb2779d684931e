"""The one compositor: what each view shows of a frame, and the views of a frame drawn
and arranged into one image, for recordings (the CLI's and the app's) and saved frames.

On screen a view is the bare image and the app paints the tracks over it at a constant
on-screen size (a label drawn into a 640x480 frame is huge when the frame is shown at
1280x720 and unreadable when it is shrunk beside another view). Recordings and saved
frames are images on their own, so there the tracks are drawn into the pixels
(`draw_tracks`, sized to the image).
"""

from __future__ import annotations

import cv2
import numpy as np

from ..checks import as_choice
from .draw import draw_tracks

VIEWS = ("track", "backprojection", "segment", "boundaries")
SEGMENTED_VIEWS = frozenset({"segment", "boundaries"})     # views that need the segmentation
ARRANGEMENTS = ("row", "column")


def view_image(name: str, result, tracker) -> np.ndarray | None:
    """The bare image of view ``name`` for a `FrameResult`, or None when there is nothing
    to show (no segmentation for the segmented views, no selected target for the
    back-projection, which is ``tracker``'s: the selected target's).

    The track view is the frame itself, not a copy: callers must not draw into it.
    """
    as_choice(name, "view", VIEWS)
    if name == "track":
        return result.frame
    if name in SEGMENTED_VIEWS:
        if result.segmentation is None:
            return None
        if name == "segment":
            return result.segmentation.recolored()
        return result.segmentation.overlay(result.frame)
    if result.selected is None or tracker is None or not tracker.initialized:
        return None
    weights = tracker.back_projection(result.frame)
    grey = np.clip(weights * 255.0, 0, 255).astype(np.uint8)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)


def annotated(image: np.ndarray | None, like: np.ndarray, states: dict, trails: dict) -> np.ndarray:
    """A copy of ``image`` with every target of ``states`` (id -> TrackState) drawn into
    it; a black frame the size of ``like`` when the view has nothing to show (a video's
    frame size cannot change)."""
    out = np.zeros_like(like) if image is None else image.copy()
    return draw_tracks(out, states, trails)


def arrange(images: list[np.ndarray], arrangement: str = "row") -> np.ndarray:
    """Views of one frame in a row (left to right) or a column (top to bottom)."""
    as_choice(arrangement, "arrangement", ARRANGEMENTS)
    if len(images) == 1:
        return images[0]
    return np.hstack(images) if arrangement == "row" else np.vstack(images)


def annotated_views(images, like: np.ndarray, states: dict, trails: dict,
                    arrangement: str = "row") -> np.ndarray:
    """Bare view images (None for an empty view) annotated and arranged: what a recording
    of the views as shown, or a saved frame, holds."""
    return arrange([annotated(image, like, states, trails) for image in images], arrangement)


def composed(result, views, tracker, arrangement: str = "row") -> np.ndarray:
    """The views ``views`` of a `FrameResult`, annotated and arranged (``tracker`` is the
    selected target's, for the back-projection)."""
    return annotated_views([view_image(v, result, tracker) for v in views], result.frame,
                           result.states, result.trails, arrangement)
