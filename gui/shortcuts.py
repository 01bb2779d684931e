"""Help > Keyboard shortcuts: every key of the window's actions, and the mouse gestures."""

from __future__ import annotations

import html

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QKeySequence
from PyQt6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout

#: Gestures no action carries.
MOUSE_AND_KEYS = (
    ("Drag on the video", "Add a target, in a new colour (paused or playing)"),
    ("Shift+drag on the video", "Re-target the selected target (it keeps its id and colour)"),
    ("Click on a loaded (dashed) box", "Track it: a new target on that box"),
    ("Click on a box", "Select that target (also a click on its row in the Target panel's list): "
                       "the colour histogram and the box fields show it"),
    ("Esc", "Cancel a drag"),
    ("Ctrl+mouse wheel", "Zoom in and out around the cursor (every view shown; the zoom "
                         "shows in the corner, Ctrl+0 fits)"),
    ("Middle-button drag, mouse wheel", "Pan a zoomed view (Shift+wheel: sideways)"),
    ("Esc in a number field", "Back to the video, the field as it was (Enter: with the number)"),
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
            name = action.text().replace("&", "").rstrip("…").strip()
            tip = action.statusTip()
            rows.append((", ".join(keys), f"{name}: {tip}" if tip else name))
    return rows + list(MOUSE_AND_KEYS)


class ShortcutsDialog(QDialog):
    def __init__(self, parent, actions):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = shortcut_rows(actions)
        body = "".join(f"<tr><td style='padding-right:14px'><b>{html.escape(keys)}</b></td>"
                       f"<td>{html.escape(text)}</td></tr>" for keys, text in self.rows)
        label = QLabel(f"<table cellspacing='3'>{body}</table>")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea()
        scroll.setWidget(label)
        scroll.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        self.resize(620, 640)
