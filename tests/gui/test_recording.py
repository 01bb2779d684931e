"""Recording and saving from the app (issue 10 items 9-10, issue 9 item 10): what is
recorded is what the user chose, every file is readable, the dialog says where each
goes, a hard kill keeps the .mkv, View > Save frame saves what is shown."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication, QMessageBox

from tests.support.clips import make_sequence, readable_frames
from tests.support.gui_window import disk_box, make_clip, open_clip, wait_position
from tests.support.paths import ROOT
from gui.record_dialog import CONTAINER_NOTE, RecordDialog
from gui.controllers import VIEW_NAMES
from tracker.app import read_track_csv

SIZE = (160, 120)


def _frames(path):
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            return frames
        frames.append(frame)


def _record_steps(qtbot, win, steps):
    qtbot.waitUntil(lambda: win.recording, timeout=10000)
    for _ in range(steps):
        win.step()
    wait_position(qtbot, win, steps)
    win.request_stop_record.emit()
    qtbot.waitUntil(lambda: not win.recording, timeout=10000)


def _is_back_projection(image, frame):
    """Grey weights (B = G = R up to compression), bright on the red disk only."""
    grey = np.abs(image[..., 0].astype(int) - image[..., 2].astype(int)).mean() < 6
    bright = image[..., 1] > 128
    red = (frame[..., 2] > 150) & (frame[..., 0] < 100)
    return grey and bright[red].mean() > 0.8 and bright[~red].mean() < 0.1


def test_recording_the_view_as_shown_and_each_view(qtbot, window, clip, tmp_path):
    path, frames = clip
    open_clip(qtbot, window, path)
    window.set_view("backprojection")
    window.set_side_by_side(True)                         # tracking + back-projection
    window.set_arrangement("row")
    window.set_target(disk_box(0, SIZE))
    qtbot.waitUntil(lambda: "backprojection" in window.last_frame.views, timeout=10000)
    shown, shown_csv = tmp_path / "shown.mkv", tmp_path / "shown.csv"
    window.start_recording(str(shown), str(shown_csv))
    assert window.status.recording.isHidden()
    qtbot.waitUntil(lambda: window.recording, timeout=10000)
    assert window.status.recording.isVisible() and "REC 00:0" in window.status.recording.text()
    _record_steps(qtbot, window, 6)
    assert window.status.recording.isHidden()
    # The view as shown: both views in one video, side by side, a frame per CSV row.
    rows = read_track_csv(shown_csv)
    assert [r["frame"] for r in rows] == list(range(7))          # the frame on screen first
    assert np.allclose([rows[0][k] for k in "xywh"], disk_box(0, SIZE))
    video = _frames(shown)
    assert len(video) == 7 and video[0].shape == (SIZE[1], 2 * SIZE[0], 3)
    for i in (0, 3, 6):
        left, right = video[i][:, :SIZE[0]], video[i][:, SIZE[0]:]
        assert np.mean(np.abs(left.astype(int) - frames[i].astype(int)) < 24) > 0.9   # + the box
        assert _is_back_projection(right, frames[i])
    # Each view in a file of its own, the same frames.
    each = tmp_path / "each.mkv"
    window.request_seek.emit(0)
    wait_position(qtbot, window, 0)
    window.start_recording(str(each), "", each=True)
    _record_steps(qtbot, window, 4)
    track, back = tmp_path / "each-track.mkv", tmp_path / "each-backprojection.mkv"
    assert not each.exists() and track.exists() and back.exists()
    track_frames, back_frames = _frames(track), _frames(back)
    assert len(track_frames) == len(back_frames) == 5
    assert track_frames[0].shape == back_frames[0].shape == (SIZE[1], SIZE[0], 3)
    assert np.mean(np.abs(track_frames[2].astype(int) - frames[2].astype(int)) < 24) > 0.9
    assert _is_back_projection(back_frames[2], frames[2])


@pytest.fixture
def home(tmp_path, monkeypatch):
    """The user's home, with a Videos folder (Qt's MoviesLocation): outputs go there."""
    home = tmp_path / "home"
    (home / "Videos").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    return home


def answer_dialogs(*actions):
    """Answer the next modal dialogs, in turn, with ``actions`` (each given the dialog)."""
    pending = list(actions)

    def answer(previous=None):
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog is previous:
            QTimer.singleShot(20, lambda: answer(previous))
            return
        action = pending.pop(0)
        if pending:
            QTimer.singleShot(20, lambda: answer(dialog))
        action(dialog)

    QTimer.singleShot(0, answer)
    return pending


def test_record_dialog_offers_an_mkv_in_the_videos_folder_and_says_where_the_csv_goes(qtbot, window,
                                                                                      clip, home):
    path, frames = clip
    open_clip(qtbot, window, path)
    assert window.outputs.output_folder() == str(home / "Videos")
    video = str(home / "Videos" / "clip-track.mkv")
    dialog = RecordDialog(window, video, ["track", "segment"], VIEW_NAMES, "row")
    qtbot.addWidget(dialog)
    assert dialog.video_path.text().endswith(".mkv")
    assert dialog.csv_path.text() == str(home / "Videos" / "clip-track.csv")
    summary = dialog.summary.text().replace("\u200b", "")          # break points in long paths
    assert dialog.csv_path.text() in summary and video in summary
    assert ".mp4 is finalised only when recording stops cleanly" in CONTAINER_NOTE
    assert CONTAINER_NOTE in dialog.video_path.toolTip()
    # The CSV follows the video's name until the user names it.
    dialog.video_path.setText("/somewhere/run1.mkv")
    dialog._video_edited("/somewhere/run1.mkv")
    assert dialog.csv_path.text() == "/somewhere/run1.csv"
    dialog.each_view.setChecked(True)
    plan = dialog.plan()
    assert plan.each and plan.files() == ["/somewhere/run1-track.mkv", "/somewhere/run1-segment.mkv",
                                          "/somewhere/run1.csv"]
    dialog.video_on.setChecked(False)
    dialog.csv_on.setChecked(False)
    assert not dialog.ok_button.isEnabled()                   # nothing to record


def _record_with_dialog(qtbot, win, steps, *answers):
    """Ctrl+R, the dialog answered by ``answers`` (default: Record as offered), which
    start a recording; then ``steps`` frames and stop. Returns what the dialog offered."""
    offered = []

    def record(dialog):
        offered.append((dialog.video_path.text(), dialog.csv_path.text()))
        dialog.ok_button.click()

    pending = answer_dialogs(*(answers or (record,)))
    win.outputs.toggle_recording()
    assert not pending
    start = win.last_frame.position
    qtbot.waitUntil(lambda: win.recording, timeout=10000)
    for _ in range(steps):
        win.step()
    wait_position(qtbot, win, start + steps)
    win.outputs.toggle_recording()
    qtbot.waitUntil(lambda: not win.recording, timeout=10000)
    return offered


def test_recording_again_offers_a_new_name_and_never_writes_over_the_first(qtbot, window, clip, home):
    path, frames = clip
    open_clip(qtbot, window, path)
    window.set_target(disk_box(0, SIZE))
    qtbot.waitUntil(lambda: window.last_frame.selected_state is not None, timeout=10000)
    videos = home / "Videos"
    (first_video, first_csv), = _record_with_dialog(qtbot, window, 3)
    assert (first_video, first_csv) == (str(videos / "clip-track.mkv"), str(videos / "clip-track.csv"))
    first = {p: Path(p).read_bytes() for p in (first_video, first_csv)}
    assert len(read_track_csv(first_csv)) == 4 and len(_frames(first_video)) == 4
    (second_video, second_csv), = _record_with_dialog(qtbot, window, 2)
    assert (second_video, second_csv) == (str(videos / "clip-track-2.mkv"),
                                          str(videos / "clip-track-2.csv"))
    assert {p: Path(p).read_bytes() for p in first} == first          # the first is untouched
    assert len(read_track_csv(second_csv)) == 3


def test_recording_to_a_file_that_exists_asks_first_and_cancel_writes_nothing(qtbot, window, clip,
                                                                              tmp_path, home):
    path, frames = clip
    open_clip(qtbot, window, path)
    window.set_target(disk_box(0, SIZE))
    qtbot.waitUntil(lambda: window.last_frame.selected_state is not None, timeout=10000)
    earlier = tmp_path / "earlier.csv"
    earlier.write_text("frame,id,x,y,w,h,angle,score,lost\n0,0,1,2,3,4,0,1,0\n")
    before = earlier.read_bytes()
    asked = []

    def choose_existing(dialog):
        dialog.video_on.setChecked(False)
        dialog.csv_path.setText(str(earlier))
        dialog.ok_button.click()                    # -> the question, answered below
        asked.append(dialog.isVisible())            # Cancel: still choosing
        dialog.reject()

    def cancel_replace(box):
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Cancel).click()

    answer_dialogs(choose_existing, cancel_replace)
    window.outputs.toggle_recording()
    assert asked == [f"{earlier} already exists. Replace it?", True]
    qtbot.wait(200)
    assert not window.recording and earlier.read_bytes() == before

    def replace(box):
        next(b for b in box.buttons() if b.text() == "Replace").click()

    def choose_again(dialog):
        dialog.video_on.setChecked(False)
        dialog.csv_path.setText(str(earlier))
        dialog.ok_button.click()

    _record_with_dialog(qtbot, window, 2, choose_again, replace)
    assert [r["frame"] for r in read_track_csv(earlier)] == [0, 1, 2]   # replaced, as asked


def test_a_sequence_folder_is_named_after_the_sequence_and_nothing_is_written_inside_it(
        qtbot, window, tmp_path, home):
    sequence = tmp_path / "Couple"
    make_sequence(sequence)
    window.outputs._settings.write("dialog/output_folder", str(sequence / "img"))   # last used: refused
    open_clip(qtbot, window, sequence / "img")
    assert window.windowTitle() == "meanshift-tracker - Couple"
    assert window.status.source.text().startswith("Couple:")
    assert window.outputs.output_folder() == str(home / "Videos")
    (video, csv_path), = _record_with_dialog(qtbot, window, 1)
    assert (video, csv_path) == (str(home / "Videos" / "Couple-track.mkv"),
                                 str(home / "Videos" / "Couple-track.csv"))
    saved = []
    window.outputs.save_frame = saved.append
    offered = []

    def save_as(parent, caption, start, filters, options=None):
        offered.append(start)
        return start, filters

    import gui.controllers.outputs as outputs_module
    original = outputs_module.QFileDialog.getSaveFileName
    outputs_module.QFileDialog.getSaveFileName = staticmethod(save_as)
    try:
        window.outputs.choose_frame_file()
    finally:
        outputs_module.QFileDialog.getSaveFileName = original
    assert offered == saved == [str(home / "Videos" / f"Couple-frame{window.last_frame.position:06d}.png")]
    assert sorted(p.name for p in sequence.rglob("*") if not p.name.endswith(".png")) == \
        ["groundtruth_rect.txt", "img"]                     # nothing new inside the sequence


@pytest.mark.parametrize("link", ["same", "symlink", "hardlink"])
@pytest.mark.parametrize("output", ["--out-video", "--out-csv"])
def test_the_app_refuses_to_record_over_its_source(tmp_path, link, output):
    source = tmp_path / "clip.avi"
    make_clip(source)
    before = source.read_bytes()
    target = source if link == "same" else tmp_path / f"link{source.suffix}"
    if link == "symlink":
        target.symlink_to(source)
    elif link == "hardlink":
        os.link(source, target)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    run = subprocess.run([sys.executable, "-m", "gui.app", str(source), "--roi", "50,40,30,30",
                          "--frames", "5", output, str(target), "--quit"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert "would overwrite the source" in run.stderr
    assert source.read_bytes() == before


def test_stepping_back_while_recording_holds_it_and_writes_no_frame_twice(qtbot, window, clip, tmp_path):
    path, frames = clip
    open_clip(qtbot, window, path)
    window.set_target(disk_box(0, SIZE))
    qtbot.waitUntil(lambda: window.last_frame.selected_state is not None, timeout=10000)
    video, csv_path = tmp_path / "back.mkv", tmp_path / "back.csv"
    window.start_recording(str(video), str(csv_path))
    qtbot.waitUntil(lambda: window.recording, timeout=10000)
    for _ in range(5):
        window.step()
    wait_position(qtbot, window, 5)
    first_pass = read_track_csv(csv_path)
    for position in (4, 3):
        window.step_back()
        wait_position(qtbot, window, position)
    light = window.status.recording
    assert "held: resumes after frame 5" in light.text()
    assert "resumes after frame 5" in window.status.message.full_text()
    window.set_target(disk_box(3, SIZE))              # a correction on frame 3: not written again
    for position in range(4, 9):
        window.step()
        wait_position(qtbot, window, position)
    assert "held:" not in light.text()
    window.request_stop_record.emit()
    qtbot.waitUntil(lambda: not window.recording, timeout=10000)
    rows = read_track_csv(csv_path)
    assert [r["frame"] for r in rows] == list(range(9))           # each frame once, in order
    assert rows[:6] == first_pass                                  # what was written stays
    video_frames = _frames(video)
    assert len(video_frames) == 9
    for i in (3, 4, 7):                                            # frame i of the source
        assert np.mean(np.abs(video_frames[i].astype(int) - frames[i].astype(int)) < 24) > 0.9


def _noise_clip(path, frames=300):
    """Noise: a high bit rate, so a muxer passes frames on to the file after a few."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (320, 240))
    rng = np.random.default_rng(1)
    for _ in range(frames):
        writer.write(rng.integers(0, 256, (240, 320, 3), dtype=np.uint8))
    writer.release()
    return path


