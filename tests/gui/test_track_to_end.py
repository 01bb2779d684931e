"""Track to end in the app: every frame tracked as a headless session tracks it and stored;
scrubbing shows the stored states; a correction re-tracks; Esc stops; the timeline marks
the lost frames where the states are lost; File > Export Tracks writes what `export_track`
makes of a recording of the same run."""

import time

import pytest
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QStyle, QStyleOptionSlider

from gui.overlay import LOST_COLOUR, target_qcolour
from gui.timeline import TRACKED_DARKER
from gui.worker_tracks import ExportPlan
from tests.support.gui_window import disk_box, open_clip, wait_position
from tests.support.labelling import GONE, SIZE, headless_states, make_occluded_clip
from tracker.app import RecordPlan
from tracker.app.annotation_export import export_track

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def occluded(tmp_path):
    return make_occluded_clip(tmp_path / "occluded.avi")


def start_on_disk(qtbot, window, path):
    open_clip(qtbot, window, path)
    window.set_target(disk_box(0, SIZE))
    qtbot.waitUntil(lambda: window.last_frame.selected_state is not None, timeout=10000)


def track_to_end(qtbot, window):
    with qtbot.waitSignal(window.worker.tracks.run_finished, timeout=60000) as finished:
        qtbot.keyClick(window.main_view, Qt.Key.Key_E, CTRL)
    return finished.args


def stored(window) -> dict:
    log = window.worker.session.track_log
    return {int(f): log.state(0, f) for f in log.frames(0)}


def test_track_to_end_stores_what_a_headless_session_tracks_and_scrubbing_shows_it(qtbot, window, occluded):
    start_on_disk(qtbot, window, occluded)
    assert track_to_end(qtbot, window) == ["end", 0, 59]
    wait_position(qtbot, window, 59)
    headless, _ = headless_states(occluded, tracker_options=window.params.tracker_options())
    assert stored(window) == headless                        # every frame, state for state
    assert [f for f, s in headless.items() if s.lost] == list(GONE)
    assert "no target lost" not in window.status.message.full_text()
    assert "#0 lost on 10 frames from frame 25" in window.status.message.full_text()
    # Scrubbing shows the stored states; nothing is tracked again.
    pipeline = window.worker.session.pipeline
    tracked = pipeline.index
    for frame in (30, 10, 45, 9):
        window.request_seek.emit(frame)
        wait_position(qtbot, window, frame)
        assert window.last_frame.states == {0: headless[frame]}
    window.step()
    wait_position(qtbot, window, 10)
    assert window.last_frame.states == {0: headless[10]} and pipeline.index == tracked


def test_the_timeline_marks_the_lost_frames_and_seeks_where_clicked(qtbot, window, occluded):
    start_on_disk(qtbot, window, occluded)
    track_to_end(qtbot, window)
    headless, _ = headless_states(occluded, tracker_options=window.params.tracker_options())
    timeline = window.timeline
    lost = [f for f, s in headless.items() if s.lost]
    qtbot.waitUntil(lambda: timeline.lost_frames(0) == lost, timeout=5000)
    assert timeline.tracked_frames(0) == [f for f, s in headless.items() if not s.lost]
    image = timeline.grab().toImage()
    y = timeline.height() // 2
    for frame in range(60):                                   # the colour under each frame's slider position
        colour = QColor(image.pixel(round(timeline.x_of(frame)), y))
        want = LOST_COLOUR if frame in lost else target_qcolour(0).darker(TRACKED_DARKER)
        if frame != 59:                                       # the position line covers the last
            assert colour.rgb() == want.rgb(), f"frame {frame}"
    for frame in (27, 3):
        qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(round(timeline.x_of(frame)), y))
        wait_position(qtbot, window, frame)
        assert window.last_frame.states == {0: headless[frame]}
    slider = window.bar.slider                                # each mark sits under the slider's handle
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    handle = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                           QStyle.SubControl.SC_SliderHandle, slider)
    centre = timeline.mapFromGlobal(slider.mapToGlobal(handle.center())).x()
    assert slider.value() == 3 and abs(centre - timeline.x_of(3)) <= 1


