"""Slow, obviously correct NumPy references for the numba kernels (no numba here).

Each function computes the same quantity as a kernel in ``tracker/_colour_kernels.py``
or ``tracker/_meanshift_kernels.py`` the direct way: over the whole image with masks
instead of bounding boxes, with plain Python loops where the arithmetic matters, so a
kernel's shortcuts (lookup tables, clipping, summed-area tables) are checked against
the definition rather than against a copy of themselves.
"""

from __future__ import annotations

import math

import numpy as np


# --- colour quantisation -----------------------------------------------------------------

def channel_bin(value: int, nbins: int, range_: int, low: int = 0) -> int:
    """Uniform bin of one 8-bit channel value, -1 when ``value < low``.

    The bin is ``floor(value * (nbins / range_))`` with the bin width computed first, in
    double precision, as ``cv2.calcHist`` does (its lookup table holds
    ``cvFloor(v * a + b)`` with ``a = nbins / (high - low)``). Values past the range
    fall into the last bin. Note this differs from the exact ``value * nbins // range_``
    for a few (bins, value) pairs, e.g. 26 hue bins over 180 put hue 90 in bin 12, not 13;
    OpenCV and the kernel agree with each other there.
    """
    if value < low:
        return -1
    a = nbins / range_
    return min(int(math.floor(value * a)), nbins - 1)


def pixel_bin(pixel, nbins, ranges, lows=(0, 0, 0)) -> int:
    """Flat joint-histogram bin of one 3-channel pixel (C order over the channels)."""
    bins = [channel_bin(int(pixel[c]), int(nbins[c]), int(ranges[c]), int(lows[c])) for c in range(3)]
    if min(bins) < 0:
        return -1
    return (bins[0] * nbins[1] + bins[1]) * nbins[2] + bins[2]


def quantize(image: np.ndarray, nbins, ranges, lows=(0, 0, 0)) -> np.ndarray:
    """int32 bin map of a uint8 HxWx3 image, one Python call of ``pixel_bin`` per pixel."""
    h, w = image.shape[:2]
    out = np.empty((h, w), np.int32)
    for y in range(h):
        for x in range(w):
            out[y, x] = pixel_bin(image[y, x], nbins, ranges, lows)
    return out


def back_project(bin_map: np.ndarray, table) -> np.ndarray:
    """``table[bin]`` per pixel, 0 where the bin map is -1."""
    table = np.asarray(table, np.float64).ravel()
    out = np.zeros(bin_map.shape, np.float64)
    valid = bin_map >= 0
    out[valid] = table[bin_map[valid]]
    return out


# --- histograms of regions -------------------------------------------------------------

def _ellipse_r2(shape, cx, cy, a, b, theta):
    """Squared normalised radius of every pixel centre of an (h, w) image in the
    ellipse of semi-axes (a, b) centred at (cx, cy) and rotated by theta."""
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    dx, dy = xs - cx, ys - cy
    cs, sn = math.cos(theta), math.sin(theta)
    u = (dx * cs + dy * sn) / a
    v = (-dx * sn + dy * cs) / b
    return u * u + v * v


def epanechnikov_histogram(bin_map, cx, cy, half_w, half_h, theta, nbins):
    """Epanechnikov-weighted histogram of the ellipse inscribed in a rotated box.

    Every pixel of the image is visited (pixel centres at integer coordinates): its
    offset from the centre is rotated into box coordinates u (along ``theta``, measured
    from +x towards +y) and v, scaled by the half-sides, and the pixel adds
    ``1 - r^2`` to its bin when ``r^2 < 1``. Returns ``(hist normalised to sum 1, or all
    zeros if nothing counted; total weight)``.
    """
    r2 = _ellipse_r2(bin_map.shape, cx, cy, half_w, half_h, theta)
    inside = (r2 < 1.0) & (bin_map >= 0)
    weights = 1.0 - r2[inside]
    hist = np.bincount(bin_map[inside], weights=weights, minlength=nbins).astype(np.float64)
    total = float(weights.sum())
    if total > 0:
        hist /= total
    return hist, total


