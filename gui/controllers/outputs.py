"""What the app writes: recordings (the Record dialog, or a plan given in code) and saved
frames. New files go where `tracker.app.output_places` says (the folder last written to,
else the user's Videos folder), under names no file has yet."""

from __future__ import annotations

from pathlib import Path

import cv2
from PyQt6.QtCore import QObject, QStandardPaths
from PyQt6.QtWidgets import QFileDialog

from ..confirm import confirm_replace
from ..record_dialog import RecordDialog
from tracker.app import DEFAULT_SUFFIX, RecordPlan, annotated_views
from tracker.app.output_places import default_output_folder, free_path, source_name
from .views import VIEW_NAMES

#: The settings key of the folder the user last wrote a recording or a frame to.
LAST_FOLDER = "dialog/output_folder"


class OutputsController(QObject):
    """Asks the worker to record (``request_record``, ``request_stop_record``) and keeps
    whether it does: ``recording`` and the ``files`` being written. Saves the frame on
    screen (``playback.last_frame``) as the ``views`` show it.

    ``window`` is the dialogs' parent; ``settings`` keep the last folder written to.
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
        views = self._views.shown_views()
        video = free_path(Path(self.output_folder()) / f"{self._stem()}-track{DEFAULT_SUFFIX}",
                          lambda path: _recording_files(path, views))
        dialog = RecordDialog(self._window, str(video), views, VIEW_NAMES, self._views.arrangement())
        self._dialog = dialog
        if dialog.exec() == dialog.DialogCode.Accepted:
            plan = dialog.plan()
            for path in plan.files()[:1]:
                self._settings.write(LAST_FOLDER, str(Path(path).resolve().parent))
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

    def show_frame(self, display):
        """While recording, whether ``display`` (the frame on screen) is recorded or the
        recording holds, after a step back, until playback passes the last frame written."""
        if not self.recording:
            return
        held = display.recording_resumes_after
        if held is not None and self._status.recording.held() is None:
            self._status.say(f"recording held: frames up to {held} are recorded, each once; "
                             f"it resumes after frame {held}", 8000)
        self._status.recording.set_held(held)

    def output_folder(self) -> str:
        """Where new files go (`tracker.app.output_places.default_output_folder`): the
        folder last written to, else the user's Videos folder, else home; never the
        dataset being read, a read-only folder or the program's repository."""
        info = self._sources.info
        videos = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MoviesLocation)
        return str(default_output_folder(info.name if info is not None else None,
                                         self._settings.folder(LAST_FOLDER), videos or None))

    def _stem(self) -> str:
        info = self._sources.info
        return source_name(info.name) if info is not None else "track"

    # ------------------------------------------------------------------ saving a frame
    def choose_frame_file(self):
        display = self._playback.last_frame
        if display is None:
            self._status.show_error("nothing to save: open a video first")
            return
        start = free_path(Path(self.output_folder()) / f"{self._stem()}-frame{display.position:06d}.png")
        # Our own question when the file exists, the same as the Record dialog's.
        path, _ = QFileDialog.getSaveFileName(self._window, "Save frame as", str(start),
                                              "PNG image (*.png);;JPEG image (*.jpg)",
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        if path and confirm_replace(self._window, [path]):
            self._settings.write(LAST_FOLDER, str(Path(path).resolve().parent))
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


def _recording_files(video: Path, views) -> list[str]:
    """Every file a recording named ``video`` may write: the video (or one per view) and
    its CSV."""
    csv = str(video.with_suffix(".csv"))
    return (RecordPlan(str(video), csv, tuple(views)).files()
            + RecordPlan(str(video), csv, tuple(views), each=True).files())
