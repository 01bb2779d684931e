"""Tracker behaviour the OTB figures do not show: leaving and re-entering the frame,
uniform backgrounds, grayscale footage, and targets of any size."""

import cv2
import numpy as np
import pytest

from tests.support.paths import ROOT, SHARED_VIDEO
from tracker import MeanShiftTracker
from tracker.evaluation.otb import iou
from tracker.evaluation.synthetic import make_background, make_scene

W, H = 320, 240


def disc_frame(background, cx, cy, r=14, colour=(40, 40, 220)):
    frame = background.copy()
    if cx is not None:
        cv2.circle(frame, (int(round(cx)), int(round(cy))), r, colour, -1, cv2.LINE_AA)
    return frame


def disc_box(cx, cy, r=14):
    return (cx - r, cy - r, 2 * r + 1, 2 * r + 1)


def test_target_leaves_and_comes_back():
    """Out at frame ~30, back at frame 60: lost soon after leaving, found soon after
    returning, never reported on the background in between, gain frozen meanwhile."""
    background = np.clip(make_background((W, H), seed=4), 0, 255).astype(np.uint8)
    xs = [100 + 8 * i for i in range(30)] + [None] * 30 + [W - 30 - 4 * i for i in range(30)]
    tracker = MeanShiftTracker()
    tracker.init(disc_frame(background, xs[0], 120), disc_box(xs[0], 120))
    states, gains = [], []
    for x in xs[1:]:
        states.append(tracker.update(disc_frame(background, x, 120)))
        gains.append(tracker._model.gain)
    gone = [i for i, x in enumerate(xs[1:], 1) if x is None or x - 14 > W]
    first_gone, back = gone[0], gone[-1] + 1
    # states[k] is frame k + 1: lost within 3 frames of the target leaving, found again
    # within 3 frames of its return.
    assert all(s.lost for s in states[first_gone + 2:back - 1])
    assert not any(s.lost for s in states[back + 2:])
    for s, x in zip(states, xs[1:]):
        if not s.lost:    # never reported on the background
            assert x is not None and iou(np.array(s.box), np.array(disc_box(x, 120)))[0] > 0.3
    lost_gains = [g for g, s in zip(gains, states) if s.lost]
    assert len(set(lost_gains)) == 1


def test_uniform_background_never_balloons():
    background = np.full((H, W, 3), 128, np.uint8)
    rng = np.random.default_rng(1)
    tracker = MeanShiftTracker()
    path = [(80 + 2 * i, 100 + 20 * np.sin(i / 10)) for i in range(100)]
    frames = [cv2.add(disc_frame(background, x, y, colour=(60, 160, 60)),
                      rng.integers(0, 6, (H, W, 3), dtype=np.uint8)) for x, y in path]
    tracker.init(frames[0], disc_box(*path[0]))
    true_area = disc_box(*path[0])[2] ** 2
    for frame, (x, y) in zip(frames[1:], path[1:]):
        s = tracker.update(frame)
        assert not s.lost
        assert 0.5 < s.box[2] * s.box[3] / true_area < 2.0
        assert iou(np.array(s.box), np.array(disc_box(x, y)))[0] > 0.5


