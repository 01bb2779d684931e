"""The bar under the video: a slider that goes where it is clicked, the frame number
(type one to go there) and the time."""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (QHBoxLayout, QLabel, QProxyStyle, QSlider, QSpinBox, QStyle,
                             QWidget)


class _JumpToClickStyle(QProxyStyle):
    """A left click on the groove moves the handle there (as video players do), rather
    than a page step towards the click."""

    def styleHint(self, hint, option=None, widget=None, returnData=None):
        if hint == QStyle.StyleHint.SH_Slider_AbsoluteSetButtons:
            return Qt.MouseButton.LeftButton.value
        return super().styleHint(hint, option, widget, returnData)


def format_time(seconds: float) -> str:
    seconds = max(seconds, 0.0)
    minutes, rest = divmod(seconds, 60.0)
    return f"{int(minutes):02d}:{rest:05.2f}"


class PlaybackBar(QWidget):
    """Emits ``seek_requested(frame)`` when the user clicks, drags or types a frame."""

    seek_requested = pyqtSignal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._fps = 30.0
        self._position = -1
        self.slider = QSlider(Qt.Orientation.Horizontal)
        # No base style given: a proxy owns its base, and the application's style is not
        # ours to own. Parented to the bar, the proxy lives exactly as long as the slider.
        self._style = _JumpToClickStyle()
        self._style.setParent(self)
        self.slider.setStyle(self._style)
        self.slider.setToolTip("Click to go to a frame, drag to seek (Left/Right step, Home/End)")
        self.frame = QSpinBox()
        self.frame.setKeyboardTracking(False)
        self.frame.setToolTip("The frame on screen (0-based, as in the CSV); type one and "
                              "press Enter to go there (Ctrl+G)")
        self.frame.setPrefix("frame ")
        self.total = QLabel("/ -")
        self.time = QLabel("--:--")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.frame)
        layout.addWidget(self.total)
        layout.addWidget(self.time)
        self.set_source(None, 30.0)
        # Drags seek on release; clicks on the groove (absolute set) and keys at once.
        self.slider.sliderReleased.connect(lambda: self.seek_requested.emit(self.slider.value()))
        self.slider.actionTriggered.connect(self._on_action)
        # Enter (or leaving the field) with another frame typed goes there; the line edit's
        # returnPressed would come twice, once from the spin box passing the key on.
        self.frame.editingFinished.connect(self._on_typed)

    def set_source(self, frame_count: int | None, fps: float) -> None:
        """A file of ``frame_count`` frames (None: live or unknown length, no seeking)."""
        self._fps = fps if fps and fps > 0 else 30.0
        seekable = bool(frame_count)
        last = max((frame_count or 1) - 1, 0)
        for widget in (self.slider, self.frame):
            widget.setEnabled(seekable)
            widget.setRange(0, last)
        if frame_count is None:
            self.frame.setRange(0, 2**31 - 1)         # live: the count goes on
        self.total.setText(f"/ {last}" if seekable else "/ live" if frame_count is None else "/ -")
        self._last = last if seekable else None

    def show_position(self, position: int) -> None:
        """The frame on screen (not while the user is dragging or typing)."""
        self._position = position
        if not self.slider.isSliderDown():
            self.slider.setValue(position)
        if not self.frame.hasFocus():
            self.frame.blockSignals(True)
            self.frame.setValue(position)
            self.frame.blockSignals(False)
        if self._last is None:
            self.time.setText("")                  # live: a nominal rate gives no true time
            return
        self.time.setText(f"{format_time(position / self._fps)} / {format_time(self._last / self._fps)}")

    def revert_frame_field(self) -> None:
        """Show the frame on screen again in the field (what was typed is dropped)."""
        self.frame.blockSignals(True)
        self.frame.setValue(max(self._position, 0))
        self.frame.blockSignals(False)

    def focus_frame_field(self) -> None:
        self.frame.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.frame.selectAll()

    def _on_action(self, action):
        if action != QSlider.SliderAction.SliderMove:
            self.seek_requested.emit(self.slider.sliderPosition())

    def _on_typed(self):
        if self.frame.value() != self._position:
            # Asked for: the field leaving focus next (Enter gives the keys back to the
            # video) finishes the same editing again, which is no second jump.
            self._position = self.frame.value()
            self.seek_requested.emit(self.frame.value())
