"""The worker: reads frames, runs the tracking pipeline and prepares the pixels to show.

It lives in its own QThread. The GUI talks to it only through queued signals and reads
nothing but the ``DisplayFrame`` objects it emits, so neither capture nor numba ever runs
on the GUI thread. When the GUI has not yet shown the last frame, the next one is still
tracked (and recorded) but not sent: the display drops frames, the track never does.
"""

from __future__ import annotations

import threading
import time
import functools
from dataclasses import dataclass, field

import cv2
import numpy as np
from PyQt6.QtCore import QObject, Qt, QTimer, pyqtSignal, pyqtSlot

from tracker.errors import TrackerError
from tracker.outputs import TrackCsvWriter, VideoOutput
from tracker.pipeline import FrameResult, TrackingPipeline
from tracker.io.sources import open_source

VIEWS = ("track", "backprojection", "segment", "boundaries")


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
        self.pause()
    return wrapper


@dataclass(frozen=True)
class SourceInfo:
    name: str
    fps: float
    size: tuple[int, int]
    frame_count: int | None
    is_live: bool


@dataclass
class DisplayFrame:
    """Everything the window shows for one frame, prepared off the GUI thread."""

    position: int                      # index of the frame in the source
    frame_count: int | None
    views: dict = field(default_factory=dict)   # view name -> uint8 BGR image
    state: object = None               # TrackState or None
    track_ms: float = 0.0
    segment_ms: float = 0.0
    source_fps: float = 0.0
    dropped: int = 0                   # frames not displayed (behind real time or GUI busy)
    histogram: tuple | None = None     # (weights, colours) of the target model, when it changed


