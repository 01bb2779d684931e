"""The app's playback controls (issue 10 items 1-3, 7): play after a seek from the end,
every jump tells the tracker, the slider goes where it is clicked, frame and time
readouts, go-to-frame, the status bar."""

import time

import numpy as np
import pytest
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtWidgets import QStyle, QStyleOptionSlider

from tests.support.gui_window import disk_box, new_window, open_clip, wait_position
from gui.playback_bar import format_time


def test_play_after_the_end_continues_from_a_seek_or_a_step_back(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    last = len(frames) - 1
    window.menus.speed.setCurrentText("every frame")
    window.request_seek.emit(last - 3)
    wait_position(qtbot, window, last - 3)
    with qtbot.waitSignal(window.worker.ended, timeout=20000):
        window.play()
    assert window.last_frame.position == last
    # Seek back from the end, then Play: it plays on from there, not from frame 0.
    window.request_seek.emit(30)
    wait_position(qtbot, window, 30)
    seen = []                                      # positions the worker plays, as it sends them
    window.worker.frame_ready.connect(lambda d: seen.append(d.position) if d.views else None,
                                      Qt.ConnectionType.DirectConnection)
    window.request_stop_at.emit(35)
    window.play()
    wait_position(qtbot, window, 35)
    # The list is filled in the worker's thread, after the window's queued copy went out.
    qtbot.waitUntil(lambda: seen and seen[-1] == 35, timeout=5000)
    assert min(seen) >= 30
    # The same after the end with a step back.
    with qtbot.waitSignal(window.worker.ended, timeout=20000):
        window.play()
    window.step_back()
    wait_position(qtbot, window, last - 1)
    seen.clear()
    with qtbot.waitSignal(window.worker.ended, timeout=20000):
        window.play()
    assert seen and min(seen) >= last - 1
    # At the very end, Play still starts again (there is nothing left to play).
    window.play()
    qtbot.waitUntil(lambda: min(seen) < 10, timeout=20000)


def test_every_jump_tells_the_tracker_the_frames_do_not_follow(qtbot, window, clip, monkeypatch):
    path, frames = clip
    open_clip(qtbot, window, path)
    window.set_target(disk_box(0, (160, 120)))
    qtbot.waitUntil(lambda: window.last_frame.selected_state is not None, timeout=10000)
    pipeline = window.worker.session.pipeline
    jumps = []
    original = pipeline.jumped
    monkeypatch.setattr(pipeline, "jumped", lambda: (jumps.append(1), original()))
    for i in range(3):
        window.step()
    wait_position(qtbot, window, 3)
    assert jumps == []                                   # stepping forward is no jump
    # Frames the track log holds are shown from it, not tracked (tests/gui/test_track_to_end.py):
    # a target learnt on frame 3 has none of the frames sought below.
    window.set_target(disk_box(3, (160, 120)))
    qtbot.waitUntil(lambda: window.last_frame.selected == 1, timeout=10000)
    checks = [(lambda: qtbot.keyClick(window.main_view, Qt.Key.Key_Left), 2),
              (lambda: qtbot.keyClick(window.main_view, Qt.Key.Key_End), len(frames) - 1),
              (lambda: qtbot.keyClick(window.main_view, Qt.Key.Key_Home), 0),
              (lambda: window.request_seek.emit(40), 40)]
    for n, (gesture, position) in enumerate(checks, 1):
        gesture()
        wait_position(qtbot, window, position)
        assert len(jumps) == n, f"jump {n} to {position} did not go through jumped()"
    # Go to frame: Ctrl+G, type, Enter.
    qtbot.keyClick(window.main_view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert window.bar.frame.hasFocus()
    window.bar.frame.lineEdit().selectAll()
    qtbot.keyClicks(window.bar.frame.lineEdit(), "17")
    qtbot.keyClick(window.bar.frame.lineEdit(), Qt.Key.Key_Return)
    wait_position(qtbot, window, 17)
    assert len(jumps) == len(checks) + 1
    assert all(len(t) <= 1 for t in window.worker.session.pipeline._trails.values())   # the jump drew no path


def _groove_x(slider, value):
    """Widget x of ``value`` on the slider's groove, by the style's own mapping."""
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    style = slider.style()
    groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                  QStyle.SubControl.SC_SliderGroove, slider)
    handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                  QStyle.SubControl.SC_SliderHandle, slider)
    span = groove.width() - handle.width()
    return groove.x() + handle.width() / 2 + span * value / slider.maximum(), groove.center().y()


def test_slider_click_lands_on_the_clicked_frame_and_readouts_follow(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    slider = window.bar.slider
    for target in (45, 12):                     # far from the handle: once a 10-frame page step
        x, y = _groove_x(slider, target)
        qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=QPoint(round(x), y))
        qtbot.waitUntil(lambda: abs(window.last_frame.position - target) <= 1, timeout=10000)
        position = window.last_frame.position
        assert window.bar.frame.value() == position
        assert window.bar.time.text() == f"{format_time(position / 30)} / {format_time(59 / 30)}"
    assert window.bar.total.text() == "/ 59"


