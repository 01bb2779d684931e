"""What the app writes: recordings (the Record dialog, or a plan given in code) and saved
frames. New files go beside the video when that folder is writable."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
from PyQt6.QtCore import QObject
from PyQt6.QtWidgets import QFileDialog

from ..record_dialog import RecordDialog
from tracker.app import DEFAULT_SUFFIX, RecordPlan, annotated_views
from .views import VIEW_NAMES


class OutputsController(QObject):
    """Asks the worker to record (``request_record``, ``request_stop_record``) and keeps
    whether it does: ``recording`` and the ``files`` being written. Saves the frame on
    screen (``playback.last_frame``) as the ``views`` show it.

    ``window`` is the dialogs' parent; ``settings`` keep the last folder recorded to.
    """

    def __init__(self, window, settings, status, sources, views, playback, *, request_record,
                 request_stop_record):
        super().__init__(window)
        self._window = window
        self._settings = settings
        self._status = status
        self._sources = sources
        self._views = views
        self._playback = playback
        self._request_record, self._request_stop_record = request_record, request_stop_record
        self.recording = False
        self.files = []
        self._dialog = None

    # ------------------------------------------------------------------ recording
    def toggle_recording(self):
        if self.recording:
            self._request_stop_record.emit()
            return
        if self._sources.info is None:
            self._status.show_error("open a video or camera before recording")
            return
        video = str(Path(self.output_folder()) / f"{self._stem()}-track{DEFAULT_SUFFIX}")
        dialog = RecordDialog(self._window, video, self._views.shown_views(), VIEW_NAMES,
                              self._views.arrangement())
        self._dialog = dialog
        if dialog.exec() == dialog.DialogCode.Accepted:
            plan = dialog.plan()
            for path in plan.files()[:1]:
                self._settings.write("dialog/record_folder", str(Path(path).parent))
            self.record(plan)

    def start_recording(self, video_path: str = "", csv_path: str = "", each: bool = False):
        """Record the views on screen (composed as shown, or ``each`` in its own file)."""
        self.record(RecordPlan(video_path or "", csv_path or "", tuple(self._views.shown_views()), each,
                               self._views.arrangement()))

    def record(self, plan: RecordPlan):
        self._request_record.emit(plan)

    def recording_changed(self, recording: bool, files):
        """The worker started or stopped recording ``files``."""
        self.recording = recording
        self.files = list(files)
        light = self._status.recording
        if recording:
            light.start(self.files)
            self._status.say("recording to " + ", ".join(self.files), 8000)
        else:
            seconds = light.elapsed()
            light.stop()
            self._status.say(f"recording saved ({seconds:.0f} s): " + ", ".join(self.files), 15000)

    def output_folder(self) -> str:
        """Where new files go: beside the video if that folder is writable, else the last
        folder recorded to, else the working folder."""
        folder = self._sources.dialog_folder()
        info = self._sources.info
        if os.access(folder, os.W_OK) and (info is None or not info.is_live):
            return folder
        last = self._settings.folder("dialog/record_folder")
        return last if last and os.access(last, os.W_OK) else os.getcwd()

    def _stem(self) -> str:
        info = self._sources.info
        if info is None:
            return "track"
        name = info.name
        if "://" in name or name.startswith("camera:"):
            return "".join(c if c.isalnum() else "-" for c in name.split("://")[-1]).strip("-")[:40] or "stream"
        return Path(name.replace("%", "")).stem or "track"

    # ------------------------------------------------------------------ saving a frame
    def choose_frame_file(self):
        display = self._playback.last_frame
        if display is None:
            self._status.show_error("nothing to save: open a video first")
            return
        start = Path(self.output_folder()) / f"{self._stem()}-frame{display.position:06d}.png"
        path, _ = QFileDialog.getSaveFileName(self._window, "Save frame as", str(start),
                                              "PNG image (*.png);;JPEG image (*.jpg)")
        if path:
            self.save_frame(path)

    def save_frame(self, path: str) -> bool:
        """Write the views on screen, annotated and arranged as shown, at full resolution."""
        display = self._playback.last_frame
        if display is None:
            return False
        track = display.views["track"]
        images = [display.views.get(name) for name in self._views.shown_views()]
        image = annotated_views(images, track, display.states, display.trails, self._views.arrangement())
        suffix = Path(path).suffix.lower() or ".png"
        ok, data = cv2.imencode(suffix if suffix in (".png", ".jpg", ".jpeg", ".bmp") else ".png", image)
        try:
            if not ok:
                raise OSError("the image could not be encoded")
            Path(path).write_bytes(data.tobytes())
        except OSError as e:
            self._status.show_error(f"cannot save frame to {path!r}: {e.strerror or e}")
            return False
        self._status.say(f"saved frame {display.position} to {path}")
        return True
