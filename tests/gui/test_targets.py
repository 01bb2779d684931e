"""Several targets in the app (issue 11, "App"): each drag adds one, a click selects one,
Delete removes the selected one (the others go on as if it had never been), Shift+drag
re-targets it, and the Target panel lists them all."""

import numpy as np
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtGui import QImage

from tests.support.gui_window import disk_box, disk_centre, drag, open_clip, wait_position
from gui.overlay import target_qcolour
from gui.panels import HistogramView
from gui.target_list import TargetList
from gui.video_view import VideoView
from tracker.meanshift.tracker import MeanShiftTracker, TrackState
from tracker.app import track_row
from tracker.app import TrackingPipeline

SIZE = (160, 120)
PANEL = (20, 15, 21, 26)          # the light grey rectangle of the clip, a still target


def _ids(win):
    return win.targets.target_ids() if win.last_frame is not None else []


def _two_targets(qtbot, win):
    """Drag a box on the disk, then one on the grey panel: targets 0 and 1; the boxes
    dragged, in image pixels (as the view gave them to the tracker)."""
    boxes = []
    for box, ids in ((disk_box(0, SIZE), [0]), (PANEL, [0, 1])):
        with qtbot.waitSignal(win.main_view.selection_made, timeout=2000) as dragged:
            drag(qtbot, win.main_view, box)
        boxes.append(tuple(dragged.args))
        qtbot.waitUntil(lambda: _ids(win) == ids, timeout=10000)
    return boxes


def _click(qtbot, view, x, y):
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.image_to_widget(x, y).toPoint())


def _csv_lines(path):
    return path.read_text().splitlines()[1:]


def test_two_drags_give_two_targets_recorded_under_their_ids_and_esc_cancels(qtbot, window, clip, tmp_path):
    path, frames = clip
    open_clip(qtbot, window, path)
    _two_targets(qtbot, window)
    display = window.last_frame
    assert display.selected == 1                              # the newest is selected
    # The first stayed what it was: a second drag no longer replaces it.
    assert display.states[0].box == MeanShiftTracker().init(frames[0], display.states[0].box).box
    # Esc in the middle of a drag adds nothing.
    view = window.main_view
    start = view.image_to_widget(100, 20).toPoint()
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view, start + QPoint(40, 40))
    with qtbot.waitSignal(view.selection_cancelled, timeout=2000):
        qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=start + QPoint(40, 40))
    csv_path = tmp_path / "two.csv"
    window.start_recording("", str(csv_path))
    qtbot.waitUntil(lambda: window.recording, timeout=10000)
    for _ in range(3):
        window.step()
    wait_position(qtbot, window, 3)
    window.request_stop_record.emit()
    qtbot.waitUntil(lambda: not window.recording, timeout=10000)
    rows = [line.split(",")[:2] for line in _csv_lines(csv_path)]
    assert rows == [[str(f), str(i)] for f in range(4) for i in (0, 1)]


