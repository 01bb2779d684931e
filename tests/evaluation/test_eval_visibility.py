"""OTB evaluation of sequences whose ground truth marks the target out of view (rows of
NaN, as UAV123 does) or does not match the frames in number, against a slow reference.

The tracker here is scripted: each frame carries its index in its first pixel, and the
tracker answers with the box and lost flag the test chose for that index, so every
figure is known in advance.
"""

from __future__ import annotations

import math
from collections import namedtuple

import cv2
import numpy as np
import pytest

from tracker.errors import SourceError
from tracker.evaluation import otb
from tracker.evaluation.otb import (GT_FILE, PERTURBED_STARTS, evaluate_sequence, evaluate_starts,
                                    lost_flag_figures, otb_curves)

State = namedtuple("State", "box lost")


class ScriptedTracker:
    def __init__(self, boxes, lost):
        self.boxes, self.lost = boxes, lost
        self.seen = []

    def _state(self, frame):
        index = int(frame[0, 0, 0])
        self.seen.append(index)
        return State(tuple(self.boxes[index]), bool(self.lost[index]))

    def init(self, frame, box):
        return self._state(frame)

    def update(self, frame):
        return self._state(frame)


def write_sequence(folder, n_frames, gt_rows, damaged=()):
    (folder / "img").mkdir(parents=True)
    for i in range(n_frames):
        path = folder / "img" / f"{i + 1:04d}.png"
        if i in damaged:
            path.write_bytes(b"\x89PNG\r\n\x1a\n not really")
            continue
        frame = np.full((40, 60, 3), 50, np.uint8)
        frame[0, 0] = i
        cv2.imwrite(str(path), frame)
    lines = ["NaN,NaN,NaN,NaN" if not np.isfinite(r).all() else ",".join(repr(float(v)) for v in r)
             for r in gt_rows]
    (folder / GT_FILE).write_text("\n".join(lines) + "\n")
    return folder


# -- the slow reference: one frame at a time, as the definitions read ----------------------

