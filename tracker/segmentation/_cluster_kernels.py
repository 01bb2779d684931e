"""Numba kernels of mean shift clustering over an N x D point array.

A uniform grid (``_grid_kernels``) answers the fixed-radius neighbour queries: the
window of a seed reads only the runs of grid cells that reach it. ``cluster.py``
validates input and wraps these kernels.

The code avoids NumPy's sorting, searching and fancy indexing inside numba: their
implementations take seconds to compile, a few explicit loops do not.
"""

import math

import numpy as np
from .._numba import njit

from ._grid_kernels import (CELL_MARGIN, argsort, ball_runs, build_grid, cells_per_radius,
                            group_rows, lookup_cost, neighbour_runs)
from ._window_kernels import (EPANECHNIKOV, FLAT, GAUSSIAN, flat_sums3, smooth_sums3,  # noqa: F401
                              window_sums)

# A point read with the gaussian costs about this many read with the flat kernel or the
# Epanechnikov (measured: 2.7 against 0.5 and 0.7 ns), for the work budget.
GAUSSIAN_POINT_COST = 4


@njit(cache=True, nogil=True)
def shift_seeds(points, weights, seeds, bandwidth, kernel, max_iter, budget, query_cost,
                start_iter, min_done):
    """Mean shift every seed to convergence, as scikit-learn's ``_mean_shift_single_seed``.

    Each step moves x to the kernel-weighted mean of the points within ``bandwidth`` of x
    (inclusive, squared distances summed in dimension order like the KD-tree's reduced
    distance). A seed stops after a shift <= 1e-3 * bandwidth or ``max_iter`` steps in
    all (``start_iter[i]`` of them done before: a seed resumed where an earlier call
    left it), or when its window holds no weight.

    ``budget`` bounds the work, counted in visits: a window query costs the points it
    reads (those in reach and those the grid could not rule out; ``GAUSSIAN_POINT_COST``
    each with the gaussian, whose weight is a long polynomial), its table lookups and
    ``query_cost``, and starting a seed ``query_cost`` more (its share of merging). Seeds
    are taken in order; a query that would pass the budget is not made, except the
    call's first, so every call makes progress, and those of the first ``min_done``
    seeds. The seed it was for is left part-way: its position and steps so far are
    returned, to be resumed.

    Returns ``(modes, intensity, n_iter, visits, n_done, n_started)``: the final (or,
    for a seed left part-way, current) means; the intensity of each (point weight within
    ``bandwidth`` of the last position a mean was taken at, the count scikit-learn
    keeps; 0 for a seed that found no weight or did not finish); the steps completed;
    the visits spent; how many seeds finished (the first ones) and how many started
    (``n_done`` or one more, the seed left part-way).
    """
    n, d = points.shape
    n_seeds = seeds.shape[0]
    m = cells_per_radius(points, bandwidth)
    cell = bandwidth / m
    order, origin, dims, strides, table, keys, starts = build_grid(points, cell)
    lookup = 2 * lookup_cost(table, keys)        # two lookups a row
    point_cost = GAUSSIAN_POINT_COST if kernel == GAUSSIAN else 1
    # Sorted copies: the runs of a query are then contiguous in memory too. For D <= 3
    # as three columns, which vectorise; padding D = 1 or 2 with zero columns adds exact
    # zeros to every distance and sum, so the results are the same bits.
    cols = d <= 3
    pts = np.empty((0, d)) if cols else np.empty((n, d))
    xyz = np.zeros((3, n)) if cols else np.empty((3, 0))
    wts = np.empty(n)
    for j in range(n):
        for k in range(d):
            if cols:
                xyz[k, j] = points[order[j], k]
            else:
                pts[j, k] = points[order[j], k]
        wts[j] = weights[order[j]]
    n_runs = (2 * m + 3) ** max(d - 1, 0) if dims.size > 0 else 1
    lo = np.empty(n_runs, np.int64)
    hi = np.empty(n_runs, np.int64)
    pos = np.empty(d)
    first = np.empty(d, np.int64)
    last_cell = np.empty(d, np.int64)
    cur = np.empty(d, np.int64)
    h2 = bandwidth * bandwidth
    stop = 1e-3 * bandwidth
    modes = seeds.copy()
    intensity = np.zeros(n_seeds)
    n_iter = start_iter.copy()
    x = np.empty(d)
    x3 = np.zeros(3)
    acc = np.zeros(3) if cols else np.empty(d)
    visits = 0
    queries = 0
    n_done = 0
    for i in range(n_seeds):
        for k in range(d):
            x[k] = seeds[i, k]
        it = start_iter[i]
        within = 0.0
        starting = query_cost
        while True:
            runs, rows = ball_runs(x, bandwidth, cell, n, origin, dims, strides, table,
                                   keys, starts, lo, hi, pos, first, last_cell, cur)
            cost = starting + query_cost + rows * lookup
            for t in range(runs):
                cost += point_cost * (hi[t] - lo[t])
            if queries > 0 and n_done >= min_done and visits + cost > budget:
                for k in range(d):
                    modes[i, k] = x[k]
                n_iter[i] = it
                return modes, intensity, n_iter, visits, n_done, n_done + (starting == 0)
            visits += cost
            queries += 1
            starting = 0
            if cols:
                for k in range(d):
                    x3[k] = x[k]
                if kernel == FLAT:
                    acc[0], acc[1], acc[2], total = flat_sums3(
                        xyz[0], xyz[1], xyz[2], wts, lo, hi, runs, x3[0], x3[1], x3[2], h2)
                    within = total
                else:
                    acc[0], acc[1], acc[2], total, within = smooth_sums3(
                        xyz[0], xyz[1], xyz[2], wts, lo, hi, runs, x3[0], x3[1], x3[2], h2,
                        kernel)
            else:
                total, within = window_sums(pts, wts, lo, hi, runs, x, h2, kernel, acc)
            if not total > 0.0:
                within = 0.0  # nothing to take a mean of: scikit-learn drops the seed
                break
            shift2 = 0.0
            for k in range(d):
                v = acc[k] / total
                u = v - x[k]
                shift2 += u * u
                x[k] = v
            if math.sqrt(shift2) <= stop or it >= max_iter:
                break
            it += 1
        for k in range(d):
            modes[i, k] = x[k]
        intensity[i] = within
        n_iter[i] = it
        n_done += 1
    return modes, intensity, n_iter, visits, n_done, n_done


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
    # A query reads 3^(D-1) runs, but a grid is only built for a few dimensions: without
    # one there is nothing to hold (3^(D-1) overflows past 40 dimensions).
    lo = np.empty(3 ** max(d - 1, 0) if use_grid else 1, np.int64)
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
    group, first = group_rows(bins)
    m = first.size
    out = np.empty((m, d))
    total = np.zeros(m)
    for t in range(m):
        for k in range(d):
            out[t, k] = bins[first[t], k]
    for i in range(n):
        total[group[i]] += weights[i]
    return out, total
