"""A widget that shows video frames and lets the user drag a box around a target.

`VideoView` only draws and emits signals: it knows nothing of trackers or
pipelines. Frames come in through `VideoView.set_frame`; a finished mouse drag
goes out as `VideoView.selection_made` in image pixel coordinates, where pixel
``x`` covers ``[x, x + 1)``, so the box can be handed straight to a tracker.
"""

from PyQt6.QtCore import QPointF, QRectF, QSize, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QPainter, QTransform
from PyQt6.QtWidgets import QSizePolicy, QWidget

from . import overlay
from .frame_image import as_qimage
from .view_paint import BAND_COLOUR, paint_band, paint_label, paint_overlay_text, paint_placeholder
from .zoom import MAX_ZOOM, SMOOTH_MAX_SCALE, WHEEL_ZOOM_STEP, centre_keeping, view_transform, zoom_text

__all__ = ["VideoView", "BACKGROUND", "BAND_COLOUR"]

#: Colour of the letterbox bars and of the view when there is no frame.
BACKGROUND = QColor(24, 24, 24)

#: Smallest selection kept, in image pixels and in widget pixels. Both apply:
#: on a shrunken large frame 4 image pixels is a mere hand jitter, and when
#: zoomed in 6 widget pixels is less than one image pixel.
MIN_SELECTION_IMAGE = 4.0
MIN_SELECTION_WIDGET = 6.0

def clipped_box(start, end, size):
    """The box spanned by image points ``start`` and ``end``, ``(x, y, w, h)`` clipped to
    an image of ``size`` (w, h), or None if nothing of it is inside."""
    (x0, y0), (x1, y1), (w, h) = start, end, size
    left, right = max(min(x0, x1), 0.0), min(max(x0, x1), float(w))
    top, bottom = max(min(y0, y1), 0.0), min(max(y0, y1), float(h))
    if right <= left or bottom <= top:
        return None
    return left, top, right - left, bottom - top


