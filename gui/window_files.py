"""The main window's files: opening sources (file, folder, camera, stream, recent, drop),
recording and saving frames. Dialogs start in the open video's folder."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import cv2
from PyQt6.QtWidgets import QFileDialog, QInputDialog

from tracker.app import DEFAULT_SUFFIX, RecordPlan, annotated_views
from tracker.io import is_stream_url

from .cameras import available_cameras
from .menus import VIEW_NAMES
from .record_dialog import RecordDialog

VIDEO_FILTER = "Videos and images (*.mp4 *.avi *.mkv *.mov *.webm *.m4v *.png *.jpg *.jpeg *.bmp *.tif *.tiff);;All files (*)"
MAX_RECENT = 8


class WindowFiles:
    """Mixin of `MainWindow`: everything that opens or writes a file."""

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
        if not is_stream_url(url):
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
        image = annotated_views(images, track, display.states, display.trails, self.views.arrangement())
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

