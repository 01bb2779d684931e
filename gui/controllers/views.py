"""Which views are on screen and how: the main view, side by side or not, in a row or a
column, the side panels placed so the frames show largest; and the painting of a frame
into them."""

from __future__ import annotations

from PyQt6.QtCore import QObject, pyqtSignal

from ..layout import fit_docks
from ..view_area import ARRANGEMENT_CHOICES

VIEW_NAMES = {"track": "Tracking", "backprojection": "Back-projection",
              "segment": "Segmentation", "boundaries": "Boundaries"}


class ViewsController(QObject):
    """Owns the choice of views: ``view`` (the main one) and ``side_by_side`` (the
    tracking view beside the chosen one); the arrangement is the ``area``'s choice.

    Tells the worker which views to prepare (``request_views``) and emits ``changed``
    with (view, side by side, arrangement choice) whenever one of them changes.
    ``window`` and its ``docks`` are laid out by `fit_layout`.
    """

    changed = pyqtSignal(str, bool, str)

    def __init__(self, window, area, docks, params, sources, playback, request_views):
        super().__init__(window)
        self._window = window
        self._area = area
        self._docks = docks
        self._params = params
        self._sources = sources
        self._playback = playback              # the frame on screen, painted again on a change
        self._request_views = request_views
        self.view = "track"
        self.side_by_side = False
        # Zoom and pan apply to every view shown: each follows the other's moves.
        area.main.view_moved.connect(area.side.set_view)
        area.side.view_moved.connect(area.main.set_view)

    # ------------------------------------------------------------------ choices
    def toggle_view(self, view: str):
        self.set_view("track" if self.view == view and view != "track" else view)

    def set_view(self, view: str):
        self.view = view if view in VIEW_NAMES else "track"
        self._send_views()

    def set_side_by_side(self, on: bool, fit: bool = True):
        self.side_by_side = bool(on)
        centre = self._area.main.zoom_centre()
        if self.side_by_side and centre is not None:      # the side view shows what the main does
            self._area.side.set_view(self._area.main.zoom(), *centre)
        self._area.set_side_visible(self.side_by_side)
        if fit:
            self.fit_layout()
        self._send_views()

    def set_arrangement(self, choice: str, fit: bool = True):
        """"auto", "row" or "column" for side by side."""
        self._area.set_choice(choice if choice in ARRANGEMENT_CHOICES else "auto")
        self._emit_changed()
        if fit and self.side_by_side:
            self.fit_layout()

    def arrangement(self) -> str:
        """The arrangement in use: "row" or "column"."""
        return self._area.arrangement()

    def shown_views(self) -> list[str]:
        """The views on screen, main first."""
        if self.side_by_side:
            return ["track", self.view if self.view != "track" else "segment"]
        return [self.view]

    def zoom_to_fit(self):
        """Every view shows its whole frame again (Ctrl+0)."""
        for view in (self._area.main, self._area.side):
            view.set_zoom(1.0)

    def fit_layout(self):
        """Put the panels where they leave the video area the shape that shows the frames
        largest: below a row of two views, beside a column or a single view."""
        info = self._sources.info
        size = info.size if info is not None else (16, 9)
        fit_docks(self._window, self._docks, self._area, size, self.side_by_side,
                  set_low=self._set_low)

    def _set_low(self, low: bool):
        """Each panel that can be laid out low and wide (for below the video) is, or not."""
        for dock in self._docks:
            if hasattr(dock.widget(), "set_low"):
                dock.widget().set_low(low)

    def source_opened(self, info):
        self._area.set_image_size(*info.size)
        if self.side_by_side:
            self.fit_layout()

    def _send_views(self):
        self._emit_changed()
        self._request_views.emit(set(self.shown_views()))
        if self._playback.last_frame is not None:
            self.paint(self._playback.last_frame)

    def _emit_changed(self):
        self.changed.emit(self.view, self.side_by_side, self._area.choice())

    # ------------------------------------------------------------------ painting
    def paint(self, display):
        """Show ``display`` (a DisplayFrame) in the views on screen."""
        names = self.shown_views()
        self._show_in(self._area.main, names[0], display)
        if len(names) > 1:
            self._show_in(self._area.side, names[1], display)

    def _show_in(self, view, name, display):
        image = display.views.get(name)
        if image is None:
            view.set_placeholder(self._why_empty(name))
        view.set_frame(image)
        view.set_tracks(display.states, display.trails, display.selected)

    def _why_empty(self, name: str) -> str:
        if name in ("segment", "boundaries") and not self._params.segment.isChecked():
            return f"{VIEW_NAMES[name]}: segmentation is off (turn it on in Parameters)"
        if name == "backprojection":
            return "Back-projection: no target yet (drag a box on the tracking view)"
        return f"{VIEW_NAMES[name]}: preparing…"
