"""A stable layout: what the panels say never moves the video, the Record dialog shows
all its text, and a small window still leaves the video most of its height, its
toolbar every button."""

import pytest
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtWidgets import QApplication, QToolBar

from gui.controllers import VIEW_NAMES
from gui.display import DisplayFrame
from gui.record_dialog import RecordDialog
from tests.support.gui_window import disk_box, make_clip, open_clip
from tracker.meanshift.tracker import TrackState

SIZE = (160, 120)


def _geometry(win):
    """Where the video and each panel are in the window."""
    view = win.main_view
    return ((view.mapTo(win, QPoint(0, 0)), view.size()),
            [(d.mapTo(win, QPoint(0, 0)), d.size()) for d in win.docks])


def _settle(qtbot):
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


def test_selecting_a_lost_target_moves_neither_the_video_nor_the_panels(qtbot, window, clip):
    path, frames = clip
    window.resize(1200, 700)
    open_clip(qtbot, window, path)
    window.set_target(disk_box(0, SIZE))
    qtbot.waitUntil(lambda: window.last_frame.selected_state is not None, timeout=10000)
    _settle(qtbot)
    before = _geometry(window)
    tracked = window.last_frame.selected_state
    lost = TrackState(tracked.box, (tracked.rotated[0], tracked.rotated[1], -179.0), 0.12, True)
    for target_id in (0, 1234):
        display = DisplayFrame(position=0, frame_count=60, views=window.last_frame.views,
                               states={target_id: lost}, selected=target_id)
        window.targets.show_targets(display, True)
        _settle(qtbot)
        assert "LOST" in window.target_panel.readout.text()
        assert _geometry(window) == before


def test_the_record_dialog_shows_all_its_text_when_the_files_line_wraps(qtbot, window):
    long_folder = "/home/someone/" + "/".join(["a-rather-long-folder-name"] * 5)
    dialog = RecordDialog(window, f"{long_folder}/clip-track.mkv", ["track", "segment"], VIEW_NAMES, "row")
    qtbot.addWidget(dialog)
    dialog.show()
    _settle(qtbot)
    for each in (False, True):                       # three files: more lines
        dialog.each_view.setChecked(each)
        _settle(qtbot)
        summary = dialog.summary
        assert summary.isVisible() and summary.height() >= summary.heightForWidth(summary.width())
        for path in dialog.plan().files():
            assert path in summary.text().replace("\u200b", "")
        bottom = dialog.ok_button.mapTo(dialog, QPoint(0, dialog.ok_button.height()))
        assert bottom.y() <= dialog.height()                 # the buttons are inside the dialog
        assert summary.mapTo(dialog, QPoint(0, summary.height())).y() <= \
            dialog.ok_button.mapTo(dialog, QPoint(0, 0)).y()    # and the text above them


@pytest.mark.parametrize("size", [(160, 120), (320, 180)], ids=["4:3", "16:9"])
@pytest.mark.parametrize("side_by_side", [False, True], ids=["one-view", "side-by-side"])
def test_a_small_window_leaves_the_video_most_of_its_height_and_shows_record(qtbot, window, tmp_path,
                                                                            size, side_by_side):
    path = tmp_path / "clip.avi"
    make_clip(path, size)
    open_clip(qtbot, window, path)
    window.resize(800, 500)
    _settle(qtbot)
    window.set_side_by_side(side_by_side)
    _settle(qtbot)
    assert (window.width(), window.height()) == (800, 500)
    for dock in window.docks:
        if window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea:
            assert dock.height() <= 0.3 * window.height()
    assert window.view_area.height() >= 0.5 * window.height()
    toolbar = window.findChild(QToolBar, "Controls")
    for action in (window.menus.record, window.menus.play, window.menus.side_by_side):
        button = toolbar.widgetForAction(action)
        assert button is not None and button.isVisible(), action.text()
        assert button.geometry().right() <= toolbar.width()
