"""Tests of gui.video_view.VideoView: coordinate mapping, painting and mouse selection."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("pytestqt")
from PyQt6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PyQt6.QtGui import QWheelEvent  # noqa: E402
from PyQt6.QtWidgets import QApplication  # noqa: E402

from gui.video_view import BACKGROUND, BAND_COLOUR, VideoView  # noqa: E402

FRAME_W, FRAME_H = 200, 100
BLOCK = 20

# Widget size, zoom, zoom centre. The 200x100 frame exactly fits 400x200,
# gets left/right bars in 600x200 and top/bottom bars in 200x400.
FIT = ((400, 200), 1.0, None)
WIDE = ((600, 200), 1.0, None)
TALL = ((200, 400), 1.0, None)
ZOOM2 = ((400, 200), 2.0, (60.0, 40.0))
VIEWS = {"fit": FIT, "wide": WIDE, "tall": TALL, "zoom2": ZOOM2}


def block_frame():
    """A BGR frame of 20x20 blocks, each a colour of its own."""
    frame = np.empty((FRAME_H, FRAME_W, 3), np.uint8)
    for by in range(FRAME_H // BLOCK):
        for bx in range(FRAME_W // BLOCK):
            frame[by * BLOCK:(by + 1) * BLOCK, bx * BLOCK:(bx + 1) * BLOCK] = (
                40 + 20 * bx, 60 + 40 * by, 230 - 15 * bx)
    return frame


def quadrant_frame():
    """A BGR frame with blue, green / red, grey quadrants (none of them yellow)."""
    frame = np.empty((FRAME_H, FRAME_W, 3), np.uint8)
    frame[:50, :100] = (255, 0, 0)
    frame[:50, 100:] = (0, 255, 0)
    frame[50:, :100] = (0, 0, 255)
    frame[50:, 100:] = (128, 128, 128)
    return frame


def make_view(qtbot, view=FIT, frame=None):
    (w, h), zoom, centre = view
    widget = VideoView()
    qtbot.addWidget(widget)
    widget.resize(w, h)
    widget.show()
    qtbot.waitExposed(widget)
    assert (widget.width(), widget.height()) == (w, h)
    if frame is not False:
        widget.set_frame(quadrant_frame() if frame is None else frame)
    widget.set_zoom(zoom)
    if centre is not None:
        widget.set_zoom_centre(*centre)
    return widget


def bgr_at(image, point):
    """BGR colour of the rendered widget pixel containing widget position `point`."""
    c = image.pixelColor(int(point.x()), int(point.y()))
    return np.array([c.blue(), c.green(), c.red()])


def rgb_of(qcolor):
    return np.array([qcolor.blue(), qcolor.green(), qcolor.red()])


def drag(qtbot, widget, start, end, release=True, steps=4):
    """Left-drag from widget position `start` to `end` in a few moves."""
    start, end = QPointF(start), QPointF(end)
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start.toPoint())
    for i in range(1, steps + 1):
        t = i / steps
        qtbot.mouseMove(widget, (start + (end - start) * t).toPoint())
    if release:
        qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end.toPoint())


def drag_image_box(qtbot, widget, box, **kwargs):
    x, y, w, h = box
    drag(qtbot, widget, widget.image_to_widget(x, y), widget.image_to_widget(x + w, y + h),
         **kwargs)


# ------------------------------------------------------------------ mapping

EXPECTED_RECTS = {  # painted frame corners (left, top, right, bottom), worked out by hand
    "fit": (0, 0, 400, 200),
    "wide": (100, 0, 500, 200),  # scale 2, 100 px bars left and right
    "tall": (0, 150, 200, 250),  # scale 1, 150 px bars above and below
    # scale 4 with image point (60, 40) at the widget centre (200, 100)
    "zoom2": (200 - 4 * 60, 100 - 4 * 40, 200 + 4 * 140, 100 + 4 * 60),
}


@pytest.mark.parametrize("name", VIEWS)
def test_mapping_corners_and_inverse(qtbot, name):
    widget = make_view(qtbot, VIEWS[name])
    left, top, right, bottom = EXPECTED_RECTS[name]
    for (ix, iy), (wx, wy) in [((0, 0), (left, top)), ((FRAME_W, 0), (right, top)),
                               ((0, FRAME_H), (left, bottom)),
                               ((FRAME_W, FRAME_H), (right, bottom))]:
        p = widget.image_to_widget(ix, iy)
        assert (p.x(), p.y()) == pytest.approx((wx, wy))
        assert widget.widget_to_image(QPointF(wx, wy)) == pytest.approx((ix, iy))
    rect = widget.image_rect()
    assert (rect.left(), rect.top(), rect.right(), rect.bottom()) == pytest.approx(
        (left, top, right, bottom))
    rng = np.random.default_rng(0)
    for wx, wy in rng.uniform(-50, 650, size=(20, 2)):
        ix, iy = widget.widget_to_image(QPointF(wx, wy))
        back = widget.image_to_widget(ix, iy)
        assert (back.x(), back.y()) == pytest.approx((wx, wy))


def test_zoom_centre_is_clamped_so_the_frame_covers_the_view(qtbot):
    widget = make_view(qtbot, ((400, 200), 2.0, (0.0, 0.0)))
    p = widget.image_to_widget(0, 0)
    assert (p.x(), p.y()) == pytest.approx((0, 0))
    assert widget.zoom_centre() == pytest.approx((50, 25))
    widget.set_zoom(0.5)  # below fit is not allowed
    assert widget.zoom() == 1.0
    assert widget.image_rect().getRect() == pytest.approx((0, 0, 400, 200))


def test_ctrl_wheel_zooms_around_the_cursor(qtbot):
    widget = make_view(qtbot, FIT)
    cursor = QPointF(150, 70)
    before = widget.widget_to_image(cursor)

    def wheel(modifiers):
        event = QWheelEvent(cursor, widget.mapToGlobal(cursor), QPoint(0, 0), QPoint(0, 120),
                            Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase,
                            False)
        QApplication.sendEvent(widget, event)

    wheel(Qt.KeyboardModifier.NoModifier)
    assert widget.zoom() == 1.0
    with qtbot.waitSignal(widget.zoom_changed, timeout=1000):
        wheel(Qt.KeyboardModifier.ControlModifier)
    assert widget.zoom() == pytest.approx(1.25)
    assert widget.widget_to_image(cursor) == pytest.approx(before)


# ----------------------------------------------------------------- painting

@pytest.mark.parametrize("name", VIEWS)
def test_painted_pixels_match_the_mapping(qtbot, name):
    frame = block_frame()
    widget = make_view(qtbot, VIEWS[name], frame)
    image = widget.grab().toImage()
    rect = widget.image_rect()
    label = widget.zoom_label()                  # zoomed in, the zoom shows in a corner
    checked_image = checked_bar = 0
    for wy in range(0, widget.height(), 7):
        for wx in range(0, widget.width(), 7):
            centre = QPointF(wx + 0.5, wy + 0.5)
            if label is not None and label[1].contains(centre):
                continue
            ix, iy = widget.widget_to_image(centre)
            got = bgr_at(image, centre)
            if 0 <= ix < FRAME_W and 0 <= iy < FRAME_H:
                # Skip pixels where smoothing blends two blocks.
                if min(ix % BLOCK, BLOCK - ix % BLOCK, iy % BLOCK, BLOCK - iy % BLOCK) < 1.5:
                    continue
                assert np.abs(got - frame[int(iy), int(ix)]).max() <= 3, (wx, wy)
                checked_image += 1
            elif not rect.adjusted(-1.5, -1.5, 1.5, 1.5).contains(centre):
                assert np.abs(got - rgb_of(BACKGROUND)).max() <= 1, (wx, wy)
                checked_bar += 1
    assert checked_image > 300
    if name in ("wide", "tall"):
        assert checked_bar > 300
    else:
        assert checked_bar == 0


@pytest.mark.parametrize("name", ["wide", "tall"])
def test_quadrants_and_letterbox_bars(qtbot, name):
    frame = quadrant_frame()
    widget = make_view(qtbot, VIEWS[name], frame)
    image = widget.grab().toImage()
    for ix, iy in [(50, 25), (150, 25), (50, 75), (150, 75)]:
        got = bgr_at(image, widget.image_to_widget(ix + 0.5, iy + 0.5))
        assert np.abs(got - frame[iy, ix]).max() <= 2
    bars = [QPointF(50, 100), QPointF(550, 100)] if name == "wide" else [
        QPointF(100, 75), QPointF(100, 325)]
    for point in bars:
        assert np.abs(bgr_at(image, point) - rgb_of(BACKGROUND)).max() <= 1


def test_gray_and_non_contiguous_frames(qtbot):
    frame = block_frame()
    strided = np.ascontiguousarray(frame[:, ::-1])[:, ::-1]  # same pixels, negative stride
    assert not strided.flags.c_contiguous
    widget = make_view(qtbot, FIT, strided)
    assert widget.image_size() == (FRAME_W, FRAME_H)
    image = widget.grab().toImage()
    assert np.array_equal(bgr_at(image, widget.image_to_widget(30.5, 30.5)), frame[30, 30])

    gray = frame[..., 1].copy()
    widget.set_frame(gray[::2, ::2])  # every other pixel: 100x50
    assert widget.image_size() == (FRAME_W // 2, FRAME_H // 2)
    image = widget.grab().toImage()
    got = bgr_at(image, widget.image_to_widget(15.5, 15.5))
    assert np.array_equal(got, [gray[30, 30]] * 3)

    with pytest.raises(ValueError, match="uint8"):
        widget.set_frame(frame.astype(np.float32))
    with pytest.raises(ValueError, match="shape"):
        widget.set_frame(np.zeros((10, 10, 4), np.uint8))


def test_placeholder_and_overlay_text_are_drawn(qtbot):
    widget = make_view(qtbot, FIT, frame=False)
    assert widget.image_size() is None
    background = rgb_of(BACKGROUND)

    def changed(region):
        image = widget.grab().toImage()
        x0, y0, x1, y1 = region
        return sum(np.abs(bgr_at(image, QPointF(x, y)) - background).max() > 30
                   for y in range(y0, y1) for x in range(x0, x1))

    centre, corner = (150, 90, 250, 110), (0, 0, 150, 30)
    assert changed(centre) == 0 and changed(corner) == 0
    widget.set_placeholder("Open a video")
    assert changed(centre) > 0
    widget.set_overlay_text("Drag a box around the target")
    assert changed(corner) > 0
    widget.set_frame(quadrant_frame())
    widget.set_overlay_text("")
    image = widget.grab().toImage()
    assert np.array_equal(bgr_at(image, QPointF(5, 5)), [255, 0, 0])


# ---------------------------------------------------------------- selection

@pytest.mark.parametrize("name", VIEWS)
def test_drag_selects_the_image_box(qtbot, name):
    widget = make_view(qtbot, VIEWS[name])
    box = (30.0, 20.0, 60.0, 30.0)
    with qtbot.waitSignal(widget.selection_made, timeout=1000) as blocker:
        drag_image_box(qtbot, widget, box)
    assert blocker.args == pytest.approx(box, abs=1.0)


def test_drag_in_any_direction_gives_a_positive_box(qtbot):
    widget = make_view(qtbot, WIDE)
    with qtbot.waitSignal(widget.selection_made, timeout=1000) as blocker:
        drag(qtbot, widget, widget.image_to_widget(90, 70), widget.image_to_widget(30, 20))
    assert blocker.args == pytest.approx((30, 20, 60, 50), abs=1.0)


def test_drag_that_leaves_the_image_is_clipped(qtbot):
    widget = make_view(qtbot, WIDE)
    # Press in the left bar, end inside the frame.
    with qtbot.waitSignal(widget.selection_made, timeout=1000) as blocker:
        drag(qtbot, widget, QPointF(20, 10), widget.image_to_widget(50, 60))
    assert blocker.args == pytest.approx((0, 5, 50, 55), abs=1.0)

    widget.resize(*TALL[0])
    # Start inside, end in the bottom-right corner of the bottom bar.
    with qtbot.waitSignal(widget.selection_made, timeout=1000) as blocker:
        drag(qtbot, widget, widget.image_to_widget(150, 40), QPointF(199, 390))
    assert blocker.args == pytest.approx((150, 40, 50, 60), abs=1.0)


def test_small_drags_emit_nothing(qtbot):
    widget = make_view(qtbot, WIDE)  # 2 widget px per image px
    with qtbot.assertNotEmitted(widget.selection_made):
        drag_image_box(qtbot, widget, (50, 50, 3, 20))  # under 4 image px wide
        drag_image_box(qtbot, widget, (50, 50, 20, 3))
        drag(qtbot, widget, QPointF(5, 5), QPointF(90, 190))  # all in the bar
    widget.set_frame(np.zeros((1000, 2000, 3), np.uint8))  # 0.3 widget px per image px
    with qtbot.assertNotEmitted(widget.selection_made):
        drag(qtbot, widget, QPointF(200, 100), QPointF(205, 105))  # ~16 image, 5 widget px
    with qtbot.waitSignal(widget.selection_made, timeout=1000):  # just above both limits
        drag(qtbot, widget, QPointF(200, 100), QPointF(208, 108))


def test_escape_cancels_a_drag(qtbot):
    widget = make_view(qtbot, FIT)
    drag_image_box(qtbot, widget, (30, 20, 60, 30), release=False)
    with qtbot.waitSignal(widget.selection_cancelled, timeout=1000):
        qtbot.keyClick(widget, Qt.Key.Key_Escape)
    with qtbot.assertNotEmitted(widget.selection_made):
        qtbot.mouseMove(widget, QPoint(300, 150))
        qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=QPoint(300, 150))
    # The next drag works as usual.
    with qtbot.waitSignal(widget.selection_made, timeout=1000):
        drag_image_box(qtbot, widget, (30, 20, 60, 30))


def test_no_frame_or_right_button_selects_nothing(qtbot):
    widget = make_view(qtbot, FIT, frame=False)
    with qtbot.assertNotEmitted(widget.selection_made):
        drag(qtbot, widget, QPointF(20, 20), QPointF(300, 150))
    widget.set_frame(quadrant_frame())
    drag(qtbot, widget, QPointF(20, 20), QPointF(300, 150), release=False)
    with qtbot.waitSignal(widget.selection_cancelled, timeout=1000):
        widget.set_frame(None)  # the source went away mid-drag
    with qtbot.assertNotEmitted(widget.selection_made):
        qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=QPoint(300, 150))
    widget.set_frame(quadrant_frame())
    with qtbot.assertNotEmitted(widget.selection_made):
        qtbot.mousePress(widget, Qt.MouseButton.RightButton, pos=QPoint(20, 20))
        qtbot.mouseMove(widget, QPoint(300, 150))
        qtbot.mouseRelease(widget, Qt.MouseButton.RightButton, pos=QPoint(300, 150))


def band_fraction(widget, box):
    """Fraction of the pixels along the top edge of image `box` drawn in the band colour."""
    x, y, w, h = box
    image = widget.grab().toImage()
    top_left, right = widget.image_to_widget(x, y), widget.image_to_widget(x + w, y).x()
    hits = total = 0
    for wx in range(int(top_left.x()) + 4, int(right) - 4):
        total += 1
        hits += any(np.abs(bgr_at(image, QPointF(wx, top_left.y() + dy))
                           - rgb_of(BAND_COLOUR)).max() < 60 for dy in (-1, 0, 1))
    return hits / total


@pytest.mark.parametrize("name", ["wide", "zoom2"])
def test_rubber_band_is_drawn_during_a_drag_and_survives_new_frames(qtbot, name):
    widget = make_view(qtbot, VIEWS[name])
    box = (30.0, 20.0, 60.0, 30.0)
    assert band_fraction(widget, box) == 0
    drag_image_box(qtbot, widget, box, release=False)
    assert band_fraction(widget, box) > 0.3
    for shade in (0, 80, 160):  # frames keep arriving mid-drag
        widget.set_frame(np.full((FRAME_H, FRAME_W, 3), shade, np.uint8))
    assert band_fraction(widget, box) > 0.3
    end = widget.image_to_widget(box[0] + box[2], box[1] + box[3]).toPoint()
    with qtbot.waitSignal(widget.selection_made, timeout=1000) as blocker:
        qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end)
    assert blocker.args == pytest.approx(box, abs=1.0)
    assert band_fraction(widget, box) == 0


@pytest.mark.parametrize("view", [((400, 200), 2.0, (61.3, 40.7)),
                                  ((333, 217), 5.0, (77.7, 33.1))])
def test_magnified_pixels_sit_exactly_where_the_mapping_says(qtbot, view):
    # Magnified views draw without smoothing, so every widget pixel shows
    # exactly one image pixel: the one its centre maps into. A half-pixel
    # error in the mapping would show up here.
    frame = np.random.default_rng(1).integers(0, 256, (FRAME_H, FRAME_W, 3), np.uint8)
    widget = make_view(qtbot, view, frame)
    image = widget.grab().toImage()
    label = widget.zoom_label()[1]                # the zoom shown in a corner
    checked = 0
    for wy in range(0, widget.height(), 3):
        for wx in range(0, widget.width(), 3):
            if label.contains(QPointF(wx + 0.5, wy + 0.5)):
                continue
            ix, iy = widget.widget_to_image(QPointF(wx + 0.5, wy + 0.5))
            if min(ix % 1, 1 - ix % 1, iy % 1, 1 - iy % 1) < 0.05:
                continue  # on a pixel boundary, rounding may go either way
            assert np.array_equal(bgr_at(image, QPointF(wx, wy)), frame[int(iy), int(ix)])
            checked += 1
    assert checked > 3000
