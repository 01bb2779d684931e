"""What the app reads: opening a file, folder, camera or stream (also from the recent list
or a drop on the window), and the source that is open. Dialogs start in the open video's
folder."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import QFileDialog, QInputDialog

from tracker.app.output_places import source_name
from tracker.io import is_stream_url

from ..cameras import available_cameras

VIDEO_FILTER = "Videos and images (*.mp4 *.avi *.mkv *.mov *.webm *.m4v *.png *.jpg *.jpeg *.bmp *.tif *.tiff);;All files (*)"
MAX_RECENT = 8


class SourcesController(QObject):
    """Opens sources in the worker (``request_open``) and keeps ``info``, the `SourceInfo`
    of the source open (None before the first); remembers recent sources in ``settings``.

    ``window`` is the dialogs' parent and takes the source's name as its title.
    """

    opened = pyqtSignal(object)               # SourceInfo, once it is ``info``
    probing_cameras = pyqtSignal(bool)        # looking for cameras (Open Camera waits)
    recent_changed = pyqtSignal(object)       # the recent sources, newest first
    cameras_found = pyqtSignal(object)        # camera indices, from the probe thread

    def __init__(self, window, settings, status, request_open, request_pause, resize=None):
        super().__init__(window)
        self._window = window
        self._settings = settings
        self._status = status
        self._request_open = request_open
        self._request_pause = request_pause
        self._resize = resize                  # every source's frames resized to (w, h)
        self.info = None
        self.cameras_found.connect(self._choose_among_cameras)

    # ------------------------------------------------------------------ opening
    def open_source(self, spec: str):
        """Open a file, folder, printf pattern, camera:N or stream URL, in the worker
        thread (errors come back as a message)."""
        self._request_pause.emit()
        if "://" in spec:
            self._status.say(f"opening {spec}…", 0)
        self._request_open.emit(str(spec), self._resize)

    def source_opened(self, info):
        """The worker opened ``info``: it is the source now."""
        self.info = info
        self._status.forget_error()
        self._remember(info.name)
        w, h = info.size
        kind = "live" if info.is_live else f"{info.frame_count or '?'} frames"
        field = self._status.source
        name = info.name if "://" in info.name else source_name(info.name)
        field.setText(f"{name}: {w}x{h}, {info.fps:.0f} fps, {kind}")
        field.setToolTip(info.name)
        if self._status.message.full_text().startswith("opening"):
            self._status.say("")
        self._window.setWindowTitle(f"meanshift-tracker - {name}")
        self.opened.emit(info)

    def dialog_folder(self) -> str:
        """Where file dialogs start: the open video's folder, else the last one used."""
        if self.info is not None and "://" not in self.info.name and not self.info.is_live:
            path = Path(self.info.name)
            folder = path if path.is_dir() else path.parent
            if folder.is_dir():
                return str(folder.resolve())
        return self._settings.folder("dialog/folder") or os.getcwd()

    def choose_file(self):
        path, _ = QFileDialog.getOpenFileName(self._window, "Open video or image", self.dialog_folder(),
                                              VIDEO_FILTER)
        if path:
            self._settings.write("dialog/folder", str(Path(path).parent))
            self.open_source(path)

    def choose_folder(self):
        path = QFileDialog.getExistingDirectory(self._window, "Open image sequence folder",
                                                self.dialog_folder())
        if path:
            self._settings.write("dialog/folder", path)
            self.open_source(path)

    def choose_stream(self):
        last = self._settings.text("dialog/stream", "rtsp://", is_stream_url)
        url, ok = QInputDialog.getText(self._window, "Open stream",
                                       "Network camera or stream URL (rtsp://, http(s)://, udp://):",
                                       text=last)
        url = url.strip()
        if not ok or not url:
            return
        if not is_stream_url(url):
            self._status.show_error(f"{url!r} is not a stream URL: it should start with rtsp://, "
                                    "http://, https:// or udp://")
            return
        self._settings.write("dialog/stream", url)
        self.open_source(url)

    def choose_camera(self):
        """Probe the cameras off the GUI thread (opening one can take a second), then ask."""
        self.probing_cameras.emit(True)
        self._status.say("looking for cameras…", 0)
        threading.Thread(target=lambda: self.cameras_found.emit(available_cameras()),
                         daemon=True).start()

    def _choose_among_cameras(self, cameras):
        self.probing_cameras.emit(False)
        self._status.say("")
        if self.info is not None and self.info.name.startswith("camera:") and \
                self.info.name not in [f"camera:{i}" for i in cameras]:
            cameras = sorted(set(cameras) | {int(self.info.name.split(":")[1])})  # busy: it is ours
        if not cameras:
            self._status.show_error("No camera found: none of camera:0 to camera:9 opens")
            return
        name, ok = QInputDialog.getItem(self._window, "Open camera", "Camera",
                                        [f"camera:{i}" for i in cameras], 0, False)
        if ok:
            self.open_source(name)

    # ------------------------------------------------------------------ drops
    def accept_drag(self, event):
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def drop(self, event):
        urls = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.open_source(urls[0])

    # ------------------------------------------------------------------ recent sources
    def recent(self) -> list:
        """The sources opened last, newest first: absolute paths (files, folders, patterns)
        and stream URLs, which is all `_remember` keeps."""
        return self._settings.texts("recent", MAX_RECENT,
                                    lambda name: "://" in name or os.path.isabs(name))

    def _remember(self, name: str):
        if name.startswith("camera:"):
            return
        if "://" not in name:
            path = Path(name)     # a pattern's folder only: its name is not a file's
            name = str(path.resolve() if "%" not in name else path.parent.resolve() / path.name)
        recent = [r for r in self.recent() if r != name]
        self._settings.write("recent", ([name] + recent)[:MAX_RECENT])
        self.recent_changed.emit(self.recent())
