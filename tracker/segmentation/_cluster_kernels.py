"""Numba kernels of mean shift clustering over an N x D point array.

A uniform grid answers the fixed-radius neighbour queries: points are sorted by the
linear key of their cell, so the cells of one row along the last dimension are one
contiguous run of the sorted array and a query reads at most 3^(D-1) runs (one per
row of its 3^D block of cells). ``cluster.py`` validates input and wraps these kernels.

The code avoids NumPy's sorting, searching and fancy indexing inside numba: their
implementations take seconds to compile, a few explicit loops do not.
"""

import math

import numpy as np
from numba import njit

from ._grid_kernels import CELL_MARGIN, argsort, build_grid, neighbour_runs

FLAT = 0
EPANECHNIKOV = 1
GAUSSIAN = 2
GAUSSIAN_TRUNCATION = 3.0  # gaussian weights are cut off at this many bandwidths


@njit(cache=True, nogil=True)
def _window_sums(pts, wts, lo, hi, runs, x, r2, h2, kernel, acc):
    """Kernel-weighted coordinate sums (into ``acc``), their total weight and the point
    weight within sqrt(h2), over the points of the runs within sqrt(r2) of ``x``."""
    d = x.shape[0]
    for k in range(d):
        acc[k] = 0.0
    total = 0.0
    within = 0.0
    for t in range(runs):
        for j in range(lo[t], hi[t]):
            d2 = 0.0
            for k in range(d):
                u = pts[j, k] - x[k]
                d2 += u * u
            if d2 <= r2:
                w = wts[j]
                if d2 <= h2:
                    within += w
                if kernel == EPANECHNIKOV:
                    w *= 1.0 - d2 / h2
                elif kernel == GAUSSIAN:
                    w *= math.exp(-0.5 * d2 / h2)
                for k in range(d):
                    acc[k] += w * pts[j, k]
                total += w
    return total, within


@njit(cache=True, nogil=True)
def _in_reach3(u0, u1, u2, r2):
    """Squared distance test in strict IEEE arithmetic, summed in dimension order like
    the KD-tree's, so the flat kernel picks exactly scikit-learn's neighbours: compiled
    without fast-math and returning a bool, it stays strict when inlined into the
    fast-math loop below (LLVM's fast-math flags are per instruction)."""
    return u0 * u0 + u1 * u1 + u2 * u2 <= r2


@njit(cache=True, nogil=True)
def _sqdist3(u0, u1, u2):
    return u0 * u0 + u1 * u1 + u2 * u2


# Re-association lets LLVM vectorise the sums (2-3x faster); they then differ from
# a sequential sum by rounding only (about 1e-16 relative), and weights of 1 (the
# unweighted case) still sum to exact counts. A loop of its own: LLVM does not
# vectorise it beside the other kernels' loops.
@njit(cache=True, nogil=True, fastmath={"reassoc", "nsz"})
def _flat_sums3(xs, ys, zs, wts, lo, hi, runs, x0, x1, x2, r2):
    """Flat-kernel window sums for D = 3 (colours) over coordinate columns: the
    weighted coordinate sums and the total weight of the points within sqrt(r2)."""
    s0 = s1 = s2 = total = 0.0
    for t in range(runs):
        for j in range(lo[t], hi[t]):
            p0 = xs[j]
            p1 = ys[j]
            p2 = zs[j]
            # Branch-free, so it vectorises (whether a point is in the ball is hard to
            # predict anyway); adding an exact zero changes no sum.
            inside = 1.0 if _in_reach3(p0 - x0, p1 - x1, p2 - x2, r2) else 0.0
            w = wts[j] * inside
            s0 += w * p0
            s1 += w * p1
            s2 += w * p2
            total += w
    return s0, s1, s2, total


