"""The session: the one frame loop, headless.

A `Session` owns a source and the position of its frames (resizing, seeks, and the
jumps a seek or a run of damaged frames makes, which the trackers are told of), the
tracking pipeline, and the recording (the track CSV and the videos, composed by the
one compositor). ``mstrack track`` drives it from a loop; the app's worker drives it
from Qt slots and a timer. Whatever the app shows or records is therefore what the
same calls make headless::

    session = Session(segment=True)
    session.open("clip.mp4")
    session.step()                                  # the first frame
    session.add_target((282, 252, 76, 66))          # learnt on the frame last read
    session.start_recording(RecordPlan("out.mkv", "out.csv", ("track", "segment")))
    while session.step() is not None:
        pass
    session.close()

Only what is looked at is computed: a frame is segmented when a view in `views` or
the recording needs it.

Every state tracked goes into the session's `TrackLog` (the latest wins on a frame
tracked again; a target learnt again on a frame drops what the log held for it after
that frame). A seek to a frame the log holds shows it from the log instead of tracking
it again, and so do the steps from there (`replay.Replay`).
"""

from __future__ import annotations

import time
from pathlib import Path

import cv2

from ..errors import InputError, TrackerError
from ..io.sources import open_source
from .compose import SEGMENTED_VIEWS, VIEWS, view_image
from .outputs import check_distinct
from .pipeline import FrameResult, TrackingPipeline
from .recording import RecordPlan, Recorder
from .replay import Replay
from .track_log import TrackLog

#: A header's frame count can be a few frames more than decode (an estimate): the last
#: frame is searched for this many frames back at most.
END_SEARCH = 12


