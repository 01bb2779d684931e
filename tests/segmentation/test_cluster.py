"""Mean shift clustering against scikit-learn's MeanShift and slow NumPy references.

The flat kernel with bin seeding is checked against ``sklearn.cluster.MeanShift`` on
Lab pixels of the two photos that ship with scikit-learn, on synthetic blobs and on edge
cases; the pieces (seeding, the per-seed iteration for every kernel, merging, labelling,
the bandwidth estimate) against scikit-learn's functions or the direct NumPy versions
below.
"""

from __future__ import annotations

import functools
import os
import warnings

import cv2
import numpy as np
import pytest
import sklearn
from sklearn.cluster import MeanShift, get_bin_seeds
from sklearn.cluster import estimate_bandwidth as sk_estimate_bandwidth
from sklearn.metrics import adjusted_rand_score

from tracker.segmentation._grid_kernels import ball_runs, build_grid, group_rows
from tracker.segmentation.cluster import (bin_seeds, estimate_bandwidth, mean_shift_cluster, merge_modes,
                             nearest_mode, shift_seeds)
from tracker.errors import InputError

IMAGES = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "images")


@functools.lru_cache(maxsize=None)
def lab_image(name):
    """All pixels of a bundled photo as CIE Lab floats (L 0..100, a and b about +-127)."""
    bgr = cv2.imread(os.path.join(IMAGES, name))
    assert bgr is not None, name
    lab = cv2.cvtColor(bgr.astype(np.float32) / 255, cv2.COLOR_BGR2Lab)
    return lab.reshape(-1, 3).astype(np.float64)


def lab_sample(name, n, seed):
    pixels = lab_image(name)
    return pixels[np.random.default_rng(seed).choice(len(pixels), n, replace=False)]