@njit(cache=True, nogil=True)
def _kernel_sums3(xs, ys, zs, wts, lo, hi, runs, x0, x1, x2, r2, h2, kernel):
    """``_window_sums`` for D = 3 and the Epanechnikov or Gaussian kernel."""
    s0 = s1 = s2 = total = within = 0.0
    for t in range(runs):
        for j in range(lo[t], hi[t]):
            p0 = xs[j]
            p1 = ys[j]
            p2 = zs[j]
            d2 = _sqdist3(p0 - x0, p1 - x1, p2 - x2)
            if d2 <= r2:
                w = wts[j]
                if d2 <= h2:
                    within += w
                if kernel == EPANECHNIKOV:
                    w *= 1.0 - d2 / h2
                else:
                    w *= math.exp(-0.5 * d2 / h2)
                s0 += w * p0
                s1 += w * p1
                s2 += w * p2
                total += w
    return s0, s1, s2, total, within


@njit(cache=True, nogil=True)
def shift_seeds(points, weights, seeds, bandwidth, kernel, max_iter):
    """Mean shift every seed to convergence, as scikit-learn's ``_mean_shift_single_seed``.

    Each step moves x to the kernel-weighted mean of the points within the kernel's
    reach of x (inclusive, squared distances summed in dimension order like the KD-tree's
    reduced distance). A seed stops after a shift <= 1e-3 * bandwidth or ``max_iter``
    steps, or when its window holds no weight. Returns the final means, the intensity of
    each (point weight within ``bandwidth`` of the last position the mean was taken at,
    the count scikit-learn keeps; 0 for a seed whose window held no weight) and the
    iterations completed.
    """
    n, d = points.shape
    n_seeds = seeds.shape[0]
    reach = bandwidth * GAUSSIAN_TRUNCATION if kernel == GAUSSIAN else bandwidth
    cell = reach * CELL_MARGIN
    order, origin, dims, strides, table, keys, starts = build_grid(points, cell)
    # Sorted copies: the runs of a query are then contiguous in memory too; for D = 3
    # as columns, which vectorise.
    cols = d == 3
    pts = np.empty((0, d)) if cols else np.empty((n, d))
    xyz = np.empty((d, n)) if cols else np.empty((d, 0))
    wts = np.empty(n)
    for j in range(n):
        for k in range(d):
            if cols:
                xyz[k, j] = points[order[j], k]
            else:
                pts[j, k] = points[order[j], k]
        wts[j] = weights[order[j]]
    n_runs = 3 ** max(d - 1, 0) if dims.size > 0 else 1
    lo = np.empty(n_runs, np.int64)
    hi = np.empty(n_runs, np.int64)
    cq = np.empty(d, np.int64)
    off = np.empty(d, np.int64)
    h2 = bandwidth * bandwidth
    r2 = reach * reach
    stop = 1e-3 * bandwidth
    modes = np.empty((n_seeds, d))
    intensity = np.zeros(n_seeds)
    n_iter = np.zeros(n_seeds, np.int64)
    x = np.empty(d)
    acc = np.empty(d)
    for i in range(n_seeds):
        for k in range(d):
            x[k] = seeds[i, k]
        it = 0
        within = 0.0
        while True:
            m = neighbour_runs(x, cell, n, origin, dims, strides, table, keys, starts,
                               lo, hi, cq, off)
            if cols and kernel == FLAT:
                acc[0], acc[1], acc[2], total = _flat_sums3(
                    xyz[0], xyz[1], xyz[2], wts, lo, hi, m, x[0], x[1], x[2], r2)
                within = total  # the reach is the bandwidth
            elif cols:
                acc[0], acc[1], acc[2], total, within = _kernel_sums3(
                    xyz[0], xyz[1], xyz[2], wts, lo, hi, m, x[0], x[1], x[2], r2, h2, kernel)
            else:
                total, within = _window_sums(pts, wts, lo, hi, m, x, r2, h2, kernel, acc)
            if not total > 0.0:
                within = 0.0  # nothing to take a mean of: scikit-learn drops the seed
                break
            shift2 = 0.0
            for k in range(d):
                v = acc[k] / total
                u = v - x[k]
                shift2 += u * u
                x[k] = v
            if math.sqrt(shift2) <= stop or it == max_iter:
                break
            it += 1
        for k in range(d):
            modes[i, k] = x[k]
        intensity[i] = within
        n_iter[i] = it
    return modes, intensity, n_iter


