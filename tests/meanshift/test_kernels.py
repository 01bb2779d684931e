"""Colour and moment kernels against OpenCV and the slow references in ``tests/support/reference.py``."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from tests.support import reference as ref
from tests.support.camshift_inputs import HUE, real_frames, sample_hue_hist
from tracker.meanshift._colour_kernels import (bhattacharyya, kernel_histogram, lut_moments, lut_project, quantize,
                                              ring_histogram)
from tracker.meanshift._region_kernels import gather_rows, nearest_sample
from tracker.meanshift.region import RegionSampler
from tracker.meanshift._meanshift_kernels import densest_window, window_moments
from tracker.meanshift.colour import ColourQuantizer, ColourSpace, back_project, colour_space, target_histogram

HUE_SAT = ColourSpace("hs16", cv2.COLOR_BGR2HSV, (16, 16, 1), (180, 256, 256))
SAMPLE_LOWS = (0, 60, 32)  # OpenCV camshift.py: inRange(hsv, (0, 60, 32), (180, 255, 255))


def random_bgr(seed, shape=(48, 64)):
    return np.random.default_rng(seed).integers(0, 256, (*shape, 3), dtype=np.uint8)


def smooth_bgr(seed, shape=(60, 80)):
    """Random image with regions of similar colour, so hue histograms have real peaks."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (shape[0] // 10 + 1, shape[1] // 10 + 1, 3), dtype=np.uint8)
    img = cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.add(img, rng.integers(0, 12, img.shape, dtype=np.uint8))


def as_u8(prob):
    return np.clip(np.rint(prob), 0, 255).astype(np.uint8)


# --- quantisation ----------------------------------------------------------------------

@pytest.mark.parametrize("nbins, ranges, lows", [
    ((16, 16, 16), (256, 256, 256), (0, 0, 0)),
    ((8, 4, 2), (256, 256, 256), (0, 0, 0)),
    ((16, 8, 4), (180, 256, 256), (0, 0, 0)),
    ((26, 13, 6), (180, 256, 256), (0, 0, 0)),      # 26 hue bins: float bin width matters at 90
    ((52, 16, 1), (180, 256, 256), (0, 60, 32)),
    ((3, 5, 7), (200, 256, 100), (10, 20, 30)),     # values past the range clip to the last bin
])
@pytest.mark.parametrize("seed", [0, 1])
def test_quantize_matches_per_pixel_reference(nbins, ranges, lows, seed):
    img = random_bgr(seed, (24, 31))
    img[0, :3] = ((90, 0, 0), (45, 128, 255), (179, 255, 32))  # a few corner values
    got = quantize(img, np.array(nbins, np.int64), np.array(ranges, np.float64),
                   np.array(lows, np.int64), np.empty((3, 256), np.int32),
                   np.empty(img.shape[:2], np.int32))
    np.testing.assert_array_equal(got, ref.quantize(img, nbins, ranges, lows))


def scaled_bins(image, nbins, ranges, lows):
    """NumPy reference of the bin map at real-valued (gain-scaled) channel ranges, which
    ``ref.quantize`` (integer ranges) does not take: bin floor(v * nbins / range) per
    channel, clipped to the last, -1 where any channel is below its low."""
    flat = np.zeros(image.shape[:2], np.int64)
    masked = np.zeros(image.shape[:2], bool)
    for c in range(3):
        values = image[..., c].astype(np.float64)
        b = np.minimum(np.floor(values * (nbins[c] / ranges[c])).astype(np.int64), nbins[c] - 1)
        flat = flat * nbins[c] + b
        masked |= image[..., c] < lows[c]
    return np.where(masked, -1, flat)


@pytest.mark.parametrize("name", ["bgr", "hsv", "hs"])
def test_quantizer_kept_tables_bin_as_the_reference_at_every_gain(name):
    """The bin tables kept per gain (more gains than are kept, some seen again after being
    dropped) bin every image exactly as the reference at that gain's scaled edges."""
    space = colour_space(name, 16)
    quantizer = ColourQuantizer(space)
    gains = [1.0, 1.05, 1 / 1.05, 1.0, 0.7, 1.3, 2.0, 0.5, 1.05, 1.0, 1.3, 4.9]
    assert len(set(gains)) > ColourQuantizer.KEPT_TABLES
    for k, gain in enumerate(gains):
        img = random_bgr(k, (20, 27))
        converted = img if space.conversion is None else cv2.cvtColor(img, space.conversion)
        ranges = [r * (gain if g else 1.0) for r, g in zip(space.ranges, space.gain_channels())]
        window = img[3:17, 2:25]       # a view, as the brightness probe bins
        conv_window = converted[3:17, 2:25]
        np.testing.assert_array_equal(quantizer.bin_map(window, gain),
                                      scaled_bins(conv_window, space.nbins, ranges, space.lows))
        assert len(quantizer._tables) <= ColourQuantizer.KEPT_TABLES