class PipelineWorker(QObject):
    """Owns the frame source, the pipeline and the recorders. Use from one QThread."""

    opened = pyqtSignal(object)          # SourceInfo
    failed = pyqtSignal(str)             # one-line message for the user
    ended = pyqtSignal()                 # a file or sequence reached its end
    frame_ready = pyqtSignal(object)     # DisplayFrame
    playing_changed = pyqtSignal(bool)
    recording_changed = pyqtSignal(bool, str)
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
        self._position = -1
        self._dropped = 0
        self._shown = threading.Event()
        self._shown.set()
        self._video = self._csv = None
        self._recorded = -1                  # last source position written to the recording
        self._clock = None               # (wall time, position) playback is paced from
        self._stop_at = None             # last position to play, if limited
        self._at_end = False

    # ------------------------------------------------------------------ thread entry
    @pyqtSlot()
    def start(self):
        """Create the timer in the worker's thread (call via QThread.started)."""
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    def frame_shown(self):
        """Called by the GUI (any thread) once it has painted the last frame."""
        self._shown.set()

    # ------------------------------------------------------------------ source control
    @pyqtSlot(str, object)
    @reported
    def open(self, spec: str, resize=None):
        """Open ``spec`` (file, folder, pattern or camera:N); show its first frame, paused."""
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
        self._show(self._pipeline.process(first), force=True)
        if source.is_live:
            self.play()

    @pyqtSlot()
    def play(self):
        if self._source is None or self._playing:
            return
        if self._at_end and not self._source.is_live:
            self._at_end = False                 # Play at the end plays again from the start
            self.seek(0)
        self._playing = True
        self._clock = None
        self._timer.start(0 if self._source.is_live or self._speed == 0 else 2)
        self.playing_changed.emit(True)

    @pyqtSlot()
    def pause(self):
        if self._playing:
            self._playing = False
            self._timer.stop()
            self.playing_changed.emit(False)

    @pyqtSlot()
    @reported
    def step(self):
        """One frame forward (files; paused)."""
        if self._source is None or self._source.is_live:
            return
        self.pause()
        self._advance()

    @pyqtSlot(int)
    @reported
    def seek(self, index: int):
        if self._source is None or self._source.is_live:
            return
        try:
            self._source.seek(max(0, index))
        except TrackerError as e:
            self.failed.emit(str(e))
            return
        self._position = max(0, index) - 1
        self._recorded = min(self._recorded, self._position)   # a replay is recorded again
        self._pipeline.jumped()
        self._clock = None
        self._advance()

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
            result = self._pipeline.set_target(self._last_frame, box)
        except TrackerError as e:
            self.failed.emit(str(e))
            return
        self._show(result, force=True, histogram=True)

    @pyqtSlot()
    @reported
    def clear_target(self):
        self._pipeline.clear_target()
        if self._last_result is not None:
            self._last_result.state, self._last_result.trail = None, []
            self._show(self._last_result, force=True, record=False)

    @pyqtSlot(object)
    @reported
    def set_tracker_options(self, options: dict):
        try:
            self._pipeline.set_tracker_options(self._last_frame, **options)
        except TrackerError as e:
            self.failed.emit(str(e))
            return
        self._tracker_options = dict(options)
        if self._pipeline.has_target and self._last_result is not None:
            self._send_histogram()

    @pyqtSlot(bool, object)
    @reported
    def set_segmentation(self, enabled: bool, options: dict):
        try:
            self._pipeline.set_segmentation(enabled, **options)
        except TrackerError as e:
            self.failed.emit(str(e))

    @pyqtSlot(object)
    @reported
    def set_views(self, views):
        """Which views to prepare (the others cost nothing)."""
        self._views = set(views) & set(VIEWS) | {"track"}
        if self._last_result is not None and not self._playing:
            self._show(self._last_result, force=True, record=False)   # paused: show it now

    # ------------------------------------------------------------------ recording
    @pyqtSlot(str, str)
    @reported
    def start_recording(self, video_path: str, csv_path: str):
        if self._source is None:
            self.failed.emit("open a video or camera before recording")
            return
        self.stop_recording()
        try:
            self._video = VideoOutput(video_path, self._source.fps) if video_path else None
            self._csv = TrackCsvWriter(csv_path) if csv_path else None
            self._recorded = -1
        except TrackerError as e:
            self._video = self._csv = None
            self.failed.emit(str(e))
            return
        self.recording_changed.emit(True, video_path or csv_path)

    def _recording(self) -> bool:
        return self._video is not None or self._csv is not None

    @pyqtSlot()
    def stop_recording(self):
        """Finalise the recorded files (also on source end and shutdown)."""
        was = self._video is not None or self._csv is not None
        for out in (self._video, self._csv):
            if out is not None:
                out.close()
        self._video = self._csv = None
        if was:
            self.recording_changed.emit(False, "")

    @pyqtSlot()
    def shutdown(self):
        """Stop playing, finalise recordings, close the source; then emit ``finished``."""
        self.pause()
        self.stop_recording()
        self._close_source()
        self.finished.emit()

    # ------------------------------------------------------------------ internals
    def _close_source(self):
        self.pause()
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
        if self._resize:
            frame = cv2.resize(frame, tuple(self._resize), interpolation=cv2.INTER_LINEAR)
        self._position = self._source.position - 1   # true to the source, also past damaged frames
        self._last_frame = frame
        return frame

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
        skip = 0 if self._recording() else due - self._position - 1
        for _ in range(skip):
            if self._read() is None:
                return self._end()
            self._dropped += 1
        self._advance()

    def _advance(self):
        frame = self._read()
        if frame is None:
            return self._end()
        try:
            result = self._pipeline.process(frame)
        except TrackerError as e:
            self.failed.emit(str(e))
            self.pause()
            return
        histogram = (self._pipeline.has_target
                     and self._position % self.HISTOGRAM_EVERY == 0)
        self._show(result, histogram=histogram, force=self._position == self._stop_at)
        if self._stop_at is not None and self._position >= self._stop_at:
            self._stop_at = None
            self.pause()

    def _end(self):
        self._at_end = True
        self.pause()
        error = getattr(self._source, "error", None)
        if self._source is not None and self._source.is_live:
            self.failed.emit(f"{self._source.name}: the camera stopped sending frames"
                             + (f" ({error})" if error else ""))
        elif error:
            self.failed.emit(f"stopped early: {error}")
        self.stop_recording()
        self.ended.emit()

    def _send_histogram(self):
        weights, colours = self._pipeline.tracker.model_histogram()
        display = DisplayFrame(self._position, None, histogram=(weights, colours))
        self.frame_ready.emit(display)

    def _show(self, result: FrameResult, force: bool = False, histogram: bool = False,
              record: bool = True):
        self._last_result = result
        track_view = result.annotated()
        # Each source frame is recorded once (re-targeting shows a frame again).
        if record and self._recording() and self._position > self._recorded:
            self._recorded = self._position
            if self._video is not None:
                self._video.write(track_view)
            if self._csv is not None and result.state is not None:
                self._csv.write(self._position, result.state)
        if not force and not self._shown.is_set():
            self._dropped += 1
            return
        self._shown.clear()
        views = {"track": track_view}
        if "segment" in self._views and result.segmentation is not None:
            views["segment"] = result.segmented()
        if "boundaries" in self._views and result.segmentation is not None:
            views["boundaries"] = result.segmentation.overlay(track_view)
        if "backprojection" in self._views and result.state is not None:
            weights = self._pipeline.tracker.back_projection(result.frame)
            grey = np.clip(weights * 255.0, 0, 255).astype(np.uint8)
            views["backprojection"] = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
        display = DisplayFrame(
            position=self._position,
            frame_count=self._source.frame_count if self._source else None,
            views=views, state=result.state, track_ms=result.track_ms,
            segment_ms=result.segment_ms,
            source_fps=(self._source.fps or 0.0) if self._source else 0.0,
            dropped=self._dropped)
        if histogram and self._pipeline.has_target:
            display.histogram = self._pipeline.tracker.model_histogram()
        self.frame_ready.emit(display)
