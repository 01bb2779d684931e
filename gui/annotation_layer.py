"""Loaded annotations painted over a video view, beside the tracker's boxes.

`AnnotationLayer` is a transparent child of a `VideoView`, covering it: it paints the
loaded boxes of the frame on screen with the view's own mapping (so they follow its zoom),
dashed, in `ANNOTATION_COLOUR`, each with its id, and lets mouse events through to the
view. A click on a loaded box that holds no tracked box emits `box_clicked` (the view's
own click selects a tracked box; a drag draws a new one, as ever).
"""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QPointF, QRectF, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PyQt6.QtWidgets import QWidget

#: The loaded boxes' colour: none of the targets' (tracker.app.draw), nor the selection
#: rim's white, nor the lost red; dashed as well, so it reads as a reference, not a track.
ANNOTATION_COLOUR = QColor(150, 200, 255)
ANNOTATION_PEN_WIDTH = 1.5
LABEL_PIXEL_SIZE = 11
CLICK_DISTANCE = 6          # widget pixels a click may move (as the view's own clicks)


class AnnotationLayer(QWidget):
    """The loaded boxes of one frame over ``view`` (a `VideoView`).

    Signals
    -------
    box_clicked(annotation_id)
        A click on a loaded box where no tracked box is (the smallest loaded box there).
    """

    box_clicked = pyqtSignal(int)

    def __init__(self, view):
        super().__init__(view)
        self._view = view
        self._boxes: dict = {}          # annotation id -> (x, y, w, h) in image pixels
        self._label = ""
        self._id_base = 0
        self._press = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setGeometry(view.rect())
        view.installEventFilter(self)
        self._font = QFont()
        self._font.setPixelSize(LABEL_PIXEL_SIZE)

    @property
    def boxes(self) -> dict:
        """The loaded boxes painted now: {annotation id: (x, y, w, h)}."""
        return dict(self._boxes)

    def set_boxes(self, boxes: dict, label: str = "", id_base: int = 0) -> None:
        """Paint ``boxes`` ({id: (x, y, w, h)} in image pixels), labelled ``label #id``
        with the id as the file numbers it (``id + id_base``: MOT's count from 1)."""
        boxes = dict(boxes or {})
        if boxes != self._boxes or (label, id_base) != (self._label, self._id_base):
            self._boxes, self._label, self._id_base = boxes, label, id_base
            self.update()

    def box_at(self, x: float, y: float) -> int | None:
        """The id of the smallest loaded box holding image point (x, y), or None."""
        hits = [(w * h, i) for i, (bx, by, w, h) in self._boxes.items() if bx <= x <= bx + w and by <= y <= by + h]
        return min(hits)[1] if hits else None

    # ------------------------------------------------------------------ events
    def eventFilter(self, watched, event):
        kind = event.type()
        if kind == QEvent.Type.Resize:
            self.setGeometry(self._view.rect())
        elif kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            plain = not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            self._press = event.position() if plain else None
        elif kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            pressed, self._press = self._press, None
            if pressed is not None and (event.position() - pressed).manhattanLength() < CLICK_DISTANCE:
                self._clicked(*self._view.widget_to_image(event.position()))
        return False                    # the view handles every event as ever

    def _clicked(self, x, y):
        if self._view.image_size() is None or self._view.target_at(x, y) is not None:
            return                      # a tracked box's click: the view selects it
        found = self.box_at(x, y)
        if found is not None:
            self.box_clicked.emit(found)

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event):
        if not self._boxes or self._view.image_size() is None:
            return
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setFont(self._font)
            metrics = QFontMetricsF(self._font)
            shadow = QPen(QColor(0, 0, 0, 150), ANNOTATION_PEN_WIDTH + 2)
            dashes = QPen(ANNOTATION_COLOUR, ANNOTATION_PEN_WIDTH, Qt.PenStyle.DashLine)
            for annotation_id, (x, y, w, h) in sorted(self._boxes.items()):
                rect = QRectF(self._view.image_to_widget(x, y), self._view.image_to_widget(x + w, y + h))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(shadow)
                painter.drawRect(rect)
                painter.setPen(dashes)
                painter.drawRect(rect)
                # The id under the box's bottom-left corner: the tracker's label sits on top.
                text = f"{self._label} #{annotation_id + self._id_base}".strip()
                size = QRectF(0, 0, metrics.horizontalAdvance(text) + 6, metrics.height() + 2)
                at = QPointF(min(max(rect.left(), 0.0), max(self.width() - size.width(), 0.0)),
                             rect.bottom() + 2 if rect.bottom() + 2 + size.height() <= self.height()
                             else rect.bottom() - size.height() - 2)
                plate = size.translated(at)
                painter.fillRect(plate, QColor(0, 0, 0, 150))
                painter.setPen(ANNOTATION_COLOUR)
                painter.drawText(plate, Qt.AlignmentFlag.AlignCenter, text)
        finally:
            painter.end()
