"""Numba kernels of a uniform grid for fixed-radius neighbour queries over N x D points.

Points are sorted by the linear key of their cell, so the cells of one row along the
last dimension are one contiguous run of the sorted array. A query with cells as large
as its radius reads at most 3^(D-1) runs (one per row of its 3^D block of cells,
``neighbour_runs``); with cells a fraction of the radius it reads only the rows and
cells that reach the ball (``ball_runs``), which for dense data visits a few times fewer
points. Also here: ``group_rows``, equal rows grouped in one pass of a hash table. Used
by ``_cluster_kernels``.

The code avoids NumPy's sorting, searching and fancy indexing inside numba: their
implementations take seconds to compile, a few explicit loops do not.
"""

import math

import numpy as np
from .._numba import njit

# A point within distance r of a query lies at most one cell away in every dimension only
# if rounding in (x - origin) / cell cannot push it two cells away. That rounding is
# below 2^-51 cells per cell of coordinate, so with at most 2^31 cells per dimension,
# cells 1e-6 wider than r make it impossible.
CELL_MARGIN = 1.0 + 1e-6
_MAX_CELLS_PER_DIM = 2.0 ** 31
_MAX_CELLS = 2.0 ** 62   # linear cell keys must fit in int64
_MAX_GRID_DIMS = 6       # 3^D cells per query: past this a scan of all points is cheaper
_MIN_GRID_POINTS = 48    # below this too
_DENSE_TABLE_CELLS = 1 << 18  # up to here (or 4 per point) a dense table beats binary search
# Rounding in a position measured in cells, (x - origin) / cell, is below 2^-20 cells with
# at most 2^31 cells per dimension (see CELL_MARGIN); ball_runs widens every bound by
# ten times that, so rounding can never leave out a cell that holds a point in reach.
_SLACK_CELLS = 1e-5
MAX_CELLS_PER_RADIUS = 4      # finer cells cost more runs per query than they save


@njit(cache=True, nogil=True)
def argsort(keys):
    """Stable argsort (bottom-up merge sort); a few lines that compile much faster than
    numba's ``np.argsort(kind="mergesort")``."""
    n = keys.size
    idx = np.arange(n)
    tmp = np.empty(n, np.int64)
    width = 1
    while width < n:
        for lo in range(0, n, 2 * width):
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            i = lo
            j = mid
            for k in range(lo, hi):
                if i < mid and (j >= hi or not keys[idx[j]] < keys[idx[i]]):
                    tmp[k] = idx[i]
                    i += 1
                else:
                    tmp[k] = idx[j]
                    j += 1
        idx, tmp = tmp, idx
        width *= 2
    return idx


@njit(cache=True, nogil=True)
def build_grid(points, cell):
    """Bucket ``points`` into cubic cells of side ``cell``.

    Returns ``(order, origin, dims, strides, table, keys, starts)``: ``order`` sorts the
    points by cell key (stably); ``dims`` is empty when no grid pays (few points, many
    dimensions, a grid too large to index), and queries then scan every point. ``table``
    holds, for every cell key, the number of points in cells of smaller key; when the
    grid has too many cells for it, it is empty and ``keys`` (sorted occupied keys) with
    ``starts`` (their first positions in ``order``, then N) are binary-searched instead.
    """
    n, d = points.shape
    empty = np.empty(0, np.int64)
    if n == 0:
        return np.arange(0), np.zeros(d), empty, empty, empty, empty, empty
    origin = np.empty(d)
    top = np.empty(d)
    for k in range(d):
        origin[k] = points[0, k]
        top[k] = points[0, k]
    for i in range(1, n):
        for k in range(d):
            v = points[i, k]
            if v < origin[k]:
                origin[k] = v
            elif v > top[k]:
                top[k] = v
    brute = n < _MIN_GRID_POINTS or d > _MAX_GRID_DIMS
    total = 1.0
    dims = np.empty(d, np.int64)
    for k in range(d):
        ext = np.floor((top[k] - origin[k]) / cell) + 1.0
        total *= ext
        if ext > _MAX_CELLS_PER_DIM or total > _MAX_CELLS:
            brute = True
            break
        dims[k] = np.int64(ext)
    if brute:
        return np.arange(n), origin, empty, empty, empty, empty, empty
    strides = np.empty(d, np.int64)
    strides[d - 1] = 1
    for k in range(d - 2, -1, -1):
        strides[k] = strides[k + 1] * dims[k + 1]
    key = np.empty(n, np.int64)
    for i in range(n):
        s = 0
        for k in range(d):
            c = min(np.int64(np.floor((points[i, k] - origin[k]) / cell)), dims[k] - 1)
            s += c * strides[k]
        key[i] = s
    n_cells = np.int64(total)
    if n_cells <= max(4 * n, _DENSE_TABLE_CELLS):
        table = np.zeros(n_cells + 1, np.int64)
        for i in range(n):
            table[key[i] + 1] += 1
        for c in range(n_cells):
            table[c + 1] += table[c]
        order = np.empty(n, np.int64)  # counting sort: stable, O(N)
        fill = table.copy()
        for i in range(n):
            order[fill[key[i]]] = i
            fill[key[i]] += 1
        return order, origin, dims, strides, table, empty, empty
    order = argsort(key)
    m = 0
    keys = np.empty(n, np.int64)
    starts = np.empty(n + 1, np.int64)
    for j in range(n):
        kj = key[order[j]]
        if m == 0 or kj != keys[m - 1]:
            keys[m] = kj
            starts[m] = j
            m += 1
    starts[m] = n
    return order, origin, dims, strides, empty, keys[:m], starts[:m + 1]


