"""Mean shift and CamShift against cv2.meanShift / cv2.CamShift and the references.

Where our result and OpenCV's may differ by more than a pixel, ``reference.mean_shift_window``
explains why: with ``bias=0.5`` it reproduces cv2.meanShift exactly (tested below), and
with ``bias=0`` it is the unbiased integer-window algorithm our kernel implements.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from tests.support import reference as ref
from tests.support.camshift_inputs import HUE, real_frames, sample_hue_hist
from tracker import back_project
from tracker.meanshift._meanshift_kernels import centroid_iterate, densest_window, window_moments
from tracker.errors import InputError
from tracker.meanshift.camshift import cam_shift, ellipse_from_moments, mean_shift

CRIT = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 10, 1)


def angle_diff(a, b):
    """Distance of two axis angles in degrees, modulo 180."""
    d = abs(a - b) % 180.0
    return min(d, 180.0 - d)


def blob_scene(seed):
    """A well-posed mean shift problem: one blob, a window a little larger than it,
    starting off-centre but overlapping it; every other scene touches the image border."""
    rng = np.random.default_rng(seed)
    H, W = int(rng.integers(80, 160)), int(rng.integers(80, 200))
    flat = seed % 2 == 1
    if flat:
        sx, sy = rng.uniform(4, 14, 2)
        ww, wh = (int(2 * max(sx, sy) + rng.integers(6, 20)) for _ in range(2))
    else:
        sx, sy = rng.uniform(3, 7, 2)
        ww, wh = (int(rng.uniform(4, 6) * max(sx, sy)) for _ in range(2))
    if seed % 4 >= 2:   # near the left or right border
        cx = rng.uniform(1, sx) if seed % 8 < 4 else W - 1 - rng.uniform(0, sx)
        cy = rng.uniform(sy, H - sy)
    else:
        cx, cy = rng.uniform(ww / 2 + 2, W - ww / 2 - 2), rng.uniform(wh / 2 + 2, H - wh / 2 - 2)
    theta = rng.uniform(0, math.pi)
    prob = ref.blob((H, W), cx, cy, sx, sy, theta, flat=flat, noise=0.05 if flat else 0.02, seed=seed)
    ox, oy = rng.uniform(-0.3, 0.3, 2) * (ww, wh)
    wx = int(np.clip(round(cx - ww / 2 + ox), 0, W - ww))
    wy = int(np.clip(round(cy - wh / 2 + oy), 0, H - wh))
    return prob, (wx, wy, ww, wh), (cx, cy)


SEEDS = list(range(16))


# --- the reference itself ----------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS[:8])
def test_reference_with_opencv_rounding_reproduces_cv2_meanshift(seed):
    prob, window, _ = blob_scene(seed)
    assert ref.mean_shift_window(prob, window, 1.0, 10, bias=0.5) == cv2.meanShift(prob, window, CRIT)


# --- mean_shift vs cv2.meanShift ---------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
@pytest.mark.parametrize("seed", SEEDS)
def test_mean_shift_lands_where_cv2_meanshift_lands(seed, dtype):
    prob, window, (cx, cy) = blob_scene(seed)
    prob = prob.astype(dtype)
    _, cv = cv2.meanShift(prob, window, CRIT)
    _, ours = mean_shift(prob, window, 1.0, 10)
    assert ours[2:] == cv[2:] == window[2:]
    assert abs(ours[0] - cv[0]) <= 1 and abs(ours[1] - cv[1]) <= 1, (window, cv, ours)
    # ... and both on the blob (its centre may be off the image for border scenes).
    W = prob.shape[1]
    want_x = min(max(cx - (window[2] - 1) / 2, 0), W - window[2])
    assert abs(ours[0] - want_x) <= 1.5


# Real back-projections (hue histogram of a box, OpenCV camshift.py recipe) whose mode
# is sharp: a start window a few pixels off the object converges to the same place.
REAL_OBJECTS = {
    "Couple-1": [(215, 68, 30, 32), (51, 47, 25, 62)],     # red motorbike; the walking couple
    "traffic-0": [(163, 130, 17, 25), (298, 190, 98, 70)],  # cyclist; white car
    "Crossing-1": [None],                                   # None: the ground-truth box
}
# Boxes whose back-projection is a broad, flat-topped mass (the dark red car's hue
# matches the bridge too): mean shift creeps slowly, so stopping rules and rounding show.
REAL_PLATEAUS = {"traffic-0": [(265, 80, 45, 40)], "traffic-60": [(265, 80, 45, 40)]}
ALL_REAL = {k: REAL_OBJECTS.get(k, []) + REAL_PLATEAUS.get(k, []) for k in {*REAL_OBJECTS, *REAL_PLATEAUS}}
STARTS = [(0, 0), (-6, 4), (5, -5), (8, 8), (-3, -7)]


def real_problems(objects=REAL_OBJECTS):
    for name, img, gt in real_frames():
        hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
        mask = cv2.inRange(hsv, np.array((0.0, 60.0, 32.0)), np.array((180.0, 255.0, 255.0)))
        for box in objects.get(name, []):
            box = box or gt
            hist = sample_hue_hist(hsv, box)
            prob = cv2.calcBackProject([hsv], [0], hist, [0, 180], 1)
            prob &= mask
            ours_prob = back_project(img, hist, HUE)
            ours_prob[mask == 0] = 0
            yield name, box, prob, ours_prob


def test_reference_reproduces_cv2_meanshift_on_real_frames():
    for name, box, prob, _ in real_problems(ALL_REAL):
        for dx, dy in STARTS:
            window = (box[0] + dx, box[1] + dy, box[2], box[3])
            assert ref.mean_shift_window(prob, window, 1.0, 10, bias=0.5) == cv2.meanShift(prob, window, CRIT)


def unbiased_window(prob, window, eps, max_iter):
    """The tracker's kernel (bias 0) run as an integer-window mean shift."""
    x, y, w, h = window
    _, _, x, y, it, _ = centroid_iterate(prob.astype(np.float32), x + (w - 1) / 2, y + (h - 1) / 2,
                                         w, h, eps, max_iter, 0.0)
    return it, (x, y, w, h)


