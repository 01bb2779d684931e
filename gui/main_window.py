"""The main window: turns gestures into worker calls and DisplayFrames into pixels."""

from __future__ import annotations

import time
from pathlib import Path

from PyQt6.QtCore import QSettings, Qt, QThread, QTimer, pyqtSignal
from PyQt6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from .layout import fit_docks
from .menus import VIEW_NAMES, WindowMenus
from .panels import HistogramView, ParametersPanel, TargetPanel
from .playback_bar import PlaybackBar
from .shortcuts import ShortcutsDialog
from .status import ElidedLabel, RecordingIndicator
from .view_area import ARRANGEMENT_CHOICES, ViewArea
from .window_files import WindowFiles
from .window_targets import HINT, WindowTargets
from .worker import PipelineWorker

READOUT_EVERY = 0.1       # seconds between updates of the numbers while playing


class MainWindow(WindowFiles, WindowTargets, WindowMenus, QMainWindow):
    """Open a source, drag a box around each target, watch them tracked and segmented."""

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
    request_tracker_options = pyqtSignal(object)
    request_segmentation = pyqtSignal(bool, object)
    request_views = pyqtSignal(object)
    request_record = pyqtSignal(object)
    request_stop_record = pyqtSignal()
    request_shutdown = pyqtSignal()

    frame_displayed = pyqtSignal(object)          # DisplayFrame, after painting (for automation)
    cameras_found = pyqtSignal(object)            # list of camera indices, from a probe thread

    def __init__(self, settings: QSettings | None = None, resize=None):
        super().__init__()
        self.setWindowTitle("meanshift-tracker")
        self.setAcceptDrops(True)
        self.settings = settings or QSettings("meanshift-tracker", "meanshift-tracker")
        self.resize_to = resize
        self.info = None
        self.playing = False
        self.recording = False
        self.recording_files = []
        self.ready = False
        self.last_error = None
        self.last_frame = None
        self.view = "track"
        self.latency_ms = None
        self._fps_times = []
        self._last_readout = 0.0
        self._unpainted = None

        self.views = ViewArea()
        self.main_view, self.side_view = self.views.main, self.views.side
        self.main_view.set_placeholder("Open a video (O), a folder, a camera or a stream (File menu), "
                                       "or drop a file here")
        self.bar = PlaybackBar()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.views, 1)
        layout.addWidget(self.bar)
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

        self.status_message = ElidedLabel()
        self.status_recording = RecordingIndicator()
        self.status_source = QLabel("no source")
        self.status_timing = QLabel("preparing…")
        self.status_dropped = QLabel("")
        self.statusBar().addWidget(self.status_message, 1)
        for label in (self.status_recording, self.status_source, self.status_timing,
                      self.status_dropped):
            self.statusBar().addPermanentWidget(label)
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self.status_message.clear_text)

        self._build_actions()
        self._start_worker()
        self.say("preparing: loading the tracking and segmentation kernels…", 0)
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 700)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        self.speed.setCurrentText(str(self.settings.value("view/speed", "1x")))
        self.set_arrangement(str(self.settings.value("view/arrangement", "auto")), fit=False)
        self.set_view(str(self.settings.value("view/name", "track")))
        self.set_side_by_side(str(self.settings.value("view/side", "false")) == "true",
                              fit=state is None)

    # ------------------------------------------------------------------ construction
    def _start_worker(self):
        self.thread = QThread(self)
        self.worker = PipelineWorker(self.params.tracker_options(), self.params.segment.isChecked(),
                                     self.params.segmentation_options())
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.start)
        for signal, slot in ((self.request_open, self.worker.open), (self.request_play, self.worker.play),
                             (self.request_pause, self.worker.pause), (self.request_step, self.worker.step),
                             (self.request_step_back, self.worker.step_back),
                             (self.request_seek, self.worker.seek),
                             (self.request_seek_end, self.worker.seek_end),
                             (self.request_speed, self.worker.set_speed),
                             (self.request_stop_at, self.worker.set_stop_at),
                             (self.request_target, self.worker.set_target),
                             (self.request_clear_target, self.worker.clear_target),
                             (self.request_add_target, self.worker.add_target),
                             (self.request_tracker_options, self.worker.set_tracker_options),
                             (self.request_segmentation, self.worker.set_segmentation),
                             (self.request_views, self.worker.set_views),
                             (self.request_record, self.worker.start_recording),
                             (self.request_stop_record, self.worker.stop_recording),
                             (self.request_shutdown, self.worker.shutdown)):
            signal.connect(slot)
        # Direct: quit() is thread-safe, and the GUI thread is waiting in closeEvent, so a
        # queued call would only run after the wait had timed out.
        self.worker.finished.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.cameras_found.connect(self._on_cameras_found)
        self.worker.ready.connect(self._on_ready)
        self.worker.opened.connect(self._on_opened)
        self.worker.failed.connect(self.show_error)
        self.worker.ended.connect(self._on_ended)
        self.worker.frame_ready.connect(self._on_frame)
        self.worker.playing_changed.connect(self._on_playing)
        self.worker.recording_changed.connect(self._on_recording)
        # Queued: what follows (a screenshot, say) must not run inside the paint itself.
        self.main_view.painted.connect(self._on_painted, Qt.ConnectionType.QueuedConnection)
        self._connect_targets()
        self.bar.seek_requested.connect(self.request_seek.emit)
        self.speed.currentTextChanged.connect(self._on_speed)
        self.view_box.currentIndexChanged.connect(lambda i: self.set_view(self.view_box.itemData(i)))
        self.params.tracker_changed.connect(self.request_tracker_options.emit)
        # After editing a parameter, keys go back to the video (Space, Right, B, S...).
        self.params.edited.connect(lambda: self.main_view.setFocus())
        self.params.segmentation_changed.connect(self.request_segmentation.emit)
        self.thread.start()

    # ------------------------------------------------------------------ messages
    def say(self, text: str, timeout_ms: int = 5000):
        """A status-bar message (shortened to fit; the whole text is in its tooltip)."""
        self.status_message.set_full_text(text)
        self._message_timer.stop()
        if timeout_ms:
            self._message_timer.start(timeout_ms)

    def show_error(self, message: str):
        """A message box with the whole message, non-blocking; the app stays usable."""
        self.last_error = message
        self.say(message, 15000)
        if self.property("quiet_errors"):
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "meanshift-tracker", message,
                          QMessageBox.StandardButton.Ok, self)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self._error_box = box

    # ------------------------------------------------------------------ sources
    # ------------------------------------------------------------------ controls
    def toggle_play(self):
        (self.request_pause if self.playing else self.request_play).emit()

    def play(self):
        self.request_play.emit()

    def step(self):
        self.request_step.emit()

    def step_back(self):
        self.request_step_back.emit()

    def zoom_to_fit(self):
        for view in (self.main_view, self.side_view):
            view.set_zoom(1.0)

    def toggle_view(self, view: str):
        self.set_view("track" if self.view == view and view != "track" else view)

    def set_view(self, view: str):
        self.view = view if view in VIEW_NAMES else "track"
        self.act_views[self.view].setChecked(True)
        self.view_box.blockSignals(True)          # one request to the worker, not two
        self.view_box.setCurrentIndex(self.view_box.findData(self.view))
        self.view_box.blockSignals(False)
        self._send_views()

    def set_side_by_side(self, on: bool, fit: bool = True):
        self.act_side.setChecked(bool(on))
        self.views.set_side_visible(bool(on))
        if fit:
            self.fit_layout()
        self._send_views()

    def set_arrangement(self, choice: str, fit: bool = True):
        """"auto", "row" or "column" for side by side."""
        choice = choice if choice in ARRANGEMENT_CHOICES else "auto"
        self.act_arrangements[choice].setChecked(True)
        self.views.set_choice(choice)
        if fit and self.act_side.isChecked():
            self.fit_layout()

    def fit_layout(self):
        """Put the panels where they leave the video area the shape that shows the frames
        largest: below a row of two views, beside a column or a single view."""
        size = self.info.size if self.info is not None else (16, 9)
        fit_docks(self, self.docks, self.views, size, self.act_side.isChecked(),
                  set_low=lambda low: self.params.set_columns(2 if low else 1))

    def shown_views(self) -> list[str]:
        """The views on screen, main first."""
        if self.act_side.isChecked():
            return ["track", self._side_view_name()]
        return [self.view]

    def _side_view_name(self) -> str:
        return self.view if self.view != "track" else "segment"

    def _send_views(self):
        self.request_views.emit(set(self.shown_views()))
        if self.last_frame is not None:
            self._paint(self.last_frame)

    def show_shortcuts(self):
        self._shortcuts = ShortcutsDialog(self, self.actions())
        self._shortcuts.open()

    # ------------------------------------------------------------------ worker events
    def _on_ready(self):
        self.ready = True
        self.status_timing.setText("")
        if self.status_message.full_text().startswith("preparing"):
            self.say("")

    def _on_opened(self, info):
        self.info = info
        self.last_error = None
        self._remember(info.name)
        w, h = info.size
        kind = "live" if info.is_live else f"{info.frame_count or '?'} frames"
        self.status_source.setText(f"{Path(info.name).name if '://' not in info.name else info.name}: "
                                   f"{w}x{h}, {info.fps:.0f} fps, {kind}")
        self.status_source.setToolTip(info.name)
        if self.status_message.full_text().startswith("opening"):
            self.say("")
        self.bar.set_source(None if info.is_live else (info.frame_count or 0), info.fps)
        for action in (self.act_step, self.act_step_back, self.act_home, self.act_end, self.act_goto):
            action.setEnabled(not info.is_live)
        self.target_panel.set_frame_size(w, h)
        self.main_view.set_overlay_text(HINT)
        self.setWindowTitle(f"meanshift-tracker - {Path(info.name).name or info.name}")
        self.histogram.set_histogram(None, None)
        self.views.set_image_size(w, h)
        self.latency_ms = None
        if self.act_side.isChecked():
            self.fit_layout()

    def _on_ended(self):
        self.say("end of source")

    def _on_playing(self, playing: bool):
        self.playing = playing
        self.act_play.setText("Pause" if playing else "Play")
        self._fps_times = []
        if self.last_frame is not None:          # the numbers of the frame on screen, in full
            self._show_targets(self.last_frame, True)
            self.bar.show_position(self.last_frame.position)
            self._update_status(self.last_frame)

    def _on_recording(self, recording: bool, files):
        self.recording = recording
        self.recording_files = list(files)
        self.act_record.setText("Stop Recording" if recording else "Record…")
        if recording:
            self.status_recording.start(self.recording_files)
            self.say("recording to " + ", ".join(self.recording_files), 8000)
        else:
            seconds = self.status_recording.elapsed()
            self.status_recording.stop()
            self.say(f"recording saved ({seconds:.0f} s): " + ", ".join(self.recording_files), 15000)

    def _on_frame(self, display):
        if display.histogram is not None:
            self.histogram.set_histogram(*display.histogram)
        if not display.views:
            return
        self.last_frame = display
        self._paint(display)
        self._unpainted = display            # shown once the view has painted it
        now = time.perf_counter()
        if display.capture_time is not None and self.info is not None and self.info.is_live:
            latency = (time.monotonic() - display.capture_time) * 1e3
            self.latency_ms = latency if self.latency_ms is None else 0.8 * self.latency_ms + 0.2 * latency
        if display.playing:
            self._fps_times = [t for t in self._fps_times if now - t < 2.0] + [now]
        # The numbers change 30 times a second while playing; 10 updates a second are as
        # readable and leave the time to the video.
        readout_due = not display.playing or now - self._last_readout >= READOUT_EVERY
        self._show_targets(display, readout_due)
        if readout_due:
            self._last_readout = now
            self.bar.show_position(display.position)
            self._update_status(display)

    def _on_painted(self):
        """The main view painted: the frame is on screen, the worker may send the next.
        Frames that arrive faster than the screen is painted are replaced before they
        are painted, so they never count as shown (nor in the automation's fps)."""
        display, self._unpainted = self._unpainted, None
        if display is not None:
            self.worker.frame_shown()
            self.frame_displayed.emit(display)

    def _update_status(self, display):
        parts = [f"track {display.track_ms:.1f} ms"] if display.selected_state is not None else []
        if display.segment_ms > 0:
            parts.append(f"segment {display.segment_ms:.1f} ms")
        if self.playing:
            times = self._fps_times
            # Frames over the time they span (a count per second would be off by one).
            fps = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 2 else 0.0
            # A live source's nominal rate is often a container default (MJPEG says 25).
            live = self.info is not None and self.info.is_live
            parts.append(f"shown {fps:.0f} fps" + ("" if live else f" of {display.source_fps:.0f}"))
            if self.latency_ms is not None:
                parts.append(f"latency {self.latency_ms:.0f} ms")
        else:
            parts.insert(0, "paused")
        self.status_timing.setText(", ".join(parts))
        dropped = f"dropped {display.dropped}"
        if display.source_dropped:              # a live source keeps only its newest frame
            dropped += f", {display.source_dropped} skipped at the source"
        self.status_dropped.setText(dropped if self.playing else "")

    def _paint(self, display):
        names = self.shown_views()
        self._show_in(self.main_view, names[0], display)
        if len(names) > 1:
            self._show_in(self.side_view, names[1], display)

    def _show_in(self, view, name, display):
        image = display.views.get(name)
        if image is None:
            view.set_placeholder(self._why_empty(name))
        view.set_frame(image)
        view.set_tracks(display.states, display.trails, display.selected)

    def _why_empty(self, name: str) -> str:
        if name in ("segment", "boundaries") and not self.params.segment.isChecked():
            return f"{VIEW_NAMES[name]}: segmentation is off (turn it on in Parameters)"
        if name == "backprojection":
            return "Back-projection: no target yet (drag a box on the tracking view)"
        return f"{VIEW_NAMES[name]}: preparing…"

    def _on_speed(self, text: str):
        # "every frame": no pacing and no skipping, for analysing a recording.
        self.request_speed.emit(0.0 if text == "every frame" else float(text[:-1]))

    # ------------------------------------------------------------------ closing
    def closeEvent(self, event):
        """Finalise recordings and stop the worker before the window goes."""
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("view/speed", self.speed.currentText())
        self.settings.setValue("view/name", self.view)
        self.settings.setValue("view/side", "true" if self.act_side.isChecked() else "false")
        self.settings.setValue("view/arrangement", self.views.choice())
        self.params.save(self.settings)
        if self.thread.isRunning():
            self.request_shutdown.emit()     # the worker quits its thread when done
            if not self.thread.wait(10000):
                self.thread.quit()
                self.thread.wait(2000)
        super().closeEvent(event)
