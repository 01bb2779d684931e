"""Numba kernels of the mean shift iteration on a weight image."""

import math

import numpy as np
from .._numba import njit


@njit(cache=True, nogil=True)
def _window_origin(c, size, limit):
    """Origin of a ``size``-pixel window centred at ``c`` (pixel centres at integers),
    kept inside [0, limit)."""
    o = int(np.rint(c - (size - 1) * 0.5))
    if o + size > limit:
        o = limit - size
    if o < 0:
        o = 0
    return o


@njit(cache=True, nogil=True)
def window_moments(weights, x0, y0, x1, y1):
    """Raw moments m00, m10, m01, m20, m11, m02 of ``weights[y0:y1, x0:x1]``.

    Coordinates are those of the whole image (pixel centres at integers); the window
    is clipped to the image.
    """
    h, w = weights.shape
    x0 = max(x0, 0)
    y0 = max(y0, 0)
    x1 = min(x1, w)
    y1 = min(y1, h)
    m00 = m10 = m01 = m20 = m11 = m02 = 0.0
    for y in range(y0, y1):
        r00 = r10 = r20 = 0.0
        for x in range(x0, x1):
            v = weights[y, x]
            r00 += v
            r10 += v * x
            r20 += v * x * x
        m00 += r00
        m10 += r10
        m01 += r00 * y
        m20 += r20
        m11 += r10 * y
        m02 += r00 * y * y
    return m00, m10, m01, m20, m11, m02


@njit(cache=True, nogil=True)
def centroid_iterate(weights, cx, cy, win_w, win_h, eps, max_iter, bias=0.0):
    """Mean shift with a flat window: move the window to its weighted centroid.

    The window (``win_w`` x ``win_h`` whole pixels, first centred on (cx, cy)) is kept
    inside the image, as ``cv2.meanShift`` does. Each iteration measures the centroid
    of the window and moves the window to ``rint(centroid - (size - 1) / 2 - bias)``;
    it stops after a move shorter than ``eps`` pixels (with ``eps <= 1``: when the window
    stops moving), after ``max_iter`` iterations, or when the window holds no weight.
    The tracker uses ``bias=0``; ``bias=0.5`` is ``cv2.meanShift``'s arithmetic, which
    subtracts half the window size from a centroid measured at pixel centres, so its
    window creeps up and left where the weights are flat.

    Returns the last centroid measured (a sub-pixel centre), the final window's origin,
    the iterations before the stopping one (OpenCV's count) and the last window's
    weight (m00).
    """
    h, w = weights.shape
    win_w = max(1, min(win_w, w))
    win_h = max(1, min(win_h, h))
    eps2 = eps * eps
    x0 = _window_origin(cx, win_w, w)
    y0 = _window_origin(cy, win_h, h)
    m00 = 0.0
    it = 0
    while it < max_iter:
        m00, m10, m01, _, _, _ = window_moments(weights, x0, y0, x0 + win_w, y0 + win_h)
        if m00 <= 1e-12:
            break
        # The window cannot leave the image, so its centre stays where a window fits.
        cx = min(max(m10 / m00, (win_w - 1) * 0.5), w - 1 - (win_w - 1) * 0.5)
        cy = min(max(m01 / m00, (win_h - 1) * 0.5), h - 1 - (win_h - 1) * 0.5)
        # Rounding the offset (not the position) is what cv2.meanShift does.
        nx0 = min(max(x0 + int(np.rint(cx - x0 - (win_w - 1) * 0.5 - bias)), 0), w - win_w)
        ny0 = min(max(y0 + int(np.rint(cy - y0 - (win_h - 1) * 0.5 - bias)), 0), h - win_h)
        moved2 = (nx0 - x0) * (nx0 - x0) + (ny0 - y0) * (ny0 - y0)
        x0, y0 = nx0, ny0
        if moved2 < eps2 or moved2 == 0:
            break
        it += 1
    return cx, cy, x0, y0, it, m00


