"""One call per frame: track and segment, and say how long each part took.

The CLI and the GUI worker both drive this object, so what the GUI shows can always be
reproduced headless.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from .draw import draw_track
from .errors import InputError
from .io.frames import as_bgr8
from .segmentation.segment import Segmentation, SegmentationStream
from .meanshift.tracker import MeanShiftTracker, TrackState


@dataclass
class FrameResult:
    """What the pipeline made of one frame."""

    index: int
    frame: np.ndarray                 # the input, uint8 BGR
    state: TrackState | None          # None while no target is selected
    track_ms: float = 0.0
    trail: list = field(default_factory=list)
    segmentation: Segmentation | None = None
    segment_ms: float = 0.0

    def annotated(self) -> np.ndarray:
        """A copy of the frame with the track drawn on it."""
        return draw_track(self.frame.copy(), self.state, self.trail)

    def segmented(self) -> np.ndarray | None:
        """The recoloured segmentation with the track drawn on it (None if not segmenting)."""
        if self.segmentation is None:
            return None
        return draw_track(self.segmentation.recolored(), self.state, self.trail)

    def side_by_side(self) -> np.ndarray:
        """Annotated frame and, when segmenting, the segmented view to its right."""
        segmented = self.segmented()
        annotated = self.annotated()
        return annotated if segmented is None else np.hstack([annotated, segmented])


class TrackingPipeline:
    """Holds the tracker and its trail across frames.

    Parameters
    ----------
    trail_length : int
        How many recent centres to keep for drawing.
    segment : bool
        Also segment every frame (``SegmentationStream``).
    segment_options : dict, optional
        Passed to ``SegmentationStream``.
    **tracker_options
        Passed to ``MeanShiftTracker``.
    """

    def __init__(self, trail_length: int = 32, segment: bool = False,
                 segment_options: dict | None = None, **tracker_options):
        _check_options(trail_length, segment, segment_options)
        self.tracker_options = tracker_options
        self.tracker = MeanShiftTracker(**tracker_options)
        self.segmenter = SegmentationStream(**(segment_options or {})) if segment else None
        self._trail = deque(maxlen=trail_length)
        self._has_target = False
        self._last_box = None
        self.index = -1

    @property
    def has_target(self) -> bool:
        return self._has_target

    def set_target(self, frame, box, segment: bool = True) -> FrameResult:
        """(Re-)target on ``box`` in ``frame``; that frame's result is the init box.

        ``segment=False`` skips the segmentation of this frame (nobody looks at it)."""
        frame = as_bgr8(frame)
        _check_segment_flag(segment)
        self.index += 1
        t0 = time.perf_counter()
        state = self.tracker.init(frame, box)
        ms = (time.perf_counter() - t0) * 1e3
        self._trail.clear()
        self._trail.append(state.rotated[0])
        self._has_target = True
        self._last_box = state.box
        result = FrameResult(self.index, frame, state, ms, list(self._trail))
        return self.segment(result) if segment else result

    def clear_target(self) -> None:
        self._has_target = False
        self._last_box = None
        self._trail.clear()

    def jumped(self) -> None:
        """The next frame does not follow the last (a seek): forget the trail and let the
        tracker search for the target afresh."""
        self._trail.clear()
        if self._has_target:
            self.tracker.expect_jump()

    def set_tracker_options(self, frame=None, **options) -> TrackState | None:
        """Replace the tracker (colour space, bins, ...); with a target and a frame, the
        new tracker learns the target again where it was last seen, and its state on
        ``frame`` is returned (None without a target)."""
        tracker = MeanShiftTracker(**options)
        state = None
        if self._has_target and self._last_box is not None and frame is not None:
            state = tracker.init(as_bgr8(frame), self._last_box)   # raises before anything changes
            self._trail.clear()
        elif self._has_target:
            self.clear_target()
        self.tracker, self.tracker_options = tracker, options
        return state

    def set_segmentation(self, enabled: bool, **options) -> None:
        """Turn segmentation on (with these ``SegmentationStream`` options) or off."""
        if not isinstance(enabled, (bool, np.bool_)):
            raise InputError(f"enabled must be True or False, got {enabled!r}")
        self.segmenter = SegmentationStream(**options) if enabled else None

    def process(self, frame, segment: bool = True) -> FrameResult:
        """Track the target (if any) in the next frame; ``segment=False`` skips its
        segmentation (the GUI segments only frames a view or a recording shows)."""
        frame = as_bgr8(frame)
        _check_segment_flag(segment)
        self.index += 1
        if not self._has_target:
            result = FrameResult(self.index, frame, None)
            return self.segment(result) if segment else result
        t0 = time.perf_counter()
        state = self.tracker.update(frame)
        ms = (time.perf_counter() - t0) * 1e3
        if not state.lost:
            self._trail.append(state.rotated[0])
            self._last_box = state.box
        result = FrameResult(self.index, frame, state, ms, list(self._trail))
        return self.segment(result) if segment else result

    def segment(self, result: FrameResult) -> FrameResult:
        """Segment ``result``'s frame (again) with the current segmenter, if any: for a
        frame processed without, or after the segmentation options changed."""
        if self.segmenter is not None:
            t0 = time.perf_counter()
            result.segmentation = self.segmenter.update(result.frame)
            result.segment_ms = (time.perf_counter() - t0) * 1e3
        return result


def _check_segment_flag(segment) -> None:
    if not isinstance(segment, (bool, np.bool_)):
        raise InputError(f"segment must be True or False, got {segment!r}")


def _check_options(trail_length, segment, segment_options) -> None:
    """The pipeline's own options, each refused with a message that names it."""
    if isinstance(trail_length, bool) or not isinstance(trail_length, (int, np.integer)) \
            or trail_length < 0:
        raise InputError(f"trail_length must be a whole number >= 0, got {trail_length!r}")
    _check_segment_flag(segment)
    if segment_options is not None and not isinstance(segment_options, dict):
        raise InputError(f"segment_options must be a dict of SegmentationStream options, "
                         f"got {segment_options!r}")


def warm_up(segment_options: dict | None = None, **tracker_options) -> None:
    """Compile, or load from numba's cache, every kernel a frame goes through, on a tiny
    synthetic scene, so that the first real frame costs what a frame costs.

    The GUI calls this in its worker thread before the first frame (numba compiles
    lazily: without it the first frame takes seconds and reports that as its cost).
    """
    rng = np.random.default_rng(0)
    frame = np.empty((48, 64, 3), np.uint8)
    frame[:] = (40, 120, 200)
    frame[:, 32:] = (200, 80, 30)
    frame[12:36, 20:40] = (30, 200, 60)                      # the "target"
    pipeline = TrackingPipeline(segment=True, segment_options=segment_options, **tracker_options)
    pipeline.set_target(frame, (20, 12, 20, 24))
    # Enough frames for every periodic step of the stream (the whole-histogram search).
    for i in range(SegmentationStream.SEARCH_EVERY + 2):
        noisy = np.clip(frame.astype(np.int16) + rng.integers(-6, 7, frame.shape), 0, 255)
        result = pipeline.process(np.roll(noisy.astype(np.uint8), i, axis=1))
    pipeline.tracker.back_projection(result.frame)
    result.side_by_side()
    result.segmentation.overlay(result.frame)
