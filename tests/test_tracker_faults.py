"""Bad use of MeanShiftTracker: clear errors, never a cv2.error, never a broken tracker."""

import numpy as np
import pytest

from tracker import InputError, MeanShiftTracker
from tracker.evaluation.synthetic import make_scene

SIZE = (320, 240)


@pytest.mark.parametrize("space", ["bgr", "hsv", "hs"])
def test_one_pixel_target_predicted_outside_the_frame(space):
    """A 1 px target at the frame's edge, moving out: update() never raises (it used to
    raise cv2.error in hs/hsv on an empty brightness window) and stays in the frame."""
    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 255, (40, 50, 3), dtype=np.uint8) for _ in range(12)]
    for i, f in enumerate(frames):
        f[20, max(49 - 3 * i, 0)] = (30, 200, 250)      # a bright, saturated pixel moving left
    tracker = MeanShiftTracker(colour_space=space)
    tracker.init(frames[0], (49, 20, 1, 1))
    for f in frames[1:]:
        x, y, w, h = tracker.update(f).box
        assert 0 <= x and x + w <= 50 + 1e-9 and 0 <= y and y + h <= 40 + 1e-9


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
