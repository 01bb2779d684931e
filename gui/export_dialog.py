"""File > Export Tracks: the format, the label and the file, said before anything is written."""

from __future__ import annotations

import os
from pathlib import Path

from PyQt6.QtWidgets import (QButtonGroup, QDialog, QDialogButtonBox, QFileDialog, QGridLayout, QLabel,
                             QLineEdit, QPushButton, QRadioButton)

from tracker.app.labelling import export_suffix
from tracker.app.output_places import free_path

from .worker_tracks import ExportPlan

FORMATS = {
    "mot": ("MOTChallenge text", "Rows of frame,id,x,y,w,h,conf,-1,-1,-1, one per target and frame it is "
                                 "tracked on: for MOT evaluation tools (motmetrics, TrackEval)",
            "MOT text (*.txt)"),
    "cvat": ("CVAT for video 1.1 XML", "One track per target, a box per frame (outside where it is lost): "
                                       "import it into a CVAT task of this video to check and finish it",
             "CVAT XML (*.xml)"),
}


class ExportDialog(QDialog):
    """Ask for the format (``to``), the label (CVAT) and the file.

    ``folder`` and ``stem`` make the file proposed (a name no file has yet, so the
    proposal writes over nothing), ``summary`` says what is exported.
    """

    def __init__(self, parent, folder, stem: str, summary: str, to: str = "cvat", label: str = "object"):
        super().__init__(parent)
        self.setWindowTitle("Export tracks")
        self._folder, self._stem = Path(folder), stem
        self._path_edited = False
        grid = QGridLayout(self)
        what = QLabel(summary)
        what.setWordWrap(True)
        self.buttons_by_format = {}
        group = QButtonGroup(self)
        row = 1
        for key, (name, note, _) in FORMATS.items():
            button = QRadioButton(name)
            button.setToolTip(note)
            group.addButton(button)
            self.buttons_by_format[key] = button
            explained = QLabel(note)
            explained.setWordWrap(True)
            explained.setIndent(22)
            grid.addWidget(button, row, 0, 1, 3)
            grid.addWidget(explained, row + 1, 0, 1, 3)
            row += 2
        self.label = QLineEdit(label)
        self.label.setToolTip("The label of the tracks in CVAT (the task's label must be named the same)")
        self.path = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.writes = QLabel()
        self.writes.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        grid.addWidget(what, 0, 0, 1, 3)
        grid.addWidget(QLabel("Label:"), row, 0)
        grid.addWidget(self.label, row, 1, 1, 2)
        grid.addWidget(QLabel("File:"), row + 1, 0)
        grid.addWidget(self.path, row + 1, 1)
        grid.addWidget(browse, row + 1, 2)
        grid.addWidget(self.writes, row + 2, 0, 1, 3)
        grid.addWidget(buttons, row + 3, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        self.buttons_by_format[to if to in FORMATS else "cvat"].setChecked(True)
        self._propose()
        group.buttonToggled.connect(self._format_changed)
        self.path.textEdited.connect(lambda *_: setattr(self, "_path_edited", True))
        for field in (self.path, self.label):
            field.textChanged.connect(self._update)
        self._update()
        self.resize(620, self.sizeHint().height())

    @property
    def to(self) -> str:
        return next(key for key, button in self.buttons_by_format.items() if button.isChecked())

    def plan(self) -> ExportPlan:
        return ExportPlan(self.path.text().strip(), self.to, self.label.text().strip() or "object")

    def _propose(self):
        """A fresh name in the folder for the format chosen; once the user typed a name,
        only its suffix follows the format."""
        suffix = export_suffix(self.to)
        if self._path_edited and self.path.text().strip():
            self.path.setText(str(Path(self.path.text().strip()).with_suffix(suffix)))
        else:
            self.path.setText(str(free_path(self._folder / f"{self._stem}-{self.to}{suffix}")))

    def _format_changed(self, _button, checked):
        if checked:
            self._propose()
            self._update()

    def _browse(self):
        name, _ = QFileDialog.getSaveFileName(self, "Export tracks to", self.path.text(), FORMATS[self.to][2])
        if name:
            self.path.setText(name)
            self._path_edited = True

    def _update(self, *_):
        path = self.path.text().strip()
        self.label.setEnabled(self.to == "cvat")
        self.ok_button.setEnabled(bool(path))
        if not path:
            self.writes.setText("Choose a file to write.")
            return
        exists = os.path.exists(path)
        self.writes.setText(f"Writes: {path}" + ("  (it exists: you will be asked before it is replaced)"
                                                 if exists else ""))