def ring_histogram(bin_map, outer, inner, nbins, step=1):
    """Plain histogram of the pixels in ``outer`` but not in ``inner``, of every
    ``step``-th pixel of every ``step``-th row counted from outer's corner (clipped).

    Boxes are ``(x0, y0, x1, y1)`` half-open integer ranges in image coordinates (they
    may reach past the image). Returns ``(hist normalised to sum 1, or zeros; count)``.
    """
    h, w = bin_map.shape
    ys, xs = np.mgrid[0:h, 0:w]
    x_first, y_first = max(outer[0], 0), max(outer[1], 0)
    on_grid = ((xs - x_first) % step == 0) & ((ys - y_first) % step == 0)

    def in_box(box):
        x0, y0, x1, y1 = box
        return (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1)

    sel = in_box(outer) & ~in_box(inner) & (bin_map >= 0) & on_grid
    hist = np.bincount(bin_map[sel], minlength=nbins).astype(np.float64)
    count = float(sel.sum())
    if count > 0:
        hist /= count
    return hist, count


def bhattacharyya(p, q) -> float:
    """Bhattacharyya coefficient sum(sqrt(p q)) in float64."""
    return float(np.sum(np.sqrt(np.asarray(p, np.float64) * np.asarray(q, np.float64))))


# --- weight images ---------------------------------------------------------------------

def window_moments(weights, x0, y0, x1, y1):
    """Raw moments (m00, m10, m01, m20, m11, m02) of the window clipped to the image,
    in whole-image coordinates, summed in float64 over a coordinate grid."""
    h, w = weights.shape
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    if x1 <= x0 or y1 <= y0:
        return (0.0,) * 6
    sub = weights[y0:y1, x0:x1].astype(np.float64)
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    return (float(sub.sum()), float((sub * xs).sum()), float((sub * ys).sum()),
            float((sub * xs * xs).sum()), float((sub * xs * ys).sum()), float((sub * ys * ys).sum()))


def window_sums(weights, win_w, win_h) -> np.ndarray:
    """Sum of every ``win_w`` x ``win_h`` window, by brute force: result[y, x] is the sum
    of ``weights[y:y + win_h, x:x + win_w]`` (float64)."""
    h, w = weights.shape
    out = np.empty((h - win_h + 1, w - win_w + 1), np.float64)
    wts = weights.astype(np.float64)
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            out[y, x] = wts[y:y + win_h, x:x + win_w].sum()
    return out


def densest_window(weights, win_w, win_h, cx=0.0, cy=0.0, reach_x=-1.0, reach_y=-1.0):
    """Centre (pixel centres at integers) and sum of the window holding the most weight;
    the first in row-major order on ties. The window is shrunk to fit the image. With a
    reach >= 0 on an axis, only windows whose centre is at most that far from (cx, cy)
    on it count (on an axis where none is, those whose centre is nearest it)."""
    h, w = weights.shape
    win_w, win_h = max(1, min(win_w, w)), max(1, min(win_h, h))
    sums = window_sums(weights, win_w, win_h)
    centres_x = np.arange(sums.shape[1]) + (win_w - 1) / 2
    centres_y = np.arange(sums.shape[0]) + (win_h - 1) / 2

    def allowed(centres, c, reach):
        if reach < 0:
            return np.ones(len(centres), bool)
        ok = np.abs(centres - c) <= reach
        if not ok.any():      # none in reach: the nearest
            d = np.abs(centres - c)
            ok = d == d.min()
        return ok
    mask = allowed(centres_y, cy, reach_y)[:, None] & allowed(centres_x, cx, reach_x)[None, :]
    sums = np.where(mask, sums, -np.inf)
    by, bx = np.unravel_index(int(np.argmax(sums)), sums.shape)
    return bx + (win_w - 1) / 2, by + (win_h - 1) / 2, float(sums[by, bx])