def test_unbiased_kernel_matches_unbiased_reference_on_real_frames():
    """The tracker's kernel, on our float back-projection and on cv2's uint8 one, within
    1 px of the unbiased integer-window mean shift with the same eps and max_iter."""
    bad = []
    for name, box, prob, ours_prob in real_problems(ALL_REAL):
        for dx, dy in STARTS:
            window = (box[0] + dx, box[1] + dy, box[2], box[3])
            _, want = ref.mean_shift_window(prob, window, 1.0, 10, bias=0.0)
            for p in (prob, ours_prob):
                _, got = unbiased_window(p, window, 1.0, 10)
                if max(abs(got[0] - want[0]), abs(got[1] - want[1])) > 1:
                    bad.append((name, window, want, got))
    assert not bad, bad


def test_mean_shift_matches_cv2_meanshift_on_real_frames():
    """``mean_shift`` keeps OpenCV's contract and arithmetic: within 1 px of cv2.meanShift
    from every start, including the hue plateaus where OpenCV's half-pixel rounding
    creeps 4-8 px up-left of the unbiased mode."""
    checked = 0
    for name, box, prob, ours_prob in real_problems():
        for dx, dy in STARTS:
            window = (box[0] + dx, box[1] + dy, box[2], box[3])
            _, cv = cv2.meanShift(prob, window, CRIT)
            for p in (prob, ours_prob):
                _, ours = mean_shift(p, window, 1.0, 10)
                assert abs(ours[0] - cv[0]) <= 1 and abs(ours[1] - cv[1]) <= 1, (name, window, cv, ours)
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize("sigma, win, offset", [(6, 11, 4), (6, 11, -4), (6, 11, 8), (5, 9, 5), (8, 15, 6)])
def test_mean_shift_stops_only_when_the_window_stops_moving(sigma, win, offset):
    """With eps=1 (OpenCV's sample criterion) cv2.meanShift stops when the window stops
    moving; so must we: when mean_shift returns before max_iter, one more iteration from
    the returned window must not move it, and the window must agree with the unbiased
    integer-window reference within 1 px."""
    prob = ref.blob((60, 80), 40.0, 30.0, sigma, sigma)
    window = (int(40 - (win - 1) / 2 + offset), int(30 - (win - 1) / 2), win, win)
    it, got = unbiased_window(prob, window, 1.0, 50)
    assert it < 50
    _, again = unbiased_window(prob, got, 1.0, 1)
    _, want = ref.mean_shift_window(prob, window, 1.0, 50, bias=0.0)
    assert again == got and abs(got[0] - want[0]) <= 1, (window, "ref", want, "ours", got, "next", again)