@njit(cache=True, nogil=True)
def summed_area(weights, integral):
    """Fill ``integral`` ((H+1) x (W+1) float64) with the summed-area table of ``weights``:
    ``integral[y, x]`` is the sum of ``weights[:y, :x]``."""
    h, w = weights.shape
    for x in range(w + 1):
        integral[0, x] = 0.0
    # Two rows at a time: a row's running sum is a chain of dependent additions, and two
    # chains run side by side in about the time of one. Every entry is the same sums in
    # the same order as one row at a time (the table is bit for bit the same).
    y = 0
    while y + 1 < h:
        integral[y + 1, 0] = 0.0
        integral[y + 2, 0] = 0.0
        row0 = 0.0
        row1 = 0.0
        for x in range(w):
            row0 += weights[y, x]
            row1 += weights[y + 1, x]
            above = integral[y, x + 1] + row0
            integral[y + 1, x + 1] = above
            integral[y + 2, x + 1] = above + row1
        y += 2
    if y < h:
        integral[y + 1, 0] = 0.0
        row = 0.0
        for x in range(w):
            row += weights[y, x]
            integral[y + 1, x + 1] = integral[y, x + 1] + row
    return integral


@njit(cache=True, nogil=True)
def _origins_in_reach(origin, reach, last):
    """The window origins, among 0..``last``, at most ``reach`` from ``origin`` (all of
    them for a negative reach; the nearest one if none is): (first, last)."""
    if reach < 0.0:
        return 0, last
    lo = max(int(math.ceil(origin - reach)), 0)
    hi = min(int(math.floor(origin + reach)), last)
    if lo > hi:
        lo = hi = min(max(int(round(origin)), 0), last)
    return lo, hi


#: Window origins per block side in `densest_window`'s bounded scan.
DENSEST_BLOCK = 4


@njit(cache=True, nogil=True, inline="always")
def _rect_sum(integral, x0, y0, x1, y1):
    """The weight in columns x0..x1 - 1 and rows y0..y1 - 1, from the summed-area table."""
    return integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]


@njit(cache=True, nogil=True)
def densest_window(weights, win_w, win_h, integral, cx=0.0, cy=0.0, reach_x=-1.0, reach_y=-1.0):
    """Centre of the ``win_w`` x ``win_h`` window holding the most weight.

    A summed-area table (``integral``, at least (H+1) x (W+1) float64, reused by the
    caller) makes this one pass over the image whatever the window size: the start
    for mean shift when the target has jumped out of reach of the last window. The table
    always covers the whole image; with ``reach_x``, ``reach_y`` >= 0 only windows whose
    centre is at most that far from (``cx``, ``cy``) on each axis are considered (those
    nearest it if none is).

    The weights must not be negative (P(target | colour) is not; the `Cue` protocol's
    weights are 0..1): the window origins are taken in blocks of `DENSEST_BLOCK` x
    `DENSEST_BLOCK`, and the rectangle that spans all of a block's windows holds at least
    the weight of each of them, so a block whose rectangle holds clearly less than a
    window already seen is skipped. The windows left are summed with the table as a full
    scan would, and ties go to the first in row-major order, as in a full scan: the same
    centre and sum. "Clearly": by more than the rounding of the sums, which are
    differences of the table's entries, each off by at most (h + w) float64 epsilons of
    the table's total; with large weights above a region of small ones that is more
    than the small windows' differences.
    """
    h, w = weights.shape
    win_w = max(1, min(win_w, w))
    win_h = max(1, min(win_h, h))
    summed_area(weights, integral)
    x_lo, x_hi = _origins_in_reach(cx - (win_w - 1) * 0.5, reach_x, w - win_w)
    y_lo, y_hi = _origins_in_reach(cy - (win_h - 1) * 0.5, reach_y, h - win_h)
    block = DENSEST_BLOCK
    # A floor: the largest of one window per block (its first). The densest window's
    # block holds at least the floor, so it is never skipped.
    floor = -1.0
    for y in range(y_lo, y_hi + 1, block):
        for x in range(x_lo, x_hi + 1, block):
            floor = max(floor, _rect_sum(integral, x, y, x + win_w, y + win_h))
    # Less the rounding: a window sum and a block's span each read four entries, each
    # off by at most (h + w + 2) epsilons of the total (the table's last entry).
    floor -= 8.0 * (h + w + 2) * 2.3e-16 * abs(integral[h, w])
    best = -1.0
    bx = by = 0
    for y0 in range(y_lo, y_hi + 1, block):
        y1 = min(y0 + block - 1, y_hi)
        for x0 in range(x_lo, x_hi + 1, block):
            x1 = min(x0 + block - 1, x_hi)
            span = _rect_sum(integral, x0, y0, x1 + win_w, y1 + win_h)
            if span < floor:
                continue
            for y in range(y0, y1 + 1):
                for x in range(x0, x1 + 1):
                    s = _rect_sum(integral, x, y, x + win_w, y + win_h)
                    # The first in row-major order wins a tie, as in a full scan.
                    if s > best or (s == best and (y < by or (y == by and x < bx))):
                        best = s
                        bx, by = x, y
    return bx + (win_w - 1) * 0.5, by + (win_h - 1) * 0.5, best


