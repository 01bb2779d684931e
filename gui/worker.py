"""The worker: the app's Qt adapter of the session (`tracker.app.Session`).

It lives in its own QThread. The window talks to it only through queued signals, which
its slots turn into session calls, and reads nothing but the ``DisplayFrame`` objects it
emits, so neither capture nor numba ever runs on the GUI thread. Playback is paced by a
QTimer and the pure `PlaybackClock`. When the window has not yet painted the last frame,
the next one is still tracked (and recorded) but not sent: the display drops frames,
the track never does.

Errors: the one boundary is `PipelineWorker._attempt`, and its policy is
- an error on one frame while playing (tracking, segmenting, recording, preparing the
  display) is reported with `failed` and playback goes on with the next frame; an error
  from the recording has ended the recording (its files keep every frame written). The
  same failure on the frames after it is not reported again, and after `FAILING_FRAMES`
  failed frames in a row playback stops;
- an error opening a source or seeking (step back, first and last frame, the slider)
  is reported and playback stops: what would play next is unknown;
- an error in any other request (targets, options, views, recording, a step) is
  reported and changes nothing else.
Expected errors (`TrackerError`, `OSError`) are reported as their one-line message,
others (bugs) with their type; none escapes into Qt, which would abort the app.
"""

from __future__ import annotations

import threading
import time

from PyQt6.QtCore import QObject, Qt, QTimer, pyqtSignal, pyqtSlot

from tracker.app import PlaybackClock, RecordPlan, Session, warm_up
from tracker.errors import SourceError, TrackerError

from .display import DisplayFrame, SourceInfo
from .worker_tracks import WorkerTracks

# What an error stops (see the module docstring).
FRAME, STOP, REQUEST = "frame", "stop", "request"


def describe(error: BaseException) -> str:
    """One line for the user: an expected error's own message, a bug's type and message."""
    if isinstance(error, (TrackerError, OSError)):
        return str(error)
    return f"internal error: {type(error).__name__}: {error}"