def test_mean_shift_reports_iterations_like_cv2():
    """cv2.meanShift counts moves, not the final check: a window already at the mode
    takes 0 iterations."""
    prob = ref.blob((41, 51), 25.0, 20.0, 5.0, 5.0)
    cases = [(prob, (15, 10, 21, 21)),                    # centred on the blob
             (prob, (-5, -5, 80, 80)),                    # covers the whole image
             (np.ones((1, 1), np.float32), (0, 0, 1, 1))]
    for p, window in cases:
        cv_it, cv = cv2.meanShift(p, window, CRIT)
        it, ours = mean_shift(p, window, 1.0, 10)
        assert ours == cv
        assert it == cv_it == 0, (window, "cv2", cv_it, "ours", it)


# --- cam_shift vs cv2.CamShift -----------------------------------------------------------

CAM_CASES = [
    # angle (deg), aspect, flat, seed
    (0.0, 0.5, True, 0), (20.0, 0.45, True, 1), (45.0, 0.5, False, 2), (70.0, 0.4, True, 3),
    (90.0, 0.55, False, 4), (115.0, 0.5, True, 5), (135.0, 0.35, False, 6), (160.0, 0.6, True, 7),
    (30.0, 0.5, False, 8), (100.0, 0.45, False, 9),
]


@pytest.mark.parametrize("angle, aspect, flat, seed", CAM_CASES)
def test_cam_shift_matches_cv2_camshift_on_rotated_ellipses(angle, aspect, flat, seed):
    rng = np.random.default_rng(seed)
    H, W = 150, 200
    major = rng.uniform(14, 24) if flat else rng.uniform(6, 10)    # semi-axis or sigma
    cx, cy = rng.uniform(50, W - 50), rng.uniform(50, H - 50)
    prob = ref.blob((H, W), cx, cy, major, major * aspect, math.radians(angle), flat=flat,
                    noise=0.02, seed=seed)
    side = int(2.0 * major if flat else 3.0 * major)
    window = (int(round(cx - side / 2 + rng.uniform(-4, 4))), int(round(cy - side / 2 + rng.uniform(-4, 4))),
              side, side)
    (c_cv, s_cv, a_cv), win_cv = cv2.CamShift(prob, window, CRIT)
    (c, s, a), win = cam_shift(prob, window, 1.0, 10)
    assert math.dist(c, c_cv) <= 2.0, (c_cv, c)
    assert abs(s[0] - s_cv[0]) <= 0.1 * s_cv[0] and abs(s[1] - s_cv[1]) <= 0.1 * s_cv[1], (s_cv, s)
    assert angle_diff(a, a_cv) <= 5.0, (a_cv, a)
    # Against the truth: OpenCV's angle is that of the major axis from the vertical.
    assert angle_diff(a, angle + 90.0) <= 5.0
    assert s[0] < s[1]                                   # (minor, major)
    assert math.dist(c, (cx, cy)) <= 2.0
    assert all(abs(p - q) <= max(2, 0.1 * q) for p, q in zip(win[2:], win_cv[2:]))


