"""What a video view paints besides the frame and the tracks: the placeholder, the
overlay text on its plate, a corner label (the zoom) and the selection rubber band.
Functions over a painter and values, so `VideoView` keeps only what it knows."""

from PyQt6.QtCore import QRectF, Qt
from PyQt6.QtGui import QColor, QPainter, QPen

#: Colour of the dashes of the selection rubber band.
BAND_COLOUR = QColor(255, 255, 0)

_BAND_SHADOW = QColor(0, 0, 0)
_TEXT_COLOUR = QColor(235, 235, 235)
_PLACEHOLDER_COLOUR = QColor(150, 150, 150)
_PLATE = QColor(0, 0, 0, 150)       # translucent: text stays readable on any frame content


def paint_placeholder(painter: QPainter, rect: QRectF, text: str) -> None:
    """``text`` centred in ``rect``, word-wrapped, in a muted colour."""
    if text:
        painter.setPen(_PLACEHOLDER_COLOUR)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)


def paint_overlay_text(painter: QPainter, width: float, text: str) -> None:
    """``text`` at the top left on a translucent plate, wrapped to ``width``."""
    if not text:
        return
    margin, pad = 8, 4
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
    bounds = painter.boundingRect(QRectF(margin + pad, margin + pad, max(width - 2 * (margin + pad), 1), 1e4),
                                  flags, text)
    painter.fillRect(bounds.adjusted(-pad, -pad, pad, pad), _PLATE)
    painter.setPen(_TEXT_COLOUR)
    painter.drawText(bounds, flags, text)


def paint_label(painter: QPainter, label) -> None:
    """A ``(text, QRectF)`` label on a plate (the zoom in the corner), or nothing for None."""
    if label is not None:
        text, rect = label
        painter.fillRect(rect, _PLATE)
        painter.setPen(_TEXT_COLOUR)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def paint_band(painter: QPainter, rect: QRectF) -> None:
    """The rubber band of a drag: dark under bright dashes, visible on light and dark frames."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(_BAND_SHADOW, 2))
    painter.drawRect(rect)
    painter.setPen(QPen(BAND_COLOUR, 2, Qt.PenStyle.DashLine))
    painter.drawRect(rect)
