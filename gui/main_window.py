"""The main window: its widgets, the worker thread, and the controllers that turn gestures
into worker requests and DisplayFrames into pixels, wired together."""

from __future__ import annotations

from PyQt6.QtCore import QSettings, Qt, QThread, pyqtSignal
from PyQt6.QtWidgets import QDockWidget, QMainWindow, QVBoxLayout, QWidget

from .controllers import (VIEW_NAMES, OutputsController, PlaybackController, SourcesController,
                          TargetsController, ViewsController)
from .controllers.annotations import AnnotationsController
from .controllers.tracks import TracksController
from .keys import KeysToVideo
from .menus import SPEEDS, Menus
from .panels import HistogramView, ParametersPanel, TargetPanel
from .playback_bar import PlaybackBar
from .settings import Settings
from .status import StatusLine
from .timeline import TimelineStrip
from .view_area import ARRANGEMENT_CHOICES, ViewArea
from .worker import PipelineWorker


class MainWindow(QMainWindow):
    """Open a source, drag a box around each target, watch them tracked and segmented.

    The window owns the widgets and the worker; the state lives in its controllers:
    ``sources`` (the source open), ``playback`` (the frame on screen), ``views`` (which
    views, how arranged), ``targets``, ``outputs`` (recording, saved frames), ``menus``
    (the actions) and ``status`` (the status bar and errors).
    """

    # Requests to the worker (queued across threads).
    request_open = pyqtSignal(str, object)
    request_play = pyqtSignal()
    request_pause = pyqtSignal()
    request_step = pyqtSignal()
    request_step_back = pyqtSignal()
    request_seek = pyqtSignal(int)
    request_seek_end = pyqtSignal()
    request_speed = pyqtSignal(float)
    request_stop_at = pyqtSignal(object)
    request_target = pyqtSignal(object)
    request_clear_target = pyqtSignal()
    request_add_target = pyqtSignal(object)
    request_retarget = pyqtSignal(int, object)
    request_select = pyqtSignal(int)
    request_remove = pyqtSignal(int)
    request_restore = pyqtSignal(int, object)
    request_tracker_options = pyqtSignal(object)
    request_segmentation = pyqtSignal(bool, object)
    request_views = pyqtSignal(object)
    request_record = pyqtSignal(object)
    request_stop_record = pyqtSignal()
    request_shutdown = pyqtSignal()

    frame_displayed = pyqtSignal(object)          # DisplayFrame, after painting (for automation)

    def __init__(self, settings: QSettings | None = None, resize=None):
        super().__init__()
        self.setWindowTitle("meanshift-tracker")
        self.setAcceptDrops(True)
        self.settings = Settings(settings)
        self._build_widgets()
        self.status = StatusLine(self)
        self.worker = PipelineWorker(self.params.tracker_options(), self.params.segment.isChecked(),
                                     self.params.segmentation_options())
        self._build_controllers(resize)
        self._connect()
        self.thread = QThread(self)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.start)
        # Direct: quit() is thread-safe, and the GUI thread is waiting in closeEvent, so a
        # queued call would only run after the wait had timed out.
        self.worker.finished.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.status.say("preparing: loading the tracking and segmentation kernels…", 0)
        self._restore_settings()
        # Last: a running QThread whose window failed to build would abort the process
        # when collected. The requests made until now wait in the thread's queue.
        self.thread.start()

    # ------------------------------------------------------------------ construction
    def _build_widgets(self):
        self.view_area = ViewArea()
        self.main_view, self.side_view = self.view_area.main, self.view_area.side
        self.main_view.set_placeholder("Open a video (O), a folder, a camera or a stream (File menu), "
                                       "or drop a file here")
        self.bar = PlaybackBar()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.view_area, 1)
        layout.addWidget(self.bar)
        self.timeline = TimelineStrip(self.bar.slider)     # where each target was tracked and lost
        layout.addWidget(self.timeline)
        self.setCentralWidget(central)

        self.histogram = HistogramView()
        self.target_panel = TargetPanel()
        self.params = ParametersPanel()
        self.params.restore(self.settings)
        self.docks = []
        for title, widget in (("Target colours", self.histogram), ("Target", self.target_panel),
                              ("Parameters", self.params)):
            dock = QDockWidget(title, self)
            dock.setObjectName(title)
            dock.setWidget(widget)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            self.docks.append(dock)
        # A bound slot, not a lambda: Qt drops the connection when the panel goes, and the
        # dock reports a last move while the window is being destroyed.
        self.docks[-1].dockLocationChanged.connect(self.params.docked_in)
        self.docks[1].dockLocationChanged.connect(self.target_panel.docked_in)

    def _build_controllers(self, resize):
        self.sources = SourcesController(self, self.settings, self.status, self.request_open,
                                         self.request_pause, resize)
        self.playback = PlaybackController(
            self, self.bar, self.status, self.sources, self.main_view, self.worker.frame_shown,
            request_play=self.request_play, request_pause=self.request_pause,
            request_step=self.request_step, request_step_back=self.request_step_back,
            request_seek=self.request_seek, request_seek_end=self.request_seek_end,
            request_speed=self.request_speed)
        self.views = ViewsController(self, self.view_area, self.docks, self.params, self.sources,
                                     self.playback, self.request_views)
        self.targets = TargetsController(
            self, self.view_area, self.target_panel, self.histogram, self.params, self.sources,
            self.playback, request_target=self.request_target,
            request_add_target=self.request_add_target, request_retarget=self.request_retarget,
            request_select=self.request_select, request_remove=self.request_remove,
            request_clear_target=self.request_clear_target, request_restore=self.request_restore)
        self.outputs = OutputsController(self, self.settings, self.status, self.sources, self.views,
                                         self.playback, request_record=self.request_record,
                                         request_stop_record=self.request_stop_record)
        self.annotations = AnnotationsController(self, self.settings, self.status, self.view_area,
                                                 self.sources, self.playback, self.targets)
        self.tracks = TracksController(self, self.settings, self.status, self.sources, self.playback,
                                       self.timeline)
        self.menus = Menus(self, self.sources, self.outputs, self.playback, self.targets, self.views,
                           self.bar, self.docks, labelling=(self.annotations, self.tracks))

    def _connect(self):
        worker = self.worker
        for signal, slot in ((self.request_open, worker.open), (self.request_play, worker.play),
                             (self.request_pause, worker.pause), (self.request_step, worker.step),
                             (self.request_step_back, worker.step_back),
                             (self.request_seek, worker.seek),
                             (self.request_seek_end, worker.seek_end),
                             (self.request_speed, worker.set_speed),
                             (self.request_stop_at, worker.set_stop_at),
                             (self.request_target, worker.set_target),
                             (self.request_clear_target, worker.clear_target),
                             (self.request_add_target, worker.add_target),
                             (self.request_retarget, worker.retarget),
                             (self.request_select, worker.select_target),
                             (self.request_remove, worker.remove_target),
                             (self.request_restore, worker.restore_target),
                             (self.request_tracker_options, worker.set_tracker_options),
                             (self.request_segmentation, worker.set_segmentation),
                             (self.request_views, worker.set_views),
                             (self.request_record, worker.start_recording),
                             (self.request_stop_record, worker.stop_recording),
                             (self.request_shutdown, worker.shutdown)):
            signal.connect(slot)
        worker.ready.connect(self.playback.on_ready)
        worker.opened.connect(self.sources.source_opened)
        worker.failed.connect(self.status.show_error)
        worker.ended.connect(self.playback.on_ended)
        # In this order: a frame's histogram is shown before its targets, which may clear it.
        worker.frame_ready.connect(self.targets.show_histogram)
        worker.frame_ready.connect(self.playback.on_frame)
        worker.playing_changed.connect(self.playback.on_playing)
        worker.playing_changed.connect(self.menus.show_playing)
        worker.target_added.connect(self.targets.history.added)
        worker.recording_changed.connect(self.outputs.recording_changed)
        worker.recording_changed.connect(self.menus.show_recording)
        for slot in (self.playback.source_opened, self.menus.show_source,
                     self.targets.source_opened, self.views.source_opened):
            self.sources.opened.connect(slot)
        self.sources.probing_cameras.connect(self.menus.show_probing_cameras)
        self.sources.recent_changed.connect(self.menus.show_recent)
        self.playback.frame_arrived.connect(self.views.paint)
        self.playback.frame_arrived.connect(self.outputs.show_frame)
        self.playback.readout.connect(self.targets.show_targets)
        self.playback.displayed.connect(self.frame_displayed)
        self.views.changed.connect(self.menus.show_views)
        self.params.tracker_changed.connect(self.request_tracker_options.emit)
        # After editing a parameter or typing a number, keys go back to the video (Space,
        # Right, B, S...).
        self.params.edited.connect(lambda: self.main_view.setFocus())
        self.keys_to_video = KeysToVideo(self.main_view, self)
        self.keys_to_video.watch(self.bar.frame, self.bar.revert_frame_field)
        for field in self.target_panel.fields.values():
            self.keys_to_video.watch(field, self.target_panel.revert)
        self.params.segmentation_changed.connect(self.request_segmentation.emit)
        self._connect_labelling()

    def _connect_labelling(self):
        """Loaded annotations, Track to end, the timeline and exports (the worker's part of
        them is its ``tracks``)."""
        part = self.worker.tracks
        for signal, slot in ((self.annotations.request_load, part.load_annotations),
                             (self.tracks.request_run, part.track_to_end),
                             (self.tracks.request_stop, part.stop_run),
                             (self.tracks.request_export, part.export),
                             (part.annotations_loaded, self.annotations.loaded),
                             (part.log_changed, self.tracks.log_changed),
                             (part.run_progress, self.tracks.on_progress),
                             (part.run_finished, self.tracks.on_finished),
                             (part.exported, self.tracks.exported),
                             (self.tracks.running_changed, self.menus.show_running),
                             (self.playback.frame_arrived, self.annotations.show_frame),
                             (self.playback.frame_arrived, self.tracks.show_frame),
                             (self.sources.opened, self.annotations.source_opened),
                             (self.sources.opened, self.tracks.source_opened)):
            signal.connect(slot)

    def _restore_settings(self):
        settings = self.settings
        if not settings.blob("window/geometry", self.restoreGeometry):
            self.resize(1200, 700)
        restored = settings.blob("window/state", self.restoreState)
        self.menus.speed.setCurrentText(settings.choice("view/speed", SPEEDS, "1x"))
        self.views.set_arrangement(settings.choice("view/arrangement", ARRANGEMENT_CHOICES, "auto"),
                                   fit=False)
        self.views.set_view(settings.choice("view/name", VIEW_NAMES, "track"))
        self.views.set_side_by_side(settings.flag("view/side", False), fit=not restored)

    # ------------------------------------------------------------------ for automation and tests
    # What a user does and sees, callable by code (gui/app.py, the tests); each is the
    # controller's that owns it.
    @property
    def info(self):
        """The SourceInfo of the source open (None before the first)."""
        return self.sources.info

    @property
    def last_frame(self):
        """The DisplayFrame on screen (None before the first)."""
        return self.playback.last_frame

    @property
    def last_error(self):
        return self.status.last_error

    @property
    def playing(self) -> bool:
        return self.playback.playing

    @property
    def ready(self) -> bool:
        return self.playback.ready

    @property
    def recording(self) -> bool:
        return self.outputs.recording

    @property
    def view(self) -> str:
        return self.views.view

    @property
    def selected(self) -> int | None:
        return self.targets.selected

    def open_source(self, spec: str):
        self.sources.open_source(spec)

    def set_target(self, box):
        self.targets.set_target(box)

    def add_target(self, box):
        self.targets.add_target(box)

    def select_target(self, target_id: int):
        self.targets.select_target(target_id)

    def reset_target(self):
        self.targets.reset_target()

    def play(self):
        self.playback.play()

    def step(self):
        self.playback.step()

    def step_back(self):
        self.playback.step_back()

    def set_view(self, view: str):
        self.views.set_view(view)

    def set_side_by_side(self, on: bool, fit: bool = True):
        self.views.set_side_by_side(on, fit)

    def set_arrangement(self, choice: str, fit: bool = True):
        self.views.set_arrangement(choice, fit)

    def start_recording(self, video_path: str = "", csv_path: str = "", each: bool = False):
        self.outputs.start_recording(video_path, csv_path, each)

    def record(self, plan):
        self.outputs.record(plan)

    def save_frame(self, path: str) -> bool:
        return self.outputs.save_frame(path)

    def show_error(self, message: str):
        self.status.show_error(message)

    # ------------------------------------------------------------------ window events
    def dragEnterEvent(self, event):
        self.sources.accept_drag(event)

    def dropEvent(self, event):
        self.sources.drop(event)

    def closeEvent(self, event):
        """Finalise recordings and stop the worker before the window goes."""
        self.settings.write("window/geometry", self.saveGeometry())
        self.settings.write("window/state", self.saveState())
        self.settings.write("view/speed", self.menus.speed.currentText())
        self.settings.write("view/name", self.views.view)
        self.settings.write("view/side", self.views.side_by_side)
        self.settings.write("view/arrangement", self.view_area.choice())
        self.params.save(self.settings)
        self.stop_worker()
        super().closeEvent(event)

    def stop_worker(self):
        """Stop the worker (it finalises a recording) and wait for its thread: a QThread
        still running when it is collected aborts the process. Idempotent."""
        if self.thread.isRunning():
            self.request_shutdown.emit()     # the worker quits its thread when done
            if not self.thread.wait(10000):
                self.thread.quit()
                self.thread.wait(2000)
