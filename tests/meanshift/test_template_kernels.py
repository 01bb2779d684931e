"""The correlation-filter cue's numba kernels against slow NumPy references."""

import numpy as np
import pytest

from tracker.meanshift._meanshift_kernels import box_sum, summed_area
from tracker.meanshift._fft_kernels import fft_plan
from tracker.meanshift._template_kernels import (filter_learn, filter_response, merge_colour_bounded,
                                                 orientation_channels, peak_to_sidelobe, response_near,
                                                 response_peak, sample_features)
import cv2


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


def slow_gray_patch(frame, cx, cy, step_x, step_y, n, m):
    return np.array([[slow_gray_bilinear(frame, cx + (i - m // 2) * step_x, cy + (j - n // 2) * step_y)
                      for i in range(m)] for j in range(n)])


def slow_patch(frame, cx, cy, step_x, step_y, window):
    patch = slow_gray_patch(frame, cx, cy, step_x, step_y, *window.shape)
    patch = (patch - patch.mean()) / np.sqrt(patch.var() + 1.0)
    return patch * window


def slow_orientations(gray, window):
    """The four edge-orientation channels: the gradient's angle found by an arctangent,
    its magnitude times the half-wave lobes of cos 2t and sin 2t, OpenCV's 3 x 3 box blur
    (its default border, mirrored about the edge pixels), scaled together by 1 / sqrt(their
    mean square + 1)."""
    gray = gray.astype(np.float64)
    gx, gy = np.zeros_like(gray), np.zeros_like(gray)
    gx[:, 1:-1] = gray[:, 2:] - gray[:, :-2]
    gy[1:-1] = gray[2:] - gray[:-2]
    r, t = np.hypot(gx, gy), np.arctan2(gy, gx)
    lobes = [r * np.maximum(np.cos(2 * t), 0), r * np.maximum(np.sin(2 * t), 0),
             r * np.maximum(-np.cos(2 * t), 0), r * np.maximum(-np.sin(2 * t), 0)]
    blurred = np.array([cv2.blur(lobe, (3, 3)) for lobe in lobes])
    return blurred / np.sqrt((blurred ** 2).mean() + 1.0) * window


def slow_features(frame, cx, cy, step_x, step_y, window):
    gray = slow_gray_patch(frame, cx, cy, step_x, step_y, *window.shape)
    return np.concatenate([slow_patch(frame, cx, cy, step_x, step_y, window)[None],
                           slow_orientations(gray, window)])


def features(frame, cx, cy, sx, sy, window):
    n, m = window.shape
    out = np.empty((5, n, m), np.float32)
    sample_features(frame, cx, cy, sx, sy, window, np.empty((3, m)), np.empty((n, m), np.float32),
                    np.empty((4, n, m), np.float32), out)
    return out


@pytest.mark.parametrize("seed", range(3))
def test_sample_features_match_numpy(seed):
    rng = np.random.default_rng(seed)
    frame = rng.integers(0, 256, (37, 53, 3), dtype=np.uint8)
    window = rng.random((12, 16)).astype(np.float32)
    # Inside the frame, across its corner (clamped) and magnified or shrunk.
    for cx, cy, sx, sy in ((26.3, 18.7, 1.3, 0.9), (2.0, 35.5, 2.5, 3.1), (50.2, 1.1, 0.4, 0.7)):
        out = features(frame, cx, cy, sx, sy, window)
        ref = slow_features(frame, cx, cy, sx, sy, window)
        np.testing.assert_allclose(out[0], ref[0], atol=1e-4)
        np.testing.assert_allclose(out[1:], ref[1:], atol=1e-4 * np.abs(ref[1:]).max())


def test_orientation_channels_sort_edges_by_direction():
    """A vertical edge (gradient along x) lands in the 0 degree channel, a horizontal one
    in the 90 degree one, the diagonals in the 45 and 135 degree ones, whichever side is
    the brighter; a flat patch has no edges."""
    n = 16
    ys, xs = np.mgrid[:n, :n]
    window = np.ones((n, n), np.float32)
    lobes = np.empty((4, n, n), np.float32)
    for image, channel in ((xs > 7, 0), (xs < 8, 0), (ys > 7, 2), (ys < 8, 2), (xs + ys > 15, 1),
                           (xs - ys > 0, 3)):
        out = orientation_channels(image.astype(np.float32) * 200, window, lobes, np.empty((4, n, n), np.float32))
        energy = (out.astype(np.float64) ** 2).sum(axis=(1, 2))
        assert np.argmax(energy) == channel and energy[channel] > 0.8 * energy.sum()
    flat = orientation_channels(np.full((n, n), 90, np.float32), window, lobes, np.empty((4, n, n), np.float32))
    assert not flat.any()


def slow_filter(patches, shifts, label, rates):
    """Multi-channel MOSSE numerator (one per channel) and shared denominator by NumPy
    FFTs, each label rolled to its shift; ``patches``: C x n x n each."""
    num = den = 0
    for patch, (dx, dy), rate in zip(patches, shifts, rates):
        F = np.fft.fft2(patch)                       # each channel's spectrum
        G = np.fft.fft2(np.roll(label, (dy, dx), axis=(0, 1)))
        num = (1 - rate) * num + rate * G * np.conj(F)
        den = (1 - rate) * den + rate * (np.abs(F) ** 2).sum(axis=0)
    return num, den


def test_filter_learn_matches_numpy_ffts():
    rng = np.random.default_rng(7)
    n, c = 16, 3
    ys, xs = np.mgrid[:n, :n]
    label = np.exp(-0.5 * (((xs - n // 2) / 1.5) ** 2 + ((ys - n // 2) / 1.5) ** 2))
    patches = [rng.standard_normal((c, n, n)) for _ in range(3)]
    shifts, rates = [(0, 0), (3, -2), (-5, 4)], [1.0, 0.3, 0.1]
    h = n // 2 + 1
    num = np.zeros((c, n, h), np.complex128)
    den = np.zeros((n, h))
    for patch, (dx, dy), rate in zip(patches, shifts, rates):
        filter_learn(num, den, np.fft.rfft2(patch), np.fft.rfft2(label), float(dx), float(dy), rate,
                     np.empty(h, np.complex128))
    ref_num, ref_den = slow_filter(patches, shifts, label, rates)
    # The half spectra (NumPy's rfft2 layout) of the full ones.
    np.testing.assert_allclose(num, ref_num[..., :h], atol=1e-9 * np.abs(ref_num).max())
    np.testing.assert_allclose(den, ref_den[:, :h], rtol=1e-9)
    # Applied to a patch (as `filter_response` does), the half spectra filter as the full ones.
    probe = rng.standard_normal((c, n, n))
    out = (num * np.fft.rfft2(probe)).sum(axis=0) / (den + 0.5)
    ref = (ref_num * np.fft.fft2(probe)).sum(axis=0) / (ref_den + 0.5)
    np.testing.assert_allclose(out, ref[:, :h], atol=1e-9 * np.abs(out).max())


def test_trained_filter_peaks_where_the_pattern_moved():
    # A filter trained on one patch of two channels, shown the same patch moved by
    # (4, -3) pixels (circularly, as the DFT sees it), peaks 4 right and 3 up of the
    # label's centre.
    rng = np.random.default_rng(3)
    n = 32
    ys, xs = np.mgrid[:n, :n]
    label = np.exp(-0.5 * (((xs - n // 2) / 1.0) ** 2 + ((ys - n // 2) / 1.0) ** 2))
    patch = rng.standard_normal((2, n, n))
    h = n // 2 + 1
    num = np.zeros((2, n, h), np.complex128)
    den = np.zeros((n, h))
    filter_learn(num, den, np.fft.rfft2(patch), np.fft.rfft2(label), 0.0, 0.0, 1.0, np.empty(h, np.complex128))
    moved = np.roll(patch, (-3, 4), axis=(1, 2))
    out = (num * np.fft.rfft2(moved)).sum(axis=0) / (den + 1e-3)
    response = np.fft.irfft2(out, (n, n))
    j, i = np.unravel_index(np.argmax(response), response.shape)
    assert (i - n // 2, j - n // 2) == (4, -3)
    assert response_peak(response.astype(np.float32))[:2] == (i, j)


@pytest.mark.parametrize("seed", range(3))
def test_filter_response_matches_numpy(seed):
    """One call = the channels (`slow_features`), NumPy's FFTs, the filter summed over
    the channels, the scaled inverse, its peak and PSR; the channels' half spectra are
    left for `filter_learn`."""
    rng = np.random.default_rng(seed)
    n, c = 32, 5
    frame = rng.integers(0, 256, (61, 83, 3), dtype=np.uint8)
    window = rng.random((n, n)).astype(np.float32)
    h = n // 2 + 1
    num = rng.standard_normal((c, n, h)) + 1j * rng.standard_normal((c, n, h))
    den = rng.random((n, h)) * 5
    cx, cy, sx, sy, scale = rng.uniform(0, 83), rng.uniform(0, 61), rng.uniform(0.3, 3), rng.uniform(0.3, 3), 0.7
    patch = np.empty((c, n, n), np.float32)
    spectrum = np.empty((c, n, h), np.complex128)
    response = np.empty((n, n), np.float32)
    i, j, psr = filter_response(frame, cx, cy, sx, sy, window, np.empty((3, n)), np.empty((n, n), np.float32),
                                np.empty((4, n, n), np.float32), patch, spectrum, num, den, 0.5, scale, 2,
                                *fft_plan(n), np.empty((4, n, c * h)), response)
    ref_patch = slow_features(frame, cx, cy, sx, sy, window)
    np.testing.assert_allclose(patch, ref_patch, atol=1e-4 * np.abs(ref_patch).max())
    np.testing.assert_allclose(spectrum, np.fft.rfft2(patch.astype(np.float64)), atol=1e-9)
    filtered = (num * np.fft.rfft2(patch.astype(np.float64))).sum(axis=0) / (den + 0.5)
    ref = scale * np.fft.irfft2(filtered, (n, n))
    np.testing.assert_allclose(response, ref, atol=1e-5 * np.abs(ref).max())
    pj, pi = np.unravel_index(np.argmax(response), response.shape)
    assert (i, j) == (pi, pj)
    assert psr == pytest.approx(slow_psr(response, pi, pj, 2), rel=1e-5)


def slow_psr(response, pi, pj, radius):
    mask = np.ones(response.shape, bool)
    mask[max(pj - radius, 0):pj + radius + 1, max(pi - radius, 0):pi + radius + 1] = False
    side = response[mask].astype(np.float64)
    return (response[pj, pi] - side.mean()) / side.std()


@pytest.mark.parametrize("seed", range(3))
def test_peak_to_sidelobe_matches_numpy(seed):
    rng = np.random.default_rng(seed)
    response = rng.standard_normal((32, 32)).astype(np.float32)
    pj, pi = rng.integers(0, 32, 2)      # near an edge too: the square is clipped
    response[pj, pi] = 9.0
    assert peak_to_sidelobe(response, pi, pj, 3) == pytest.approx(slow_psr(response, pi, pj, 3), rel=1e-5)


def slow_box_mean(weights, cx, cy, bw, bh):
    """Mean weight of a bw x bh box at (cx, cy) (pixel centres at integers), each pixel
    counted by the share of it the box covers; outside the image counts zero."""
    h, w = weights.shape
    xs, ys = np.arange(w), np.arange(h)
    cover_x = np.clip(np.minimum(xs + 0.5, cx + bw / 2) - np.maximum(xs - 0.5, cx - bw / 2), 0, 1)
    cover_y = np.clip(np.minimum(ys + 0.5, cy + bh / 2) - np.maximum(ys - 0.5, cy - bh / 2), 0, 1)
    return float(cover_y @ weights.astype(np.float64) @ cover_x) / (bw * bh)


def merge_colour(response, integral, ou, ov, su, sv, bw, bh, colour_share, colour_scale, out):
    """The merged score at every point, as the tracker's kernel defines it (in float64,
    stored as float32), scanned in full: the reference `merge_colour_bounded` skips points
    of. Returns (i, j) of the highest."""
    n, m = response.shape
    area = max(bw * bh, 1e-9)
    best, bi, bj = -np.inf, 0, 0
    for j in range(n):
        for i in range(m):
            c = box_sum(integral, ou + su * i, ov + sv * j, bw, bh) / area
            out[j, i] = (1.0 - colour_share) * float(response[j, i]) + colour_share * colour_scale * c
            if out[j, i] > best:
                best, bi, bj = out[j, i], i, j
    return bi, bj


@pytest.mark.parametrize("seed", range(3))
def test_merge_colour_matches_numpy(seed):
    rng = np.random.default_rng(seed)
    weights = rng.random((29, 41)).astype(np.float32)
    integral = summed_area(weights, np.empty((30, 42)))
    response = rng.standard_normal((12, 16)).astype(np.float32)
    ou, ov, su, sv = rng.uniform(-5, 3), rng.uniform(-5, 3), rng.uniform(0.8, 3.0), rng.uniform(0.8, 2.5)
    bw, bh = rng.uniform(2, 9), rng.uniform(2, 9)
    out = np.empty_like(response)
    i, j = merge_colour(response, integral, ou, ov, su, sv, bw, bh, 0.3, 2.0, out)
    ref = np.array([[0.7 * response[jj, ii] + 0.3 * 2.0 * slow_box_mean(weights, ou + su * ii, ov + sv * jj, bw, bh)
                     for ii in range(16)] for jj in range(12)])
    np.testing.assert_allclose(out, ref, atol=1e-5)
    assert (j, i) == np.unravel_index(np.argmax(ref), ref.shape)


@pytest.mark.parametrize("seed", range(12))
def test_merge_colour_bounded_picks_the_full_merge_s_peak(seed):
    """Skipping the points that cannot win changes nothing: the same (i, j) as scoring
    every point (`merge_colour`, itself checked against NumPy), and the same merged score
    at the peak and its four neighbours (the sub-pixel parabola reads them)."""
    rng = np.random.default_rng(seed)
    weights = rng.random((40, 52)).astype(np.float32) * rng.uniform(0.2, 1.0)
    weights[rng.integers(0, 40), rng.integers(0, 52)] = weights.max()     # the max of the image at one pixel
    integral = summed_area(weights, np.empty((41, 53)))
    response = (rng.standard_normal((16, 16)) * rng.uniform(0.05, 0.5)).astype(np.float32)
    pj, pi = rng.integers(0, 16, 2)
    response[pj, pi] = rng.uniform(0.5, 1.5)        # a filter's response: one peak over noise
    ou, ov, su, sv = rng.uniform(-5, 3), rng.uniform(-5, 3), rng.uniform(0.8, 3.0), rng.uniform(0.8, 2.5)
    bw, bh = rng.uniform(2, 12), rng.uniform(2, 12)
    share, scale = 0.3, rng.uniform(0.5, 3.0)
    full = np.empty_like(response)
    i, j = merge_colour(response, integral, ou, ov, su, sv, bw, bh, share, scale, full)
    bounded = rng.uniform(-1.0, 5.0, response.shape).astype(response.dtype)   # stale values of an earlier call
    assert merge_colour_bounded(response, integral, ou, ov, su, sv, bw, bh, share, scale, pi, pj, bounded) == (i, j)
    skipped = bounded == -np.inf        # the kernel's mark for a point it proved cannot win
    assert not skipped[j, i] and (full[skipped] < full[j, i]).all()
    for di, dj in ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)):
        if 0 <= i + di < 16 and 0 <= j + dj < 16:
            assert bounded[j + dj, i + di] == full[j + dj, i + di]


def test_response_near_is_the_max_of_the_clipped_square():
    response = np.random.default_rng(0).standard_normal((12, 16)).astype(np.float32)
    for i, j, r in ((0, 0, 1), (5, 7, 1), (15, 11, 2), (8, 3, 0)):
        ref = response[max(j - r, 0):j + r + 1, max(i - r, 0):i + r + 1].max()
        assert response_near(response, i, j, r) == ref
    assert response_near(response, 16, 3, 1) == 0.0 and response_near(response, 3, -1, 1) == 0.0


@pytest.mark.parametrize("shape", [(1, 7), (7, 1), (2, 5), (1, 1), (3, 3)])
def test_orientation_channels_of_tiny_patches_match_numpy(shape):
    """A patch of one row or column mirrors its border onto itself, as OpenCV's blur does,
    and reads nothing outside its buffer: the channels after it in memory do not matter."""
    rng = np.random.default_rng(5)
    gray = (rng.random(shape) * 255).astype(np.float32)
    window = np.ones(shape, np.float32)
    ref = slow_orientations(gray, window)
    for fill in (0.0, 1e6):
        buffer = np.full((5,) + shape, fill, np.float32)      # a fifth channel past the four written
        lobes = np.full((5,) + shape, fill, np.float32)
        out = orientation_channels(gray, window, lobes[:4], buffer[:4])
        np.testing.assert_allclose(out, ref, atol=1e-4 * max(np.abs(ref).max(), 1.0))


def test_a_flat_patch_s_noise_stays_small_in_the_edge_channels():
    """A patch flat but for noise of a hundredth of a gray level gives edge channels about
    as faint as its gray channel, not edges at full scale."""
    rng = np.random.default_rng(6)
    gray = (90 + 0.01 * rng.standard_normal((32, 32))).astype(np.float32)
    window = np.ones((32, 32), np.float32)
    out = orientation_channels(gray, window, np.empty((4, 32, 32), np.float32), np.empty((4, 32, 32), np.float32))
    assert np.sqrt((out.astype(np.float64) ** 2).mean()) < 0.05
