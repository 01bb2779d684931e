"""The app's views (issue 10 items 4-7): a paused parameter change re-renders the frame,
side by side fills the video area, the back-projection shows the box, overlays keep
their size on screen and stay with the box, segmentation runs only when it is shown."""

import cv2
import numpy as np
import pytest
from PyQt6.QtCore import QPointF

from tests.support.gui_window import disk_box, make_clip, new_window, open_clip, wait_position
from gui.overlay import LABEL_GAP, TRACK_COLOUR, box_corners
from tracker.app import RecordPlan
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