def test_status_bar_says_preparing_then_paused_and_counts_dropped_per_run(qtbot, tmp_path, clip):
    window = new_window(qtbot, tmp_path)
    # Until the worker says the kernels are warm (no event has been handled yet).
    assert window.status.timing.text().startswith("preparing") and not window.ready
    path, frames = clip
    open_clip(qtbot, window, path)
    qtbot.waitUntil(lambda: window.ready, timeout=20000)
    assert "paused" in window.status.timing.text() and "fps" not in window.status.timing.text()
    window.request_stop_at.emit(20)
    window.play()
    qtbot.waitUntil(lambda: window.playing, timeout=10000)
    qtbot.waitUntil(lambda: "shown" in window.status.timing.text(), timeout=10000)
    wait_position(qtbot, window, 20)
    qtbot.waitUntil(lambda: not window.playing, timeout=10000)
    assert window.status.timing.text().startswith("paused")
    # Dropped frames count from Play: a fresh run starts at 0 whatever the last one dropped.
    window.worker._dropped = 7
    window.play()
    qtbot.waitUntil(lambda: window.last_frame.position > 20, timeout=10000)
    assert window.last_frame.dropped < 7
    window.close()


def test_long_errors_are_shortened_in_the_status_bar_but_kept_whole(qtbot, window):
    message = "cannot open '/a/very/long/path/" + "x" * 300 + ".mp4': no such file"
    window.show_error(message)
    label = window.status.message
    assert label.full_text() == message and label.toolTip() == message
    shown_text = label.elided_text()
    assert len(shown_text) < len(message) and "…" in shown_text
    assert shown_text.startswith("cannot open") and shown_text.endswith("no such file")


class _FakeCamera:
    """A live source whose frames were captured 0.25 s before they are read."""

    name, fps, size, frame_count, is_live, position = "camera:7", 30.0, (64, 48), None, True, 0
    truncated, error = False, None
    DELAY = 0.25

    def __init__(self):
        self.last_capture_time = None

    def read(self):
        time.sleep(0.01)
        self.last_capture_time = time.monotonic() - self.DELAY
        self.position += 1
        return np.full((48, 64, 3), 100, np.uint8)

    def close(self):
        pass


def test_live_sources_show_the_capture_to_display_latency(qtbot, window, monkeypatch):
    monkeypatch.setattr("tracker.app.session.open_source", lambda spec, **options: _FakeCamera())
    window.open_source("camera:7")
    qtbot.waitUntil(lambda: window.playing and "latency" in window.status.timing.text(), timeout=10000)
    latency = float(window.status.timing.text().split("latency ")[1].split(" ms")[0])
    assert latency >= _FakeCamera.DELAY * 1e3              # at least the camera's own delay
    window.request_pause.emit()


def test_the_status_bar_tells_the_speed_and_drops_only_what_it_drops(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    timing, dropped = window.status.timing, window.status.dropped
    window.menus.speed.setCurrentText("4x")
    window.request_stop_at.emit(40)
    window.play()
    qtbot.waitUntil(lambda: "shown" in timing.text(), timeout=10000)
    assert ", source 30 fps at 4x = 120" in timing.text() and " of 30" not in timing.text()
    assert dropped.text().startswith("dropped")
    qtbot.waitUntil(lambda: not window.playing, timeout=20000)
    # Every frame: each one is shown, none dropped, and the status does not say it drops.
    window.request_seek.emit(0)
    wait_position(qtbot, window, 0)
    window.menus.speed.setCurrentText("every frame")
    shown = []
    window.frame_displayed.connect(lambda display: shown.append(display.position))
    window.request_stop_at.emit(30)
    window.play()
    qtbot.waitUntil(lambda: "shown" in timing.text(), timeout=10000)
    assert ", every frame" in timing.text()
    qtbot.waitUntil(lambda: not window.playing, timeout=20000)
    # The stop can reach the window before the last frame is painted (frame_displayed
    # follows the paint): wait until frame 30 has been shown (a timeout fails the test).
    qtbot.waitUntil(lambda: shown[-1:] == [30], timeout=5000)
    assert shown == list(range(1, 31)) and window.last_frame.dropped == 0
    window.play()
    qtbot.waitUntil(lambda: "shown" in timing.text() and window.last_frame.position > 33, timeout=10000)
    assert "dropped" not in dropped.text()


def test_end_of_source_is_said_until_playback_leaves_the_end(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    message = window.status.message
    window.menus.speed.setCurrentText("every frame")
    window.request_seek.emit(len(frames) - 3)
    wait_position(qtbot, window, len(frames) - 3)
    with qtbot.waitSignal(window.worker.ended, timeout=20000):
        window.play()
    qtbot.waitUntil(lambda: message.full_text() == "end of source", timeout=5000)
    window.request_stop_at.emit(5)
    # Played at "every frame" speed, the five frames may be over before `window.playing`
    # is polled: wait for the worker's word that it started instead.
    with qtbot.waitSignal(window.worker.playing_changed, timeout=5000, check_params_cb=lambda playing: playing):
        window.play()                                  # again from the start
    qtbot.waitUntil(lambda: message.full_text() != "end of source", timeout=5000)
    wait_position(qtbot, window, 5)
    assert message.full_text() != "end of source"
    with qtbot.waitSignal(window.worker.ended, timeout=20000):
        window.request_seek_end.emit()
        window.play()
    qtbot.waitUntil(lambda: message.full_text() == "end of source", timeout=5000)
    window.step_back()
    wait_position(qtbot, window, len(frames) - 2)
    assert message.full_text() != "end of source"
