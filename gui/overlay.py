"""The track painted over a view: the rotated box, its centre, the trail and the score.

Painted by the view at a constant size on screen (2 px lines, a 13 px label) whatever
the frame's size or zoom, with the label on the box's top corner so that it stays with
a rotated box. Recordings draw the same into the image instead (tracker.app.draw).
"""

from __future__ import annotations

import math

import numpy as np
from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF

#: Colours of a track painted without a target's own colour.
TRACK_COLOUR = QColor(0, 220, 0)
LOST_COLOUR = QColor(255, 0, 0)
TRAIL_COLOUR = QColor(255, 200, 0)
#: The rim a selected box is drawn on (no target's colour is near it: tracker.app.draw).
SELECTED_RIM = QColor(255, 255, 255, 200)
TRACK_PEN_WIDTH = 2.0
SELECTED_PEN_WIDTH = 4.0
LABEL_PIXEL_SIZE = 13
LABEL_GAP = 3.0

_font = None


def label_font() -> QFont:
    global _font
    if _font is None:                       # a QFont needs the application to exist
        _font = QFont()
        _font.setPixelSize(LABEL_PIXEL_SIZE)
        _font.setBold(True)
    return _font


def box_corners(rotated):
    """The four corners of a rotated box ``((cx, cy), (w, h), angle_deg)``, in the order
    and convention of ``cv2.boxPoints``, as a (4, 2) float array."""
    (cx, cy), (w, h), angle = rotated
    a = math.radians(angle)
    c, s = math.cos(a) * 0.5, math.sin(a) * 0.5
    p0 = (cx - s * h - c * w, cy + c * h - s * w)
    p1 = (cx + s * h - c * w, cy - c * h - s * w)
    return np.array([p0, p1, (2 * cx - p0[0], 2 * cy - p0[1]), (2 * cx - p1[0], 2 * cy - p1[1])])


def track_label(state, transform, width: float, prefix: str = ""):
    """``(text, QRectF)`` of the score label of ``state`` (a TrackState) for a view of
    ``width`` whose image coordinates map to it by ``transform``: just above the box's
    top corner (the left one of an upright box), below its bottom corner when there is
    no room above."""
    text = " ".join(filter(None, (prefix, "LOST" if state.lost else "", f"{state.score:.2f}")))
    corners = [transform.map(QPointF(x, y)) for x, y in box_corners(state.rotated)]
    metrics = QFontMetricsF(label_font())
    w, h = metrics.horizontalAdvance(text) + 6, metrics.height() + 2
    anchor = min(corners, key=lambda p: (round(p.y()), p.x()))
    y = anchor.y() - LABEL_GAP - h
    if y < 0:
        anchor = max(corners, key=lambda p: (round(p.y()), -p.x()))
        y = anchor.y() + LABEL_GAP
    x = min(max(anchor.x(), 0.0), max(width - w, 0.0))
    return text, QRectF(x, y, w, h)


def target_qcolour(target_id: int) -> QColor:
    """Target ``target_id``'s colour, as `tracker.app.draw.target_colour` draws it."""
    from tracker.app import target_colour

    b, g, r = target_colour(target_id)
    return QColor(r, g, b)


def paint_track(painter, state, trail, transform, width: float, colour=None, prefix: str = "",
                selected: bool = False) -> None:
    """Paint ``trail`` (recent centres) and ``state`` (None: the trail only); with a
    ``colour`` (a target's own) that colour whether tracked or lost, ``prefix`` before
    the score in the label (its id). A ``selected`` box is drawn twice as thick, on a
    white rim, so that it stands out among the others whatever their colours."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if len(trail) > 1:
        painter.setPen(_pen(colour or TRAIL_COLOUR, TRACK_PEN_WIDTH))
        painter.drawPolyline(QPolygonF([transform.map(QPointF(x, y)) for x, y in trail]))
    if state is not None:
        if colour is None:
            colour = LOST_COLOUR if state.lost else TRACK_COLOUR
        corners = QPolygonF([transform.map(QPointF(x, y)) for x, y in box_corners(state.rotated)])
        pen_width = SELECTED_PEN_WIDTH if selected else TRACK_PEN_WIDTH
        rim = SELECTED_RIM if selected else QColor(0, 0, 0, 140)
        painter.setPen(_pen(rim, pen_width + 2))
        painter.drawPolygon(corners)        # a rim: the box shows on any frame
        painter.setPen(_pen(colour, pen_width))
        painter.drawPolygon(corners)
        painter.setBrush(colour)
        painter.drawEllipse(transform.map(QPointF(*state.rotated[0])), TRACK_PEN_WIDTH + 1,
                            TRACK_PEN_WIDTH + 1)
        text, rect = track_label(state, transform, width, prefix)
        painter.fillRect(rect, QColor(0, 0, 0, 160))
        painter.setFont(label_font())
        painter.setPen(colour)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def _pen(colour, width):
    pen = QPen(colour, width)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen
