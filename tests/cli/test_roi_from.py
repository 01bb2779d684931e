"""``--roi-from`` with annotation files of several tracks (MOT text, CVAT XML): one target
per track in sight on the first frame tracked, in id order; ``FILE:ID`` for one track,
numbered as the file numbers it; boxes in the source's pixels."""

import numpy as np
import pytest

from tests.support.clips import write_video
from tests.support.mstrack import assert_one_line_error, run_cli
from tests.support.multi_scenes import SIZE, crossing
from tracker.app import read_track_csv
from tracker.app.annotation_export import write_cvat
from tracker.app.annotations import Annotations, Box
from tracker.app.boxes import TargetBox, split_track_id

N = 12
LATE = 5                                  # the third track's first frame


def scene_boxes():
    """{file id: {frame: (x, y, w, h)}}: a red square (MOT id 3), a blue one (7), and from
    frame LATE a second box on the red one (9)."""
    return {3: {f: crossing(f)[1] for f in range(N)}, 7: {f: crossing(f)[2] for f in range(N)},
            9: {f: crossing(f)[1] for f in range(LATE, N)}}


@pytest.fixture
def video(tmp_path):
    return write_video(tmp_path / "cross.avi", [crossing(i)[0] for i in range(N)], fourcc="FFV1")


def write_mot_by_hand(path):
    """MOT text as MOTChallenge writes it: frame and id from 1, x and y from 1 too."""
    rows = sorted((f + 1, i, x + 1, y + 1, w, h) for i, boxes in scene_boxes().items()
                  for f, (x, y, w, h) in boxes.items())
    path.write_text("".join(f"{f},{i},{x},{y},{w},{h},1,-1,-1,-1\n" for f, i, x, y, w, h in rows))
    return path


def write_scene_cvat(path, size=SIZE):
    """The same tracks as CVAT XML, whose track ids count from 0: 0, 1 and 2."""
    tracks = {n: {f: Box(*box, keyframe=True) for f, box in boxes.items()}
              for n, boxes in enumerate(scene_boxes().values())}
    write_cvat(Annotations(tracks=tracks, frame_size=size, frame_count=N), path)
    return path


def first_rows(csv_path):
    rows = read_track_csv(csv_path)
    first = rows[0]["frame"]
    return {r["id"]: (r["x"], r["y"], r["w"], r["h"]) for r in rows if r["frame"] == first}


@pytest.mark.parametrize("kind", ["mot", "cvat"])
def test_a_file_gives_a_target_per_track_in_sight_in_id_order(kind, video, tmp_path, capfd):
    path = write_mot_by_hand(tmp_path / "gt.txt") if kind == "mot" else write_scene_cvat(tmp_path / "gt.xml")
    red, blue = crossing(0)[1:]
    code, _, err = run_cli(capfd, "track", video, "--roi-from", path, "--out-csv", tmp_path / "a.csv")
    assert code == 0, err
    assert first_rows(tmp_path / "a.csv") == {0: red, 1: blue}
    late = 9 if kind == "mot" else 2
    assert f"not tracked, no box on frame 0: id {late}" in err
    # From frame LATE all three are in sight: three targets, in the file's id order.
    code, _, err = run_cli(capfd, "track", video, "--roi-from", path, "--start-frame", LATE,
                           "--out-csv", tmp_path / "b.csv")
    assert code == 0, err
    red, blue = crossing(LATE)[1:]
    assert first_rows(tmp_path / "b.csv") == {0: red, 1: blue, 2: red}
    assert "not tracked" not in err
    ids = (3, 7, 9) if kind == "mot" else (0, 1, 2)
    assert [line.split(":")[1] for line in err.splitlines()] == [
        f" target box from {path}, id {i}" for i in ids]


@pytest.mark.parametrize("kind", ["mot", "cvat"])
def test_file_and_id_is_that_track_alone_numbered_as_the_file_numbers_it(kind, video, tmp_path, capfd):
    path = write_mot_by_hand(tmp_path / "gt.txt") if kind == "mot" else write_scene_cvat(tmp_path / "gt.xml")
    blue_id, missing_id = (7, 0) if kind == "mot" else (1, 3)
    code, _, err = run_cli(capfd, "track", video, "--roi-from", f"{path}:{blue_id}", "--roi", "20,60,30,30",
                           "--out-csv", tmp_path / "c.csv")
    assert code == 0, err
    assert first_rows(tmp_path / "c.csv") == {0: crossing(0)[2], 1: (20, 60, 30, 30)}  # in the order given
    # An id the file does not have, and a track not yet in sight, each in one line.
    code, _, err = run_cli(capfd, "track", video, "--roi-from", f"{path}:{missing_id}")
    assert_one_line_error(code, err, f"no track with id {missing_id}", "3, 7, 9" if kind == "mot" else "0, 1, 2")
    late = 9 if kind == "mot" else 2
    code, _, err = run_cli(capfd, "track", video, "--roi-from", f"{path}:{late}", "--start-frame", 2)
    assert_one_line_error(code, err, f"id {late} has no box on frame 2", f"first is on frame {LATE}")
    assert code == 2


def test_a_file_with_no_track_in_sight_says_where_the_first_is(video, tmp_path, capfd):
    path = tmp_path / "late.txt"
    path.write_text(f"{LATE + 1},1,21,61,30,30,1,-1,-1,-1\n")
    code, _, err = run_cli(capfd, "track", video, "--roi-from", path)
    assert_one_line_error(code, err, "no track has a box on frame 0", f"first is on frame {LATE}")


def test_cvat_boxes_of_frames_of_another_size_are_refused(video, tmp_path, capfd):
    path = write_scene_cvat(tmp_path / "big.xml", size=(640, 480))
    code, _, err = run_cli(capfd, "track", video, "--roi-from", path)
    assert_one_line_error(code, err, "640x480", f"{SIZE[0]}x{SIZE[1]}")


def test_file_boxes_are_scaled_with_resize(video, tmp_path, capfd):
    path = write_mot_by_hand(tmp_path / "gt.txt")
    double = f"{2 * SIZE[0]}x{2 * SIZE[1]}"
    code, _, err = run_cli(capfd, "track", video, "--roi-from", f"{path}:7", "--resize", double,
                           "--out-csv", tmp_path / "r.csv", "--max-frames", 2)
    assert code == 0, err
    assert first_rows(tmp_path / "r.csv") == {0: tuple(2 * np.array(crossing(0)[2], float))}


def test_a_name_ending_in_colon_digits_is_a_file_if_it_exists(tmp_path):
    assert split_track_id(tmp_path / "gt.txt:7") == (str(tmp_path / "gt.txt"), 7)
    assert split_track_id(tmp_path / "gt.txt") == (str(tmp_path / "gt.txt"), None)
    odd = tmp_path / "take:2"
    odd.write_text("10,20,30,40\n")
    assert split_track_id(odd) == (str(odd), None)
    assert TargetBox.from_file(odd).boxes_for(0, None) == [(str(odd), (10.0, 20.0, 30.0, 40.0))]
    assert split_track_id("c:/data/gt.txt") == ("c:/data/gt.txt", None)
