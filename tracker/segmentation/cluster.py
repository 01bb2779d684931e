"""Mean shift clustering of an N x D point array (colours, for the segmentation).

``mean_shift_cluster`` with its defaults reproduces
``sklearn.cluster.MeanShift(bandwidth=h, bin_seeding=True)``: the same seeds, the same
flat-kernel iteration and stopping rule, the same de-duplication, ordering and
suppression of modes and the same nearest-mode labels, with a uniform grid (cell side =
bandwidth) in place of the KD-tree and every loop in numba. It adds what the live
segmentation needs: point weights (mean shift over the occupied bins of a colour
histogram, weighted by their counts), extra seeds (the previous frame's modes) and
Epanechnikov and Gaussian kernels. The pieces are public too: ``bin_seeds``,
``shift_seeds``, ``merge_modes`` and ``nearest_mode``.

All arithmetic is in float64 whatever the input dtype.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

from . import _cluster_kernels as _k
from ..errors import InputError

KERNELS = {"flat": _k.FLAT, "epanechnikov": _k.EPANECHNIKOV, "gaussian": _k.GAUSSIAN}


# --- validation ---------------------------------------------------------------------------

def _as_points(points, name="points") -> np.ndarray:
    try:
        arr = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a numeric N x D array") from None
    if arr.ndim != 2:
        raise InputError(f"{name} must be a 2-D N x D array, got shape {arr.shape}")
    if arr.size == 0:
        raise InputError(f"{name} must not be empty, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise InputError(f"{name} contain NaN or infinite values")
    return np.ascontiguousarray(arr)


def _as_bandwidth(bandwidth) -> float:
    if isinstance(bandwidth, bool) or not isinstance(bandwidth, Real):
        raise InputError(f"bandwidth must be a positive number, got {bandwidth!r}")
    h = float(bandwidth)
    if not (math.isfinite(h) and h > 0):
        raise InputError(f"bandwidth must be a positive finite number, got {bandwidth!r}")
    return h


def _as_weights(weights, n: int, name="weights", per="point") -> np.ndarray:
    if weights is None:
        return np.ones(n)
    try:
        w = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a numeric array of one value per {per}") from None
    if w.shape != (n,):
        raise InputError(f"{name} must have one value per {per}, shape ({n},), got {w.shape}")
    if not (np.isfinite(w).all() and (w >= 0).all()):
        raise InputError(f"{name} must be finite and non-negative")
    return np.ascontiguousarray(w)


def _as_kernel(kernel) -> int:
    if kernel not in KERNELS:
        raise InputError(f"kernel must be one of {', '.join(KERNELS)}; got {kernel!r}")
    return KERNELS[kernel]


def _as_seeds(seeds, d: int) -> np.ndarray:
    try:
        s = np.asarray(seeds, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("seeds must be a numeric M x D array") from None
    s = _as_points(s, "seeds") if s.size else np.empty((0, d))
    if s.shape[1] != d:
        raise InputError(f"seeds must have {d} columns like the points, got shape {s.shape}")
    return s


def _as_count(value, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
        raise InputError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


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
        it is a NumPy float64, so the very first window matches its to the last bit.
    """
    pts = _as_points(points)
    h = _as_bandwidth(bandwidth)
    w = _as_weights(weights, pts.shape[0])
    if isinstance(min_bin_freq, bool) or not isinstance(min_bin_freq, Real) \
            or not (math.isfinite(min_bin_freq) and min_bin_freq > 0):
        raise InputError(f"min_bin_freq must be a positive number, got {min_bin_freq!r}")
    bins, totals = _k.bin_points(pts, h, w)
    bins = bins[totals >= min_bin_freq]
    if bins.shape[0] == pts.shape[0]:
        return pts.copy()
    return np.asarray(bins.astype(np.float32) * bandwidth, dtype=np.float64)


