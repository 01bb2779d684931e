"""The timeline strip under the slider: per target, where it was tracked and where lost.

One row per target the track log holds (`LogSummary`), each frame at the x of the
slider's handle for that frame, so a mark sits right under the slider position that goes
there: a tracked run in the target's colour (toned down), a lost run in red, full height;
frames never tracked stay dark. A white line marks the frame on screen. A click or a drag seeks; the
tooltip names the target and frame under the cursor. The strip keeps one height whatever
the number of targets (rows get thinner), so the video above never moves.
"""

from __future__ import annotations

from PyQt6.QtCore import QPoint, QRectF, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QPainter
from PyQt6.QtWidgets import QSizePolicy, QStyle, QStyleOptionSlider, QToolTip, QWidget

from .overlay import LOST_COLOUR, target_qcolour

HEIGHT = 18
BACKGROUND = QColor(40, 40, 40)
POSITION_COLOUR = QColor(255, 255, 255)
TRACKED_DARKER = 140        # the tracked band's colour: the target's, this much darker (%)
TRACKED_INSET = 0.2         # of a row's height, above and below the tracked band


class TimelineStrip(QWidget):
    """Marks of the track log under ``slider`` (the playback bar's); emits
    ``seek_requested(frame)`` on a click or drag."""

    seek_requested = pyqtSignal(int)

    def __init__(self, slider, parent=None):
        super().__init__(parent)
        self._slider = slider
        self._spans: dict = {}          # target id -> [(first, stop, lost), ...]
        self._position = -1
        self._pressed_frame = None
        self.setFixedHeight(HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setToolTip("Where each target was tracked (its colour) and lost (red); click to go there")

    # ------------------------------------------------------------------ what it shows
    def set_summary(self, summary) -> None:
        """The runs of the track log (a `LogSummary`)."""
        self._spans = {t: list(runs) for t, runs in summary.spans.items()}
        self.update()

    def clear(self) -> None:
        self._spans = {}
        self._position = -1
        self.update()

    def set_position(self, position: int) -> None:
        if position != self._position:
            self._position = position
            self.update()

    def targets(self) -> list:
        return sorted(self._spans)

    def lost_frames(self, target: int) -> list:
        """The frames marked lost for ``target``."""
        return [f for first, stop, lost in self._spans.get(target, ()) if lost for f in range(first, stop)]

    def tracked_frames(self, target: int) -> list:
        """The frames marked tracked (not lost) for ``target``."""
        return [f for first, stop, lost in self._spans.get(target, ()) if not lost for f in range(first, stop)]

    # ------------------------------------------------------------------ frames and x
    def _track(self):
        """(x of frame 0's handle centre, pixels from frame 0 to the last, last frame),
        in this widget's coordinates: the slider's handle centres."""
        slider = self._slider
        option = QStyleOptionSlider()
        slider.initStyleOption(option)
        style = slider.style()
        groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                      QStyle.SubControl.SC_SliderGroove, slider)
        handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                      QStyle.SubControl.SC_SliderHandle, slider)
        left = self.mapFromGlobal(slider.mapToGlobal(QPoint(groove.left(), 0))).x()
        span = max(groove.width() - handle.width(), 1)
        return left + handle.width() / 2.0, span, max(slider.maximum(), 1)

    def x_of(self, frame: float) -> float:
        """The x (this widget's) under the slider handle's centre at ``frame``."""
        start, span, last = self._track()
        return start + span * frame / last

    def frame_at(self, x: float) -> int:
        start, span, last = self._track()
        return int(min(max(round((x - start) * last / span), 0), last))

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event):
        painter = QPainter(self)
        try:
            start, span, last = self._track()
            painter.fillRect(QRectF(start, 0, span, self.height()), BACKGROUND)
            targets = self.targets()
            if targets:
                row_h = self.height() / len(targets)
                half = span / last / 2.0          # a frame covers half a step either side
                for row, target in enumerate(targets):
                    top = row * row_h
                    # Tracked: a band in the target's colour, toned down; lost: red, the
                    # row's full height, so that it is what the eye finds.
                    tracked = target_qcolour(target).darker(TRACKED_DARKER)
                    inset = row_h * TRACKED_INSET if row_h >= 4 else 0.0
                    for first, stop, lost in self._spans[target]:
                        x0, x1 = self.x_of(first) - half, self.x_of(stop - 1) + half
                        y0 = top if lost else top + inset
                        rect = QRectF(x0, y0, max(x1 - x0, 1.0), max(row_h - 2 * (y0 - top), 1.0))
                        painter.fillRect(rect, LOST_COLOUR if lost else tracked)
            if self._position >= 0:
                x = self.x_of(self._position)
                painter.fillRect(QRectF(x - 1, 0, 2, self.height()), POSITION_COLOUR)
        finally:
            painter.end()

    # ------------------------------------------------------------------ mouse
    def mousePressEvent(self, event):
        if event.button() == Qt.MouseButton.LeftButton and self._slider.isEnabled():
            self._seek(event.position().x())
            event.accept()
        else:
            event.ignore()

    def mouseMoveEvent(self, event):
        if event.buttons() & Qt.MouseButton.LeftButton and self._slider.isEnabled():
            self._seek(event.position().x())
        elif self._spans:
            QToolTip.showText(event.globalPosition().toPoint(), self._describe(event.position()), self)

    def mouseReleaseEvent(self, event):
        self._pressed_frame = None

    def _seek(self, x):
        frame = self.frame_at(x)
        if frame != self._pressed_frame:          # a drag seeks once per frame, not per pixel
            self._pressed_frame = frame
            self.seek_requested.emit(frame)

    def _describe(self, point) -> str:
        frame = self.frame_at(point.x())
        targets = self.targets()
        target = targets[min(int(point.y() * len(targets) / max(self.height(), 1)), len(targets) - 1)]
        state = next(("lost" if lost else "tracked" for first, stop, lost in self._spans[target]
                      if first <= frame < stop), "not tracked")
        return f"frame {frame}: #{target} {state}"