class Session:
    """A source, its pipeline and its recording: read, track, segment, record.

    Parameters
    ----------
    segment : bool
        Segment frames (those a view or the recording needs; see `views`).
    segment_options : dict, optional
        Passed to ``SegmentationStream``.
    **tracker_options
        Passed to every target's ``MeanShiftTracker``.

    Attributes
    ----------
    source : FrameSource or None
        The source open, None before `open` and after `close`.
    spec : str or None
        What was opened, as given to `open` (recordings never write over it).
    position : int
        The source's index of the frame last read (-1 before the first).
    frame : ndarray or None
        The frame last read (resized), the one targets are learnt on.
    result : FrameResult or None
        What the session made of the frame last shown.
    views : set of str
        The views someone looks at (`compose.VIEWS`); "track" always.
    at_end : bool
        True once a read found no further frame (until a seek).
    track_log : TrackLog
        Every target's state on every frame tracked since the source was opened.
    """

    def __init__(self, *, segment: bool = False, segment_options: dict | None = None,
                 **tracker_options):
        self.pipeline = TrackingPipeline(segment=segment, segment_options=segment_options,
                                         **tracker_options)
        self.source = None
        self.spec = None               # what was opened, as given (a path, pattern or URL)
        self.resize = None
        self.views = {"track"}
        self.frame = None
        self.result: FrameResult | None = None
        self.position = -1
        self.capture_time = None
        self.at_end = False
        self.recorder: Recorder | None = None
        self.track_log = TrackLog()
        self._replay = Replay(self.track_log, self.pipeline)

    # ------------------------------------------------------------------ the source
    def open(self, spec, resize=None, timeout=None, max_pixels=None, cancelled=None):
        """Open ``spec`` (file, folder, pattern, camera:N or URL), with frames resized to
        ``resize`` (width, height). The source open before, its recording and the targets
        go; a source that cannot be opened raises and changes nothing. ``timeout``,
        ``max_pixels`` and ``cancelled`` go to `open_source`. Returns the source."""
        source = open_source(spec, timeout=timeout, max_pixels=max_pixels, cancelled=cancelled)
        self.close()                   # a recording belongs to one source
        self.source, self.resize, self.spec = source, resize, str(spec)
        self.pipeline.restart()
        self.track_log.clear()
        self._replay.clear()
        self.frame = self.result = None
        self.position = -1
        self.at_end = False
        return source

    def start_at(self, index: int) -> None:
        """Make frame ``index`` of a file the first one read (before anything is read)."""
        if index:
            self.source.seek(index)
            self.position = index - 1

    def read(self):
        """The next frame (resized), not tracked: the first frame of a run, whose targets
        are learnt on it, or one passed over to keep up. None at the end.

        Damaged frames the source stepped over are a jump: the trackers are told.
        """
        frame = self.source.read()
        if frame is None:
            self.at_end = True
            return None
        # Live sources say when the frame was captured; otherwise now is the best guess.
        self.capture_time = getattr(self.source, "last_capture_time", None) or time.monotonic()
        if self.resize:
            frame = cv2.resize(frame, tuple(self.resize), interpolation=cv2.INTER_LINEAR)
        index = self.source.position - 1    # true to the source, also past damaged frames
        jumped = self.position >= 0 and index != self.position + 1
        self.position, self.frame = index, frame
        if jumped:
            self.pipeline.jumped()          # the target may be further than a frame's move
        return frame

    def step(self, segment: bool | None = None) -> FrameResult | None:
        """Read, track (and segment, and record) the next frame; None at the end. While
        replaying, a frame the log holds is shown from it. ``segment=False`` segments the
        frame only if the recording needs it (a fast run, which shows few of its frames;
        `refresh` segments one shown)."""
        frame = self.read()
        if frame is None:
            return None
        if self._replay.active and (stored := self._replay.stored(self.position)) is not None:
            return self._replayed(frame, stored, segment)
        return self._track(frame, segment)

    def catch_up(self, due: int) -> int | None:
        """Read the frames before position ``due`` without tracking them (playback fell
        behind its clock), unless recording: every recorded frame is tracked. Returns how
        many were passed over, None if the source ended meanwhile."""
        count = 0 if self.recording else due - self.position - 1
        for _ in range(count):
            if self.read() is None:
                return None
        return max(count, 0)

    def seek(self, index: int) -> FrameResult | None:
        """Read and track frame ``index`` of a file (clamped to the file). Every jump goes
        through here, so the trackers are always told that the next frame does not follow
        the last one. None if that frame cannot be read."""
        index = max(0, int(index))
        if self.source.frame_count:
            index = min(index, self.source.frame_count - 1)
        return self._jump(index)

    def seek_end(self) -> FrameResult | None:
        """Read and track the last frame that decodes (the header's count may be an
        estimate); None if none of the last few does."""
        last = (self.source.frame_count or 1) - 1
        for index in range(last, max(last - END_SEARCH, 0) - 1, -1):
            result = self._jump(index)
            if result is not None:
                return result
        return None

    @property
    def seekable(self) -> bool:
        return self.source is not None and not self.source.is_live

    def close(self) -> list[str]:
        """Finish the recording and close the source; what the recording could not
        write whole (see `stop_recording`)."""
        problems = self.stop_recording()
        if self.source is not None:
            self.source.close()
        self.source = None
        return problems

    # ------------------------------------------------------------------ targets
    def set_target(self, box, segment: bool | None = None) -> FrameResult:
        """Track only ``box`` (x, y, w, h) in the frame last read; every other target goes.
        ``segment`` overrides whether that frame is segmented (default: as needed)."""
        before = self.pipeline.targets.ids
        result = self.pipeline.set_target(self._current_frame(), box, segment=self._segment(segment))
        for target_id in before:
            self.track_log.forget(target_id, self.position)
        self._replay.clear()
        return self._learnt(result, {result.selected})

    def add_target(self, box, segment: bool | None = None, target_id: int | None = None) -> FrameResult:
        """Add a target on ``box`` in the frame last read and select it; the others stay.
        ``target_id`` brings a removed target back under its own id (an undone removal)."""
        result = self.pipeline.add_target(self._current_frame(), box, segment=self._segment(segment),
                                          target_id=target_id)
        return self._learnt(result, {result.selected})

    def retarget(self, target_id: int, box) -> FrameResult:
        """Learn target ``target_id`` afresh on ``box`` in the frame last read and select
        it; it keeps its id."""
        result = self.pipeline.retarget(target_id, self._current_frame(), box,
                                        segment=self._segment(None))
        self.pipeline.select(target_id)
        self._replay.discard(target_id)
        return self._learnt(result, {target_id})

    def select(self, target_id: int) -> FrameResult | None:
        """The panels (histogram, box, back-projection) follow ``target_id`` from now on."""
        self.pipeline.select(target_id)
        return self._targets_changed()

    def remove_target(self, target_id: int) -> FrameResult | None:
        """Stop tracking ``target_id``; the others go on as if it had never been there."""
        self.pipeline.remove_target(target_id)
        self.track_log.forget(target_id, self.position)
        self._replay.discard(target_id)
        return self._targets_changed()

    def clear_targets(self) -> FrameResult | None:
        """Forget every target (the log keeps what they were before this frame)."""
        for target_id in self.pipeline.targets.ids:
            self.track_log.forget(target_id, self.position)
        self.pipeline.clear_target()
        self._replay.clear()
        return self._targets_changed()

    def set_tracker_options(self, options: dict) -> FrameResult | None:
        """New colour space, bins, ...: the selected target (and those added from now on)
        learns again on the frame last read, where it was last seen (shown: from the log
        while replaying)."""
        selected = self.pipeline.selected
        stored = self.track_log.state(selected, self.position) if selected in self._replay.targets else None
        if stored is not None and self.frame is not None:
            self.retarget(selected, stored.box)
        state = self.pipeline.set_tracker_options(self.frame, selected, **options)
        if state is not None:
            self.track_log.record(self.position, {selected: state}, learnt={selected})
        return self._targets_changed()

    # ------------------------------------------------------------------ what is computed
    def set_segmentation(self, enabled: bool, options: dict) -> FrameResult | None:
        """Segmentation on or off, or new options: the last frame is segmented again."""
        self.pipeline.set_segmentation(enabled, **options)
        if self.result is not None:
            self.result.segmentation = None
        return self.refresh()

    def set_views(self, views) -> FrameResult | None:
        """The views someone looks at (the others cost nothing); "track" always."""
        self.views = set(views) & set(VIEWS) | {"track"}
        return self.refresh()

    @property
    def needs_segmentation(self) -> bool:
        if self.pipeline.segmenter is None:
            return False
        recording = self.recorder is not None and self.recorder.plan.needs_segmentation
        return recording or bool(self.views & SEGMENTED_VIEWS)

    def refresh(self) -> FrameResult | None:
        """The last result with what is wanted of it now (segmented if needed); not
        recorded again."""
        result = self.result
        if result is not None and result.segmentation is None and self.needs_segmentation:
            self.pipeline.segment(result)
        return result

    def images(self, result: FrameResult) -> dict:
        """The bare image of each view in `views` (those with something to show)."""
        images = {name: view_image(name, result, self.pipeline.tracker) for name in self.views}
        return {name: image for name, image in images.items() if image is not None}

    # ------------------------------------------------------------------ recording
    @property
    def recording(self) -> bool:
        return self.recorder is not None

    def start_recording(self, plan: RecordPlan) -> None:
        """Record from the frame last shown on (it is the first recorded, with its rows).
        A file of the plan that is the source (or a link to it, or inside its folder of
        images) is refused with InputError before anything is written."""
        if self.source is None:
            raise InputError("open a video or camera before recording")
        check_distinct(self.spec, [Path(f) for f in plan.files()])   # never over an input
        self.stop_recording()
        self.recorder = Recorder(plan, self.source.fps)
        if self.refresh() is not None:
            self._record(self.result)

    @property
    def recording_resumes_after(self) -> int | None:
        """After a step back while recording, the last frame recorded: recording holds
        until playback passes it (see `Recorder`); None otherwise."""
        return self.recorder.resumes_after(self.position) if self.recorder is not None else None

    def stop_recording(self) -> list[str]:
        """Finish the recorded files (every one valid); the reasons any came out
        incomplete (a video that does not read back whole), for the user."""
        recorder, self.recorder = self.recorder, None
        return recorder.close() if recorder is not None else []

    # ------------------------------------------------------------------ internals
    def _current_frame(self):
        if self.frame is None:
            raise InputError("no frame to learn a target on: open a source first")
        return self.frame

    def _segment(self, segment: bool | None) -> bool:
        return self.needs_segmentation if segment is None else segment

    def _fast_segment(self, segment: bool | None) -> bool:
        """`step`'s ``segment``: None as needed; False still when the recording needs it."""
        recording = self.recorder is not None and self.recorder.plan.needs_segmentation
        return self.needs_segmentation if segment is None else bool(segment or recording)

    def _track(self, frame, segment: bool | None = None) -> FrameResult:
        self._replay.resume()               # back to tracking: replayed trackers search afresh
        return self._learnt(self.pipeline.process(frame, segment=self._fast_segment(segment)))

    def _replayed(self, frame, stored: dict, segment: bool | None = None) -> FrameResult:
        """The frame last read with the states the log holds for it (not tracked)."""
        result = self._replay.show(frame, self.position, stored)
        if self._fast_segment(segment):
            self.pipeline.segment(result)
        self.result = result
        self._record(result)
        return result

    def _learnt(self, result: FrameResult, learnt=None) -> FrameResult:
        """A new result for the frame last read: logged (every target's state, or those of
        ``learnt``, the targets just learnt on it), shown from now on, and recorded."""
        logged = result.states if learnt is None else {t: result.states[t] for t in learnt}
        self.track_log.record(self.position, logged, learnt=learnt or ())
        self.result = self._replay.shown(result, self.position)
        self._record(self.result)
        return self.result

    def _targets_changed(self) -> FrameResult | None:
        """The last result again with the targets as they are now (not recorded: its
        rows are written)."""
        if self.result is not None:
            self.result = self._replay.shown(self.pipeline.refreshed(self.result), self.position)
        return self.result

    def _record(self, result: FrameResult) -> None:
        """Write ``result`` if recording; a file that cannot be written ends the
        recording (every file keeps what was written) and the error goes on up."""
        if self.recorder is None:
            return
        try:
            self.recorder.write(self.position, result, self.pipeline.tracker)
        except (TrackerError, OSError):
            self.stop_recording()
            raise

    def _jump(self, index: int) -> FrameResult | None:
        self.source.seek(index)
        self.position = index - 1          # the frame read next follows: no second jump
        frame = self.read()
        if frame is None:
            return None
        self.at_end = False                # Play continues from here, not from 0
        stored = self._replay.stored(self.position)
        if stored is not None:
            return self._replayed(frame, stored)
        self.pipeline.jumped()
        self._replay.clear()
        return self._track(frame)