@njit(cache=True, nogil=True)
def _lexsort_rows(values, idx):
    """``idx`` stably sorted by the rows ``values[idx]``, first column most significant."""
    col = np.empty(idx.size)
    out = idx.copy()
    for k in range(values.shape[1] - 1, -1, -1):
        for t in range(out.size):
            col[t] = values[out[t], k]
        perm = argsort(col)
        prev = out.copy()
        for t in range(out.size):
            out[t] = prev[perm[t]]
    return out


@njit(cache=True, nogil=True)
def _same_row(values, i, j):
    for k in range(values.shape[1]):
        if values[i, k] != values[j, k]:
            return False
    return True


@njit(cache=True, nogil=True)
def merge_modes(modes, intensity, bandwidth):
    """scikit-learn's post-processing of the converged seeds, as indices into ``modes``.

    Drops modes of zero intensity, keeps one of each set of identical modes (the last,
    whose intensity scikit-learn's dict keeps), sorts by (intensity, mode) descending,
    then walks that order keeping a mode and suppressing every mode within
    ``bandwidth`` (inclusive) of it. Returns the kept indices, strongest first.
    """
    n, d = modes.shape
    live = np.empty(n, np.int64)
    n_live = 0
    for i in range(n):
        if intensity[i] > 0.0:
            live[n_live] = i
            n_live += 1
    idx = _lexsort_rows(modes, live[:n_live])
    # Runs of equal rows keep their last member (the stable sort leaves the largest
    # index last), listed backwards: modes in descending tuple order.
    uniq = np.empty(n_live, np.int64)
    n_uniq = 0
    for t in range(n_live - 1, -1, -1):
        if t + 1 < n_live and _same_row(modes, idx[t], idx[t + 1]):
            continue
        uniq[n_uniq] = idx[t]
        n_uniq += 1
    # A stable sort by descending intensity then gives (intensity, mode) descending.
    neg = np.empty(n_uniq)
    for t in range(n_uniq):
        neg[t] = -intensity[uniq[t]]
    perm = argsort(neg)
    ranked = np.empty(n_uniq, np.int64)
    centers = np.empty((n_uniq, d))
    for t in range(n_uniq):
        ranked[t] = uniq[perm[t]]
        for k in range(d):
            centers[t, k] = modes[ranked[t], k]
    cell = bandwidth * CELL_MARGIN
    order, origin, dims, strides, table, keys, starts = build_grid(centers, cell)
    lo = np.empty(3 ** max(d - 1, 0) if dims.size > 0 else 1, np.int64)
    hi = np.empty(lo.size, np.int64)
    cq = np.empty(d, np.int64)
    off = np.empty(d, np.int64)
    h2 = bandwidth * bandwidth
    keep = np.ones(n_uniq, np.bool_)
    for i in range(n_uniq):
        if not keep[i]:
            continue
        runs = neighbour_runs(centers[i], cell, centers.shape[0], origin, dims, strides,
                              table, keys, starts, lo, hi, cq, off)
        for t in range(runs):
            for p in range(lo[t], hi[t]):
                j = order[p]
                d2 = 0.0
                for k in range(d):
                    u = centers[j, k] - centers[i, k]
                    d2 += u * u
                if d2 <= h2:
                    keep[j] = False
        keep[i] = True
    kept = np.empty(n_uniq, np.int64)
    n_kept = 0
    for i in range(n_uniq):
        if keep[i]:
            kept[n_kept] = ranked[i]
            n_kept += 1
    return kept[:n_kept]


