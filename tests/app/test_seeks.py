"""Seeks in the app (issue 18): the session tells the trackers of every jump, and a target
learnt in one light is found at once on frames sought to in another, forward and back."""

import numpy as np

from tests.support.paths import DEMO
from tracker.app import Session
from tracker.evaluation.otb import iou

GT = np.loadtxt(DEMO / "groundtruth_rect.txt", delimiter=",")


def overlaps_after_seek(session, to, n):
    """Seek to frame ``to`` and step on: (IoU with the truth, lost) on the ``n`` frames."""
    states = [session.seek(to).states[0]] + [session.step().states[0] for _ in range(n - 1)]
    assert session.position == to + n - 1
    boxes = np.array([s.box for s in states])
    return iou(boxes, GT[to:to + n]), np.array([s.lost for s in states])


def test_a_target_learnt_in_full_light_is_found_after_a_seek_into_dimmer_frames():
    session = Session()
    session.open(DEMO / "demo.mp4")
    session.step()
    session.add_target(tuple(GT[0]))
    overlaps, lost = overlaps_after_seek(session, 200, 60)
    session.close()
    assert not lost[2:].any() and overlaps[~lost].min() > 0.5 and overlaps[2:].mean() > 0.85


def test_a_target_learnt_in_dim_light_is_found_after_a_seek_back_to_the_start():
    session = Session()
    session.open(DEMO / "demo.mp4")
    session.seek(224)                     # no target yet: nothing tracked, only read
    session.add_target(tuple(GT[224]))
    overlaps, lost = overlaps_after_seek(session, 0, 60)
    session.close()
    assert not lost[2:].any() and overlaps[~lost].min() > 0.5 and overlaps[2:].mean() > 0.85
