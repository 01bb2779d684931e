"""The main window: turns gestures into worker calls and DisplayFrames into pixels."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import cv2
from PyQt6.QtCore import QSettings, Qt, QThread, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QActionGroup, QKeySequence
from PyQt6.QtWidgets import (QComboBox, QDockWidget, QFileDialog, QInputDialog, QLabel,
                             QMainWindow, QMessageBox, QToolBar, QVBoxLayout, QWidget)

from .cameras import available_cameras
from .layout import fit_docks
from .panels import HistogramView, ParametersPanel, TargetPanel
from .playback_bar import PlaybackBar
from .record_dialog import RecordDialog
from .recorder import DEFAULT_SUFFIX, RecordPlan
from .shortcuts import ShortcutsDialog
from .status import ElidedLabel, RecordingIndicator
from .view_area import ARRANGEMENT_CHOICES, ViewArea
from .views import annotated_views
from .worker import PipelineWorker

VIEW_NAMES = {"track": "Tracking", "backprojection": "Back-projection",
              "segment": "Segmentation", "boundaries": "Boundaries"}
VIEW_KEYS = {"track": "T", "backprojection": "B", "segment": "S", "boundaries": "E"}
SPEEDS = ("0.25x", "0.5x", "1x", "2x", "4x", "every frame")
VIDEO_FILTER = "Videos and images (*.mp4 *.avi *.mkv *.mov *.webm *.m4v *.png *.jpg *.jpeg *.bmp *.tif *.tiff);;All files (*)"
STREAM_SCHEMES = ("rtsp://", "rtsps://", "http://", "https://", "udp://", "rtp://", "rtmp://", "tcp://")
MAX_RECENT = 8
HINT = "Drag a box around the target (or type it in the Target panel)"


class MainWindow(QMainWindow):
    """Open a source, drag a box around the target, watch it tracked and segmented."""

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
        self._message_timer.timeout.connect(lambda: self.status_message.set_full_text(""))

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
    def _action(self, text, slot, shortcut=None, checkable=False, tip=None):
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        if tip:
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self):
        a = self._action
        self.act_open = a("&Open File…", self.choose_file, "O")
        self.act_folder = a("Open &Folder…", self.choose_folder, "Ctrl+Shift+O")
        self.act_camera = a("Open &Camera…", self.choose_camera)
        self.act_stream = a("Open &Stream…", self.choose_stream, "Ctrl+N",
                            tip="A network camera or stream: rtsp://, http(s)://, udp://")
        self.act_record = a("Record…", self.toggle_recording, "Ctrl+R",
                            tip="Record the views and the track (.mkv by default: an .mp4 is "
                                "finalised only on a clean stop)")
        self.act_save_frame = a("Save Frame As…", self.choose_frame_file, "Ctrl+S",
                                tip="Save the views on screen, annotated, at the frame's resolution")
        self.act_quit = a("Quit", self.close, "Ctrl+Q")
        self.act_play = a("Play", self.toggle_play, "Space")
        self.act_step = a("Step", self.step, "Right", tip="One frame forward (Right)")
        self.act_step_back = a("Step Back", self.step_back, "Left", tip="One frame back (Left)")
        self.act_home = a("First Frame", lambda: self.request_seek.emit(0), "Home")
        self.act_end = a("Last Frame", self.request_seek_end.emit, "End")
        self.act_goto = a("Go to Frame…", self.bar.focus_frame_field, "Ctrl+G")
        self.act_reset = a("Reset Target", self.reset_target, "R")
        self.view_group = QActionGroup(self)
        self.act_views = {}
        for key, name in VIEW_NAMES.items():
            action = a(f"{name} View", lambda _=False, k=key: self.toggle_view(k), VIEW_KEYS[key],
                       checkable=True)
            self.view_group.addAction(action)
            self.act_views[key] = action
        self.act_side = a("Side by Side", self.set_side_by_side, "V", checkable=True,
                          tip="The tracking view beside the chosen view (segmentation by default)")
        self.arrangement_group = QActionGroup(self)
        self.act_arrangements = {}
        for choice in ARRANGEMENT_CHOICES:
            action = a({"auto": "Whichever Shows Them Larger", "row": "In a Row",
                        "column": "In a Column"}[choice],
                       lambda _=False, c=choice: self.set_arrangement(c), checkable=True)
            self.arrangement_group.addAction(action)
            self.act_arrangements[choice] = action
        self.act_zoom_fit = a("Zoom to Fit", self.zoom_to_fit, "Ctrl+0",
                              tip="Ctrl+wheel zooms in and out around the cursor")
        self.act_shortcuts = a("Keyboard Shortcuts…", self.show_shortcuts, "F1")

        menu = self.menuBar().addMenu("&File")
        for action in (self.act_open, self.act_folder, self.act_camera, self.act_stream):
            menu.addAction(action)
        self.recent_menu = menu.addMenu("Open &Recent")
        menu.addSeparator()
        menu.addAction(self.act_record)
        menu.addSeparator()
        menu.addAction(self.act_quit)
        menu = self.menuBar().addMenu("&Playback")
        for action in (self.act_play, self.act_step, self.act_step_back, self.act_home,
                       self.act_end, self.act_goto, None, self.act_reset):
            menu.addAction(action) if action else menu.addSeparator()
        menu = self.menuBar().addMenu("&View")
        for action in self.act_views.values():
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.act_side)
        arrange = menu.addMenu("Side by Side &Arrangement")
        for action in self.act_arrangements.values():
            arrange.addAction(action)
        menu.addAction(self.act_zoom_fit)
        menu.addSeparator()
        menu.addAction(self.act_save_frame)
        menu.addSeparator()
        for dock in self.docks:
            menu.addAction(dock.toggleViewAction())     # closed panels can come back
        menu = self.menuBar().addMenu("&Help")
        menu.addAction(self.act_shortcuts)

        bar = QToolBar("Controls")
        bar.setObjectName("Controls")
        self.addToolBar(bar)
        for action in (self.act_open, self.act_camera, self.act_play, self.act_step_back,
                       self.act_step, self.act_reset):
            bar.addAction(action)
        self.speed = QComboBox()
        self.speed.addItems(SPEEDS)
        self.speed.setCurrentText("1x")
        self.speed.setToolTip("Playback speed")
        bar.addWidget(self.speed)
        self.view_box = QComboBox()
        for key, name in VIEW_NAMES.items():
            self.view_box.addItem(name, key)
        self.view_box.setToolTip("View (T tracking, B back-projection, S segmentation, E boundaries)")
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
        for signal, slot in ((self.request_open, self.worker.open), (self.request_play, self.worker.play),
                             (self.request_pause, self.worker.pause), (self.request_step, self.worker.step),
                             (self.request_step_back, self.worker.step_back),
                             (self.request_seek, self.worker.seek),
                             (self.request_seek_end, self.worker.seek_end),
                             (self.request_speed, self.worker.set_speed),
                             (self.request_stop_at, self.worker.set_stop_at),
                             (self.request_target, self.worker.set_target),
                             (self.request_clear_target, self.worker.clear_target),
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
        self.main_view.selection_made.connect(self._on_selection)
        self.side_view.selection_made.connect(self._on_selection)
        self.target_panel.box_entered.connect(self.set_target)
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
    def open_source(self, spec: str):
        """Open a file, folder, printf pattern, camera:N or stream URL, in the worker
        thread (errors come back as a message)."""
        self.request_pause.emit()
        if "://" in spec:
            self.say(f"opening {spec}…", 0)
        self.request_open.emit(str(spec), self.resize_to)

    def dialog_folder(self) -> str:
        """Where file dialogs start: the open video's folder, else the last one used."""
        if self.info is not None and "://" not in self.info.name and not self.info.is_live:
            path = Path(self.info.name)
            folder = path if path.is_dir() else path.parent
            if folder.is_dir():
                return str(folder.resolve())
        last = str(self.settings.value("dialog/folder", ""))
        return last if last and Path(last).is_dir() else os.getcwd()

    def choose_file(self):
        path, _ = QFileDialog.getOpenFileName(self, "Open video or image", self.dialog_folder(),
                                              VIDEO_FILTER)
        if path:
            self.settings.setValue("dialog/folder", str(Path(path).parent))
            self.open_source(path)

    def choose_folder(self):
        path = QFileDialog.getExistingDirectory(self, "Open image sequence folder", self.dialog_folder())
        if path:
            self.settings.setValue("dialog/folder", path)
            self.open_source(path)

    def choose_stream(self):
        last = str(self.settings.value("dialog/stream", "rtsp://"))
        url, ok = QInputDialog.getText(self, "Open stream",
                                       "Network camera or stream URL (rtsp://, http(s)://, udp://):",
                                       text=last)
        url = url.strip()
        if not ok or not url:
            return
        if not url.lower().startswith(STREAM_SCHEMES):
            self.show_error(f"{url!r} is not a stream URL: it should start with rtsp://, "
                            "http://, https:// or udp://")
            return
        self.settings.setValue("dialog/stream", url)
        self.open_source(url)

    def choose_camera(self):
        """Probe the cameras off the GUI thread (opening one can take a second), then ask."""
        self.act_camera.setEnabled(False)
        self.say("looking for cameras…", 0)
        threading.Thread(target=lambda: self.cameras_found.emit(available_cameras()),
                         daemon=True).start()

    def _on_cameras_found(self, cameras):
        self.act_camera.setEnabled(True)
        self.say("")
        if self.info is not None and self.info.name.startswith("camera:") and \
                self.info.name not in [f"camera:{i}" for i in cameras]:
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
        if "%" not in name and "://" not in name:
            name = str(Path(name).resolve())
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

    def step_back(self):
        self.request_step_back.emit()

    def reset_target(self):
        self.request_clear_target.emit()
        self.histogram.set_histogram(None, None)
        self.main_view.set_overlay_text(HINT if self.info is not None else "")

    def set_target(self, box):
        self.request_target.emit(tuple(float(v) for v in box))

    def zoom_to_fit(self):
        for view in (self.main_view, self.side_view):
            view.set_zoom(1.0)

    def toggle_view(self, view: str):
        self.set_view("track" if self.view == view and view != "track" else view)

    def set_view(self, view: str):
        self.view = view if view in VIEW_NAMES else "track"
        self.act_views[self.view].setChecked(True)
        index = self.view_box.findData(self.view)
        if index != self.view_box.currentIndex():
            self.view_box.setCurrentIndex(index)
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

    # ------------------------------------------------------------------ recording, saving
    def toggle_recording(self):
        if self.recording:
            self.request_stop_record.emit()
            return
        if self.info is None:
            self.show_error("open a video or camera before recording")
            return
        dialog = RecordDialog(self, str(Path(self._output_folder()) / f"{self._stem()}-track{DEFAULT_SUFFIX}"),
                              self.shown_views(), VIEW_NAMES, self.views.arrangement())
        self._record_dialog = dialog
        if dialog.exec() == dialog.DialogCode.Accepted:
            plan = dialog.plan()
            for path in plan.files()[:1]:
                self.settings.setValue("dialog/record_folder", str(Path(path).parent))
            self.record(plan)

    def start_recording(self, video_path: str = "", csv_path: str = "", each: bool = False):
        """Record the views on screen (composed as shown, or ``each`` in its own file)."""
        self.record(RecordPlan(video_path or "", csv_path or "", tuple(self.shown_views()), each,
                               self.views.arrangement()))

    def record(self, plan: RecordPlan):
        self.request_record.emit(plan)

    def _output_folder(self) -> str:
        """Where new files go: beside the video if that folder is writable, else the last
        folder recorded to, else the working folder."""
        folder = self.dialog_folder()
        if os.access(folder, os.W_OK) and (self.info is None or not self.info.is_live):
            return folder
        last = str(self.settings.value("dialog/record_folder", ""))
        return last if last and os.access(last, os.W_OK) else os.getcwd()

    def _stem(self) -> str:
        if self.info is None:
            return "track"
        name = self.info.name
        if "://" in name or name.startswith("camera:"):
            return "".join(c if c.isalnum() else "-" for c in name.split("://")[-1]).strip("-")[:40] or "stream"
        return Path(name.replace("%", "")).stem or "track"

    def choose_frame_file(self):
        if self.last_frame is None:
            self.show_error("nothing to save: open a video first")
            return
        start = Path(self._output_folder()) / f"{self._stem()}-frame{self.last_frame.position:06d}.png"
        path, _ = QFileDialog.getSaveFileName(self, "Save frame as", str(start),
                                              "PNG image (*.png);;JPEG image (*.jpg)")
        if path:
            self.save_frame(path)

    def save_frame(self, path: str) -> bool:
        """Write the views on screen, annotated and arranged as shown, at full resolution."""
        display = self.last_frame
        if display is None:
            return False
        track = display.views["track"]
        images = [display.views.get(name) for name in self.shown_views()]
        image = annotated_views(images, track, display.state, display.trail, self.views.arrangement())
        suffix = Path(path).suffix.lower() or ".png"
        ok, data = cv2.imencode(suffix if suffix in (".png", ".jpg", ".jpeg", ".bmp") else ".png", image)
        try:
            if not ok:
                raise OSError("the image could not be encoded")
            Path(path).write_bytes(data.tobytes())
        except OSError as e:
            self.show_error(f"cannot save frame to {path!r}: {e.strerror or e}")
            return False
        self.say(f"saved frame {display.position} to {path}")
        return True

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
        if self.last_frame is not None:
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
        if display.capture_time is not None and self.info is not None and self.info.is_live:
            latency = (time.monotonic() - display.capture_time) * 1e3
            self.latency_ms = latency if self.latency_ms is None else 0.8 * self.latency_ms + 0.2 * latency
        if display.state is None:
            self.main_view.set_overlay_text(HINT)
        else:
            self.main_view.set_overlay_text("LOST: drag a new box" if display.state.lost else "")
        self.target_panel.show_state(display.state)
        self.bar.show_position(display.position)
        if display.playing:
            now = time.perf_counter()
            self._fps_times = [t for t in self._fps_times if now - t < 1.0] + [now]
        self._update_status(display)
        self.worker.frame_shown()
        self.frame_displayed.emit(display)

    def _update_status(self, display):
        parts = [f"track {display.track_ms:.1f} ms"] if display.state is not None else []
        if display.segment_ms > 0:
            parts.append(f"segment {display.segment_ms:.1f} ms")
        if self.playing:
            parts.append(f"shown {len(self._fps_times)} fps of {display.source_fps:.0f}")
            if self.latency_ms is not None:
                parts.append(f"latency {self.latency_ms:.0f} ms")
        else:
            parts.insert(0, "paused")
        self.status_timing.setText(", ".join(parts))
        self.status_dropped.setText(f"dropped {display.dropped}" if self.playing else "")

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
        view.set_track(display.state, display.trail)

    def _why_empty(self, name: str) -> str:
        if name in ("segment", "boundaries") and not self.params.segment.isChecked():
            return f"{VIEW_NAMES[name]}: segmentation is off (turn it on in Parameters)"
        if name == "backprojection":
            return "Back-projection: no target yet (drag a box on the tracking view)"
        return f"{VIEW_NAMES[name]}: preparing…"

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
        self.settings.setValue("view/arrangement", self.views.choice())
        self.params.save(self.settings)
        if self.thread.isRunning():
            self.request_shutdown.emit()     # the worker quits its thread when done
            if not self.thread.wait(10000):
                self.thread.quit()
                self.thread.wait(2000)
        super().closeEvent(event)