@pytest.mark.parametrize("bins", [8, 16, 26, 52])
def test_joint_bgr_and_hsv_histograms_equal_calchist(bins):
    """Counting the bin map of a whole image gives cv2.calcHist's 3-channel histogram."""
    img = np.concatenate([random_bgr(bins, (40, 50)), smooth_bgr(bins, (40, 50))])
    for space in (colour_space("bgr", bins), colour_space("hsv", bins)):
        converted = img if space.conversion is None else cv2.cvtColor(img, space.conversion)
        bin_map = ColourQuantizer(space).bin_map(img)
        ours = np.bincount(bin_map.ravel(), minlength=space.size)
        cv = cv2.calcHist([converted], [0, 1, 2], None, list(space.nbins),
                          [0, space.ranges[0], 0, space.ranges[1], 0, space.ranges[2]])
        assert cv.shape == space.nbins
        np.testing.assert_array_equal(ours, cv.ravel().astype(np.int64))


def test_joint_bgr_8cubed_histogram_equals_calchist():
    img = random_bgr(7, (64, 80))
    bin_map = quantize(img, np.array((8, 8, 8)), np.array((256.0, 256.0, 256.0)),
                       np.zeros(3, np.int64), np.empty((3, 256), np.int32),
                       np.empty(img.shape[:2], np.int32))
    cv = cv2.calcHist([img], [0, 1, 2], None, [8, 8, 8], [0, 256] * 3)
    np.testing.assert_array_equal(np.bincount(bin_map.ravel(), minlength=512), cv.ravel().astype(np.int64))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_quantize_mask_matches_inrange(seed):
    img = np.concatenate([random_bgr(seed), smooth_bgr(seed, (48, 64))])
    hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
    bin_map = ColourQuantizer(colour_space("hs", 16)).bin_map(img)
    in_range = cv2.inRange(hsv, np.array((0.0, 60.0, 32.0)), np.array((180.0, 255.0, 255.0)))
    assert 0 < (in_range == 0).sum() < in_range.size    # both outcomes occur
    np.testing.assert_array_equal(bin_map < 0, in_range == 0)
    np.testing.assert_array_equal(bin_map == -1, bin_map < 0)


def test_quantize_mask_matches_inrange_on_real_frames():
    for name, img, _ in real_frames():
        hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
        bin_map = ColourQuantizer(colour_space("hs", 16)).bin_map(img)
        in_range = cv2.inRange(hsv, np.array((0.0, 60.0, 32.0)), np.array((180.0, 255.0, 255.0)))
        np.testing.assert_array_equal(bin_map < 0, in_range == 0, err_msg=name)


# --- back-projection -------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_hue_back_projection_equals_calcbackproject(seed):
    img = smooth_bgr(seed) if seed % 2 else random_bgr(seed)
    hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
    hist = sample_hue_hist(hsv, (10, 10, 30, 25))
    assert hist.max() == pytest.approx(255, abs=1e-3)
    cv = cv2.calcBackProject([hsv], [0], hist, [0, 180], 1)
    ours = back_project(img, hist, HUE)
    assert ours.dtype == np.float32 and ours.shape == img.shape[:2]
    np.testing.assert_array_equal(as_u8(ours), cv)


def test_back_projection_rounds_and_saturates_like_calcbackproject():
    """Table values with exact halves, above 255 and below 0, on every hue."""
    hue = np.arange(180, dtype=np.uint8).reshape(12, 15)
    hsv = np.dstack([hue, np.full_like(hue, 200), np.full_like(hue, 200)])
    img = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)
    hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)   # the hues the conversion round trip gives
    table = np.array([0.5, 1.5, 2.5, 254.5, 255.5, 300.0, -3.0, 7.49, 7.51, 100.0,
                      12.5, 13.5, 0.0, 1e6, 128.0, 99.5], np.float32).reshape(16, 1)
    cv = cv2.calcBackProject([hsv], [0], table, [0, 180], 1)
    np.testing.assert_array_equal(as_u8(back_project(img, table, HUE)), cv)


def test_hue_back_projection_equals_calcbackproject_on_real_frames():
    for name, img, box in real_frames():
        hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
        hist = sample_hue_hist(hsv, box)
        cv = cv2.calcBackProject([hsv], [0], hist, [0, 180], 1)
        ours = as_u8(back_project(img, hist, HUE))
        np.testing.assert_array_equal(ours, cv, err_msg=name)
        assert cv.max() > 0, name


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hue_saturation_back_projection_equals_calcbackproject(seed):
    img = smooth_bgr(seed)
    hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
    hist = sample_hue_hist(hsv, (5, 5, 50, 40), channels=(0, 1), bins=(16, 16), ranges=(0, 180, 0, 256))
    assert hist.shape == (16, 16)
    cv = cv2.calcBackProject([hsv], [0, 1], hist, [0, 180, 0, 256], 1)
    np.testing.assert_array_equal(as_u8(back_project(img, hist, HUE_SAT)), cv)


def test_hue_saturation_back_projection_equals_calcbackproject_on_real_frames():
    for name, img, box in real_frames():
        hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
        hist = sample_hue_hist(hsv, box, channels=(0, 1), bins=(16, 16), ranges=(0, 180, 0, 256))
        cv = cv2.calcBackProject([hsv], [0, 1], hist, [0, 180, 0, 256], 1)
        np.testing.assert_array_equal(as_u8(back_project(img, hist, HUE_SAT)), cv, err_msg=name)