@njit(cache=True, nogil=True)
def nearest_mode(points, modes, cell):
    """Index of and distance to the nearest mode of every point (ties: lowest index).

    With ``cell > 0`` a grid of that cell size over the modes answers points that have a
    mode within ``cell``; the others, and every point when ``cell <= 0`` or there are
    few modes, scan all modes. Both paths give the same answer.
    """
    n, d = points.shape
    n_modes = modes.shape[0]
    labels = np.empty(n, np.int32)
    dist = np.empty(n)
    use_grid = cell > 0.0 and n_modes > 16
    grid_cell = cell * CELL_MARGIN
    if use_grid:
        order, origin, dims, strides, table, keys, starts = build_grid(modes, grid_cell)
        use_grid = dims.size > 0
    else:
        order = dims = strides = table = keys = starts = np.empty(0, np.int64)
        origin = np.empty(0)
    lo = np.empty(3 ** max(d - 1, 0), np.int64)
    hi = np.empty(lo.size, np.int64)
    cq = np.empty(d, np.int64)
    off = np.empty(d, np.int64)
    c2 = cell * cell
    for i in range(n):
        best = np.inf
        bi = -1
        if use_grid:
            runs = neighbour_runs(points[i], grid_cell, n_modes, origin, dims, strides,
                                  table, keys, starts, lo, hi, cq, off)
            for t in range(runs):
                for p in range(lo[t], hi[t]):
                    j = order[p]
                    d2 = 0.0
                    for k in range(d):
                        u = points[i, k] - modes[j, k]
                        d2 += u * u
                    if d2 < best or (d2 == best and j < bi):
                        best = d2
                        bi = j
        if bi < 0 or best > c2:
            # Nothing within the cell: the block may miss a nearer mode; look at all.
            best = np.inf
            for j in range(n_modes):
                d2 = 0.0
                for k in range(d):
                    u = points[i, k] - modes[j, k]
                    d2 += u * u
                if d2 < best:
                    best = d2
                    bi = j
        labels[i] = bi
        dist[i] = math.sqrt(best)
    return labels, dist


@njit(cache=True, nogil=True)
def bin_points(points, bandwidth, weights):
    """scikit-learn's seeding bins: the distinct rows of ``rint(points / bandwidth)`` in
    order of first occurrence (a dict's order), with the total weight of each."""
    n, d = points.shape
    bins = np.empty((n, d))
    for i in range(n):
        for k in range(d):
            bins[i, k] = np.rint(points[i, k] / bandwidth)
    idx = _lexsort_rows(bins, np.arange(n))
    first = np.empty(n, np.int64)
    total = np.zeros(n)
    m = 0
    for t in range(n):
        i = idx[t]
        if t == 0 or not _same_row(bins, idx[t - 1], i):
            first[m] = i  # the stable sort puts a bin's first point first
            m += 1
        total[m - 1] += weights[i]
    by_first = argsort(first[:m])
    out = np.empty((m, d))
    out_total = np.empty(m)
    for t in range(m):
        for k in range(d):
            out[t, k] = bins[first[by_first[t]], k]
        out_total[t] = total[by_first[t]]
    return out, out_total


@njit(cache=True, nogil=True)
def _select(a, n, k, b):
    """k-th smallest (0-based) of ``a[:n]``; ``a`` and ``b`` (as long) are scratch.

    Quickselect whose partitions are branch-free copies into the other buffer: with
    random distances a branchy partition mispredicts about every other element, which
    made it several times slower.
    """
    while n > 8:
        x, y, z = a[0], a[n // 2], a[n - 1]
        pivot = max(min(x, y), min(max(x, y), z))  # median of three
        below = 0
        equal = 0
        for j in range(n):
            v = a[j]
            b[below] = v
            below += v < pivot
            equal += v == pivot
        if k < below:
            n = below
        elif k < below + equal:
            return pivot
        else:
            above = 0
            for j in range(n):
                v = a[j]
                b[above] = v
                above += v > pivot
            k -= below + equal
            n = above
        a, b = b, a
    for i in range(1, n):  # insertion sort of the last few
        v = a[i]
        j = i - 1
        while j >= 0 and a[j] > v:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = v
    return a[k]


@njit(cache=True, nogil=True)
def mean_kth_neighbour_distance(points, k):
    """Mean over the points of the distance to their k-th nearest point, the point
    itself counting as its first (scikit-learn's ``estimate_bandwidth``)."""
    n, d = points.shape
    buf = np.empty(n)
    scratch = np.empty(n)
    total = 0.0
    for i in range(n):
        for j in range(n):
            d2 = 0.0
            for c in range(d):
                u = points[i, c] - points[j, c]
                d2 += u * u
            buf[j] = d2
        total += math.sqrt(_select(buf, n, k - 1, scratch))
    return total / n
