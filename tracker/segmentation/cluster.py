"""Mean shift clustering of an N x D point array (colours, for the segmentation).

``mean_shift_cluster`` with its defaults reproduces
``sklearn.cluster.MeanShift(bandwidth=h, bin_seeding=True)``: the same seeds, the same
flat-kernel iteration and stopping rule, the same de-duplication, ordering and
suppression of modes and the same nearest-mode labels, with a uniform grid in place of
the KD-tree and every loop in numba. (``tracker.MeanShift`` wraps the same code in
scikit-learn's estimator interface.) It adds what the live segmentation needs: point
weights (mean shift over the occupied bins of a colour histogram, weighted by their
counts), extra seeds (the previous frame's modes) and Epanechnikov and Gaussian kernels.
The pieces are public too: ``bin_seeds``, ``shift_seeds``, ``merge_modes`` and
``nearest_mode``.

The bandwidth means the same for every kernel: its reach, the distance past which a
point has no weight in a window (the Gaussian's sigma is half of it). All arithmetic
is in float64 whatever the input dtype; coordinates too large or too small for float64
squares are scaled by a power of two first, which changes no result.
"""

from __future__ import annotations

import math
from numbers import Integral

import numpy as np

from . import _bandwidth_kernels as _bw
from . import _cluster_kernels as _k
from ._grid_kernels import group_rows
from ._checks import as_points, as_seeds, as_weights
from ..checks import as_choice, as_count, as_flag, as_positive, as_real
from ..errors import InputError

KERNELS = {"flat": _k.FLAT, "epanechnikov": _k.EPANECHNIKOV, "gaussian": _k.GAUSSIAN}
NO_BUDGET = math.inf

# Squared distances between coordinates below 2^500 (about 3e150) stay finite, and a
# bandwidth above 2^-500 squares to a normal number. Outside that, every array is scaled
# by one power of two, which changes no comparison and no rounding, so the results are
# the same bits as with unlimited range.
_SAFE = 2.0 ** 500
# float32 is what scikit-learn's bin seeds are computed in; past its range they would be
# infinite (or 0 for a bandwidth below its smallest normal number), so such seeds are
# computed in float64.
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_FLOAT32_TINY = float(np.finfo(np.float32).tiny)


def _as_kernel(kernel) -> int:
    return KERNELS[as_choice(kernel, "kernel", tuple(KERNELS))]


def _power_of_two_scale(bandwidth, *arrays) -> float:
    """A power of two that brings the coordinates and ``bandwidth`` (None: no bandwidth,
    the coordinates alone) into the safe range; 1.0 when they are in it already."""
    sizes = [float(np.abs(a).max()) for a in arrays if a.size]
    top = max(sizes + ([] if bandwidth is None else [bandwidth]), default=0.0)
    low = top if bandwidth is None else bandwidth
    if top == 0.0 or (top <= _SAFE and low >= 1.0 / _SAFE):
        return 1.0
    scale = math.ldexp(1.0, -math.frexp(top)[1])       # top * scale in [0.5, 1)
    if bandwidth is not None and bandwidth * scale < 1.0 / _SAFE:
        raise InputError(f"bandwidth={bandwidth:g} is too small for coordinates as large as "
                         f"{top:g} (a ratio past 1e150 cannot be computed in float64)")
    return scale


# --- the pieces ---------------------------------------------------------------------------

def bin_seeds(points, bandwidth, min_bin_freq=1, weights=None) -> np.ndarray:
    """Seeds on a grid of side ``bandwidth``, as ``sklearn.cluster.get_bin_seeds``.

    Parameters
    ----------
    points : (N, D) array_like
        The points to cluster.
    bandwidth : float
        Grid spacing: each point falls in bin ``round(point / bandwidth)``.
    min_bin_freq : float, optional
        Bins whose total weight (their point count when unweighted) is below this
        yield no seed.
    weights : (N,) array_like, optional
        Non-negative point weights; default 1 each.

    Returns
    -------
    seeds : (M, D) ndarray of float64
        ``bin * bandwidth`` for every bin with enough weight, in order of each bin's
        first point. When every point is a seed bin of its own, the points themselves
        (scikit-learn's fallback). Like scikit-learn, the products are taken in float32
        when ``bandwidth`` is a Python float (its bins array is float32), in float64 when
        it is a NumPy float64, so the very first window matches its to the last bit
        (in float64 where float32 would overflow or underflow).
    """
    pts = as_points(points)
    as_positive(bandwidth, "bandwidth")
    w = as_weights(weights, pts.shape[0])
    min_bin_freq = as_positive(min_bin_freq, "min_bin_freq")
    return _bin_seeds(pts, bandwidth, min_bin_freq, w)[0]


