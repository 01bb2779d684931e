"""The keyboard belongs to the video: a number field has it only while a number is typed.

Enter in a field (the frame number, the box's x, y, w, h) takes the number and gives
the keys back to the video, so Space, Left, Right, Esc and Delete work again at once;
Esc gives them back leaving the field as it was. Space never goes into a number field:
it plays and pauses wherever the focus is.
"""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QObject, Qt, QTimer


class KeysToVideo(QObject):
    """An event filter on number fields that hands the keys back to ``video``."""

    def __init__(self, video, parent=None):
        super().__init__(parent)
        self._video = video
        self._revert = {}

    def watch(self, field, revert=None) -> None:
        """Hand the keys back from ``field`` (a spin box); ``revert()`` undoes what was
        typed when Esc leaves it."""
        self._revert[field] = revert
        field.installEventFilter(self)
        field.lineEdit().installEventFilter(self)     # the spin box's editor sees keys too

    def eventFilter(self, obj, event):
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        key, plain = event.key(), event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                                        Qt.KeyboardModifier.KeypadModifier)
        if kind == QEvent.Type.ShortcutOverride:
            # Not claimed by the field: the window's Space shortcut (Play) gets it.
            return key == Qt.Key.Key_Space and plain
        field = obj if obj in self._revert else obj.parent()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QTimer.singleShot(0, self._to_video)      # once the field has taken the number
        elif key == Qt.Key.Key_Escape and plain:
            revert = self._revert.get(field)
            if revert is not None:
                revert()
            self._to_video()
            return True
        return False

    def _to_video(self):
        self._video.setFocus(Qt.FocusReason.OtherFocusReason)
