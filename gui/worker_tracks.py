"""The worker's part of the labelling loop, run in the worker's thread beside it:
annotations loaded for the source, Track to end, the track log's summary for the
timeline, and exports of the log.

Track to end runs the session's steps as fast as they go, in chunks of `CHUNK_SECONDS`
from a zero-interval timer, so the requests queued meanwhile (Stop, above all) are
handled between two chunks; a frame is shown now and then (`SHOW_EVERY`), not each one.
A step, seek or Play of the user's moves the position under the run, which then stops.
Errors go through the worker's one boundary (`PipelineWorker._attempt`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from PyQt6.QtCore import QObject, Qt, QTimer, pyqtSignal, pyqtSlot

from tracker.app.labelling import annotations_for_frames, export_log
from tracker.app.output_places import source_name
from tracker.errors import InputError

CHUNK_SECONDS = 0.05        # work between two looks at the queued requests
SHOW_EVERY = 0.25           # seconds between the frames shown during a run
SUMMARY_EVERY_MS = 250      # how often the log is looked at for the timeline


@dataclass(frozen=True)
class LogSummary:
    """What the timeline shows of the track log: per target, its runs of frames tracked
    and lost (`TrackLog.spans`)."""

    spans: dict = field(default_factory=dict)      # id -> [(first, stop, lost), ...]

    @property
    def targets(self) -> list:
        return sorted(self.spans)

    @property
    def frames(self) -> int:
        """Frames held, over every target."""
        return sum(stop - first for runs in self.spans.values() for first, stop, _ in runs)


@dataclass(frozen=True)
class ExportPlan:
    """What File > Export Tracks writes: the log as ``to`` ("mot" or "cvat") to ``path``."""

    path: str
    to: str
    label: str = "object"


class WorkerTracks(QObject):
    """Composed into a `PipelineWorker` (its child: it lives in the worker's thread)."""

    annotations_loaded = pyqtSignal(object, str, object)   # Annotations, the file, notes
    log_changed = pyqtSignal(object)                       # LogSummary
    run_progress = pyqtSignal(int, int, int)               # first frame, position, last frame
    run_finished = pyqtSignal(str, int, int)               # why ("end", "stopped", "moved", "error"), first, last tracked
    exported = pyqtSignal(str, object)                     # the file written, Annotations written

    def __init__(self, worker):
        super().__init__(worker)
        self._worker = worker
        self._run_timer = self._summary_timer = None
        self._running = False
        self._first = self._expected = -1
        self._last_shown = 0.0
        self._version = None
        self.annotations_origin = None                     # the file loaded last (never written over)

    @property
    def session(self):
        return self._worker.session

    @pyqtSlot()
    def start(self):
        """In the worker's thread: the timers (see `PipelineWorker.start`)."""
        self._run_timer = QTimer(self)
        self._run_timer.setInterval(0)
        self._run_timer.timeout.connect(self._tick)
        self._summary_timer = QTimer(self)
        self._summary_timer.setInterval(SUMMARY_EVERY_MS)
        self._summary_timer.timeout.connect(self.send_summary)
        self._summary_timer.start()
        # Stopped in this thread as the worker finishes (a timer cannot be stopped from another).
        self._worker.finished.connect(self._stop_timers, Qt.ConnectionType.DirectConnection)

    def _stop_timers(self):
        self._running = False
        for timer in (self._run_timer, self._summary_timer):
            timer.stop()

    # ------------------------------------------------------------------ annotations
    @pyqtSlot(str)
    def load_annotations(self, path: str):
        """Read ``path`` (CVAT XML, MOT, OTB ground truth, a track CSV) for the source open,
        in pixels of its frames as tracked."""
        self._worker._attempt(self._load, path, explain="cannot load annotations: {}")

    def _load(self, path):
        session = self.session
        if session.source is None or session.frame is None:
            raise InputError("open the video the annotations belong to first")
        frame_size = (session.frame.shape[1], session.frame.shape[0])
        annotations, notes = annotations_for_frames(path, session.source.size or frame_size, frame_size,
                                                    session.source.frame_count)
        self.annotations_origin = path
        self.annotations_loaded.emit(annotations, path, notes)

    # ------------------------------------------------------------------ the log
    @pyqtSlot()
    def send_summary(self, force: bool = False):
        """Tell the window what the log holds, when it changed."""
        log = self.session.track_log
        if force or log.version != self._version:
            self._version = log.version
            self.log_changed.emit(LogSummary(log.spans()))

    @pyqtSlot(object)
    def export(self, plan: ExportPlan):
        self._worker._attempt(self._export, plan, explain="cannot export the tracks: {}")

    def _export(self, plan: ExportPlan):
        session = self.session
        source = session.source
        if source is None:
            raise InputError("nothing to export: open a video and track a target first")
        keep = [self.annotations_origin] + (session.recorder.plan.files() if session.recorder else [])
        frame = session.frame
        if session.resize or source.is_live:
            # Boxes in pixels of the frames as tracked, not the file's: the task says so.
            written = export_log(session.track_log, plan.path, plan.to, frame_size=(frame.shape[1], frame.shape[0]),
                                 frame_count=source.frame_count, label=plan.label, name=source_name(source.name),
                                 keep=keep + ([] if source.is_live else [source.name]))
        else:
            written = export_log(session.track_log, plan.path, plan.to, source=source.name, label=plan.label,
                                 keep=keep)
        self.exported.emit(plan.path, written)

    # ------------------------------------------------------------------ Track to end
    @property
    def running(self) -> bool:
        return self._running

    @pyqtSlot()
    def track_to_end(self):
        """Track from the frame on screen to the end of the file, as fast as it goes."""
        self._worker._attempt(self._begin, explain="cannot track to the end: {}")

    def _begin(self):
        session, worker = self.session, self._worker
        if self._running:
            return
        if not session.seekable:
            raise InputError("Track to end needs a video file or an image sequence (not a live source)")
        if not session.pipeline.has_target:
            raise InputError("no target to track: drag a box around one first")
        worker._stop_playing()
        if session.at_end:
            raise InputError("this is the last frame: go back to where tracking should start")
        self._running = True
        self._first = self._expected = session.position
        self._last_shown = time.perf_counter()
        self._run_timer.start()
        self.run_progress.emit(self._first, session.position, self._last_frame())

    @pyqtSlot()
    def stop_run(self):
        """Stop Track to end after the frame being tracked (Esc)."""
        if self._running:
            self._finish("stopped")

    def _last_frame(self) -> int:
        count = self.session.source.frame_count if self.session.source is not None else None
        return max((count or 0) - 1, self.session.position)

    def _tick(self):
        if not self._running:
            return
        done = []
        self._worker._attempt(lambda: done.append(self._chunk()), explain="Track to end stopped: {}")
        if not done and self._running:
            self._finish("error")

    def _chunk(self):
        session = self.session
        if session.source is None or session.position != self._expected:
            return self._finish("moved")          # the user stepped, sought, played or closed
        deadline = time.perf_counter() + CHUNK_SECONDS
        while time.perf_counter() < deadline:
            if session.step(segment=False) is None:
                return self._finish("end")
        self._expected = session.position
        now = time.perf_counter()
        if now - self._last_shown >= SHOW_EVERY and self._worker._shown.is_set():
            self._last_shown = now
            self._worker._show(session.refresh(), force=True)
        self.run_progress.emit(self._first, session.position, self._last_frame())

    def _finish(self, why: str):
        self._running = False
        self._run_timer.stop()
        worker, session = self._worker, self.session
        last = session.position
        if why == "end":
            last = session.position
            worker._end()                         # as playback's end: the recording closes
        elif session.source is not None and why != "moved":
            worker._show_again(session.refresh())
        self.send_summary(force=True)
        self.run_finished.emit(why, self._first, last)