@njit(cache=True, nogil=True)
def _integral_at(integral, x, y):
    """The summed-area table at real coordinates, bilinearly: the weight of [0, x) x [0, y)
    with partial pixels counted by the fraction covered."""
    hh, ww = integral.shape
    x = min(max(x, 0.0), ww - 1.0)
    y = min(max(y, 0.0), hh - 1.0)
    ix = min(int(x), ww - 2)
    iy = min(int(y), hh - 2)
    fx = x - ix
    fy = y - iy
    top = integral[iy, ix] * (1 - fx) + integral[iy, ix + 1] * fx
    bottom = integral[iy + 1, ix] * (1 - fx) + integral[iy + 1, ix + 1] * fx
    return top * (1 - fy) + bottom * fy


@njit(cache=True, nogil=True)
def box_sum(integral, cx, cy, w, h):
    """Weight inside the axis-aligned ``w`` x ``h`` box centred at (cx, cy), in the pixel
    coordinates of the image the table was built from (pixel centres at integers),
    fractional edges included; the part outside the image counts zero."""
    x0, x1 = cx - w * 0.5 + 0.5, cx + w * 0.5 + 0.5
    y0, y1 = cy - h * 0.5 + 0.5, cy + h * 0.5 + 0.5
    return (_integral_at(integral, x1, y1) - _integral_at(integral, x0, y1)
            - _integral_at(integral, x1, y0) + _integral_at(integral, x0, y0))


@njit(cache=True, nogil=True)
def best_box_mean(integral, cx, cy, w, h, sizes):
    """The highest mean weight (`box_sum` over the area) of the ``w * f`` x ``h * f`` boxes
    centred at (cx, cy), for f in ``sizes``: one call for what was a Python loop of calls."""
    best = 0.0
    for k in range(sizes.shape[0]):
        f = sizes[k]
        mean = box_sum(integral, cx, cy, w * f, h * f) / max(w * h * f * f, 1e-9)
        if k == 0 or mean > best:
            best = mean
    return best


