"""Seeks into other light (issue 18): told of a jump, the tracker searches the whole frame
and tries the target under the scene's light, so the demo's ball is found at once
whether the frames sought to are dimmer or brighter than the one it was learnt on; and a
frame without the target still finds nothing."""

import cv2
import numpy as np
import pytest

from tests.support.paths import DEMO
from tracker import MeanShiftTracker, open_source
from tracker.evaluation.otb import iou
from tracker.evaluation.synthetic import make_scene


@pytest.fixture(scope="module")
def demo():
    gt = np.loadtxt(DEMO / "groundtruth_rect.txt", delimiter=",")
    with open_source(DEMO / "demo.mp4") as source:
        frames = [f.copy() for f in source]
    return frames, gt


def seek(frames, gt, learnt, shown):
    """Learn on frame ``learnt``, seek, track ``shown``: (IoU with the truth, lost) per frame."""
    tracker = MeanShiftTracker()
    tracker.init(frames[learnt], gt[learnt])
    tracker.expect_jump()
    states = [tracker.update(frames[i]) for i in shown]
    overlaps = iou(np.array([s.box for s in states]), gt[list(shown)])
    return overlaps, np.array([s.lost for s in states])


@pytest.mark.parametrize("learnt, shown", [(0, range(200, 260)),     # into 0.6-0.8 of the light learnt in
                                           (224, range(0, 60))],     # from 0.6 back into full light
                         ids=["forward-into-dimmer", "back-into-brighter"])
def test_after_a_seek_into_other_light_the_ball_is_found_at_once(demo, learnt, shown):
    """The ball is in plain view on every frame sought to, in light 0.6x to 1.7x the light
    it was learnt in. It used to be found on none of the 60 frames (only the light it was
    last seen and learnt in were tried); now it is found on the first frame or two, and
    whenever reported tracked the box is on it."""
    overlaps, lost = seek(*demo, learnt, shown)
    assert not lost[2:].any()
    assert overlaps[~lost].min() > 0.5 and overlaps[2:].mean() > 0.85


def test_a_seek_to_frames_without_the_target_finds_nothing(demo):
    """The same frames with the ball left out (rendered without it): trying the scene's
    light must not make the background the target."""
    frames, gt = demo
    scene = make_scene("demo", len(gt))
    empty = [scene.render(i, without=("target",)) for i in range(200, 230)]
    tracker = MeanShiftTracker()
    tracker.init(frames[0], gt[0])
    tracker.expect_jump()
    assert all(tracker.update(f).lost for f in empty)


def gray(frames):
    return [cv2.cvtColor(cv2.cvtColor(f, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR) for f in frames]


def test_after_a_seek_back_into_brighter_light_the_gray_ball_is_found_at_once(demo):
    """Learnt on the gray demo's frame 224 and sought back to frames 0-59, 1.7 times as
    bright: binned at the light it was learnt in, the ball's gray levels fall into other
    bins and the frame's densest spots were elsewhere (never found); the frame is now
    also searched under the scene's light."""
    frames, gt = demo
    overlaps, lost = seek(gray(frames), gt, 224, range(0, 60))
    assert not lost[2:].any()
    assert overlaps[~lost].min() > 0.5 and overlaps[2:].mean() > 0.8


def test_a_seek_to_gray_frames_without_the_target_finds_nothing(demo):
    """Searching under the scene's light too must not make the gray background the target."""
    frames, gt = demo
    scene = make_scene("demo", len(gt))
    empty = gray([scene.render(i, without=("target",)) for i in range(0, 30)])
    tracker = MeanShiftTracker()
    tracker.init(gray(frames)[224], gt[224])
    tracker.expect_jump()
    assert all(tracker.update(f).lost for f in empty)


def test_after_a_seek_the_gray_ball_is_found_at_once(demo):
    """The same seek on the demo turned gray, where the pattern cue must confirm every
    candidate: the colour candidate settles half a box off the ball, where its gray levels
    are densest, and the filter's peak on the ball confirms it (within a quarter box it
    was not confirmed for 27 frames). The box found overlaps the ball, and the next frame,
    where the filter leads, puts it on the ball."""
    frames, gt = demo
    overlaps, lost = seek(gray(frames), gt, 0, range(200, 260))
    assert not lost[2:].any()
    assert overlaps[~lost].min() > 0.2 and overlaps[~lost][1:].min() > 0.5 and overlaps[2:].mean() > 0.8