def test_cam_shift_matches_cv2_camshift_on_real_frames():
    checked = 0
    for name, box, prob, _ in real_problems():
        for dx, dy in STARTS:
            window = (box[0] + dx, box[1] + dy, box[2], box[3])
            (c_cv, s_cv, a_cv), _ = cv2.CamShift(prob, window, CRIT)
            (c, s, a), _ = cam_shift(prob, window, 1.0, 10)
            assert math.dist(c, c_cv) <= 2.0, (name, window, c_cv, c)
            assert abs(s[0] - s_cv[0]) <= 0.1 * s_cv[0] and abs(s[1] - s_cv[1]) <= 0.1 * s_cv[1], (name, s_cv, s)
            assert angle_diff(a, a_cv) <= 5.0, (name, window, a_cv, a)
            checked += 1
    assert checked >= 10


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_ellipse_from_moments_matches_eigen_decomposition(seed):
    rng = np.random.default_rng(seed)
    theta = rng.uniform(0, math.pi)
    prob = ref.blob((90, 120), rng.uniform(40, 80), rng.uniform(30, 60), rng.uniform(8, 15),
                    rng.uniform(3, 6), theta, flat=bool(seed % 2), noise=0.01, seed=seed)
    e = ellipse_from_moments(*window_moments(prob, 0, 0, 120, 90))
    cx, cy, length, width, angle = ref.principal_axes(prob)
    assert (e.cx, e.cy) == pytest.approx((cx, cy), abs=1e-6)
    assert (e.length, e.width) == pytest.approx((length, width), rel=1e-6)
    assert angle_diff(math.degrees(e.theta), math.degrees(angle)) < 1e-4
    assert e.mass == pytest.approx(prob.astype(np.float64).sum(), rel=1e-9)
    assert ellipse_from_moments(0.0, 0.0, 0.0, 0.0, 0.0, 0.0) is None


# --- centroid_iterate --------------------------------------------------------------------

@pytest.mark.parametrize("eps", [0.1, 0.5, 1.0, 2.0])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_centroid_iterate_stops_within_eps(seed, eps):
    """Stopping before max_iter means converged: one more iteration from the returned
    centre moves it by less than eps."""
    rng = np.random.default_rng(seed)
    prob = ref.blob((100, 120), rng.uniform(30, 90), rng.uniform(30, 70), 6.0, 4.0, rng.uniform(0, 3),
                    noise=0.05, seed=seed)
    sx, sy = rng.uniform(30, 90), rng.uniform(25, 75)
    cx, cy, _, _, it, m00 = centroid_iterate(prob, sx, sy, 25, 21, eps, 200)
    assert it < 200 and m00 > 0
    nx, ny, _, _, _, _ = centroid_iterate(prob, cx, cy, 25, 21, eps, 1)
    assert math.hypot(nx - cx, ny - cy) < eps, ((sx, sy), (cx, cy), (nx, ny))


@pytest.mark.parametrize("shape, win", [((40, 50), (15, 11)), ((40, 50), (60, 70)), ((40, 50), (50, 1)),
                                        ((7, 300), (9, 9)), ((1, 1), (5, 5))])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_centroid_iterate_never_leaves_the_image(shape, win, seed):
    rng = np.random.default_rng(seed)
    h, w = shape
    prob = rng.random(shape).astype(np.float32) ** 8    # sparse bright specks
    prob[rng.integers(0, h), rng.integers(0, w)] = 50.0
    ww, wh = min(win[0], w), min(win[1], h)
    for sx, sy in [(0.0, 0.0), (w - 1.0, h - 1.0), (w / 2, h / 2), (rng.uniform(0, w - 1), rng.uniform(0, h - 1)),
                   (-20.0, -20.0), (w + 20.0, h + 20.0)]:
        cx, cy, _, _, it, m00 = centroid_iterate(prob, sx, sy, *win, 0.1, 30)
        assert m00 > 0
        assert (ww - 1) / 2 - 1e-9 <= cx <= w - 1 - (ww - 1) / 2 + 1e-9
        assert (wh - 1) / 2 - 1e-9 <= cy <= h - 1 - (wh - 1) / 2 + 1e-9


def test_window_of_zero_weight_does_not_move():
    prob = ref.blob((80, 100), 80.0, 60.0, 5.0, 5.0)
    prob[:50, :60] = 0.0                      # the window sees none of the blob's tail
    cx, cy, _, _, it, m00 = centroid_iterate(prob, 20.0, 15.5, 21, 20, 1.0, 10)
    assert (cx, cy, it, m00) == (20.0, 15.5, 0, 0.0)
    it, window = mean_shift(prob, (10, 6, 21, 20), 1.0, 10)
    assert (it, window) == (0, (10, 6, 21, 20)) == cv2.meanShift(prob, (10, 6, 21, 20), CRIT)


