"""One call per frame: track (and later segment) and say how long each part took.

The CLI and the GUI worker both drive this object, so what the GUI shows can always be
reproduced headless.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from .draw import draw_track
from .frames import as_bgr8
from .tracking import MeanShiftTracker, TrackState


@dataclass
class FrameResult:
    """What the pipeline made of one frame."""

    index: int
    frame: np.ndarray                 # the input, uint8 BGR
    state: TrackState | None          # None while no target is selected
    track_ms: float = 0.0
    trail: list = field(default_factory=list)

    def annotated(self) -> np.ndarray:
        """A copy of the frame with the track drawn on it."""
        return draw_track(self.frame.copy(), self.state, self.trail)


class TrackingPipeline:
    """Holds the tracker and its trail across frames.

    Parameters
    ----------
    trail_length : int
        How many recent centres to keep for drawing.
    **tracker_options
        Passed to ``MeanShiftTracker``.
    """

    def __init__(self, trail_length: int = 32, **tracker_options):
        self.tracker_options = tracker_options
        self.tracker = MeanShiftTracker(**tracker_options)
        self._trail = deque(maxlen=trail_length)
        self._has_target = False
        self.index = -1

    @property
    def has_target(self) -> bool:
        return self._has_target

    def set_target(self, frame, box) -> FrameResult:
        """(Re-)target on ``box`` in ``frame``; that frame's result is the init box."""
        frame = as_bgr8(frame)
        self.index += 1
        t0 = time.perf_counter()
        state = self.tracker.init(frame, box)
        ms = (time.perf_counter() - t0) * 1e3
        self._trail.clear()
        self._trail.append(state.rotated[0])
        self._has_target = True
        return FrameResult(self.index, frame, state, ms, list(self._trail))

    def clear_target(self) -> None:
        self._has_target = False
        self._trail.clear()

    def process(self, frame) -> FrameResult:
        """Track the target (if any) in the next frame."""
        frame = as_bgr8(frame)
        self.index += 1
        if not self._has_target:
            return FrameResult(self.index, frame, None)
        t0 = time.perf_counter()
        state = self.tracker.update(frame)
        ms = (time.perf_counter() - t0) * 1e3
        if not state.lost:
            self._trail.append(state.rotated[0])
        return FrameResult(self.index, frame, state, ms, list(self._trail))