def sklearn_mean_shift(points, bandwidth, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Binning data failed": the fallback we test
        model = MeanShift(bandwidth=bandwidth, bin_seeding=True, **options).fit(points)
    return model.labels_, model.cluster_centers_


def assert_matches_sklearn(points, bandwidth, tol=1.0):
    labels, modes = mean_shift_cluster(points, bandwidth)
    sk_labels, sk_modes = sklearn_mean_shift(points, bandwidth)
    assert labels.dtype == np.int32 and labels.shape == (len(points),)
    assert modes.dtype == np.float64 and modes.shape[1] == points.shape[1]
    assert len(modes) == len(sk_modes)
    assert adjusted_rand_score(sk_labels, labels) >= 0.95
    gaps = np.sqrt(((sk_modes[:, None, :] - modes[None, :, :]) ** 2).sum(-1)).min(axis=1)
    assert gaps.max() <= tol
    return labels, modes


def blobs(centres, n_per, sigma, seed):
    rng = np.random.default_rng(seed)
    centres = np.asarray(centres, float)
    pts = np.concatenate([c + sigma * rng.standard_normal((n_per, len(c))) for c in centres])
    return pts[rng.permutation(len(pts))]


# --- slow NumPy references ------------------------------------------------------------------

def kernel_weights(d2, h, kernel):
    """Every kernel reaches h; the gaussian is one of sigma h / 2 cut off there."""
    inside = d2 <= h * h
    if kernel == "flat":
        return inside * 1.0
    if kernel == "epanechnikov":
        return inside * (1 - d2 / (h * h))
    sigma = h / 2
    return inside * np.exp(-d2 / (2 * sigma * sigma))


def ref_weighted_mean(points, weights, x, h, kernel):
    d2 = ((points - x) ** 2).sum(axis=1)
    k = weights * kernel_weights(d2, h, kernel)
    total = k.sum()
    mean = (k[:, None] * points).sum(axis=0) / total if total > 0 else x
    return mean, weights[d2 <= h * h].sum(), total


def ref_shift(points, weights, seed, h, kernel, max_iter=300, steps=False):
    """One seed's mean shift, step by step (scikit-learn's loop, any kernel); with
    ``steps``, also the iterations it completed."""
    x = np.array(seed, float)
    for it in range(max_iter + 1):
        new, intensity, total = ref_weighted_mean(points, weights, x, h, kernel)
        if total <= 0:
            return (x, 0.0, it) if steps else (x, 0.0)
        shift = np.linalg.norm(new - x)
        x = new
        if shift <= 1e-3 * h or it == max_iter:
            return (x, intensity, it) if steps else (x, intensity)


def ref_merge(modes, intensity, h):
    """scikit-learn's post-processing, transcribed: dict, sort, suppression loop."""
    best = {}
    for i, (mode, value) in enumerate(zip(modes, intensity)):
        if value > 0:
            best[tuple(mode)] = (value, i)
    items = sorted(best.items(), key=lambda t: (t[1][0], t[0]), reverse=True)
    centres = np.array([t[0] for t in items])
    unique = np.ones(len(items), bool)
    for i, c in enumerate(centres):
        if unique[i]:
            unique[((centres - c) ** 2).sum(axis=1) <= h * h] = False
            unique[i] = True
    return np.array([t[1][1] for t in items], np.int64)[unique]


# --- against scikit-learn's MeanShift ---------------------------------------------------------

# scikit-learn takes about a second on each (its Python loop per seed and iteration).
@pytest.mark.parametrize("name, seed, quantile", [("china.jpg", 0, 0.15), ("flower.jpg", 1, 0.1)])
def test_photo_pixels_estimated_bandwidth(name, seed, quantile):
    points = lab_sample(name, 3000, seed)
    h = sk_estimate_bandwidth(points, quantile=quantile)
    assert_matches_sklearn(points, h)


@pytest.mark.parametrize("name, seed, bandwidth", [("flower.jpg", 2, 12.0), ("china.jpg", 3, 25.0)])
def test_photo_pixels_fixed_bandwidth(name, seed, bandwidth):
    assert_matches_sklearn(lab_sample(name, 3000, seed), bandwidth)


@pytest.mark.parametrize("dim, bandwidth", [(2, 2.5), (5, 4.0), (8, 5.0)])
def test_synthetic_blobs(dim, bandwidth):
    rng = np.random.default_rng(dim)
    centres = rng.uniform(-20, 20, (4, dim))
    points = blobs(centres, 300, 1.0, dim)
    labels, modes = assert_matches_sklearn(points, bandwidth, tol=1e-9)
    assert len(modes) == 4


def test_sparse_grid_and_brute_force_paths():
    # Blobs spread over 1e4 units with bandwidth 1: too many cells for a dense table.
    points = blobs(np.random.default_rng(7).uniform(0, 1e4, (5, 3)), 100, 0.4, 7)
    assert_matches_sklearn(points, 1.0, tol=1e-9)
    # 2000 units apart with bandwidth 1e-3: 8e18 cells overflow int64 keys; brute force.
    # (Much farther and scikit-learn's float32 seeds would miss the points.)
    far = np.array([[0.0, 0, 0], [2000.0, 0, 0], [0, 2000.0, 2000.0]])
    points = blobs(far, 40, 1e-4, 8)
    labels, modes = assert_matches_sklearn(points, 1e-3, tol=1e-9)
    assert len(modes) == 3


def test_one_dimension():
    points = blobs([[0.0], [6.0], [20.0]], 200, 1.0, 9)
    labels, modes = assert_matches_sklearn(points, 2.0, tol=1e-9)
    assert len(modes) == 3


def test_one_point():
    labels, modes = assert_matches_sklearn(np.array([[1.5, -2.0, 3.25]]), 1.0, tol=0)
    assert labels.tolist() == [0] and modes.tolist() == [[1.5, -2.0, 3.25]]


def test_identical_points():
    points = np.tile([[3.7, 10.2, -4.4]], (50, 1))
    labels, modes = assert_matches_sklearn(points, 1.0, tol=1e-12)
    assert (labels == 0).all() and np.allclose(modes, points[:1], rtol=1e-15, atol=0)


def test_two_far_clusters():
    points = blobs([[0.0, 0, 0], [100.0, 100, 100]], 150, 2.0, 10)
    labels, modes = assert_matches_sklearn(points, 8.0, tol=1e-9)
    assert len(modes) == 2
    near_origin = points.sum(axis=1) < 150
    assert len(set(labels[near_origin])) == 1 and len(set(labels[~near_origin])) == 1
    assert labels[near_origin][0] != labels[~near_origin][0]


def test_every_point_its_own_bin_falls_back_to_point_seeds():
    points = np.random.default_rng(11).uniform(0, 100, (60, 3))
    with pytest.warns(UserWarning):
        assert np.array_equal(get_bin_seeds(points, 1.0), points)
    assert np.array_equal(bin_seeds(points, 1.0), points)
    assert_matches_sklearn(points, 1.0, tol=1e-9)


def test_no_point_within_bandwidth_of_a_seed():
    # Identical points 0.49 h from their bin's centre in every one of 5 dimensions:
    # the only seed is 1.1 h away from every point.
    points = np.full((10, 5), 0.49)
    with pytest.raises(ValueError):
        sklearn_mean_shift(points, 1.0)
    with pytest.raises(InputError, match="no point lies within bandwidth"):
        mean_shift_cluster(points, 1.0)


@pytest.mark.parametrize("bandwidth", [5.0, np.float64(5.0), 0.7])
@pytest.mark.parametrize("min_bin_freq", [1, 3])
def test_bin_seeds_match_sklearn(bandwidth, min_bin_freq):
    points = lab_sample("china.jpg", 2000, 12)
    expected = get_bin_seeds(points, bandwidth, min_bin_freq)
    # scikit-learn's float32 bins times a Python float stay float32: reproduced bit for bit.
    assert np.array_equal(bin_seeds(points, bandwidth, min_bin_freq), expected)


def test_seeds_match_sklearn_seeds():
    points = lab_sample("flower.jpg", 1500, 13)
    h = 12.0
    extra = points[::150] + 3.0
    for bin_seeding, sk_seeds in ((False, extra),
                                  (True, np.concatenate([get_bin_seeds(points, h), extra]))):
        labels, modes = mean_shift_cluster(points, h, bin_seeding=bin_seeding, seeds=extra)
        model = MeanShift(bandwidth=h, seeds=sk_seeds).fit(points)
        assert len(modes) == len(model.cluster_centers_)
        assert np.abs(modes - model.cluster_centers_).max() < 1e-9
        assert adjusted_rand_score(model.labels_, labels) == 1.0


def test_every_point_a_seed_without_bin_seeding():
    points = blobs([[0.0, 0], [10.0, 0], [5.0, 8]], 60, 1.2, 14)
    labels, modes = mean_shift_cluster(points, 3.0, bin_seeding=False)
    model = MeanShift(bandwidth=3.0).fit(points)
    assert np.abs(modes - model.cluster_centers_).max() < 1e-9
    assert np.array_equal(labels, model.labels_)


# --- weights, kernels and seeds against the NumPy references ------------------------------

def test_weights_equal_repeated_points():
    rng = np.random.default_rng(15)
    unique = blobs([[0.0, 0, 0], [12.0, 3, -5], [4.0, 15, 6]], 120, 2.5, 15)
    counts = rng.integers(1, 6, len(unique))
    repeated = np.repeat(unique, counts, axis=0)
    for min_bin_freq in (1, 4):
        labels_w, modes_w = mean_shift_cluster(unique, 4.0, weights=counts,
                                               min_bin_freq=min_bin_freq)
        labels_r, modes_r = mean_shift_cluster(repeated, 4.0, min_bin_freq=min_bin_freq)
        assert modes_w.shape == modes_r.shape
        assert np.abs(modes_w - modes_r).max() < 1e-6
        assert np.array_equal(np.repeat(labels_w, counts), labels_r)


@pytest.mark.parametrize("kernel", ["flat", "epanechnikov", "gaussian"])
@pytest.mark.parametrize("dim", [3, 2])
def test_shift_seeds_against_reference(kernel, dim):
    rng = np.random.default_rng(16 + dim)
    points = blobs(rng.uniform(-10, 10, (3, dim)), 150, 2.0, dim)
    weights = rng.uniform(0.0, 3.0, len(points))
    seeds = np.concatenate([points[::45], rng.uniform(-30, 30, (3, dim))])
    h = 3.0
    modes, intensity = shift_seeds(points, weights, seeds, h, kernel)
    for seed, mode, value in zip(seeds, modes, intensity):
        ref_mode, ref_value, ref_steps = ref_shift(points, weights, seed, h, kernel, steps=True)
        assert np.abs(mode - ref_mode).max() < 1e-9
        assert value == pytest.approx(ref_value, rel=1e-12, abs=1e-12)
        # Converged: a fixed point of the weighted mean. (Not for the gaussian, whose
        # weights drop from 13.5 % of the peak to 0 at its reach: a point just past the
        # final window can move the next mean by more than the stopping threshold.)
        if value > 0 and ref_steps < 300 and kernel != "gaussian":
            mean, _, _ = ref_weighted_mean(points, weights, mode, h, kernel)
            assert np.linalg.norm(mean - mode) <= 2e-3 * h


@pytest.mark.parametrize("kernel", ["epanechnikov", "gaussian"])
def test_smooth_kernels_find_blob_centres(kernel):
    centres = np.array([[20.0, 0, 0], [60.0, 40, -30], [80.0, -40, 40]])
    points = blobs(centres, 400, 2.0, 17)
    labels, modes = mean_shift_cluster(points, 6.0, kernel=kernel)
    assert len(modes) == 3
    gaps = np.sqrt(((centres[:, None] - modes[None]) ** 2).sum(-1))
    assert gaps.min(axis=1).max() < 0.6
    truth = np.argmin(((points[:, None] - centres[None]) ** 2).sum(-1), axis=1)
    assert adjusted_rand_score(truth, labels) == 1.0


def test_previous_modes_as_seeds():
    points = lab_sample("china.jpg", 3000, 18)
    h = 10.0
    _, modes = mean_shift_cluster(points, h)
    seeds = modes + np.random.default_rng(18).normal(0, 2.0, modes.shape)
    moved, intensity = shift_seeds(points, None, seeds, h)
    for seed, mode, value in zip(seeds, moved, intensity):
        ref_mode, ref_value = ref_shift(points, np.ones(len(points)), seed, h, "flat")
        assert np.abs(mode - ref_mode).max() < 1e-9 and value == ref_value
    labels, again = mean_shift_cluster(points, h, bin_seeding=False, seeds=seeds)
    kept = merge_modes(moved, intensity, h)
    assert np.array_equal(again, moved[kept])
    assert np.array_equal(labels, nearest_mode(points, again)[0])


def test_merge_modes_against_reference():
    rng = np.random.default_rng(19)
    for n in (30, 600):  # few modes are scanned whole, many through the grid
        modes = np.round(rng.uniform(0, 40, (n, 3)), 1)
        modes[n // 2:n // 2 + 5] = modes[:5]                       # exact duplicates
        intensity = rng.integers(0, 6, n).astype(float)            # ties and zeros
        assert np.array_equal(merge_modes(modes, intensity, 3.0), ref_merge(modes, intensity, 3.0))
    assert merge_modes(modes, np.zeros(n), 3.0).size == 0


def test_nearest_mode_against_reference():
    rng = np.random.default_rng(20)
    points = rng.integers(0, 30, (3000, 3)).astype(float)
    for n_modes in (5, 200):
        modes = rng.integers(0, 30, (n_modes, 3)).astype(float)   # integer: many ties
        d2 = ((points[:, None] - modes[None]) ** 2).sum(-1)
        for hint in (None, 2.0):
            labels, dist = nearest_mode(points, modes, bandwidth=hint)
            assert np.array_equal(labels, d2.argmin(axis=1))       # ties: lowest index
            assert np.allclose(dist, np.sqrt(d2.min(axis=1)), rtol=0, atol=1e-12)


@pytest.mark.parametrize("quantile", [0.001, 0.1, 0.3, 1.0])
def test_estimate_bandwidth_matches_sklearn(quantile):
    points = lab_sample("flower.jpg", 1500, 21)
    expected = sk_estimate_bandwidth(points, quantile=quantile)
    got = estimate_bandwidth(points, quantile=quantile)
    if quantile < 0.5:   # scikit-learn's KD-tree: the same distances, summed the same way
        assert got == expected
    else:                # its brute-force search computes distances another way
        assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("n_samples, random_state", [(400, 5), (500, 0), (3000, 1), (10**6, 2)])
def test_estimate_bandwidth_samples_the_points_sklearn_samples(n_samples, random_state):
    points = lab_sample("china.jpg", 3000, 22)
    got = estimate_bandwidth(points, quantile=0.2, n_samples=n_samples, random_state=random_state)
    assert got == sk_estimate_bandwidth(points, quantile=0.2, n_samples=n_samples,
                                        random_state=random_state)
    # A RandomState instance and the global one (None) draw as in scikit-learn too.
    ours, theirs = np.random.RandomState(7), np.random.RandomState(7)
    assert estimate_bandwidth(points, quantile=0.2, n_samples=300, random_state=ours) == \
        sk_estimate_bandwidth(points, quantile=0.2, n_samples=300, random_state=theirs)
    np.random.seed(3)
    mine = estimate_bandwidth(points, quantile=0.2, n_samples=300, random_state=None)
    np.random.seed(3)
    assert mine == sk_estimate_bandwidth(points, quantile=0.2, n_samples=300, random_state=None)


# --- the grid and hash kernels against brute force ----------------------------------------

@pytest.mark.parametrize("dim", [1, 2, 3, 4])
@pytest.mark.parametrize("cells_per_radius", [1, 2, 4])
def test_ball_runs_hold_every_point_in_reach(dim, cells_per_radius):
    rng = np.random.default_rng(30 + dim)
    # Integer points and an integer radius put many points exactly at the radius and on
    # cell borders; random ones elsewhere.
    for points, radius in ((rng.integers(0, 12, (400, dim)).astype(float), 3.0),
                           (rng.normal(0, 5, (400, dim)), 1.7)):
        cell = radius / cells_per_radius
        order, origin, dims, strides, table, keys, starts = build_grid(points, cell)
        size = (2 * cells_per_radius + 3) ** (dim - 1)
        lo, hi = np.empty(size, np.int64), np.empty(size, np.int64)
        scratch = [np.empty(dim), np.empty(dim, np.int64), np.empty(dim, np.int64),
                   np.empty(dim, np.int64)]
        queries = np.concatenate([points[:60], rng.uniform(-20, 20, (40, dim))])
        for q in queries:
            runs, _ = ball_runs(q, radius, cell, len(points), origin, dims, strides, table,
                                keys, starts, lo, hi, *scratch)
            listed = np.concatenate([order[lo[t]:hi[t]] for t in range(runs)] or [[]]).astype(int)
            assert len(set(listed)) == len(listed)                   # no point twice
            inside = np.flatnonzero(((points - q) ** 2).sum(axis=1) <= radius * radius)
            assert set(inside) <= set(listed)


def test_group_rows_numbers_rows_as_a_dict_would():
    rng = np.random.default_rng(33)
    values = rng.integers(-3, 3, (2000, 3)).astype(float)
    values[::7, 1] = -0.0                       # equal to 0.0, as in a dict of tuples
    group, first = group_rows(values)
    seen = {}
    for i, row in enumerate(map(tuple, values)):
        seen.setdefault(row, len(seen))
        assert group[i] == seen[row]
    assert [seen[tuple(values[f])] for f in first] == list(range(len(seen)))
    assert all(group[f] == g for g, f in enumerate(first))


# --- huge and tiny coordinates ------------------------------------------------------------------

def test_huge_values_are_clustered_as_their_scaled_down_copies():
    # (1e155)^2 overflows float64: points so far apart came out as one cluster labelled -1.
    labels, modes = mean_shift_cluster(np.array([[1e155], [-1e155]]), 1e155)
    assert sorted(labels.tolist()) == [0, 1] and sorted(modes.ravel().tolist()) == [-1e155, 1e155]
    points = lab_sample("flower.jpg", 1500, 31)
    h = np.float64(10.0)        # seeds in float64 (float32 cannot hold 10 * 2^+-600)
    for scale in (2.0 ** 600, 2.0 ** -600):   # powers of two: exact, the same bits scaled
        big_labels, big_modes = mean_shift_cluster(points * scale, h * scale)
        labels, modes = mean_shift_cluster(points, h)
        np.testing.assert_array_equal(big_labels, labels)
        np.testing.assert_array_equal(big_modes, modes * scale)
        assert estimate_bandwidth(points * scale) == estimate_bandwidth(points) * scale
        np.testing.assert_array_equal(nearest_mode(points * scale, modes * scale)[0],
                                      nearest_mode(points, modes)[0])


def test_seeds_past_float32_range_are_computed_in_float64():
    # scikit-learn's float32 seeds overflow past 3.4e38 (the products became NaN here).
    labels, modes = mean_shift_cluster(np.zeros((3, 2)), 1e39)
    assert labels.tolist() == [0, 0, 0] and modes.tolist() == [[0.0, 0.0]]
    points = blobs([[0.0, 0], [10.0, 10]], 100, 1.0, 32)
    scale = 2.0 ** 200                          # 1.6e60: bins and seeds past float32
    labels, modes = mean_shift_cluster(points, np.float64(2.5))   # float64 seeds as well
    big_labels, big_modes = mean_shift_cluster(points * scale, 2.5 * scale)
    np.testing.assert_array_equal(big_labels, labels)
    np.testing.assert_array_equal(big_modes, modes * scale)


# --- bad input ------------------------------------------------------------------------------

GOOD = np.random.default_rng(23).uniform(0, 10, (20, 3))


@pytest.mark.parametrize("call, message", [
    (lambda: mean_shift_cluster(GOOD, 0.0), "bandwidth"),
    (lambda: mean_shift_cluster(GOOD, -1.0), "bandwidth"),
    (lambda: mean_shift_cluster(GOOD, float("nan")), "bandwidth"),
    (lambda: mean_shift_cluster(GOOD, float("inf")), "bandwidth"),
    (lambda: mean_shift_cluster(GOOD, "2"), "bandwidth"),
    (lambda: mean_shift_cluster(np.empty((0, 3)), 1.0), "empty"),
    (lambda: mean_shift_cluster([], 1.0), "2-D"),
    (lambda: mean_shift_cluster(GOOD[:, 0], 1.0), "2-D"),
    (lambda: mean_shift_cluster(GOOD[None], 1.0), "2-D"),
    (lambda: mean_shift_cluster(np.where(GOOD > 9, np.nan, GOOD), 1.0), "NaN"),
    (lambda: mean_shift_cluster(np.where(GOOD > 9, np.inf, GOOD), 1.0), "infinite"),
    (lambda: mean_shift_cluster(GOOD, 1.0, weights=np.ones(19)), "one value per point"),
    (lambda: mean_shift_cluster(GOOD, 1.0, weights=-np.ones(20)), "non-negative"),
    (lambda: mean_shift_cluster(GOOD, 1.0, kernel="box"), "kernel"),
    (lambda: mean_shift_cluster(GOOD, 1.0, seeds=np.ones((2, 2))), "columns"),
    (lambda: mean_shift_cluster(GOOD, 1.0, max_iter=-1), "max_iter"),
    (lambda: mean_shift_cluster(GOOD, 1.0, min_bin_freq=0), "min_bin_freq"),
    (lambda: mean_shift_cluster(GOOD, 1.0, min_bin_freq=10**6), "no seeds"),
    (lambda: shift_seeds(GOOD, None, GOOD, 1.0, kernel="triangle"), "kernel"),
    (lambda: nearest_mode(GOOD, np.ones((2, 4))), "columns"),
    (lambda: estimate_bandwidth(GOOD, quantile=0.0), "quantile"),
    (lambda: estimate_bandwidth(GOOD, quantile=1.5), "quantile"),
    (lambda: estimate_bandwidth(GOOD, quantile=float("nan")), "quantile"),
    (lambda: estimate_bandwidth(GOOD, n_samples=0), "n_samples"),
    (lambda: mean_shift_cluster(GOOD, True), "bandwidth"),
    (lambda: mean_shift_cluster(GOOD, 1.0, bin_seeding="no"), "bin_seeding"),
    (lambda: mean_shift_cluster(GOOD, 1.0, kernel=["flat"]), "kernel"),
    (lambda: mean_shift_cluster(GOOD, 1.0, kernel=None), "kernel"),
    (lambda: mean_shift_cluster(GOOD, 1.0, max_iter=2.0), "max_iter"),
    (lambda: mean_shift_cluster(GOOD, 1.0, min_bin_freq="1"), "min_bin_freq"),
    (lambda: mean_shift_cluster(GOOD, 1.0, weights="w"), "weights"),
    (lambda: mean_shift_cluster(GOOD, 1.0, seeds=[["a", "b", "c"]]), "seeds"),
    (lambda: bin_seeds(GOOD, 1.0, min_bin_freq=float("nan")), "min_bin_freq"),
    (lambda: nearest_mode(GOOD, np.empty((0, 3))), "modes"),
    (lambda: mean_shift_cluster([[1e300], [0.0]], 1e-300), "too small"),
])
def test_bad_input(call, message):
    with pytest.raises(InputError, match=message) as info:
        call()
    assert "\n" not in str(info.value)
