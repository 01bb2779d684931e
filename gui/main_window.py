"""The main window: turns gestures into worker calls and DisplayFrames into pixels."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PyQt6.QtCore import QSettings, Qt, QThread, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import (QComboBox, QDockWidget, QFileDialog, QHBoxLayout, QInputDialog,
                             QLabel, QMainWindow, QMessageBox, QSlider, QToolBar, QVBoxLayout,
                             QWidget)

from .cameras import available_cameras
from .panels import HistogramView, ParametersPanel
from .video_view import VideoView
from .worker import PipelineWorker

VIEW_NAMES = {"track": "Tracking", "backprojection": "Back-projection",
              "segment": "Segmentation", "boundaries": "Boundaries"}
SPEEDS = ("0.25x", "0.5x", "1x", "2x", "4x", "every frame")
VIDEO_FILTER = "Videos and images (*.mp4 *.avi *.mkv *.mov *.webm *.m4v *.png *.jpg *.jpeg *.bmp *.tif *.tiff);;All files (*)"
MAX_RECENT = 8


class MainWindow(QMainWindow):
    """Open a source, drag a box around the target, watch it tracked and segmented."""

    # Requests to the worker (queued across threads).
    request_open = pyqtSignal(str, object)
    request_play = pyqtSignal()
    request_pause = pyqtSignal()
    request_step = pyqtSignal()
    request_seek = pyqtSignal(int)
    request_speed = pyqtSignal(float)
    request_stop_at = pyqtSignal(object)
    request_target = pyqtSignal(object)
    request_clear_target = pyqtSignal()
    request_tracker_options = pyqtSignal(object)
    request_segmentation = pyqtSignal(bool, object)
    request_views = pyqtSignal(object)
    request_record = pyqtSignal(str, str)
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
        self.last_error = None
        self.last_frame = None
        self.view = "track"
        self._seeking = False
        self._fps_times = []

        self.main_view = VideoView()
        self.main_view.set_placeholder("Open a video (O) or a camera, then drag a box around the target")
        self.side_view = VideoView()
        self.side_view.set_placeholder("Nothing to show here: segmentation is off, or no target")
        self.side_view.setVisible(False)
        central = QWidget()
        layout = QVBoxLayout(central)
        views = QHBoxLayout()
        views.addWidget(self.main_view, 1)
        views.addWidget(self.side_view, 1)
        layout.addLayout(views, 1)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setEnabled(False)
        layout.addWidget(self.slider)
        self.setCentralWidget(central)

        self.histogram = HistogramView()
        self.params = ParametersPanel()
        self.params.restore(self.settings)
        self.docks = []
        for title, widget in (("Target colours", self.histogram), ("Parameters", self.params)):
            dock = QDockWidget(title, self)
            dock.setObjectName(title)
            dock.setWidget(widget)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            self.docks.append(dock)

        self.status_source = QLabel("no source")
        self.status_timing = QLabel("")
        self.status_dropped = QLabel("")
        for label in (self.status_source, self.status_timing, self.status_dropped):
            self.statusBar().addPermanentWidget(label)

        self._build_actions()
        self._start_worker()
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 700)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        self.speed.setCurrentText(str(self.settings.value("view/speed", "1x")))
        self.set_view(str(self.settings.value("view/name", "track")))
        self.set_side_by_side(str(self.settings.value("view/side", "false")) == "true")

    # ------------------------------------------------------------------ construction
    def _action(self, text, slot, shortcut=None, checkable=False):
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self):
        self.act_open = self._action("&Open File…", self.choose_file, "O")
        self.act_folder = self._action("Open &Folder…", self.choose_folder)
        self.act_camera = self._action("Open &Camera…", self.choose_camera)
        self.act_play = self._action("Play", self.toggle_play, "Space")
        self.act_step = self._action("Step", self.step, "Right")
        self.act_reset = self._action("Reset target", self.reset_target, "R")
        self.act_back = self._action("Back-projection view", lambda: self.toggle_view("backprojection"), "B")
        self.act_seg = self._action("Segmentation view", lambda: self.toggle_view("segment"), "S")
        self.act_side = self._action("Side by side", self.set_side_by_side, checkable=True)
        self.act_record = self._action("Record…", self.toggle_recording)
        self.act_quit = self._action("Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_quit.setShortcuts([QKeySequence("Ctrl+Q")])

        menu = self.menuBar().addMenu("&File")
        for a in (self.act_open, self.act_folder, self.act_camera):
            menu.addAction(a)
        self.recent_menu = menu.addMenu("Open &Recent")
        menu.addSeparator()
        menu.addAction(self.act_record)
        menu.addSeparator()
        menu.addAction(self.act_quit)
        menu = self.menuBar().addMenu("&Playback")
        for a in (self.act_play, self.act_step, self.act_reset):
            menu.addAction(a)
        menu = self.menuBar().addMenu("&View")
        for a in (self.act_back, self.act_seg, self.act_side):
            menu.addAction(a)
        menu.addSeparator()
        for dock in self.docks:
            menu.addAction(dock.toggleViewAction())     # closed panels can come back

        bar = QToolBar("Controls")
        bar.setObjectName("Controls")
        self.addToolBar(bar)
        for a in (self.act_open, self.act_camera, self.act_play, self.act_step, self.act_reset):
            bar.addAction(a)
        self.speed = QComboBox()
        self.speed.addItems(SPEEDS)
        self.speed.setCurrentText("1x")
        self.speed.setToolTip("Playback speed")
        bar.addWidget(self.speed)
        self.view_box = QComboBox()
        for key, name in VIEW_NAMES.items():
            self.view_box.addItem(name, key)
        self.view_box.setToolTip("View (B: back-projection, S: segmentation)")
        bar.addWidget(self.view_box)
        bar.addAction(self.act_side)
        bar.addAction(self.act_record)
        self._update_recent_menu()

    def _start_worker(self):
        self.thread = QThread(self)
        self.worker = PipelineWorker(self.params.tracker_options(), self.params.segment.isChecked(),
                                     self.params.segmentation_options())
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.start)
        self.request_open.connect(self.worker.open)
        self.request_play.connect(self.worker.play)
        self.request_pause.connect(self.worker.pause)
        self.request_step.connect(self.worker.step)
        self.request_seek.connect(self.worker.seek)
        self.request_speed.connect(self.worker.set_speed)
        self.request_stop_at.connect(self.worker.set_stop_at)
        self.request_target.connect(self.worker.set_target)
        self.request_clear_target.connect(self.worker.clear_target)
        self.request_tracker_options.connect(self.worker.set_tracker_options)
        self.request_segmentation.connect(self.worker.set_segmentation)
        self.request_views.connect(self.worker.set_views)
        self.request_record.connect(self.worker.start_recording)
        self.request_stop_record.connect(self.worker.stop_recording)
        self.request_shutdown.connect(self.worker.shutdown)
        # Direct: quit() is thread-safe, and the GUI thread is waiting in closeEvent, so a
        # queued call would only run after the wait had timed out.
        self.worker.finished.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.cameras_found.connect(self._on_cameras_found)
        self.worker.opened.connect(self._on_opened)
        self.worker.failed.connect(self.show_error)
        self.worker.ended.connect(self._on_ended)
        self.worker.frame_ready.connect(self._on_frame)
        self.worker.playing_changed.connect(self._on_playing)
        self.worker.recording_changed.connect(self._on_recording)
        self.main_view.selection_made.connect(self._on_selection)
        self.side_view.selection_made.connect(self._on_selection)
        # Drags seek on release; clicks on the groove and keys seek at once.
        self.slider.sliderReleased.connect(lambda: self.request_seek.emit(self.slider.value()))
        self.slider.actionTriggered.connect(self._on_slider_action)
        self.speed.currentTextChanged.connect(self._on_speed)
        self.view_box.currentIndexChanged.connect(lambda i: self.set_view(self.view_box.itemData(i)))
        self.params.tracker_changed.connect(self.request_tracker_options.emit)
        # After editing a parameter, keys go back to the video (Space, Right, B, S...).
        self.params.edited.connect(lambda: self.main_view.setFocus())
        self.params.segmentation_changed.connect(self.request_segmentation.emit)
        self.thread.start()

    # ------------------------------------------------------------------ sources
    def open_source(self, spec: str):
        """Open a file, folder, printf pattern or camera:N (errors come back as a message)."""
        self.request_pause.emit()
        self.request_open.emit(str(spec), self.resize_to)

    def choose_file(self):
        start = str(self.settings.value("dialog/folder", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self, "Open video or image", start, VIDEO_FILTER)
        if path:
            self.settings.setValue("dialog/folder", str(Path(path).parent))
            self.open_source(path)

    def choose_folder(self):
        start = str(self.settings.value("dialog/folder", str(Path.home())))
        path = QFileDialog.getExistingDirectory(self, "Open image sequence folder", start)
        if path:
            self.settings.setValue("dialog/folder", path)
            self.open_source(path)

    def choose_camera(self):
        """Probe the cameras off the GUI thread (opening one can take a second), then ask."""
        self.act_camera.setEnabled(False)
        self.statusBar().showMessage("looking for cameras…")
        threading.Thread(target=lambda: self.cameras_found.emit(available_cameras()),
                         daemon=True).start()

    def _on_cameras_found(self, cameras):
        self.act_camera.setEnabled(True)
        self.statusBar().clearMessage()
        if (self.info is not None and self.info.name.startswith("camera:")
                and self.info.name not in [f"camera:{i}" for i in cameras]):
            cameras = sorted(set(cameras) | {int(self.info.name.split(":")[1])})  # busy: it is ours
        if not cameras:
            self.show_error("No camera found: none of camera:0 to camera:9 opens")
            return
        name, ok = QInputDialog.getItem(self, "Open camera", "Camera", [f"camera:{i}" for i in cameras],
                                        0, False)
        if ok:
            self.open_source(name)

    def dragEnterEvent(self, event):
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event):
        urls = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.open_source(urls[0])

    def _remember(self, name: str):
        if name.startswith("camera:"):
            return
        name = str(Path(name).resolve()) if "%" not in name else name
        recent = [r for r in self._recent() if r != name]
        self.settings.setValue("recent", ([name] + recent)[:MAX_RECENT])
        self._update_recent_menu()

    def _recent(self) -> list:
        value = self.settings.value("recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _update_recent_menu(self):
        self.recent_menu.clear()
        for name in self._recent():
            self.recent_menu.addAction(name, lambda n=name: self.open_source(n))
        self.recent_menu.setEnabled(bool(self._recent()))

    # ------------------------------------------------------------------ controls
    def toggle_play(self):
        (self.request_pause if self.playing else self.request_play).emit()

    def play(self):
        self.request_play.emit()

    def step(self):
        self.request_step.emit()

    def reset_target(self):
        self.request_clear_target.emit()
        self.histogram.set_histogram(None, None)

    def set_target(self, box):
        self.request_target.emit(tuple(float(v) for v in box))

    def toggle_view(self, view: str):
        self.set_view("track" if self.view == view else view)

    def set_view(self, view: str):
        self.view = view if view in VIEW_NAMES else "track"
        index = self.view_box.findData(self.view)
        if index != self.view_box.currentIndex():
            self.view_box.setCurrentIndex(index)
        self._send_views()

    def set_side_by_side(self, on: bool):
        self.act_side.setChecked(bool(on))
        self.side_view.setVisible(bool(on))
        self._send_views()

    def _side_view_name(self) -> str:
        return self.view if self.view != "track" else "segment"

    def _send_views(self):
        wanted = {self.view}
        if self.act_side.isChecked():
            wanted.add(self._side_view_name())
        self.request_views.emit(wanted)
        if self.last_frame is not None:
            self._paint(self.last_frame)

    def toggle_recording(self):
        if self.recording:
            self.request_stop_record.emit()
            return
        start = str(self.settings.value("dialog/record", str(Path.home() / "track.mp4")))
        path, _ = QFileDialog.getSaveFileName(self, "Record annotated video", start,
                                              "Video (*.mp4 *.avi)")
        if path:
            self.settings.setValue("dialog/record", path)
            self.start_recording(path, str(Path(path).with_suffix(".csv")))

    def start_recording(self, video_path: str, csv_path: str):
        self.request_record.emit(video_path or "", csv_path or "")

    # ------------------------------------------------------------------ worker events
    def show_error(self, message: str):
        """A one-line message in a non-blocking box; the app stays usable."""
        self.last_error = message
        self.statusBar().showMessage(message, 10000)
        if self.property("quiet_errors"):
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "meanshift-tracker", message,
                          QMessageBox.StandardButton.Ok, self)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self._error_box = box

    def _on_opened(self, info):
        self.info = info
        self.last_error = None
        self._remember(info.name)
        w, h = info.size
        kind = "live" if info.is_live else f"{info.frame_count or '?'} frames"
        self.status_source.setText(f"{info.name}: {w}x{h}, {info.fps:.0f} fps, {kind}")
        self.slider.setEnabled(not info.is_live and bool(info.frame_count))
        self.slider.setRange(0, max((info.frame_count or 1) - 1, 0))
        self.act_step.setEnabled(not info.is_live)
        self.main_view.set_overlay_text("Drag a box around the target")
        self.setWindowTitle(f"meanshift-tracker - {Path(info.name).name}")
        self.histogram.set_histogram(None, None)

    def _on_ended(self):
        self.statusBar().showMessage("end of source", 5000)

    def _on_playing(self, playing: bool):
        self.playing = playing
        self.act_play.setText("Pause" if playing else "Play")

    def _on_recording(self, recording: bool, path: str):
        self.recording = recording
        self.act_record.setText("Stop recording" if recording else "Record…")
        self.statusBar().showMessage(f"recording to {path}" if recording else "recording saved", 5000)

    def _on_frame(self, display):
        if display.histogram is not None:
            self.histogram.set_histogram(*display.histogram)
        if not display.views:
            return
        self.last_frame = display
        self._paint(display)
        if display.state is not None:
            self.main_view.set_overlay_text("LOST: drag a new box" if display.state.lost else "")
        if not self.slider.isSliderDown():
            self.slider.setValue(display.position)
        now = time.perf_counter()
        self._fps_times = [t for t in self._fps_times if now - t < 1.0] + [now]
        self.status_timing.setText(f"track {display.track_ms:.1f} ms, segment {display.segment_ms:.1f} ms, "
                                   f"shown {len(self._fps_times)} fps of {display.source_fps:.0f}")
        self.status_dropped.setText(f"dropped {display.dropped}")
        self.worker.frame_shown()
        self.frame_displayed.emit(display)

    def _paint(self, display):
        views = display.views
        if self.act_side.isChecked():
            self.main_view.set_frame(views["track"])
            other = views.get(self._side_view_name())
            self.side_view.set_frame(other)      # None: shows why there is nothing
        else:
            self.main_view.set_frame(views.get(self.view, views["track"]))

    def _on_slider_action(self, action):
        if action != self.slider.SliderAction.SliderMove:
            self.request_seek.emit(self.slider.sliderPosition())

    def _on_speed(self, text: str):
        # "every frame": no pacing and no skipping, for analysing a recording.
        self.request_speed.emit(0.0 if text == "every frame" else float(text[:-1]))

    def _on_selection(self, x, y, w, h):
        self.set_target((x, y, w, h))

    # ------------------------------------------------------------------ closing
    def closeEvent(self, event):
        """Finalise recordings and stop the worker before the window goes."""
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("view/speed", self.speed.currentText())
        self.settings.setValue("view/name", self.view)
        self.settings.setValue("view/side", "true" if self.act_side.isChecked() else "false")
        self.params.save(self.settings)
        if self.thread.isRunning():
            self.request_shutdown.emit()     # the worker quits its thread when done
            if not self.thread.wait(10000):
                self.thread.quit()
                self.thread.wait(2000)
        super().closeEvent(event)