def test_densest_window_start_then_mean_shift_finds_a_far_blob():
    """The tracker's re-detection path: densest window, then mean shift from there."""
    prob = ref.blob((120, 160), 130.0, 25.0, 6.0, 4.0, 0.5, noise=0.02)
    integral = np.empty((121, 161))
    sx, sy, best = densest_window(prob, 21, 17, integral)
    bx, by, bbest = ref.densest_window(prob, 21, 17)
    assert (sx, sy) == (bx, by) and best == pytest.approx(bbest)
    cx, cy, _, _, _, _ = centroid_iterate(prob, sx, sy, 21, 17, 0.1, 20)
    assert math.dist((cx, cy), (130.0, 25.0)) < 1.0


# --- edge cases --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8])
def test_one_pixel_image(dtype):
    prob = np.full((1, 1), 7, dtype)
    _, window = mean_shift(prob, (0, 0, 1, 1))
    assert window == cv2.meanShift(prob.astype(np.float32), (0, 0, 1, 1), CRIT)[1] == (0, 0, 1, 1)
    (c, s, a), window = cam_shift(prob, (0, 0, 1, 1))
    (c_cv, s_cv, a_cv), w_cv = cv2.CamShift(prob.astype(np.float32), (0, 0, 1, 1), CRIT)
    assert window == w_cv == (0, 0, 1, 1)
    assert c == pytest.approx(c_cv) and s == pytest.approx(s_cv)
    assert cam_shift(np.zeros((1, 1), dtype), (0, 0, 1, 1)) == (((0.0, 0.0), (0.0, 0.0), 0.0), (0, 0, 1, 1))


@pytest.mark.parametrize("window", [(-5, -5, 80, 80), (0, 0, 60, 50), (-100, 10, 400, 20), (30, -3, 10, 100)])
def test_window_larger_than_the_image(window):
    prob = ref.blob((50, 60), 33.0, 24.0, 4.0, 3.0, 0.3, noise=0.01)
    _, cv = cv2.meanShift(prob, window, CRIT)
    _, ours = mean_shift(prob, window, 1.0, 10)
    assert ours[2:] == cv[2:]
    assert abs(ours[0] - cv[0]) <= 1 and abs(ours[1] - cv[1]) <= 1, (cv, ours)
    x, y, w, h = ours
    assert 0 <= x and 0 <= y and x + w <= 60 and y + h <= 50
    (c, s, a), win = cam_shift(prob, window)
    (c_cv, s_cv, a_cv), win_cv = cv2.CamShift(prob, window, CRIT)
    assert math.dist(c, c_cv) <= 2 and s == pytest.approx(s_cv, rel=0.1)


def test_all_zero_weights():
    prob = np.zeros((40, 50), np.float32)
    it, window = mean_shift(prob, (10, 5, 20, 15))
    assert (it, window) == cv2.meanShift(prob, (10, 5, 20, 15), CRIT) == (0, (10, 5, 20, 15))
    rotated, window = cam_shift(prob, (10, 5, 20, 15))
    assert rotated == ((0.0, 0.0), (0.0, 0.0), 0.0) == cv2.CamShift(prob, (10, 5, 20, 15), CRIT)[0]
    assert window == (10, 5, 20, 15)      # cv2 returns the window grown by its 10 px margin
    integral = np.empty((41, 51))
    assert densest_window(prob, 10, 10, integral) == (4.5, 4.5, 0.0)
    assert centroid_iterate(prob, 20.0, 12.0, 20, 15, 1.0, 10) == (20.0, 12.0, 10, 5, 0, 0.0)


def test_bad_windows_raise_input_error():
    prob = np.ones((40, 50), np.float32)
    for window in [(0, 0, 0, 10), (0, 0, 10, -1), (60, 0, 10, 10), (0, -30, 10, 20)]:
        with pytest.raises(InputError):
            mean_shift(prob, window)
    for bad in [np.ones((0, 5), np.float32), np.ones((4, 5, 3), np.float32)]:
        with pytest.raises(InputError):
            mean_shift(bad, (0, 0, 2, 2))
