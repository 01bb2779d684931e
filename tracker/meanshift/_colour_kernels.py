"""Numba kernels of the colour model: quantisation, kernel histograms, back-projection.

Every kernel takes and returns plain arrays; ``colour.py`` validates and holds state.
A bin map is an int32 image of flat histogram bin indices, -1 where a pixel is masked.
"""

import numpy as np
from .._numba import njit


@njit(cache=True, nogil=True)
def quantize(image, nbins, ranges, lows, lut, out):
    """Flat joint-histogram bin index of every pixel of a 3-channel uint8 image.

    Channel c falls into ``floor(v * nbins[c] / ranges[c])`` (clipped to the last bin),
    the same uniform binning ``cv2.calcHist`` uses. A pixel whose channel c is below
    ``lows[c]`` is masked (-1), like the saturation/value mask of OpenCV's CamShift demo.
    ``lut`` is a (3, 256) int32 scratch array for the per-channel tables.
    """
    bin_tables(nbins, ranges, lows, lut)
    return lookup_bins(image, lut, out)


@njit(cache=True, nogil=True)
def bin_tables(nbins, ranges, lows, lut):
    """`quantize`'s per-channel tables, in ``lut`` (3, 256) int32: each value's bin times
    the channel's stride, a masked value far below zero. A pixel's bin is then the sum of
    three lookups (any masked channel makes it negative, clipped to -1), with no division
    and no branch (`lookup_bins`)."""
    strides = (nbins[1] * nbins[2], nbins[2], 1)
    masked = -(1 << 24)
    for c in range(3):
        a = nbins[c] / ranges[c]
        for v in range(256):
            if v < lows[c]:
                lut[c, v] = masked
            else:
                b = int(np.floor(v * a))
                lut[c, v] = min(b, nbins[c] - 1) * strides[c]
    return lut


@njit(cache=True, nogil=True)
def lookup_bins(image, lut, out):
    """The bin map of a 3-channel uint8 image through the tables of `bin_tables`."""
    h, w = image.shape[0], image.shape[1]
    lut0, lut1, lut2 = lut[0], lut[1], lut[2]
    for y in range(h):
        for x in range(w):
            out[y, x] = max(lut0[image[y, x, 0]] + lut1[image[y, x, 1]] + lut2[image[y, x, 2]], -1)
    return out


@njit(cache=True, nogil=True)
def lut_project(bin_map, table, out):
    """Back-projection: ``out = table[bin_map]``, 0 where the bin map is masked."""
    h, w = bin_map.shape
    for y in range(h):
        for x in range(w):
            b = bin_map[y, x]
            out[y, x] = table[b] if b >= 0 else 0.0
    return out


@njit(cache=True, nogil=True)
def lut_moments(bin_map, table, x0, y0, x1, y1):
    """Raw moments m00, m10, m01, m20, m11, m02 of the back-projection ``table[bin_map]``
    (0 where masked) over ``[y0:y1, x0:x1]``, clipped to the map, without making the
    weight image: `lut_project` then `window_moments` in one pass."""
    h, w = bin_map.shape
    x0 = max(x0, 0)
    y0 = max(y0, 0)
    x1 = min(x1, w)
    y1 = min(y1, h)
    m00 = m10 = m01 = m20 = m11 = m02 = 0.0
    for y in range(y0, y1):
        r00 = r10 = r20 = 0.0
        for x in range(x0, x1):
            b = bin_map[y, x]
            if b >= 0:
                v = table[b]
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


#: Bins per block of a histogram's occupancy marks (2 ** BLOCK_SHIFT). A target's colours
#: fill a hundred or a few hundred of 4096 bins, in about fifty blocks of 16 (a small
#: target on the benchmark clip: 114 bins in 48 blocks; 22 blocks of 64, which left the
#: kernels 1 us slower): the passes that follow a histogram's filling (normalising it,
#: scoring it) visit the marked blocks only, not all 4096 bins.
BLOCK_SHIFT = 4
BLOCK = 1 << BLOCK_SHIFT


