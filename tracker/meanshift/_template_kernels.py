"""Numba kernels of the correlation-filter cue (template.py): patch sampling, the
filter's learning and response in the Fourier domain, the response's peak-to-sidelobe
ratio and its merger with the colour weights' box means (Staple's fusion)."""

import numpy as np
from .._numba import njit
from ._fft_kernels import irfft2_loaded, rfft2_channels
from ._meanshift_kernels import box_sum


@njit(cache=True, nogil=True)
def sample_gray(frame, cx, cy, step_x, step_y, columns, out):
    """Fill ``out`` (n x m float32) with the gray patch of ``frame`` (uint8 BGR), levels
    0..255; ``columns`` (3 x m float64) is scratch the caller reuses.

    Patch pixel (i, j) samples the frame bilinearly at ``(cx + (i - m // 2) * step_x,
    cy + (j - n // 2) * step_y)`` (the centre falls on pixel (m // 2, n // 2), so a target
    that has not moved peaks on a pixel, not between two), coordinates clamped to the
    frame (the border repeats), gray = 0.114 B + 0.587 G + 0.299 R.
    """
    n, m = out.shape
    H, W = frame.shape[0], frame.shape[1]
    rows = frame.reshape(H, W * 3)
    # Column positions and weights once, not per row: left and right pixel's first
    # byte, weight.
    for i in range(m):
        x = min(max(cx + (i - m // 2) * step_x, 0.0), W - 1.0)
        x0 = min(int(x), max(W - 2, 0))
        columns[0, i] = 3 * x0
        columns[1, i] = 3 * min(x0 + 1, W - 1)
        columns[2, i] = x - x0
    # Gray levels in thousandths, in integers (exact): one conversion per pixel read.
    wb, wg, wr = np.int32(114), np.int32(587), np.int32(299)
    for j in range(n):
        y = min(max(cy + (j - n // 2) * step_y, 0.0), H - 1.0)
        y0 = min(int(y), max(H - 2, 0))
        y1 = min(y0 + 1, H - 1)
        fy = y - y0
        top = rows[y0]
        bottom = rows[y1]
        for i in range(m):
            p = int(columns[0, i])
            q = int(columns[1, i])
            fx = columns[2, i]
            a = wb * top[p] + wg * top[p + 1] + wr * top[p + 2]
            b = wb * top[q] + wg * top[q + 1] + wr * top[q + 2]
            c = wb * bottom[p] + wg * bottom[p + 1] + wr * bottom[p + 2]
            d = wb * bottom[q] + wg * bottom[q + 1] + wr * bottom[q + 2]
            out[j, i] = 0.001 * ((a + (b - a) * fx) * (1.0 - fy) + (c + (d - c) * fx) * fy)
    return out


@njit(cache=True, nogil=True)
def normalise_gray(gray, window, out):
    """``out`` = the gray patch shifted to zero mean and scaled to unit standard deviation,
    times ``window`` (its brightness and contrast do not matter to the filter; +1 in the
    variance keeps a flat patch flat rather than blowing up its noise)."""
    n, m = gray.shape
    total = 0.0
    squares = 0.0
    for j in range(n):
        for i in range(m):
            g = float(gray[j, i])
            total += g
            squares += g * g
    count = n * m
    mean = total / count
    # Gray levels are at most 255 and their spread at least 1 (below): E[g^2] - mean^2
    # loses at most 1e-11 of the variance to rounding.
    var = max(squares / count - mean * mean, 0.0)
    scale = 1.0 / np.sqrt(var + 1.0)
    for j in range(n):
        for i in range(m):
            out[j, i] = (gray[j, i] - mean) * scale * window[j, i]
    return out


@njit(cache=True, nogil=True)
def _reflect(k, n):
    """Index k of a row of n mirrored about its end pixels (OpenCV's BORDER_REFLECT_101;
    a row of one pixel repeats it)."""
    if n == 1:
        return 0
    if k < 0:
        return -k
    if k >= n:
        return 2 * n - 2 - k
    return k


@njit(cache=True, nogil=True)
def orientation_channels(gray, window, lobes, out):
    """Four channels of the gray patch's edges, by orientation, into ``out`` (4 x n x m).

    Each pixel's gradient (central differences; 0 on the patch's outer rows and columns)
    of magnitude r and orientation t (unsigned: an edge and its reverse are alike) is
    split into half-wave lobes of cos 2t and sin 2t: r max(cos 2t, 0), r max(sin 2t, 0),
    r max(-cos 2t, 0), r max(-sin 2t, 0), edges near 0, 45, 90 and 135 degrees (HOG's
    orientation channels, without an arctangent per pixel). Each channel is then averaged
    over 3 x 3 pixels (the border mirrored, as OpenCV's ``blur``: HOG's cells, which keep
    a small shift or bend of an edge from changing its channel), all four are scaled
    together by 1 / sqrt(their mean square + 1) (the edges' contrast does not matter,
    while a flat patch's noise stays small), and multiplied by ``window``. ``lobes``
    (4 x n x m float32) is scratch; it and ``out`` must be exactly 4 x n x m and
    C-contiguous (a strided array fails to compile: the row pass runs along whole
    planes). The row pass writes the mirrored ends out (the middle pixel plus twice its
    one neighbour); the column pass reads them through `_reflect`."""
    n, m = gray.shape
    for j in range(n):
        for i in range(m):
            gx = float(gray[j, i + 1]) - float(gray[j, i - 1]) if 0 < i < m - 1 else 0.0
            gy = float(gray[j + 1, i]) - float(gray[j - 1, i]) if 0 < j < n - 1 else 0.0
            r2 = gx * gx + gy * gy
            c = s = 0.0
            if r2 > 0.0:
                inverse = 1.0 / np.sqrt(r2)
                c = (gx * gx - gy * gy) * inverse      # r cos 2t
                s = 2.0 * gx * gy * inverse            # r sin 2t
            lobes[0, j, i] = max(c, 0.0)
            lobes[1, j, i] = max(s, 0.0)
            lobes[2, j, i] = max(-c, 0.0)
            lobes[3, j, i] = max(-s, 0.0)
    # The 3 x 3 average, separably: rows into ``out``, then columns back into ``lobes``
    # (the sums of nine; the ninth is folded into the scale).
    # The inner pixels of all rows in one run along the four planes (rows of 32 are too
    # short a loop: 3.4 us as rows, 0.9 in one run), then each row's two ends.
    count = 4 * n * m
    flat_lobes, flat_out = lobes.reshape(count), out.reshape(count)
    for k in range(1, count - 1):
        flat_out[k] = flat_lobes[k - 1] + flat_lobes[k] + flat_lobes[k + 1]
    for k in range(4):
        for j in range(n):
            row, blurred = lobes[k, j], out[k, j]
            blurred[0] = row[0] + 2.0 * row[1] if m > 1 else 3.0 * row[0]
            if m > 1:
                blurred[m - 1] = row[m - 1] + 2.0 * row[m - 2]
    squares = 0.0
    for k in range(4):
        for j in range(n):
            above, below = out[k, _reflect(j - 1, n)], out[k, _reflect(j + 1, n)]
            middle, blurred = out[k, j], lobes[k, j]
            for i in range(m):
                t = above[i] + middle[i] + below[i]
                blurred[i] = t
                squares += t * t
    # The averages' mean square is squares / count / 81. As the gray channel's variance
    # (`normalise_gray`), it gets 1 more (a gray level's worth): noise on a flat patch is
    # not blown up to the scale of a real edge's.
    scale = 1.0 / np.sqrt(squares / (4 * n * m) / 81.0 + 1.0) / 9.0
    for k in range(4):
        for j in range(n):
            for i in range(m):
                out[k, j, i] = lobes[k, j, i] * scale * window[j, i]
    return out


@njit(cache=True, nogil=True)
def sample_features(frame, cx, cy, step_x, step_y, window, columns, gray, lobes, out):
    """The filter's channels of the patch at (cx, cy) (`sample_gray`'s geometry) into
    ``out`` (5 x n x m float32): the normalised gray patch (`normalise_gray`) and its
    four edge-orientation channels (`orientation_channels`). ``gray`` (n x m) and
    ``lobes`` (4 x n x m) are float32 scratch; ``out`` and ``lobes`` are C-contiguous
    and of exactly these shapes (`orientation_channels`)."""
    sample_gray(frame, cx, cy, step_x, step_y, columns, gray)
    normalise_gray(gray, window, out[0])
    orientation_channels(gray, window, lobes, out[1:])
    return out


@njit(cache=True, nogil=True)
def filter_learn(num, den, spectrum, label, dx, dy, rate, ramp_x):
    """Blend one training patch of C channels into the filter: for each channel c,
    ``num[c] = (1 - rate) num[c] + rate G' conj(F[c])``, and ``den = (1 - rate) den + rate
    sum_c |F[c]|^2`` (MOSSE, with the multi-channel filter of Danelljan et al.'s DSST and
    of KCF's linear kernel), where F is the patch's ``spectrum`` (C x n x n/2+1) and G' the
    ``label`` spectrum shifted by (dx, dy) patch pixels (the target sat that far from
    the patch centre). All spectra are half spectra of n x n real images
    (``np.fft.rfft2``'s n x (n // 2 + 1) layout; the filter of real images is their
    conjugate-symmetric continuation); ``ramp_x`` (n // 2 + 1 complex128) is scratch the
    caller reuses."""
    channels, n, h = spectrum.shape
    keep = 1.0 - rate
    # The shift's phase ramp is separable: one complex exponential per column and row.
    for i in range(h):
        p = -2.0 * np.pi * i * dx / n
        ramp_x[i] = np.cos(p) + 1j * np.sin(p)
    for j in range(n):
        fy = j if j <= n // 2 else j - n
        p = -2.0 * np.pi * fy * dy / n
        ramp_y = np.cos(p) + 1j * np.sin(p)
        for i in range(h):
            g = label[j, i] * ramp_y * ramp_x[i]
            energy = 0.0
            for c in range(channels):
                f = spectrum[c, j, i]
                num[c, j, i] = keep * num[c, j, i] + rate * g * np.conj(f)
                energy += f.real * f.real + f.imag * f.imag
            den[j, i] = keep * den[j, i] + rate * energy


@njit(cache=True, nogil=True)
def filter_response(frame, cx, cy, step_x, step_y, window, columns, gray, lobes, patch, spectrum, num, den, reg,
                    scale, radius, order, twiddles, work, response):
    """The filter's response to the patch at (cx, cy) in one call: `sample_features` into
    ``patch`` (5 x n x n, C-contiguous), each channel's half spectrum into ``spectrum``
    (`rfft2`; `filter_learn` reads it), the filtered spectrum ``sum_c num[c] F[c] / (den + reg)``
    (MOSSE, multi-channel) and its inverse DFT, scaled by 1 / n^2 and ``scale``, into
    ``response``; returns (i, j) of its highest pixel and its peak-to-sidelobe ratio
    (`response_peak`, `peak_to_sidelobe`). ``order``, ``twiddles``: the `fft_plan` of
    n; ``columns``, ``gray``, ``lobes`` (`sample_features`), ``work`` (4 x n x C * (n/2+1)
    float64, `rfft2_channels`): scratch the caller reuses."""
    channels, n, h = spectrum.shape
    sample_features(frame, cx, cy, step_x, step_y, window, columns, gray, lobes, patch)
    rfft2_channels(patch, order, twiddles, work, spectrum)
    # The product goes straight where the inverse DFT reads it: rows bit-reversed.
    br, bi = work[2], work[3]
    for r in range(n):
        v = order[r]
        for u in range(h):
            p = num[0, v, u] * spectrum[0, v, u]
            for c in range(1, channels):
                p += num[c, v, u] * spectrum[c, v, u]
            d = 1.0 / (den[v, u] + reg)
            br[r, u] = p.real * d
            bi[r, u] = p.imag * d
    irfft2_loaded(order, twiddles, scale / (n * n), work, response)
    i, j, _ = response_peak(response)
    return i, j, peak_to_sidelobe(response, i, j, radius)


@njit(cache=True, nogil=True)
def response_peak(response):
    """(i, j, value) of the response's highest pixel."""
    n, m = response.shape
    best = -np.inf
    bi = bj = 0
    for j in range(n):
        for i in range(m):
            if response[j, i] > best:
                best = response[j, i]
                bi, bj = i, j
    return bi, bj, best


@njit(cache=True, nogil=True)
def peak_to_sidelobe(response, pi, pj, radius):
    """Peak-to-sidelobe ratio (Bolme et al., MOSSE, CVPR 2010): (peak - mean) / std of
    the response outside the (2 radius + 1)^2 square about the peak at (pi, pj)."""
    n, m = response.shape
    s = s2 = 0.0
    count = 0
    for j in range(n):
        for i in range(m):
            if abs(i - pi) <= radius and abs(j - pj) <= radius:
                continue
            r = response[j, i]
            s += r
            s2 += r * r
            count += 1
    if count < 2:
        return 0.0
    mean = s / count
    var = max(s2 / count - mean * mean, 1e-12)
    return (response[pj, pi] - mean) / np.sqrt(var)


@njit(cache=True, nogil=True)
def _merged_at(response, integral, ou, ov, su, sv, bw, bh, colour_share, colour_scale, area, i, j):
    c = box_sum(integral, ou + su * i, ov + sv * j, bw, bh) / area
    return (1.0 - colour_share) * response[j, i] + colour_share * colour_scale * c


@njit(cache=True, nogil=True)
def merge_colour_bounded(response, integral, ou, ov, su, sv, bw, bh, colour_share, colour_scale, pi, pj, out):
    """(i, j) of the highest of Staple's merged score on the response's grid, ``out[j, i]
    = (1 - colour_share) * response[j, i] + colour_share * colour_scale * mean weight of the
    bw x bh box`` centred at region point (ou + su i, ov + sv j) (the box mean read from
    the weights' summed-area table ``integral``, region pixels; outside counts zero),
    without the box means where they cannot matter.

    The weights must not be negative (P(target | colour) is not). The points are taken
    in blocks of ``BLOCK`` x ``BLOCK``; the box that spans all of a block's boxes holds
    at least the weight of each of them (a box sum is the weights times each pixel's
    covered share), which bounds their colour term. A point whose response leaves its
    merged score under the one at the response's peak (pi, pj) even with that bound is
    not the highest and is skipped. The rest is scanned row by row, as a full scan would, with
    its arithmetic: the same (i, j). ``out`` holds the merged score at the points
    computed, among them the four neighbours of the highest (the rest is left as it was).
    """
    n, m = response.shape
    area = max(bw * bh, 1e-9)
    floor = _merged_at(response, integral, ou, ov, su, sv, bw, bh, colour_share, colour_scale, area, pi, pj)
    # Rounding margin: box sums are differences of a summed-area table's entries.
    floor -= 1e-6 * (1.0 + abs(floor))
    best = -np.inf
    bi = bj = 0
    block = 4
    keep = 1.0 - colour_share
    for j0 in range(0, n, block):
        j1 = min(j0 + block, n) - 1
        for i0 in range(0, m, block):
            i1 = min(i0 + block, m) - 1
            span = box_sum(integral, ou + su * (i0 + i1) * 0.5, ov + sv * (j0 + j1) * 0.5,
                           bw + su * (i1 - i0) + 1e-6, bh + sv * (j1 - j0) + 1e-6)
            top_colour = colour_share * colour_scale * max(span, 0.0) / area
            for j in range(j0, j1 + 1):
                for i in range(i0, i1 + 1):
                    # -inf: not computed, below the peak's score; 0: to compute
                    out[j, i] = -np.inf if keep * response[j, i] + top_colour < floor else 0.0
    # A full scan's order, over the points left.
    for j in range(n):
        for i in range(m):
            if out[j, i] == -np.inf:
                continue
            x = _merged_at(response, integral, ou, ov, su, sv, bw, bh, colour_share, colour_scale, area, i, j)
            out[j, i] = x
            if x > best:
                best = x
                bi, bj = i, j
    for di, dj in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        i, j = bi + di, bj + dj
        if 0 <= i < m and 0 <= j < n:
            out[j, i] = _merged_at(response, integral, ou, ov, su, sv, bw, bh, colour_share, colour_scale, area,
                                   i, j)
    return bi, bj


@njit(cache=True, nogil=True)
def response_near(response, i, j, radius):
    """The highest of ``response`` within ``radius`` pixels (a square) of pixel (i, j); 0
    if (i, j) is outside."""
    n, m = response.shape
    if not (0 <= i < m and 0 <= j < n):
        return 0.0
    best = -np.inf
    for y in range(max(j - radius, 0), min(j + radius + 1, n)):
        for x in range(max(i - radius, 0), min(i + radius + 1, m)):
            best = max(best, response[y, x])
    return best