@pytest.mark.parametrize("space_name", ["bgr", "hsv", "hs"])
def test_lut_project_matches_reference(space_name):
    space = colour_space(space_name, 8)
    img = smooth_bgr(5)
    bin_map = ColourQuantizer(space).bin_map(img).copy()
    table = np.random.default_rng(1).random(space.size).astype(np.float32)
    got = lut_project(bin_map, table, np.empty(bin_map.shape, np.float32))
    np.testing.assert_allclose(got, ref.back_project(bin_map, table), rtol=0, atol=0)
    if space_name == "hs":
        assert (got[bin_map < 0] == 0).all() and (bin_map < 0).any()


# --- region histograms -----------------------------------------------------------------

def random_bin_map(seed, shape=(40, 50), nbins=20, masked=0.2):
    rng = np.random.default_rng(seed)
    bin_map = rng.integers(0, nbins, shape).astype(np.int32)
    bin_map[rng.random(shape) < masked] = -1
    return bin_map


KERNEL_CASES = [
    # cx, cy, half_w, half_h, theta
    (25.0, 20.0, 10.0, 6.0, 0.0),
    (24.5, 19.5, 10.0, 6.0, 0.0),          # box of even size: centre between pixels
    (25.3, 18.7, 12.0, 5.0, 0.6),          # rotated
    (25.0, 20.0, 15.0, 4.0, math.pi / 2),
    (25.0, 20.0, 9.0, 9.0, 1.0),           # circle: rotation does not matter
    (20.0, 20.0, 14.0, 3.0, -2.3),
    (2.0, 3.0, 10.0, 8.0, 0.3),            # clipped at the top-left
    (47.5, 38.0, 9.0, 12.0, 2.0),          # clipped at the bottom-right
    (-4.0, 20.0, 8.0, 5.0, 0.2),           # centre outside the image, part inside
    (25.0, 20.0, 40.0, 30.0, 0.4),         # larger than the image
    (10.0, 10.0, 0.5, 0.5, 0.0),           # 1 x 1 box: one pixel
    (10.5, 10.0, 1.0, 0.5, 0.0),           # 2 x 1 box
    (10.5, 10.5, 1.0, 1.0, 0.0),           # 2 x 2 box: four pixels just inside the rim
    (10.2, 9.9, 1.0, 1.0, 0.7),            # tiny and rotated
    (-30.0, -30.0, 5.0, 5.0, 0.0),         # entirely outside: nothing counts
]


