"""Showing frames from the track log instead of tracking them again.

A seek to a frame the log holds for every target shows that frame with the stored states
(`TrackLog.replayable`), and so do the steps from there while they stay within what the
log holds: the user scrubs through a run (Track to end) and sees what was tracked, not a
second attempt. Meanwhile the trackers stay where they last tracked; when tracking goes on
(a frame the log lacks, a target learnt again), those of the targets replayed are told of
the jump, as after any seek, and search afresh.
"""

from __future__ import annotations

from .pipeline import FrameResult, TrackingPipeline
from .track_log import TrackLog


class Replay:
    """Which targets of ``pipeline`` are shown from ``log`` rather than from their trackers."""

    def __init__(self, log: TrackLog, pipeline: TrackingPipeline):
        self.log = log
        self.pipeline = pipeline
        self.targets: set = set()            # shown from the log; their trackers are elsewhere

    @property
    def active(self) -> bool:
        """True while every target's state shown comes from the log."""
        return bool(self.targets) and self.targets >= set(self.pipeline.targets.ids)

    def stored(self, position: int) -> dict | None:
        """The states to show on frame ``position`` from the log, None if it must be tracked."""
        return self.log.replayable(position, self.pipeline.targets.ids)

    def show(self, frame, position: int, stored: dict) -> FrameResult:
        """The result of frame ``position`` from the log's ``stored`` states (not tracked)."""
        self.targets = set(self.pipeline.targets.ids)
        trails = {t: self.log.trail(t, position, self.pipeline.trail_length) for t in stored}
        selected = self.pipeline.selected if self.pipeline.selected in stored else None
        return FrameResult(self.pipeline.index, frame, dict(stored), trails, selected)

    def shown(self, result: FrameResult, position: int) -> FrameResult:
        """``result`` (the pipeline's) with the log's states of the targets replayed, and
        without those it holds none for on frame ``position``."""
        for target_id in self.targets & set(result.states):
            stored = self.log.state(target_id, position)
            if stored is None:
                del result.states[target_id]
                result.trails.pop(target_id, None)
            else:
                result.states[target_id] = stored
                result.trails[target_id] = self.log.trail(target_id, position, self.pipeline.trail_length)
        if result.selected not in result.states:
            result.selected = None
        return result

    def resume(self) -> None:
        """Tracking goes on: the trackers of the targets replayed search afresh."""
        if self.targets:
            ids = set(self.pipeline.targets.ids)
            stale = self.targets & ids
            self.pipeline.jumped(None if stale == ids else stale)
            self.targets.clear()

    def discard(self, target_id: int) -> None:
        """``target_id`` was learnt again (or removed): its tracker is where it is shown."""
        self.targets.discard(target_id)

    def clear(self) -> None:
        self.targets.clear()
