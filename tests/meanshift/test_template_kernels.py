"""The correlation-filter cue's numba kernels against slow NumPy references."""

import numpy as np
import pytest

from tracker.meanshift._template_kernels import (filter_apply, filter_learn, fuse_response,
                                                 response_peak, sample_patch)


def slow_gray_bilinear(frame, x, y):
    """Gray level (0.114 B + 0.587 G + 0.299 R) at real (x, y), bilinear, the border repeated."""
    H, W = frame.shape[:2]
    x, y = min(max(x, 0.0), W - 1.0), min(max(y, 0.0), H - 1.0)
    gray = frame.astype(np.float64) @ np.array([0.114, 0.587, 0.299])
    x0, y0 = int(np.floor(x)), int(np.floor(y))
    x1, y1 = min(x0 + 1, W - 1), min(y0 + 1, H - 1)
    fx, fy = x - x0, y - y0
    return ((gray[y0, x0] * (1 - fx) + gray[y0, x1] * fx) * (1 - fy)
            + (gray[y1, x0] * (1 - fx) + gray[y1, x1] * fx) * fy)


def slow_patch(frame, cx, cy, step_x, step_y, window):
    n, m = window.shape
    patch = np.array([[slow_gray_bilinear(frame, cx + (i - m // 2) * step_x, cy + (j - n // 2) * step_y)
                       for i in range(m)] for j in range(n)])
    patch = (patch - patch.mean()) / np.sqrt(patch.var() + 1.0)
    return patch * window


@pytest.mark.parametrize("seed", range(3))
def test_sample_patch_matches_numpy(seed):
    rng = np.random.default_rng(seed)
    frame = rng.integers(0, 256, (37, 53, 3), dtype=np.uint8)
    window = rng.random((12, 16)).astype(np.float32)
    # Inside the frame, across its corner (clamped) and magnified or shrunk.
    for cx, cy, sx, sy in ((26.3, 18.7, 1.3, 0.9), (2.0, 35.5, 2.5, 3.1), (50.2, 1.1, 0.4, 0.7)):
        out = np.empty((12, 16), np.float32)
        sample_patch(frame, cx, cy, sx, sy, window, out)
        np.testing.assert_allclose(out, slow_patch(frame, cx, cy, sx, sy, window), atol=1e-4)


def slow_filter(patches, shifts, label, rates):
    """MOSSE numerator and denominator by NumPy FFTs, each label rolled to its shift."""
    num = den = 0
    for patch, (dx, dy), rate in zip(patches, shifts, rates):
        F = np.fft.fft2(patch)
        G = np.fft.fft2(np.roll(label, (dy, dx), axis=(0, 1)))
        num = (1 - rate) * num + rate * G * np.conj(F)
        den = (1 - rate) * den + rate * np.abs(F) ** 2
    return num, den


def test_filter_learn_and_apply_match_numpy_ffts():
    rng = np.random.default_rng(7)
    n, m = 16, 20
    ys, xs = np.mgrid[:n, :m]
    label = np.exp(-0.5 * (((xs - m // 2) / 1.5) ** 2 + ((ys - n // 2) / 1.5) ** 2))
    patches = [rng.standard_normal((n, m)) for _ in range(3)]
    shifts, rates = [(0, 0), (3, -2), (-5, 4)], [1.0, 0.3, 0.1]
    num = np.zeros((n, m), np.complex64)
    den = np.zeros((n, m), np.float32)
    label_spectrum = np.fft.fft2(label).astype(np.complex64)
    for patch, (dx, dy), rate in zip(patches, shifts, rates):
        filter_learn(num, den, np.fft.fft2(patch).astype(np.complex64), label_spectrum, float(dx), float(dy), rate)
    ref_num, ref_den = slow_filter(patches, shifts, label, rates)
    scale = np.abs(ref_num).max()
    np.testing.assert_allclose(num, ref_num, atol=1e-4 * scale)
    np.testing.assert_allclose(den, ref_den, rtol=1e-4)
    probe = rng.standard_normal((n, m))
    out = np.zeros((n, m), np.complex64)
    filter_apply(num, den, np.fft.fft2(probe).astype(np.complex64), 0.5, out)
    np.testing.assert_allclose(out, ref_num * np.fft.fft2(probe) / (ref_den + 0.5), atol=1e-3 * np.abs(out).max())


def test_trained_filter_peaks_where_the_pattern_moved():
    # A filter trained on one patch, shown the same patch moved by (4, -3) pixels
    # (circularly, as the DFT sees it), peaks 4 right and 3 up of the label's centre.
    rng = np.random.default_rng(3)
    n = 32
    ys, xs = np.mgrid[:n, :n]
    label = np.exp(-0.5 * (((xs - n // 2) / 1.0) ** 2 + ((ys - n // 2) / 1.0) ** 2))
    patch = rng.standard_normal((n, n))
    num = np.zeros((n, n), np.complex64)
    den = np.zeros((n, n), np.float32)
    filter_learn(num, den, np.fft.fft2(patch).astype(np.complex64), np.fft.fft2(label).astype(np.complex64),
                 0.0, 0.0, 1.0)
    out = np.zeros((n, n), np.complex64)
    moved = np.roll(patch, (-3, 4), axis=(0, 1))
    filter_apply(num, den, np.fft.fft2(moved).astype(np.complex64), 1e-3, out)
    response = np.real(np.fft.ifft2(out))
    j, i = np.unravel_index(np.argmax(response), response.shape)
    assert (i - n // 2, j - n // 2) == (4, -3)
    assert response_peak(response.astype(np.float32))[:2] == (i, j)


def slow_fuse(weights, response, ox, oy, sx, sy, gain, floor):
    n, m = response.shape
    out = weights.astype(np.float64).copy()
    for v in range(weights.shape[0]):
        for u in range(weights.shape[1]):
            x, y = ox + sx * u, oy + sy * v
            if not (0 <= x <= m - 1 and 0 <= y <= n - 1):
                continue
            x0, y0 = min(int(x), m - 2), min(int(y), n - 2)
            fx, fy = x - x0, y - y0
            r = ((response[y0, x0] * (1 - fx) + response[y0, x0 + 1] * fx) * (1 - fy)
                 + (response[y0 + 1, x0] * (1 - fx) + response[y0 + 1, x0 + 1] * fx) * fy)
            out[v, u] += gain * np.clip((r - floor) / (1 - floor), 0, 1)
    return out


@pytest.mark.parametrize("seed", range(3))
def test_fuse_response_matches_numpy(seed):
    rng = np.random.default_rng(seed)
    weights = rng.random((27, 33)).astype(np.float32)
    ys, xs = np.mgrid[:16, :16]
    # A peak, some sidelobes and noise: the floor cuts most of it.
    response = (np.exp(-0.5 * ((xs - rng.uniform(4, 12)) ** 2 + (ys - rng.uniform(4, 12)) ** 2) / 4)
                + 0.4 * rng.random((16, 16))).astype(np.float32)
    ox, oy, sx, sy = rng.uniform(-6, 2), rng.uniform(-6, 2), rng.uniform(0.4, 1.2), rng.uniform(0.4, 1.2)
    out = np.empty_like(weights)
    fuse_response(weights, response, ox, oy, sx, sy, 3.0, 0.5, out)
    np.testing.assert_allclose(out, slow_fuse(weights, response, ox, oy, sx, sy, 3.0, 0.5), atol=1e-5)
    assert (out > weights + 1e-6).any()
