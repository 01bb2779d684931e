"""The app's controls (issue 10 items 8, 10, 11): restore defaults, the box typed in,
the view keys, the hint after R, the shortcuts dialog, Open stream."""

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QInputDialog

from tests.support.gui_window import disk_box, new_window, open_clip, wait_position
from gui.controllers import HINT
from gui.panels import DEFAULTS
from gui.shortcuts import ShortcutsDialog, shortcut_rows

SIZE = (160, 120)


def test_restore_defaults_brings_back_the_first_run_parameters(qtbot, tmp_path, clip):
    path, frames = clip
    win = new_window(qtbot, tmp_path)
    open_clip(qtbot, win, path)
    params = win.params
    params.colour_space.setCurrentText("hsv")
    params.bins.setValue(9)
    params.pattern.setCurrentText("on")
    params.auto_bandwidth.setChecked(False)
    params.bandwidth.setValue(23.0)
    params.kernel.setCurrentText("gaussian")
    qtbot.waitUntil(lambda: win.worker.session.pipeline.segmenter.kernel == "gaussian", timeout=10000)
    win.close()
    # They persist into the next session...
    win = new_window(qtbot, tmp_path)
    assert win.params.values() == {"colour_space": "hsv", "bins": 9, "pattern": "on", "segment": True,
                                   "auto_bandwidth": False, "bandwidth": 23.0, "kernel": "gaussian"}
    assert win.worker.session.pipeline.options_of() == {"colour_space": "hsv", "bins": 9,
                                                        "pattern_filter": True}
    # ... until Restore defaults, which the worker gets at once.
    qtbot.mouseClick(win.params.restore_button, Qt.MouseButton.LeftButton)
    assert win.params.values() == DEFAULTS
    pipeline = win.worker.session.pipeline
    qtbot.waitUntil(lambda: pipeline.options_of() == {"colour_space": "bgr", "bins": 16,
                                                      "pattern_filter": None}
                    and pipeline.segmenter.kernel == "flat" and pipeline.segmenter.fixed_bandwidth is None,
                    timeout=10000)
    assert not win.params.bandwidth.isEnabled()
    assert "Lab" in win.params.bandwidth.toolTip() and "every kernel" in win.params.bandwidth.toolTip()
    win.close()
    win = new_window(qtbot, tmp_path)
    assert win.params.values() == DEFAULTS
    win.close()


def test_the_box_can_be_typed_and_its_coordinates_are_shown(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    box = disk_box(0, SIZE)
    panel = window.target_panel
    for name, value in zip("xywh", box):
        field = panel.fields[name]
        field.lineEdit().selectAll()
        qtbot.keyClicks(field.lineEdit(), str(value))
    qtbot.keyClick(panel.fields["h"].lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.last_frame.selected_state is not None, timeout=10000)
    assert window.last_frame.selected_state.box == tuple(float(v) for v in box)
    window.main_view.setFocus()
    window.step()
    wait_position(qtbot, window, 1)
    shown = window.last_frame.selected_state.box
    assert panel.box() == tuple(round(v, 1) for v in shown)          # the fields follow the track
    assert panel.readout.text().startswith("#0 score ")      # the first target's id


def test_view_keys_hint_after_reset_and_every_key_in_the_shortcuts_dialog(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    assert window.main_view._overlay_text == HINT
    window.set_target(disk_box(0, SIZE))
    qtbot.waitUntil(lambda: window.last_frame.selected_state is not None, timeout=10000)
    assert window.main_view._overlay_text == ""
    qtbot.keyClick(window.main_view, Qt.Key.Key_E)
    assert window.view == "boundaries" and window.menus.views["boundaries"].isChecked()
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert window.menus.views["boundaries"] in view_menu.actions()
    qtbot.keyClick(window.main_view, Qt.Key.Key_T)
    assert window.view == "track"
    qtbot.keyClick(window.main_view, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: window.last_frame.selected_state is None, timeout=10000)
    assert window.main_view._overlay_text == HINT                  # the hint comes back
    # Every action with a key is listed, and so are the mouse gestures.
    dialog = ShortcutsDialog(window, window.actions())
    qtbot.addWidget(dialog)
    listed = {keys for keys, _ in dialog.rows}
    for action in window.actions():
        for key in action.shortcuts():
            assert any(key.toString() in keys for keys in listed), key.toString()
    texts = " ".join(text for _, text in shortcut_rows(window.actions()))
    assert "Zoom" in texts and any("Ctrl+mouse wheel" in keys for keys in listed)
    assert {"Space", "Left", "Right", "Home", "End", "Ctrl+G", "B", "S", "E", "T", "V", "R"} <= {
        k for keys in listed for k in keys.split(", ")}


def test_open_stream_sends_the_url_to_the_worker_and_refuses_what_is_not_one(qtbot, window, monkeypatch):
    opened = []
    window.request_open.connect(lambda spec, resize: opened.append(spec))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("not a url", True)))
    window.sources.choose_stream()
    assert "not a stream URL" in window.last_error and opened == []
    url = "http://127.0.0.1:9/video.mjpg"                    # nothing listens there
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (url, True)))
    window.status.forget_error()
    window.sources.choose_stream()
    assert opened == [url]                                     # opened in the worker's thread
    assert window.status.message.full_text().startswith("opening")
    qtbot.waitUntil(lambda: window.last_error is not None or window.info is not None, timeout=30000)


