"""One call per frame: track and segment, and say how long each part took.

The session (`tracker.app.session`) drives this object for the CLI and the GUI alike.
"""

from __future__ import annotations

import dataclasses
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from ..checks import as_count, as_flag, as_options
from ..io.frames import as_bgr8
from ..meanshift.multi import MultiTracker
from ..meanshift.tracker import MeanShiftTracker
from ..segmentation.segment import Segmentation, SegmentationStream


@dataclass
class FrameResult:
    """What the pipeline made of one frame.

    Every target is one entry of ``states`` and ``trails``, by id (one target is a
    dict of one); ``selected`` is the id the GUI's panels show, None without targets.
    """

    index: int
    frame: np.ndarray                 # the input, uint8 BGR
    states: dict = field(default_factory=dict)      # id -> TrackState
    trails: dict = field(default_factory=dict)      # id -> recent centres
    selected: int | None = None
    track_ms: float = 0.0
    segmentation: Segmentation | None = None
    segment_ms: float = 0.0


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
        Passed to every target's ``MeanShiftTracker`` (kept by the `MultiTracker`).
    """

    def __init__(self, trail_length: int = 32, segment: bool = False,
                 segment_options: dict | None = None, **tracker_options):
        self._trail_length = as_count(trail_length, "trail_length", 0)
        segment = as_flag(segment, "segment")
        self.segment_options = as_options(segment_options, "segment_options", "SegmentationStream")
        self.targets = MultiTracker(**tracker_options)
        self.segmenter = SegmentationStream(**self.segment_options) if segment else None
        self._trails: dict[int, deque] = {}
        self.selected: int | None = None
        self.index = -1

    @property
    def has_target(self) -> bool:
        return len(self.targets) > 0

    @property
    def tracker(self) -> MeanShiftTracker | None:
        """The selected target's tracker (its model and back-projection); None while no
        target is selected."""
        return self.targets.tracker(self.selected) if self.selected is not None else None

    def select(self, target_id: int) -> None:
        self.targets.tracker(target_id)          # refuses an unknown id
        self.selected = target_id

    def set_target(self, frame, box, segment: bool = True) -> FrameResult:
        """Track only ``box`` in ``frame`` from now on (all other targets go); that frame's
        result is the init box.

        ``segment=False`` skips the segmentation of this frame (nobody looks at it)."""
        frame = as_bgr8(frame)
        as_flag(segment, "segment")
        target_id, ms = self._add(frame, box)     # a bad box raises here, changing nothing
        for other in self.targets.ids:
            if other != target_id:
                self.remove_target(other)
        self.index += 1
        return self._learnt(frame, target_id, ms, segment)

    def add_target(self, frame, box, segment: bool = True, target_id: int | None = None) -> FrameResult:
        """Add a target on ``box`` in ``frame`` (the frame last processed) and select it;
        the others keep their state. The result's ``selected`` is the new target's id
        (``target_id`` brings a removed target back under its id: `MultiTracker.add`)."""
        frame = as_bgr8(frame)
        as_flag(segment, "segment")
        target_id, ms = self._add(frame, box, target_id)
        return self._learnt(frame, target_id, ms, segment)

    def retarget(self, target_id: int, frame, box, segment: bool = True) -> FrameResult:
        """Learn target ``target_id`` afresh on ``box`` in ``frame``; it keeps its id."""
        frame = as_bgr8(frame)
        as_flag(segment, "segment")
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

    def restart(self) -> None:
        """A new source: forget the targets, and segment its frames as a fresh stream
        would (a bandwidth estimated on them, not on the last source's frames)."""
        self.clear_target()
        if self.segmenter is not None:
            self.segmenter.reset()

    def clear_target(self) -> None:
        """Forget every target."""
        self.targets.clear()
        self._trails.clear()
        self.selected = None

    def jumped(self, targets=None) -> None:
        """The next frame does not follow the last (a seek): forget the trails and let the
        trackers search for their targets afresh; only those of ``targets`` if given (the
        others were just learnt on the frame before)."""
        for target_id, trail in self._trails.items():
            if targets is None or target_id in targets:
                trail.clear()
        if targets is None:
            self.targets.expect_jump()
        else:
            for target_id in targets:
                self.targets.tracker(target_id).expect_jump()

    @property
    def trail_length(self) -> int:
        return self._trail_length

    def set_tracker_options(self, frame=None, target=None, **options):
        """New tracker options (colour space, bins, ...) for target ``target`` and for the
        targets added from now on, or (``target=None``) for every target. With a frame,
        each retrained tracker learns its target again where it was last seen, and the
        selected target's state on ``frame`` is returned (None without a target; without
        a frame, the targets are forgotten)."""
        MeanShiftTracker(**options)                    # raises before anything changes
        if self.has_target and frame is not None:
            ids = None if target is None else [target]
            states = self.targets.set_options(as_bgr8(frame), ids, **options)
            for target_id in states:
                self._trails[target_id].clear()
            return self.targets.states.get(self.selected)
        self.clear_target()
        self.targets.set_options(None, **options)
        return None

    def options_of(self, target_id=None) -> dict:
        """The tracker options of target ``target_id`` (the defaults for new ones if None)."""
        return self.targets.options(target_id)

    def set_segmentation(self, enabled: bool, **options) -> None:
        """Turn segmentation on (with these ``SegmentationStream`` options) or off."""
        as_flag(enabled, "enabled")
        self.segmenter = SegmentationStream(**options) if enabled else None
        self.segment_options = dict(options)

    def process(self, frame, segment: bool = True) -> FrameResult:
        """Track the targets (if any) in the next frame; ``segment=False`` skips its
        segmentation (the GUI segments only frames a view or a recording shows)."""
        frame = as_bgr8(frame)
        as_flag(segment, "segment")
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

    def refreshed(self, result: FrameResult) -> FrameResult:
        """``result`` (the last frame's) with the targets as they are now, after targets
        were removed, selected, cleared or retrained on that frame; nothing is tracked."""
        states = dict(self.targets.states)
        return dataclasses.replace(result, states=states,
                                   trails={i: list(self._trails[i]) for i in states},
                                   selected=self.selected if self.selected in states else None)

    def _add(self, frame, box, target_id=None):
        t0 = time.perf_counter()
        target_id = self.targets.add(frame, box, target_id)
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
        return FrameResult(self.index, frame, states, trails, selected, ms)
