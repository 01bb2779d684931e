"""The desktop application through its real window, worker thread and pipeline (offscreen)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PyQt6.QtCore import QSettings, Qt  # noqa: E402

from tests.support.clips import readable_frames  # noqa: E402
from tests.support.gui_window import drag  # noqa: E402
from tests.support.paths import ROOT
from gui.main_window import MainWindow  # noqa: E402
from tracker.evaluation.otb import iou, load_groundtruth  # noqa: E402
from tracker.app import read_track_csv  # noqa: E402

DEMO = ROOT / "videos" / "demo"
GT = load_groundtruth(DEMO / "groundtruth_rect.txt")


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings=settings)
    win.setProperty("quiet_errors", True)
    qtbot.addWidget(win)
    win.resize(1100, 600)
    win.show()
    yield win
    if win.thread.isRunning():
        win.close()


def open_demo(qtbot, win):
    win.open_source(str(DEMO / "demo.mp4"))
    qtbot.waitUntil(lambda: win.info is not None and win.last_frame is not None, timeout=20000)


def state_box(win):
    return np.array(win.last_frame.selected_state.box) if win.last_frame.selected_state is not None else None


def test_drag_selects_the_image_box_under_letterboxing_and_zoom(qtbot, window):
    open_demo(qtbot, window)
    view = window.main_view
    assert view.width() / view.height() != 640 / 480          # letterboxed
    drag(qtbot, view, GT[0])
    qtbot.waitUntil(lambda: state_box(window) is not None, timeout=10000)
    # One widget pixel is more than one image pixel when the frame is shown smaller.
    tolerance = 1.0 + 640 / view.image_rect().width()
    assert np.abs(state_box(window) - GT[0]).max() <= tolerance
    # Zoomed in around the target, the same gesture still selects the same image box.
    window.reset_target()
    qtbot.waitUntil(lambda: window.last_frame.selected_state is None, timeout=10000)
    view.set_zoom_centre(GT[0][0] + GT[0][2] / 2, GT[0][1] + GT[0][3] / 2)
    view.set_zoom(2.0)
    drag(qtbot, view, GT[0])
    qtbot.waitUntil(lambda: state_box(window) is not None, timeout=10000)
    assert np.abs(state_box(window) - GT[0]).max() <= 1.0 + 640 / (2 * view.image_rect().width())


def test_playing_the_demo_with_a_dragged_target_follows_ground_truth(qtbot, window, tmp_path):
    open_demo(qtbot, window)
    drag(qtbot, window.main_view, GT[0])
    qtbot.waitUntil(lambda: state_box(window) is not None, timeout=10000)
    csv_path, video_path = tmp_path / "track.csv", tmp_path / "track.avi"
    window.start_recording(str(video_path), str(csv_path))
    qtbot.waitUntil(lambda: window.recording, timeout=5000)
    window.menus.speed.setCurrentText("every frame")
    window.play()
    with qtbot.waitSignal(window.worker.ended, timeout=120000):
        pass
    qtbot.waitUntil(lambda: not window.recording, timeout=10000)
    rows = read_track_csv(csv_path)
    frames = [r["frame"] for r in rows]
    assert frames == list(range(frames[0], len(GT)))      # every frame, in order
    boxes = np.array([[r[k] for k in "xywh"] for r in rows])
    assert iou(boxes, GT[frames]).mean() > 0.6
    cap = cv2.VideoCapture(str(video_path))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == len(rows)


def test_view_switches_and_side_by_side(qtbot, window):
    open_demo(qtbot, window)
    window.set_target(GT[0])
    qtbot.waitUntil(lambda: state_box(window) is not None, timeout=10000)
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert window.view == "backprojection"
    window.step()
    qtbot.waitUntil(lambda: "backprojection" in window.last_frame.views, timeout=10000)
    back = window.last_frame.views["backprojection"]
    assert (back[..., 0] == back[..., 2]).all() and back.max() > 200     # grey weights, target bright
    qtbot.keyClick(window, Qt.Key.Key_S)
    assert window.view == "segment"
    window.step()
    qtbot.waitUntil(lambda: "segment" in window.last_frame.views, timeout=10000)
    segmented = window.last_frame.views["segment"]
    # Flat cluster colours (plus the anti-aliased track drawn over them).
    _, counts = np.unique(segmented.reshape(-1, 3), axis=0, return_counts=True)
    assert np.sort(counts)[::-1][:40].sum() > 0.97 * counts.sum()
    qtbot.keyClick(window, Qt.Key.Key_S)
    assert window.view == "track"
    window.set_side_by_side(True)
    assert window.side_view.isVisible()
    window.step()
    qtbot.waitUntil(lambda: "segment" in window.last_frame.views, timeout=10000)
    assert window.side_view.image_size() == (640, 480)


def test_missing_and_corrupt_files_show_an_error_and_the_app_keeps_working(qtbot, window, tmp_path):
    window.setProperty("quiet_errors", False)
    window.open_source(str(tmp_path / "missing.mp4"))
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=10000)
    assert "missing.mp4" in window.last_error
    assert window.status.error_box.isVisible()
    window.status.error_box.close()
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(os.urandom(5000))
    window.status.forget_error()
    window.open_source(str(corrupt))
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=10000)
    assert "corrupt.mp4" in window.last_error
    window.status.error_box.close()
    open_demo(qtbot, window)
    assert window.info.size == (640, 480)


def test_closing_while_playing_and_recording_leaves_valid_files(qtbot, window, tmp_path):
    open_demo(qtbot, window)
    window.set_target(GT[0])
    csv_path, video_path = tmp_path / "c.csv", tmp_path / "c.mp4"
    window.start_recording(str(video_path), str(csv_path))
    window.play()
    qtbot.waitUntil(lambda: window.last_frame.position >= 20, timeout=20000)
    window.close()
    assert not window.thread.isRunning()
    rows = read_track_csv(csv_path)
    assert len(rows) >= 20
    assert readable_frames(video_path) >= len(rows) - 1


def test_automation_flags_play_screenshot_and_exit(tmp_path):
    shot, csv_path = tmp_path / "shot.png", tmp_path / "auto.csv"
    roi = ",".join(f"{v:g}" for v in GT[0])
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    res = subprocess.run([sys.executable, "-m", "gui.app", str(DEMO / "demo.mp4"), "--roi", roi,
                          "--frames", "40", "--screenshot", str(shot), "--out-csv", str(csv_path),
                          "--quit"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr
    line = [ln for ln in res.stdout.splitlines() if ln.startswith("frames=")][-1]
    assert line.split()[0] == "frames=40" and float(line.split("fps=")[1]) > 0
    image = cv2.imread(str(shot))
    assert image is not None and image.shape[0] > 200 and image.shape[1] > 300
    rows = read_track_csv(csv_path)
    assert rows[0]["frame"] == 0 and np.allclose([rows[0][k] for k in "xywh"], GT[0])


def test_automation_roi_twice_tracks_and_records_two_targets(tmp_path):
    csv_path = tmp_path / "two.csv"
    second = (40.0, 40.0, 60.0, 60.0)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    res = subprocess.run([sys.executable, "-m", "gui.app", str(DEMO / "demo.mp4"),
                          "--roi", ",".join(f"{v:g}" for v in GT[0]), "--roi", ",".join(f"{v:g}" for v in second),
                          "--frames", "20", "--out-csv", str(csv_path), "--quit"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr
    rows = read_track_csv(csv_path)
    frames = sorted({r["frame"] for r in rows})
    assert [(r["frame"], r["id"]) for r in rows] == [(f, i) for f in frames for i in (0, 1)]
    assert np.allclose([rows[0][k] for k in "xywh"], GT[0]) and np.allclose([rows[1][k] for k in "xywh"], second)
    assert len(frames) >= 19


def test_automation_roi_from_an_annotation_file_tracks_its_boxes(tmp_path):
    """--roi-from, as `mstrack track` takes it: a MOT file's two tracks in sight on the first
    frame become two targets on their boxes, in id order; FILE:ID one of them."""
    mot = tmp_path / "gt.txt"
    second = (40.0, 40.0, 60.0, 60.0)
    mot.write_text("".join(f"1,{i},{x + 1:g},{y + 1:g},{w:g},{h:g},1,-1,-1,-1\n"
                           for i, (x, y, w, h) in ((2, second), (1, GT[0]))))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    for spec, expected in ((str(mot), [GT[0], second]), (f"{mot}:2", [second])):
        csv_path = tmp_path / "from.csv"
        csv_path.unlink(missing_ok=True)
        res = subprocess.run([sys.executable, "-m", "gui.app", str(DEMO / "demo.mp4"), "--roi-from", spec,
                              "--frames", "10", "--out-csv", str(csv_path), "--quit"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        assert res.returncode == 0, res.stderr
        rows = [r for r in read_track_csv(csv_path) if r["frame"] == 0]
        assert [r["id"] for r in rows] == list(range(len(expected)))
        for row, box in zip(rows, expected):
            assert np.allclose([row[k] for k in "xywh"], box), (spec, row)


def test_automation_roi_from_a_bad_file_says_so_in_one_line(tmp_path):
    mot = tmp_path / "gt.txt"
    mot.write_text("1,1,10,10,20,20,1,-1,-1,-1\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    for spec, words in ((str(tmp_path / "none.xml"), "none.xml"), (f"{mot}:7", "no track with id 7")):
        res = subprocess.run([sys.executable, "-m", "gui.app", str(DEMO / "demo.mp4"), "--roi-from", spec,
                              "--frames", "5", "--quit"], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=120)
        assert res.returncode == 2 and words in res.stderr, res.stderr
        assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr


def test_gui_without_display_says_so(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    res = subprocess.run([sys.executable, "-m", "gui.app"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 3
    assert "no display" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_recording_rules_and_robust_parameter_changes(qtbot, window, tmp_path):
    # Recording needs a source.
    window.start_recording(str(tmp_path / "early.avi"), "")
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=5000)
    assert "open" in window.last_error and not window.recording
    open_demo(qtbot, window)
    window.set_target(GT[0])
    qtbot.waitUntil(lambda: state_box(window) is not None, timeout=10000)
    csv_path = tmp_path / "r.csv"
    window.start_recording("", str(csv_path))
    qtbot.waitUntil(lambda: window.recording, timeout=5000)
    for _ in range(3):
        window.step()
    qtbot.waitUntil(lambda: window.last_frame.position == 3, timeout=10000)
    # Re-targeting twice on the frame on screen does not record it again.
    window.set_target(GT[3])
    window.set_target(GT[3])
    window.step()
    qtbot.waitUntil(lambda: window.last_frame.position == 4, timeout=10000)
    # A parameter that cannot learn this target (no saturated colour in a grey box)
    # leaves the working tracker in place.
    window.status.forget_error()
    window.set_target((10, 10, 30, 30))
    qtbot.waitUntil(lambda: state_box(window) is not None and state_box(window)[0] == 10, timeout=10000)
    gray_frame = window.last_frame
    window.params.colour_space.setCurrentText("hs")
    window.step()
    qtbot.waitUntil(lambda: window.last_frame.position == 5, timeout=10000)
    assert window.last_frame.selected_state is not None                       # still tracking
    # Opening another source ends the recording properly.
    window.open_source(str(DEMO / "demo.mp4"))
    qtbot.waitUntil(lambda: not window.recording, timeout=10000)
    frames = [r["frame"] for r in read_track_csv(csv_path)]
    assert frames == sorted(set(frames)), frames                     # no frame twice
    del gray_frame


def test_view_switch_while_paused_shows_at_once(qtbot, window):
    open_demo(qtbot, window)
    window.set_target(GT[0])
    qtbot.waitUntil(lambda: state_box(window) is not None, timeout=10000)
    position = window.last_frame.position
    qtbot.keyClick(window, Qt.Key.Key_B)
    qtbot.waitUntil(lambda: "backprojection" in window.last_frame.views, timeout=10000)
    assert window.last_frame.position == position                   # same frame, new view


def test_automation_failure_exits_non_zero(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    for argv in ([str(DEMO / "demo.mp4"), "--roi", "900,900,10,10"], [str(tmp_path / "none.mp4"), "--roi", "1,1,9,9"]):
        res = subprocess.run([sys.executable, "-m", "gui.app", *argv, "--frames", "5", "--quit"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert res.returncode == 2, (argv, res.returncode, res.stderr)
        assert "mstrack-gui: error:" in res.stderr and "Traceback" not in res.stderr


def test_play_at_the_end_starts_again_and_seek_forgets_the_trail(qtbot, window):
    open_demo(qtbot, window)
    window.set_target(GT[0])
    qtbot.waitUntil(lambda: state_box(window) is not None, timeout=10000)
    window.request_seek.emit(len(GT) - 2)
    qtbot.waitUntil(lambda: window.last_frame.position == len(GT) - 2, timeout=10000)
    assert all(len(t) <= 2 for t in window.worker.session.pipeline._trails.values())   # the jump drew no path
    window.menus.speed.setCurrentText("every frame")
    with qtbot.waitSignal(window.worker.ended, timeout=20000):
        window.play()
    window.play()
    qtbot.waitUntil(lambda: window.last_frame.position < 50, timeout=20000)


def test_open_camera_without_cameras_says_so_and_does_not_block(qtbot, window):
    if list(Path("/dev").glob("video*")):
        pytest.skip("this machine has cameras; the chooser dialog would wait for a person")
    window.sources.choose_camera()                       # returns at once; the probe runs elsewhere
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=10000)
    assert "No camera found" in window.last_error
    assert window.menus.open_camera.isEnabled()