def _bin_seeds(pts, bandwidth, min_bin_freq, weights):
    """``bin_seeds`` of checked arguments, and the total weight of each seed's bin."""
    bins, totals = _k.bin_points(pts, float(bandwidth), weights)
    keep = totals >= min_bin_freq
    bins, totals = bins[keep], totals[keep]
    if bins.shape[0] == pts.shape[0]:
        return pts.copy(), weights.copy()
    top = float(np.abs(bins).max()) if bins.size else 0.0
    h = float(bandwidth)
    if max(top, h, top * h) < _FLOAT32_MAX and h >= _FLOAT32_TINY:
        seeds = bins.astype(np.float32) * bandwidth
    else:
        seeds = bins * h                   # float32 would overflow or underflow
    return np.asarray(seeds, dtype=np.float64), totals


def shift_seeds(points, weights, seeds, bandwidth, kernel="flat", max_iter=300):
    """Move each seed uphill to a mode of the point density (mean shift).

    Each step moves a seed to the kernel-weighted mean of the points within
    ``bandwidth`` of it, until a step is no longer than ``1e-3 * bandwidth`` or after
    ``max_iter`` steps; for the flat kernel exactly scikit-learn's
    ``_mean_shift_single_seed``.

    Parameters
    ----------
    points : (N, D) array_like
        The points.
    weights : (N,) array_like or None
        Non-negative point weights (``None``: 1 each).
    seeds : (M, D) array_like
        Starting positions.
    bandwidth : float
        Kernel bandwidth h: the reach of every kernel, the distance beyond which a point
        has no weight.
    kernel : {"flat", "epanechnikov", "gaussian"}
        Weight of a point at distance d <= h (0 beyond): 1; ``1 - d^2/h^2``;
        ``exp(-d^2 / (2 s^2))`` with ``s = h / 2``, a Gaussian cut off at two sigmas
        (so that at one bandwidth the three smooth about equally).
    max_iter : int
        Most steps per seed.

    Returns
    -------
    modes : (M, D) ndarray of float64
        Where each seed stopped.
    intensity : (M,) ndarray of float64
        Total point weight within ``bandwidth`` of the last position a mean was taken
        at (scikit-learn's count); 0 for a seed that found no weight, which
        ``merge_modes`` drops.
    """
    pts = as_points(points)
    w = as_weights(weights, pts.shape[0])
    s = as_seeds(seeds, pts.shape[1])
    h = as_positive(bandwidth, "bandwidth")
    code = _as_kernel(kernel)
    max_iter = as_count(max_iter, "max_iter", 0)
    scale = _power_of_two_scale(h, pts, s)
    modes, intensity, _, _, _, _ = _k.shift_seeds(pts * scale, w, s * scale, h * scale, code,
                                                  max_iter, NO_BUDGET, 0,
                                                  np.zeros(len(s), np.int64), 0)
    return modes / scale, intensity


def merge_modes(modes, intensity, bandwidth) -> np.ndarray:
    """Keep the strongest of every group of modes closer than ``bandwidth``.

    scikit-learn's post-processing: modes of zero intensity are dropped, identical
    modes count once, the rest are sorted by (intensity, mode) descending and each one
    kept suppresses all modes within ``bandwidth`` (inclusive) of it.

    Parameters
    ----------
    modes : (M, D) array_like
        Converged seeds, e.g. from ``shift_seeds``.
    intensity : (M,) array_like
        Their intensities (non-negative).
    bandwidth : float
        Suppression radius.

    Returns
    -------
    kept : (K,) ndarray of int64
        Indices into ``modes`` of the kept modes, strongest first; empty when every
        intensity is 0.
    """
    m = as_points(modes, "modes")
    inten = as_weights(intensity, m.shape[0], "intensity", "mode")
    h = as_positive(bandwidth, "bandwidth")
    scale = _power_of_two_scale(h, m)
    return _k.merge_modes(m * scale, inten, h * scale)