class PipelineWorker(QObject):
    """Drives a `Session` (source, pipeline, recording) for the window. Use from one QThread."""

    ready = pyqtSignal()                 # kernels compiled: the first frame costs what frames cost
    opened = pyqtSignal(object)          # SourceInfo
    failed = pyqtSignal(str)             # one-line message for the user
    ended = pyqtSignal()                 # a file or sequence reached its end
    frame_ready = pyqtSignal(object)     # DisplayFrame
    playing_changed = pyqtSignal(bool)
    recording_changed = pyqtSignal(bool, object)   # recording?, the files written
    target_added = pyqtSignal(int)       # after each add_target: the new id (-1: none added)
    finished = pyqtSignal()

    HISTOGRAM_EVERY = 15                 # frames between histogram refreshes while tracking
    FAILING_FRAMES = 30                  # failed frames in a row that stop playback
    SCREEN_WAIT = 0.5                    # seconds "every frame" waits for the screen at most

    def __init__(self, tracker_options: dict | None = None, segment: bool = True,
                 segment_options: dict | None = None):
        super().__init__()
        self.session = Session(segment=segment, segment_options=segment_options,
                               **(tracker_options or {}))
        self._timer = None
        self._clock = PlaybackClock()
        self._playing = False
        self._stop_at = None             # last position to play, if limited
        self._on_screen = -1             # position of the last frame sent to the GUI
        self._dropped = 0
        self._failing = 0                # frames in a row that failed
        self._told_recorder = None       # the recording the window was last told of
        self._shown = threading.Event()
        self._shown.set()
        self._sent_at = 0.0              # when the last frame went to the screen
        self.tracks = WorkerTracks(self)     # annotations, Track to end, the log's summary, exports

    # ------------------------------------------------------------------ the error boundary
    def _attempt(self, work, *args, policy: str = REQUEST, explain: str = "{}") -> None:
        """Run ``work(*args)``; an error is reported and handled by ``policy`` (FRAME,
        STOP or REQUEST: see the module docstring)."""
        try:
            work(*args)
        except Exception as error:  # noqa: BLE001 - the one boundary: a message, the app lives on
            self._failed(explain.format(describe(error)), policy)
        else:
            if policy == FRAME:
                self._failing = 0
        self._tell_recording()

    def _failed(self, message: str, policy: str) -> None:
        if policy == FRAME:
            self._failing += 1
            if 1 < self._failing < self.FAILING_FRAMES:
                return                   # the frames before failed too: said already
            if self._failing == self.FAILING_FRAMES:
                message = f"playback stopped: {self._failing} frames in a row failed ({message})"
        self.failed.emit(message)
        if policy == STOP or (policy == FRAME and self._failing >= self.FAILING_FRAMES):
            self._halt()

    # ------------------------------------------------------------------ thread entry
    @pyqtSlot()
    def start(self):
        """Create the timer in the worker's thread (call via QThread.started), then warm
        the numba kernels up: requests queued meanwhile wait, the GUI says "preparing"."""
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self.tracks.start()
        pipeline = self.session.pipeline
        self._attempt(lambda: warm_up(pipeline.segment_options, **pipeline.options_of(None)),
                      explain="warming up failed ({}); the first frames may be slow")
        self.ready.emit()

    def frame_shown(self):
        """Called by the GUI (any thread) once it has painted the last frame."""
        self._shown.set()

    # ------------------------------------------------------------------ source control
    @pyqtSlot(str, object)
    def open(self, spec: str, resize=None):
        """Open ``spec`` (file, folder, pattern, camera:N or URL); show its first frame,
        paused (live sources play)."""
        self._attempt(self._open, spec, resize, policy=STOP)

    def _open(self, spec, resize):
        source = self.session.open(spec, resize)     # a bad source changes nothing
        self._halt()
        self._tell_recording()                        # a recording belongs to one source
        self._stop_at = None
        self._dropped = 0
        self._clock = PlaybackClock(source.fps, self._clock.speed)
        result = None
        try:
            result = self.session.step()
        finally:
            if result is None:              # no first frame: no source (the error says why)
                self.session.close()
        if result is None:
            raise SourceError(f"{spec}: no frame could be read")
        h, w = result.frame.shape[:2]
        fps = source.fps if source.fps and source.fps > 0 else 30.0
        self.opened.emit(SourceInfo(source.name, fps, (w, h), source.frame_count, source.is_live))
        self._show(result, force=True)
        if source.is_live:
            self.play()

    @pyqtSlot()
    def play(self):
        source = self.session.source
        if source is None or self._playing:
            return
        if self.session.at_end and not source.is_live:
            self.seek(0)                      # Play at the very end plays again from the start
        self._playing = True
        self._clock.restart()
        self._dropped = self._failing = 0     # counted per run of playback
        self._start_timer()
        self.playing_changed.emit(True)

    @pyqtSlot()
    def pause(self):
        """The user pauses: the frame on screen becomes the last one read, the one a box
        drawn now is learnt on (while playing, the screen may be a frame behind)."""
        self._attempt(self._stop_playing)

    @pyqtSlot()
    def step(self):
        """One frame forward (files; pauses); each step is shown, however fast keys come."""
        if self.session.seekable:
            self._attempt(self._step)

    def _step(self):
        self._stop_playing()
        self._advance(force=True)
        self._check_stop_at()

    @pyqtSlot()
    def step_back(self):
        """One frame back (files; pauses): a seek, so the tracker searches afresh."""
        if self.session.seekable and self.session.position > 0:
            self._attempt(self._stop_playing)
            self.seek(self.session.position - 1)

    @pyqtSlot(int)
    def seek(self, index: int):
        """Show frame ``index`` (files). Every jump goes through the session's seek, so
        the tracker is always told that the next frame does not follow the last one."""
        if self.session.seekable:
            self._attempt(lambda: self._jumped(self.session.seek(index)), policy=STOP)

    @pyqtSlot()
    def seek_end(self):
        """Show the last frame that decodes (the header's count may be an estimate)."""
        if self.session.seekable:
            self._attempt(self._stop_playing)
            self._attempt(lambda: self._jumped(self.session.seek_end()), policy=STOP)

    def _jumped(self, result):
        if result is None:
            return self._end()
        self._clock.restart()
        self._show(result, force=True)

    @pyqtSlot(object)
    def set_stop_at(self, position):
        """Pause after the frame at ``position`` (None: play to the end)."""
        self._stop_at = None if position is None else int(position)

    @pyqtSlot(float)
    def set_speed(self, speed: float):
        """Playback speed for files; 0 means every frame, as fast as it can be processed."""
        self._clock.set_speed(speed)
        if self._playing and self._timer is not None:
            self._start_timer()

    # ------------------------------------------------------------------ targets and options
    @pyqtSlot(object)
    def set_target(self, box):
        """Track only ``box`` (x, y, w, h) on the frame on screen, paused or playing."""
        if self.session.frame is not None:
            self._attempt(lambda: self._show(self.session.set_target(box), force=True, histogram=True))

    @pyqtSlot(object)
    def add_target(self, box):
        """Add a target on ``box`` (x, y, w, h) in the frame on screen; the others stay.
        Says which id it got with ``target_added`` (-1 if it could not be added), one
        answer per request, in order."""
        added = []

        def add():
            result = self.session.add_target(box)
            added.append(result.selected)
            self._show(result, force=True, histogram=True)

        if self.session.frame is not None:
            self._attempt(add)
        self.target_added.emit(added[0] if added else -1)

    @pyqtSlot(int, object)
    def restore_target(self, target_id: int, box):
        """Bring target ``target_id`` back (an undone removal) on ``box`` in the frame on
        screen, under its own id; nothing if that id is in use."""
        if self.session.frame is not None and target_id not in self.session.pipeline.targets:
            self._attempt(lambda: self._show(self.session.add_target(box, target_id=target_id),
                                             force=True, histogram=True))

    @pyqtSlot(int, object)
    def retarget(self, target_id: int, box):
        """Learn target ``target_id`` afresh on ``box`` in the frame on screen; it keeps its id."""
        if self.session.frame is not None and target_id in self.session.pipeline.targets:
            self._attempt(lambda: self._show(self.session.retarget(target_id, box), force=True,
                                             histogram=True))

    @pyqtSlot(int)
    def select_target(self, target_id: int):
        """The panels (histogram, box, back-projection) follow ``target_id`` from now on."""
        if target_id in self.session.pipeline.targets:
            self._attempt(lambda: self._show_again(self.session.select(target_id), histogram=True))

    @pyqtSlot(int)
    def remove_target(self, target_id: int):
        """Stop tracking ``target_id``; the others go on as if it had never been there."""
        if target_id in self.session.pipeline.targets:
            self._attempt(lambda: self._show_again(self.session.remove_target(target_id),
                                                   histogram=True))

    @pyqtSlot()
    def clear_target(self):
        self._attempt(lambda: self._show_again(self.session.clear_targets()))

    @pyqtSlot(object)
    def set_tracker_options(self, options: dict):
        """New colour space or bins: the selected target learns again on the frame on
        screen, and that frame is shown again at once (back-projection and score)."""
        self._attempt(lambda: self._show_again(self.session.set_tracker_options(options),
                                               histogram=True))

    @pyqtSlot(bool, object)
    def set_segmentation(self, enabled: bool, options: dict):
        """Segmentation on/off or new options: the frame on screen is segmented again."""
        self._attempt(lambda: self._show_paused(self.session.set_segmentation(enabled, options)))

    @pyqtSlot(object)
    def set_views(self, views):
        """Which views to prepare (the others cost nothing); shown at once when paused."""
        self._attempt(lambda: self._show_paused(self.session.set_views(views)))

    # ------------------------------------------------------------------ recording
    @pyqtSlot(object)
    def start_recording(self, plan: RecordPlan):
        """Record from the frame on screen on (it is the first recorded)."""
        self._attempt(self.session.start_recording, plan)

    @pyqtSlot()
    def stop_recording(self):
        """Finalise the recorded files (also on source end and shutdown)."""
        self.session.stop_recording()
        self._tell_recording()

    @pyqtSlot()
    def shutdown(self):
        """Stop playing, finalise recordings, close the source; then emit ``finished``."""
        self._halt()
        self.session.close()
        self._tell_recording()
        self.finished.emit()

    # ------------------------------------------------------------------ internals
    def _tell_recording(self):
        """Tell the window when the session's recording started or ended (an error that
        ends it too)."""
        recorder = self.session.recorder
        if recorder is self._told_recorder:
            return
        if self._told_recorder is not None:
            self.recording_changed.emit(False, self._told_recorder.plan.files())
        if recorder is not None:
            self.recording_changed.emit(True, recorder.plan.files())
        self._told_recorder = recorder

    def _start_timer(self):
        live = self.session.source is not None and self.session.source.is_live
        self._timer.start(0 if live or not self._clock.paced else 2)

    def _halt(self):
        """Stop the timer (nothing is shown again: this cannot fail)."""
        if self._playing:
            self._playing = False
            self._timer.stop()
            self.playing_changed.emit(False)

    def _stop_playing(self):
        was_playing = self._playing
        self._halt()
        # Paused, the frame on screen is the one a box is drawn on: the last one read.
        if was_playing and self._on_screen != self.session.position:
            self._show_paused(self.session.refresh())

    def _check_stop_at(self):
        if self._stop_at is not None and self.session.position >= self._stop_at:
            self._stop_at = None
            self._stop_playing()

    def _tick(self):
        if self._playing and self.session.source is not None:
            self._attempt(self._play_next, policy=FRAME)
            self._attempt(self._check_stop_at)

    def _play_next(self):
        session = self.session
        if session.source.is_live:
            return self._advance()
        if not self._clock.paced:
            # Every frame: each one is shown, so the next waits for the screen (unless
            # the screen paints nothing, a minimised window say: then it goes on).
            if self._shown.is_set() or time.perf_counter() - self._sent_at > self.SCREEN_WAIT:
                self._advance()
            return
        # Files play in real time: frames due by the clock but not yet processed are
        # passed over when processing falls behind, rather than slowing the video down
        # (not while recording: every recorded frame is tracked).
        due = self._clock.due(time.perf_counter(), session.position)
        if self._stop_at is not None:
            due = min(due, self._stop_at)
        if due <= session.position:
            return
        passed = session.catch_up(due)
        if passed is None:
            return self._end()
        self._dropped += passed
        self._advance()

    def _advance(self, force: bool = False):
        result = self.session.step()
        if result is None:
            return self._end()
        position = self.session.position
        histogram = self.session.pipeline.has_target and position % self.HISTOGRAM_EVERY == 0
        self._show(result, histogram=histogram, force=force or position == self._stop_at)

    def _end(self):
        self._stop_playing()
        source = self.session.source
        error = getattr(source, "error", None)
        if source is not None and source.is_live:
            self.failed.emit(f"{source.name}: the camera stopped sending frames"
                             + (f" ({error})" if error else ""))
        elif error:
            self.failed.emit(f"stopped early: {error}")
        self.stop_recording()
        if self._on_screen != self.session.position:
            self._show_again(self.session.result)     # the last frame, not one before
        self.ended.emit()

    def _show_paused(self, result):
        """Show ``result`` again with what is now wanted of it, unless playing (the next
        frame will)."""
        if not self._playing:
            self._show_again(result)

    def _show_again(self, result, histogram: bool = False):
        if result is not None:
            self._show(result, force=True, histogram=histogram)

    def _show(self, result, force: bool = False, histogram: bool = False):
        """Send ``result`` to the GUI, unless the GUI has not painted the last frame yet
        (then it is dropped from the display, not from the track)."""
        if not force and not self._shown.is_set():
            self._dropped += 1
            return
        self._shown.clear()
        self._sent_at = time.perf_counter()
        session, source = self.session, self.session.source
        pipeline = session.pipeline
        self._on_screen = session.position
        selected = result.selected if result.selected in pipeline.targets else None
        display = DisplayFrame(
            position=session.position,
            frame_count=source.frame_count if source else None,
            views=session.images(result), states=dict(result.states),
            trails={i: list(t) for i, t in result.trails.items()}, selected=result.selected,
            tracker_options=pipeline.options_of(selected),
            track_ms=result.track_ms, segment_ms=result.segment_ms,
            source_fps=(source.fps or 0.0) if source else 0.0,
            dropped=self._dropped, playing=self._playing, capture_time=session.capture_time,
            source_dropped=getattr(source, "frames_dropped", 0) or 0,
            recording_resumes_after=session.recording_resumes_after)
        if histogram and pipeline.tracker is not None:
            display.histogram = pipeline.tracker.model_histogram()
        self.frame_ready.emit(display)