def test_a_correction_then_track_to_end_retracks_from_there_as_headless(qtbot, window, occluded):
    start_on_disk(qtbot, window, occluded)
    track_to_end(qtbot, window)
    window.request_seek.emit(GONE.stop)                       # the disk is back, the track not yet
    wait_position(qtbot, window, GONE.stop)
    box = (50.0, 30.0, 29.0, 29.0)
    window.targets.retarget(0, box)                           # what Shift+drag does
    qtbot.waitUntil(lambda: window.last_frame.states[0].box == pytest.approx(box), timeout=10000)
    assert max(stored(window)) == GONE.stop                   # the frames after it were dropped
    assert track_to_end(qtbot, window) == ["end", GONE.stop, 59]
    headless, session = headless_states(occluded, tracker_options=window.params.tracker_options())
    session.seek(GONE.stop)
    session.retarget(0, box)
    while session.step() is not None:
        pass
    log = session.track_log
    assert stored(window) == {int(f): log.state(0, f) for f in log.frames(0)}
    assert all(stored(window)[f] == headless[f] for f in range(GONE.stop))


def test_esc_stops_track_to_end_and_keeps_what_it_tracked(qtbot, window, tmp_path, monkeypatch):
    long_clip = make_occluded_clip(tmp_path / "long.avi", frames=300, gone=())
    start_on_disk(qtbot, window, long_clip)
    session = window.worker.session
    step = session.step
    monkeypatch.setattr(session, "step", lambda segment=None: (time.sleep(0.01), step(segment))[1])
    assert not window.menus.stop_tracking.isEnabled()        # Esc cancels drags until a run starts
    qtbot.keyClick(window.main_view, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: window.tracks.running and window.tracks.progress.isVisible(), timeout=10000)
    assert window.menus.stop_tracking.isEnabled() and not window.menus.track_to_end.isEnabled()
    with qtbot.waitSignal(window.worker.tracks.run_finished, timeout=10000) as finished:
        qtbot.keyClick(window.main_view, Qt.Key.Key_Escape)
    why, first, last = finished.args
    assert why == "stopped" and first == 0 and 0 < last < 299
    assert sorted(stored(window)) == list(range(last + 1))   # every frame up to where it stopped
    wait_position(qtbot, window, last)
    assert not window.tracks.progress.isVisible() and not window.menus.stop_tracking.isEnabled()


def test_export_tracks_writes_what_export_track_makes_of_the_recording(qtbot, window, occluded, tmp_path,
                                                                       monkeypatch):
    home = tmp_path / "home"
    (home / "Videos").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    start_on_disk(qtbot, window, occluded)
    window.record(RecordPlan(csv_path=str(tmp_path / "run.csv")))
    qtbot.waitUntil(lambda: window.recording, timeout=10000)
    track_to_end(qtbot, window)
    qtbot.waitUntil(lambda: not window.recording, timeout=10000)   # the end closes the recording
    window.menus.export_tracks.trigger()
    dialog = window.tracks.dialog
    assert dialog.isVisible() and dialog.path.text() == str(home / "Videos" / "occluded-cvat.xml")
    dialog.buttons_by_format["mot"].setChecked(True)
    assert dialog.path.text() == str(home / "Videos" / "occluded-mot.txt") and not dialog.label.isEnabled()
    with qtbot.waitSignal(window.worker.tracks.exported, timeout=10000):
        dialog.accept()
    export_track(tmp_path / "run.csv", tmp_path / "reference.txt", "mot", source=str(occluded))
    assert (home / "Videos" / "occluded-mot.txt").read_bytes() == (tmp_path / "reference.txt").read_bytes()
    assert "exported 1 target(s), 50 boxes, as MOT file" in window.status.message.full_text()
    plan = ExportPlan(str(tmp_path / "app.xml"), "cvat", "disk")
    with qtbot.waitSignal(window.worker.tracks.exported, timeout=10000):
        assert window.tracks.export(plan)
    export_track(tmp_path / "run.csv", tmp_path / "reference.xml", "cvat", source=str(occluded), label="disk")
    assert (tmp_path / "app.xml").read_bytes() == (tmp_path / "reference.xml").read_bytes()
    # Nothing is written over: an existing file (here, nobody to ask), nor an input.
    assert not window.tracks.export(plan) and "not replaced" in window.last_error
    window.annotations.load(str(tmp_path / "reference.txt"))
    qtbot.waitUntil(lambda: window.annotations.annotations is not None, timeout=10000)
    window.tracks.request_export.emit(ExportPlan(str(tmp_path / "reference.txt"), "mot"))
    qtbot.waitUntil(lambda: "overwrite" in (window.last_error or ""), timeout=10000)
    assert (tmp_path / "reference.txt").read_bytes() == (home / "Videos" / "occluded-mot.txt").read_bytes()