def test_click_selects_delete_removes_and_the_other_tracks_as_if_alone(qtbot, window, clip, tmp_path):
    path, frames = clip
    open_clip(qtbot, window, path)
    disk_start, _ = _two_targets(qtbot, window)
    csv_path = tmp_path / "removed.csv"
    window.start_recording("", str(csv_path))
    qtbot.waitUntil(lambda: window.recording, timeout=10000)
    window.step()
    window.step()
    wait_position(qtbot, window, 2)
    # A click inside the disk's box selects it: the panels show that target.
    _click(qtbot, window.main_view, *disk_centre(2, SIZE))
    qtbot.waitUntil(lambda: window.selected == 0, timeout=10000)
    state = window.last_frame.states[0]
    assert window.target_panel.readout.text().startswith("#0 ")
    assert window.target_panel.box() == tuple(round(v, 1) for v in state.box)
    # The disk alone, as the reference for all that follows.
    alone = TrackingPipeline(**window.params.tracker_options())
    rows = [track_row(0, alone.set_target(frames[0], disk_start).states[0], 0)]
    for i in range(1, len(frames)):
        rows.append(track_row(i, alone.process(frames[i]).states[0], 0))
        if i == 2:
            expected = HistogramView()           # its model (it adapts) on frame 2
            expected.set_histogram(*alone.tracker.model_histogram())
    qtbot.waitUntil(lambda: window.histogram._bars == expected._bars, timeout=5000)
    # A click on the panel's row in the list selects it; Delete removes it.
    targets = window.target_panel.targets
    qtbot.waitUntil(lambda: targets.shown_selection() == 0, timeout=5000)
    qtbot.mouseClick(targets.viewport(), Qt.MouseButton.LeftButton,
                     pos=targets.visualItemRect(targets.item(1, 1)).center())
    qtbot.waitUntil(lambda: window.selected == 1, timeout=10000)
    qtbot.keyClick(window.main_view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: _ids(window) == [0], timeout=10000)
    assert window.selected == 0 and targets.ids() == [0]
    window.menus.speed.setCurrentText("every frame")
    window.play()
    with qtbot.waitSignal(window.worker.ended, timeout=60000):
        pass
    qtbot.waitUntil(lambda: not window.recording, timeout=10000)
    lines = _csv_lines(csv_path)
    assert [line for line in lines if line.split(",")[1] == "1"][-1].startswith("2,1,")   # gone at 2
    # The disk's rows are those of a run where it was the only target.
    assert [line for line in lines if line.split(",")[1] == "0"] == [",".join(r) for r in rows]


def test_shift_drag_retargets_the_selected_target_and_keeps_its_id(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    _two_targets(qtbot, window)
    first = window.last_frame.states[0]
    new_box = (110, 70, 30, 30)                                # on the green half
    drag(qtbot, window.main_view, new_box, Qt.KeyboardModifier.ShiftModifier)
    expected = MeanShiftTracker().init(frames[0], new_box).box
    qtbot.waitUntil(lambda: np.allclose(window.last_frame.states[1].box, expected, atol=1.5),
                    timeout=10000)
    assert _ids(window) == [0, 1] and window.selected == 1
    assert window.last_frame.states[0] == first                # the other untouched
    # R clears them all.
    qtbot.keyClick(window.main_view, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: _ids(window) == [], timeout=10000)
    assert window.target_panel.targets.ids() == []


def test_the_list_shows_each_target_with_its_colour_score_and_state(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    _two_targets(qtbot, window)
    states = window.last_frame.states
    targets = window.target_panel.targets
    qtbot.waitUntil(lambda: len(targets.row_texts()) == 2, timeout=5000)
    assert targets.row_texts() == [(f"#{i}", f"{states[i].score:.2f}", "tracked") for i in (0, 1)]
    # The widget itself: a lost target says so, each row has its target's colour.
    listing = TargetList()
    qtbot.addWidget(listing)
    tracked = TrackState((10.0, 10.0, 20.0, 20.0), ((20.0, 20.0), (20.0, 20.0), 0.0), 0.93, False)
    lost = TrackState((50.0, 10.0, 20.0, 20.0), ((60.0, 20.0), (20.0, 20.0), 0.0), 0.12, True)
    listing.show_states({2: tracked, 5: lost}, 5)
    assert listing.row_texts() == [("#2", "0.93", "tracked"), ("#5", "0.12", "LOST")]
    assert [r.row() for r in listing.selectionModel().selectedRows()] == [1]
    for row, target_id in enumerate((2, 5)):
        swatch = listing.item(row, 0).icon().pixmap(8, 8).toImage()
        assert swatch.pixelColor(4, 4) == target_qcolour(target_id)


def test_the_selected_box_is_drawn_thicker(qtbot):
    view = VideoView()
    qtbot.addWidget(view)
    view.resize(320, 240)
    view.set_frame(np.zeros((120, 160, 3), np.uint8))
    states = {0: TrackState((20.0, 20.0, 40.0, 40.0), ((40.0, 40.0), (40.0, 40.0), 0.0), 0.9, False),
              1: TrackState((90.0, 50.0, 40.0, 40.0), ((110.0, 70.0), (40.0, 40.0), 0.0), 0.9, False)}

    def coloured_pixels(selected, target_id):
        view.set_tracks(states, {}, selected)
        image = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
        pixels = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), np.uint8)
        pixels = pixels.reshape(image.height(), image.bytesPerLine())[:, : 3 * image.width()]
        colour = target_qcolour(target_id)
        rgb = pixels.reshape(image.height(), image.width(), 3)
        return int(np.all(rgb == (colour.red(), colour.green(), colour.blue()), axis=2).sum())

    plain = coloured_pixels(None, 0)
    assert coloured_pixels(0, 0) > 1.5 * plain                 # about twice the line
    assert coloured_pixels(0, 1) == coloured_pixels(None, 1)   # the other as it was
    assert view.target_at(30, 30) == 0 and view.target_at(100, 60) == 1 and view.target_at(80, 5) is None