def test_grayscale_target_tracks():
    """The demo scene without colour: the target crosses a bar of its own gray and the
    light dims. It is followed most of the time, and whenever it is reported tracked
    the box is on it (losing it for a while is honest; a box on the bar is not)."""
    scene = make_scene("demo", 90, (W, H))
    gray = [cv2.cvtColor(cv2.cvtColor(scene.render(i), cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
            for i in range(90)]
    tracker = MeanShiftTracker()
    tracker.init(gray[0], scene.box(0))
    states = [tracker.update(f) for f in gray[1:]]
    overlaps = iou(np.array([s.box for s in states]), np.array([scene.box(i) for i in range(1, 90)]))
    tracked = ~np.array([s.lost for s in states])
    assert tracked.mean() > 2 / 3
    assert overlaps[tracked].min() > 0.2 and overlaps[tracked].mean() > 0.6
    assert tracked[-10:].all()       # found again after the dimming


def ellipse_clip(share, n=60):
    """A two-colour ellipse ``share`` of the frame wide drifting over a textured scene,
    with its ground-truth boxes; the motion scales with the target."""
    background = np.clip(make_background((W, H), seed=7), 0, 255).astype(np.uint8)
    rx, ry = share * W / 2, share * W / 3
    frames, boxes = [], []
    for i in range(n):
        cx = W / 2 + rx * 0.6 * np.sin(i / 12)
        cy = H / 2 + ry * 0.4 * np.cos(i / 15)
        frame = background.copy()
        cv2.ellipse(frame, (int(cx), int(cy)), (int(rx), int(ry)), 0, 0, 360, (30, 140, 230), -1)
        cv2.ellipse(frame, (int(cx), int(cy)), (int(rx * 0.5), int(ry * 0.5)), 0, 0, 360, (200, 60, 60), -1)
        frames.append(frame)
        boxes.append((int(cx) - int(rx), int(cy) - int(ry), 2 * int(rx) + 1, 2 * int(ry) + 1))
    return frames, np.array(boxes, float)


def track_clip(frames, boxes):
    tracker = MeanShiftTracker()
    tracker.init(frames[0], boxes[0])
    states, samples = [], []
    search = tracker._search.run

    def counted(*args):
        result = search(*args)
        samples.append(result.view.bins.size)     # pixels of the region binned
        return result

    tracker._search.run = counted
    for f in frames[1:]:
        states.append(tracker.update(f))
    track_clip.samples = max(samples)
    return iou(np.array([boxes[0]] + [s.box for s in states]), boxes), states


def test_large_target_tracks_as_well_as_a_small_one():
    small, _ = track_clip(*ellipse_clip(0.10))
    large, states = track_clip(*ellipse_clip(0.45))
    # The pixel budget: the search region is sampled at about TARGET_PIXELS per box area,
    # whatever the target's size (the region is CONTEXT^2 box areas, less what the frame cuts).
    budget = MeanShiftTracker.TARGET_PIXELS * MeanShiftTracker.CONTEXT ** 2
    assert track_clip.samples <= 1.2 * budget
    assert not any(s.lost for s in states)
    assert small.mean() > 0.7
    assert large.mean() > 0.7 and large.min() > 0.5
    assert large.mean() > small.mean() - 0.1


# The pick-up's box in the traffic clip (resized to 640x480), read by hand every 50 frames
# from 3x crops with a 10 px grid: body and mirrors, the roof rack but not the white car
# close behind it. OpenCV contrib's CSRT, started on the frame-0 box, agrees (IoU 0.77-0.93)
# until frame 250 and then lags half a car behind; the hand boxes are the reference.
PICKUP = {0: (260, 102, 47, 62), 50: (272, 116, 47, 59), 100: (284, 131, 48, 63),
          150: (291, 146, 56, 69), 200: (306, 165, 61, 73), 250: (325, 182, 70, 72),
          299: (354, 197, 75, 72)}


def test_car_in_traffic_is_never_reported_lost_while_in_plain_view():
    """The blue pick-up of the traffic clip stays in view for 300 frames. A brightness
    step used to move background colours into the target's bins (the background model
    kept the old binning) and the car was reported lost for 30 frames at frame 122.
    Not lost is not enough: the box must stay on the pick-up (a box drifting onto the
    road would also never be called lost)."""
    clip = SHARED_VIDEO / "traffic-360p.mp4"
    if not clip.is_file():
        pytest.skip("../shared/data/video is not there")
    cap = cv2.VideoCapture(str(clip))
    frames = []
    while len(frames) < 300:
        ok, frame = cap.read()
        assert ok
        frames.append(cv2.resize(frame, (640, 480)))
    start = (260, 78 * 480 / 360, 48, 44 * 480 / 360)
    tracker = MeanShiftTracker()
    tracker.init(frames[0], start)
    states = [tracker.update(f) for f in frames[1:]]
    assert sum(s.lost for s in states) == 0
    boxes = [start] + [s.box for s in states]
    for i, reference in PICKUP.items():
        box = np.array(boxes[i], float)
        x, y, w, h = reference
        cx, cy = box[:2] + box[2:] / 2
        # Our box also takes in some of the white car behind (IoU 0.46-0.93 today); one
        # that slid off the pick-up would have its centre off it and overlap it little.
        assert x <= cx <= x + w and y <= cy <= y + h, (i, box, reference)
        assert iou(box[None], np.array([reference], float))[0] > 0.4, (i, box, reference)


def test_after_a_backward_seek_the_target_is_found_again_at_once():
    """Tracked to frame 200 of the demo (dimmer light there), then sought back to frame 50
    where the ball is 300 px away under other light: found on the first frame or two
    (it stayed LOST for 20+ frames before), and followed from there."""
    from tracker import open_source
    demo = ROOT / "videos" / "demo"
    gt = np.loadtxt(demo / "groundtruth_rect.txt", delimiter=",")
    with open_source(demo / "demo.mp4") as source:
        frames = [f.copy() for _, f in zip(range(201), source)]
    tracker = MeanShiftTracker()
    tracker.init(frames[0], gt[0])
    for f in frames[1:]:
        tracker.update(f)
    tracker.expect_jump()
    states = [tracker.update(frames[i]) for i in range(50, 80)]
    assert not any(s.lost for s in states[2:])
    overlaps = iou(np.array([s.box for s in states]), gt[50:80])
    assert overlaps[2:].min() > 0.5


def test_gray_target_that_vanishes_into_a_road_of_its_grays_is_reported_lost():
    """A gray car on a gray road of the same grays (Car1's failure): colour alone scores
    the empty road 0.99, but the road around the box matches the model as well as the box
    does, which is no evidence of the target. Followed while there, reported lost soon
    after it vanishes, and the box never balloons."""
    rng = np.random.default_rng(3)
    road = rng.integers(70, 170, (H, W), dtype=np.uint8)
    car = rng.integers(60, 130, (31, 31), dtype=np.uint8)

    def frame(x, present=True):
        f = road.copy()
        if present:
            f[100:131, x:x + 31] = car
        return cv2.cvtColor(f, cv2.COLOR_GRAY2BGR)

    tracker = MeanShiftTracker()
    tracker.init(frame(60), (60, 100, 31, 31))
    gone = 30
    states = [tracker.update(frame(60 + 2 * i, present=i < gone)) for i in range(1, 60)]
    for i, s in enumerate(states[:gone - 1], 1):
        assert not s.lost and iou(np.array(s.box), np.array((60 + 2 * i, 100, 31, 31)))[0] > 0.8
    assert all(s.lost for s in states[gone + 15:])
    assert all(s.box[2] * s.box[3] < 2 * 31 * 31 for s in states)
