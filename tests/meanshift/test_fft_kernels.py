"""The numba real 2-D FFT (the pattern cue's) against NumPy's."""

import numpy as np
import pytest

from tracker.meanshift._fft_kernels import fft_plan, irfft2, rfft2, rfft2_channels


@pytest.mark.parametrize("n", [2, 4, 8, 32])
def test_rfft2_matches_numpy(n):
    rng = np.random.default_rng(n)
    image = rng.standard_normal((n, n)).astype(np.float32)
    out = np.empty((n, n // 2 + 1), np.complex128)
    rfft2(image, *fft_plan(n), np.empty((4, n, n // 2 + 1)), out)
    np.testing.assert_allclose(out, np.fft.rfft2(image.astype(np.float64)), atol=1e-9)


@pytest.mark.parametrize("n, channels", [(2, 3), (8, 1), (32, 5)])
def test_rfft2_channels_is_each_channel_s_rfft2(n, channels):
    """All channels in one: NumPy's transforms, and each bit for bit the one-image call's."""
    images = np.random.default_rng(n).standard_normal((channels, n, n)).astype(np.float32)
    h = n // 2 + 1
    out = np.empty((channels, n, h), np.complex128)
    rfft2_channels(images, *fft_plan(n), np.empty((4, n, channels * h)), out)
    np.testing.assert_allclose(out, np.fft.rfft2(images.astype(np.float64)), atol=1e-9)
    for c in range(channels):
        one = rfft2(images[c], *fft_plan(n), np.empty((4, n, h)), np.empty((n, h), np.complex128))
        assert np.array_equal(out[c], one)
    with pytest.raises(ValueError, match="work must be"):     # a short buffer is refused, not overrun
        rfft2_channels(images, *fft_plan(n), np.empty((4, n, channels * h - 1)), out)


@pytest.mark.parametrize("n", [2, 4, 8, 32])
def test_irfft2_matches_numpy_for_any_half_spectrum(n):
    # Not only conjugate-symmetric ones: as in NumPy's, the parts that cannot belong to
    # a real image's spectrum do not reach the image.
    rng = np.random.default_rng(n)
    half = rng.standard_normal((n, n // 2 + 1)) + 1j * rng.standard_normal((n, n // 2 + 1))
    out = np.empty((n, n), np.float32)
    irfft2(half, *fft_plan(n), 0.25, np.empty((4, n, n // 2 + 1)), out)
    np.testing.assert_allclose(out, 0.25 * n * n * np.fft.irfft2(half, (n, n)), atol=1e-5 * n * n)


def test_round_trip_and_bad_size():
    n = 16
    image = np.random.default_rng(0).standard_normal((n, n)).astype(np.float32)
    plan, work = fft_plan(n), np.empty((4, n, n // 2 + 1))
    half = rfft2(image, *plan, work, np.empty((n, n // 2 + 1), np.complex128))
    back = irfft2(half, *plan, 1.0 / (n * n), work, np.empty((n, n), np.float32))
    np.testing.assert_allclose(back, image, atol=1e-6)
    with pytest.raises(ValueError, match="power of two"):
        fft_plan(24)