def ref_iou(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    union = aw * ah + bw * bh - w * h
    return w * h / union if union > 0 else 0.0


def ref_figures(boxes, gt, lost):
    """AUC, precision@20, mean IoU, and the (missed, missed-and-tracked, well, well-and-
    lost) counts over the frames whose ground truth and box are both boxes."""
    ious, errors = [], []
    missed = missed_tracked = well = well_lost = 0
    for box, truth, was_lost in zip(boxes, gt, lost):
        if not (all(math.isfinite(v) for v in truth) and all(math.isfinite(v) for v in box)):
            continue
        overlap = ref_iou(box, truth)
        ious.append(overlap)
        errors.append(math.hypot(box[0] + box[2] / 2 - truth[0] - truth[2] / 2,
                                 box[1] + box[3] / 2 - truth[1] - truth[3] / 2))
        if overlap <= 0:
            missed += 1
            missed_tracked += not was_lost
        if overlap >= 0.5:
            well += 1
            well_lost += bool(was_lost)
    thresholds = [t / 20 for t in range(21)]
    auc = sum(sum(o > t for o in ious) / len(ious) for t in thresholds) / len(thresholds)
    precision = sum(e <= 20 for e in errors) / len(errors)
    return auc, precision, sum(ious) / len(ious), (missed, missed_tracked, well, well_lost)


def scripted_case(n, seed):
    rng = np.random.default_rng(seed)
    gt = np.column_stack([rng.uniform(0, 30, n), rng.uniform(0, 20, n),
                          rng.uniform(5, 20, n), rng.uniform(5, 15, n)])
    boxes = gt + rng.normal(0, 4, gt.shape)
    boxes[:, 2:] = np.abs(boxes[:, 2:]) + 1
    far = rng.random(n) < 0.25                   # some frames miss entirely
    boxes[far, 0] += 100
    boxes[0] = gt[0]                             # init on the first box
    lost = rng.random(n) < 0.3
    lost[0] = False
    return gt, boxes, lost


def test_out_of_view_rows_are_not_scored_by_any_figure(tmp_path):
    n = 40
    gt, boxes, lost = scripted_case(n, seed=1)
    gt_file = gt.copy()
    invisible = np.zeros(n, bool)
    invisible[[5, 6, 7, 8, 20, 21, 33]] = True
    gt_file[invisible] = np.nan
    seq = write_sequence(tmp_path / "seq", n, gt_file)
    tracker = ScriptedTracker(boxes, lost)
    result = evaluate_sequence(seq, lambda: tracker)
    assert tracker.seen == list(range(n)) and result.warnings == []
    auc, precision, mean_iou, counts = ref_figures(boxes, gt_file, lost)
    summary = result.summary()
    assert summary["scored_frames"] == n - invisible.sum() and summary["frames"] == n
    assert result.auc == pytest.approx(auc, abs=1e-12)
    assert result.precision == pytest.approx(precision, abs=1e-12)
    assert result.mean_iou == pytest.approx(mean_iou, abs=1e-12)
    assert (summary["missed_frames"], summary["missed_reported_tracked"],
            summary["well_tracked_frames"], summary["well_tracked_reported_lost"]) == counts
    curves = otb_curves([result])[0]
    assert curves.auc == pytest.approx(auc, abs=1e-12)
    assert curves.precision20 == pytest.approx(precision, abs=1e-12)


def test_a_target_out_of_view_half_the_time_keeps_its_score(tmp_path):
    """The issue's case: the visible frames score well, the invisible ones (NaN) once
    halved the AUC and made every one a false confidence."""
    n = 30
    gt = np.tile([10.0, 10.0, 20.0, 15.0], (n, 1))
    boxes = gt + [1.0, 0.5, 0.0, 0.0]
    boxes[0] = gt[0]                             # init on the first box
    lost = np.zeros(n, bool)
    gt_file = gt.copy()
    gt_file[15:] = np.nan                        # the target leaves; the tracker says tracked
    seq = write_sequence(tmp_path / "uav", n, gt_file)
    result = evaluate_sequence(seq, lambda: ScriptedTracker(boxes, lost))
    auc, _, _, _ = ref_figures(boxes[:15], gt[:15], lost[:15])
    assert result.auc == pytest.approx(auc) and auc > 0.7
    assert lost_flag_figures([result])["false_confidence"] is None   # no frame missed


@pytest.mark.parametrize("frames, boxes_in_gt, evaluated, words", [
    (12, 8, 8, "has 8 boxes for 12 frames: only the first 8 frames are evaluated"),
    (8, 12, 8, "has 12 boxes for 8 frames: only the first 8 boxes are evaluated"),
])
def test_ground_truth_and_frames_of_different_lengths_say_so(tmp_path, frames, boxes_in_gt,
                                                             evaluated, words):
    gt, boxes, lost = scripted_case(max(frames, boxes_in_gt), seed=2)
    seq = write_sequence(tmp_path / "seq", frames, gt[:boxes_in_gt])
    result = evaluate_sequence(seq, lambda: ScriptedTracker(boxes, lost))
    assert result.frames == evaluated and len(result.groundtruth) == evaluated
    assert len(result.warnings) == 1 and words in result.warnings[0]
    assert result.summary()["warnings"] == result.warnings
    auc, precision, mean_iou, _ = ref_figures(boxes[:evaluated], gt[:evaluated], lost[:evaluated])
    assert result.auc == pytest.approx(auc, abs=1e-12)


def test_a_damaged_frame_is_not_scored_and_the_rest_stay_aligned(tmp_path):
    n = 10
    gt, boxes, lost = scripted_case(n, seed=3)
    seq = write_sequence(tmp_path / "seq", n, gt, damaged={4})
    tracker = ScriptedTracker(boxes, lost)
    result = evaluate_sequence(seq, lambda: tracker)
    assert tracker.seen == [0, 1, 2, 3, 5, 6, 7, 8, 9]       # frame 5 is frame 5
    assert result.frames == n and result.scored_frames == n - 1 and not result.scored[4]
    expected = boxes.copy()
    expected[4] = np.nan
    auc, _, mean_iou, _ = ref_figures(expected, gt, lost)
    assert result.auc == pytest.approx(auc, abs=1e-12)
    assert result.mean_iou == pytest.approx(mean_iou, abs=1e-12)
    assert any("damaged" in w for w in result.warnings)
    assert result.states[4] is result.states[3]


def test_damaged_frames_where_the_boxes_end_are_not_scored_in_any_start(tmp_path):
    gt, boxes, lost = scripted_case(12, seed=4)
    seq = write_sequence(tmp_path / "seq", 12, gt[:8], damaged={6, 7})
    results = evaluate_starts(seq, lambda: ScriptedTracker(boxes, lost), PERTURBED_STARTS[:2])
    for start, result in zip(PERTURBED_STARTS, results):
        assert result.frames == 8 and list(result.scored) == [True] * 6 + [False] * 2
        expected = boxes[:6].copy()
        expected[0] = otb.start_box(gt[0], start)          # frame 0: the box the start gave
        auc, _, _, _ = ref_figures(expected, gt[:6], lost[:6])
        assert result.auc == pytest.approx(auc, abs=1e-12)


def test_a_damaged_first_frame_is_refused_in_one_line(tmp_path):
    gt = np.tile([10.0, 10.0, 20.0, 15.0], (5, 1))
    seq = write_sequence(tmp_path / "seq", 5, gt, damaged={0})
    with pytest.raises(SourceError, match="first frame cannot be read") as error:
        evaluate_sequence(seq, lambda: ScriptedTracker(gt, np.zeros(5, bool)))
    assert "\n" not in str(error.value)


def test_a_first_box_out_of_view_is_refused_in_one_line(tmp_path):
    gt = np.tile([10.0, 10.0, 20.0, 15.0], (5, 1))
    gt[0] = np.nan
    seq = write_sequence(tmp_path / "seq", 5, gt)
    with pytest.raises(SourceError, match="first box is 'nan,nan,nan,nan', not a box") as error:
        evaluate_sequence(seq, lambda: pytest.fail("no tracker before the check"))
    assert "\n" not in str(error.value)


def test_nan_rows_load_as_nan():
    assert otb.iou(np.array([[0.0, 0, 10, 10]]), np.array([[np.nan] * 4]))[0] == 0.0