@njit(cache=True, nogil=True)
def lookup_cost(table, keys):
    """Steps of one ``_cell_start``: 1 with the dense table, else a binary search's."""
    if table.size > 0:
        return 1
    steps = 1
    while (1 << steps) <= keys.size:
        steps += 1
    return steps


@njit(cache=True, nogil=True)
def _cell_start(key, table, keys, starts):
    """Position in ``order`` of the first point whose cell key is >= ``key``."""
    if table.size > 0:
        return table[key]
    lo = 0
    hi = keys.size
    while lo < hi:  # first occupied key >= key
        mid = (lo + hi) // 2
        if keys[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return starts[lo]


@njit(cache=True, nogil=True)
def neighbour_runs(q, cell, n, origin, dims, strides, table, keys, starts, lo, hi, cq, off):
    """Runs ``[lo[t], hi[t])`` of sorted positions holding every point within ``cell`` of
    ``q``: the 3^D block of cells around q's cell, one run per row of the last dimension,
    in increasing key order. Returns the number of runs. ``cq`` and ``off`` are scratch."""
    d = q.shape[0]
    if dims.size == 0:
        lo[0] = 0
        hi[0] = n
        return 1
    for k in range(d):
        c = np.floor((q[k] - origin[k]) / cell)
        if c < -1.0 or c > dims[k]:
            return 0  # no cell of the block holds points
        cq[k] = np.int64(c)
    last = d - 1
    a = max(cq[last] - 1, 0)
    b = min(cq[last] + 1, dims[last] - 1)
    if a > b:
        return 0
    for k in range(last):
        off[k] = -1
    m = 0
    while True:
        inside = True
        base = 0
        for k in range(last):
            c = cq[k] + off[k]
            if c < 0 or c >= dims[k]:
                inside = False
                break
            base += c * strides[k]
        if inside:
            s = _cell_start(base + a, table, keys, starts)
            e = _cell_start(base + b + 1, table, keys, starts)
            if e > s:
                lo[m] = s
                hi[m] = e
                m += 1
        k = last - 1  # odometer over the offsets of the first D-1 dimensions
        while k >= 0:
            off[k] += 1
            if off[k] <= 1:
                break
            off[k] = -1
            k -= 1
        if k < 0:
            return m


@njit(cache=True, nogil=True)
def cells_per_radius(points, radius):
    """How many grid cells to a radius suit ``ball_runs`` on these points.

    Finer cells fit the ball more tightly but cost more runs per query; they pay when a
    cell as large as the radius would hold many points. The density is judged over the
    points' bounding box, which for clustered data underestimates it (the safe side).
    """
    n, d = points.shape
    if d > 3 or n == 0:
        return 1   # (2m+3)^(D-1) runs per query outgrow the savings
    cells = 1.0
    for k in range(d):
        lo = points[0, k]
        hi = points[0, k]
        for i in range(1, n):
            v = points[i, k]
            if v < lo:
                lo = v
            elif v > hi:
                hi = v
        cells *= max(1.0, (hi - lo) / radius)
    per_cell = n / cells
    m = 1
    # Splitting a cell into m^D leaves at least two points a fine cell on average.
    while m < MAX_CELLS_PER_RADIUS and per_cell >= 2.0 * (m + 1) ** d:
        m += 1
    return m


@njit(cache=True, nogil=True)
def ball_runs(q, radius, cell, n, origin, dims, strides, table, keys, starts, lo, hi,
              pos, first, last_cell, cur):
    """Runs ``[lo[t], hi[t])`` of sorted positions holding every point within ``radius``
    of ``q``, on a grid of any cell size: for each row of cells (along the last
    dimension) that comes within ``radius`` of ``q``, the stretch of it that does, as one
    run. Returns the number of runs and the number of rows looked up in the table (each
    two lookups; a cost of the query). ``lo`` and ``hi`` need room for
    ``(2 * ceil(radius / cell) + 3) ** (D - 1)`` runs; ``pos``, ``first``, ``last_cell``
    and ``cur`` (D each) are scratch.
    """
    d = q.shape[0]
    if dims.size == 0:
        lo[0] = 0
        hi[0] = n
        return 1, 0
    reach = radius / cell + _SLACK_CELLS          # in cells
    last = d - 1
    for k in range(d):
        pos[k] = (q[k] - origin[k]) / cell
    for k in range(last):
        a = max(np.floor(pos[k] - reach), 0.0)
        b = min(np.floor(pos[k] + reach), dims[k] - 1.0)
        if a > b:
            return 0, 0        # the ball misses the grid (also guards the int conversion)
        first[k] = np.int64(a)
        last_cell[k] = np.int64(b)
        cur[k] = first[k]
    reach2 = reach * reach
    m = 0
    rows = 0
    while True:
        gap2 = 0.0
        base = 0
        for k in range(last):
            c = cur[k]
            # Distance from q to the cell's slab [c, c + 1] in this dimension.
            gap = max(c - pos[k], pos[k] - (c + 1.0), 0.0)
            gap2 += gap * gap
            base += c * strides[k]
        if gap2 <= reach2:
            ext = math.sqrt(reach2 - gap2)
            a = max(np.floor(pos[last] - ext), 0.0)
            b = min(np.floor(pos[last] + ext), dims[last] - 1.0)
            if a <= b:
                rows += 1
                s = _cell_start(base + np.int64(a), table, keys, starts)
                e = _cell_start(base + np.int64(b) + 1, table, keys, starts)
                if e > s:
                    lo[m] = s
                    hi[m] = e
                    m += 1
        k = last - 1  # odometer over the cells of the first D-1 dimensions
        while k >= 0:
            cur[k] += 1
            if cur[k] <= last_cell[k]:
                break
            cur[k] = first[k]
            k -= 1
        if k < 0:
            return m, rows


@njit(cache=True, nogil=True)
def _mix(h, bits):
    """One step of a multiplicative hash over 64-bit words (wrapping int64 arithmetic)."""
    h = (h ^ bits) * 0x100000001B3
    return h ^ (h >> 29)


@njit(cache=True, nogil=True)
def group_rows(values):
    """Number the distinct rows of ``values`` in order of first occurrence, as the keys of
    a Python dict of their tuples would be (so -0.0 and 0.0 are one value).

    Returns ``(group, first)``: the group of every row, and the first row of each group.
    One pass with an open-addressing hash table: O(N), where sorting the rows took a few
    times longer on large inputs.
    """
    n, d = values.shape
    size = 16
    while size < 2 * n:
        size *= 2
    slot_group = np.full(size, -1, np.int64)
    group = np.empty(n, np.int64)
    first = np.empty(n, np.int64)
    word = np.empty(1)
    bits = word.view(np.int64)
    n_groups = 0
    for i in range(n):
        h = 0
        for k in range(d):
            word[0] = values[i, k] + 0.0   # -0.0 + 0.0 is 0.0: equal values, equal bits
            h = _mix(h, bits[0])
        s = h & (size - 1)
        while True:
            g = slot_group[s]
            if g < 0:
                slot_group[s] = n_groups
                first[n_groups] = i
                group[i] = n_groups
                n_groups += 1
                break
            j = first[g]
            same = True
            for k in range(d):
                if values[i, k] != values[j, k]:
                    same = False
                    break
            if same:
                group[i] = g
                break
            s = (s + 1) & (size - 1)
    return group, first[:n_groups]