@pytest.mark.parametrize("case", KERNEL_CASES)
@pytest.mark.parametrize("seed", [0, 1])
def test_kernel_histogram_matches_reference(case, seed):
    bin_map = random_bin_map(seed)
    hist = np.full(20, 7.0)  # garbage: the kernel must zero it
    total = kernel_histogram(bin_map, *case, hist)
    want, want_total = ref.epanechnikov_histogram(bin_map, *case, 20)
    assert total == pytest.approx(want_total, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(hist, want, rtol=1e-12, atol=1e-14)
    if want_total > 0:
        assert hist.sum() == pytest.approx(1.0)


def test_kernel_histogram_weights_are_epanechnikov():
    """One bin per pixel, so each bin holds that pixel's normalised weight 1 - r^2."""
    h, w = 15, 21
    bin_map = np.arange(h * w, dtype=np.int32).reshape(h, w)
    hist = np.empty(h * w)
    total = kernel_histogram(bin_map, 10.0, 7.0, 6.0, 4.0, 0.0, hist)
    ys, xs = np.mgrid[0:h, 0:w]
    r2 = ((xs - 10.0) / 6.0) ** 2 + ((ys - 7.0) / 4.0) ** 2
    k = np.where(r2 < 1, 1 - r2, 0.0)
    assert total == pytest.approx(k.sum())
    np.testing.assert_allclose(hist.reshape(h, w) * total, k, atol=1e-12)
    assert hist[7 * w + 10] == hist.max()                  # the centre counts most
    assert hist[7 * w + 16] == 0 and hist[3 * w + 10] == 0  # the rim counts nothing


def test_target_histogram_is_the_kernel_histogram_of_the_box():
    img = smooth_bgr(3)
    space = colour_space("bgr", 8)
    bin_map = ref.quantize(img, space.nbins, space.ranges, space.lows)
    for box in [(10, 12, 30, 20), (0, 0, 7, 5), (60, 45, 20, 15), (33, 20, 1, 2)]:
        x, y, w, h = box
        want, _ = ref.epanechnikov_histogram(bin_map, x + (w - 1) / 2, y + (h - 1) / 2, w / 2, h / 2, 0.0,
                                             space.size)
        np.testing.assert_allclose(target_histogram(img, box, space), want, rtol=1e-12, atol=1e-14)


RING_CASES = [
    # outer (x0, y0, x1, y1), inner
    ((5, 5, 40, 30), (15, 10, 30, 22)),
    ((-10, -5, 20, 15), (0, 0, 10, 8)),          # outer past the top-left
    ((30, 20, 70, 60), (40, 30, 60, 50)),        # outer past the bottom-right, inner too
    ((5, 5, 40, 30), (0, 0, 0, 0)),              # empty inner: the whole outer box
    ((5, 5, 40, 30), (-5, -5, 60, 60)),          # inner covers outer: nothing
    ((5, 5, 40, 30), (30, 2, 50, 12)),           # inner overlapping one corner
    ((0, 0, 50, 40), (10, 10, 11, 11)),          # one-pixel hole
    ((5, 5, 40, 30), (20, 10, 12, 22)),          # inner's edges the wrong way round: nothing left out
    ((10, 5, 40, 30), (0, 8, 6, 20)),            # inner left of outer
    ((5, 5, 30, 30), (35, 8, 45, 20)),           # inner right of outer
    ((4, 3, 41, 33), (14, 9, 27, 21)),           # inner's edges off the step grid
    ((-7, -4, 44, 33), (13, 11, 32, 23)),        # ...and outer clipped
]


@pytest.mark.parametrize("case", RING_CASES)
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("step", [1, 2, 3])
def test_ring_histogram_matches_reference(case, seed, step):
    bin_map = random_bin_map(seed)
    outer, inner = case
    hist = np.full(20, 3.0)
    count = ring_histogram(bin_map, *outer, *inner, hist, step)
    want, want_count = ref.ring_histogram(bin_map, outer, inner, 20, step)
    assert count == want_count
    np.testing.assert_allclose(hist, want, rtol=1e-12, atol=1e-15)


def test_ring_histogram_leaves_its_count_scratch_clear_for_the_next_call():
    """The per-frame callers hand the kernel one int32 counts array call after call; it
    must come back all zero, whatever was counted, or the next ring would inherit counts."""
    counts = np.zeros(20, np.int32)
    for seed, (outer, inner) in enumerate(RING_CASES):
        bin_map = random_bin_map(seed)
        for step in (1, 2, 3):
            hist = np.full(20, 3.0)
            count = ring_histogram(bin_map, *outer, *inner, hist, step, None, counts)
            want, want_count = ref.ring_histogram(bin_map, outer, inner, 20, step)
            assert count == want_count and not counts.any()
            np.testing.assert_allclose(hist, want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bhattacharyya_matches_numpy(seed):
    rng = np.random.default_rng(seed)
    p, q = rng.random(64), rng.random(64)
    p[rng.random(64) < 0.3] = 0
    p, q = p / p.sum(), q / q.sum()
    assert bhattacharyya(p, q) == pytest.approx(ref.bhattacharyya(p, q), rel=1e-12)
    assert bhattacharyya(p, p) == pytest.approx(1.0, rel=1e-12)
    disjoint = np.zeros(64)
    disjoint[p == 0] = 1.0
    assert bhattacharyya(p, disjoint / disjoint.sum()) == 0.0
    # OpenCV's Bhattacharyya distance is sqrt(1 - BC) for normalised histograms.
    d = cv2.compareHist(p.astype(np.float32), q.astype(np.float32), cv2.HISTCMP_BHATTACHARYYA)
    assert d == pytest.approx(math.sqrt(1 - bhattacharyya(p, q)), abs=1e-5)


# --- moments and window sums -----------------------------------------------------------

def shifted_cv_moments(weights, x0, y0, x1, y1):
    """cv2.moments of the sub-window, moved to whole-image coordinates."""
    m = cv2.moments(weights[y0:y1, x0:x1])
    m00, m10, m01 = m["m00"], m["m10"], m["m01"]
    return (m00, m10 + x0 * m00, m01 + y0 * m00,
            m["m20"] + 2 * x0 * m10 + x0 * x0 * m00,
            m["m11"] + x0 * m01 + y0 * m10 + x0 * y0 * m00,
            m["m02"] + 2 * y0 * m01 + y0 * y0 * m00)


@pytest.mark.parametrize("window", [(0, 0, 64, 48), (10, 5, 30, 25), (37, 20, 38, 21), (0, 40, 64, 48),
                                   (50, 0, 64, 10)])
@pytest.mark.parametrize("seed", [0, 1])
def test_window_moments_match_cv2_moments(window, seed):
    weights = (np.random.default_rng(seed).random((48, 64)) * 255).astype(np.float32)
    got = window_moments(weights, *window)
    want = shifted_cv_moments(weights, *window)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    np.testing.assert_allclose(got, ref.window_moments(weights, *window), rtol=1e-10)


@pytest.mark.parametrize("window", [(0, 0, 50, 40), (7, 3, 31, 22), (-5, -3, 20, 15), (30, 30, 90, 70),
                                   (60, 5, 80, 9)])
def test_lut_moments_are_the_moments_of_the_back_projection(window):
    """The fused kernel against the slow reference: back-project with the NumPy
    reference, then take the NumPy reference's moments (masked pixels weigh 0)."""
    bin_map = random_bin_map(4)
    table = np.random.default_rng(5).random(20).astype(np.float32)
    got = lut_moments(bin_map, table, *window)
    want = ref.window_moments(ref.back_project(bin_map, table).astype(np.float32), *window)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    if window == (0, 0, 50, 40):
        assert got[0] > 0 and (bin_map < 0).any()


@pytest.mark.parametrize("window", [(-5, -3, 20, 15), (50, 40, 90, 70), (-10, -10, 100, 100), (70, 5, 80, 9)])
def test_window_moments_clip_to_the_image(window):
    weights = (np.random.default_rng(9).random((48, 64)) * 255).astype(np.float32)
    got = window_moments(weights, *window)
    np.testing.assert_allclose(got, ref.window_moments(weights, *window), rtol=1e-10, atol=0)
    x0, y0, x1, y1 = max(window[0], 0), max(window[1], 0), min(window[2], 64), min(window[3], 48)
    if x1 > x0 and y1 > y0:
        np.testing.assert_allclose(got, shifted_cv_moments(weights, x0, y0, x1, y1), rtol=1e-6)
    else:
        assert got == (0.0,) * 6


@pytest.mark.parametrize("shape, win", [((30, 40), (7, 5)), ((31, 17), (1, 1)), ((20, 25), (25, 20)),
                                        ((12, 14), (30, 3)), ((1, 1), (4, 4)), ((25, 33), (12, 16))])
@pytest.mark.parametrize("seed", [0, 1])
def test_densest_window_matches_brute_force(shape, win, seed):
    weights = np.random.default_rng(seed).random(shape).astype(np.float32)
    integral = np.full((shape[0] + 3, shape[1] + 2), np.nan)   # oversized, dirty buffer
    cx, cy, best = densest_window(weights, *win, integral)
    wcx, wcy, wbest = ref.densest_window(weights, *win)
    assert (cx, cy) == (wcx, wcy)
    assert best == pytest.approx(wbest, rel=1e-9)


@pytest.mark.parametrize("shape, win", [((30, 40), (7, 5)), ((31, 17), (1, 1)), ((20, 25), (25, 20)),
                                        ((25, 33), (12, 16)), ((60, 20), (6, 18))])
@pytest.mark.parametrize("centre, reach", [((20.0, 15.0), (4.0, 3.5)), ((0.0, 0.0), (2.0, 2.0)),
                                           ((18.3, 40.7), (0.0, 9.25)), ((-30.0, 90.0), (3.0, 3.0)),
                                           ((10.0, 10.0), (-1.0, 5.0))])
def test_densest_window_within_reach_matches_brute_force(shape, win, centre, reach):
    weights = np.random.default_rng(3).random(shape).astype(np.float32)
    integral = np.full((shape[0] + 1, shape[1] + 1), np.nan)
    got = densest_window(weights, *win, integral, *centre, *reach)
    want = ref.densest_window(weights, *win, *centre, *reach)
    assert got[:2] == want[:2]
    assert got[2] == pytest.approx(want[2], rel=1e-9)
    # The table still covers the whole image (the tracker reads the box sums from it).
    np.testing.assert_allclose(integral[-1, -1], weights.astype(np.float64).sum(), rtol=1e-9)


def test_densest_window_within_reach_skips_a_denser_block_out_of_reach():
    weights = np.zeros((60, 30), np.float32)
    weights[2:10, 10:16] = 1.0      # far up: denser
    weights[40:48, 20:25] = 0.9     # one box to the side of (12, 44): the one in reach
    integral = np.empty((61, 31))
    assert densest_window(weights, 5, 8, integral)[:2] == (12.0, 5.5)
    assert densest_window(weights, 5, 8, integral, 12.0, 44.0, 12.0, 12.0)[:2] == (22.0, 43.5)


def test_densest_window_breaks_ties_like_argmax_and_finds_a_planted_block():
    weights = np.zeros((30, 40), np.float32)
    weights[5:9, 7:12] = 1.0     # two equal blocks: the first in row-major order wins
    weights[20:24, 3:8] = 1.0
    integral = np.empty((31, 41))
    assert densest_window(weights, 5, 4, integral) == (9.0, 6.5, 20.0) == ref.densest_window(weights, 5, 4)
    weights[20, 3] = 2.0
    assert densest_window(weights, 5, 4, integral) == (5.0, 21.5, 21.0) == ref.densest_window(weights, 5, 4)
    zero = np.zeros((10, 12), np.float32)
    assert densest_window(zero, 4, 4, integral) == (1.5, 1.5, 0.0) == ref.densest_window(zero, 4, 4)


@pytest.mark.parametrize("win", [(9, 7), (20, 24), (1, 1), (5, 30)])
@pytest.mark.parametrize("reach", [None, (30.0, 25.0), (6.0, 4.5)])
def test_densest_window_bounded_scan_matches_brute_force_on_a_target_like_image(win, reach):
    """A weight image as the tracker makes: a bright blob, fainter look-alikes and low
    noise. Most blocks of window origins are skipped by their bound; the windows
    that remain must give the full scan's centre and sum."""
    rng = np.random.default_rng(7)
    ys, xs = np.mgrid[:150, :170]
    weights = 0.05 * rng.random((150, 170))
    for (x, y, size, level) in ((90, 70, 14, 0.9), (40, 30, 9, 0.6), (140, 120, 6, 0.7)):
        weights += level * np.exp(-0.5 * (((xs - x) / size) ** 2 + ((ys - y) / size) ** 2))
    weights = weights.astype(np.float32)
    integral = np.full((151, 171), np.nan)
    args = () if reach is None else (80.0, 60.0, *reach)
    got = densest_window(weights, *win, integral, *args)
    want = ref.densest_window(weights, *win, *args)
    assert got[:2] == want[:2]
    assert got[2] == pytest.approx(want[2], rel=1e-9)


def test_densest_window_bounded_scan_allows_for_the_rounding_of_large_weights():
    """Weights of up to 1e6 above sparse small ones in reach: the table's entries round
    by about 1e-7, more than the small windows differ. A margin on the floor's own size
    skipped the block of the densest window in reach (review of 5a20957)."""
    rng = np.random.default_rng(5)
    weights = np.zeros((60, 120), np.float32)
    weights[:30] = (rng.random((30, 120)) * 1e6).astype(np.float32)
    for _ in range(60):
        weights[rng.integers(30, 60), rng.integers(0, 120)] = 0.3
    integral = np.empty((61, 121))
    args = (60.0, 45.0, 60.0, 14.0)
    got = densest_window(weights, 2, 2, integral, *args)
    want = ref.densest_window(weights, 2, 2, *args)
    assert got[:2] == want[:2] == (112.5, 35.5)
    assert got[2] == pytest.approx(want[2], rel=1e-6)


def test_densest_window_tie_goes_to_the_first_in_row_major_order_across_blocks():
    """Two equal windows, the later in row-major order in a block scanned first: the
    full scan's choice, the one in the earlier row, still wins."""
    weights = np.zeros((20, 30), np.float32)
    weights[2:5, 0:3] = 1.0      # origin (x 0, y 2): the first block of origins
    weights[1:4, 9:12] = 1.0     # origin (x 9, y 1): a later block, an earlier row
    integral = np.empty((21, 31))
    assert densest_window(weights, 3, 3, integral) == (10.0, 2.0, 9.0) == ref.densest_window(weights, 3, 3)


def test_blend_into_and_ratio_table_match_numpy():
    from tracker.meanshift._colour_kernels import blend_into, ratio_table
    rng = np.random.default_rng(5)
    q, b = rng.dirichlet(np.ones(64)), rng.dirichlet(np.ones(64))
    q[::7] = 0.0
    model = q.copy()
    blend_into(model, b, 0.3)
    np.testing.assert_allclose(model, 0.7 * q + 0.3 * b, rtol=1e-12)
    table = np.empty(64, np.float32)
    target, background = ratio_table(q, b, 3.0, table)
    want = q / (q + 3.0 * b + 1e-12)
    np.testing.assert_allclose(table, want, rtol=1e-6)
    assert target == pytest.approx(float(q @ want)) and background == pytest.approx(float(b @ want))


def test_back_project_refuses_a_wrong_output_buffer():
    from tracker import InputError
    frame = np.zeros((40, 40, 3), np.uint8)
    with pytest.raises(InputError, match="shape"):
        back_project(frame, np.ones(4096), out=np.zeros((2, 2), np.float32))
    with pytest.raises(InputError, match="size"):
        target_histogram(frame, (5, 5, 0, 5))
    gray = np.zeros((40, 40), np.uint8)   # validated and converted, not a numba error
    assert target_histogram(gray, (5, 5, 10, 10)).sum() == pytest.approx(1.0)


# --- region sampling -----------------------------------------------------------------
@pytest.mark.parametrize("shape, out_size", [((205, 168), (127, 155)), ((437, 357), (125, 153)),
                                             ((7, 5), (3, 2)), ((480, 640), (160, 120))])
def test_nearest_sample_matches_reference(shape, out_size):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, shape + (3,), dtype=np.uint8)
    out_w, out_h = out_size
    step_x, step_y = shape[1] / out_w, shape[0] / out_h
    out = nearest_sample(image, step_x, step_y, np.empty((out_h, out_w, 3), np.uint8))
    np.testing.assert_array_equal(out, ref.nearest_sample(image, out_w, out_h, step_x, step_y))
    # The same points as OpenCV's exact nearest resize, but for rounding at exact ties.
    cv = cv2.resize(image, out_size, interpolation=cv2.INTER_NEAREST_EXACT)
    assert (cv == out).all(axis=2).mean() > 0.98


@pytest.mark.parametrize("shape, x0, x1, y0, height, out_h", [
    ((240, 320), 90, 212, 55, 92, 61), ((240, 320), 0, 320, 0, 240, 240), ((240, 320), 300, 320, 230, 10, 3),
    ((7, 5), 1, 4, 2, 5, 5), ((480, 640), 10, 400, 33, 300, 101)])
def test_gather_rows_copies_the_rows_nearest_sample_reads(shape, x0, x1, y0, height, out_h):
    rng = np.random.default_rng(x0 + height)
    frame = rng.integers(0, 256, shape + (3,), dtype=np.uint8)
    step_y = height / out_h
    out = gather_rows(frame.reshape(shape[0], -1), x0 * 3, x1 * 3, y0, height, step_y,
                      np.empty((out_h, (x1 - x0) * 3), np.uint8))
    crop = frame[y0:y0 + height, x0:x1]
    expected = ref.nearest_sample(crop, x1 - x0, out_h, 1.0, step_y)      # every column
    np.testing.assert_array_equal(out.reshape(out_h, x1 - x0, 3), expected)


@pytest.mark.parametrize("scale", [0.1, 0.2, 0.3, 0.5, 0.68, 0.75, 0.99])
def test_region_sampler_ways_of_sampling_agree(scale):
    """Sampling the rows gathered from a contiguous frame, in place or from a whole copy
    of the crop (a frame that is a view) give the reference's pixels."""
    rng = np.random.default_rng(2)
    frame = rng.integers(0, 256, (240, 320, 3), dtype=np.uint8)
    view = np.zeros((240, 330, 3), np.uint8)[:, 5:325]
    view[...] = frame
    assert frame.flags.c_contiguous and not view.flags.c_contiguous
    for cx, cy, w, h in ((150.3, 100.7, 120, 90), (5.0, 230.0, 60, 80), (300.5, 3.2, 200, 150)):
        a = RegionSampler().sample(frame, cx, cy, w, h, scale)
        b = RegionSampler().sample(view, cx, cy, w, h, scale)
        assert (a.x0, a.y0, a.step_x, a.step_y) == (b.x0, b.y0, b.step_x, b.step_y)
        dh, dw = a.image.shape[:2]
        crop = frame[a.y0:a.y0 + int(round(dh * a.step_y)), a.x0:a.x0 + int(round(dw * a.step_x))]
        expected = ref.nearest_sample(crop, dw, dh, a.step_x, a.step_y)
        np.testing.assert_array_equal(a.image, expected)
        np.testing.assert_array_equal(b.image, expected)


@pytest.mark.parametrize("scale", [0.3, 0.5, 0.75, 1.0])
def test_region_sampler_samples_where_its_mapping_says(scale):
    """Both ways of sampling (in place and from a copy of the crop) give the frame pixel
    nearest to each sample's frame position, and a frame view at scale 1."""
    rng = np.random.default_rng(1)
    frame = rng.integers(0, 256, (240, 320, 3), dtype=np.uint8)
    region = RegionSampler().sample(frame, 150.3, 100.7, 120, 90, scale)
    h, w = region.image.shape[:2]
    for v in range(0, h, 7):
        for u in range(0, w, 5):
            x, y = region.to_frame(u, v)
            np.testing.assert_array_equal(region.image[v, u], frame[int(np.floor(y + 0.5)), int(np.floor(x + 0.5))])
    # The crop is x 90..211, y 55..146 (122 x 92 pixels), resampled by the scale.
    assert (w, h) == (round(122 * scale), round(92 * scale))


# --- block-marked histograms: normalised and scored over the occupied blocks only ------

def sparse_bin_map(seed, nbins, used, shape=(40, 50)):
    """A bin map over ``nbins`` bins that uses only ``used`` of them, scattered (so most
    blocks of `BLOCK` bins are empty, as a target's colours leave most of 4096 bins)."""
    rng = np.random.default_rng(seed)
    colours = rng.choice(nbins, used, replace=False).astype(np.int32)
    bin_map = colours[rng.integers(0, used, shape)]
    bin_map[rng.random(shape) < 0.05] = -1          # a few masked pixels
    return bin_map


@pytest.mark.parametrize("nbins, used", [(4096, 60), (37, 9), (20, 20), (343, 30)])
@pytest.mark.parametrize("case", KERNEL_CASES)
def test_kernel_histogram_and_score_of_sparse_histograms_match_reference(nbins, used, case):
    """Many bins, few used (the tracker's case): the histogram is zeroed where it held
    garbage, normalised, and `kernel_score` is its Bhattacharyya coefficient with a model;
    bit for bit what `kernel_histogram` and `bhattacharyya` give one after the other."""
    from tracker.meanshift._colour_kernels import kernel_score
    bin_map = sparse_bin_map(nbins + used, nbins, used)
    q = np.random.default_rng(1).dirichlet(np.ones(nbins))
    q[::3] = 0.0
    want, want_total = ref.epanechnikov_histogram(bin_map, *case, nbins)
    hist = np.full(nbins, 5.0)
    total = kernel_histogram(bin_map, *case, hist)
    assert total == pytest.approx(want_total, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(hist, want, rtol=1e-12, atol=1e-15)
    scored = np.full(nbins, 5.0)
    score = kernel_score(bin_map, *case, scored, q)
    np.testing.assert_array_equal(scored, hist)
    assert score == bhattacharyya(hist, q)                     # the same sums, in the same order
    assert score == pytest.approx(ref.bhattacharyya(want, q), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("step", [1, 2])
def test_ring_histogram_of_a_sparse_histogram_matches_reference(step):
    bin_map = sparse_bin_map(3, 4096, 50)
    hist = np.full(4096, 2.0)
    count = ring_histogram(bin_map, 3, 2, 45, 36, 12, 10, 30, 25, hist, step)
    want, want_count = ref.ring_histogram(bin_map, (3, 2, 45, 36), (12, 10, 30, 25), 4096, step)
    assert count == want_count > 0
    np.testing.assert_allclose(hist, want, rtol=1e-12, atol=1e-15)


def test_histograms_with_reused_block_marks_match_the_reference():
    """The per-frame callers hand the kernels one marks array (`block_marks`) call after
    call; marks left set by a previous histogram of other colours change nothing."""
    from tracker.meanshift._colour_kernels import block_marks, kernel_score
    nbins = 4096
    marks = block_marks(nbins)
    q = np.random.default_rng(2).dirichlet(np.ones(nbins))
    for seed, case in enumerate(KERNEL_CASES):
        bin_map = sparse_bin_map(seed + 11, nbins, 40)
        marks[::2] = True                                   # stale marks from another histogram
        want, want_total = ref.epanechnikov_histogram(bin_map, *case, nbins)
        hist = np.full(nbins, 5.0)
        assert kernel_histogram(bin_map, *case, hist, marks) == pytest.approx(want_total, rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(hist, want, rtol=1e-12, atol=1e-15)
        marks[1::2] = True
        scored = np.full(nbins, 5.0)
        assert kernel_score(bin_map, *case, scored, q, marks) == pytest.approx(ref.bhattacharyya(want, q),
                                                                               rel=1e-12, abs=1e-15)
        np.testing.assert_allclose(scored, want, rtol=1e-12, atol=1e-15)
        marks[:] = True
        ring = np.full(nbins, 2.0)
        count = ring_histogram(bin_map, 3, 2, 45, 36, 12, 10, 30, 25, ring, 1, marks)
        want_ring, want_count = ref.ring_histogram(bin_map, (3, 2, 45, 36), (12, 10, 30, 25), nbins, 1)
        assert count == want_count
        np.testing.assert_allclose(ring, want_ring, rtol=1e-12, atol=1e-15)


def test_ratio_table_is_zero_where_the_target_has_no_colour():
    """Bins the target model leaves empty are skipped; their entries must still be reset."""
    from tracker.meanshift._colour_kernels import ratio_table
    rng = np.random.default_rng(9)
    q, b = rng.dirichlet(np.ones(300)), rng.dirichlet(np.ones(300))
    q[rng.random(300) < 0.8] = 0.0
    q /= q.sum()
    table = np.full(300, 9.0, np.float32)
    target, background = ratio_table(q, b, 11.25, table)
    want = q / (q + 11.25 * b + 1e-12)
    np.testing.assert_allclose(table, want, rtol=1e-6)
    assert (table[q == 0] == 0).all()
    assert target == pytest.approx(float(q @ want), rel=1e-12)
    assert background == pytest.approx(float(b @ want), rel=1e-12)


@pytest.mark.parametrize("case", KERNEL_CASES)
def test_binned_scores_match_reference_bins_and_scores_at_each_gain(case):
    """One box of a window (a strided view, as the brightness probe passes in BGR) binned at
    several gains and scored against a model in one call: each score is the reference
    bin map's Epanechnikov histogram's Bhattacharyya coefficient with the model."""
    from tracker.meanshift._colour_kernels import bin_tables, binned_scores, block_marks
    nbins, ranges, lows = np.array([8, 8, 8]), np.array([256.0, 256.0, 256.0]), np.array([0, 0, 0])
    image = smooth_bgr(7, (70, 90))
    window = image[5:5 + 45, 7:7 + 55]                     # not contiguous
    gains = [0.75, 1.0, 1.125, 1.25]         # whole-numbered scaled ranges, as the reference takes
    tables = np.stack([bin_tables(nbins, ranges * g, lows, np.empty((3, 256), np.int32)) for g in gains])
    q = np.random.default_rng(2).dirichlet(np.ones(512))
    bins = np.full(window.shape[:2], 7, np.int32)
    hist = np.full(512, 3.0)
    out = np.full(len(gains), -1.0)
    binned_scores(window, tables, *case, bins, hist, q, block_marks(512), out)
    for k, g in enumerate(gains):
        want_bins = ref.quantize(np.ascontiguousarray(window), nbins, ranges * g, lows)
        want_hist, _ = ref.epanechnikov_histogram(want_bins, *case, 512)
        assert out[k] == pytest.approx(ref.bhattacharyya(want_hist, q), rel=1e-12, abs=1e-15)
    np.testing.assert_array_equal(bins, want_bins)           # the scratch holds the last bin map
    if out.any():                                            # (a box off the window scores 0 at any gain)
        assert len(set(np.round(out, 9))) > 1                # the gains bin the box differently
