"""Several targets on the command line: --roi / --roi-from several times, the CSV's id
column, and the OTB Jogging-1 check (two joggers)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.support.clips import write_video
from tests.support.mstrack import run_cli
from tests.support.multi_scenes import crossing, iou
from tests.support.paths import OTB
from tracker import MeanShiftTracker
from tracker.evaluation.otb import GT_FILE, load_groundtruth
from tracker.app import read_track_csv


def crossing_video(tmp_path, n=40):
    frames = [crossing(i)[0] for i in range(n)]
    # Lossless, so the CLI sees the frames the reference tracker sees.
    return write_video(tmp_path / "cross.avi", frames, fourcc="FFV1"), frames


def test_single_target_csv_is_the_old_format_plus_id_0(tmp_path, capfd):
    video, frames = crossing_video(tmp_path)
    red = crossing(0)[1]
    code, _, err = run_cli(capfd, "track", video, "--roi", ",".join(map(str, red)),
                           "--out-csv", tmp_path / "one.csv")
    assert code == 0, err
    lines = (tmp_path / "one.csv").read_text().splitlines()
    assert lines[0] == "frame,id,x,y,w,h,angle,score,lost"
    # The old format, written here from MeanShiftTracker itself, with id 0 after frame.
    tracker = MeanShiftTracker()
    states = [tracker.init(frames[0], red)] + [tracker.update(f) for f in frames[1:]]
    expected = [f"{i},0,{s.box[0]:.2f},{s.box[1]:.2f},{s.box[2]:.2f},{s.box[3]:.2f},"
                f"{s.rotated[2]:.2f},{s.score:.4f},{int(s.lost)}" for i, s in enumerate(states)]
    assert lines[1:] == expected


def test_several_roi_and_roi_from_are_one_target_each_in_the_order_given(tmp_path, capfd):
    video, frames = crossing_video(tmp_path)
    _, red, blue = crossing(0)
    (tmp_path / "blue.txt").write_text("\n".join(",".join(map(str, crossing(i)[2])) for i in range(3)))
    code, out, err = run_cli(capfd, "track", video, "--roi", ",".join(map(str, red)),
                             "--roi-from", tmp_path / "blue.txt", "--roi", ",".join(map(str, red)),
                             "--out-csv", tmp_path / "three.csv", "--out-video", tmp_path / "three.avi")
    assert code == 0, err
    rows = read_track_csv(tmp_path / "three.csv")
    assert [(r["frame"], r["id"]) for r in rows] == [(f, i) for f in range(len(frames)) for i in range(3)]
    first = {r["id"]: (r["x"], r["y"], r["w"], r["h"]) for r in rows[:3]}
    assert first == {0: red, 1: blue, 2: red}                     # the init boxes
    last = {r["id"]: (r["x"], r["y"], r["w"], r["h"]) for r in rows[-3:]}
    _, red_end, blue_end = crossing(len(frames) - 1)
    assert iou(last[0], red_end) > 0.8 and iou(last[1], blue_end) > 0.8
    # Targets 0 and 2 start on the same square: one of them is judged lost, never both
    # reported on it.
    for f in range(1, len(frames)):
        on_red = [r for r in rows[3 * f:3 * f + 3] if r["id"] != 1 and not r["lost"]]
        assert len(on_red) <= 1, f
    assert "target-frames lost" in out


def test_jogging_both_joggers_at_once_give_the_first_the_same_auc_as_alone(tmp_path, capfd):
    seq = OTB / "Jogging-1"
    if not (seq / GT_FILE).is_file():
        pytest.skip("../shared/data/otb/Jogging-1 is not there")
    from tracker.evaluation.otb import iou as box_ious, success_auc

    gt = load_groundtruth(seq / GT_FILE)
    first = ",".join(f"{v:g}" for v in gt[0])
    second = "182,80,32,110"        # the second jogger (in white) in frame 1, read off the image
    code, _, err = run_cli(capfd, "track", seq, "--roi", first, "--out-csv", tmp_path / "alone.csv")
    assert code == 0, err
    code, _, err = run_cli(capfd, "track", seq, "--roi", first, "--roi", second,
                           "--out-csv", tmp_path / "both.csv")
    assert code == 0, err
    alone, both = read_track_csv(tmp_path / "alone.csv"), read_track_csv(tmp_path / "both.csv")
    boxes = lambda rows, i: np.array([[r["x"], r["y"], r["w"], r["h"]] for r in rows if r["id"] == i])  # noqa: E731
    n = len(gt)
    auc_alone = success_auc(box_ious(boxes(alone, 0)[:n], gt))
    auc_both = success_auc(box_ious(boxes(both, 0)[:n], gt))
    assert auc_both == pytest.approx(auc_alone, abs=0.02), (auc_alone, auc_both)
    assert len(boxes(both, 1)) == len(boxes(both, 0))
