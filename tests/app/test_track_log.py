"""The session's track log: every state tracked, the latest winning; frames it holds shown
from it rather than tracked again; what it exports is what `export_track` makes of a
recording of the same run."""

import pytest

from tests.support.clips import make_sequence
from tests.support.gui_window import disk_box
from tests.support.labelling import GONE, SIZE, headless_states, make_occluded_clip
from tracker.app import RecordPlan, Session
from tracker.app.annotation_export import export_track
from tracker.app.annotations import read_annotations
from tracker.app.labelling import annotations_for_frames, export_log, sequence_groundtruth
from tracker.app.output_places import source_name
from tracker.errors import InputError


@pytest.fixture
def clip(tmp_path):
    return make_occluded_clip(tmp_path / "occluded.avi")


def test_the_log_holds_every_state_tracked_and_marks_the_lost_runs(clip):
    states, session = headless_states(clip)
    log = session.track_log
    assert list(log.frames(0)) == sorted(states)
    assert all(log.state(0, f) == s for f, s in states.items())
    lost = [f for f, s in states.items() if s.lost]
    assert lost == list(GONE)                                     # the disk is away, the target lost
    assert log.spans() == {0: [(0, GONE.start, False), (GONE.start, GONE.stop, True), (GONE.stop, 60, False)]}


def test_a_seek_into_the_log_shows_it_without_tracking_until_tracking_goes_on(clip, monkeypatch):
    states, session = headless_states(clip)
    jumps = []
    original = session.pipeline.jumped
    monkeypatch.setattr(session.pipeline, "jumped", lambda *a: (jumps.append(session.position), original(*a)))
    tracked = session.pipeline.index
    for frame in (30, 5, 59):
        assert session.seek(frame).states == {0: states[frame]}
    assert session.step() is None                                 # the end
    assert session.seek(10).states[0] == states[10] and session.step().states[0] == states[11]
    assert session.pipeline.index == tracked and jumps == []      # nothing tracked, no tracker moved
    trail = session.result.trails[0]
    assert trail[-1] == states[11].rotated[0] and len(trail) == 12   # the trail as the run drew it
    # Frames the log does not hold are tracked, the tracker told of the jump first.
    session.remove_target(0)
    session.add_target(disk_box(11, SIZE))
    assert session.seek(40).states[1] is not None and jumps == [40]


def test_a_correction_drops_the_later_states_and_tracking_on_replaces_them(clip):
    states, session = headless_states(clip)
    log = session.track_log
    session.seek(30)                                               # lost there, shown from the log
    session.retarget(0, (60.0, 40.0, 29.0, 29.0))                  # a box drawn there
    assert list(log.frames(0)) == list(range(31))                  # nothing stored after the correction
    assert log.state(0, 30).box == pytest.approx((60.0, 40.0, 29.0, 29.0))
    session.step()
    assert list(log.frames(0)) == list(range(32)) and log.state(0, 31) == session.result.states[0]
    assert log.state(0, 29) == states[29]                          # before the correction: as tracked


def test_a_removed_target_keeps_its_states_before_the_frame_it_went(clip):
    _, session = headless_states(clip)
    session.seek(20)
    session.remove_target(0)
    assert list(session.track_log.frames(0)) == list(range(20))
    session.open(str(clip))
    assert not session.track_log and session.track_log.targets == []   # a new source, a new log


def test_the_log_exported_is_the_recording_exported(clip, tmp_path):
    """The same run recorded to a CSV and kept in the log: `export_log` writes byte for
    byte what `export_track` (mstrack export) writes from the CSV, in both formats."""
    session = Session()
    session.open(str(clip))
    session.step()
    session.set_target(disk_box(0, SIZE))
    session.start_recording(RecordPlan(csv_path=str(tmp_path / "run.csv")))
    while session.step() is not None:
        pass
    session.stop_recording()
    for to, suffix in (("mot", ".txt"), ("cvat", ".xml")):
        export_track(tmp_path / "run.csv", tmp_path / f"csv{suffix}", to, source=str(clip), label="disk")
        export_log(session.track_log, tmp_path / f"log{suffix}", to, source=str(clip), label="disk")
        assert (tmp_path / f"log{suffix}").read_bytes() == (tmp_path / f"csv{suffix}").read_bytes()
    with pytest.raises(InputError, match="overwrite the source"):
        export_log(session.track_log, tmp_path / "x.txt", "mot", source=str(clip), keep=[str(tmp_path / "x.txt")])
    with pytest.raises(InputError, match="nothing to export"):
        export_log(Session().track_log, tmp_path / "y.txt", "mot")


def test_annotations_read_for_resized_frames_are_scaled(tmp_path):
    boxes = make_sequence(tmp_path / "Seq")
    for opened in (tmp_path / "Seq", tmp_path / "Seq" / "img"):
        assert sequence_groundtruth(opened) == str(tmp_path / "Seq" / "groundtruth_rect.txt")
        assert source_name(opened) == "Seq"
    assert sequence_groundtruth(tmp_path) is None and sequence_groundtruth("camera:0") is None
    path = sequence_groundtruth(tmp_path / "Seq")
    same, notes = annotations_for_frames(path, (160, 120), (160, 120))
    assert same.box_at(0, 3) == pytest.approx(tuple(boxes[3])) and notes == []
    half, _ = annotations_for_frames(path, (160, 120), (80, 60))
    assert half.box_at(0, 3) == pytest.approx(tuple(boxes[3] / 2))
    assert read_annotations(path).boxes_on(3) == {0: pytest.approx(tuple(boxes[3]))}
