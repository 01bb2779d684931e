"""The pattern cue (template.py): its filter finds a moved pattern, says when it sees
none, and the tracker with it follows a gray target on gray ground."""

import cv2
import numpy as np
import pytest

from tracker import MeanShiftTracker
from tracker.evaluation.otb import iou
from tracker.meanshift.template import CorrelationFilter


def texture(shape, seed, blur=2.0):
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 256, shape + (1,), dtype=np.uint8).repeat(3, axis=2)
    smooth = cv2.GaussianBlur(noise, (0, 0), blur)
    return cv2.normalize(smooth, None, 0, 255, cv2.NORM_MINMAX)


@pytest.mark.parametrize("dx, dy", [(5, 0), (0, -4), (-6, 3)])
def test_filter_peaks_where_the_pattern_moved(dx, dy):
    frame = texture((240, 320), 0)
    cf = CorrelationFilter()
    cf.init(frame, 160, 120, 40, 30)
    moved = cv2.warpAffine(frame, np.float32([[1, 0, dx], [0, 1, dy]]), (320, 240))
    cf.respond(moved, 160, 120, 40, 30)
    j, i = np.unravel_index(np.argmax(cf.response), cf.response.shape)
    x, y = cf.to_frame(i, j)
    # One patch pixel is 40 * CONTEXT / SIZE = 3.1 px wide.
    assert abs(x - (160 + dx)) <= 2.0 and abs(y - (120 + dy)) <= 2.0
    assert cf.psr >= 2 * cf.PSR_CLEAR


def test_filter_is_unclear_about_a_pattern_it_never_saw():
    cf = CorrelationFilter()
    cf.init(texture((240, 320), 0), 160, 120, 40, 30)
    cf.respond(texture((240, 320), 1), 160, 120, 40, 30)
    assert cf.psr < cf.PSR_CLEAR


def test_filter_vouches_only_for_a_box_on_its_clear_peak():
    """It learns (`agrees`) and vouches only where its own peak is: on the moved
    pattern, not a box beside it, and never where it saw no pattern it knows."""
    frame = texture((240, 320), 0)
    cf = CorrelationFilter()
    cf.init(frame, 160, 120, 40, 30)
    moved = cv2.warpAffine(frame, np.float32([[1, 0, 6], [0, 1, -3]]), (320, 240))
    cf.respond(moved, 160, 120, 40, 30)
    assert cf.agrees(166, 117, 40, 30) and cf.vouches(166, 117, 40, 30)
    box = np.sqrt(40 * 30)
    assert not cf.agrees(166 + 0.5 * box, 117, 40, 30) and not cf.vouches(166, 117 - 0.5 * box, 40, 30)
    cf.respond(texture((240, 320), 1), 160, 120, 40, 30)
    assert not cf.vouches(*cf.peak, 40, 30)


def gray_clip(n=60):
    """A 40 x 30 gray target of one texture gliding over gray ground of another, both
    of the same gray levels: colour alone weighs target and ground alike."""
    ground = texture((240, 320), 5, blur=1.0)
    target = texture((30, 40), 6, blur=3.0)
    frames, boxes = [], []
    for k in range(n):
        x, y = 60 + 3 * k, 100 + int(20 * np.sin(k / 8))
        f = ground.copy()
        f[y:y + 30, x:x + 40] = target
        frames.append(f)
        boxes.append((x, y, 40, 30))
    return frames, np.array(boxes, float)


def test_gray_target_on_gray_ground_is_followed_with_the_pattern_cue():
    frames, truth = gray_clip()
    t = MeanShiftTracker(pattern_filter=True)
    t.init(frames[0], truth[0])
    states = [t.update(f) for f in frames[1:]]
    boxes = np.array([s.box for s in states])
    overlap = iou(boxes, truth[1:])
    assert overlap.mean() >= 0.6
    assert (boxes[:, 2] * boxes[:, 3] <= 2 * 40 * 30).all()      # never balloons