def test_the_parameters_are_the_selected_targets(qtbot, window, clip):
    """Bins changed with target 1 selected retrain target 1 only (target 0 goes on as it
    was); selecting target 0 shows its own bins again in the parameters."""
    path, frames = clip
    open_clip(qtbot, window, path)
    _two_targets(qtbot, window)
    assert window.selected == 1
    window.params.bins.setValue(6)
    qtbot.waitUntil(lambda: window.last_frame.tracker_options.get("bins") == 6, timeout=10000)
    pipeline = window.worker.session.pipeline
    assert pipeline.options_of(1)["bins"] == 6 and pipeline.options_of(0)["bins"] == 16
    assert pipeline.targets.tracker(1).space.nbins[0] == 6
    assert pipeline.targets.tracker(0).space.nbins[0] == 16
    window.select_target(0)
    qtbot.waitUntil(lambda: window.selected == 0, timeout=10000)
    qtbot.waitUntil(lambda: window.params.bins.value() == 16, timeout=10000)
    assert pipeline.options_of(0)["bins"] == 16         # showing them changed nothing


def _lab(colours):
    """CIE Lab of (r, g, b) triples."""
    import cv2

    rgb = np.array([colours], np.float32) / 255.0
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab)[0].astype(np.float64)


def test_targets_added_one_after_another_differ_in_colour_and_none_is_near_the_rim():
    from gui.overlay import SELECTED_RIM

    colours = [target_qcolour(i) for i in range(300)]
    lab = _lab([(c.red(), c.green(), c.blue()) for c in colours])
    rim = _lab([(SELECTED_RIM.red(), SELECTED_RIM.green(), SELECTED_RIM.blue())])[0]
    assert np.linalg.norm(lab - rim, axis=1).min() >= 50          # white: the rim alone is
    for start in range(0, 300 - 24):                                # any 24 ids in a row
        run = lab[start:start + 24]
        distances = np.linalg.norm(run[:, None] - run[None], axis=2)[~np.eye(24, dtype=bool)]
        assert distances.min() >= 20, start
    assert colours[0].green() > 150 and colours[0].red() < 100     # the first is still green


def test_a_single_colour_target_shows_a_wide_bar(qtbot):
    view = HistogramView()
    qtbot.addWidget(view)
    view.resize(160, 80)
    view.show()
    weights = np.zeros(64)
    weights[5], weights[6] = 1.0, 0.001                  # one colour, and a speck of another
    colours = np.zeros((64, 3), np.uint8)
    colours[5] = (30, 30, 230)
    view.set_histogram(weights, colours)
    image = view.grab().toImage()
    row = [image.pixelColor(x, 60) for x in range(view.width())]
    red = sum(1 for c in row if c.red() > 200 and c.green() < 60)
    assert red >= view.width() / HistogramView.MIN_SLOTS - 4        # not a 3 px sliver


