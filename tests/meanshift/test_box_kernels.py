"""Summed-area box kernels of the tracker's size search and re-detection, against NumPy."""

import numpy as np
import pytest

from tracker.meanshift._meanshift_kernels import (best_box_mean, best_box_size, box_sum, densest_windows,
                                                  summed_area)


def slow_box_sum(weights, cx, cy, w, h):
    """Box sum with fractional edges by supersampling each pixel 20 x 20."""
    k = 20
    fine = np.kron(weights, np.ones((k, k))) / (k * k)
    x0 = int(round((cx - w / 2 + 0.5) * k)); x1 = int(round((cx + w / 2 + 0.5) * k))
    y0 = int(round((cy - h / 2 + 0.5) * k)); y1 = int(round((cy + h / 2 + 0.5) * k))
    return fine[max(y0, 0):max(y1, 0), max(x0, 0):max(x1, 0)].sum()


@pytest.mark.parametrize("seed", range(4))
def test_summed_area_and_box_sum_match_numpy(seed):
    rng = np.random.default_rng(seed)
    weights = rng.random((23, 31)).astype(np.float32)
    integral = summed_area(weights, np.empty((24, 32)))
    np.testing.assert_allclose(integral[1:, 1:], weights.cumsum(0).cumsum(1), rtol=1e-5)
    for _ in range(20):
        cx, cy = rng.uniform(-3, 33), rng.uniform(-3, 25)
        w, h = rng.uniform(1, 20), rng.uniform(1, 20)
        assert box_sum(integral, cx, cy, w, h) == pytest.approx(
            slow_box_sum(weights.astype(np.float64), cx, cy, w, h), abs=0.02 * (w + h) + 1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_best_box_mean_is_the_densest_of_the_shrunk_boxes(seed):
    """Against the supersampled sums: the highest mean weight of the w*f x h*f boxes."""
    rng = np.random.default_rng(seed)
    weights = rng.random((23, 31)).astype(np.float32)
    weights[8:14, 10:18] += 3.0          # a dense core: the smaller boxes are denser
    integral = summed_area(weights, np.empty((24, 32)))
    sizes = np.array([0.5, 0.75, 1.0])
    for cx, cy, w, h in ((13.5, 10.5, 16.0, 12.0), (20.0, 5.0, 9.0, 7.0), (2.0, 20.0, 6.0, 10.0)):
        means = [slow_box_sum(weights.astype(np.float64), cx, cy, w * f, h * f) / (w * h * f * f) for f in sizes]
        assert best_box_mean(integral, cx, cy, w, h, sizes) == pytest.approx(max(means), abs=0.02)
        # Bit for bit the Python it replaced (search.foreground's generator over box_sum).
        assert best_box_mean(integral, cx, cy, w, h, sizes) == max(
            box_sum(integral, cx, cy, w * f, h * f) / max(w * h * f * f, 1e-9) for f in sizes)
    # All means negative (weights below zero): the highest of them, not 0.
    negative = summed_area(-weights, np.empty((24, 32)))
    assert best_box_mean(negative, 13.5, 10.5, 16.0, 12.0, sizes) == max(
        box_sum(negative, 13.5, 10.5, 16.0 * f, 12.0 * f) / (16.0 * 12.0 * f * f) for f in sizes) < 0


def slow_best_box(weights, cx, cy, w, h, theta, factors, tau):
    """Brute force: each candidate box's objective summed pixel by pixel."""
    ys, xs = np.mgrid[:weights.shape[0], :weights.shape[1]]
    a = np.abs((xs - cx) * np.cos(theta) + (ys - cy) * np.sin(theta))
    b = np.abs((ys - cy) * np.cos(theta) - (xs - cx) * np.sin(theta))
    scores = {(fw, fh): ((weights - tau) * ((a <= w * fw / 2) & (b <= h * fh / 2))).sum()
              for fw in factors for fh in factors}
    return max(scores, key=scores.get), max(scores.values())


def test_best_box_size_finds_the_planted_block():
    weights = np.zeros((60, 60), np.float32)
    weights[20:40, 15:45] = 1.0          # a 30 x 20 block centred at (29.5, 29.5)
    factors = np.array([0.8, 0.9, 1.0, 1.1, 1.25, 1.5])
    fw, fh, _ = best_box_size(weights, 29.5, 29.5, 24.0, 16.0, 0.0, factors, 0.5, np.empty((6, 6)))
    assert (24 * fw, 16 * fh) == pytest.approx((30.0, 20.0))


@pytest.mark.parametrize("seed", range(6))
def test_best_box_size_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    weights = rng.random((40, 50)).astype(np.float32)
    weights[10:30, 15:35] += 1.0
    factors = np.array([0.8, 0.9, 1.0, 1.1, 1.2])
    cx, cy = rng.uniform(20, 30), rng.uniform(15, 25)
    theta = rng.uniform(-1.0, 1.0) if seed % 2 else 0.0
    fw, fh, value = best_box_size(weights, cx, cy, 18.0, 14.0, theta, factors, 0.9, np.empty((5, 5)))
    (sw, sh), best = slow_best_box(weights.astype(np.float64), cx, cy, 18.0, 14.0, theta, factors, 0.9)
    assert value == pytest.approx(best, rel=1e-5)
    assert (fw, fh) == (sw, sh)


def test_densest_windows_are_disjoint_and_ordered():
    rng = np.random.default_rng(5)
    weights = (rng.random((50, 70)) * 0.1).astype(np.float32)
    weights[5:15, 10:20] += 1.0
    weights[30:40, 50:60] += 0.8
    weights[30:40, 5:15] += 0.6
    out = np.empty((4, 3))
    n = densest_windows(weights, 10, 10, np.empty((51, 71)), 4, out, np.empty(50 * 70))
    assert n == 4
    assert [tuple(out[i, :2]) for i in range(3)] == [(14.5, 9.5), (54.5, 34.5), (9.5, 34.5)]
    assert np.all(np.diff(out[:n, 2]) <= 0)
    # Brute force: the first is the global argmax of all window sums.
    sums = np.array([[weights[y:y + 10, x:x + 10].sum() for x in range(61)] for y in range(41)])
    y, x = np.unravel_index(np.argmax(sums), sums.shape)
    assert (x + 4.5, y + 4.5) == tuple(out[0, :2])
    assert out[0, 2] == pytest.approx(sums.max(), rel=1e-5)


def slow_densest_windows(weights, win_w, win_h, count):
    """Greedy, by brute force: each next window the one of largest weight (the first in
    row order among equals, and more than 0) whose centre is less than a window from
    none taken on both axes."""
    h, w = weights.shape
    sums = np.array([[weights[y:y + win_h, x:x + win_w].astype(np.float64).sum() for x in range(w - win_w + 1)]
                     for y in range(h - win_h + 1)])
    taken = []
    for _ in range(count):
        best, at = 0.0, None
        for y in range(sums.shape[0]):
            for x in range(sums.shape[1]):
                if any(abs(x - tx) < win_w and abs(y - ty) < win_h for tx, ty in taken):
                    continue
                if sums[y, x] > best:
                    best, at = sums[y, x], (x, y)
        if at is None:
            break
        taken.append(at)
    return [(x + (win_w - 1) / 2, y + (win_h - 1) / 2) for x, y in taken]


@pytest.mark.parametrize("seed, win", [(0, (3, 3)), (1, (5, 2)), (2, (1, 1)), (3, (7, 9)), (4, (12, 8))])
@pytest.mark.parametrize("ties", [False, True])
def test_densest_windows_match_the_greedy_reference(seed, win, ties):
    rng = np.random.default_rng(seed)
    if ties:        # whole-numbered weights: many windows of equal weight, the first in row order wins
        weights = rng.integers(0, 3, (24, 30)).astype(np.float32)
    else:
        weights = (rng.random((24, 30)) ** 4).astype(np.float32)
    weights[rng.random(weights.shape) < 0.3] = 0.0
    out = np.full((6, 3), np.nan)
    n = densest_windows(weights, *win, np.empty((25, 31)), 6, out, np.full(24 * 30, 7.0))
    want = slow_densest_windows(weights, *win, 6)
    assert n == len(want) > 1
    assert [tuple(out[i, :2]) for i in range(n)] == want


@pytest.mark.parametrize("shape", [(1, 1), (1, 7), (2, 5), (3, 4), (23, 31), (24, 31)])
def test_summed_area_is_bit_for_bit_the_row_by_row_sums(shape):
    """The kernel sums two rows at a time; every entry must be the same float64 sums, in
    the same order, as the plain row-by-row recurrence (odd and even heights)."""
    weights = np.random.default_rng(shape[0] * 100 + shape[1]).random(shape).astype(np.float32)
    want = np.zeros((shape[0] + 1, shape[1] + 1))
    for y in range(shape[0]):
        row = 0.0
        for x in range(shape[1]):
            row += float(weights[y, x])
            want[y + 1, x + 1] = want[y, x + 1] + row
    got = summed_area(weights, np.full((shape[0] + 1, shape[1] + 1), 7.0))
    np.testing.assert_array_equal(got, want)


def slow_best_box_cells(weights, cx, cy, w, h, factors, tau):
    """best_box_size's cells of an upright box before the running sum, added pixel by pixel
    in row-major order as plain Python floats (the order the kernel must keep)."""
    n = len(factors)
    cells = [[0.0] * n for _ in range(n)]
    for y in range(weights.shape[0]):
        for x in range(weights.shape[1]):
            a, b = abs(x - cx), abs(y - cy)
            i = next((k for k in range(n) if a <= 0.5 * w * factors[k]), n)
            j = next((k for k in range(n) if b <= 0.5 * h * factors[k]), n)
            if i < n and j < n:
                cells[i][j] += float(weights[y, x]) - tau
    return cells


@pytest.mark.parametrize("seed", range(6))
def test_best_box_size_upright_is_bit_for_bit_the_pixel_by_pixel_sums(seed):
    """The upright case sums each run of pixels of one cell in a register: the cells and
    the chosen size must equal the pixel-by-pixel sums exactly (boxes clipped too)."""
    rng = np.random.default_rng(seed)
    weights = rng.random((rng.integers(8, 40), rng.integers(8, 40))).astype(np.float32)
    factors = np.array([0.9, 0.95, 1.0, 1.05, 1.1])
    cx, cy = rng.uniform(-3, weights.shape[1] + 3), rng.uniform(-3, weights.shape[0] + 3)
    w, h, tau = rng.uniform(2, 30), rng.uniform(2, 30), 0.3
    cells = np.empty((5, 5))
    fw, fh, objective = best_box_size(weights, cx, cy, w, h, 0.0, factors, tau, cells)
    want = np.array(slow_best_box_cells(weights, cx, cy, w, h, factors, tau))
    running = np.zeros((5, 5))
    best, choice = -1e300, None
    for i in range(5):
        for j in range(5):
            running[i, j] = want[i, j]
            if i > 0:
                running[i, j] += running[i - 1, j]
            if j > 0:
                running[i, j] += running[i, j - 1]
            if i > 0 and j > 0:
                running[i, j] -= running[i - 1, j - 1]
            if running[i, j] > best:
                best, choice = running[i, j], (factors[i], factors[j])
    np.testing.assert_array_equal(cells, running)
    assert (fw, fh, objective) == (*choice, best)
