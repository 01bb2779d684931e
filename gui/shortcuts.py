"""Help > Keyboard shortcuts: every key of the window's actions, and the mouse gestures."""

from __future__ import annotations

from PyQt6.QtGui import QKeySequence
from PyQt6.QtWidgets import QDialog, QDialogButtonBox, QTableWidget, QTableWidgetItem, QVBoxLayout

#: Gestures no action carries.
MOUSE_AND_KEYS = (
    ("Drag on the video", "Select the target (paused or playing); drag again to re-target"),
    ("Esc", "Cancel a drag"),
    ("Ctrl+mouse wheel", "Zoom in and out around the cursor"),
    ("Click on the slider", "Go to that frame; drag the slider to seek"),
    ("Drop a file on the window", "Open it"),
)


def shortcut_rows(actions) -> list[tuple[str, str]]:
    """(keys, what it does) for each action that has a shortcut, then the gestures."""
    rows = []
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        keys = [k for k in keys if k]
        if keys:
            rows.append((", ".join(keys), action.text().replace("&", "").rstrip("…").strip()))
    return rows + list(MOUSE_AND_KEYS)


class ShortcutsDialog(QDialog):
    def __init__(self, parent, actions):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = shortcut_rows(actions)
        table = QTableWidget(len(self.rows), 2)
        table.setHorizontalHeaderLabels(["Key", "Does"])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for i, (keys, text) in enumerate(self.rows):
            table.setItem(i, 0, QTableWidgetItem(keys))
            table.setItem(i, 1, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(520, 560)
