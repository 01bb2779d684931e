"""The Record dialog: what to record and where every file goes, said before it starts."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QGridLayout,
                             QLabel, QLineEdit, QPushButton, QRadioButton)

from tracker.app import DEFAULT_SUFFIX, RecordPlan

from .confirm import confirm_replace

VIDEO_FILTER = "Matroska video (*.mkv);;AVI video (*.avi);;MP4 video (*.mp4)"
CONTAINER_NOTE = ("A Matroska .mkv (the default) or .avi stays readable up to the last frame "
                  "written even if the app is killed or the power fails; an .mp4 is "
                  "finalised only when recording stops cleanly.")
#: Whether to replace a file is asked once, on Record, for every file together.
_ASKED_ON_RECORD = QFileDialog.Option.DontConfirmOverwrite


class RecordDialog(QDialog):
    """Ask for the video, the CSV and what goes into the video.

    ``views`` are the views on screen (main first), ``names`` their titles, and
    ``arrangement`` how they are shown ("row" or "column").
    """

    def __init__(self, parent, video_path: str, views, names: dict, arrangement: str = "row"):
        super().__init__(parent)
        self.setWindowTitle("Record")
        self._views, self._arrangement = tuple(views), arrangement
        self._csv_edited = False
        grid = QGridLayout(self)
        self.video_on = QCheckBox("Video")
        self.video_on.setChecked(True)
        self.video_path = QLineEdit(video_path)
        self.video_path.setToolTip(CONTAINER_NOTE)
        browse_video = QPushButton("Browse…")
        browse_video.clicked.connect(self._browse_video)
        self.csv_on = QCheckBox("Track CSV")
        self.csv_on.setChecked(True)
        self.csv_path = QLineEdit(str(Path(video_path).with_suffix(".csv")) if Path(video_path).name else "")
        self.csv_path.setToolTip("frame,id,x,y,w,h,angle,score,lost: one row per target and frame, as "
                                 "mstrack track writes it")
        browse_csv = QPushButton("Browse…")
        browse_csv.clicked.connect(self._browse_csv)
        shown = " and ".join(names[v] for v in self._views)
        together = f"{shown}, {'side by side' if arrangement == 'row' else 'one above the other'}"
        self.as_shown = QRadioButton(f"The view as shown, in one video ({together if len(self._views) > 1 else shown})")
        self.each_view = QRadioButton("Each view in a video of its own")
        self.as_shown.setChecked(True)
        self.each_view.setEnabled(len(self._views) > 1)
        note = QLabel(CONTAINER_NOTE)
        note.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        grid.addWidget(self.video_on, 0, 0)
        grid.addWidget(self.video_path, 0, 1)
        grid.addWidget(browse_video, 0, 2)
        grid.addWidget(self.as_shown, 1, 1, 1, 2)
        grid.addWidget(self.each_view, 2, 1, 1, 2)
        grid.addWidget(self.csv_on, 3, 0)
        grid.addWidget(self.csv_path, 3, 1)
        grid.addWidget(browse_csv, 3, 2)
        grid.addWidget(note, 4, 0, 1, 3)
        grid.addWidget(self.summary, 5, 0, 1, 3)
        grid.addWidget(buttons, 6, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        self.resize(640, self.sizeHint().height())
        self.video_path.textEdited.connect(self._video_edited)
        self.csv_path.textEdited.connect(lambda *_: setattr(self, "_csv_edited", True))
        for widget in (self.video_path, self.csv_path):
            widget.textChanged.connect(self._update_summary)
        for widget in (self.video_on, self.csv_on, self.as_shown, self.each_view):
            widget.toggled.connect(self._update_summary)
        self._update_summary()

    def accept(self):
        """Record, once the user has said to replace any file that exists."""
        if confirm_replace(self, self.plan().files()):
            super().accept()

    def plan(self) -> RecordPlan:
        video = self.video_path.text().strip() if self.video_on.isChecked() else ""
        csv = self.csv_path.text().strip() if self.csv_on.isChecked() else ""
        if video and not Path(video).suffix:
            video += DEFAULT_SUFFIX
        return RecordPlan(video, csv, self._views, self.each_view.isChecked(), self._arrangement)

    def _video_edited(self, text: str):
        # The CSV follows the video's name until the user names it.
        path = Path(text.strip())
        if not self._csv_edited and path.name:
            self.csv_path.setText(str(path.with_suffix(".csv")))

    def _browse_video(self):
        path, _ = QFileDialog.getSaveFileName(self, "Record video to", self.video_path.text(),
                                              VIDEO_FILTER, options=_ASKED_ON_RECORD)
        if path:
            self.video_path.setText(path)
            self._video_edited(path)

    def _browse_csv(self):
        path, _ = QFileDialog.getSaveFileName(self, "Write the track CSV to", self.csv_path.text(),
                                              "CSV (*.csv)", options=_ASKED_ON_RECORD)
        if path:
            self.csv_path.setText(path)
            self._csv_edited = True

    def _update_summary(self, *_):
        files = self.plan().files()
        self.ok_button.setEnabled(bool(files))
        # A file a line, each breakable after a "/" (a zero-width space there), so that a
        # long path wraps instead of being cut off.
        self.summary.setText("Writes:\n" + "\n".join(f.replace("/", "/\u200b") for f in files)
                             if files else "Nothing to record: choose a video, a CSV or both.")
        self._fit_height()

    def _fit_height(self):
        """As tall as the wrapped text needs: a dialog keeps the height of its first text
        otherwise, and the lines that wrapped since would be cut off."""
        layout = self.layout()
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() \
            else layout.totalMinimumSize().height()
        self.setMinimumHeight(needed)
        if self.height() < needed:
            self.resize(self.width(), needed)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_height()                # narrower: more lines