def shift_seeds(points, weights, seeds, bandwidth, kernel="flat", max_iter=300):
    """Move each seed uphill to a mode of the point density (mean shift).

    Each step moves a seed to the kernel-weighted mean of the points within reach
    (``bandwidth``, or ``3 * bandwidth`` for the truncated Gaussian), until a step is
    no longer than ``1e-3 * bandwidth`` or after ``max_iter`` steps; for the flat kernel
    exactly scikit-learn's ``_mean_shift_single_seed``.

    Parameters
    ----------
    points : (N, D) array_like
        The points.
    weights : (N,) array_like or None
        Non-negative point weights (``None``: 1 each).
    seeds : (M, D) array_like
        Starting positions.
    bandwidth : float
        Kernel bandwidth h.
    kernel : {"flat", "epanechnikov", "gaussian"}
        Weight of a point at distance d: 1 for d <= h; ``1 - d^2/h^2`` for d <= h;
        ``exp(-d^2 / (2 h^2))`` for d <= 3h.
    max_iter : int
        Most steps per seed.

    Returns
    -------
    modes : (M, D) ndarray of float64
        Where each seed stopped.
    intensity : (M,) ndarray of float64
        Total point weight within ``bandwidth`` of the last position a mean was taken
        at (scikit-learn's count, for every kernel so modes compare across kernels);
        0 for a seed that found no weight, which ``merge_modes`` drops.
    """
    pts = _as_points(points)
    w = _as_weights(weights, pts.shape[0])
    s = _as_seeds(seeds, pts.shape[1])
    h = _as_bandwidth(bandwidth)
    code = _as_kernel(kernel)
    max_iter = _as_count(max_iter, "max_iter", 0)
    modes, intensity, _ = _k.shift_seeds(pts, w, s, h, code, max_iter)
    return modes, intensity


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
    m = _as_points(modes, "modes")
    inten = _as_weights(intensity, m.shape[0], "intensity", "mode")
    h = _as_bandwidth(bandwidth)
    return _k.merge_modes(m, inten, h)


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
    pts = _as_points(points)
    m = _as_points(modes, "modes")
    if m.shape[1] != pts.shape[1]:
        raise InputError(f"modes must have {pts.shape[1]} columns like the points, "
                         f"got shape {m.shape}")
    cell = 0.0 if bandwidth is None else _as_bandwidth(bandwidth)
    return _k.nearest_mode(pts, m, cell)


# --- the whole clustering -----------------------------------------------------------------

def mean_shift_cluster(points, bandwidth, kernel="flat", bin_seeding=True, min_bin_freq=1,
                       max_iter=300, weights=None, seeds=None):
    """Mean shift clustering; with the defaults, ``sklearn.cluster.MeanShift`` exactly.

    Parameters
    ----------
    points : (N, D) array_like
        Points to cluster (any D >= 1; fastest for small D such as colours).
    bandwidth : float
        Kernel bandwidth h, also the seeding grid spacing and the merge radius.
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
    pts = _as_points(points)
    h = _as_bandwidth(bandwidth)
    code = _as_kernel(kernel)
    w = _as_weights(weights, pts.shape[0])
    max_iter = _as_count(max_iter, "max_iter", 0)
    extra = None if seeds is None else _as_seeds(seeds, pts.shape[1])
    if bin_seeding:
        start = bin_seeds(pts, bandwidth, min_bin_freq, w)
        if extra is not None:
            start = np.concatenate([start, extra])
    else:
        start = pts if extra is None else extra
    if start.shape[0] == 0:
        raise InputError("no seeds: no seeding bin holds min_bin_freq points and no "
                         "seeds were given")
    modes, intensity, _ = _k.shift_seeds(pts, w, start, h, code, max_iter)
    kept = _k.merge_modes(modes, intensity, h)
    if kept.size == 0:
        raise InputError(f"no point lies within bandwidth={h:g} of any seed; "
                         "use a larger bandwidth or other seeds")
    centres = np.ascontiguousarray(modes[kept])
    labels, _ = _k.nearest_mode(pts, centres, h)
    return labels, centres


def estimate_bandwidth(points, quantile=0.3, n_samples=None, random_state=0) -> float:
    """Bandwidth heuristic of ``sklearn.cluster.estimate_bandwidth``.

    The mean over the points of the distance to their k-th nearest point, with
    ``k = max(1, int(n * quantile))`` and each point its own first neighbour. This
    takes time quadratic in the number of points: sample them for large inputs.

    Parameters
    ----------
    points : (N, D) array_like
        The points.
    quantile : float, optional
        In (0, 1]; larger gives a larger bandwidth (fewer clusters).
    n_samples : int, optional
        Use a random sample of this many points (all of them when None or >= N).
    random_state : int, optional
        Seed of ``numpy.random.default_rng`` drawing the sample. scikit-learn draws
        with the legacy ``RandomState``, so with ``n_samples`` the two pick different
        points and agree only approximately; on all points they agree to rounding.

    Returns
    -------
    bandwidth : float
    """
    pts = _as_points(points)
    if isinstance(quantile, bool) or not isinstance(quantile, Real) \
            or not (0.0 < quantile <= 1.0):
        raise InputError(f"quantile must be in (0, 1], got {quantile!r}")
    if n_samples is not None:
        n_samples = _as_count(n_samples, "n_samples", 1)
        if n_samples < pts.shape[0]:
            idx = np.random.default_rng(random_state).permutation(pts.shape[0])[:n_samples]
            pts = np.ascontiguousarray(pts[idx])
    k = max(1, int(pts.shape[0] * quantile))
    return float(_k.mean_kth_neighbour_distance(pts, k))