def nearest_mode(points, modes, bandwidth=None):
    """Label every point with its nearest mode (Euclidean; ties go to the lower index).

    Parameters
    ----------
    points : (N, D) array_like
        Points to label.
    modes : (K, D) array_like
        Cluster centres.
    bandwidth : float, optional
        Only a speed hint: with many modes, a grid of this cell size finds the nearest
        one for points that have a mode this close. The answer does not depend on it.

    Returns
    -------
    labels : (N,) ndarray of int32
        Index of the nearest mode.
    distances : (N,) ndarray of float64
        Distance to it.
    """
    pts = as_points(points)
    m = as_seeds(modes, pts.shape[1], "modes")
    if not m.size:
        raise InputError("modes must not be empty")
    cell = 0.0 if bandwidth is None else as_positive(bandwidth, "bandwidth")
    scale = _power_of_two_scale(None, pts, m)
    cell *= scale
    if cell < 1.0 / _SAFE:
        cell = 0.0      # a hint too fine for the range: scan all modes
    labels, dist = _k.nearest_mode(pts * scale, m * scale, cell)
    return labels, dist / scale


# --- the whole clustering -----------------------------------------------------------------

def mean_shift_cluster(points, bandwidth, kernel="flat", bin_seeding=True, min_bin_freq=1,
                       max_iter=300, weights=None, seeds=None):
    """Mean shift clustering; with the defaults, ``sklearn.cluster.MeanShift`` exactly.

    Parameters
    ----------
    points : (N, D) array_like
        Points to cluster (any D >= 1; fastest for small D such as colours).
    bandwidth : float
        Kernel bandwidth h: the reach of every kernel (points farther from a window's
        centre have no weight in it), also the seeding grid spacing and the merge
        radius.
    kernel : {"flat", "epanechnikov", "gaussian"}, optional
        See ``shift_seeds``. ``"flat"`` is scikit-learn's.
    bin_seeding : bool, optional
        Seed from the occupied bins of a grid of side h (``bin_seeds``). Otherwise seed
        from ``seeds``, or from every point when ``seeds`` is None (like scikit-learn).
    min_bin_freq : float, optional
        Least total weight (point count when unweighted) of a seeding bin.
    max_iter : int, optional
        Most mean shift steps per seed.
    weights : (N,) array_like, optional
        Non-negative point weights: a point of weight 3 counts as 3 coincident points in
        the means, the intensities and the seeding bins.
    seeds : (M, D) array_like, optional
        Extra starting positions, e.g. the previous frame's modes: added to the bin
        seeds when ``bin_seeding``, used alone otherwise.

    Returns
    -------
    labels : (N,) ndarray of int32
        Cluster of every point: its nearest mode.
    modes : (K, D) ndarray of float64
        Cluster centres, strongest (most weight within h) first.

    Raises
    ------
    InputError
        On a bad argument, or when no point lies within ``bandwidth`` of any seed.

    Notes
    -----
    Differences from scikit-learn are rounding only: means summed in another order
    (about 1e-15 relative), which can matter only for a point at a distance from a mean
    equal to the bandwidth to within that rounding.
    """
    pts = as_points(points)
    h = as_positive(bandwidth, "bandwidth")
    code = _as_kernel(kernel)
    w = as_weights(weights, pts.shape[0])
    max_iter = as_count(max_iter, "max_iter", 0)
    bin_seeding = as_flag(bin_seeding, "bin_seeding")
    min_bin_freq = as_positive(min_bin_freq, "min_bin_freq")
    extra = None if seeds is None else as_seeds(seeds, pts.shape[1])
    if bin_seeding:
        start = _bin_seeds(pts, bandwidth, min_bin_freq, w)[0]
        if extra is not None:
            start = np.concatenate([start, extra])
    else:
        start = pts if extra is None else extra
    centres, labels, _, _ = cluster_points(pts, w, start, h, code, max_iter)
    return labels, centres


