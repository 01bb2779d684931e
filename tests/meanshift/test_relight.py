"""The parts of re-detection under other light: gain ladders, a scene's brightness, and
the gain that fits a box (the reference: the light the image was rendered in)."""

import math

import numpy as np
import pytest

from tests.meanshift.test_tracker_parts import SPACE, patchy_image
from tracker.meanshift.adaptation import BrightnessProbe, gain_ladder, scene_brightness
from tracker.meanshift.colour import ColourQuantizer
from tracker.meanshift.model import TargetModel, box_histogram
from tracker.meanshift.region import Region
from tracker.meanshift.state import Window


def test_gain_ladder_spans_its_ends_in_steps_no_larger_than_asked():
    ladder = gain_ladder(0.5, 2.0, 0.03)
    assert ladder[0] == pytest.approx(0.5) and ladder[-1] == pytest.approx(2.0)
    ratios = np.array(ladder[1:]) / np.array(ladder[:-1])
    assert np.allclose(ratios, ratios[0]) and 1.0 < ratios[0] <= 1.03
    assert len(ladder) == math.ceil(math.log(4) / math.log(1.03)) + 1
    assert gain_ladder(1.0, 1.0, 0.03) == [1.0]


@pytest.mark.parametrize("k", [0.5, 0.8, 1.2])
def test_scene_brightness_scales_with_the_light(k):
    image = patchy_image(3, (480, 640))
    lit = np.clip(np.rint(image * k), 0, 255).astype(np.uint8)
    assert scene_brightness(lit) / scene_brightness(image) == pytest.approx(k, rel=0.01)
    assert scene_brightness(image) == pytest.approx(image.mean(), rel=0.02)    # a fair sample


@pytest.mark.parametrize("k", [0.62, 1.6])
def test_fit_finds_the_light_a_box_was_dimmed_or_brightened_by(k):
    """Learnt in one light, the box seen in 0.62x or 1.6x of it: among gains from half to
    double, the fitted gain is the light's to within a step, and matches as well as the
    box did when learnt, where the learnt binning matches it poorly."""
    image = patchy_image(5)
    if k > 1:       # learnt in dim light (nothing saturates in the brighter)
        image = np.rint(image * 0.6).astype(np.uint8)
    region = Region(image, 0, 0, 1.0, 1.0)
    quantizer = ColourQuantizer(SPACE)
    model = TargetModel(SPACE.size)
    q, _ = box_histogram(quantizer.bin_map(image, 1.0), region, 80, 60, 60, 50, SPACE.size)
    model.learn(q)
    lit = np.clip(np.rint(image.astype(np.float64) * k), 0, 255).astype(np.uint8)
    seen = Region(lit, 0, 0, 1.0, 1.0)

    def score_of(bins, u, v):
        return model.score(bins, seen, u, v, 60, 50, 0.0)

    probe = BrightnessProbe(SPACE, 0.03, 0.005, (0.2, 5.0))
    gain, score = probe.fit(seen, 80, 60, Window(60.0, 50.0, 0.0), gain_ladder(0.5, 2.0, 0.03), model)
    assert abs(math.log(gain / k)) <= math.log(1.03) + 1e-9
    assert score > 0.9 > 0.5 > score_of(quantizer.bin_map(lit, 1.0), 80, 60)
