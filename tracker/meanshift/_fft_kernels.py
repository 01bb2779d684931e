"""A 2-D FFT of small real images (n x n, n a power of two) inside numba kernels, so that
the pattern cue (template.py) samples its patch, transforms it, applies its filter and
transforms back in one compiled call (cv2.dft is not callable from numba).

The half spectrum is NumPy's ``rfft2`` layout: n x (n // 2 + 1) complex, frequencies
along axis 0 in ``fft`` order, along axis 1 from 0 to n / 2 (the rest are the complex
conjugates of these: the image is real). Radix-2 decimation in time; each butterfly is
applied to a whole row of independent transforms at once, so the inner loop runs along
memory (the compiler vectorises it); a transform along an image's rows is done on its
transpose, read in bit-reversed order.
"""

import numpy as np
from .._numba import njit


def fft_plan(n):
    """The tables `rfft2` and `irfft2` take for n x n images: the bit-reversal order of
    0..n-1 (int64) and the twiddles cos, sin of 2 pi k / n for k < n / 2 (2 x n/2)."""
    if n < 2 or n & (n - 1):
        raise ValueError(f"FFT size must be a power of two, not {n}")
    bits = n.bit_length() - 1
    order = np.array([int(format(k, f"0{bits}b")[::-1], 2) for k in range(n)], np.int64)
    k = np.arange(n // 2)
    twiddles = np.stack([np.cos(2 * np.pi * k / n), np.sin(2 * np.pi * k / n)])
    return order, twiddles


@njit(cache=True, nogil=True)
def _butterflies(re, im, lanes, twiddles, sign):
    """In place: the n-point DFT along axis 0 of ``re + i im`` (n x >= lanes, its rows in
    bit-reversed order), of columns 0..lanes-1; ``sign`` -1 forward, +1 inverse (unscaled)."""
    n = re.shape[0]
    size = 2
    while size <= n:
        half = size // 2
        stride = n // size
        for start in range(0, n, size):
            for k in range(half):
                wr = twiddles[0, k * stride]
                wi = sign * twiddles[1, k * stride]
                a = start + k
                b = a + half
                for lane in range(lanes):
                    xr = re[b, lane] * wr - im[b, lane] * wi
                    xi = re[b, lane] * wi + im[b, lane] * wr
                    re[b, lane] = re[a, lane] - xr
                    im[b, lane] = im[a, lane] - xi
                    re[a, lane] += xr
                    im[a, lane] += xi
        size *= 2


@njit(cache=True, nogil=True)
def rfft2(image, order, twiddles, work, out):
    """``out`` (n x n/2+1 complex128) = ``np.fft.rfft2(image)`` of the n x n real ``image``;
    ``work`` (4 x n x n/2+1 float64) is scratch the caller reuses."""
    n = image.shape[0]
    rfft2_channels(image.reshape(1, n, n), order, twiddles, work, out.reshape(1, n, n // 2 + 1))
    return out


@njit(cache=True, nogil=True)
def rfft2_channels(images, order, twiddles, work, out):
    """Fill ``out[c]`` with ``np.fft.rfft2(images[c])`` for each of the C n x n real
    images, all C transforms run as one: every butterfly is applied to the rows of all of
    them at once, so the inner loops are C times longer (a five-channel patch: about 9 us
    against 18 for five calls of one), with the same arithmetic per transform (the same
    result, bit for bit). ``work`` (4 x n x C * (n/2+1) float64) is scratch the caller
    reuses. Returns nothing: returned, the array failed to box (numba's 'descr is NULL')
    when called from Python after a kernel that calls it had been loaded from the cache."""
    channels, n = images.shape[0], images.shape[1]
    h = n // 2 + 1
    pairs = max(n // 2, 1)
    if work.shape[0] < 4 or work.shape[1] < n or work.shape[2] < channels * h:
        # The loops below do not check bounds: a short buffer would corrupt memory.
        raise ValueError("rfft2_channels: work must be at least 4 x n x channels * (n // 2 + 1)")
    ar, ai, br, bi = work[0], work[1], work[2], work[3]
    # Rows two at a time as one complex row (real + i imaginary), columns bit-reversed.
    # Both loops below read along rows and write across them: reading across (a column at
    # a time) took 3 us more of the 11 a five-channel patch took.
    for c in range(channels):
        for p in range(pairs):
            lane = c * pairs + p
            even = images[c, 2 * p]
            if 2 * p + 1 < n:
                odd = images[c, 2 * p + 1]
                for r in range(n):
                    ar[r, lane] = even[order[r]]
                    ai[r, lane] = odd[order[r]]
            else:
                for r in range(n):
                    ar[r, lane] = even[order[r]]
                    ai[r, lane] = 0.0
    _butterflies(ar, ai, channels * pairs, twiddles, -1.0)
    # Split each pair's transform into the two rows' (their conjugate symmetry), into the
    # rows of the second pass in bit-reversed order (image row j goes to row order[j]: the
    # bit reversal is its own inverse).
    for u in range(h):
        w = (n - u) % n
        for c in range(channels):
            dst = c * h + u
            for p in range(pairs):
                src = c * pairs + p
                zr, zi, wr, wi = ar[u, src], ai[u, src], ar[w, src], ai[w, src]
                even = order[2 * p]
                br[even, dst] = 0.5 * (zr + wr)
                bi[even, dst] = 0.5 * (zi - wi)
                if 2 * p + 1 < n:
                    odd = order[2 * p + 1]
                    br[odd, dst] = 0.5 * (zi + wi)
                    bi[odd, dst] = 0.5 * (wr - zr)
    _butterflies(br, bi, channels * h, twiddles, -1.0)
    for c in range(channels):
        for v in range(n):
            for u in range(h):
                out[c, v, u] = complex(br[v, c * h + u], bi[v, c * h + u])


@njit(cache=True, nogil=True)
def irfft2(spectrum, order, twiddles, scale, work, out):
    """``out`` (n x n float32) = ``scale * n * n * np.fft.irfft2(spectrum)`` of the half
    spectrum (n x n/2+1 complex): the inverse DFT, unnormalised unless ``scale`` is
    1 / n^2, of the real image whose half spectrum that is; ``work`` as `rfft2`'s."""
    n = out.shape[0]
    br, bi = work[2], work[3]
    for r in range(n):
        v = order[r]
        for u in range(n // 2 + 1):
            br[r, u] = spectrum[v, u].real
            bi[r, u] = spectrum[v, u].imag
    return irfft2_loaded(order, twiddles, scale, work, out)


@njit(cache=True, nogil=True)
def irfft2_loaded(order, twiddles, scale, work, out):
    """`irfft2` of the half spectrum the caller has put in ``work[2] + i work[3]``, its
    rows in bit-reversed order (row r holds frequency ``order[r]``)."""
    n = out.shape[0]
    h = n // 2 + 1
    pairs = max(n // 2, 1)
    ar, ai, br, bi = work[0], work[1], work[2], work[3]
    _butterflies(br, bi, h, twiddles, 1.0)
    # A real image's rows have conjugate-symmetric spectra: the missing frequencies are
    # the conjugates of their mirrors, and the imaginary parts at 0 and n / 2 are none
    # of theirs (dropped, as NumPy does). Rows 2p and 2p+1 go back at once, as the
    # real and imaginary part of one complex signal, on the transpose.
    for r in range(n):
        u = order[r]
        mirror = u >= h
        k = n - u if mirror else u
        edge = k == 0 or 2 * k == n
        for p in range(pairs):
            er, ei = br[2 * p, k], bi[2 * p, k]
            if 2 * p + 1 < n:
                orr, oi = br[2 * p + 1, k], bi[2 * p + 1, k]
            else:
                orr, oi = 0.0, 0.0
            if edge:
                ei = 0.0
                oi = 0.0
            elif mirror:
                ei = -ei
                oi = -oi
            ar[r, p] = er - oi
            ai[r, p] = ei + orr
    _butterflies(ar, ai, pairs, twiddles, 1.0)
    for p in range(pairs):
        for i in range(n):
            out[2 * p, i] = ar[i, p] * scale
            if 2 * p + 1 < n:
                out[2 * p + 1, i] = ai[i, p] * scale
    return out
