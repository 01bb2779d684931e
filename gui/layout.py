"""Where the side panels go so that the video area has the shape that shows frames largest.

Two 16:9 frames side by side want an area 32:9 wide; stacked, 16:18. A window with its
panels on the right leaves about 16:10 for the video, so either way half of it would be
black bars. Below a row of two views the panels fill what the frames leave; beside a
column, or a single view, they sit on the right.
"""

from __future__ import annotations

from PyQt6.QtCore import QRect, Qt

from .view_area import GAP, best_arrangement, frames_share

SEPARATOR = 6           # a dock area's splitter handle, about
MAX_BOTTOM_SHARE = 0.5  # the panels below never take more than this of the height


def _covered(w, h, image, arrangement):
    return frames_share(w, h, *image, arrangement) * max(w, 0) * max(h, 0)


def fit_docks(window, docks, area, image_size, side_by_side: bool, set_low=None) -> str:
    """Dock ``docks`` of ``window`` right or bottom for the ``area`` (a ViewArea) showing
    frames of ``image_size``; returns the dock area chosen ("right" or "bottom").
    ``set_low(bool)`` lays the panels out low and wide (for the bottom) or not.
    Floating panels stay where the user put them."""
    set_low = set_low or (lambda low: None)
    docked = [d for d in docks if not d.isFloating()]
    if not side_by_side or not docked:
        set_low(False)
        _dock(window, docked, "right")
        return "right"
    central = window.centralWidget().geometry()
    work = QRect(central)
    for dock in docked:
        if dock.isVisible():
            work = work.united(dock.geometry())
    bar = max(central.height() - area.height(), 0)
    shown = [d for d in docked if not d.isHidden()] or docked
    set_low(False)
    dock_w = max(d.sizeHint().width() for d in shown) + SEPARATOR
    set_low(True)
    dock_h = max(d.sizeHint().height() for d in shown) + SEPARATOR
    right = (work.width() - dock_w, work.height() - bar)
    bottom = (work.width(), work.height() - bar - dock_h)
    choice = area.choice()

    def best(size):
        if choice != "auto":
            return choice, _covered(*size, image_size, choice)
        arrangement = best_arrangement(*size, *image_size)
        return arrangement, _covered(*size, image_size, arrangement)

    (_, right_px), (bottom_arr, bottom_px) = best(right), best(bottom)
    if bottom_px > right_px:
        _dock(window, docked, "bottom")
        if bottom_arr == "row":
            # Just the height a row of two frames fills; the panels take the rest.
            ideal = (work.width() - GAP) / 2 * image_size[1] / image_size[0]
            height = work.height() - bar - ideal - SEPARATOR
            height = min(max(height, dock_h - SEPARATOR), MAX_BOTTOM_SHARE * work.height())
            window.resizeDocks(docked, [int(height)] * len(docked), Qt.Orientation.Vertical)
        return "bottom"
    set_low(False)
    _dock(window, docked, "right")
    return "right"


def _dock(window, docks, where):
    if not docks:
        return
    area = (Qt.DockWidgetArea.RightDockWidgetArea if where == "right"
            else Qt.DockWidgetArea.BottomDockWidgetArea)
    if all(window.dockWidgetArea(d) == area for d in docks):
        return
    orientation = Qt.Orientation.Vertical if where == "right" else Qt.Orientation.Horizontal
    window.addDockWidget(area, docks[0])
    for previous, dock in zip(docks, docks[1:]):
        window.addDockWidget(area, dock)
        window.splitDockWidget(previous, dock, orientation)