def principal_axes(weights):
    """Centroid, 4-sigma major and minor axis lengths and major-axis angle (radians, from
    +x towards +y, in [0, pi)) of a weight image, from an eigen-decomposition of its
    weighted covariance matrix."""
    wts = weights.astype(np.float64)
    h, w = wts.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    m = wts.sum()
    cx, cy = (wts * xs).sum() / m, (wts * ys).sum() / m
    dx, dy = xs - cx, ys - cy
    cov = np.array([[(wts * dx * dx).sum(), (wts * dx * dy).sum()],
                    [(wts * dx * dy).sum(), (wts * dy * dy).sum()]]) / m
    vals, vecs = np.linalg.eigh(cov)          # ascending eigenvalues
    major = vecs[:, 1]
    angle = math.atan2(major[1], major[0]) % math.pi
    return cx, cy, 4 * math.sqrt(max(vals[1], 0.0)), 4 * math.sqrt(max(vals[0], 0.0)), angle


# --- synthetic weight images -----------------------------------------------------------

def blob(shape, cx, cy, sx, sy, theta=0.0, flat=False, noise=0.0, seed=0, peak=255.0):
    """float32 weight image of a rotated gaussian (``sx``, ``sy`` = sigmas) or a flat
    ellipse (``sx``, ``sy`` = semi-axes) on ``peak * noise`` uniform background noise."""
    h, w = shape
    r2 = _ellipse_r2(shape, cx, cy, sx, sy, theta)
    img = (r2 < 1.0).astype(np.float64) if flat else np.exp(-0.5 * r2)
    if noise:
        img = img + noise * np.random.default_rng(seed).random((h, w))
    return (peak * img / img.max()).astype(np.float32)


# --- mean shift on integer windows ---------------------------------------------------------

def mean_shift_window(weights, window, eps=1.0, max_iter=10, bias=0.0):
    """Flat-kernel mean shift of an integer window, one whole-pixel move per iteration.

    Each iteration moves the window (clipped to the image first) by the rounded offset of
    its weighted centroid from its centre, ``round(centroid - (size - 1) / 2 - bias)``
    (pixel centres at integers), keeps it inside the image, and stops when the move is
    shorter than ``eps`` (so with ``eps <= 1``, when the window stops moving), when the
    window holds no weight, or after ``max_iter`` iterations. Returns
    ``(iterations, (x, y, w, h))``; ``iterations`` counts the moves before the one that
    stopped it, as ``cv2.meanShift`` does.

    ``bias=0.5`` is OpenCV's arithmetic: ``cv2.meanShift`` subtracts ``width * 0.5``
    from a centroid measured in pixel-centre coordinates, so its window creeps up/left
    by up to one pixel per iteration wherever the weights are flat. ``bias=0`` is the
    unbiased algorithm the tracker's kernel implements.
    """
    H, W = weights.shape
    wts = weights.astype(np.float64)
    x, y, w, h = (int(v) for v in window)
    x0, y0 = max(x, 0), max(y, 0)
    w, h = min(x + w, W) - x0, min(y + h, H) - y0
    x, y = x0, y0
    i = 0
    for i in range(max_iter):
        sub = wts[y:y + h, x:x + w]
        m = sub.sum()
        if m <= 0:
            break
        ys, xs = np.mgrid[0:h, 0:w]
        # np.rint rounds halves to even, as cvRound does.
        dx = int(np.rint((sub * xs).sum() / m - (w - 1) / 2 - bias))
        dy = int(np.rint((sub * ys).sum() / m - (h - 1) / 2 - bias))
        nx, ny = min(max(x + dx, 0), W - w), min(max(y + dy, 0), H - h)
        dx, dy = nx - x, ny - y
        x, y = nx, ny
        if dx * dx + dy * dy < eps * eps:
            break
    else:
        i = max_iter
    return i, (x, y, w, h)


def nearest_sample(image, out_w, out_h, step_x, step_y):
    """Nearest-neighbour resampling: output pixel (u, v) is image pixel
    (floor((u + 0.5) * step_x), floor((v + 0.5) * step_y)), clipped to the image."""
    xs = np.minimum(np.floor((np.arange(out_w) + 0.5) * step_x).astype(int), image.shape[1] - 1)
    ys = np.minimum(np.floor((np.arange(out_h) + 0.5) * step_y).astype(int), image.shape[0] - 1)
    return image[ys][:, xs]