@njit(cache=True, nogil=True)
def block_marks(size):
    """A scratch array of block marks for a histogram of ``size`` bins, to hand to
    `kernel_histogram`, `kernel_score` and `ring_histogram` call after call."""
    return np.zeros((size + BLOCK - 1) // BLOCK, np.bool_)


@njit(cache=True, nogil=True)
def _cleared_marks(size, marks):
    """``marks`` cleared, or a new array when None was given (a one-off call)."""
    if marks is None:
        return block_marks(size)
    marks[:] = False
    return marks


@njit(cache=True, nogil=True)
def _fill_kernel_histogram(bin_map, cx, cy, half_w, half_h, theta, hist, marks):
    """`kernel_histogram`'s weights added to the zeroed ``hist``, unnormalised, and the
    block of every bin touched marked in ``marks``; returns the total weight."""
    h, w = bin_map.shape
    cs, sn = np.cos(theta), np.sin(theta)
    # Bounding box of the rotated ellipse.
    ex = np.sqrt((half_w * cs) ** 2 + (half_h * sn) ** 2)
    ey = np.sqrt((half_w * sn) ** 2 + (half_h * cs) ** 2)
    x0 = max(int(np.floor(cx - ex)), 0)
    x1 = min(int(np.ceil(cx + ex)) + 1, w)
    y0 = max(int(np.floor(cy - ey)), 0)
    y1 = min(int(np.ceil(cy + ey)) + 1, h)
    inv_w = 1.0 / half_w
    inv_h = 1.0 / half_h
    total = 0.0
    if theta == 0.0:
        # An upright box (the usual case): u = dx / half_w and v = dy / half_h exactly
        # (cos 0 = 1, sin 0 = 0), so the row's term is reckoned once per row.
        for y in range(y0, y1):
            v = (y - cy) * inv_h
            vv = v * v
            for x in range(x0, x1):
                u = (x - cx) * inv_w
                r2 = u * u + vv
                if r2 < 1.0:
                    b = bin_map[y, x]
                    if b >= 0:
                        k = 1.0 - r2
                        hist[b] += k
                        total += k
                        marks[b >> BLOCK_SHIFT] = True
        return total
    for y in range(y0, y1):
        dy = y - cy
        for x in range(x0, x1):
            dx = x - cx
            u = (dx * cs + dy * sn) * inv_w
            v = (dy * cs - dx * sn) * inv_h
            r2 = u * u + v * v
            if r2 < 1.0:
                b = bin_map[y, x]
                if b >= 0:
                    k = 1.0 - r2
                    hist[b] += k
                    total += k
                    marks[b >> BLOCK_SHIFT] = True
    return total


@njit(cache=True, nogil=True)
def _normalise_marked(hist, total, marks):
    """``hist /= total`` on the marked blocks (the others hold zeros only)."""
    for block in range(marks.shape[0]):
        if marks[block]:
            for i in range(block * BLOCK, min((block + 1) * BLOCK, hist.shape[0])):
                hist[i] /= total


@njit(cache=True, nogil=True)
def kernel_histogram(bin_map, cx, cy, half_w, half_h, theta, hist, marks=None):
    """Epanechnikov-weighted histogram of the ellipse inscribed in a rotated box.

    A pixel centre at offset (dx, dy) from (cx, cy) has box coordinates
    u = dx cos(theta) + dy sin(theta), v = -dx sin(theta) + dy cos(theta); if
    r^2 = (u/half_w)^2 + (v/half_h)^2 < 1 it adds 1 - r^2 to its bin, so the rim,
    where background leaks in, counts least. ``hist`` is zeroed, filled and
    normalised to sum 1 (left zero if nothing counted). Returns the total weight.
    ``marks``: scratch from `block_marks` for a caller that runs it every frame.
    """
    hist[:] = 0.0
    marks = _cleared_marks(hist.shape[0], marks)
    total = _fill_kernel_histogram(bin_map, cx, cy, half_w, half_h, theta, hist, marks)
    if total > 0.0:
        _normalise_marked(hist, total, marks)
    return total


@njit(cache=True, nogil=True)
def kernel_score(bin_map, cx, cy, half_w, half_h, theta, hist, q, marks=None):
    """`kernel_histogram` into ``hist`` and its Bhattacharyya coefficient with ``q``,
    ``bhattacharyya(hist, q)``, summed as the histogram is normalised: one pass over the
    marked blocks instead of two over every bin. Bit for bit the separate calls' result."""
    hist[:] = 0.0
    marks = _cleared_marks(hist.shape[0], marks)
    total = _fill_kernel_histogram(bin_map, cx, cy, half_w, half_h, theta, hist, marks)
    s = 0.0
    if total > 0.0:
        for block in range(marks.shape[0]):
            if marks[block]:
                for i in range(block * BLOCK, min((block + 1) * BLOCK, hist.shape[0])):
                    p = hist[i] / total
                    hist[i] = p
                    if p > 0.0:
                        s += np.sqrt(p * q[i])
    return s


@njit(cache=True, nogil=True)
def binned_scores(image, tables, cx, cy, half_w, half_h, theta, bins, hist, q, marks, out):
    """The `kernel_score` of one box of ``image`` binned through each of ``tables`` (k x 3
    x 256, `bin_tables`) in turn, into ``out[k]``: a brightness probe's gains in one call
    rather than a bin map and a score per gain, each from Python. ``bins`` (the image's
    height x width, int32) is scratch; ``hist`` is left holding the last binning's
    histogram. Bit for bit `lookup_bins` then `kernel_score`."""
    for k in range(tables.shape[0]):
        lookup_bins(image, tables[k], bins)
        out[k] = kernel_score(bins, cx, cy, half_w, half_h, theta, hist, q, marks)
    return out


@njit(cache=True, nogil=True)
def _count_bins(row, x0, x1, step, counts, marks):
    """Add the bins of ``row[x0:x1:step]`` (masked ones left out) to ``counts`` and mark
    their blocks; returns how many were counted."""
    n = 0
    for x in range(x0, x1, step):
        b = row[x]
        if b >= 0:
            counts[b] += 1
            marks[b >> BLOCK_SHIFT] = True
            n += 1
    return n


@njit(cache=True, nogil=True)
def ring_histogram(bin_map, outer_x0, outer_y0, outer_x1, outer_y1,
                   inner_x0, inner_y0, inner_x1, inner_y1, hist, step=1, marks=None, counts=None):
    """Plain histogram of the pixels inside the outer box but outside the inner one.

    Boxes are half-open integer ranges, clipped to the map. Only every ``step``-th
    pixel of every ``step``-th row counts (from the outer box's corner): a background
    model needs a fair sample, not every pixel. ``hist`` is zeroed, filled and
    normalised to sum 1. Returns the pixel count. ``marks`` as in `kernel_histogram`;
    ``counts``, int32 scratch of ``hist``'s size, all zero, is left all zero.
    """
    hist[:] = 0.0
    h, w = bin_map.shape
    outer_x0 = max(outer_x0, 0)
    outer_y0 = max(outer_y0, 0)
    outer_x1 = min(outer_x1, w)
    outer_y1 = min(outer_y1, h)
    marks = _cleared_marks(hist.shape[0], marks)
    if counts is None:
        counts = np.zeros(hist.shape[0], np.int32)
    # Counted in integers, each row in two runs of columns (left and right of the inner
    # box) with no test per pixel but the mask's: the counts are whole numbers either
    # way, so the histogram is the same as adding 1.0 per pixel. Background alternates
    # between bins: a per-pixel test of where the box is, or of whether the bin changed
    # (to keep a run of one bin in a register), is a branch the processor mispredicts
    # (the dev set's traffic clip, a 640x480 small target's ring: 15.6 us with those
    # tests, 7.8 us without).
    count = 0
    for y in range(outer_y0, outer_y1, step):
        row = bin_map[y]
        left_end = right_start = outer_x1       # outside the inner box's rows: the whole row
        if inner_y0 <= y < inner_y1:
            left_end = min(max(inner_x0, outer_x0), outer_x1)
            # The first column of the step grid at or past both the inner box's right
            # edge and where the left run ended (the box may be empty, or lie wholly
            # left of the outer one).
            resume = max(inner_x1, left_end) - outer_x0
            right_start = outer_x0 + (resume + step - 1) // step * step
        count += _count_bins(row, outer_x0, left_end, step, counts, marks)
        count += _count_bins(row, right_start, outer_x1, step, counts, marks)
    if count > 0:
        for block in range(marks.shape[0]):
            if marks[block]:
                for i in range(block * BLOCK, min((block + 1) * BLOCK, hist.shape[0])):
                    hist[i] = counts[i] / count
                    counts[i] = 0
    return float(count)


@njit(cache=True, nogil=True)
def bhattacharyya(p, q):
    """Bhattacharyya coefficient sum(sqrt(p*q)) of two normalised histograms."""
    s = 0.0
    for i in range(p.shape[0]):
        # Candidate histograms are sparse; skipping their empty bins skips most sqrts.
        if p[i] > 0.0:
            s += np.sqrt(p[i] * q[i])
    return s



@njit(cache=True, nogil=True)
def blend_into(model, sample, rate):
    """``model = (1 - rate) * model + rate * sample`` in place (running histogram update)."""
    keep = 1.0 - rate
    for i in range(model.shape[0]):
        model[i] = keep * model[i] + rate * sample[i]


@njit(cache=True, nogil=True)
def ratio_table(q, b, rho, table):
    """Back-projection table ``q / (q + rho * b)``: P(target | colour) given a target
    histogram q, a background histogram b and the background's area relative to the
    target's (rho). Returns the mean weight of a target pixel (sum q * table) and of a
    background pixel (sum b * table).
    """
    target = background = 0.0
    for i in range(q.shape[0]):
        if q[i] == 0.0:
            # Most bins: the weight is 0, and so is what they add to the sums (skipping
            # the division leaves the table and the sums bit for bit as they were).
            table[i] = 0.0
            continue
        t = q[i] / (q[i] + rho * b[i] + 1e-12)
        table[i] = t
        target += q[i] * t
        background += b[i] * t
    return target, background
