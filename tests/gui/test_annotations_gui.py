"""Loaded annotations in the app: painted on every view on exactly the frames the file has
them on, targets started from them (a click, L), an OTB folder's own first box offered."""

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor

from gui.annotation_layer import ANNOTATION_COLOUR
from tests.support.clips import make_sequence
from tests.support.gui_window import disk_box, open_clip, wait_position
from tracker.app.annotations import read_annotations

SIZE = (160, 120)
WHITE_BOX = (20, 15, 21, 26)          # the clip's still white rectangle


def write_mot(path):
    """Id 1 on the disk on frames 5-40, id 2 on the white rectangle on frames 10-50 (MOT's
    frames, ids and corners count from 1)."""
    rows = [(f, 1, disk_box(f, SIZE)) for f in range(5, 41)] + [(f, 2, WHITE_BOX) for f in range(10, 51)]
    path.write_text("".join(f"{f + 1},{i},{x + 1},{y + 1},{w},{h},1,-1,-1,-1\n"
                            for f, i, (x, y, w, h) in sorted(rows)))
    return path


def load(qtbot, window, path):
    window.annotations.load(str(path))
    qtbot.waitUntil(lambda: window.annotations.annotations is not None, timeout=10000)


def seek(qtbot, window, frame):
    window.request_seek.emit(frame)
    wait_position(qtbot, window, frame)


def annotation_pixels(view, layer, box) -> int:
    """Pixels along ``box``'s top edge that the layer paints in the loaded boxes' colour
    (the view grabbed with the layer's boxes and without)."""
    shown = view.grab().toImage()
    boxes, label, base = layer.boxes, layer._label, layer._id_base
    layer.set_boxes({})
    bare = view.grab().toImage()
    layer.set_boxes(boxes, label, base)
    x, y, w, h = box
    top_left, top_right = view.image_to_widget(x, y).toPoint(), view.image_to_widget(x + w, y).toPoint()
    near = 0
    for px in range(top_left.x() + 2, top_right.x() - 2):
        for py in (top_left.y() - 1, top_left.y(), top_left.y() + 1):
            c = QColor(shown.pixel(px, py))
            near += shown.pixel(px, py) != bare.pixel(px, py) and max(
                abs(c.red() - ANNOTATION_COLOUR.red()), abs(c.green() - ANNOTATION_COLOUR.green()),
                abs(c.blue() - ANNOTATION_COLOUR.blue())) < 40
    return near


def test_loaded_boxes_are_painted_on_every_view_on_the_frames_the_file_has_them(qtbot, window, clip, tmp_path):
    path, _ = clip
    mot = write_mot(tmp_path / "gt.txt")
    window.set_side_by_side(True)
    open_clip(qtbot, window, path)
    load(qtbot, window, mot)
    expected = read_annotations(mot)
    for frame in (0, 4, 5, 12, 40, 41, 50, 51, 59):
        seek(qtbot, window, frame)
        want = expected.boxes_on(frame)
        for layer in window.annotations.layers:
            assert layer.boxes == want, f"frame {frame}"          # as read from the file
    assert set(expected.boxes_on(12)) == {0, 1} and expected.boxes_on(0) == {}
    assert "loaded 77 boxes of 2 targets" in window.status.message.full_text()
    seek(qtbot, window, 12)
    for view, layer in zip((window.main_view, window.side_view), window.annotations.layers):
        assert annotation_pixels(view, layer, WHITE_BOX) > 8      # drawn, dashed, in their colour


def test_a_click_on_a_loaded_box_tracks_that_box(qtbot, window, clip, tmp_path):
    path, _ = clip
    open_clip(qtbot, window, path)
    load(qtbot, window, write_mot(tmp_path / "gt.txt"))
    seek(qtbot, window, 12)
    view = window.main_view
    x, y, w, h = WHITE_BOX
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.image_to_widget(x + w / 2, y + h / 2).toPoint())
    qtbot.waitUntil(lambda: len(window.last_frame.states) == 1, timeout=10000)
    assert window.last_frame.states[0].box == pytest.approx(WHITE_BOX)
    # A click on it again selects the tracked box over it, and adds nothing.
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.image_to_widget(x + w / 2, y + h / 2).toPoint())
    qtbot.wait(300)
    assert list(window.last_frame.states) == [0]


def test_l_goes_to_the_first_loaded_boxes_and_tracks_them_once(qtbot, window, clip, tmp_path):
    path, _ = clip
    open_clip(qtbot, window, path)
    load(qtbot, window, write_mot(tmp_path / "gt.txt"))
    qtbot.keyClick(window.main_view, Qt.Key.Key_L)            # frame 0 has none: frame 5 has the disk's
    wait_position(qtbot, window, 5)
    qtbot.waitUntil(lambda: len(window.last_frame.states) == 1, timeout=10000)
    assert window.last_frame.states[0].box == pytest.approx(disk_box(5, SIZE))
    seek(qtbot, window, 10)                                   # the disk's is tracked, the rectangle's not
    qtbot.keyClick(window.main_view, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: len(window.last_frame.states) == 2, timeout=10000)
    assert window.last_frame.states[1].box == pytest.approx(WHITE_BOX)
    qtbot.keyClick(window.main_view, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: "tracked already" in window.status.message.full_text(), timeout=5000)
    assert len(window.last_frame.states) == 2


def test_an_otb_folder_offers_its_first_box(qtbot, window, tmp_path):
    boxes = make_sequence(tmp_path / "Dog1")
    open_clip(qtbot, window, tmp_path / "Dog1")
    qtbot.waitUntil(lambda: window.annotations.annotations is not None, timeout=10000)
    assert window.annotations.layers[0].boxes == {0: tuple(boxes[0])}
    assert "Dog1's ground truth loaded" in window.status.message.full_text()
    qtbot.keyClick(window.main_view, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: len(window.last_frame.states) == 1, timeout=10000)
    assert window.last_frame.states[0].box == pytest.approx(tuple(boxes[0]))
    window.step()
    wait_position(qtbot, window, 1)
    assert window.annotations.layers[0].boxes == {0: tuple(boxes[1])}


def test_annotations_of_another_frame_size_are_refused_like_roi_from(qtbot, window, clip, tmp_path):
    from tracker.app.annotation_export import write_cvat
    from tracker.app.annotations import Annotations, Box

    path, _ = clip
    open_clip(qtbot, window, path)
    cvat = write_cvat(Annotations(tracks={0: {3: Box(*WHITE_BOX, keyframe=True)}}, frame_size=(320, 240),
                                  frame_count=60), tmp_path / "other.xml")
    window.annotations.load(str(cvat))
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=10000)
    assert "annotated on 320x240 frames, but the source's are 160x120" in window.last_error
    assert window.annotations.annotations is None


def test_annotations_need_a_source_and_a_readable_file(qtbot, window, clip, tmp_path):
    window.annotations.choose_file()
    assert "open the video first" in window.last_error
    path, _ = clip
    open_clip(qtbot, window, path)
    bad = tmp_path / "bad.txt"
    bad.write_text("this is not an annotation file\n")
    window.annotations.load(str(bad))
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=10000)
    assert "cannot load annotations" in window.last_error and window.annotations.annotations is None
