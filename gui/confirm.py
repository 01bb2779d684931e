"""The one question asked before a file is written over: the app's own, whatever dialog
chose the name (a typed name gets no question from a file dialog)."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtWidgets import QMessageBox


def confirm_replace(parent, paths) -> bool:
    """True if none of ``paths`` exists, or the user says to replace those that do;
    Cancel is the default answer."""
    existing = [str(p) for p in paths if p and Path(p).exists()]
    if not existing:
        return True
    what = existing[0] if len(existing) == 1 else f"{len(existing)} files"
    box = QMessageBox(QMessageBox.Icon.Warning, "Replace?", f"{what} already exists. Replace it?"
                      if len(existing) == 1 else f"{what} already exist. Replace them?", parent=parent)
    box.setStyleSheet("QLabel { min-width: 28em; }")    # paths on a line each, mostly
    box.setInformativeText("Everything written to " + ("it" if len(existing) == 1 else "them")
                           + " before is lost:\n" + "\n".join(existing))
    replace = box.addButton("Replace", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is replace