def test_a_missing_x11_library_is_named():
    from gui.app import missing_library

    message = "libxcb-cursor.so.0: cannot open shared object file: No such file or directory"
    assert missing_library(message) == "libxcb-cursor.so.0"
    assert missing_library("something else") == "something else"


def _key(qtbot, win, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key pressed where the keyboard is (the window's focus widget)."""
    qtbot.keyClick(win.focusWidget(), key, modifier)


def test_enter_in_the_frame_field_hands_the_keys_back_to_the_video(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    window.activateWindow()
    window.main_view.setFocus()
    _key(qtbot, window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() in (window.bar.frame, window.bar.frame.lineEdit())
    qtbot.keyClicks(window.focusWidget(), "5")
    _key(qtbot, window, Qt.Key.Key_Return)
    wait_position(qtbot, window, 5)
    qtbot.waitUntil(lambda: window.focusWidget() is window.main_view, timeout=2000)
    _key(qtbot, window, Qt.Key.Key_Right)
    wait_position(qtbot, window, 6)
    _key(qtbot, window, Qt.Key.Key_Left)
    wait_position(qtbot, window, 5)
    # Esc leaves the field as it was: no jump to what was typed.
    _key(qtbot, window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.focusWidget(), "40")
    _key(qtbot, window, Qt.Key.Key_Escape)
    assert window.focusWidget() is window.main_view and window.bar.frame.value() == 5
    _key(qtbot, window, Qt.Key.Key_Right)
    wait_position(qtbot, window, 6)
    _key(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.playing, timeout=5000)
    _key(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.playing, timeout=5000)


def test_enter_after_typing_a_box_hands_the_keys_back_and_space_never_edits_a_field(qtbot, window, clip):
    path, frames = clip
    open_clip(qtbot, window, path)
    window.activateWindow()
    panel = window.target_panel
    box = disk_box(0, SIZE)
    for name, value in zip("xywh", box):
        field = panel.fields[name]
        field.setFocus()
        field.lineEdit().selectAll()
        qtbot.keyClicks(field.lineEdit(), str(value))
    h_text = panel.fields["h"].text()
    _key(qtbot, window, Qt.Key.Key_Space)                 # plays; the h field keeps its number
    qtbot.waitUntil(lambda: window.playing, timeout=5000)
    assert panel.fields["h"].text() == h_text
    _key(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.playing, timeout=5000)
    position = window.last_frame.position
    panel.fields["h"].setFocus()
    _key(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.last_frame.selected_state is not None, timeout=10000)
    assert window.last_frame.selected_state.box == tuple(float(v) for v in box)
    qtbot.waitUntil(lambda: window.focusWidget() is window.main_view, timeout=2000)
    _key(qtbot, window, Qt.Key.Key_Right)
    wait_position(qtbot, window, position + 1)
    _key(qtbot, window, Qt.Key.Key_Delete)                  # removes the target, edits no field
    qtbot.waitUntil(lambda: window.last_frame.selected_state is None, timeout=10000)
