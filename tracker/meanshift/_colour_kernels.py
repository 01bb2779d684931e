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
    h, w = image.shape[0], image.shape[1]
    s0 = nbins[1] * nbins[2]
    s1 = nbins[2]
    # Per-channel lookup tables: 256 entries each, so the pixel loop has no division.
    for c in range(3):
        a = nbins[c] / ranges[c]
        for v in range(256):
            if v < lows[c]:
                lut[c, v] = -1
            else:
                b = int(np.floor(v * a))
                lut[c, v] = min(b, nbins[c] - 1)
    for y in range(h):
        for x in range(w):
            b0 = lut[0, image[y, x, 0]]
            b1 = lut[1, image[y, x, 1]]
            b2 = lut[2, image[y, x, 2]]
            if b0 < 0 or b1 < 0 or b2 < 0:
                out[y, x] = -1
            else:
                out[y, x] = b0 * s0 + b1 * s1 + b2
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


@njit(cache=True, nogil=True)
def kernel_histogram(bin_map, cx, cy, half_w, half_h, theta, hist):
    """Epanechnikov-weighted histogram of the ellipse inscribed in a rotated box.

    A pixel centre at offset (dx, dy) from (cx, cy) has box coordinates
    u = dx cos(theta) + dy sin(theta), v = -dx sin(theta) + dy cos(theta); if
    r^2 = (u/half_w)^2 + (v/half_h)^2 < 1 it adds 1 - r^2 to its bin, so the rim,
    where background leaks in, counts least. ``hist`` is zeroed, filled and
    normalised to sum 1 (left zero if nothing counted). Returns the total weight.
    """
    hist[:] = 0.0
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
    if total > 0.0:
        for i in range(hist.shape[0]):
            hist[i] /= total
    return total


@njit(cache=True, nogil=True)
def ring_histogram(bin_map, outer_x0, outer_y0, outer_x1, outer_y1,
                   inner_x0, inner_y0, inner_x1, inner_y1, hist, step=1):
    """Plain histogram of the pixels inside the outer box but outside the inner one.

    Boxes are half-open integer ranges, clipped to the map. Only every ``step``-th
    pixel of every ``step``-th row counts (from the outer box's corner): a background
    model needs a fair sample, not every pixel. ``hist`` is zeroed, filled and
    normalised to sum 1. Returns the pixel count.
    """
    hist[:] = 0.0
    h, w = bin_map.shape
    outer_x0 = max(outer_x0, 0)
    outer_y0 = max(outer_y0, 0)
    outer_x1 = min(outer_x1, w)
    outer_y1 = min(outer_y1, h)
    count = 0.0
    for y in range(outer_y0, outer_y1, step):
        inside_rows = inner_y0 <= y < inner_y1
        for x in range(outer_x0, outer_x1, step):
            if inside_rows and inner_x0 <= x < inner_x1:
                continue
            b = bin_map[y, x]
            if b >= 0:
                hist[b] += 1.0
                count += 1.0
    if count > 0.0:
        for i in range(hist.shape[0]):
            hist[i] /= count
    return count


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
        t = q[i] / (q[i] + rho * b[i] + 1e-12)
        table[i] = t
        target += q[i] * t
        background += b[i] * t
    return target, background
