"""The app's views (issue 10 items 4-7): a paused parameter change re-renders the frame,
side by side fills the video area, the back-projection shows the box, overlays keep
their size on screen and stay with the box, segmentation runs only when it is shown."""

import cv2
import numpy as np
import pytest
from PyQt6.QtCore import QPoint, QPointF, Qt
from PyQt6.QtGui import QWheelEvent
from PyQt6.QtWidgets import QApplication

from tests.support.gui_window import disk_box, make_clip, new_window, open_clip, wait_position
from gui.overlay import LABEL_GAP, TRACK_COLOUR, box_corners
from tracker.app import RecordPlan, Session
from gui.video_view import VideoView
from gui.view_area import best_arrangement, frames_share
from tracker.app import draw_tracks
from tracker.meanshift.tracker import MeanShiftTracker, TrackState
from tracker.segmentation.segment import SegmentationStream

SIZE = (160, 120)


def test_a_paused_parameter_change_renders_the_frame_on_screen_again(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    window.set_target(disk_box(0, SIZE))
    qtbot.waitUntil(lambda: window.last_frame.selected_state is not None, timeout=10000)
    for _ in range(5):
        window.step()
    wait_position(qtbot, window, 5)
    window.set_view("backprojection")
    qtbot.waitUntil(lambda: "backprojection" in window.last_frame.views, timeout=10000)
    box = window.last_frame.selected_state.box
    # Bins 16 -> 6 while paused: the back-projection of this frame by a tracker that
    # learnt the target here with 6 bins, without stepping. (Waiting for that picture
    # rather than for "the next frame shown": a re-render of the view switch may still
    # be on its way under load.)
    reference = MeanShiftTracker(bins=6)
    reference.init(frames[5], box)
    expected = np.clip(reference.back_projection(frames[5]) * 255.0, 0, 255).astype(np.uint8)
    renders = []
    window.frame_displayed.connect(renders.append)
    window.params.bins.setValue(6)

    def shows(view, picture):
        shown = window.last_frame
        return view in shown.views and np.array_equal(shown.views[view][..., :picture.shape[-1]]
                                                      if picture.ndim == 3 else shown.views[view][..., 0],
                                                      picture)

    qtbot.waitUntil(lambda: shows("backprojection", expected), timeout=10000)
    assert all(d.position == 5 for d in renders)                  # no step was taken
    assert window.last_frame.selected_state.score == pytest.approx(1.0)    # the model learnt on this frame
    # A fixed bandwidth while paused: this frame segmented with it at once.
    window.set_view("segment")
    qtbot.waitUntil(lambda: "segment" in window.last_frame.views, timeout=10000)
    renders.clear()
    window.params.auto_bandwidth.setChecked(False)         # a re-render with the fixed 10 ...
    window.params.bandwidth.setValue(5.0)                  # ... and one with 5
    expected = SegmentationStream(bandwidth=5.0).update(frames[5]).recolored()
    qtbot.waitUntil(lambda: shows("segment", expected), timeout=10000)
    assert renders and all(d.position == 5 for d in renders)


def test_segmentation_runs_only_while_a_view_shows_it_or_a_recording_keeps_it(qtbot, window, clip,
                                                                              tmp_path):
    path, frames = clip
    open_clip(qtbot, window, path)
    window.step()
    wait_position(qtbot, window, 1)
    assert window.last_frame.segment_ms == 0 and window.worker.session.result.segmentation is None
    window.set_view("boundaries")
    qtbot.waitUntil(lambda: "boundaries" in window.last_frame.views, timeout=10000)
    assert window.last_frame.position == 1                        # the paused frame, segmented now
    window.step()
    wait_position(qtbot, window, 2)
    assert window.last_frame.segment_ms > 0
    window.set_view("track")
    window.step()
    wait_position(qtbot, window, 3)
    assert window.worker.session.result.segmentation is None
    # A recording of the segmentation needs it even while no view shows it.
    window.record(RecordPlan(str(tmp_path / "seg.mkv"), "", ("track", "segment"), each=True))
    qtbot.waitUntil(lambda: window.recording, timeout=10000)
    window.step()
    wait_position(qtbot, window, 4)
    assert window.worker.session.result.segmentation is not None and window.last_frame.segment_ms > 0
    window.request_stop_record.emit()
    qtbot.waitUntil(lambda: not window.recording, timeout=10000)


def test_frames_share_and_best_arrangement_against_hand_computed_layouts():
    # Two 160x90 frames in a 324x90 area fill all but the 4 px gap in a row; in a
    # column each gets (90 - 4) / 2 = 43 px of height, so 43/90 of its size.
    assert frames_share(324, 90, 160, 90, "row", gap=4) == pytest.approx(320 / 324)
    assert frames_share(324, 90, 160, 90, "column", gap=4) == pytest.approx(
        2 * (43 / 90) ** 2 * 160 * 90 / (324 * 90))
    assert best_arrangement(1000, 300, 16, 9) == "row"
    assert best_arrangement(500, 600, 16, 9) == "column"


def test_side_by_side_fills_the_video_area_of_a_default_window_with_a_16_9_clip(qtbot, tmp_path):
    path = tmp_path / "wide.avi"
    make_clip(path, size=(320, 180), frames=5)
    win = new_window(qtbot, tmp_path, "fresh.ini")             # no saved geometry: default size
    try:
        assert (win.width(), win.height()) == (1200, 700)
        win.set_side_by_side(True)
        open_clip(qtbot, win, path)
        qtbot.waitUntil(lambda: win.side_view.image_size() == (320, 180), timeout=10000)
        qtbot.waitUntil(lambda: win.view_area.shown_share() >= 0.8, timeout=5000)
        assert win.views.arrangement() == "row"
        # The user may choose a column: the side view goes below the main one.
        win.set_arrangement("column")
        qtbot.waitUntil(lambda: win.side_view.y() > win.main_view.y() + win.main_view.height() - 1,
                        timeout=5000)
        assert win.side_view.x() == win.main_view.x()
    finally:
        win.close()


def test_the_back_projection_view_shows_the_box(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    window.set_view("backprojection")
    window.set_side_by_side(True)
    box = disk_box(0, SIZE)
    window.set_target(box)
    qtbot.waitUntil(lambda: "backprojection" in window.last_frame.views, timeout=10000)
    view = window.side_view
    image = view.grab().toImage()
    state = window.last_frame.selected_state
    # The box's edge, in the side view, painted in the track colour.
    x, y, w, h = state.box
    hits = 0
    for fx in np.linspace(0.2, 0.8, 7):
        p = view.image_to_widget(x + fx * w, y)
        # The 2 px line straddles the edge: one of the rows around it is fully covered.
        colours = [image.pixelColor(int(p.x()), int(p.y()) + d) for d in (-1, 0, 1)]
        hits += any(c.green() > 150 and c.red() < 100 and c.blue() < 100 for c in colours)
    assert hits >= 5


def _state(rotated, score=0.87, lost=False):
    (cx, cy), (w, h), _ = rotated
    return TrackState((cx - w / 2, cy - h / 2, w, h), rotated, score, lost)


@pytest.mark.parametrize("angle", [0.0, 30.0])
def test_overlay_label_keeps_its_screen_size_and_stays_on_the_box(qtbot, angle):
    frame = np.full((480, 640, 3), 90, np.uint8)
    state = _state(((320.0, 240.0), (120.0, 60.0), angle))
    sizes = []
    for widget_size in ((320, 240), (1280, 960)):           # the frame shown at 0.5x and 2x
        view = VideoView()
        qtbot.addWidget(view)
        view.resize(*widget_size)
        view.show()
        view.set_frame(frame)
        view.set_tracks({0: state}, {0: [(300.0, 250.0), (320.0, 240.0)]})
        text, rect = view.track_label()
        sizes.append((rect.width(), rect.height()))
        corners = [view.image_to_widget(x + 0.5, y + 0.5) for x, y in box_corners(state.rotated)]
        top = min(corners, key=lambda p: (round(p.y()), p.x()))
        assert text == "#0 0.87"
        assert rect.bottom() == pytest.approx(top.y() - LABEL_GAP, abs=0.01)   # just above the top corner
        assert rect.left() == pytest.approx(top.x(), abs=0.01)
        # The box itself is painted along its mapped edge, on screen.
        image = view.grab().toImage()
        a, b = corners[1], corners[2]
        mid = QPointF((a.x() + b.x()) / 2, (a.y() + b.y()) / 2)
        colour = image.pixelColor(int(mid.x()), int(mid.y()))
        assert colour.green() > 0.7 * TRACK_COLOUR.green() and max(colour.red(), colour.blue()) < 60
    assert sizes[0] == sizes[1]                                      # same size on screen


def test_box_corners_match_opencv():
    for rotated in (((50.0, 40.0), (30.0, 10.0), 0.0), ((10.5, 7.25), (4.0, 9.0), 37.0),
                    ((0.0, 0.0), (5.0, 5.0), -80.0)):
        assert np.allclose(box_corners(rotated), cv2.boxPoints(rotated), atol=1e-4)


def test_recorded_label_sits_on_the_top_corner_of_a_rotated_box():
    image = np.zeros((240, 320, 3), np.uint8)
    state = _state(((160.0, 130.0), (120.0, 50.0), 35.0))
    draw_tracks(image, {0: state})
    corners = cv2.boxPoints(state.rotated)
    top = corners[np.argmin(corners[:, 1])]
    # Text pixels (the label, above the box) lie just above its top corner, not above
    # the axis-aligned box's left edge, which is 30+ px away from a box rotated 35 deg.
    above = image[: int(top[1]) - 2]
    ys, xs = np.nonzero(above[..., 1] > 100)
    assert len(xs) > 20
    assert abs(xs.min() - top[0]) <= 3 and int(top[1]) - ys.max() <= 12


def _photo_clips(tmp_path):
    """Two clips of one photo, sharp and blurred: the same colours (no scene cut between
    them) but a segmentation bandwidth of their own (about 12 and 10 Lab units)."""
    import os

    import sklearn

    image = cv2.imread(os.path.join(os.path.dirname(sklearn.__file__), "datasets", "images", "china.jpg"))
    sharp = cv2.resize(image, (320, 214), interpolation=cv2.INTER_AREA)
    paths = []
    for name, frame in (("sharp", sharp), ("blurred", cv2.GaussianBlur(sharp, (0, 0), 3))):
        path = tmp_path / f"{name}.avi"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (320, 214))
        for _ in range(4):
            writer.write(frame)
        writer.release()
        paths.append(path)
    return paths


def test_a_second_source_is_segmented_as_if_it_were_opened_first(qtbot, window, tmp_path):
    first, second = _photo_clips(tmp_path)
    window.set_view("segment")
    open_clip(qtbot, window, first)
    for _ in range(2):
        window.step()
    wait_position(qtbot, window, 2)
    window.open_source(str(second))
    qtbot.waitUntil(lambda: window.info.name == str(second) and "segment" in window.last_frame.views,
                    timeout=20000)
    window.step()
    wait_position(qtbot, window, 1)
    fresh = Session(segment=True, segment_options=window.params.segmentation_options())
    fresh.set_views({"segment"})
    fresh.open(str(second))
    fresh.step()
    expected = fresh.images(fresh.step())["segment"]
    np.testing.assert_array_equal(window.last_frame.views["segment"], expected)


def _wheel(view, cursor, notches, modifiers=Qt.KeyboardModifier.ControlModifier):
    event = QWheelEvent(cursor, view.mapToGlobal(cursor), QPoint(0, 0), QPoint(0, int(120 * notches)),
                        Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view, event)


def test_zoom_and_pan_apply_to_every_view_shown_and_the_zoom_is_shown(qtbot, window, clip):
    path, frames = clip
    window.resize(1200, 700)
    open_clip(qtbot, window, path)
    window.set_side_by_side(True)
    window.set_arrangement("row")
    main, side = window.main_view, window.side_view
    qtbot.waitUntil(lambda: side.image_size() is not None, timeout=10000)
    assert main.zoom_label() is None                            # at fit, nothing said
    # Ctrl+wheel over the main view: both views zoom around the same image point.
    _wheel(main, QPointF(main.width() * 0.3, main.height() * 0.4), 3)
    assert main.zoom() == pytest.approx(1.25 ** 3) and side.zoom() == main.zoom()
    assert side.zoom_centre() == pytest.approx(main.zoom_centre())
    text, rect = main.zoom_label()
    scale = main.image_rect().width() / SIZE[0]
    assert text == f"{scale * 100:.0f} %" and rect.right() <= main.width()
    image = main.grab().toImage()                                # painted in the corner:
    at = QPointF(rect.left() + 2, rect.center().y())             # its dark plate, no text there
    painted = image.pixelColor(at.toPoint())
    x, y = main.widget_to_image(at)
    under = window.last_frame.views["track"][int(y), int(x)]
    assert painted.red() + painted.green() + painted.blue() < 0.6 * int(under.sum())
    # A drag with the middle button pans both (up and left: the zoom put the image's top
    # edge a few pixels above the view's, so there is room that way whatever the height).
    before = main.zoom_centre()
    start = QPoint(main.width() // 2, main.height() // 2)
    qtbot.mousePress(main, Qt.MouseButton.MiddleButton, pos=start)
    qtbot.mouseMove(main, start + QPoint(-40, -20))
    qtbot.mouseRelease(main, Qt.MouseButton.MiddleButton, pos=start + QPoint(-40, -20))
    moved = main.zoom_centre()
    assert moved == pytest.approx((before[0] + 40 / scale, before[1] + 20 / scale))
    assert side.zoom_centre() == pytest.approx(moved)
    assert window.targets.target_ids() == []                     # panning adds no target
    # The wheel pans too, over the side view; the main one follows.
    _wheel(side, QPointF(10, 10), -1, Qt.KeyboardModifier.NoModifier)
    assert side.zoom_centre()[1] > moved[1] and main.zoom_centre() == pytest.approx(side.zoom_centre())
    # Ctrl+0 fits both.
    qtbot.keyClick(main, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert main.zoom() == side.zoom() == 1.0 and main.zoom_label() is None
