"""One call per frame: track and segment, and say how long each part took.

The CLI and the GUI worker both drive this object, so what the GUI shows can always be
reproduced headless.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from .draw import draw_track, draw_tracks
from .errors import InputError
from .io.frames import as_bgr8
from .segmentation.segment import Segmentation, SegmentationStream
from .meanshift.multi import MultiTracker
from .meanshift.tracker import MeanShiftTracker, TrackState


@dataclass
class FrameResult:
    """What the pipeline made of one frame.

    ``states`` and ``trails`` hold every target by id; ``state`` and ``trail`` are those
    of the selected target (the only one, or the one the GUI's panels show).
    """

    index: int
    frame: np.ndarray                 # the input, uint8 BGR
    state: TrackState | None          # None while no target is selected
    track_ms: float = 0.0
    trail: list = field(default_factory=list)
    segmentation: Segmentation | None = None
    segment_ms: float = 0.0
    states: dict = field(default_factory=dict)      # id -> TrackState
    trails: dict = field(default_factory=dict)      # id -> recent centres
    selected: int | None = None

    def annotated(self) -> np.ndarray:
        """A copy of the frame with the tracks drawn on it."""
        return self._draw(self.frame.copy())

    def segmented(self) -> np.ndarray | None:
        """The recoloured segmentation with the tracks drawn on it (None if not segmenting)."""
        if self.segmentation is None:
            return None
        return self._draw(self.segmentation.recolored())

    def side_by_side(self) -> np.ndarray:
        """Annotated frame and, when segmenting, the segmented view to its right."""
        segmented = self.segmented()
        annotated = self.annotated()
        return annotated if segmented is None else np.hstack([annotated, segmented])

    def _draw(self, image):
        if not self.states:        # no target, or a result made by hand with `state` only
            return draw_track(image, self.state, self.trail)
        return draw_tracks(image, self.states, self.trails)


class TrackingPipeline:
    """Holds the targets (a `MultiTracker`) and their trails across frames.

    Parameters
    ----------
    trail_length : int
        How many recent centres to keep for drawing.
    segment : bool
        Also segment every frame (``SegmentationStream``).
    segment_options : dict, optional
        Passed to ``SegmentationStream``.
    **tracker_options
        Passed to every target's ``MeanShiftTracker``.
    """

    def __init__(self, trail_length: int = 32, segment: bool = False,
                 segment_options: dict | None = None, **tracker_options):
        _check_options(trail_length, segment, segment_options)
        self.tracker_options = tracker_options
        self.targets = MultiTracker(**tracker_options)
        self._no_target = MeanShiftTracker(**tracker_options)   # `tracker` while none is selected
        self.segmenter = SegmentationStream(**(segment_options or {})) if segment else None
        self._trail_length = trail_length
        self._trails: dict[int, deque] = {}
        self.selected: int | None = None
        self.index = -1

    @property
    def has_target(self) -> bool:
        return len(self.targets) > 0

    @property
    def tracker(self) -> MeanShiftTracker:
        """The selected target's tracker (its model and back-projection); an untrained one
        while there is no target."""
        return self.targets.tracker(self.selected) if self.selected is not None else self._no_target

    def select(self, target_id: int) -> None:
        self.targets.tracker(target_id)          # refuses an unknown id
        self.selected = target_id

    def set_target(self, frame, box, segment: bool = True) -> FrameResult:
        """Track only ``box`` in ``frame`` from now on (all other targets go); that frame's
        result is the init box.

        ``segment=False`` skips the segmentation of this frame (nobody looks at it)."""
        frame = as_bgr8(frame)
        _check_segment_flag(segment)
        target_id, ms = self._add(frame, box)     # a bad box raises here, changing nothing
        for other in self.targets.ids:
            if other != target_id:
                self.remove_target(other)
        self.index += 1
        return self._learnt(frame, target_id, ms, segment)

    def add_target(self, frame, box, segment: bool = True) -> FrameResult:
        """Add a target on ``box`` in ``frame`` (the frame last processed) and select it;
        the others keep their state. The result's ``selected`` is the new target's id."""
        frame = as_bgr8(frame)
        _check_segment_flag(segment)
        target_id, ms = self._add(frame, box)
        return self._learnt(frame, target_id, ms, segment)

    def retarget(self, target_id: int, frame, box, segment: bool = True) -> FrameResult:
        """Learn target ``target_id`` afresh on ``box`` in ``frame``; it keeps its id."""
        frame = as_bgr8(frame)
        _check_segment_flag(segment)
        t0 = time.perf_counter()
        self.targets.retarget(target_id, frame, box)
        ms = (time.perf_counter() - t0) * 1e3
        self._trails[target_id].clear()
        return self._learnt(frame, target_id, ms, segment)

    def remove_target(self, target_id: int) -> None:
        """Stop tracking ``target_id``; if it was selected, the newest other one is."""
        self.targets.remove(target_id)
        del self._trails[target_id]
        if self.selected == target_id:
            self.selected = self.targets.ids[-1] if self.has_target else None

    def clear_target(self) -> None:
        """Forget every target."""
        self.targets.clear()
        self._trails.clear()
        self.selected = None

    def jumped(self) -> None:
        """The next frame does not follow the last (a seek): forget the trails and let the
        trackers search for their targets afresh."""
        for trail in self._trails.values():
            trail.clear()
        self.targets.expect_jump()

    def set_tracker_options(self, frame=None, target=None, **options) -> TrackState | None:
        """New tracker options (colour space, bins, ...) for target ``target`` and for the
        targets added from now on, or (``target=None``) for every target. With a frame,
        each retrained tracker learns its target again where it was last seen, and the
        selected target's state on ``frame`` is returned (None without a target; without
        a frame, the targets are forgotten)."""
        no_target = MeanShiftTracker(**options)        # raises before anything changes
        state = None
        if self.has_target and frame is not None:
            ids = None if target is None else [target]
            states = self.targets.set_options(as_bgr8(frame), ids, **options)
            for target_id in states:
                self._trails[target_id].clear()
            self.targets.tracker_options = dict(options)
            state = self.targets.states.get(self.selected)
        else:
            self.clear_target()
            self.targets.set_options(None, **options)
        self._no_target, self.tracker_options = no_target, options
        return state

    def options_of(self, target_id) -> dict:
        """The tracker options of target ``target_id`` (the defaults for new ones if None)."""
        return self.tracker_options if target_id is None else self.targets.options(target_id)

    def set_segmentation(self, enabled: bool, **options) -> None:
        """Turn segmentation on (with these ``SegmentationStream`` options) or off."""
        if not isinstance(enabled, (bool, np.bool_)):
            raise InputError(f"enabled must be True or False, got {enabled!r}")
        self.segmenter = SegmentationStream(**options) if enabled else None

    def process(self, frame, segment: bool = True) -> FrameResult:
        """Track the targets (if any) in the next frame; ``segment=False`` skips its
        segmentation (the GUI segments only frames a view or a recording shows)."""
        frame = as_bgr8(frame)
        _check_segment_flag(segment)
        self.index += 1
        t0 = time.perf_counter()
        states = self.targets.update(frame) if self.has_target else {}
        ms = (time.perf_counter() - t0) * 1e3 if states else 0.0
        for target_id, state in states.items():
            if not state.lost:
                self._trails[target_id].append(state.rotated[0])
        result = self._result(frame, states, ms)
        return self.segment(result) if segment else result

    def segment(self, result: FrameResult) -> FrameResult:
        """Segment ``result``'s frame (again) with the current segmenter, if any: for a
        frame processed without, or after the segmentation options changed."""
        if self.segmenter is not None:
            t0 = time.perf_counter()
            result.segmentation = self.segmenter.update(result.frame)
            result.segment_ms = (time.perf_counter() - t0) * 1e3
        return result

    def _add(self, frame, box):
        t0 = time.perf_counter()
        target_id = self.targets.add(frame, box)
        ms = (time.perf_counter() - t0) * 1e3
        self._trails[target_id] = deque(maxlen=self._trail_length)
        self.selected = target_id
        return target_id, ms

    def _learnt(self, frame, target_id, ms, segment) -> FrameResult:
        """The result for the frame a target was just (re)learnt on: its init box."""
        self.index = max(self.index, 0)
        self._trails[target_id].append(self.targets.states[target_id].rotated[0])
        result = self._result(frame, dict(self.targets.states), ms)
        return self.segment(result) if segment else result

    def _result(self, frame, states, ms) -> FrameResult:
        trails = {i: list(self._trails[i]) for i in states}
        selected = self.selected if self.selected in states else None
        return FrameResult(self.index, frame, states.get(selected), ms, trails.get(selected, []),
                           states=states, trails=trails, selected=selected)


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
