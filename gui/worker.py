"""The worker: reads frames, runs the tracking pipeline and prepares the pixels to show.

It lives in its own QThread. The GUI talks to it only through queued signals and reads
nothing but the ``DisplayFrame`` objects it emits, so neither capture nor numba ever runs
on the GUI thread. When the GUI has not yet shown the last frame, the next one is still
tracked (and recorded) but not sent: the display drops frames, the track never does.
Only the views shown or recorded are computed: the segmentation, the costliest part,
runs only while a view shows it or a recording keeps it.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
import time

import cv2
from PyQt6.QtCore import QObject, Qt, QTimer, pyqtSignal, pyqtSlot

from tracker.errors import TrackerError
from tracker.io.sources import open_source
from tracker.pipeline import FrameResult, TrackingPipeline, warm_up

from .display import DisplayFrame, SourceInfo
from .recorder import Recorder, RecordPlan
from .views import SEGMENTED_VIEWS, VIEWS, view_image

#: A header's frame count can be a few frames more than decode (an estimate): End
#: backs off this many frames at most to find the last one that does.
END_SEARCH = 12


def reported(slot):
    """Run a worker slot so that no exception escapes into Qt (which would abort the app):
    expected errors become a message for the user, unexpected ones too, with their type."""
    @functools.wraps(slot)
    def wrapper(self, *args):
        try:
            return slot(self, *args)
        except (TrackerError, OSError) as e:
            self.failed.emit(str(e))
        except Exception as e:  # noqa: BLE001 - the user gets a message, the app lives on
            self.failed.emit(f"internal error: {type(e).__name__}: {e}")
        self.stop_recording()
        self._stop_playing()
    return wrapper


class PipelineWorker(QObject):
    """Owns the frame source, the pipeline and the recorder. Use from one QThread."""

    ready = pyqtSignal()                 # kernels compiled: the first frame costs what frames cost
    opened = pyqtSignal(object)          # SourceInfo
    failed = pyqtSignal(str)             # one-line message for the user
    ended = pyqtSignal()                 # a file or sequence reached its end
    frame_ready = pyqtSignal(object)     # DisplayFrame
    playing_changed = pyqtSignal(bool)
    recording_changed = pyqtSignal(bool, object)   # recording?, the files written
    finished = pyqtSignal()

    HISTOGRAM_EVERY = 15                 # frames between histogram refreshes while tracking

    def __init__(self, tracker_options: dict | None = None, segment: bool = True,
                 segment_options: dict | None = None):
        super().__init__()
        self._tracker_options = dict(tracker_options or {})
        self._segment_options = dict(segment_options or {})
        self._pipeline = TrackingPipeline(segment=segment, segment_options=self._segment_options,
                                          **self._tracker_options)
        self._source = None
        self._resize = None
        self._timer = None
        self._playing = False
        self._speed = 1.0
        self._views = {"track"}
        self._last_frame = None
        self._last_result = None
        self._capture_time = None
        self._position = -1
        self._on_screen = -1                 # position of the last frame sent to the GUI
        self._dropped = 0
        self._shown = threading.Event()
        self._shown.set()
        self._recorder = None
        self._clock = None               # (wall time, position) playback is paced from
        self._stop_at = None             # last position to play, if limited
        self._at_end = False

    # ------------------------------------------------------------------ thread entry
    @pyqtSlot()
    def start(self):
        """Create the timer in the worker's thread (call via QThread.started), then warm
        the numba kernels up: requests queued meanwhile wait, the GUI says "preparing"."""
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        try:
            warm_up(self._segment_options, **self._tracker_options)
        except Exception as e:  # noqa: BLE001 - a slow first frame is no reason to stop
            self.failed.emit(f"warming up failed ({type(e).__name__}: {e}); the first frames may be slow")
        self.ready.emit()

    def frame_shown(self):
        """Called by the GUI (any thread) once it has painted the last frame."""
        self._shown.set()

    # ------------------------------------------------------------------ source control
    @pyqtSlot(str, object)
    @reported
    def open(self, spec: str, resize=None):
        """Open ``spec`` (file, folder, pattern, camera:N or URL); show its first frame,
        paused (live sources play)."""
        try:
            source = open_source(spec)
        except TrackerError as e:
            self.failed.emit(str(e))
            return
        self.stop_recording()                 # a recording belongs to one source
        self._close_source()
        self._source, self._resize = source, resize
        self._stop_at = None
        self._at_end = False
        self._pipeline.clear_target()
        self._position, self._dropped = -1, 0
        first = self._read()
        if first is None:
            self.failed.emit(f"{spec}: no frame could be read")
            self._close_source()
            return
        h, w = first.shape[:2]
        fps = source.fps if source.fps and source.fps > 0 else 30.0
        self.opened.emit(SourceInfo(source.name, fps, (w, h), source.frame_count, source.is_live))
        self._show(self._process(first), force=True)
        if source.is_live:
            self.play()

    @pyqtSlot()
    def play(self):
        if self._source is None or self._playing:
            return
        if self._at_end and not self._source.is_live:
            self.seek(0)                      # Play at the very end plays again from the start
        self._playing = True
        self._clock = None
        self._dropped = 0                     # counted per run of playback
        self._timer.start(0 if self._source.is_live or self._speed == 0 else 2)
        self.playing_changed.emit(True)

    @pyqtSlot()
    @reported
    def pause(self):
        """The user pauses: the frame on screen becomes the last one read, the one a box
        drawn now is learnt on (while playing, the screen may be a frame behind)."""
        was_playing = self._playing
        self._stop_playing()
        if was_playing and self._last_result is not None and self._on_screen != self._position:
            self._refresh()

    def _stop_playing(self):
        if self._playing:
            self._playing = False
            self._timer.stop()
            self.playing_changed.emit(False)
            # Paused, the frame on screen is the one a box is drawn on: the last one read.
            if self._last_result is not None and self._on_screen != self._position:
                self._refresh()

    @pyqtSlot()
    @reported
    def step(self):
        """One frame forward (files; pauses)."""
        if self._source is None or self._source.is_live:
            return
        self._stop_playing()
        self._advance(force=True)          # each step is shown, however fast the keys come

    @pyqtSlot()
    @reported
    def step_back(self):
        """One frame back (files; pauses): a seek, so the tracker searches afresh."""
        if self._source is None or self._source.is_live or self._position <= 0:
            return
        self._stop_playing()
        self.seek(self._position - 1)

    @pyqtSlot(int)
    @reported
    def seek(self, index: int):
        """Show frame ``index`` (files). Every jump goes through here, so the tracker is
        always told that the next frame does not follow the last one."""
        if self._source is None or self._source.is_live:
            return
        index = max(0, int(index))
        if self._source.frame_count:
            index = min(index, self._source.frame_count - 1)
        if not self._jump(index):
            self._end()

    @pyqtSlot()
    @reported
    def seek_end(self):
        """Show the last frame that decodes (the header's count may be an estimate)."""
        if self._source is None or self._source.is_live:
            return
        self._stop_playing()
        last = (self._source.frame_count or 1) - 1
        for index in range(last, max(last - END_SEARCH, 0) - 1, -1):
            if self._jump(index):
                return
        self._end()

    @pyqtSlot(object)
    def set_stop_at(self, position):
        """Pause after the frame at ``position`` (None: play to the end)."""
        self._stop_at = None if position is None else int(position)

    @pyqtSlot(float)
    def set_speed(self, speed: float):
        """Playback speed for files; 0 means every frame, as fast as it can be processed."""
        self._speed = max(0.05, float(speed)) if speed > 0 else 0.0
        self._clock = None
        if self._playing and self._timer is not None:
            self._timer.start(0 if self._speed == 0 or self._source.is_live else 2)

    # ------------------------------------------------------------------ pipeline control
    @pyqtSlot(object)
    @reported
    def set_target(self, box):
        """Target ``box`` (x, y, w, h) on the frame on screen, paused or playing."""
        if self._last_frame is None:
            return
        try:
            result = self._pipeline.set_target(self._last_frame, box,
                                               segment=self._needs_segmentation())
        except TrackerError as e:
            self.failed.emit(str(e))
            return
        self._show(result, force=True, histogram=True)

    @pyqtSlot(object)
    @reported
    def add_target(self, box):
        """Add a target on ``box`` (x, y, w, h) in the frame on screen; the others stay."""
        if self._last_frame is None:
            return
        try:
            result = self._pipeline.add_target(self._last_frame, box, segment=self._needs_segmentation())
        except TrackerError as e:
            self.failed.emit(str(e))
            return
        self._show(result, force=True, histogram=True)

    @pyqtSlot(int, object)
    @reported
    def retarget(self, target_id: int, box):
        """Learn target ``target_id`` afresh on ``box`` in the frame on screen; it keeps its id."""
        if self._last_frame is None or target_id not in self._pipeline.targets:
            return
        try:
            result = self._pipeline.retarget(target_id, self._last_frame, box,
                                              segment=self._needs_segmentation())
        except TrackerError as e:
            self.failed.emit(str(e))
            return
        self._pipeline.select(target_id)
        self._show(result, force=True, histogram=True)

    @pyqtSlot(int)
    @reported
    def select_target(self, target_id: int):
        """The panels (histogram, box, back-projection) follow ``target_id`` from now on."""
        if target_id not in self._pipeline.targets:
            return
        self._pipeline.select(target_id)
        self._show_targets_changed()

    @pyqtSlot(int)
    @reported
    def remove_target(self, target_id: int):
        """Stop tracking ``target_id``; the others go on as if it had never been there."""
        if target_id not in self._pipeline.targets:
            return
        self._pipeline.remove_target(target_id)
        self._show_targets_changed()

    def _show_targets_changed(self):
        """Show the frame on screen again after the targets or the selection changed
        (not recorded again: its rows are written)."""
        if self._last_result is None:
            return
        ids = set(self._pipeline.targets.ids)
        result = self._last_result
        states = {i: s for i, s in result.states.items() if i in ids}
        trails = {i: t for i, t in result.trails.items() if i in ids}
        selected = self._pipeline.selected if self._pipeline.selected in states else None
        self._last_result = dataclasses.replace(
            result, state=states.get(selected), trail=trails.get(selected, []), states=states,
            trails=trails, selected=selected)
        self._show(self._last_result, force=True, record=False, histogram=True)

    @pyqtSlot()
    @reported
    def clear_target(self):
        self._pipeline.clear_target()
        if self._last_result is not None:
            self._last_result = dataclasses.replace(self._last_result, state=None, trail=[], states={},
                                                    trails={}, selected=None)
            self._show(self._last_result, force=True, record=False)

    @pyqtSlot(object)
    @reported
    def set_tracker_options(self, options: dict):
        """New colour space or bins: the tracker learns the target again on the frame on
        screen, and that frame is shown again at once (back-projection and score)."""
        try:
            # The panel's parameters are the selected target's: only it (and the targets
            # added from now on) are retrained.
            state = self._pipeline.set_tracker_options(self._last_frame, self._pipeline.selected,
                                                       **options)
        except TrackerError as e:
            self.failed.emit(str(e))
            return
        self._tracker_options = dict(options)
        if self._last_result is not None:
            if state is not None or not self._pipeline.has_target:
                self._last_result = dataclasses.replace(
                    self._last_result, state=state, trail=[], states=dict(self._pipeline.targets.states),
                    trails={}, selected=self._pipeline.selected)
            self._show(self._last_result, force=True, record=False, histogram=True)

    @pyqtSlot(bool, object)
    @reported
    def set_segmentation(self, enabled: bool, options: dict):
        """Segmentation on/off or new options: the frame on screen is segmented again."""
        try:
            self._pipeline.set_segmentation(enabled, **options)
        except TrackerError as e:
            self.failed.emit(str(e))
            return
        self._segment_options = dict(options)
        if self._last_result is not None:
            self._last_result.segmentation = None
            self._refresh()

    @pyqtSlot(object)
    @reported
    def set_views(self, views):
        """Which views to prepare (the others cost nothing); shown at once when paused."""
        self._views = set(views) & set(VIEWS) | {"track"}
        if self._last_result is not None:
            self._refresh()

    # ------------------------------------------------------------------ recording
    @pyqtSlot(object)
    @reported
    def start_recording(self, plan: RecordPlan):
        if self._source is None:
            self.failed.emit("open a video or camera before recording")
            return
        self.stop_recording()
        try:
            self._recorder = Recorder(plan, self._source.fps)
        except TrackerError as e:
            self.failed.emit(str(e))
            return
        self.recording_changed.emit(True, plan.files())
        if self._last_result is not None:
            # The frame on screen is the first recorded (and a target's init row with it).
            if self._last_result.segmentation is None and self._needs_segmentation():
                self._pipeline.segment(self._last_result)
            self._recorder.write(self._position, self._last_result, self._pipeline.tracker)

    @pyqtSlot()
    def stop_recording(self):
        """Finalise the recorded files (also on source end and shutdown)."""
        recorder, self._recorder = self._recorder, None
        if recorder is not None:
            recorder.close()
            self.recording_changed.emit(False, recorder.plan.files())

    @pyqtSlot()
    def shutdown(self):
        """Stop playing, finalise recordings, close the source; then emit ``finished``."""
        self._stop_playing()
        self.stop_recording()
        self._close_source()
        self.finished.emit()

    # ------------------------------------------------------------------ internals
    def _needs_segmentation(self) -> bool:
        if self._pipeline.segmenter is None:
            return False
        recording = self._recorder is not None and self._recorder.plan.needs_segmentation
        return recording or bool(self._views & SEGMENTED_VIEWS)

    def _refresh(self):
        """Show the last frame read (again) with what is now wanted of it (not recorded)."""
        result = self._last_result
        if result.segmentation is None and self._needs_segmentation():
            self._pipeline.segment(result)
        if not self._playing:
            self._show(result, force=True, record=False)

    def _close_source(self):
        self._stop_playing()
        if self._source is not None:
            self._source.close()
        self._source = None

    def _read(self):
        try:
            frame = self._source.read()
        except TrackerError as e:
            self.failed.emit(str(e))
            return None
        if frame is None:
            return None
        # Live sources may say when the frame was captured; otherwise now is the best guess.
        self._capture_time = getattr(self._source, "last_capture_time", None) or time.monotonic()
        if self._resize:
            frame = cv2.resize(frame, tuple(self._resize), interpolation=cv2.INTER_LINEAR)
        self._position = self._source.position - 1   # true to the source, also past damaged frames
        self._last_frame = frame
        return frame

    def _process(self, frame) -> FrameResult:
        return self._pipeline.process(frame, segment=self._needs_segmentation())

    def _jump(self, index: int) -> bool:
        """Show frame ``index`` after a seek; False if it cannot be read."""
        self._source.seek(index)
        self._position = index - 1
        frame = self._read()
        if frame is None:
            return False
        self._at_end = False                   # Play continues from here, not from 0
        if self._recorder is not None:
            self._recorder.replay_from(self._position)       # a replay is recorded again
        self._pipeline.jumped()
        self._clock = None
        self._show(self._process(frame), force=True)
        return True

    @reported
    def _tick(self):
        if not self._playing or self._source is None:
            return
        if self._source.is_live or self._speed == 0:
            self._advance()
            return
        # Files play in real time: frames due by the clock but not yet processed are
        # skipped when processing falls behind, rather than slowing the video down.
        now = time.perf_counter()
        if self._clock is None:
            self._clock = (now, self._position)
        fps = (self._source.fps or 30.0) * self._speed
        due = self._clock[1] + int((now - self._clock[0]) * fps) + 1
        if self._stop_at is not None:
            due = min(due, self._stop_at)
        if due <= self._position:
            return
        # While recording every frame is tracked (the file plays at the source's rate);
        # the display still drops frames if it cannot keep up.
        skip = 0 if self._recorder is not None else due - self._position - 1
        for _ in range(skip):
            if self._read() is None:
                return self._end()
            self._dropped += 1
        self._advance()

    def _advance(self, force: bool = False):
        frame = self._read()
        if frame is None:
            return self._end()
        try:
            result = self._process(frame)
        except TrackerError as e:
            self.failed.emit(str(e))
            self._stop_playing()
            return
        histogram = (self._pipeline.has_target
                     and self._position % self.HISTOGRAM_EVERY == 0)
        self._show(result, histogram=histogram, force=force or self._position == self._stop_at)
        if self._stop_at is not None and self._position >= self._stop_at:
            self._stop_at = None
            self._stop_playing()

    def _end(self):
        self._at_end = True
        self._stop_playing()
        error = getattr(self._source, "error", None)
        if self._source is not None and self._source.is_live:
            self.failed.emit(f"{self._source.name}: the camera stopped sending frames"
                             + (f" ({error})" if error else ""))
        elif error:
            self.failed.emit(f"stopped early: {error}")
        self.stop_recording()
        if self._last_result is not None and self._on_screen != self._position:
            self._show(self._last_result, force=True, record=False)   # the last frame, not one before
        self.ended.emit()

    def _show(self, result: FrameResult, force: bool = False, histogram: bool = False,
              record: bool = True):
        """Record ``result`` and send it to the GUI, unless the GUI has not painted the
        last frame yet (then it is dropped from the display, not from the track)."""
        self._last_result = result
        tracker = self._pipeline.tracker
        if record and self._recorder is not None:
            self._recorder.write(self._position, result, tracker)
        if not force and not self._shown.is_set():
            self._dropped += 1
            return
        self._shown.clear()
        self._on_screen = self._position
        views = {}
        for name in self._views:
            image = view_image(name, result, tracker)
            if image is not None:
                views[name] = image
        display = DisplayFrame(
            position=self._position,
            frame_count=self._source.frame_count if self._source else None,
            views=views, state=result.state, trail=list(result.trail),
            states=dict(result.states), trails={i: list(t) for i, t in result.trails.items()},
            selected=result.selected,
            tracker_options=self._pipeline.options_of(result.selected if result.selected in
                                                      self._pipeline.targets else None),
            track_ms=result.track_ms, segment_ms=result.segment_ms,
            source_fps=(self._source.fps or 0.0) if self._source else 0.0,
            dropped=self._dropped, playing=self._playing, capture_time=self._capture_time,
            source_dropped=getattr(self._source, "frames_dropped", 0) or 0)
        if histogram and self._pipeline.has_target:
            display.histogram = tracker.model_histogram()
        self.frame_ready.emit(display)