def test_reset_leaves_the_box_fields_empty(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    panel = window.target_panel
    assert panel.box() is None and panel.fields["x"].text() == "\u2013"
    window.set_target(disk_box(0, SIZE))
    qtbot.waitUntil(lambda: panel.box() is not None, timeout=10000)
    qtbot.keyClick(window.main_view, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: window.last_frame.selected_state is None, timeout=10000)
    assert panel.box() is None and [panel.fields[n].text() for n in "xywh"] == ["\u2013"] * 4
    panel.apply()                                           # Set box with no box: nothing
    qtbot.wait(100)
    assert _ids(window) == []


def _boxes(win):
    return {i: s.box for i, s in win.last_frame.states.items()}


def _near(box, expected):
    """The same box, but for the last bits (a box learnt again from a box it gave)."""
    return box is not None and np.allclose(box, expected, rtol=0, atol=1e-9)


def _undo(qtbot, win, redo=False):
    modifiers = Qt.KeyboardModifier.ControlModifier
    if redo:
        modifiers |= Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(win.main_view, Qt.Key.Key_Z, modifiers)


def test_undo_and_redo_adding_moving_and_removing_targets(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    disk, panel_box = _two_targets(qtbot, window)
    for _ in range(3):                                  # the disk moves on from its first box
        window.step()
    wait_position(qtbot, window, 3)
    before = _boxes(window)
    # Undo the adds: they go; redo: they come back under their ids, where they were.
    _undo(qtbot, window)
    qtbot.waitUntil(lambda: _ids(window) == [0], timeout=10000)
    assert window.menus.redo.text() == "Redo Add Target"
    _undo(qtbot, window)
    qtbot.waitUntil(lambda: _ids(window) == [], timeout=10000)
    _undo(qtbot, window, redo=True)
    _undo(qtbot, window, redo=True)
    qtbot.waitUntil(lambda: sorted(_ids(window)) == [0, 1], timeout=10000)
    assert all(_near(_boxes(window)[i], before[i]) for i in before)
    # Move (Shift+drag) target 1, undo, redo.
    moved = (100.0, 20.0, 24.0, 30.0)
    window.select_target(1)
    qtbot.waitUntil(lambda: window.selected == 1, timeout=5000)
    drag(qtbot, window.main_view, moved, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: _boxes(window)[1] != before[1], timeout=10000)
    after_move = _boxes(window)[1]
    assert window.menus.undo.text() == "Undo Move Target #1"
    _undo(qtbot, window)
    qtbot.waitUntil(lambda: _near(_boxes(window).get(1), before[1]), timeout=10000)
    _undo(qtbot, window, redo=True)
    qtbot.waitUntil(lambda: _near(_boxes(window).get(1), after_move), timeout=10000)
    # Remove target 0 on a later frame; undo brings it back as #0 with the box it had there.
    window.step()
    wait_position(qtbot, window, 4)
    window.select_target(0)
    qtbot.waitUntil(lambda: window.selected == 0, timeout=5000)
    box_0 = _boxes(window)[0]
    qtbot.keyClick(window.main_view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: _ids(window) == [1], timeout=10000)
    _undo(qtbot, window)
    qtbot.waitUntil(lambda: sorted(_ids(window)) == [0, 1], timeout=10000)
    assert _near(_boxes(window)[0], box_0) and window.last_frame.position == 4
    # R, undone: both come back.
    kept = _boxes(window)
    qtbot.keyClick(window.main_view, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: _ids(window) == [], timeout=10000)
    _undo(qtbot, window)
    qtbot.waitUntil(lambda: sorted(_ids(window)) == [0, 1], timeout=10000)
    assert all(_near(_boxes(window)[i], kept[i]) for i in kept)
    # Undo all the way back: no target, and a new one gets a fresh id.
    while window.menus.undo.isEnabled():
        _undo(qtbot, window)
    qtbot.waitUntil(lambda: _ids(window) == [], timeout=10000)
    drag(qtbot, window.main_view, PANEL)
    qtbot.waitUntil(lambda: _ids(window) == [2], timeout=10000)
