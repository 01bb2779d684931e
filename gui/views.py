"""What each view shows of one frame, for the screen and for files.

On screen a view is the bare image and the `VideoView` paints the track over it at a
constant on-screen size (a label drawn into a 640x480 frame is huge when the frame is
shown at 1280x720 and unreadable when it is shrunk beside another view). Recordings
and saved frames are images on their own, so there the track is drawn into the pixels
(`tracker.draw.draw_track`, sized to the image), as the CLI's videos draw it.
"""

from __future__ import annotations

import cv2
import numpy as np

from tracker.draw import draw_track, draw_tracks

VIEWS = ("track", "backprojection", "segment", "boundaries")
SEGMENTED_VIEWS = frozenset({"segment", "boundaries"})     # views that need the segmentation
ARRANGEMENTS = ("row", "column")


def view_image(name: str, result, tracker) -> np.ndarray | None:
    """The bare image of view ``name`` for a `FrameResult`, or None when there is nothing
    to show (no segmentation for the segmented views, no target for the back-projection).

    The track view is the frame itself, not a copy: callers must not draw into it.
    """
    if name == "track":
        return result.frame
    if name in SEGMENTED_VIEWS:
        if result.segmentation is None:
            return None
        if name == "segment":
            return result.segmentation.recolored()
        return result.segmentation.overlay(result.frame)
    if name == "backprojection":
        if result.state is None or not tracker.initialized:
            return None
        weights = tracker.back_projection(result.frame)
        grey = np.clip(weights * 255.0, 0, 255).astype(np.uint8)
        return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    raise ValueError(f"unknown view {name!r}")


def annotated(image: np.ndarray | None, like: np.ndarray, state, trail, states=None,
              trails=None) -> np.ndarray:
    """A copy of ``image`` with the track drawn into it, or every target of ``states``
    (id -> TrackState) in its own colour when given; a black frame the size of ``like``
    when the view has nothing to show (a video's frame size cannot change)."""
    out = np.zeros_like(like) if image is None else image.copy()
    return draw_tracks(out, states, trails) if states else draw_track(out, state, trail)


def compose(images: list[np.ndarray], arrangement: str = "row") -> np.ndarray:
    """Views of one frame in a row (left to right) or a column (top to bottom)."""
    if arrangement not in ARRANGEMENTS:
        raise ValueError(f"arrangement must be one of {ARRANGEMENTS}, got {arrangement!r}")
    if len(images) == 1:
        return images[0]
    return np.hstack(images) if arrangement == "row" else np.vstack(images)


def annotated_views(images, like: np.ndarray, state, trail, arrangement: str = "row", states=None,
                    trails=None) -> np.ndarray:
    """Bare view images (None for an empty view) annotated and composed: what a
    recording of the view as shown, or View > Save frame, writes."""
    return compose([annotated(image, like, state, trail, states, trails) for image in images],
                   arrangement)
