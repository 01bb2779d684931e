"""The session, the one frame loop: what the app records is what the same calls record
headless; every jump (a seek, damaged frames skipped) reaches the trackers; playback
that falls behind passes frames over, except while recording."""

import cv2
import numpy as np
import pytest

from tests.support.clips import distinct_frames, overwrite_middle, write_clip
from tests.support.gui_window import disk_box, open_clip, wait_position
from tracker.app import RecordPlan, Session, read_track_csv
from tracker.errors import InputError, OutputError

SIZE = (160, 120)


def decoded(path):
    cap = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    return frames


def test_what_the_app_records_the_session_records_headless(qtbot, window, clip, tmp_path):
    """N frames recorded through the window and its worker (side by side, a target,
    played at every frame) and the same calls on a Session without Qt: the same CSV,
    byte for byte, and the same video frames."""
    path, frames = clip
    n = 25
    box = disk_box(0, SIZE)
    views = ("track", "segment")
    window.set_side_by_side(True)                       # before opening: the same views from frame 0
    assert window.views.shown_views() == list(views)
    open_clip(qtbot, window, path)
    window.set_target(box)
    qtbot.waitUntil(lambda: window.last_frame.selected_state is not None, timeout=10000)
    app_plan = RecordPlan(str(tmp_path / "app.mkv"), str(tmp_path / "app.csv"), views, False, "row")
    window.record(app_plan)
    qtbot.waitUntil(lambda: window.recording, timeout=10000)
    window.menus.speed.setCurrentText("every frame")
    window.request_stop_at.emit(n - 1)
    window.play()
    wait_position(qtbot, window, n - 1, timeout=30000)
    qtbot.waitUntil(lambda: not window.playing, timeout=10000)
    window.request_stop_record.emit()
    qtbot.waitUntil(lambda: not window.recording, timeout=10000)

    session = Session(segment=window.params.segment.isChecked(),
                      segment_options=window.params.segmentation_options(),
                      **window.params.tracker_options())
    session.set_views(views)
    session.open(str(path))
    session.step()
    session.set_target(box)
    session.start_recording(RecordPlan(str(tmp_path / "headless.mkv"), str(tmp_path / "headless.csv"),
                                       views, False, "row"))
    while session.position < n - 1:
        session.step()
    assert session.close() == []

    app_csv, headless_csv = (tmp_path / "app.csv").read_bytes(), (tmp_path / "headless.csv").read_bytes()
    assert app_csv == headless_csv
    assert [r["frame"] for r in read_track_csv(tmp_path / "app.csv")] == list(range(n))
    app_video, headless_video = decoded(tmp_path / "app.mkv"), decoded(tmp_path / "headless.mkv")
    assert len(app_video) == n and app_video[0].shape == (SIZE[1], 2 * SIZE[0], 3)
    assert all(np.array_equal(a, b) for a, b in zip(app_video, headless_video, strict=True))


def _counting_jumps(session, monkeypatch):
    jumps = []
    original = session.pipeline.jumped
    monkeypatch.setattr(session.pipeline, "jumped", lambda: (jumps.append(session.position), original()))
    return jumps


def test_seeks_and_damaged_frames_are_jumps_steps_are_not(tmp_path, monkeypatch):
    n = 150
    video = overwrite_middle(write_clip(tmp_path / "d.mp4", distinct_frames(n), "mp4v"), 0.02)
    session = Session()
    session.open(str(video))
    jumps = _counting_jumps(session, monkeypatch)
    session.step()
    session.add_target((10, 10, 16, 16))
    positions = [session.position]
    while session.step() is not None:
        positions.append(session.position)
    gaps = [b for a, b in zip(positions, positions[1:]) if b != a + 1]
    assert gaps and jumps == gaps                    # each run of damaged frames, once, and nothing else
    assert session.at_end and session.step() is None
    # Frames the track log holds are shown from it, not tracked (tests/app/test_track_log.py):
    # a new target, learnt on the last frame, has none of the frames sought below.
    session.clear_targets()
    session.add_target((10, 10, 16, 16))
    jumps.clear()
    assert session.seek(10).index >= 0 and session.position == 10 and not session.at_end
    assert session.step() is not None and session.position == 11
    assert session.seek(3) is not None and session.position == 3
    assert jumps == [10, 3]                          # one each, none for the step between


def test_falling_behind_passes_frames_over_untracked_unless_recording(tmp_path):
    video = write_clip(tmp_path / "v.avi", distinct_frames(30), "MJPG")
    session = Session()
    session.open(str(video))
    session.step()
    session.add_target((10, 10, 16, 16))
    tracked = session.pipeline.index
    assert session.catch_up(6) == 5 and session.position == 5
    assert session.pipeline.index == tracked                    # passed over, not tracked
    assert session.step().states[0] is not None and session.position == 6
    session.start_recording(RecordPlan(csv_path=str(tmp_path / "t.csv")))
    assert session.catch_up(12) == 0 and session.position == 6  # recording: every frame is tracked
    while session.position < 12:
        session.step()
    session.close()
    assert [r["frame"] for r in read_track_csv(tmp_path / "t.csv")] == list(range(6, 13))
    assert session.source is None


def test_a_recording_that_cannot_be_written_ends_and_the_error_goes_up(tmp_path, monkeypatch):
    video = write_clip(tmp_path / "v.avi", distinct_frames(10), "MJPG")
    with pytest.raises(InputError, match="open a video or camera"):
        Session().start_recording(RecordPlan(csv_path=str(tmp_path / "x.csv")))
    session = Session()
    session.open(str(video))
    session.step()
    session.add_target((10, 10, 16, 16))
    with pytest.raises(OutputError, match="/dev/full"):
        session.start_recording(RecordPlan(csv_path="/dev/full"))
    assert not session.recording
    session.start_recording(RecordPlan(csv_path=str(tmp_path / "t.csv")))

    def full(*args):
        raise OutputError("cannot write CSV 't.csv': No space left on device")

    monkeypatch.setattr(session.recorder, "write", full)
    with pytest.raises(OutputError, match="No space left"):
        session.step()
    assert not session.recording                     # ended, its file closed with the rows before
    assert session.step() is not None                # the next frames still track
    assert [r["frame"] for r in read_track_csv(tmp_path / "t.csv")] == [0]