def _record_in_app(tmp_path, video, csv_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    clip = _noise_clip(tmp_path / "noise.avi")
    return subprocess.Popen([sys.executable, "-m", "gui.app", str(clip), "--roi", "100,80,60,50",
                             "--frames", "300", "--out-video", str(video), "--out-csv", str(csv_path),
                             "--quit"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _stop_when(proc, condition, signum):
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None and not condition():
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be stopped"
        os.kill(proc.pid, signum)
        return proc.wait(20)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_hard_kill_while_recording_leaves_a_readable_mkv(tmp_path):
    video, csv_path = tmp_path / "killed.mkv", tmp_path / "killed.csv"
    proc = _record_in_app(tmp_path, video, csv_path)
    # Killed once the muxer has passed some of the video on to the file (it holds back
    # the last second or so); an .mp4 would still have nothing readable then.
    _stop_when(proc, lambda: video.exists() and video.stat().st_size >= 1_000_000, signal.SIGKILL)
    rows = read_track_csv(csv_path)
    frames = readable_frames(video)
    assert 10 <= frames <= len(rows)            # what reached the file is there, every frame whole


def test_sigterm_while_recording_finalises_an_mp4(tmp_path):
    video, csv_path = tmp_path / "stopped.mp4", tmp_path / "stopped.csv"
    proc = _record_in_app(tmp_path, video, csv_path)
    code = _stop_when(proc, lambda: csv_path.exists() and len(csv_path.read_text().splitlines()) > 10,
                      signal.SIGTERM)
    assert code == 128 + signal.SIGTERM
    rows = read_track_csv(csv_path)
    assert len(rows) >= 10 and readable_frames(video) == len(rows)     # closed like the Stop button


def test_save_frame_writes_the_views_on_screen_annotated(qtbot, window, clip, tmp_path):
    path, frames = clip
    open_clip(qtbot, window, path)
    window.set_view("backprojection")
    window.set_side_by_side(True)
    window.set_arrangement("column")
    window.set_target(disk_box(0, SIZE))
    qtbot.waitUntil(lambda: "backprojection" in window.last_frame.views, timeout=10000)
    out = tmp_path / "frame.png"
    assert window.save_frame(str(out))
    saved = cv2.imread(str(out))
    assert saved.shape == (2 * SIZE[1], SIZE[0], 3)               # one above the other, as shown
    top, bottom = saved[:SIZE[1]], saved[SIZE[1]:]
    views = window.last_frame.views
    # Each half is the bare view except where the track is drawn on it.
    assert np.mean(np.all(top == views["track"], axis=2)) > 0.9
    assert np.mean(np.all(bottom == views["backprojection"], axis=2)) > 0.9
    x, y, w, h = (int(v) for v in window.last_frame.selected_state.box)
    edge = top[y, x + 4: x + w - 4]
    assert np.mean((edge[:, 1] > 150) & (edge[:, 2] < 100)) > 0.8   # the box's top edge, green