def cluster_points(pts, weights, seeds, bandwidth, kernel, max_iter):
    """The whole clustering on checked arguments: shift, merge, label.

    Shared by ``mean_shift_cluster`` and ``MeanShift``. Repeated points are clustered
    once with their weights summed (a photo's pixels repeat colours; the sums and counts
    are the same up to rounding) and repeated seeds are followed once (they take the same
    path), and coordinates past float64's comfortable range are scaled exactly first.

    Returns ``(centres, labels, distances, n_iter)``: the kept modes strongest first,
    every point's nearest one (int32) and its distance to it, and the most iterations
    any seed took.
    """
    if seeds.shape[0] == 0:
        raise InputError("no seeds: no seeding bin holds min_bin_freq points and no "
                         "seeds were given")
    scale = _power_of_two_scale(bandwidth, pts, seeds)
    h = bandwidth * scale
    group, first = group_rows(pts)
    unique = np.ascontiguousarray(pts[first] * scale)
    w = np.bincount(group, weights=weights, minlength=first.size)
    seeds = seeds[group_rows(seeds)[1]] * scale
    modes, intensity, n_iter, _, _, _ = _k.shift_seeds(unique, w, seeds, h, kernel, max_iter,
                                                       NO_BUDGET, 0,
                                                       np.zeros(len(seeds), np.int64), 0)
    kept = _k.merge_modes(modes, intensity, h)
    if kept.size == 0:
        raise InputError(f"no point lies within bandwidth={bandwidth:g} of any seed; "
                         "use a larger bandwidth or other seeds")
    centres = np.ascontiguousarray(modes[kept])
    labels, dist = _k.nearest_mode(unique, centres, h)
    return centres / scale, labels[group], dist[group] / scale, int(n_iter.max())


def estimate_bandwidth(X, quantile=0.3, n_samples=None, random_state=0, n_jobs=None):
    """Bandwidth heuristic of ``sklearn.cluster.estimate_bandwidth``, the same value.

    The mean over the points of the distance to their k-th nearest point, with
    ``k = max(1, int(n * quantile))`` and each point its own first neighbour. This
    takes time quadratic in the number of points: sample them for large inputs.

    Parameters
    ----------
    X : (N, D) array_like
        The points.
    quantile : float, optional
        In (0, 1]; larger gives a larger bandwidth (fewer clusters). (scikit-learn also
        takes 0, which always gives a bandwidth of 0.)
    n_samples : int, optional
        Use a random sample of this many points (all of them when None).
    random_state : int, numpy RandomState or Generator, or None, optional
        Draws the sample as scikit-learn does, ``RandomState(random_state).permutation``
        (None: NumPy's global RandomState), so the same seed picks the same points.
    n_jobs : None or int, optional
        Accepted for scikit-learn's signature and ignored (one thread).

    Returns
    -------
    bandwidth : numpy.float64
        scikit-learn's value: the same k-th distances (squared distances summed in the
        same order) averaged in the same order, so the same bits whenever its neighbour
        search is its KD-tree (quantile < 0.5 and at most 15 dimensions); otherwise
        equal to rounding.
    """
    pts = as_points(X, "X")
    quantile = as_real(quantile, "quantile", 0.0, 1.0, low_open=True)
    if n_jobs is not None:
        as_count(n_jobs, "n_jobs", -(2 ** 31))
    if n_samples is not None:
        n_samples = as_count(n_samples, "n_samples", 1)
        # Permuted even when n_samples >= N, as scikit-learn does: the order of the sum.
        pts = np.ascontiguousarray(pts[_permutation(pts.shape[0], random_state)[:n_samples]])
    k = max(1, int(pts.shape[0] * quantile))
    scale = _power_of_two_scale(None, pts)
    dist = _bw.kth_neighbour_distances(pts * scale, k) / scale
    # scikit-learn sums the distances of batches of 500 points: the same order here.
    total = 0.0
    for start in range(0, dist.size, 500):
        total += dist[start:start + 500].sum()
    return total / pts.shape[0]


def _permutation(n: int, random_state) -> np.ndarray:
    """``check_random_state(random_state).permutation(n)``, scikit-learn's draw."""
    if random_state is None:
        return np.random.permutation(n)
    if isinstance(random_state, (np.random.RandomState, np.random.Generator)):
        return random_state.permutation(n)
    if isinstance(random_state, Integral) and not isinstance(random_state, (bool, np.bool_)) \
            and 0 <= random_state < 2 ** 32:
        return np.random.RandomState(int(random_state)).permutation(n)
    raise InputError("random_state must be None, an integer in [0, 2**32) or a NumPy "
                     f"RandomState or Generator, got {random_state!r}")