class VideoView(QWidget):
    """Shows frames fitted to the widget and turns mouse drags into target boxes.

    The frame is scaled to fit, keeping its aspect ratio, centred on a dark
    background; `set_zoom` and Ctrl+wheel magnify it, a drag with the middle button
    (or the wheel, Shift+wheel sideways) pans it, and the magnification shows in the
    bottom right corner while zoomed. A left-button drag over the frame draws a
    dashed rubber band and, on release, emits the box.

    Signals
    -------
    selection_made(x, y, w, h)
        A drag ended; the box in image pixel coordinates, clipped to the image.
        Drags smaller than 4x4 image pixels or 6x6 widget pixels emit nothing.
    retarget_made(x, y, w, h)
        The same for a drag with Shift held when it started (re-target the selected one).
    target_clicked(target_id)
        A click (press and release within a few pixels) on a target's box; the
        smallest box under the cursor when boxes overlap.
    selection_cancelled()
        A drag was abandoned with Esc (or by clearing the frame or hiding the view).
    zoom_changed(zoom)
        The zoom factor changed, by `set_zoom` or by Ctrl+wheel.
    view_moved(zoom, x, y)
        The user zoomed or panned: the zoom and the image point at the middle of the
        view (another view follows with `set_view`).
    painted()
        The view has just been painted (the frame set last is on screen).
    """

    selection_made = pyqtSignal(float, float, float, float)
    retarget_made = pyqtSignal(float, float, float, float)
    target_clicked = pyqtSignal(int)
    selection_cancelled = pyqtSignal()
    zoom_changed = pyqtSignal(float)
    view_moved = pyqtSignal(float, float, float)
    painted = pyqtSignal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._array = None  # keeps the QImage's buffer alive
        self._qimage = None
        self._zoom = 1.0
        self._centre = None  # requested zoom centre in image coords; None = image centre
        self._overlay_text = ""
        self._placeholder = ""
        self._tracks = ({}, {})  # (id -> TrackState, id -> trail): every target
        self._selected = None  # id of the target painted highlighted
        self._press = None  # (widget position, Shift held) of the button press
        self._pan = None  # (widget position, image centre) where a middle-button drag began
        # Drag ends in image coordinates, so the band stays on the same image
        # content while frames arrive or the zoom changes mid-drag.
        self._drag_start = None
        self._drag_end = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # paintEvent fills every pixel, so Qt need not clear first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    # ----------------------------------------------------------------- frames

    def set_frame(self, image):
        """Show a new frame.

        Parameters
        ----------
        image : ndarray or None
            ``uint8`` HxWx3 BGR or HxW gray image; None clears the view and
            shows the placeholder. The view keeps a converted copy, so the
            caller may reuse the array.
        """
        if image is None:
            self._array = self._qimage = None
            self._cancel_drag()
            self.update()
            return
        old_size = self.image_size()
        self._array, self._qimage = as_qimage(image)
        if old_size is not None and old_size != self.image_size():
            # A new source: the old zoom centre points at unrelated content.
            self._centre = None
        self.update()

    def image_size(self):
        """Return the current frame's size as ``(width, height)``, or None without a frame."""
        if self._qimage is None:
            return None
        return self._qimage.width(), self._qimage.height()

    def set_tracks(self, states, trails=None, selected=None):
        """Paint every target over the frame, each in its own colour, the ``selected`` one
        highlighted: ``states`` (id -> TrackState: ``rotated``, ``score`` and ``lost``)
        and ``trails`` (id -> recent centres in image pixel-index coordinates, as the
        tracker gives them)."""
        self._tracks = dict(states or {}), dict(trails or {})
        self._selected = selected
        self.update()

    def target_at(self, x, y):
        """The id of the target whose box holds image point ``(x, y)`` (the smallest of
        several), or None."""
        hits = [(w * h, target_id) for target_id, state in self._tracks[0].items()
                for bx, by, w, h in [state.box] if bx <= x <= bx + w and by <= y <= by + h]
        return min(hits)[1] if hits else None

    # ------------------------------------------------------------------ texts

    def set_overlay_text(self, text):
        """Show `text` in the top-left corner over the frame; an empty string hides it."""
        self._overlay_text = text or ""
        self.update()

    def set_placeholder(self, text):
        """Show `text` in the middle of the view while there is no frame."""
        self._placeholder = text or ""
        self.update()

    # ------------------------------------------------------------------- zoom

    def zoom(self):
        """Return the magnification relative to fitting the whole frame (1 = fit)."""
        return self._zoom

    def set_zoom(self, zoom):
        """Magnify the frame around the zoom centre.

        Parameters
        ----------
        zoom : float
            1 fits the whole frame; larger values magnify. Clamped to [1, 32].
        """
        zoom = min(max(float(zoom), 1.0), MAX_ZOOM)
        if zoom != self._zoom:
            self._zoom = zoom
            self.update()
            self.zoom_changed.emit(zoom)

    def zoom_centre(self):
        """Return the image point at the middle of the view, ``(x, y)``, or None.

        This is the `set_zoom_centre` point, moved as little as needed to keep
        the zoomed frame covering the view.
        """
        geometry = self._geometry()
        return None if geometry is None else geometry[2]

    def set_zoom_centre(self, x, y):
        """Set the image point (in image pixel coordinates) the zoom magnifies around."""
        self._centre = (float(x), float(y))
        self.update()

    def set_view(self, zoom, x, y):
        """Show what another view shows: ``zoom`` around image point ``(x, y)``. Emits
        no ``view_moved`` (that is for the user's moves)."""
        self._centre = (float(x), float(y))
        self.set_zoom(zoom)
        self.update()

    def zoom_label(self):
        """The magnification and where it is painted, ``(text, QRectF)``, while zoomed
        in; None at fit."""
        geometry = self._geometry()
        if geometry is None or self._zoom <= 1.0:
            return None
        text = zoom_text(geometry[0])
        metrics = self.fontMetrics()
        w, h = metrics.horizontalAdvance(text) + 10, metrics.height() + 4
        return text, QRectF(self.width() - w - 8, self.height() - h - 8, w, h)

    def _moved(self):
        """The user zoomed or panned: say so, with the centre as clamped."""
        centre = self.zoom_centre()
        if centre is not None:
            self.view_moved.emit(self._zoom, *centre)

    def _pan_by(self, dx, dy):
        """Move the frame by ``(dx, dy)`` widget pixels (clamped to cover the view)."""
        geometry = self._geometry()
        if geometry is None or self._zoom <= 1.0:
            return
        scale, _, (cx, cy) = geometry
        iw, ih = self.image_size()
        self._centre = view_transform(self.width(), self.height(), iw, ih, self._zoom,
                                      (cx - dx / scale, cy - dy / scale))[2]
        self.update()
        self._moved()

    # ---------------------------------------------------- coordinate mapping

    def _geometry(self):
        size = self.image_size()
        if size is None:
            return None
        return view_transform(self.width(), self.height(), *size, self._zoom, self._centre)

    def widget_to_image(self, point):
        """Map a widget position to image pixel coordinates.

        Parameters
        ----------
        point : QPointF
            Position in widget coordinates.

        Returns
        -------
        tuple of float
            ``(x, y)`` where pixel ``(i, j)`` covers ``[i, i + 1) x [j, j + 1)``;
            may lie outside the image. Without a frame, the widget position.
        """
        geometry = self._geometry()
        if geometry is None:
            return point.x(), point.y()
        scale, (ox, oy), _ = geometry
        return (point.x() - ox) / scale, (point.y() - oy) / scale

    def image_to_widget(self, x, y):
        """Map image pixel coordinates to a widget position; the inverse of `widget_to_image`."""
        geometry = self._geometry()
        if geometry is None:
            return QPointF(x, y)
        scale, (ox, oy), _ = geometry
        return QPointF(ox + scale * x, oy + scale * y)

    def image_rect(self):
        """Return where the whole frame is painted, in widget coordinates, or None.

        When zoomed in the rectangle extends past the widget; painting is clipped.
        """
        geometry = self._geometry()
        if geometry is None:
            return None
        scale, (ox, oy), _ = geometry
        w, h = self.image_size()
        return QRectF(ox, oy, w * scale, h * scale)

    # --------------------------------------------------------------- painting

    def sizeHint(self):
        return QSize(640, 480)

    def minimumSizeHint(self):
        return QSize(64, 48)

    def paintEvent(self, event):
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), BACKGROUND)
            geometry = self._geometry()
            if geometry is None:
                paint_placeholder(painter, QRectF(self.rect()), self._placeholder)
            else:
                smooth = geometry[0] < SMOOTH_MAX_SCALE
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
                painter.drawImage(self.image_rect(), self._qimage)
                self._paint_track(painter)
                box = self._drag_box()
                if box is not None:
                    x, y, w, h = box
                    paint_band(painter, QRectF(self.image_to_widget(x, y), self.image_to_widget(x + w, y + h)))
                paint_label(painter, self.zoom_label())
            paint_overlay_text(painter, self.width(), self._overlay_text)
        finally:
            painter.end()
        self.painted.emit()

    def _image_transform(self):
        """Image pixel-index coordinates to widget: pixel i's centre is at i + 0.5."""
        scale, (ox, oy), _ = self._geometry()
        return QTransform(scale, 0, 0, scale, ox + 0.5 * scale, oy + 0.5 * scale)

    def track_label(self):
        """The score label and where it goes, ``(text, QRectF)`` in widget coordinates,
        or None (see `overlay.track_label`)."""
        if self._geometry() is None:
            return None
        states = self._tracks[0]
        if not states:
            return None
        target_id = next(iter(states))      # the first target's, as painted
        return overlay.track_label(states[target_id], self._image_transform(), self.width(),
                                   f"#{target_id}")

    def _paint_track(self, painter):
        states, trails = self._tracks
        for target_id, state in states.items():
            overlay.paint_track(painter, state, trails.get(target_id, ()), self._image_transform(),
                                self.width(), overlay.target_qcolour(target_id), f"#{target_id}",
                                selected=target_id == self._selected)

    # -------------------------------------------------------------- selection

    def _drag_box(self):
        """Return the current drag as ``(x, y, w, h)`` clipped to the image, or None."""
        if self._drag_start is None or self._qimage is None:
            return None
        return clipped_box(self._drag_start, self._drag_end, self.image_size())

    def _is_big_enough(self, box):
        _, _, w, h = box
        scale = self._geometry()[0]
        return min(w, h) >= MIN_SELECTION_IMAGE and min(w, h) * scale >= MIN_SELECTION_WIDGET

    def _cancel_drag(self):
        if self._drag_start is None:
            return
        self._drag_start = self._drag_end = self._press = None
        self.update()
        self.selection_cancelled.emit()

    def mousePressEvent(self, event):
        if event.button() == Qt.MouseButton.MiddleButton and self._qimage is not None \
                and self._zoom > 1.0:
            self._pan = (event.position(), event.position())
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if event.button() != Qt.MouseButton.LeftButton or self._qimage is None:
            event.ignore()
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)  # so Esc reaches us mid-drag
        self._drag_start = self._drag_end = self.widget_to_image(event.position())
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self._press = (event.position(), shift)
        event.accept()

    def mouseMoveEvent(self, event):
        if self._pan is not None:
            start, last = self._pan
            now = event.position()
            self._pan = (start, now)
            self._pan_by(now.x() - last.x(), now.y() - last.y())
            event.accept()
            return
        if self._drag_start is None:
            event.ignore()
            return
        self._drag_end = self.widget_to_image(event.position())
        self.update()
        event.accept()

    def mouseReleaseEvent(self, event):
        if event.button() == Qt.MouseButton.MiddleButton and self._pan is not None:
            self._pan = None
            self.unsetCursor()
            event.accept()
            return
        if event.button() != Qt.MouseButton.LeftButton or self._drag_start is None:
            event.ignore()
            return
        self._drag_end = self.widget_to_image(event.position())
        box = self._drag_box()
        (pressed_at, shift), end = self._press, self._drag_end
        self._drag_start = self._drag_end = self._press = None
        self.update()
        event.accept()
        if box is not None and self._is_big_enough(box):
            (self.retarget_made if shift else self.selection_made).emit(*box)
        elif (event.position() - pressed_at).manhattanLength() < MIN_SELECTION_WIDGET:
            target_id = self.target_at(*end)
            if target_id is not None:
                self.target_clicked.emit(target_id)

    def keyPressEvent(self, event):
        if event.key() == Qt.Key.Key_Escape and self._drag_start is not None:
            self._cancel_drag()
            event.accept()
            return
        super().keyPressEvent(event)

    def hideEvent(self, event):
        # A hidden view gets no release event; a drag left open would resume
        # with a stale anchor when it is shown again.
        self._cancel_drag()
        super().hideEvent(event)

    def wheelEvent(self, event):
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier or self._qimage is None:
            if self._qimage is None or self._zoom <= 1.0:
                event.ignore()  # at fit, a plain wheel belongs to any scrolling parent
                return
            # Zoomed in, the wheel pans: down moves the frame up, Shift+wheel sideways.
            event.accept()
            dx, dy = event.angleDelta().x() / 120.0, event.angleDelta().y() / 120.0
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier and not dx:
                dx, dy = dy, 0.0
            step = 0.1 * min(self.width(), self.height())
            self._pan_by(dx * step, dy * step)
            return
        event.accept()
        notches = event.angleDelta().y() / 120.0  # touchpads send fractions of a notch
        zoom = min(max(self._zoom * WHEEL_ZOOM_STEP**notches, 1.0), MAX_ZOOM)
        if zoom == self._zoom:
            return
        cursor = event.position()
        self._centre = centre_keeping((cursor.x(), cursor.y()), self.widget_to_image(cursor),
                                      (self.width(), self.height()), self.image_size(), zoom)
        self.set_zoom(zoom)
        self._moved()