@njit(cache=True, nogil=True)
def best_box_size(weights, cx, cy, w, h, theta, factors, tau, cells):
    """The size, among ``w * fw`` x ``h * fh`` for fw, fh in ``factors`` (ascending), of
    the box centred at (cx, cy) and rotated by ``theta`` that maximises the weight it
    holds less ``tau`` per pixel.

    With weights P(target | colour) and ``tau`` between a background pixel's typical
    weight and a target pixel's, the best box takes in the pixels more likely target
    than not and leaves out the rest: a size estimate that neither balloons over
    background nor shrinks inside the target. One pass over the pixels: each pixel goes
    to the cell of the smallest box that holds it, and a 2-D running sum over the cells
    gives every box's objective. ``cells`` is (n, n) float64 scratch. Pixels outside the
    image count as neither. Returns (fw, fh, objective).
    """
    n = factors.shape[0]
    ih, iw = weights.shape
    cells[:, :] = 0.0
    cs, sn = np.cos(theta), np.sin(theta)
    hw = 0.5 * w * factors[n - 1]
    hh = 0.5 * h * factors[n - 1]
    ex = abs(hw * cs) + abs(hh * sn)
    ey = abs(hw * sn) + abs(hh * cs)
    x0 = max(int(np.floor(cx - ex)), 0)
    x1 = min(int(np.ceil(cx + ex)) + 1, iw)
    y0 = max(int(np.floor(cy - ey)), 0)
    y1 = min(int(np.ceil(cy + ey)) + 1, ih)
    if theta == 0.0:
        # An upright box (the usual case): a pixel's cell row j depends on its row of
        # pixels alone, and along the row its cell column i changes only at the box
        # edges, so each run of pixels in one cell is summed in a register (the same
        # additions in the same order as into the cell itself, without waiting on
        # memory for each one).
        for y in range(y0, y1):
            b = abs(y - cy)
            j = 0
            while j < n and b > 0.5 * h * factors[j]:
                j += 1
            if j == n:
                continue
            run_i = -1
            acc = 0.0
            for x in range(x0, x1):
                a = abs(x - cx)
                i = 0
                while i < n and a > 0.5 * w * factors[i]:
                    i += 1
                if i != run_i:
                    if run_i >= 0 and run_i < n:
                        cells[run_i, j] = acc
                    run_i = i
                    if i < n:
                        acc = cells[i, j]
                if i < n:
                    acc += weights[y, x] - tau
            if run_i >= 0 and run_i < n:
                cells[run_i, j] = acc
    else:
        for y in range(y0, y1):
            dy = y - cy
            for x in range(x0, x1):
                dx = x - cx
                a = abs(dx * cs + dy * sn)
                b = abs(dy * cs - dx * sn)
                i = 0
                while i < n and a > 0.5 * w * factors[i]:
                    i += 1
                if i == n:
                    continue
                j = 0
                while j < n and b > 0.5 * h * factors[j]:
                    j += 1
                if j == n:
                    continue
                cells[i, j] += weights[y, x] - tau
    best = -1e300
    bw = bh = 1.0
    for i in range(n):
        for j in range(n):
            # Objective of box (i, j): every cell it contains.
            if i > 0:
                cells[i, j] += cells[i - 1, j]
            if j > 0:
                cells[i, j] += cells[i, j - 1]
            if i > 0 and j > 0:
                cells[i, j] -= cells[i - 1, j - 1]
            if cells[i, j] > best:
                best = cells[i, j]
                bw = factors[i]
                bh = factors[j]
    return bw, bh, best


@njit(cache=True, nogil=True)
def densest_windows(weights, win_w, win_h, integral, count, out, sums):
    """Centres of up to ``count`` densest ``win_w`` x ``win_h`` windows that do not overlap
    one another (each next one is the densest clear of those already taken).

    Fills ``out`` ((count, 3) float64: cx, cy, weight) and returns how many were found;
    candidates for re-finding a lost target, which need not be the single densest spot.
    ``sums`` is float64 scratch of at least (h - win_h + 1) * (w - win_w + 1) entries:
    every window's weight is summed once there, and a window taken rules out (sets to -1)
    the windows that overlap it, so that each next one is a scan for the largest
    (the first of equals in row order, as scanning the sums of the clear windows is).
    """
    h, w = weights.shape
    win_w = max(1, min(win_w, w))
    win_h = max(1, min(win_h, h))
    summed_area(weights, integral)
    ny, nx = h - win_h + 1, w - win_w + 1
    grid = sums[:ny * nx].reshape(ny, nx)
    for y in range(ny):
        for x in range(nx):
            grid[y, x] = _rect_sum(integral, x, y, x + win_w, y + win_h)
    found = 0
    for n in range(count):
        best = 0.0
        bx = by = -1
        for y in range(ny):
            for x in range(nx):
                if grid[y, x] > best:
                    best = grid[y, x]
                    bx, by = x, y
        if bx < 0:
            break
        out[found, 0] = bx + (win_w - 1) * 0.5
        out[found, 1] = by + (win_h - 1) * 0.5
        out[found, 2] = best
        found += 1
        # The windows overlapping this one: centres less than a window apart on both axes.
        for y in range(max(by - win_h + 1, 0), min(by + win_h, ny)):
            for x in range(max(bx - win_w + 1, 0), min(bx + win_w, nx)):
                grid[y, x] = -1.0
    return found
