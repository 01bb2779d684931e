"""Bad use of MeanShiftTracker: clear errors, never a cv2.error, never a broken tracker."""

import numpy as np
import pytest

from tracker import InputError, MeanShiftTracker
from tracker.evaluation.synthetic import make_scene

SIZE = (320, 240)


@pytest.mark.parametrize("seed", range(60))
def test_one_pixel_target_moving_off_the_frame(seed):
    """A 1 px target on a small frame, moving fast, often out of the frame: update() never
    raises (the first tracker raised cv2.error in hs/hsv on an empty brightness window
    for some of these) and the box stays in the frame."""
    rng = np.random.default_rng(seed)
    h, w = (int(v) for v in rng.integers(8, 60, 2))
    x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
    vx, vy = (int(v) for v in rng.integers(-6, 7, 2))
    frames = []
    for i in range(10):
        frame = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
        if 0 <= x + vx * i < w and 0 <= y + vy * i < h:
            frame[y + vy * i, x + vx * i] = (30, 200, 250)
        frames.append(frame)
    tracker = MeanShiftTracker(colour_space=["hs", "hsv", "bgr"][seed % 3])
    try:
        tracker.init(frames[0], (x, y, 1, 1))
    except InputError:
        return              # a pixel too dull for hs: refused, with a message
    for frame in frames[1:]:
        bx, by, bw, bh = tracker.update(frame).box
        assert 0 <= bx and bx + bw <= w + 1e-9 and 0 <= by and by + bh <= h + 1e-9


def test_a_refused_retarget_keeps_the_current_target():
    scene = make_scene("demo", 20, SIZE)
    tracker, fresh = MeanShiftTracker(), MeanShiftTracker()
    tracker.init(scene.render(0), scene.box(0))
    fresh.init(scene.render(0), scene.box(0))
    for i in range(1, 5):
        tracker.update(scene.render(i)), fresh.update(scene.render(i))
    with pytest.raises(InputError):
        tracker.init(scene.render(5), (0, 0, 0.4, 0.4))
    with pytest.raises(InputError):
        tracker.init(np.zeros((10, 10, 3), np.uint8), (20, 20, 5, 5))     # outside that frame
    for i in range(5, 20):
        assert tracker.update(scene.render(i)) == fresh.update(scene.render(i))


@pytest.mark.parametrize("option, value", [
    ("eps", float("nan")), ("eps", -1), ("eps", 0), ("max_iter", -5), ("max_iter", 2.5),
    ("max_iter", True), ("lost_threshold", 2), ("lost_threshold", float("nan")),
    ("model_update", 5), ("model_update", "0.1"), ("adapt_scale", "yes"), ("bins", 1),
    ("colour_space", "xyz"),
])
def test_every_option_is_checked_by_name(option, value):
    with pytest.raises(InputError, match=option.replace("_", "[_ ]") if option != "colour_space" else "colour space"):
        MeanShiftTracker(**{option: value})
