"""What the app holds of the tracks: Track to end (its progress bar and Esc), the timeline
of the track log, and File > Export Tracks.

The track log lives in the worker's session; the window sees it through the worker's
summaries (`LogSummary`), which the timeline draws and the export dialog describes.
"""

from __future__ import annotations

import os
from pathlib import Path

from PyQt6.QtCore import QObject, QStandardPaths, pyqtSignal
from PyQt6.QtWidgets import QMessageBox, QProgressBar

from tracker.app.annotation_export import KINDS
from tracker.app.output_places import default_output_folder, source_name

from ..export_dialog import ExportDialog
from .outputs import LAST_FOLDER                 # one "folder last written to" for every output
from ..worker_tracks import LogSummary


class TracksController(QObject):
    """Track to end (``request_run``, ``request_stop``; ``running``), the ``timeline``
    (a `TimelineStrip`: seeks through ``playback``), and exports (``request_export``).
    ``summary`` is the last `LogSummary` of the track log."""

    request_run = pyqtSignal()
    request_stop = pyqtSignal()
    request_export = pyqtSignal(object)
    running_changed = pyqtSignal(bool)

    def __init__(self, window, settings, status, sources, playback, timeline):
        super().__init__(window)
        self._window = window
        self._settings = settings
        self._status = status
        self._sources = sources
        self._playback = playback
        self.timeline = timeline
        self.summary = LogSummary()
        self.running = False
        self.dialog = None
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setFormat("%p%")
        self.progress.setToolTip("Track to end: Esc stops")
        self.progress.setVisible(False)
        window.statusBar().addPermanentWidget(self.progress)
        timeline.seek_requested.connect(playback.seek)

    # ------------------------------------------------------------------ the log
    def source_opened(self, info):
        self.summary = LogSummary()
        self.timeline.clear()
        self.timeline.setVisible(not info.is_live)

    def log_changed(self, summary):
        self.summary = summary
        self.timeline.set_summary(summary)

    def show_frame(self, display):
        self.timeline.set_position(display.position)

    # ------------------------------------------------------------------ Track to end
    def track_to_end(self):
        info, display = self._sources.info, self._playback.last_frame
        if info is None or info.is_live:
            self._status.show_error("Track to end needs a video file or an image sequence")
        elif display is None or not display.states:
            self._status.show_error("no target to track: drag a box around one first (or press L "
                                    "for the loaded boxes)")
        else:
            self.request_run.emit()

    def stop(self):
        if self.running:
            self.request_stop.emit()

    def on_progress(self, first: int, position: int, last: int):
        if not self.running:
            self.running = True
            self.progress.setVisible(True)
            self.running_changed.emit(True)
        self.progress.setRange(first, max(last, first + 1))
        self.progress.setValue(position)
        self._status.say(f"tracking to the end: frame {position} of {last} (Esc stops)", 0)

    def on_finished(self, why: str, first: int, last: int):
        self.running = False
        self.progress.setVisible(False)
        self.running_changed.emit(False)
        if why == "error":
            return                               # the error said why
        if last <= first:
            self._status.say(f"Nothing left to track: frame {first} is the last", 10000)
            return
        done = {"end": "Tracked to the end", "stopped": "Stopped", "moved": "Stopped (the position changed)"}[why]
        lost = self._lost_between(first + 1, last + 1)
        lost_text = ", ".join(f"#{t} lost on {n} frame{'s' if n != 1 else ''} from frame {at}"
                              for t, (n, at) in lost.items()) or "no target lost"
        self._status.say(f"{done}: frames {first + 1}-{last}, {lost_text} (red on the timeline)", 30000)

    def _lost_between(self, first: int, stop: int) -> dict:
        """{target: (frames lost in [first, stop), the first of them)} for the targets lost there."""
        lost = {}
        for target, runs in self.summary.spans.items():
            inside = [(max(a, first), min(b, stop)) for a, b, is_lost in runs if is_lost and a < stop and b > first]
            if inside:
                lost[target] = (sum(b - a for a, b in inside), inside[0][0])
        return lost

    # ------------------------------------------------------------------ export
    def choose_export(self):
        """File > Export Tracks: the dialog, non-modal to the worker (it keeps playing)."""
        info = self._sources.info
        if info is None or not self.summary.targets:
            self._status.show_error("nothing to export yet: track a target first (drag a box, then play, "
                                    "step or Track to End with Ctrl+E)")
            return
        videos = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MoviesLocation)
        folder = default_output_folder(info.name, self._settings.folder(LAST_FOLDER), videos or None)
        targets = self.summary.targets
        frames = [f for runs in self.summary.spans.values() for a, b, _ in runs for f in (a, b - 1)]
        summary = (f"Exports the tracks of {source_name(info.name)}: {len(targets)} target"
                   f"{'s' if len(targets) != 1 else ''} ({', '.join(f'#{t}' for t in targets)}), frames "
                   f"{min(frames)}-{max(frames)}, as tracked in this session (where a frame was tracked "
                   "twice, as tracked last).")
        self.dialog = ExportDialog(self._window, folder, source_name(info.name), summary,
                                   self._settings.choice("export/format", ("mot", "cvat"), "cvat"),
                                   self._settings.text("export/label", "object", lambda t: bool(t.strip())))
        self.dialog.accepted.connect(lambda dialog=self.dialog: self.export(dialog.plan()))
        self.dialog.open()

    def export(self, plan) -> bool:
        """Ask the worker to write ``plan`` (asking first before a file is replaced)."""
        if os.path.exists(plan.path):
            if self._window.property("quiet_errors"):        # automation: nobody to ask
                self._status.show_error(f"{plan.path} exists: not replaced (choose another name)")
                return False
            answer = QMessageBox.question(self._window, "Export tracks", f"{plan.path} exists. Replace it?")
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self._settings.write(LAST_FOLDER, str(Path(plan.path).resolve().parent))
        self._settings.write("export/format", plan.to)
        self._settings.write("export/label", plan.label)
        self._status.say(f"exporting to {plan.path}…", 0)
        self.request_export.emit(plan)
        return True

    def exported(self, path: str, annotations):
        boxes = sum(1 for track in annotations.tracks.values() for box in track.values() if not box.lost)
        kind = KINDS["cvat" if str(path).lower().endswith(".xml") else "mot"]
        self._status.say(f"exported {len(annotations.tracks)} target(s), {boxes} boxes, as {kind}: {path}", 20000)
